import { useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { Webhook } from "../bindings/Webhook";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { TrashIcon } from "../components/icons";
import { useFeedback } from "../feedback/FeedbackContext";
import { deleteWebhook } from "../ipc/commands";

/** Deleting a saved webhook, after an in-app confirmation that names it. */
export function DeleteWebhookSection({
  webhook,
  onDeleted,
}: {
  webhook: Webhook;
  onDeleted: (webhook: Webhook) => void;
}) {
  const { reportError } = useFeedback();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  async function remove() {
    setBusy(true);
    try {
      await deleteWebhook(webhook.id);
      onDeleted(webhook);
    } catch (error) {
      reportError(error as ErrorView, `Deleting “${webhook.name}” failed`);
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <section className="form-section danger-zone" aria-labelledby="delete-heading">
      <h3 id="delete-heading" className="section-title">
        Delete webhook
      </h3>
      <p className="section-note">
        Removes its settings, its secrets from the keyring, its queued deliveries and its logs.
      </p>
      <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
        <TrashIcon /> Delete webhook
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Delete “${webhook.name}”?`}
          confirmLabel="Delete webhook"
          danger
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            The webhook <span className="mono">{webhook.code}</span> stops receiving events at once.
            Its settings, secrets, queued deliveries and logs are removed. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
