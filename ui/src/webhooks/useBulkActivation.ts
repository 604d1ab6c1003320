import { useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { Webhook } from "../bindings/Webhook";
import { useFeedback } from "../feedback/FeedbackContext";
import { setWebhooksActive } from "../ipc/commands";

/** Long enough to notice the toast and reach Undo. */
export const UNDO_MS = 6000;

function countText(n: number, verb: string): string {
  return `${n} webhook${n === 1 ? "" : "s"} ${verb}`;
}

/**
 * Activates or deactivates several webhooks at once, at once, with an Undo in the toast
 * rather than a question first.
 */
export function useBulkActivation(applyChanges: (changed: readonly Webhook[]) => void) {
  const { showToast, reportError } = useFeedback();
  const [busy, setBusy] = useState(false);

  async function apply(ids: string[], active: boolean): Promise<boolean> {
    try {
      applyChanges(await setWebhooksActive(ids, active));
      return true;
    } catch (error) {
      reportError(
        error as ErrorView,
        active ? "Activating the webhooks failed" : "Deactivating the webhooks failed",
      );
      return false;
    }
  }

  async function setActive(targets: readonly Webhook[], active: boolean): Promise<boolean> {
    if (targets.length === 0) return false;
    setBusy(true);
    const ids = targets.map((w) => w.id);
    // Undo reverts only what this action changed: a webhook resumed by Activate has already
    // sent its held deliveries, so it stays on (and a deactivated one was active before).
    const undoable = targets
      .filter((w) => w.status === (active ? "disabled" : "active"))
      .map((w) => w.id);
    const done = await apply(ids, active);
    setBusy(false);
    if (done) {
      showToast({
        message: countText(ids.length, active ? "activated" : "deactivated"),
        durationMs: UNDO_MS,
        action:
          undoable.length === 0
            ? undefined
            : {
                label: "Undo",
                run: () => {
                  void apply(undoable, !active).then((undone) => {
                    if (undone) showToast({ message: countText(undoable.length, "restored") });
                  });
                },
              },
      });
    }
    return done;
  }

  return { busy, setActive };
}
