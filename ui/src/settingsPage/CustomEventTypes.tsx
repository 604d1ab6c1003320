import type { EventType } from "../bindings/EventType";
import { PenIcon, TrashIcon } from "../components/icons";

interface CustomEventTypesProps {
  types: readonly EventType[];
  onEdit: (type: EventType) => void;
  onDelete: (type: EventType) => void;
}

/** The user's own types: name, description, sample; each editable and deletable. */
export function CustomEventTypes({ types, onEdit, onDelete }: CustomEventTypesProps) {
  if (types.length === 0) {
    return <p className="muted">No custom event types yet.</p>;
  }
  return (
    <table className="kv-table custom-types">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Description</th>
          <th scope="col">Sample payload</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {types.map((t) => {
          const sample = JSON.stringify(t.sample);
          return (
            <tr key={t.name}>
              <td className="mono">{t.name}</td>
              <td>{t.description || <span className="muted">—</span>}</td>
              <td className="mono cell-ellipsis-td" title={sample}>
                {sample}
              </td>
              <td className="custom-type-actions">
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Edit event type ${t.name}`}
                  title="Edit"
                  onClick={() => onEdit(t)}
                >
                  <PenIcon />
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Delete event type ${t.name}`}
                  title="Delete"
                  onClick={() => onDelete(t)}
                >
                  <TrashIcon />
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
