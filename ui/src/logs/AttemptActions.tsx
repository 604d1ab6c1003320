import { useId, useState } from "react";
import type { Attempt } from "../bindings/Attempt";
import type { ErrorView } from "../bindings/ErrorView";
import { CopyButton } from "../components/CopyButton";
import { RotateIcon } from "../components/icons";
import { useFeedback } from "../feedback/FeedbackContext";
import { curlCommand, resend } from "../ipc/commands";
import { isAttemptId } from "../ipc/ids";

/**
 * Copy payload, Copy response, Copy as cURL (with or without secrets), Resend. A queued
 * delivery (a `dlv_` row) was never sent: it has no attempt to copy as cURL.
 */
export function AttemptActions({ attempt }: { attempt: Attempt }) {
  const attemptId = isAttemptId(attempt.id) ? attempt.id : null;
  const { reportError, showToast } = useFeedback();
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [resending, setResending] = useState(false);
  const secretsId = useId();

  async function resendNow() {
    setResending(true);
    try {
      const delivery = await resend(attempt.delivery_id);
      showToast({
        message: `Resent: new delivery ${delivery} of ${attempt.event_id}. It appears in the logs once attempted.`,
      });
    } catch (error) {
      reportError(error as ErrorView, "Resending failed");
    } finally {
      setResending(false);
    }
  }

  return (
    <div className="attempt-actions" role="group" aria-label="Attempt actions">
      <CopyButton
        label="Copy payload"
        caption="Copy payload"
        // Exactly the bytes that were sent, not the pretty-printed form.
        text={() => attempt.request.body}
        onError={(e) => reportError(e, "Copying the payload failed")}
      />
      <CopyButton
        label="Copy response"
        caption="Copy response"
        disabled={attempt.response === null}
        text={() => attempt.response?.body ?? ""}
        onError={(e) => reportError(e, "Copying the response failed")}
      />
      {attemptId !== null && (
        <span className="attempt-curl">
          <CopyButton
            label="Copy as cURL"
            caption="Copy as cURL"
            text={() => curlCommand(attemptId, includeSecrets)}
            onError={(e) => reportError(e, "Copying the cURL command failed")}
          />
          <label
            className="checkbox-label"
            htmlFor={secretsId}
            title="Real header values and the signing key: the command signs the request when you run it (needs openssl)"
          >
            <input
              id={secretsId}
              type="checkbox"
              checked={includeSecrets}
              onChange={(e) => setIncludeSecrets(e.target.checked)}
            />
            Include secrets
          </label>
        </span>
      )}
      <button
        type="button"
        className="button button-small"
        disabled={resending}
        aria-busy={resending || undefined}
        title="A new delivery of the same event to the webhook's current configuration"
        onClick={() => void resendNow()}
      >
        <RotateIcon />
        Resend
      </button>
    </div>
  );
}
