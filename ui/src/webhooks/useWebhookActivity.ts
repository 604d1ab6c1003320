import { useQuery } from "@tanstack/react-query";
import { useReportedError } from "../feedback/useReportedError";
import { isSystemTrouble } from "../ipc/errors";
import { activityQuery, type ActivityMap } from "../ipc/queries";

export type { ActivityMap } from "../ipc/queries";

const NONE: ActivityMap = {};

/**
 * Each webhook's last attempt and queue length, read once and then kept current by the
 * notice router: `attempt_recorded` sets the last attempt, `queue_changed` the queue length,
 * `webhook_deleted` drops the entry. No polling.
 */
export function useWebhookActivity() {
  const query = useQuery(activityQuery);
  useReportedError(query.error, "Loading the last deliveries failed", isSystemTrouble);
  return { activity: query.data ?? NONE };
}
