import type { ErrorKind } from "../bindings/ErrorKind";
import type { ErrorView } from "../bindings/ErrorView";

const KINDS: readonly ErrorKind[] = [
  "invalid",
  "not_found",
  "conflict",
  "keyring",
  "database",
  "io",
  "already_running",
  "unavailable",
];

function isErrorView(value: unknown): value is ErrorView {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<ErrorView>;
  return (
    typeof v.message === "string" &&
    typeof v.kind === "string" &&
    KINDS.includes(v.kind) &&
    Array.isArray(v.fields)
  );
}

/**
 * Every command rejects with an `ErrorView`, but the IPC layer itself can reject with a plain
 * string (a missing permission, a command that does not exist) or an Error. Components only
 * ever see an `ErrorView`, so one shape is handled everywhere.
 */
export function toErrorView(reason: unknown): ErrorView {
  if (isErrorView(reason)) return reason;
  const message =
    reason instanceof Error
      ? reason.message
      : typeof reason === "string"
        ? reason
        : "The backend did not answer.";
  return { kind: "unavailable", message, fields: [] };
}

/** Errors the user cannot fix in a form field: shown in the banner at the top. */
export function isSystemTrouble(error: ErrorView): boolean {
  return error.kind === "keyring" || error.kind === "database" || error.kind === "io";
}
