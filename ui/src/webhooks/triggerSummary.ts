import type { EventType } from "../bindings/EventType";

export interface TriggerSummary {
  /** What the cell shows: "Task created, Task updated" or "Task created +3". */
  text: string;
  /** Every label, for the tooltip. */
  full: string;
}

/** The catalog's human label for an event type, or its name when it is not in the catalog. */
export function eventLabel(name: string, catalog: readonly EventType[]): string {
  return catalog.find((t) => t.name === name)?.label ?? name;
}

/** Up to two labels are listed; more collapse to the first one and a count of the others. */
export function summarizeTriggers(
  events: readonly string[],
  catalog: readonly EventType[],
): TriggerSummary {
  const labels = events.map((e) => eventLabel(e, catalog));
  const full = labels.join(", ");
  if (labels.length <= 2) return { text: full, full };
  return { text: `${labels[0]} +${labels.length - 1}`, full };
}
