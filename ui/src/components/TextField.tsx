import type { ReactNode } from "react";
import { FieldMessages } from "./FieldMessages";

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange?: (value: string) => void;
  onBlur?: () => void;
  errors?: string[];
  warnings?: string[];
  hint?: ReactNode;
  readOnly?: boolean;
  monospace?: boolean;
  placeholder?: string;
  multiline?: boolean;
  /** Shows "n/max" under the field; the engine enforces the limit. */
  counterMax?: number;
  autoFocus?: boolean;
  type?: "text" | "url";
  /** Controls beside the input, such as a copy button. */
  trailing?: ReactNode;
}

/** A labelled text input (`<label for>`) with its hint, errors and warnings under it. */
export function TextField({
  id,
  label,
  value,
  onChange,
  onBlur,
  errors = [],
  warnings = [],
  hint,
  readOnly = false,
  monospace = false,
  placeholder,
  multiline = false,
  counterMax,
  autoFocus = false,
  type = "text",
  trailing,
}: TextFieldProps) {
  const hintId = `${id}-hint`;
  const messagesId = `${id}-messages`;
  const describedBy = hint ? `${hintId} ${messagesId}` : messagesId;
  const count = [...value].length;
  const shared = {
    id,
    value,
    readOnly,
    placeholder,
    autoFocus,
    onBlur,
    "aria-invalid": errors.length > 0 ? true : undefined,
    "aria-describedby": describedBy,
    className: `input${monospace ? " mono" : ""}${readOnly ? " input-readonly" : ""}`,
    spellCheck: monospace ? false : undefined,
  } as const;
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <div className="field-control">
        {multiline ? (
          <textarea {...shared} rows={3} onChange={(e) => onChange?.(e.target.value)} />
        ) : (
          <input
            {...shared}
            type={type}
            autoComplete="off"
            onChange={(e) => onChange?.(e.target.value)}
          />
        )}
        {trailing}
      </div>
      {(hint || counterMax !== undefined) && (
        <div className="field-hint-row">
          {hint ? (
            <p id={hintId} className="field-hint">
              {hint}
            </p>
          ) : (
            <span />
          )}
          {counterMax !== undefined && (
            <span className={count > counterMax ? "field-counter over" : "field-counter"}>
              {count}/{counterMax}
            </span>
          )}
        </div>
      )}
      <FieldMessages id={messagesId} errors={errors} warnings={warnings} />
    </div>
  );
}
