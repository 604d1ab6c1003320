import { writeText } from "@tauri-apps/plugin-clipboard-manager";
import { toErrorView } from "./errors";

/**
 * Copies through the clipboard plugin: WebKitGTK's `navigator.clipboard` is not dependable.
 * Rejects with an `ErrorView`.
 */
export async function copyText(text: string): Promise<void> {
  try {
    await writeText(text);
  } catch (reason) {
    throw toErrorView(reason);
  }
}
