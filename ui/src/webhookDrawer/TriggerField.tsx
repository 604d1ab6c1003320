import type { EventType } from "../bindings/EventType";
import { FieldMessages } from "../components/FieldMessages";

/** The catalog's groups, in the order people look for them; others follow. */
const ENTITY_ORDER = ["User", "Task", "Survey", "Element", "Custom"];

interface TriggerGroup {
  entity: string;
  types: Array<Pick<EventType, "name" | "label" | "description">>;
}

function groupCatalog(catalog: readonly EventType[], selected: readonly string[]): TriggerGroup[] {
  const entities = [...new Set(catalog.map((t) => t.entity))].sort((a, b) => {
    const rank = (e: string) => (ENTITY_ORDER.includes(e) ? ENTITY_ORDER.indexOf(e) : 99);
    return rank(a) - rank(b);
  });
  const groups: TriggerGroup[] = entities.map((entity) => ({
    entity,
    types: catalog.filter((t) => t.entity === entity),
  }));
  // A subscribed type that left the catalog (a deleted custom type) stays visible, so it
  // can be unticked.
  const missing = selected.filter((name) => !catalog.some((t) => t.name === name));
  if (missing.length > 0) {
    groups.push({
      entity: "Not in the catalog",
      types: missing.map((name) => ({ name, label: name, description: "" })),
    });
  }
  return groups;
}

interface TriggerFieldProps {
  catalog: readonly EventType[] | null;
  selected: readonly string[];
  onToggle: (name: string, on: boolean) => void;
  errors: string[];
}

/** The event types the webhook is subscribed to, as checkbox groups by entity. */
export function TriggerField({ catalog, selected, onToggle, errors }: TriggerFieldProps) {
  return (
    <fieldset
      className="field trigger-field"
      aria-describedby="webhook-trigger-messages"
      aria-invalid={errors.length > 0 ? true : undefined}
    >
      <legend className="field-label">Trigger</legend>
      {catalog === null ? (
        <p className="muted">Loading event types…</p>
      ) : (
        <div className="trigger-groups">
          {groupCatalog(catalog, selected).map((group) => (
            <fieldset key={group.entity} className="trigger-group">
              <legend>{group.entity}</legend>
              {group.types.map((type) => (
                <label
                  key={type.name}
                  className="checkbox-label"
                  title={type.description ? `${type.name}: ${type.description}` : type.name}
                >
                  <input
                    type="checkbox"
                    checked={selected.includes(type.name)}
                    onChange={(e) => onToggle(type.name, e.target.checked)}
                  />
                  {type.label}
                </label>
              ))}
            </fieldset>
          ))}
        </div>
      )}
      <FieldMessages id="webhook-trigger-messages" errors={errors} />
    </fieldset>
  );
}
