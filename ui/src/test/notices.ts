import { emit } from "@tauri-apps/api/event";
import type { Notice } from "../bindings/Notice";

/** What the backend sends when the CLI or the Events API changed something. */
export function sendNotice(notice: Notice): Promise<void> {
  return emit("hookdesk:notice", [notice]);
}

/** Several notices in one batch, as the app forwards what piled up. */
export function sendNotices(...notices: Notice[]): Promise<void> {
  return emit("hookdesk:notice", notices);
}

/** What the app sends when a desktop notification about a webhook is clicked. */
export function sendOpenLogs(webhookId: string): Promise<void> {
  return emit("hookdesk:open-logs", webhookId);
}
