import type { MouseEvent } from "react";
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

/**
 * One attempt: a fixed-height row of the virtual list. A click anywhere on it opens its detail,
 * as its **Logs** button does (which keyboard users reach with Tab).
 */
export function LogRow({ attempt, index, top, open, onOpen, label }: LogRowProps) {
  const sent = attempt.result !== "pending";
  function onRowClick(event: MouseEvent<HTMLDivElement>) {
    if (!sent || (event.target as Element).closest("button, a, input")) return;
    // Nothing was clicked, only text selected: let it be copied.
    if ((window.getSelection?.()?.toString() ?? "") !== "") return;
    const button = event.currentTarget.querySelector<HTMLButtonElement>(".log-open");
    if (button) onOpen(attempt, button);
  }
  const classes = ["log-row", sent && "is-openable", open && "is-open"].filter(Boolean);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      data-testid="log-row"
      data-result={attempt.result}
      data-attempt-id={attempt.id}
      className={classes.join(" ")}
      // Positioned through the CSSOM (allowed by the CSP), not a style attribute in markup.
      style={{ transform: `translateY(${top}px)` }}
      onClick={onRowClick}
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
            className="button button-small log-open"
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
