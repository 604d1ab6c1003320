import { emit } from "@tauri-apps/api/event";
import type { Notice } from "../bindings/Notice";

/** What the backend sends when the CLI or the Events API changed something. */
export function sendNotice(notice: Notice): Promise<void> {
  return emit("hookdesk:notice", [notice]);
}
