import type { WebhookStatus } from "../bindings/WebhookStatus";
import { ActiveIcon, DisabledIcon, PausedIcon } from "./icons";

const LABELS: Record<WebhookStatus, string> = {
  active: "Active",
  disabled: "Disabled",
  paused: "Paused after failures",
};

const ICONS = { active: ActiveIcon, disabled: DisabledIcon, paused: PausedIcon };

/** Reasons everybody knows already are left to the tooltip. */
const PLAIN_REASONS = ["Deactivated by the user."];

interface StatusBadgeProps {
  status: WebhookStatus;
  reason: string | null;
  /** Shows the reason under the badge (when it says something new) rather than only as a tooltip. */
  showReason?: boolean;
}

/** Status by icon and text, never by colour alone. */
export function StatusBadge({ status, reason, showReason = true }: StatusBadgeProps) {
  const Icon = ICONS[status];
  const visibleReason =
    showReason && reason && !PLAIN_REASONS.includes(reason) && status !== "active" ? reason : null;
  return (
    <span className="status" title={reason ?? undefined}>
      <span className={`status-badge status-${status}`}>
        <Icon />
        {LABELS[status]}
      </span>
      {visibleReason && <span className="status-reason">{visibleReason}</span>}
    </span>
  );
}
