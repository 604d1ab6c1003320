import type { AttemptSummary } from "../bindings/AttemptSummary";
import { ResultBadge, TestBadge } from "../components/ResultBadge";
import { formatDuration, formatLocalTime, statusText } from "./format";

interface LogRowProps {
  attempt: AttemptSummary;
  /** 0-based position in the list. */
  index: number;
  top: number;
  open: boolean;
  onOpen: (attempt: AttemptSummary, button: HTMLButtonElement) => void;
  /** The event type's human label, when the catalog has one. */
  label: string | undefined;
}

/** One attempt: a fixed-height row of the virtual list. */
export function LogRow({ attempt, index, top, open, onOpen, label }: LogRowProps) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      data-testid="log-row"
      data-result={attempt.result}
      data-attempt-id={attempt.id}
      className={open ? "log-row is-open" : "log-row"}
      // Positioned through the CSSOM (allowed by the CSP), not a style attribute in markup.
      style={{ transform: `translateY(${top}px)` }}
    >
      <div role="cell" className="log-cell-result">
        <ResultBadge result={attempt.result} />
        {attempt.test && <TestBadge />}
      </div>
      <div role="cell" className="log-cell-date">
        <time
          dateTime={attempt.executed_at}
          title={
            attempt.result === "pending" ? `Queued ${attempt.executed_at}` : attempt.executed_at
          }
        >
          {formatLocalTime(attempt.executed_at)}
        </time>
      </div>
      <div role="cell" className="log-cell-type mono" title={label ?? attempt.event_type}>
        {attempt.event_type}
      </div>
      <div
        role="cell"
        className="log-cell-status mono"
        title={attempt.error ?? (attempt.status_code !== null ? `HTTP ${attempt.status_code}` : "")}
      >
        {statusText(attempt)}
      </div>
      <div role="cell" className="log-cell-duration">
        {attempt.result === "pending" ? "—" : formatDuration(attempt.duration_ms)}
      </div>
      <div role="cell" className="log-cell-attempt">
        {attempt.attempt}/{attempt.attempts}
      </div>
      <div role="cell" className="log-cell-logs">
        {attempt.result === "pending" ? (
          // Nothing was sent yet: no request or response to show.
          <span className="log-not-sent">Queued</span>
        ) : (
          <button
            type="button"
            className="button button-small"
            title="Show the request and the response"
            onClick={(e) => onOpen(attempt, e.currentTarget)}
          >
            Logs
          </button>
        )}
      </div>
    </div>
  );
}
