import { useEffect, useRef } from "react";
import type { Webhook } from "../bindings/Webhook";

interface SelectAllCheckboxProps {
  rows: readonly Webhook[];
  selected: ReadonlySet<string>;
  onChange: (on: boolean) => void;
}

/** Selects every listed row; shows "some" (indeterminate) when only part are selected. */
export function SelectAllCheckbox({ rows, selected, onChange }: SelectAllCheckboxProps) {
  const box = useRef<HTMLInputElement>(null);
  const count = rows.filter((w) => selected.has(w.id)).length;
  const all = rows.length > 0 && count === rows.length;
  const some = count > 0 && !all;

  useEffect(() => {
    // `indeterminate` exists only as a DOM property.
    if (box.current) box.current.indeterminate = some;
  }, [some]);

  return (
    <input
      ref={box}
      type="checkbox"
      aria-label="Select all webhooks"
      checked={all}
      disabled={rows.length === 0}
      onChange={(e) => onChange(e.target.checked)}
    />
  );
}
