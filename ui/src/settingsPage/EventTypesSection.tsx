import { useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { EventType } from "../bindings/EventType";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { PlusIcon } from "../components/icons";
import { useFeedback } from "../feedback/FeedbackContext";
import { deleteEventType } from "../ipc/commands";
import { BuiltinEventTypes } from "./BuiltinEventTypes";
import { CustomEventTypes } from "./CustomEventTypes";
import { EventTypeDialog } from "./EventTypeDialog";

interface EventTypesSectionProps {
  catalog: readonly EventType[] | null;
  onChanged: () => void;
}

type Editing = { type: EventType | null } | null;

/** The event type catalog: built-in types, and custom ones to add, edit and delete. */
export function EventTypesSection({ catalog, onChanged }: EventTypesSectionProps) {
  const { reportError, showToast } = useFeedback();
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<EventType | null>(null);
  const [busy, setBusy] = useState(false);
  const builtin = (catalog ?? []).filter((t) => t.builtin);
  const custom = (catalog ?? []).filter((t) => !t.builtin);

  async function remove(type: EventType) {
    setBusy(true);
    try {
      await deleteEventType(type.name);
      showToast({ message: `Event type ${type.name} deleted` });
      onChanged();
    } catch (error) {
      reportError(error as ErrorView, `Deleting ${type.name} failed`);
    } finally {
      setBusy(false);
      setDeleting(null);
    }
  }

  return (
    <section className="form-section" aria-labelledby="event-types-heading">
      <h2 id="event-types-heading" className="section-title">
        Event types
      </h2>
      {catalog === null ? (
        <p className="muted">Loading event types…</p>
      ) : (
        <>
          <div className="subsection">
            <div className="subsection-heading">
              <h3 className="subsection-title">Custom types</h3>
              <button
                type="button"
                className="button button-small"
                onClick={() => setEditing({ type: null })}
              >
                <PlusIcon /> Add event type
              </button>
            </div>
            <CustomEventTypes
              types={custom}
              onEdit={(type) => setEditing({ type })}
              onDelete={setDeleting}
            />
          </div>
          <div className="subsection">
            <h3 className="subsection-title">Built-in types</h3>
            <p className="field-hint">Read-only. Each has a realistic sample payload for Test.</p>
            <BuiltinEventTypes types={builtin} />
          </div>
        </>
      )}
      {editing && (
        <EventTypeDialog
          existing={editing.type}
          catalog={catalog ?? []}
          onCancel={() => setEditing(null)}
          onSaved={(type) => {
            setEditing(null);
            showToast({ message: `Event type ${type.name} saved` });
            onChanged();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete event type"
          danger
          busy={busy}
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>
            Webhooks can no longer choose it as a trigger. It cannot be deleted while a webhook is
            subscribed to it.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
