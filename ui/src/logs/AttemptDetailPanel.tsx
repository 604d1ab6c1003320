import { useEffect, useId, useLayoutEffect, useRef, type KeyboardEvent } from "react";
import type { AttemptId } from "../bindings/AttemptId";
import { ArrowDownIcon, ArrowUpIcon, CloseIcon, ErrorIcon, WarningIcon } from "../components/icons";
import { ResultBadge, TestBadge } from "../components/ResultBadge";
import { AttemptActions } from "./AttemptActions";
import { BodyView } from "./BodyView";
import { AttemptFacts } from "./AttemptFacts";
import { DeliveryAttempts } from "./DeliveryAttempts";
import { HeadersTable } from "./HeadersTable";
import { useAttemptDetail } from "./useAttemptDetail";

interface AttemptDetailPanelProps {
  attemptId: AttemptId;
  onSelect: (id: AttemptId) => void;
  onClose: () => void;
  /** The list's row above / below this one; null at either end. */
  onPrevious: (() => void) | null;
  onNext: (() => void) | null;
}

/** Keys that move through the list from the detail, as in mail and log readers. */
export const PREVIOUS_KEY = "k";
export const NEXT_KEY = "j";

/**
 * The request and response of one attempt, its timings and error, and its delivery's attempts.
 * Its actions stay above the part that scrolls; ↑/↓ buttons (or K/J) move to the list's
 * previous and next rows.
 */
export function AttemptDetailPanel({
  attemptId,
  onSelect,
  onClose,
  onPrevious,
  onNext,
}: AttemptDetailPanelProps) {
  const detail = useAttemptDetail(attemptId);
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    if (event.key === "Escape") {
      // Closes the detail only, not the panel around it.
      event.stopPropagation();
      event.preventDefault();
      onClose();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
    const move =
      event.key === PREVIOUS_KEY ? onPrevious : event.key === NEXT_KEY ? onNext : undefined;
    if (move === undefined) return;
    // Letters typed into a field stay letters (the detail has none today; it may one day).
    const target = event.target as HTMLElement;
    if (target.matches("textarea, select, input:not([type=checkbox]):not([type=radio])")) return;
    event.preventDefault();
    move?.();
  }

  const attempt = detail.detail?.attempt ?? null;
  const body = useRef<HTMLDivElement>(null);
  // Another attempt is read from its top.
  const shownId = attempt?.id;
  useLayoutEffect(() => {
    if (body.current) body.current.scrollTop = 0;
  }, [shownId]);
  return (
    <section
      className="attempt-detail"
      aria-labelledby={titleId}
      data-testid="attempt-detail"
      aria-busy={detail.status === "loading" || undefined}
      onKeyDown={onKeyDown}
    >
      <header className="attempt-detail-header">
        <h3 id={titleId} ref={heading} tabIndex={-1} className="attempt-detail-title">
          {attempt
            ? `Attempt ${attempt.attempt}/${attempt.attempts} · ${attempt.event_type}`
            : "Attempt"}
        </h3>
        {attempt && <ResultBadge result={attempt.result} />}
        {attempt?.test && <TestBadge />}
        <span className="attempt-detail-nav">
          <button
            type="button"
            className="icon-button"
            aria-label="Previous attempt"
            aria-keyshortcuts="K"
            title="The row above in the list (K)"
            // aria-disabled, not disabled: a button that keeps focus at the list's end.
            aria-disabled={onPrevious === null || undefined}
            onClick={() => onPrevious?.()}
          >
            <ArrowUpIcon />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Next attempt"
            aria-keyshortcuts="J"
            title="The row below in the list (J)"
            aria-disabled={onNext === null || undefined}
            onClick={() => onNext?.()}
          >
            <ArrowDownIcon />
          </button>
        </span>
        <button
          type="button"
          className="icon-button attempt-detail-close"
          aria-label="Close details"
          title="Back to the list (Esc)"
          onClick={onClose}
        >
          <CloseIcon />
        </button>
      </header>
      {detail.status === "failed" && (
        <p className="drawer-error" role="alert">
          <ErrorIcon /> This attempt could not be loaded: {detail.error.message}{" "}
          <button type="button" className="link-button" onClick={detail.retry}>
            Try again
          </button>
        </p>
      )}
      {attempt && detail.detail && (
        // Out of the part that scrolls: the actions stay in reach wherever the reader is.
        <div className="attempt-detail-toolbar">
          <AttemptActions attempt={attempt} />
        </div>
      )}
      {attempt && detail.detail && (
        <div ref={body} className="attempt-detail-body">
          {attempt.error && (
            <p className="attempt-error">
              <ErrorIcon />
              <span title={attempt.error_kind ?? undefined}>{attempt.error}</span>
            </p>
          )}
          <AttemptFacts attempt={attempt} />
          <section className="detail-section" aria-label="Request">
            <h4 className="subsection-title">Request</h4>
            <p className="request-line mono">
              <strong>{attempt.request.method}</strong> {attempt.request.url}
            </p>
            <HeadersTable caption="Request headers" headers={attempt.request.headers} />
            <BodyView label="Request body" body={attempt.request.body} pretty />
          </section>
          <section className="detail-section" aria-label="Response">
            <h4 className="subsection-title">Response</h4>
            {attempt.response === null ? (
              <p className="muted">No response was received.</p>
            ) : (
              <>
                <p className="request-line mono">
                  <strong>{attempt.status_code ?? "—"}</strong>
                </p>
                <HeadersTable caption="Response headers" headers={attempt.response.headers} />
                {attempt.response.truncated && (
                  <p className="truncated-note">
                    <WarningIcon /> The response was longer: only its first 64 KiB were kept.
                  </p>
                )}
                <BodyView label="Response body" body={attempt.response.body} />
              </>
            )}
          </section>
          <section className="detail-section" aria-label="Attempts of this delivery">
            <h4 className="subsection-title">Attempts of this delivery</h4>
            <DeliveryAttempts
              attempts={detail.detail.delivery_attempts}
              currentId={attempt.id}
              onSelect={onSelect}
            />
          </section>
        </div>
      )}
    </section>
  );
}
