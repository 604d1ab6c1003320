// How times, durations and outcomes of deliveries read in the panel and the logs.
import type { AttemptSummary } from "../bindings/AttemptSummary";

/** "87 ms", "1.2 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

const LOCAL_TIME = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** The date and time in the user's time zone, to the second. */
export function formatLocalTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : LOCAL_TIME.format(date);
}

const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });

/**
 * How long ago a time of the past was, relative to `now`: "just now", "5 min. ago",
 * "yesterday"… A time after `now` still reads "just now": the clock a list compares with is
 * read a little before the rows it shows, and what already happened must never read as the
 * future ("in 1 min.").
 */
export function formatTimeAgo(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return RELATIVE.format(-minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (hours < 24) return RELATIVE.format(-hours, "hour");
  const days = Math.round(hours / 24);
  if (days < 30) return RELATIVE.format(-days, "day");
  return formatLocalTime(iso);
}

/** The Status column: the HTTP status code, or the kind of error (`timeout`, `connect`…). */
export function statusText(attempt: Pick<AttemptSummary, "status_code" | "error_kind">): string {
  if (attempt.status_code !== null) return String(attempt.status_code);
  return attempt.error_kind ?? "—";
}

/** "1 attempt", "1,204 attempts". */
export function countText(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? singular : plural}`;
}

/** "in 25 s", "in 4 min": how soon a time of the future comes; "now" once it has come. */
export function formatDueIn(iso: string, now: number = Date.now()): string {
  const due = Date.parse(iso);
  if (Number.isNaN(due)) return iso;
  const seconds = Math.round((due - now) / 1000);
  if (seconds <= 0) return "now";
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `in ${minutes} min`;
  return `at ${formatLocalTime(iso)}`;
}

/**
 * How the attempt's delivery ended (or stands), where the attempt's own result does not say
 * it: "succeeded after 2 attempts" under a FAILED first attempt, "delivery failed" under the
 * last of a delivery whose attempts are used up. Null when the badge says it all.
 */
export function outcomeText(
  a: Pick<AttemptSummary, "result" | "attempt" | "delivery_state" | "delivery_attempts">,
): string | null {
  const attempts = countText(a.delivery_attempts, "attempt");
  switch (a.delivery_state) {
    case "succeeded":
      if (a.result === "success")
        return a.attempt > 1 ? `after ${countText(a.attempt, "attempt")}` : null;
      return `succeeded after ${attempts}`;
    case "failed":
      return a.attempt >= a.delivery_attempts ? "delivery failed" : `failed after ${attempts}`;
    case "pending":
      return a.result === "failed" ? "retrying" : null;
  }
}

/** `evt_01M8…HBX` → `…ZXHBX`: enough of an event id to tell rows apart. */
export function shortId(id: string): string {
  return id.length > 10 ? `…${id.slice(-6)}` : id;
}
