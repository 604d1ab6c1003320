// Checks of a custom event type as typed, before the engine sees it.
import type { EventType } from "../bindings/EventType";
import { jsonSyntaxError } from "./jsonSyntax";

/** The engine's rule for event type names: `entity.action`. */
export const EVENT_TYPE_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export type SampleCheck =
  { ok: true; sample: Record<string, unknown> } | { ok: false; message: string };

/** Where the text stops being JSON, or null; null too when the checker cannot tell (depth). */
function syntaxProblem(text: string): string | null {
  let error;
  try {
    error = jsonSyntaxError(text);
  } catch {
    return null;
  }
  return (
    error && `This is not valid JSON. Line ${error.line}, column ${error.column}: ${error.message}.`
  );
}

/** The sample payload must parse as JSON and be an object. */
export function checkSample(text: string): SampleCheck {
  if (text.trim() === "") return { ok: false, message: "Enter a sample payload: a JSON object." };
  const syntax = syntaxProblem(text);
  if (syntax) return { ok: false, message: syntax };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `This is not valid JSON: ${detail}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      message: 'The sample payload must be a JSON object, e.g. {"invoice": {"id": 1}}.',
    };
  }
  return { ok: true, sample: value as Record<string, unknown> };
}

export function nameError(
  name: string,
  catalog: readonly EventType[],
  editing: boolean,
): string | null {
  const trimmed = name.trim();
  if (trimmed === "") return "Name is required.";
  if (!EVENT_TYPE_NAME.test(trimmed)) {
    return "Use entity.action in lowercase letters, digits and _, e.g. invoice.paid.";
  }
  const existing = catalog.find((t) => t.name === trimmed);
  if (existing?.builtin) return `${trimmed} is a built-in type; pick another name.`;
  if (existing && !editing) return `${trimmed} already exists; edit it instead.`;
  return null;
}
