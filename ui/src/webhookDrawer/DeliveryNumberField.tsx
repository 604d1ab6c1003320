import { FieldMessages } from "../components/FieldMessages";
import type { DeliveryForm } from "./deliveryForm";
import type { WebhookEditor } from "./useWebhookEditor";

interface NumberFieldProps {
  id: string;
  label: string;
  field: keyof DeliveryForm;
  errorKey: string;
  min: number;
  max: number;
  hint?: string;
  editor: WebhookEditor;
}

/** A number input of the Delivery section, bound to one delivery setting. */
export function DeliveryNumberField({
  id,
  label,
  field,
  errorKey,
  min,
  max,
  hint,
  editor,
}: NumberFieldProps) {
  const errors = editor.errorsFor(errorKey);
  const describedBy = hint ? `${id}-hint ${id}-messages` : `${id}-messages`;
  return (
    <div className="field field-number">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input
        id={id}
        className="input input-number"
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        value={editor.form.delivery[field]}
        aria-invalid={errors.length > 0 ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => editor.setDelivery({ [field]: e.target.value }, [errorKey])}
        onBlur={() => editor.touch(errorKey)}
      />
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      <FieldMessages id={`${id}-messages`} errors={errors} />
    </div>
  );
}
