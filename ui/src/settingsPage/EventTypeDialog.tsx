import { useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { EventType } from "../bindings/EventType";
import { RULES } from "../bindings/rules";
import { FieldMessages } from "../components/FieldMessages";
import { ModalDialog } from "../components/ModalDialog";
import { TextField } from "../components/TextField";
import { useFeedback } from "../feedback/FeedbackContext";
import { saveEventType } from "../ipc/commands";
import { checkSample, nameError } from "./eventTypeForm";

interface EventTypeDialogProps {
  /** The custom type to edit; null to add one. */
  existing: EventType | null;
  catalog: readonly EventType[];
  onSaved: (type: EventType) => void;
  onCancel: () => void;
}

/** Shown in the empty field as a placeholder: an example to follow, not text to delete. */
const EXAMPLE = '{\n  "invoice": {\n    "id": "inv_42",\n    "amount": 1250\n  }\n}';

/** Adds or edits a custom event type: name, description, sample payload (a JSON object). */
export function EventTypeDialog({ existing, catalog, onSaved, onCancel }: EventTypeDialogProps) {
  const { reportError } = useFeedback();
  const [name, setName] = useState(existing?.name ?? "");
  const [description, setDescription] = useState(existing?.description ?? "");
  // As it was written: the engine keeps the text, key order and spacing included.
  const [sample, setSample] = useState(existing?.sample_text ?? "");
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  const sampleCheck = checkSample(sample);
  const nameProblem = existing ? null : nameError(name, catalog, false);
  const descriptionProblem =
    [...description].length > RULES.description_max
      ? `Description must be at most ${RULES.description_max} characters.`
      : null;
  const problems: Record<string, string | null> = {
    name: nameProblem,
    description: descriptionProblem,
    sample: sampleCheck.ok ? null : sampleCheck.message,
  };
  const valid = Object.values(problems).every((p) => p === null);
  const errorsFor = (field: string) => {
    const local = touched.has(field) ? problems[field] : null;
    const server = serverErrors[field];
    return [local, server].filter((m): m is string => !!m);
  };
  const touch = (field: string) => setTouched((t) => new Set([...t, field]));
  const change = (field: string, set: (v: string) => void) => (value: string) => {
    set(value);
    touch(field);
    setServerErrors((e) => ({ ...e, [field]: "" }));
  };

  async function save() {
    if (!sampleCheck.ok || !valid) {
      setTouched(new Set(["name", "description", "sample"]));
      return;
    }
    setSaving(true);
    try {
      onSaved(
        await saveEventType({
          name: existing?.name ?? name.trim(),
          description,
          // The text itself, checked here and by the engine: saved as typed.
          sample,
        }),
      );
    } catch (reason) {
      const error = reason as ErrorView;
      if (error.kind === "invalid" && error.fields.length > 0) {
        setServerErrors(Object.fromEntries(error.fields.map((f) => [f.field, f.message])));
      } else {
        reportError(error, "Saving the event type failed");
      }
      setSaving(false);
    }
  }

  return (
    <ModalDialog
      title={existing ? `Edit ${existing.name}` : "Add event type"}
      onCancel={onCancel}
      wide
      actions={
        <>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={!valid || saving}
            aria-busy={saving || undefined}
            onClick={() => void save()}
          >
            Save event type
          </button>
        </>
      }
    >
      <TextField
        id="event-type-name"
        label="Name"
        value={name}
        monospace
        readOnly={existing !== null}
        placeholder="invoice.paid"
        autoFocus={existing === null}
        onChange={existing ? undefined : change("name", setName)}
        onBlur={() => touch("name")}
        errors={errorsFor("name")}
        hint={existing ? "The name cannot be changed." : "entity.action, e.g. invoice.paid"}
      />
      <TextField
        id="event-type-description"
        label="Description"
        value={description}
        multiline
        counterMax={RULES.description_max}
        onChange={change("description", setDescription)}
        onBlur={() => touch("description")}
        errors={errorsFor("description")}
      />
      <div className="field">
        <label htmlFor="event-type-sample" className="field-label">
          Sample payload
        </label>
        <textarea
          id="event-type-sample"
          className="input mono sample-input"
          rows={8}
          spellCheck={false}
          value={sample}
          placeholder={EXAMPLE}
          aria-invalid={errorsFor("sample").length > 0 ? true : undefined}
          aria-describedby="event-type-sample-hint event-type-sample-messages"
          onChange={(e) => change("sample", setSample)(e.target.value)}
          onBlur={() => touch("sample")}
        />
        <p id="event-type-sample-hint" className="field-hint">
          A JSON object: the <code>data</code> that Test sends for this type.
        </p>
        <FieldMessages id="event-type-sample-messages" errors={errorsFor("sample")} />
      </div>
    </ModalDialog>
  );
}
