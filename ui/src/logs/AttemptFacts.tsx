import type { Attempt } from "../bindings/Attempt";
import { formatDuration, formatLocalTime } from "./format";

/** When it ran, how long it took, and which event, delivery and webhook it belongs to. */
export function AttemptFacts({ attempt }: { attempt: Attempt }) {
  return (
    <dl className="attempt-facts">
      <dt>Executed at</dt>
      <dd>
        <time dateTime={attempt.executed_at} title={attempt.executed_at}>
          {formatLocalTime(attempt.executed_at)}
        </time>{" "}
        <span className="muted mono">{attempt.executed_at}</span>
      </dd>
      <dt>Duration</dt>
      <dd>{formatDuration(attempt.duration_ms)}</dd>
      <dt>Event</dt>
      <dd className="mono">{attempt.event_id}</dd>
      <dt>Delivery</dt>
      <dd className="mono">
        {attempt.delivery_id}
        {attempt.kind !== "event" && <span className="muted"> ({attempt.kind})</span>}
      </dd>
      {attempt.webhook_code && (
        <>
          <dt>Webhook</dt>
          <dd className="mono">{attempt.webhook_code}</dd>
        </>
      )}
    </dl>
  );
}
