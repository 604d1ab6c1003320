import type { MouseEvent } from "react";
import type { AttemptSummary } from "../bindings/AttemptSummary";
import { ResultBadge, TestBadge } from "../components/ResultBadge";
import { copyText } from "../ipc/clipboard";
import {
  formatDueIn,
  formatDuration,
  formatLocalTime,
  outcomeText,
  shortId,
  statusText,
} from "./format";

/** What a row's destination column shows: the URL, or the webhook (the URL when direct). */
export type Destination = "url" | "webhook";

interface LogRowProps {
  attempt: AttemptSummary;
  /** 0-based position in the list. */
  index: number;
  top: number;
  open: boolean;
  onOpen: (attempt: AttemptSummary, button: HTMLButtonElement) => void;
  /** **Retry now** for a RETRYING row. */
  onRetryNow: (attempt: AttemptSummary) => void;
  /** The event id was copied (or could not be). */
  onCopied: (what: string, error: unknown) => void;
  /** The event type's human label, when the catalog has one. */
  label: string | undefined;
  /** Direct deliveries have no webhook to name where they went: the row shows its URL. */
  destination: Destination | undefined;
  /** Picked for **Resend selected**; undefined for a row that cannot be (PENDING). */
  selected: boolean | undefined;
  onSelect: (attempt: AttemptSummary, selected: boolean) => void;
  /** Now, for "retry in 25 s". */
  now: number;
}

/**
 * One attempt: a fixed-height row of the virtual list, two lines a cell, so that rows can be
 * told apart (the event id, a line of the payload) and say how their delivery ended. A click
 * anywhere on it opens its detail, as its **Logs** button does (which keyboard users reach
 * with Tab).
 */
export function LogRow({
  attempt,
  index,
  top,
  open,
  onOpen,
  onRetryNow,
  onCopied,
  label,
  destination,
  selected,
  onSelect,
  now,
}: LogRowProps) {
  const sent = attempt.result !== "pending";
  function onRowClick(event: MouseEvent<HTMLDivElement>) {
    if (!sent || (event.target as Element).closest("button, a, input")) return;
    // Nothing was clicked, only text selected: let it be copied.
    if ((window.getSelection?.()?.toString() ?? "") !== "") return;
    const button = event.currentTarget.querySelector<HTMLButtonElement>(".log-open");
    if (button) onOpen(attempt, button);
  }
  function copyEventId() {
    copyText(attempt.event_id).then(
      () => onCopied("Event id copied", null),
      (error: unknown) => onCopied("The event id could not be copied", error),
    );
  }
  const outcome = sent ? outcomeText(attempt) : null;
  const due =
    attempt.next_attempt_at && (attempt.result === "retrying" || attempt.result === "pending")
      ? formatDueIn(attempt.next_attempt_at, now)
      : null;
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
      <div role="cell" className="log-cell log-cell-result">
        {selected !== undefined && (
          <input
            type="checkbox"
            className="log-select"
            checked={selected}
            aria-label={`Select the ${attempt.event_type} attempt of ${formatLocalTime(attempt.executed_at)}`}
            onChange={(e) => onSelect(attempt, e.target.checked)}
          />
        )}
        <span className="log-line">
          <ResultBadge result={attempt.result} />
          {attempt.test && <TestBadge />}
        </span>
        {outcome && (
          <span className={`log-sub log-outcome log-outcome-${attempt.delivery_state}`}>
            {outcome}
          </span>
        )}
      </div>
      <div role="cell" className="log-cell log-cell-date">
        <time
          className="log-line"
          dateTime={attempt.executed_at}
          title={
            attempt.result === "pending" ? `Queued ${attempt.executed_at}` : attempt.executed_at
          }
        >
          {formatLocalTime(attempt.executed_at)}
        </time>
        <span className="log-sub log-event-id mono">
          <span title={attempt.event_id}>{shortId(attempt.event_id)}</span>
          <button
            type="button"
            className="link-button log-copy-id"
            aria-label={`Copy event id ${attempt.event_id}`}
            title="Copy the event id (the webhook-id header)"
            onClick={copyEventId}
          >
            copy
          </button>
        </span>
      </div>
      <div role="cell" className="log-cell log-cell-type">
        <span className="log-line mono" title={label ?? attempt.event_type}>
          {attempt.event_type}
        </span>
        <span className="log-sub log-payload" title={attempt.payload_summary}>
          {attempt.payload_summary || "{}"}
        </span>
      </div>
      {destination && (
        <div role="cell" className="log-cell log-cell-url mono" title={attempt.url}>
          {destination === "webhook" ? (attempt.webhook_code ?? attempt.url) : attempt.url}
        </div>
      )}
      <div
        role="cell"
        className="log-cell log-cell-status"
        title={attempt.error ?? (attempt.status_code !== null ? `HTTP ${attempt.status_code}` : "")}
      >
        <span className="log-line mono">{statusText(attempt)}</span>
        {due && (
          <span className="log-sub" title={attempt.next_attempt_at ?? undefined}>
            {attempt.result === "pending" ? `due ${due}` : `retry ${due}`}
          </span>
        )}
      </div>
      <div role="cell" className="log-cell log-cell-duration">
        {attempt.result === "pending" ? "—" : formatDuration(attempt.duration_ms)}
      </div>
      <div role="cell" className="log-cell log-cell-attempt">
        <span className="log-line">
          {attempt.attempt}/{attempt.attempts}
        </span>
        {attempt.result === "retrying" && (
          <button
            type="button"
            className="link-button log-sub"
            title="Make the next attempt now instead of waiting"
            onClick={() => onRetryNow(attempt)}
          >
            Retry now
          </button>
        )}
      </div>
      <div role="cell" className="log-cell log-cell-logs">
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
