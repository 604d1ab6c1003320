// The Logs filters as the user sets them, and what the engine is asked.
import type { AttemptSummary } from "../bindings/AttemptSummary";
import type { LogFilter } from "../bindings/LogFilter";
import type { LogScope } from "../bindings/LogScope";
import type { ResultFilter } from "../bindings/ResultFilter";

export interface LogFilterState {
  result: ResultFilter | "";
  eventType: string;
  /**
   * Local dates as typed and applied: `YYYY-MM-DD`, with a time `HH:MM` after a space or a
   * `T`; "" when open. Text that is not a date stays here, for dateRangeError to name.
   */
  from: string;
  to: string;
  /** Text to find in the payload (already debounced). */
  search: string;
  /** Leave out what **Test** sent. */
  hideTests: boolean;
  /** An HTTP status as typed (the Deliveries view); "" for any. */
  status: string;
  /** One event's id (its `webhook-id`), as typed or pasted (the Deliveries view). */
  eventId: string;
}

export const NO_FILTERS: LogFilterState = {
  result: "",
  eventType: "",
  from: "",
  to: "",
  search: "",
  hideTests: false,
  status: "",
  eventId: "",
};

/** How a date filter is written; shown in the field while it has focus. */
export const DATE_FORMAT = "YYYY-MM-DD HH:MM";

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/;

export interface LocalDate {
  /** Unix ms of its start, read as local time. */
  ms: number;
  /** A whole day (no time given) or one minute. */
  span: "day" | "minute";
}

/** A date filter as typed; null when empty or not a date (31 February included). */
export function parseLocalDate(text: string): LocalDate | null {
  const match = LOCAL_DATE.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute] = match
    .slice(1)
    .map((n) => (n === undefined ? 0 : Number(n)));
  const date = new Date(year!, month! - 1, day!, hour!, minute!);
  // The Date constructor rolls 2026-02-31 over into March: such a date was not meant.
  if (date.getFullYear() !== year || date.getMonth() !== month! - 1 || date.getDate() !== day)
    return null;
  if (hour! > 23 || minute! > 59) return null;
  return { ms: date.getTime(), span: match[4] === undefined ? "day" : "minute" };
}

/** The first moment after the span that starts at `date` (the engine's bound is exclusive). */
function endOf(date: LocalDate): number {
  if (date.span === "minute") return date.ms + 60_000;
  const next = new Date(date.ms);
  next.setDate(next.getDate() + 1); // a day of 23 or 25 hours at a DST change
  return next.getTime();
}

/** Why the date range cannot be used, or null. */
export function dateRangeError(state: LogFilterState): string | null {
  const from = parseLocalDate(state.from);
  const to = parseLocalDate(state.to);
  for (const [text, date, name] of [
    [state.from, from, "From"],
    [state.to, to, "To"],
  ] as const) {
    if (text.trim() !== "" && date === null)
      return `Write “${name}” as ${DATE_FORMAT} (the time may be left out), e.g. 2026-11-24 09:30.`;
  }
  if (from !== null && to !== null && from.ms >= endOf(to))
    return "“From” must not be later than “To”.";
  return null;
}

/** The status typed, when it is one (100–599). */
function parseStatus(text: string): number | null {
  return /^\s*[1-5]\d\d\s*$/.test(text) ? Number(text) : null;
}

/** Why the status filter cannot be used, or null. */
export function statusError(state: LogFilterState): string | null {
  return state.status.trim() !== "" && parseStatus(state.status) === null
    ? "Write an HTTP status between 100 and 599, e.g. 503."
    : null;
}

/** The engine's filter. `to` includes the whole minute, or the whole day, chosen. */
export function toLogFilter(state: LogFilterState): LogFilter {
  const filter: LogFilter = {};
  if (state.result !== "") filter.result = state.result;
  if (state.eventType !== "") filter.event_type = state.eventType;
  const from = parseLocalDate(state.from);
  const to = parseLocalDate(state.to);
  if (from !== null) filter.from_ms = from.ms;
  if (to !== null) filter.to_ms = endOf(to);
  const search = state.search.trim();
  if (search !== "") filter.search = search;
  if (state.hideTests) filter.exclude_tests = true;
  const status = parseStatus(state.status);
  if (status !== null) filter.status_code = status;
  const eventId = state.eventId.trim();
  if (eventId !== "") filter.event_id = eventId;
  return filter;
}

/** The Result filter, as the engine applies it to one row. */
function resultMatches(attempt: AttemptSummary, result: LogFilter["result"]): boolean {
  if (result === undefined) return true;
  // "Failed deliveries": the last attempt of each delivery that failed for good.
  if (result === "delivery_failed")
    return attempt.delivery_state === "failed" && attempt.attempt >= attempt.delivery_attempts;
  return attempt.result === result;
}

export function isFiltered(filter: LogFilter): boolean {
  return Object.keys(filter).length > 0;
}

/**
 * Whether a newly recorded attempt belongs in a list of this scope and filter, as far as its
 * summary tells: `"yes"`, `"no"`, or `"ask"` when only the payload (not in the summary) can say.
 */
export function liveMatch(
  attempt: AttemptSummary,
  scope: LogScope,
  filter: LogFilter,
): "yes" | "no" | "ask" {
  if (scope.kind === "webhook" && attempt.webhook_id !== scope.id) return "no";
  if (scope.kind === "direct" && attempt.webhook_id !== null) return "no";
  if (!resultMatches(attempt, filter.result)) return "no";
  if (filter.exclude_tests && attempt.test) return "no";
  if (filter.event_type !== undefined && attempt.event_type !== filter.event_type) return "no";
  if (filter.status_code !== undefined && attempt.status_code !== filter.status_code) return "no";
  if (filter.event_id !== undefined && attempt.event_id !== filter.event_id) return "no";
  const at = Date.parse(attempt.executed_at);
  if (filter.from_ms !== undefined && at < filter.from_ms) return "no";
  if (filter.to_ms !== undefined && at >= filter.to_ms) return "no";
  return filter.search !== undefined ? "ask" : "yes";
}
