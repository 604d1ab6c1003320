import type { FieldError } from "../bindings/FieldError";

/**
 * The form field an engine field path belongs to. List items collapse onto their list
 * (`events[2]` → `events`, `filters.workflow[0]` → `filters.workflow`), while header rows keep
 * their index (`headers[1].value`), because each row has its own inputs.
 */
export function fieldKey(path: string): string {
  return path.replace(/\[\d+\]$/, "");
}

export type FieldMessageMap = ReadonlyMap<string, string[]>;

export function groupByField(messages: readonly FieldError[]): FieldMessageMap {
  const map = new Map<string, string[]>();
  for (const { field, message } of messages) {
    const key = fieldKey(field);
    const list = map.get(key) ?? [];
    if (!list.includes(message)) list.push(message);
    map.set(key, list);
  }
  return map;
}

/** The keys the form has a place for; anything else is listed at the top of the panel. */
export function isFormField(key: string): boolean {
  return (
    [
      "name",
      "code",
      "url",
      "description",
      "events",
      "filters.workflow",
      "filters.survey",
      "filters.group",
      "headers",
    ].includes(key) ||
    /^headers\[\d+\]\.(name|value)$/.test(key) ||
    key.startsWith("delivery.")
  );
}
