import type { AttemptId } from "../bindings/AttemptId";
import type { AttemptSummary } from "../bindings/AttemptSummary";
import type { LogRowId } from "../bindings/LogRowId";
import { ResultBadge } from "../components/ResultBadge";
import { isAttemptId } from "../ipc/ids";
import { formatDuration, formatLocalTime, statusText } from "./format";

interface DeliveryAttemptsProps {
  attempts: readonly AttemptSummary[];
  currentId: LogRowId;
  onSelect: (id: AttemptId) => void;
}

/** Every attempt of the same delivery, oldest first; choosing one shows it. */
export function DeliveryAttempts({ attempts, currentId, onSelect }: DeliveryAttemptsProps) {
  return (
    <ol className="delivery-attempts">
      {attempts.map((a) => (
        <li key={a.id}>
          <button
            type="button"
            className="delivery-attempt"
            aria-current={a.id === currentId ? "true" : undefined}
            aria-label={`Attempt ${a.attempt}: ${a.result}, ${statusText(a)}, ${formatLocalTime(a.executed_at)}`}
            // Only attempts made have a detail (a delivery's list holds nothing else).
            onClick={() => {
              if (isAttemptId(a.id)) onSelect(a.id);
            }}
          >
            <span className="delivery-attempt-number">
              {a.attempt}/{a.attempts}
            </span>
            <ResultBadge result={a.result} />
            <span className="mono">{statusText(a)}</span>
            <time dateTime={a.executed_at} title={a.executed_at}>
              {formatLocalTime(a.executed_at)}
            </time>
            <span className="muted">{formatDuration(a.duration_ms)}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}
