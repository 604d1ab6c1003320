import { useMemo, useState } from "react";
import type { AttemptId } from "../bindings/AttemptId";
import type { EventType } from "../bindings/EventType";
import type { Webhook } from "../bindings/Webhook";
import type { WebhookActivity } from "../bindings/WebhookActivity";
import { PausedIcon } from "../components/icons";
import { LogsView, type EventTypeOption } from "../logs/LogsView";
import { RecoverDialog } from "../logs/RecoverDialog";

interface WebhookLogsTabProps {
  webhook: Webhook;
  catalog: readonly EventType[];
  activity: WebhookActivity | undefined;
  /** An attempt to show at once (the one Test just recorded). */
  openAttemptId: AttemptId | null;
}

/** The Logs tab: this webhook's attempts, and how many deliveries wait. */
export function WebhookLogsTab({ webhook, catalog, activity, openAttemptId }: WebhookLogsTabProps) {
  const eventTypes = useMemo<EventTypeOption[]>(() => {
    // Its triggers first, then the rest of the catalog (it may have had other triggers).
    const label = (name: string) => catalog.find((t) => t.name === name)?.label ?? name;
    const others = catalog.filter((t) => !webhook.events.includes(t.name));
    return [
      ...webhook.events.map((name) => ({ name, label: label(name), own: true })),
      ...others.map((t) => ({ name: t.name, label: t.label })),
    ];
  }, [webhook.events, catalog]);
  const scope = useMemo(() => ({ kind: "webhook" as const, id: webhook.id }), [webhook.id]);
  const [recovering, setRecovering] = useState(false);

  const queued = activity?.queued ?? 0;
  let note = null;
  if (queued > 0) {
    const deliveries = queued === 1 ? "1 delivery" : `${queued.toLocaleString()} deliveries`;
    note =
      webhook.status === "active" ? (
        <span className="logs-queue">{deliveries} waiting</span>
      ) : (
        <span className="logs-queue logs-queue-held">
          <PausedIcon /> {deliveries} held while the webhook is{" "}
          {webhook.status === "paused" ? "paused" : "disabled"}; resuming releases them in order.
        </span>
      );
  }

  const disabled = webhook.status === "disabled";
  const recoverButton = (
    <button
      type="button"
      className="button button-small"
      disabled={disabled}
      title={
        disabled
          ? "Activate the webhook first: a deactivated webhook delivers nothing"
          : "Deliver again every event whose latest delivery failed since a time you choose"
      }
      onClick={() => setRecovering(true)}
    >
      Recover…
    </button>
  );

  return (
    <>
      {recovering && <RecoverDialog webhook={webhook} onClose={() => setRecovering(false)} />}
      <LogsView
        key={openAttemptId ?? ""}
        scope={scope}
        label={`Attempts of ${webhook.name}`}
        eventTypes={eventTypes}
        emptyText="Nothing was delivered to this webhook yet. Press Test to send a sample event."
        note={note}
        actions={recoverButton}
        initialOpenId={openAttemptId}
      />
    </>
  );
}
