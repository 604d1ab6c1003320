import { useCallback, useEffect, useState } from "react";
import type { AttemptSummary } from "../bindings/AttemptSummary";
import type { ErrorView } from "../bindings/ErrorView";
import type { WebhookActivity } from "../bindings/WebhookActivity";
import { useFeedback } from "../feedback/FeedbackContext";
import { webhookActivity } from "../ipc/commands";
import { isSystemTrouble } from "../ipc/errors";
import { onNotice } from "../ipc/events";

export type ActivityMap = Readonly<Partial<Record<string, WebhookActivity>>>;

/** Coalesces the reloads a burst of configuration changes asks for. */
const RELOAD_DELAY_MS = 200;

/**
 * A recorded attempt applied to its webhook's entry: no need to ask the engine. A Test is
 * not a delivery: it says nothing of how the webhook's real deliveries go (it may have gone
 * to a URL typed into the form and never saved), so it changes nothing here.
 */
export function applyAttempt(activity: ActivityMap, attempt: AttemptSummary): ActivityMap {
  const id = attempt.webhook_id;
  if (id === null || attempt.test) return activity;
  const current = activity[id] ?? { last_attempt: null, queued: 0 };
  const last = current.last_attempt;
  const newer = last === null || Date.parse(attempt.executed_at) >= Date.parse(last.executed_at);
  // A delivery ends with an attempt that is not RETRYING.
  const ended = attempt.result !== "retrying";
  return {
    ...activity,
    [id]: {
      last_attempt: newer ? attempt : last,
      queued: ended ? Math.max(0, current.queued - 1) : current.queued,
    },
  };
}

/**
 * Each webhook's last attempt and queue length. Recorded attempts update their webhook's
 * entry from the notice itself; a configuration change (pause, resume, delete) or newly
 * queued deliveries (events accepted, held while paused) reload it.
 * No polling.
 */
export function useWebhookActivity() {
  const { reportError } = useFeedback();
  const [activity, setActivity] = useState<ActivityMap>({});

  const reload = useCallback(() => {
    webhookActivity().then(setActivity, (error: ErrorView) => {
      if (isSystemTrouble(error)) reportError(error, "Loading the last deliveries failed");
    });
  }, [reportError]);

  useEffect(() => {
    reload();
    let timer: number | undefined;
    const stop = onNotice((notice) => {
      if (notice.kind === "attempt_recorded") {
        setActivity((a) => applyAttempt(a, notice.attempt));
      } else if (
        (notice.kind === "webhooks_changed" ||
          notice.kind === "deliveries_queued" ||
          notice.kind === "missed") &&
        timer === undefined
      ) {
        timer = window.setTimeout(() => {
          timer = undefined;
          reload();
        }, RELOAD_DELAY_MS);
      }
    });
    return () => {
      stop();
      window.clearTimeout(timer);
    };
  }, [reload]);

  return { activity, reload };
}
