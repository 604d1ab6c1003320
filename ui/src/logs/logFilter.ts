// The Logs filters as the user sets them, and what the engine is asked.
import type { AttemptSummary } from "../bindings/AttemptSummary";
import type { LogFilter } from "../bindings/LogFilter";
import type { LogScope } from "../bindings/LogScope";
import type { ResultFilter } from "../bindings/ResultFilter";

export interface LogFilterState {
  result: ResultFilter | "";
  eventType: string;
  /** `datetime-local` values (local time, to the minute); "" when open. */
  from: string;
  to: string;
  /** Text to find in the payload (already debounced). */
  search: string;
}

export const NO_FILTERS: LogFilterState = {
  result: "",
  eventType: "",
  from: "",
  to: "",
  search: "",
};

/** Unix ms of a `datetime-local` value, read as local time; null when empty or invalid. */
export function localInputToMs(value: string): number | null {
  if (value === "") return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** Why the date range cannot be used, or null. */
export function dateRangeError(state: LogFilterState): string | null {
  const from = localInputToMs(state.from);
  const to = localInputToMs(state.to);
  if (from !== null && to !== null && from > to) return "“From” must not be later than “To”.";
  return null;
}

const MINUTE_MS = 60_000;

/** The engine's filter. `to` includes the whole minute chosen (the engine's bound is exclusive). */
export function toLogFilter(state: LogFilterState): LogFilter {
  const filter: LogFilter = {};
  if (state.result !== "") filter.result = state.result;
  if (state.eventType !== "") filter.event_type = state.eventType;
  const from = localInputToMs(state.from);
  const to = localInputToMs(state.to);
  if (from !== null) filter.from_ms = from;
  if (to !== null) filter.to_ms = to + MINUTE_MS;
  const search = state.search.trim();
  if (search !== "") filter.search = search;
  return filter;
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
  if (filter.result !== undefined && attempt.result !== filter.result) return "no";
  if (filter.event_type !== undefined && attempt.event_type !== filter.event_type) return "no";
  const at = Date.parse(attempt.executed_at);
  if (filter.from_ms !== undefined && at < filter.from_ms) return "no";
  if (filter.to_ms !== undefined && at >= filter.to_ms) return "no";
  return filter.search !== undefined ? "ask" : "yes";
}
