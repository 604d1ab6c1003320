import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { Webhook } from "../bindings/Webhook";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { CopyButton } from "../components/CopyButton";
import { EyeIcon, EyeOffIcon, RotateIcon } from "../components/icons";
import { useFeedback } from "../feedback/FeedbackContext";
import { rotateSecret, signingSecret } from "../ipc/commands";
import { upsertWebhooks } from "../ipc/queries";
import { MASK } from "./webhookForm";

interface SigningSecretSectionProps {
  saved: Webhook | null;
  /** The secret generated for a webhook that is not saved yet. */
  newSecret: string | null;
  onRotated: (webhook: Webhook) => void;
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The Standard Webhooks signing secret: masked, with reveal, copy and rotate. */
export function SigningSecretSection({ saved, newSecret, onRotated }: SigningSecretSectionProps) {
  const { reportError, showToast } = useFeedback();
  const client = useQueryClient();
  const [revealed, setRevealed] = useState<string | null>(null);
  const [visible, setVisible] = useState(false);
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [rotating, setRotating] = useState(false);

  async function secretText(): Promise<string> {
    if (!saved) {
      if (newSecret === null)
        throw { kind: "unavailable", message: "Not generated yet.", fields: [] };
      return newSecret;
    }
    if (revealed !== null) return revealed;
    const secret = await signingSecret(saved.id);
    setRevealed(secret);
    return secret;
  }

  async function toggleReveal() {
    if (visible) {
      setVisible(false);
      return;
    }
    try {
      await secretText();
      setVisible(true);
    } catch (error) {
      reportError(error as ErrorView, "Revealing the signing secret failed");
    }
  }

  async function rotate() {
    if (!saved) return;
    setRotating(true);
    try {
      const webhook = await rotateSecret(saved.id);
      setRevealed(null);
      setVisible(false);
      // The list shows it as it is now too (its previous secret's end).
      upsertWebhooks(client, [webhook]);
      onRotated(webhook);
      showToast({ message: "Signing secret rotated" });
    } catch (error) {
      reportError(error as ErrorView, "Rotating the signing secret failed");
    } finally {
      setRotating(false);
      setConfirmRotate(false);
    }
  }

  const plain = saved ? revealed : newSecret;
  const shown = visible && plain !== null;
  return (
    <div className="subsection">
      <h4 className="subsection-title">Signing secret</h4>
      <div className="field">
        <label htmlFor="webhook-secret" className="visually-hidden">
          Signing secret
        </label>
        <div className="field-control">
          <input
            id="webhook-secret"
            className="input mono input-readonly"
            readOnly
            value={shown ? plain : MASK}
            aria-describedby="webhook-secret-hint"
          />
          <button
            type="button"
            className="button button-small"
            aria-label={shown ? "Hide signing secret" : "Reveal signing secret"}
            onClick={() => void toggleReveal()}
            disabled={!saved && newSecret === null}
          >
            {shown ? <EyeOffIcon /> : <EyeIcon />}
            <span aria-hidden="true">{shown ? "Hide" : "Reveal"}</span>
          </button>
          <CopyButton
            label="Copy signing secret"
            text={secretText}
            onError={(e) => reportError(e, "Copying the signing secret failed")}
          />
          {saved && (
            <button
              type="button"
              className="button button-small"
              aria-label="Rotate signing secret"
              onClick={() => setConfirmRotate(true)}
            >
              <RotateIcon />
              <span aria-hidden="true">Rotate</span>
            </button>
          )}
        </div>
        <p id="webhook-secret-hint" className="field-hint">
          Receivers verify the <code>webhook-signature</code> header with it (Standard Webhooks).
          {saved ? "" : " Generated for this webhook; it is stored in the keyring when you save."}
        </p>
        {saved?.previous_secret_until && (
          <p className="field-hint">
            The previous secret also signs, alongside the current one, until{" "}
            <time dateTime={saved.previous_secret_until}>
              {formatTime(saved.previous_secret_until)}
            </time>
            .
          </p>
        )}
      </div>
      {confirmRotate && (
        <ConfirmDialog
          title="Rotate the signing secret?"
          confirmLabel="Rotate secret"
          busy={rotating}
          onConfirm={() => void rotate()}
          onCancel={() => setConfirmRotate(false)}
        >
          <p>
            A new secret is generated now. For the next 24 hours every delivery is signed with both
            the new and the previous secret, so receivers have time to switch to the new one; after
            that only the new secret signs.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
