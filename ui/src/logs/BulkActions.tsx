import { useState } from "react";
import type { AttemptId } from "../bindings/AttemptId";
import type { DeliveryId } from "../bindings/DeliveryId";
import type { ErrorView } from "../bindings/ErrorView";
import type { LogFilter } from "../bindings/LogFilter";
import type { LogScope } from "../bindings/LogScope";
import type { Resent } from "../bindings/Resent";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { useFeedback } from "../feedback/FeedbackContext";
import { countResendable, exportAttempts, resendDeliveries, resendMatching } from "../ipc/commands";
import { countText } from "./format";
import { reportExport } from "./reportExport";

interface BulkActionsProps {
  scope: LogScope;
  /** The view's filters; `null` while they are not valid. */
  filter: LogFilter | null;
  /** The attempts picked in the list, and their deliveries (two attempts may share one). */
  pickedAttempts: readonly AttemptId[];
  selected: readonly DeliveryId[];
  onClearSelection: () => void;
}

/** "Resent 3 deliveries" (and what could not go again). */
function resentText(resent: Resent): string {
  let text = `Resent ${countText(resent.deliveries, "delivery", "deliveries")}`;
  if (resent.skipped > 0)
    text += ` · ${countText(resent.skipped, "delivery", "deliveries")} could not go again (deleted, or a direct delivery with headers)`;
  return text;
}

/**
 * What the Logs do with many rows at once: **Resend selected** and **Export selected** for
 * the rows picked in the list, and **Resend all matching…** for the view's filters, after a
 * count. A resent delivery goes again once, oldest event first, to its webhook as it is
 * configured now.
 */
export function BulkActions({
  scope,
  filter,
  pickedAttempts,
  selected,
  onClearSelection,
}: BulkActionsProps) {
  const { showToast, reportError } = useFeedback();
  const [count, setCount] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  function done(resent: Resent) {
    showToast({ message: resentText(resent) });
  }

  function resendSelected() {
    setBusy(true);
    resendDeliveries([...selected])
      .then(
        (resent) => {
          done(resent);
          onClearSelection();
        },
        (error: ErrorView) => reportError(error, "The deliveries could not be resent"),
      )
      .finally(() => setBusy(false));
  }

  function exportSelected() {
    setBusy(true);
    void reportExport(
      exportAttempts([...pickedAttempts], "har"),
      { showToast, reportError },
      "The attempts could not be exported",
    ).finally(() => setBusy(false));
  }

  function askAll() {
    if (filter === null) return;
    setBusy(true);
    countResendable(scope, filter)
      .then(
        (n) => {
          if (n > 0) setCount(n);
          else
            showToast({
              message:
                "Nothing to resend: no delivery in this view has an attempt (Tests and deliveries still waiting are left out).",
            });
        },
        (error: ErrorView) => reportError(error, "The deliveries could not be counted"),
      )
      .finally(() => setBusy(false));
  }

  function resendAll() {
    if (filter === null) return;
    setBusy(true);
    resendMatching(scope, filter)
      .then(done, (error: ErrorView) => reportError(error, "The deliveries could not be resent"))
      .finally(() => {
        setBusy(false);
        setCount(null);
      });
  }

  return (
    <>
      {pickedAttempts.length > 0 && (
        <span className="logs-selection" role="group" aria-label="Selected attempts">
          <span className="logs-selection-count">{pickedAttempts.length} selected</span>
          <button
            type="button"
            className="button button-small button-primary"
            disabled={busy}
            title={`Send ${countText(selected.length, "delivery", "deliveries")} again, oldest event first`}
            onClick={resendSelected}
          >
            Resend selected
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={busy}
            title="Save the picked attempts, requests and responses, as HAR (for browser and proxy tools)"
            onClick={exportSelected}
          >
            Export selected (HAR)
          </button>
          <button type="button" className="link-button" onClick={onClearSelection}>
            Clear selection
          </button>
        </span>
      )}
      <button
        type="button"
        className="button button-small"
        disabled={busy || filter === null}
        title="Send every delivery shown here again, after a count"
        onClick={askAll}
      >
        Resend all matching…
      </button>
      {count !== null && (
        <ConfirmDialog
          title={`Resend ${countText(count, "delivery", "deliveries")}?`}
          confirmLabel={`Resend ${countText(count, "delivery", "deliveries")}`}
          busy={busy}
          onConfirm={resendAll}
          onCancel={() => setCount(null)}
        >
          <p>
            Each delivery with an attempt in this view (Tests aside) goes again once, to its webhook
            as it is configured now, oldest event first. Its earlier attempts stay in the logs.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
