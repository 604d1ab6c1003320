import type { AttemptId } from "../bindings/AttemptId";
import { CloseIcon, WarningIcon } from "../components/icons";
import { ResultBadge } from "../components/ResultBadge";
import { formatDuration } from "../logs/format";
import { useSecondsSince } from "./useSecondsSince";
import type { TestState } from "./useWebhookTest";

interface TestResultPanelProps {
  state: TestState;
  onDismiss: () => void;
  /** Stops a Test under way. */
  onCancel: () => void;
  /** Opens the logged test attempt (saved webhooks only). */
  onShowInLogs: (attemptId: AttemptId) => void;
}

/** What **Test** did: SUCCESS or FAILED, HTTP status, duration, the response or the error. */
export function TestResultPanel({
  state,
  onDismiss,
  onCancel,
  onShowInLogs,
}: TestResultPanelProps) {
  // A slow or stalled receiver: the user sees that it is still waiting, and for how long.
  const seconds = useSecondsSince(state.status === "sending" ? state.startedAt : null);
  if (state.status === "idle") return null;
  let body;
  if (state.status === "sending") {
    body = (
      <p className="test-result-line">
        <strong className="test-elapsed">Testing…{seconds > 0 && ` ${seconds} s`}</strong>
        <span className="muted">
          Sending a {state.eventType} sample event to the Url in the form.
        </span>
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
      </p>
    );
  } else if (state.status === "failed") {
    body = (
      <p className="test-result-line test-result-error">
        <WarningIcon /> {state.message}
      </p>
    );
  } else {
    const { result } = state;
    const attemptId = result.attempt_id;
    body = (
      <>
        <p className="test-result-line">
          <ResultBadge result={result.result} />
          {result.status_code !== null && <span className="mono">HTTP {result.status_code}</span>}
          <span>{formatDuration(result.duration_ms)}</span>
          <span className="muted">
            {state.eventType} · <span className="mono">{result.event_id}</span>
          </span>
        </p>
        {result.error && (
          <p className="test-result-error" title={result.error_kind ?? undefined}>
            {result.error}
          </p>
        )}
        {result.response_excerpt !== "" && (
          <>
            <pre className="test-result-response" tabIndex={0} aria-label="Response body">
              {result.response_excerpt}
            </pre>
            {result.response_truncated && (
              <p className="field-hint">
                Truncated: only the first 2 KiB of the response are shown.
              </p>
            )}
          </>
        )}
        {result.response_excerpt === "" && result.status_code !== null && (
          <p className="field-hint">The response had no body.</p>
        )}
        {attemptId !== null && (
          <p className="field-hint">
            Recorded in the Logs with a test badge.{" "}
            <button type="button" className="link-button" onClick={() => onShowInLogs(attemptId)}>
              Show in Logs
            </button>
          </p>
        )}
      </>
    );
  }
  return (
    <div
      className={`test-result test-result-${state.status === "done" ? state.result.result : state.status}`}
      role="status"
      data-testid="test-result"
      aria-busy={state.status === "sending" || undefined}
    >
      <div className="test-result-content">{body}</div>
      <button
        type="button"
        className="icon-button"
        aria-label="Dismiss test result"
        onClick={onDismiss}
      >
        <CloseIcon />
      </button>
    </div>
  );
}
