import type { Webhook } from "../bindings/Webhook";
import { StatusBadge } from "../components/StatusBadge";

/**
 * Why a saved webhook is not delivering, under the panel's header: its badge, the engine's
 * reason, and what to do. The engine's reason says what happened ("Paused after 5
 * consecutive failed deliveries (the last: HTTP 503)."); the sentence after it is the only
 * one that names the way out, so the header's Resume is named once.
 */
export function StatusNote({ webhook }: { webhook: Webhook }) {
  if (webhook.status === "active" && webhook.held_by) {
    // Active, yet nothing goes out: the keyring cannot give its secrets. Nothing is lost.
    return (
      <p className="drawer-status-note drawer-held-note" role="status">
        <span className="drawer-status-text">
          {webhook.held_by} Its deliveries wait in order and use up no attempt; they go out as soon
          as the keyring answers.
        </span>
      </p>
    );
  }
  if (webhook.status === "active" || !webhook.status_reason) return null;
  const next =
    webhook.status === "paused"
      ? "New events are held in its queue; Resume releases them in order."
      : "Turn on Active and save to resume deliveries.";
  return (
    <p className="drawer-status-note">
      <StatusBadge status={webhook.status} reason={webhook.status_reason} showReason={false} />
      <span className="drawer-status-text">
        {webhook.status_reason} {next}
      </span>
    </p>
  );
}
