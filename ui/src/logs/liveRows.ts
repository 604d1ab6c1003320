// Merging attempts that arrive live into a loaded list, without reloading it.
import type { AttemptSummary } from "../bindings/AttemptSummary";
import { attemptSequence, isAttemptId } from "../ipc/ids";

/**
 * Newest first: attempt ids count up; executed_at when they cannot be compared (a queued
 * delivery's `dlv_` id counts deliveries, not attempts).
 */
export function newestFirst(a: AttemptSummary, b: AttemptSummary): number {
  if (isAttemptId(a.id) && isAttemptId(b.id)) return attemptSequence(b.id) - attemptSequence(a.id);
  return Date.parse(b.executed_at) - Date.parse(a.executed_at);
}

export interface LiveMerge {
  rows: AttemptSummary[];
  /** Rows added at the top. */
  added: number;
  /** Rows that left the list (a RETRYING row that is now FAILED, under a RETRYING filter). */
  removed: number;
}

/**
 * Puts newly recorded attempts that belong in the list (`incoming`) on top of `rows`, newest
 * first. Earlier attempts of a delivery learn how it stands now from its newest attempt (any
 * of `recorded`, which includes those that do not belong in the list): a RETRYING row has
 * ended as FAILED once a later attempt exists (under a RETRYING filter it leaves the list),
 * and a FAILED row of a delivery that then succeeded says so.
 */
export function mergeLive(
  rows: readonly AttemptSummary[],
  incoming: readonly AttemptSummary[],
  recorded: readonly AttemptSummary[],
  retryingOnly: boolean,
): LiveMerge {
  const newest = new Map<string, AttemptSummary>();
  for (const a of [...incoming, ...recorded]) {
    const known = newest.get(a.delivery_id);
    if (!known || a.attempt > known.attempt) newest.set(a.delivery_id, a);
  }
  const seen = new Set(rows.map((r) => r.id));
  const fresh: AttemptSummary[] = [];
  for (const a of incoming) {
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    fresh.push(a);
  }
  fresh.sort(newestFirst);

  let removed = 0;
  const settle = (list: readonly AttemptSummary[], counted: boolean) => {
    const out: AttemptSummary[] = [];
    for (const r of list) {
      const latest = newest.get(r.delivery_id);
      if (!latest || latest.attempt <= r.attempt) {
        out.push(r);
        continue;
      }
      if (r.result === "retrying" && retryingOnly) {
        if (counted) removed += 1;
        continue;
      }
      out.push({
        ...r,
        result: r.result === "retrying" ? "failed" : r.result,
        next_attempt_at: null,
        delivery_state: latest.delivery_state,
        delivery_attempts: latest.delivery_attempts,
      });
    }
    return out;
  };
  const top = settle(fresh, false);
  const older = settle(rows, true);
  const merged = [...top, ...older];
  // Notices of attempts committed at the same moment may come in either order.
  const last = top[top.length - 1];
  if (last && older[0] && newestFirst(last, older[0]) > 0) merged.sort(newestFirst);
  return { rows: merged, added: top.length, removed };
}
