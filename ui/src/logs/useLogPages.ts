import { useCallback, useEffect, useEffectEvent, useRef, useState } from "react";
import type { AttemptSummary } from "../bindings/AttemptSummary";
import type { ErrorView } from "../bindings/ErrorView";
import type { LogFilter } from "../bindings/LogFilter";
import type { LogScope } from "../bindings/LogScope";
import { countLogs, listLogs } from "../ipc/commands";
import { useNoticeRouter } from "../ipc/NoticeRouterProvider";
import { liveMatch } from "./logFilter";
import { mergeLive } from "./liveRows";

/** Enough for the first screens; further pages as the user scrolls. */
export const FIRST_PAGE = 100;
export const NEXT_PAGE = 200;
/** Attempts arriving together (a burst of deliveries) are added to the list at once. */
export const LIVE_BATCH_MS = 60;

export interface PagesState {
  /** The scope and filter these rows are for. */
  key: string;
  rows: AttemptSummary[];
  /** `count_logs` for the scope and filter; null until it answers. */
  total: number | null;
  status: "loading" | "ready" | "failed";
  error: ErrorView | null;
  hasMore: boolean;
  loadingMore: boolean;
  moreError: ErrorView | null;
  /** Bumped each time live rows are put on top, with how many (to keep the scroll still). */
  live: { seq: number; added: number };
  /**
   * Attempts recorded while the list was held (the user reads further down, or paused live
   * updates), newest last: counted, not shown, so the rows on screen stay where they are.
   */
  held: AttemptSummary[];
  /** Every attempt recorded while held, those not shown included (they settle RETRYING rows). */
  heldRecorded: AttemptSummary[];
}

const fresh = (key: string): PagesState => ({
  key,
  rows: [],
  total: null,
  status: "loading",
  error: null,
  hasMore: false,
  loadingMore: false,
  moreError: null,
  live: { seq: 0, added: 0 },
  held: [],
  heldRecorded: [],
});

/** The held attempts put on top of the rows, as if they had just arrived. */
function releaseHeld(s: PagesState, retryingOnly: boolean): PagesState {
  if (s.held.length === 0 && s.heldRecorded.length === 0) return s;
  const merged = mergeLive(s.rows, s.held, s.heldRecorded, retryingOnly);
  return {
    ...s,
    rows: merged.rows,
    // The held ones were counted as they came; only the rows that left are new to the total.
    total: s.total === null ? null : s.total - merged.removed,
    live: { seq: s.live.seq + 1, added: merged.added },
    held: [],
    heldRecorded: [],
  };
}

/** Recorded attempts kept aside while the list is held. */
function holdLive(
  s: PagesState,
  added: readonly AttemptSummary[],
  recorded: readonly AttemptSummary[],
  retryingOnly: boolean,
): PagesState {
  // A RETRYING row on screen that a later attempt settled turns FAILED where it is: nothing
  // moves. (Under a RETRYING filter it would leave the list, which moves the rows: later.)
  const rows = retryingOnly ? s.rows : mergeLive(s.rows, [], recorded, false).rows;
  const seen = new Set([...s.rows, ...s.held].map((r) => r.id));
  const fresh: AttemptSummary[] = [];
  for (const a of added) {
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    fresh.push(a);
  }
  return {
    ...s,
    rows,
    held: [...s.held, ...fresh],
    heldRecorded: [...s.heldRecorded, ...recorded],
    total: s.total === null ? null : s.total + fresh.length,
  };
}

/** Rows of `page` not already in `rows`, after them. */
function appendPage(rows: AttemptSummary[], page: readonly AttemptSummary[]): AttemptSummary[] {
  const ids = new Set(rows.map((r) => r.id));
  return [...rows, ...page.filter((r) => !ids.has(r.id))];
}

/**
 * The attempts of a scope and filter, newest first, a page at a time (keyset paging with
 * `before`: never all of them), with the total from `count_logs`. Attempts recorded while the
 * list is shown are put on top as their notices arrive, without asking for the list again;
 * while `hold` is true they are kept aside (`held`) until it turns false or `showHeld`.
 * `filter` null means the filters are not usable yet (nothing is asked).
 */
export function useLogPages(scope: LogScope, filter: LogFilter | null, hold = false) {
  const router = useNoticeRouter();
  const key = JSON.stringify({ scope, filter });
  const [state, setState] = useState<PagesState>(() => fresh(key));
  const [reloads, setReloads] = useState(0);
  // Answers for an older scope or filter (or before a reload) are dropped.
  const generation = useRef(0);
  const moreInFlight = useRef(false);
  /** Recorded attempts waiting for the next flush; `add` when they belong in the list. */
  const pending = useRef<Array<{ attempt: AttemptSummary; add: boolean }>>([]);
  const flushTimer = useRef<number | undefined>(undefined);

  if (state.key !== key) setState(fresh(key));

  // No longer held (back at the top, live updates resumed): what was held goes on top.
  const retryingOnly = filter?.result === "retrying";
  const [wasHeld, setWasHeld] = useState(hold);
  if (hold !== wasHeld) {
    setWasHeld(hold);
    if (!hold) setState((s) => releaseHeld(s, retryingOnly));
  }

  useEffect(() => {
    const query = JSON.parse(key) as { scope: LogScope; filter: LogFilter | null };
    const gen = ++generation.current;
    moreInFlight.current = false;
    pending.current = [];
    if (query.filter === null) return;
    const page = FIRST_PAGE;
    listLogs(query.scope, query.filter, page).then(
      (rows) => {
        if (gen !== generation.current) return;
        // Rows that arrived live while the page was on its way stay on top.
        setState((s) => ({
          ...s,
          rows: [...s.rows.filter((r) => !rows.some((x) => x.id === r.id)), ...rows],
          status: "ready",
          error: null,
          hasMore: rows.length === page,
        }));
      },
      (error: ErrorView) => {
        if (gen !== generation.current) return;
        setState((s) => ({ ...s, status: "failed", error }));
      },
    );
    countLogs(query.scope, query.filter).then(
      (total) => {
        if (gen === generation.current) setState((s) => ({ ...s, total }));
      },
      () => undefined, // The list says what failed; the count just stays unknown.
    );
  }, [key, reloads]);

  const loadMore = useCallback(() => {
    if (filter === null || state.status !== "ready" || !state.hasMore) return;
    const last = state.rows[state.rows.length - 1];
    if (!last || moreInFlight.current) return;
    moreInFlight.current = true;
    const gen = generation.current;
    setState((s) => ({ ...s, loadingMore: true, moreError: null }));
    listLogs(scope, { ...filter, before: last.id }, NEXT_PAGE).then(
      (page) => {
        if (gen !== generation.current) return;
        moreInFlight.current = false;
        setState((s) => ({
          ...s,
          rows: appendPage(s.rows, page),
          hasMore: page.length === NEXT_PAGE,
          loadingMore: false,
        }));
      },
      (error: ErrorView) => {
        if (gen !== generation.current) return;
        moreInFlight.current = false;
        setState((s) => ({ ...s, loadingMore: false, moreError: error }));
      },
    );
  }, [scope, filter, state.status, state.hasMore, state.rows]);

  const flush = useEffectEvent(() => {
    flushTimer.current = undefined;
    const incoming = pending.current;
    pending.current = [];
    if (incoming.length === 0) return;
    const added = incoming.filter((p) => p.add).map((p) => p.attempt);
    const recorded = incoming.map((p) => p.attempt);
    if (hold) {
      setState((s) => holdLive(s, added, recorded, retryingOnly));
      return;
    }
    setState((s) => {
      const merged = mergeLive(s.rows, added, recorded, retryingOnly);
      // Only RETRYING rows may have settled as FAILED: nothing moves.
      if (merged.added === 0 && merged.removed === 0) return { ...s, rows: merged.rows };
      return {
        ...s,
        rows: merged.rows,
        total: s.total === null ? null : s.total + merged.added - merged.removed,
        live: { seq: s.live.seq + 1, added: merged.added },
      };
    });
  });

  const queue = useEffectEvent((attempt: AttemptSummary, add: boolean) => {
    pending.current.push({ attempt, add });
    if (flushTimer.current === undefined) {
      flushTimer.current = window.setTimeout(() => flush(), LIVE_BATCH_MS);
    }
  });

  const onAttempt = useEffectEvent((attempt: AttemptSummary) => {
    if (filter === null) return;
    const match = liveMatch(attempt, scope, filter);
    if (match === "yes") {
      queue(attempt, true);
      return;
    }
    if (match === "no") {
      // It may still settle an earlier RETRYING row of the same delivery.
      if (attempt.attempt > 1 && liveMatch(attempt, scope, {}) !== "no") queue(attempt, false);
      return;
    }
    // Only the payload can tell (text search): ask for this one attempt, by its exact time.
    const gen = generation.current;
    const at = Date.parse(attempt.executed_at);
    listLogs(scope, { ...filter, from_ms: at, to_ms: at + 1 }, 50).then(
      (rows) => {
        if (gen === generation.current)
          queue(
            attempt,
            rows.some((r) => r.id === attempt.id),
          );
      },
      () => undefined,
    );
  });

  const reload = useCallback(() => {
    setState(fresh(key));
    setReloads((n) => n + 1);
  }, [key]);
  const onMissed = useEffectEvent(() => reload());

  useEffect(() => {
    // The stream of notices, not the cache: a million rows are paged, never cached whole.
    const stop = router.subscribe((notice) => {
      if (notice.kind === "attempt_recorded") onAttempt(notice.attempt);
      // Notices were lost while the window was busy: what is shown may be stale.
      else if (notice.kind === "missed") onMissed();
    });
    return () => {
      stop();
      window.clearTimeout(flushTimer.current);
      flushTimer.current = undefined;
    };
  }, [router]);

  const current = state.key === key ? state : fresh(key);
  return {
    ...current,
    loadMore,
    reload,
    /** Puts the held attempts on top now (the user asked for them). */
    showHeld: () => setState((s) => releaseHeld(s, retryingOnly)),
  };
}
