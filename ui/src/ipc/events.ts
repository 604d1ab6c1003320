import { listen } from "@tauri-apps/api/event";
import type { Notice } from "../bindings/Notice";

/** The Tauri event the engine's notifications arrive on (see src-tauri/src/app/mod.rs). */
const NOTICE_EVENT = "hookdesk:notice";

/**
 * Calls `handler` for every engine notice (changes made by the panel, the CLI or the API).
 * They arrive in batches (what piled up while the window was busy), handed over in order.
 * Returns the function that stops listening.
 */
export function onNotice(handler: (notice: Notice) => void): () => void {
  let stopped = false;
  let unlisten: (() => void) | null = null;
  listen<Notice[]>(NOTICE_EVENT, (event) =>
    event.payload.forEach((notice) => handler(notice)),
  ).then(
    (stop) => {
      if (stopped) stop();
      else unlisten = stop;
    },
    // Outside the app window (a plain browser) there is nothing to listen to.
    () => undefined,
  );
  return () => {
    stopped = true;
    unlisten?.();
  };
}
