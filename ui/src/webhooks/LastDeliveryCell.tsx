import type { WebhookActivity } from "../bindings/WebhookActivity";
import type { WebhookStatus } from "../bindings/WebhookStatus";
import { ResultBadge } from "../components/ResultBadge";
import { formatTimeAgo } from "../logs/format";

interface LastDeliveryCellProps {
  activity: WebhookActivity | undefined;
  status: WebhookStatus;
  /** Why its deliveries wait although it is active ("Waiting for the keyring: …"). */
  heldBy: string | null;
  now: number;
}

/** The newest attempt's result and when it ran; the ISO date and status in the tooltip. */
export function LastDeliveryCell({ activity, status, heldBy, now }: LastDeliveryCellProps) {
  const last = activity?.last_attempt ?? null;
  const queued = activity?.queued ?? 0;
  const waiting =
    queued === 0 ? null : status === "active" ? `${queued} waiting` : `${queued} held`;
  // The reason before the numbers: it is what the user can act on.
  const hold = heldBy && (
    <span className="cell-secondary cell-warning" title={heldBy}>
      {heldBy.split(":")[0]}
    </span>
  );
  if (last === null) {
    return (
      <span className="cell-stack">
        <span className="muted">No deliveries yet</span>
        {hold}
        {waiting && <span className="cell-secondary">{waiting}</span>}
      </span>
    );
  }
  const outcome =
    last.status_code !== null ? `HTTP ${last.status_code}` : (last.error ?? last.error_kind ?? "");
  const title = `${last.executed_at} · ${outcome || "no status"}${last.test ? " · test" : ""}`;
  return (
    <span className="cell-stack last-delivery" title={title}>
      <ResultBadge result={last.result} />
      <span className="cell-secondary">
        <time dateTime={last.executed_at}>{formatTimeAgo(last.executed_at, now)}</time>
        {waiting && ` · ${waiting}`}
      </span>
      {hold}
    </span>
  );
}
