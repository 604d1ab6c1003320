import { ErrorIcon, WarningIcon } from "./icons";

interface FieldMessagesProps {
  id: string;
  errors: string[];
  warnings?: string[];
}

/**
 * The errors and warnings under one field. Always rendered (possibly empty) so that the
 * field's `aria-describedby` points at something, and so nothing jumps when one appears.
 */
export function FieldMessages({ id, errors, warnings = [] }: FieldMessagesProps) {
  return (
    <div id={id} className="field-messages">
      {errors.map((message) => (
        <p key={`e-${message}`} className="field-error">
          <ErrorIcon /> {message}
        </p>
      ))}
      {warnings.map((message) => (
        <p key={`w-${message}`} className="field-warning">
          <WarningIcon /> {message}
        </p>
      ))}
    </div>
  );
}
