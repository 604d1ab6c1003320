import type { WebhookActivity } from "../bindings/WebhookActivity";
import type { WebhookStatus } from "../bindings/WebhookStatus";
import { ResultBadge } from "../components/ResultBadge";
import { formatTimeAgo } from "../logs/format";

interface LastDeliveryCellProps {
  activity: WebhookActivity | undefined;
  status: WebhookStatus;
  now: number;
}

/** The newest attempt's result and when it ran; the ISO date and status in the tooltip. */
export function LastDeliveryCell({ activity, status, now }: LastDeliveryCellProps) {
  const last = activity?.last_attempt ?? null;
  const queued = activity?.queued ?? 0;
  const waiting =
    queued === 0 ? null : status === "active" ? `${queued} waiting` : `${queued} held`;
  if (last === null) {
    return (
      <span className="cell-stack">
        <span className="muted">No deliveries yet</span>
        {waiting && <span className="cell-secondary">{waiting}</span>}
      </span>
    );
  }
  const outcome =
    last.status_code !== null
      ? `HTTP ${last.status_code}`
      : [last.error_kind, last.error].filter(Boolean).join(": ");
  const title = `${last.executed_at} · ${outcome || "no status"}${last.test ? " · test" : ""}`;
  return (
    <span className="cell-stack last-delivery" title={title}>
      <ResultBadge result={last.result} />
      <span className="cell-secondary">
        <time dateTime={last.executed_at}>{formatTimeAgo(last.executed_at, now)}</time>
        {waiting && ` · ${waiting}`}
      </span>
    </span>
  );
}
