import { useMemo, useRef, useState, type ReactNode } from "react";
import type { AttemptId } from "../bindings/AttemptId";
import type { AttemptSummary } from "../bindings/AttemptSummary";
import type { DeliveryId } from "../bindings/DeliveryId";
import type { ErrorView } from "../bindings/ErrorView";
import type { LogRowId } from "../bindings/LogRowId";
import type { LogScope } from "../bindings/LogScope";
import { PauseIcon, PlayIcon } from "../components/icons";
import { useFeedback } from "../feedback/FeedbackContext";
import { retryNow } from "../ipc/commands";
import { isAttemptId } from "../ipc/ids";
import { AttemptDetailPanel } from "./AttemptDetailPanel";
import { ExportMenu } from "./ExportMenu";
import { BulkActions } from "./BulkActions";
import { countText } from "./format";
import { LogFilters } from "./LogFilters";
import { LogList, ROW_HEIGHT } from "./LogList";
import {
  dateRangeError,
  isFiltered,
  NO_FILTERS,
  statusError as statusFilterError,
  toLogFilter,
  type LogFilterState,
} from "./logFilter";
import { FIRST_PAGE, useLogPages } from "./useLogPages";
import { useQueued } from "./useQueued";

/** A row of an attempt made: it has a detail. */
type SentRow = AttemptSummary & { id: AttemptId };
const isSent = (row: AttemptSummary): row is SentRow => isAttemptId(row.id);

/** Moving to a row this close to the end of the loaded ones asks for the next page. */
const NAVIGATION_PREFETCH = 10;

export interface EventTypeOption {
  name: string;
  label: string;
  /** One of the webhook's own triggers: offered first, in a group of their own. */
  own?: boolean;
}

interface LogsViewProps {
  scope: LogScope;
  /** What the table is called for assistive technology ("Attempts of Orders"). */
  label: string;
  /** The event types offered by the filter. */
  eventTypes: readonly EventTypeOption[];
  /** What the list says before anything was delivered. */
  emptyText: ReactNode;
  /** A line under the filters (deliveries waiting, …). */
  note?: ReactNode;
  /** Buttons beside the live-updates switch (Recover…). */
  actions?: ReactNode;
  /** An attempt whose detail shows at once. */
  initialOpenId?: AttemptId | null;
  /** A fixed height for the scrolling rows (tests); measured otherwise. */
  viewportHeight?: number;
  /** The status and event id filters too (the Deliveries view). */
  moreFilters?: boolean;
}

/**
 * Delivery attempts of one scope: filters, the total, a virtual list that pages as it
 * scrolls and grows live, and the detail of the attempt chosen with its **Logs** button.
 */
export function LogsView({
  scope,
  label,
  eventTypes,
  emptyText,
  note,
  actions,
  initialOpenId = null,
  viewportHeight,
  moreFilters = false,
}: LogsViewProps) {
  const { showToast, reportError } = useFeedback();
  const [filters, setFilters] = useState<LogFilterState>(NO_FILTERS);
  const [openId, setOpenId] = useState<AttemptId | null>(initialOpenId);
  /** The list row the detail was opened from or moved to (it may show another attempt of
   * that row's delivery, which the list need not hold). */
  const [rowId, setRowId] = useState<LogRowId | null>(initialOpenId);
  const [paused, setPaused] = useState(false);
  const [atTop, setAtTop] = useState(true);
  const opener = useRef<HTMLButtonElement | null>(null);
  const listArea = useRef<HTMLDivElement>(null);
  const dateError = dateRangeError(filters);
  const statusError = statusFilterError(filters);
  const filter = useMemo(
    () => (dateError || statusError ? null : toLogFilter(filters)),
    [filters, dateError, statusError],
  );
  // The list holds still while it is read: scrolled down, paused, or under an open detail.
  // New attempts then wait behind "N new" instead of pushing the rows on screen down.
  const holding = paused || !atTop || openId !== null;
  const pages = useLogPages(scope, filter, holding);
  // Deliveries not attempted yet come first, as PENDING rows: they are the newest news.
  const queued = useQueued(scope, filter);
  // Held too: the queue's rows are above the attempts, and its changes would move them.
  const [heldQueue, setHeldQueue] = useState<AttemptSummary[] | null>(null);
  if (holding && heldQueue === null) setHeldQueue(queued.rows);
  else if (!holding && heldQueue !== null) setHeldQueue(null);
  const queuedRows = (holding ? heldQueue : null) ?? queued.rows;
  const rows = useMemo(() => {
    if (queuedRows.length === 0) return pages.rows;
    // A delivery whose first attempt just arrived is no longer pending, though the queue
    // has not been read again yet; its attempt is among the newest rows.
    const attempted = new Set(pages.rows.slice(0, FIRST_PAGE).map((r) => r.delivery_id));
    return [...queuedRows.filter((q) => !attempted.has(q.delivery_id)), ...pages.rows];
  }, [queuedRows, pages.rows]);
  const labels = useMemo(() => new Map(eventTypes.map((t) => [t.name, t.label])), [eventTypes]);
  // Rows picked for Resend selected, by row id; a new scope or filter starts afresh.
  const [picked, setPicked] = useState<ReadonlyMap<LogRowId, DeliveryId>>(new Map());
  const view = JSON.stringify([scope, filter]);
  const [pickedFor, setPickedFor] = useState(view);
  if (pickedFor !== view) {
    setPickedFor(view);
    if (picked.size > 0) setPicked(new Map());
  }
  const pickedIds = useMemo(() => new Set(picked.keys()), [picked]);
  const pickedDeliveries = useMemo(() => [...new Set(picked.values())], [picked]);
  // Only sent rows can be picked: their ids are attempt ids.
  const pickedAttempts = useMemo(() => [...picked.keys()].filter(isAttemptId), [picked]);
  function pick(attempt: AttemptSummary, on: boolean) {
    setPicked((current) => {
      const next = new Map(current);
      if (on) next.set(attempt.id, attempt.delivery_id);
      else next.delete(attempt.id);
      return next;
    });
  }
  const filtered = filter !== null && isFiltered(filter);

  function retry(attempt: AttemptSummary) {
    retryNow(attempt.delivery_id).then(
      () =>
        showToast({
          message: `Retrying ${attempt.event_type} now (attempt ${attempt.attempt + 1})`,
        }),
      (error: ErrorView) => reportError(error, "The retry could not start"),
    );
  }

  function copied(what: string, error: unknown) {
    if (error) reportError(error as ErrorView, what);
    else showToast({ message: what });
  }

  function open(attempt: AttemptSummary, button: HTMLButtonElement) {
    // A queued delivery (PENDING) has no attempt to show.
    if (!isAttemptId(attempt.id)) return;
    opener.current = button;
    setOpenId(attempt.id);
    setRowId(attempt.id);
  }

  // Previous and next: the list's rows above and below, those that were sent (PENDING ones
  // have no detail).
  const rowIndex = rowId === null ? -1 : rows.findIndex((r) => r.id === rowId);
  const sentRow = (from: number, step: 1 | -1): SentRow | null => {
    if (rowIndex < 0) return null;
    for (let i = from + step; i >= 0 && i < rows.length; i += step) {
      const row = rows[i]!;
      if (row.result !== "pending" && isSent(row)) return row;
    }
    return null;
  };
  const previousRow = sentRow(rowIndex, -1);
  const nextRow = sentRow(rowIndex, 1);
  function moveTo(row: SentRow) {
    setOpenId(row.id);
    setRowId(row.id);
    // Near the end of what is loaded: the next page, as scrolling there would ask.
    if (rows.length - rows.indexOf(row) < NAVIGATION_PREFETCH) pages.loadMore();
  }

  function close() {
    const row = rowId;
    setOpenId(null);
    // The list shows the row last read, and its Logs button gets focus (the list itself
    // when that row is gone).
    const index = row === null ? -1 : rows.findIndex((r) => r.id === row);
    const viewport = listArea.current?.querySelector<HTMLElement>(".log-viewport");
    if (viewport && index >= 0) {
      const top = index * ROW_HEIGHT;
      const visible = viewport.clientHeight - ROW_HEIGHT; // less the sticky header
      if (top < viewport.scrollTop || top + ROW_HEIGHT > viewport.scrollTop + visible) {
        viewport.scrollTop = Math.max(0, top - visible / 2);
      }
    }
    const focusRow = (frames: number) =>
      window.requestAnimationFrame(() => {
        const rowElement = [
          ...(listArea.current?.querySelectorAll<HTMLElement>("[data-attempt-id]") ?? []),
        ].find((el) => el.dataset.attemptId === row);
        const button = rowElement?.querySelector<HTMLButtonElement>(".log-open");
        // A row scrolled to renders a frame or two later.
        if (!button && frames > 0) return focusRow(frames - 1);
        (button ?? (opener.current?.isConnected ? opener.current : listArea.current))?.focus();
      });
    focusRow(3);
  }

  let summary: string;
  if (filter === null)
    summary = dateError ? "Fix the date range to see attempts." : "Fix the status to see attempts.";
  else if (pages.total === null) summary = "Counting attempts…";
  else {
    summary = countText(pages.total, "attempt") + (filtered ? " match the filters" : "");
    if (queued.total > 0) {
      summary += ` · ${countText(queued.total, "delivery", "deliveries")} not attempted yet`;
      if (queued.total > queued.rows.length) summary += ` (the newest ${queued.rows.length} shown)`;
    }
  }

  return (
    <div className="logs-view">
      {/* Under the detail, out of reach of Tab and screen readers while it is open. */}
      <div className="logs-main" inert={openId !== null}>
        <LogFilters
          value={filters}
          onChange={setFilters}
          eventTypes={eventTypes}
          dateError={dateError}
          more={moreFilters}
          statusError={statusError}
        />
        <div className="logs-summary">
          {/* Not a live region: with attempts streaming in it would never stop talking. */}
          <span className="logs-count">{summary}</span>
          {note}
          {queued.held_by && (
            <span className="logs-held" role="status" title={queued.held_by}>
              {queued.held_by}
            </span>
          )}
          {actions}
          <BulkActions
            scope={scope}
            filter={filter}
            pickedAttempts={pickedAttempts}
            selected={pickedDeliveries}
            onClearSelection={() => setPicked(new Map())}
          />
          <ExportMenu scope={scope} filter={filter} total={pages.total} />
          <button
            type="button"
            className="button button-small logs-pause"
            aria-pressed={paused}
            title={
              paused
                ? "New attempts are counted above the list, not shown, until you resume"
                : "Keep the list as it is; new attempts are counted above it"
            }
            onClick={() => setPaused(!paused)}
          >
            {paused ? <PlayIcon /> : <PauseIcon />}
            {paused ? "Resume live updates" : "Pause live updates"}
          </button>
        </div>
        <div ref={listArea} className="logs-list-area" tabIndex={-1}>
          <LogList
            label={label}
            rows={rows}
            total={pages.total === null ? null : pages.total + rows.length - pages.rows.length}
            status={filter === null ? "ready" : pages.status}
            error={pages.error}
            hasMore={pages.hasMore}
            loadingMore={pages.loadingMore}
            moreError={pages.moreError}
            loadMore={pages.loadMore}
            onRetry={pages.reload}
            live={pages.live}
            openId={openId}
            onOpen={open}
            onRetryNow={retry}
            onCopied={copied}
            selected={pickedIds}
            onSelect={pick}
            destination={
              scope.kind === "direct" ? "url" : scope.kind === "all" ? "webhook" : undefined
            }
            labels={labels}
            empty={
              filter === null
                ? dateError
                : filtered
                  ? "No attempt matches these filters."
                  : emptyText
            }
            viewportHeight={viewportHeight}
            newCount={pages.held.length}
            onShowNew={() => {
              // Paused, the list takes these and holds again from here, the queue too.
              pages.showHeld();
              setHeldQueue(paused ? queued.rows : null);
            }}
            onAtTopChange={setAtTop}
          />
        </div>
      </div>
      {openId !== null && (
        <AttemptDetailPanel
          attemptId={openId}
          onSelect={setOpenId}
          onClose={close}
          onPrevious={previousRow && (() => moveTo(previousRow))}
          onNext={nextRow && (() => moveTo(nextRow))}
        />
      )}
    </div>
  );
}
