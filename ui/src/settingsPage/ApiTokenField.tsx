import { useEffect, useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { CopyButton } from "../components/CopyButton";
import { EyeIcon, EyeOffIcon, RotateIcon } from "../components/icons";
import { useFeedback } from "../feedback/FeedbackContext";
import { apiToken, regenerateApiToken } from "../ipc/commands";
import { MASK } from "../webhookDrawer/webhookForm";

/** The Events API token: masked, with Reveal, Copy and Regenerate (after a warning). */
interface ApiTokenFieldProps {
  /** Changes when the settings changed elsewhere: a token read before may be stale. */
  version: number;
  onRegenerated: () => void;
  /** The token while it is shown in clear, else null (the example beside it follows). */
  onShownChange: (token: string | null) => void;
}

export function ApiTokenField({ version, onRegenerated, onShownChange }: ApiTokenFieldProps) {
  const { reportError, showToast } = useFeedback();
  const [token, setToken] = useState<string | null>(null);
  const [visible, setVisible] = useState(false);
  const [seenVersion, setSeenVersion] = useState(version);
  if (seenVersion !== version) {
    setSeenVersion(version);
    setToken(null);
    setVisible(false);
  }
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  async function tokenText(): Promise<string> {
    if (token !== null) return token;
    const value = await apiToken();
    setToken(value);
    return value;
  }

  async function toggle() {
    if (visible) {
      setVisible(false);
      return;
    }
    try {
      await tokenText();
      setVisible(true);
    } catch (error) {
      reportError(error as ErrorView, "Revealing the token failed");
    }
  }

  async function regenerate() {
    setBusy(true);
    try {
      setToken(await regenerateApiToken());
      showToast({ message: "New token generated; the old one no longer works" });
      onRegenerated();
    } catch (error) {
      reportError(error as ErrorView, "Regenerating the token failed");
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  const shown = visible && token !== null;
  const shownToken = shown ? token : null;
  useEffect(() => {
    onShownChange(shownToken);
  }, [shownToken, onShownChange]);
  return (
    <div className="field">
      <label htmlFor="api-token" className="field-label">
        Token
      </label>
      <div className="field-control">
        <input
          id="api-token"
          className="input mono input-readonly"
          readOnly
          value={shown ? token : MASK}
          aria-describedby="api-token-hint"
        />
        <button
          type="button"
          className="button button-small"
          aria-label={shown ? "Hide token" : "Reveal token"}
          onClick={() => void toggle()}
        >
          {shown ? <EyeOffIcon /> : <EyeIcon />}
          <span aria-hidden="true">{shown ? "Hide" : "Reveal"}</span>
        </button>
        <CopyButton
          label="Copy token"
          text={tokenText}
          onError={(e) => reportError(e, "Copying the token failed")}
        />
        <button
          type="button"
          className="button button-small"
          aria-label="Regenerate token"
          onClick={() => setConfirming(true)}
        >
          <RotateIcon />
          <span aria-hidden="true">Regenerate</span>
        </button>
      </div>
      <p id="api-token-hint" className="field-hint">
        Programs send it as <code>Authorization: Bearer …</code>. It is kept in the OS keyring.
      </p>
      {confirming && (
        <ConfirmDialog
          title="Regenerate the API token?"
          confirmLabel="Regenerate now"
          danger
          busy={busy}
          onConfirm={() => void regenerate()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            A new token is generated and the old token stops working at once: programs, scripts and
            the command line that still send it are refused until they use the new one.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
