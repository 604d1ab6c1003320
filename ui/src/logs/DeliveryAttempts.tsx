import type { AttemptSummary } from "../bindings/AttemptSummary";
import { ResultBadge } from "../components/ResultBadge";
import { formatDuration, formatLocalTime, statusText } from "./format";

interface DeliveryAttemptsProps {
  attempts: readonly AttemptSummary[];
  currentId: string;
  onSelect: (id: string) => void;
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
            onClick={() => onSelect(a.id)}
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
