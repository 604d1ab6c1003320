import { useState } from "react";
import { DATE_FORMAT, parseLocalDate } from "./logFilter";

interface DateFilterFieldProps {
  id: string;
  label: string;
  /** The date applied to the filter (as typed, see LogFilterState). */
  value: string;
  onChange: (value: string) => void;
  invalid: boolean;
  describedBy: string;
}

/**
 * A date bound of the Logs filters, typed as text. Not `datetime-local`: WebKitGTK draws an
 * empty one as today's date in grey ("12/02/2026, 12:30"), which reads as a filter that is
 * set. Empty, this field looks empty; the format shows as its placeholder while it has focus.
 * A complete date applies at once; anything else when the field is left (or on Enter), so
 * half-typed dates are not errors.
 */
export function DateFilterField({
  id,
  label,
  value,
  onChange,
  invalid,
  describedBy,
}: DateFilterFieldProps) {
  const [text, setText] = useState(value);
  // Cleared or set from outside (Clear filters): show what applies.
  const [applied, setApplied] = useState(value);
  if (value !== applied) {
    setApplied(value);
    setText(value);
  }

  function apply(next: string) {
    const trimmed = next.trim();
    if (trimmed === value) return;
    setApplied(trimmed);
    onChange(trimmed);
  }

  return (
    <div className="log-filter">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input
        id={id}
        className="input mono date-filter"
        type="text"
        inputMode="numeric"
        autoComplete="off"
        spellCheck={false}
        placeholder={DATE_FORMAT}
        title={`Local time, ${DATE_FORMAT}; the time may be left out`}
        value={text}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === "" || parseLocalDate(e.target.value) !== null)
            apply(e.target.value);
        }}
        onBlur={() => apply(text)}
        onKeyDown={(e) => {
          if (e.key === "Enter") apply(text);
        }}
      />
    </div>
  );
}
