// Merging attempts that arrive live into a loaded list, without reloading it.
import type { AttemptSummary } from "../bindings/AttemptSummary";

/** The sequence number in an engine id (`att_1204` → 1204); NaN when it has none. */
function sequence(id: string): number {
  const match = /(\d+)$/.exec(id);
  return match ? Number(match[1]) : Number.NaN;
}

/** Newest first: ids count up; executed_at when they cannot be compared. */
export function newestFirst(a: AttemptSummary, b: AttemptSummary): number {
  const sa = sequence(a.id);
  const sb = sequence(b.id);
  if (!Number.isNaN(sa) && !Number.isNaN(sb)) return sb - sa;
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
 * first. An earlier attempt of the same delivery that showed RETRYING has ended as FAILED once
 * a later attempt exists (any of `recorded`, which includes those that do not belong in the
 * list); under a RETRYING filter it leaves the list.
 */
export function mergeLive(
  rows: readonly AttemptSummary[],
  incoming: readonly AttemptSummary[],
  recorded: readonly AttemptSummary[],
  retryingOnly: boolean,
): LiveMerge {
  const latest = new Map<string, number>();
  for (const a of [...incoming, ...recorded]) {
    latest.set(a.delivery_id, Math.max(a.attempt, latest.get(a.delivery_id) ?? 0));
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
      if (r.result !== "retrying" || r.attempt >= (latest.get(r.delivery_id) ?? 0)) out.push(r);
      else if (!retryingOnly) out.push({ ...r, result: "failed" });
      else if (counted) removed += 1;
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
