import { observeElementRect, useVirtualizer, type Virtualizer } from "@tanstack/react-virtual";
import { useEffect, useEffectEvent, useLayoutEffect, useRef, type ReactNode } from "react";
import type { AttemptSummary } from "../bindings/AttemptSummary";
import { ArrowUpIcon } from "../components/icons";
import { useClock } from "../webhooks/useClock";
import { LogRow, type Destination } from "./LogRow";
import type { PagesState } from "./useLogPages";

/** Every row has this height: two lines a cell (the stylesheet's `.log-row` agrees). */
export const ROW_HEIGHT = 46;
/** Ask for the next page while this many loaded rows are still below the rendered ones. */
const PREFETCH_ROWS = 60;
/** Scrolled no further than this, the list is at its top: new rows appear there live. */
export const AT_TOP_PX = 4;
/** Rows rendered above and below those in view. */
const OVERSCAN = 8;
/** The viewport's height where it cannot be measured (jsdom) until it reports a size. */
export const FALLBACK_VIEWPORT_HEIGHT = 480;

/**
 * The viewport's size as the virtualiser follows it, but never 0: a hidden section (or jsdom,
 * which has no layout) keeps the last size, or the fallback, rather than rendering no row.
 */
function observeViewportRect(
  instance: Virtualizer<HTMLDivElement, Element>,
  onRect: (rect: { width: number; height: number }) => void,
) {
  return observeElementRect(instance, (rect) => {
    if (rect.height > 0) onRect(rect);
  });
}

const COLUMNS = ["Result", "Execution date", "Event type", "Status", "Duration", "Attempt"];
/** Where each went, before its status: "Url" for direct deliveries, "Sent to" across all. */
function columnsWith(destination: Destination): string[] {
  const at = COLUMNS.indexOf("Status");
  return [...COLUMNS.slice(0, at), destination === "url" ? "Url" : "Sent to", ...COLUMNS.slice(at)];
}
/** "Retry in 25 s" counts down. */
const DUE_TICK_MS = 1000;

/** The paging state it shows, as `useLogPages` keeps it. */
type PagesView = Pick<
  PagesState,
  "total" | "status" | "error" | "hasMore" | "loadingMore" | "moreError" | "live"
>;

interface LogListProps extends PagesView {
  label: string;
  rows: readonly AttemptSummary[];
  loadMore: () => void;
  onRetry: () => void;
  openId: string | null;
  onOpen: (attempt: AttemptSummary, button: HTMLButtonElement) => void;
  onRetryNow: (attempt: AttemptSummary) => void;
  onCopied: (what: string, error: unknown) => void;
  /** A column saying where each went: its URL (direct deliveries) or its webhook (all). */
  destination?: Destination;
  /** The rows picked for **Resend selected**, by row id. */
  selected: ReadonlySet<string>;
  onSelect: (attempt: AttemptSummary, selected: boolean) => void;
  labels: ReadonlyMap<string, string>;
  /** What the list says when it has no rows. */
  empty: ReactNode;
  /** A fixed height for the scrolling area (tests); measured otherwise. */
  viewportHeight?: number;
  /** Attempts recorded but not shown yet (the list is held): offered at the top. */
  newCount: number;
  /** Shows them (the list has been scrolled to its top). */
  onShowNew: () => void;
  /** Called when the list reaches its top or leaves it. */
  onAtTopChange: (atTop: boolean) => void;
}

/**
 * The attempts as a virtual table: fixed-height rows, only those in view (plus a few) in the
 * DOM, and the next page fetched (`before` the oldest row) as the user scrolls near the end.
 */
export function LogList({
  label,
  rows,
  total,
  status,
  error,
  hasMore,
  loadingMore,
  moreError,
  loadMore,
  onRetry,
  live,
  openId,
  onOpen,
  onRetryNow,
  onCopied,
  destination,
  selected,
  onSelect,
  labels,
  empty,
  viewportHeight,
  newCount,
  onShowNew,
  onAtTopChange,
}: LogListProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const atTop = useRef(true);
  const now = useClock(DUE_TICK_MS);
  function noteAtTop(next: boolean) {
    if (next === atTop.current) return;
    atTop.current = next;
    onAtTopChange(next);
  }
  const reportAtTop = useEffectEvent((next: boolean) => noteAtTop(next));
  // Not throttled like the rendering: holding the list must start with the first scroll.
  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const onScroll = () => reportAtTop(element.scrollTop <= AT_TOP_PX);
    element.addEventListener("scroll", onScroll, { passive: true });
    return () => element.removeEventListener("scroll", onScroll);
  }, []);
  // Fixed-height rows, never measured; a fixed viewportHeight (tests) is not measured either.
  // The app is not built with the React Compiler: the virtualiser's state is read in render.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => viewport.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    initialRect: { width: 0, height: viewportHeight ?? FALLBACK_VIEWPORT_HEIGHT },
    observeElementRect: viewportHeight === undefined ? observeViewportRect : () => undefined,
    // Rendering in the scroll event itself (flushSync) warns under React 19.
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  /** The first and one past the last row to render. */
  const start = items[0]?.index ?? 0;
  const end = (items[items.length - 1]?.index ?? -1) + 1;
  const totalHeight = virtualizer.getTotalSize();

  useEffect(() => {
    if (status === "ready" && hasMore && !moreError && end >= rows.length - PREFETCH_ROWS) {
      loadMore();
    }
  }, [status, hasMore, moreError, end, rows.length, loadMore]);

  // New filters start from the top.
  const restarting = status === "loading" && rows.length === 0;
  useLayoutEffect(() => {
    if (restarting && viewport.current) {
      viewport.current.scrollTop = 0;
      reportAtTop(true);
    }
  }, [restarting]);

  function showNew() {
    const element = viewport.current;
    if (element) {
      element.scrollTop = 0;
      // The virtualiser follows scroll events, which come a frame later (never in jsdom): it
      // reads the position now, so the top rows render with the new ones.
      element.dispatchEvent(new Event("scroll"));
    }
    noteAtTop(true);
    onShowNew();
  }

  // Rows are held while the user reads further down; should some arrive on top anyway (the
  // list scrolled a few pixels), they must not push what the user reads away.
  useLayoutEffect(() => {
    const element = viewport.current;
    if (element && live.added > 0 && element.scrollTop > 0) {
      element.scrollTop += live.added * ROW_HEIGHT;
    }
  }, [live]);

  let message: ReactNode = null;
  if (status === "loading" && rows.length === 0) {
    message = (
      <div className="log-loading" aria-hidden="true">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="loading-row log-loading-row" />
        ))}
      </div>
    );
  } else if (status === "failed") {
    message = (
      <div className="log-message" role="alert">
        <p>The logs could not be loaded: {error?.message}</p>
        <button type="button" className="button button-small" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  } else if (status === "ready" && rows.length === 0) {
    message = <div className="log-message">{empty}</div>;
  }

  return (
    <div
      className={destination ? "log-table log-table-with-url" : "log-table"}
      role="table"
      aria-label={label}
      aria-rowcount={(total ?? rows.length) + 1}
      aria-busy={status === "loading" || undefined}
    >
      {newCount > 0 && (
        <button
          type="button"
          className="log-new-button"
          aria-label={`Show ${newCount.toLocaleString()} new ${newCount === 1 ? "attempt" : "attempts"}`}
          title="Go to the top and show them"
          onClick={showNew}
        >
          <ArrowUpIcon />
          {newCount.toLocaleString()} new
        </button>
      )}
      <div ref={viewport} className="log-viewport">
        <div role="rowgroup" className="log-head">
          <div role="row" aria-rowindex={1} className="log-row log-head-row">
            {(destination ? columnsWith(destination) : COLUMNS).map((column) => (
              <div key={column} role="columnheader">
                {column}
              </div>
            ))}
            <div role="columnheader">
              <span className="visually-hidden">Details</span>
            </div>
          </div>
        </div>
        <div role="rowgroup" className="log-canvas" style={{ height: totalHeight }}>
          {rows.slice(start, end).map((attempt, i) => (
            <LogRow
              key={attempt.id}
              attempt={attempt}
              index={start + i}
              top={(start + i) * ROW_HEIGHT}
              open={attempt.id === openId}
              onOpen={onOpen}
              onRetryNow={onRetryNow}
              onCopied={onCopied}
              label={labels.get(attempt.event_type)}
              destination={destination}
              selected={attempt.result === "pending" ? undefined : selected.has(attempt.id)}
              onSelect={onSelect}
              now={now}
            />
          ))}
        </div>
        {message}
        {(loadingMore || moreError) && (
          <div className="log-more" role="status">
            {moreError ? (
              <>
                Older attempts could not be loaded: {moreError.message}{" "}
                <button type="button" className="link-button" onClick={loadMore}>
                  Try again
                </button>
              </>
            ) : (
              "Loading older attempts…"
            )}
          </div>
        )}
      </div>
    </div>
  );
}
