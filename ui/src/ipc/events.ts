import { listen } from "@tauri-apps/api/event";
import type { Notice } from "../bindings/Notice";

/** The Tauri event the engine's notifications arrive on (see src-tauri/src/app/mod.rs). */
const NOTICE_EVENT = "hookdesk:notice";
/** The Tauri event a click on a desktop notification sends (src-tauri/src/app/notify.rs). */
const OPEN_LOGS_EVENT = "hookdesk:open-logs";

/** Listens to a Tauri event until the returned function is called. */
function onEvent<T>(name: string, handler: (payload: T) => void): () => void {
  let stopped = false;
  let unlisten: (() => void) | null = null;
  listen<T>(name, (event) => handler(event.payload)).then(
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

/**
 * Calls `handler` with every batch of engine notices (changes made by the panel, the CLI, the
 * API or the engine): what piled up while the window was busy, in order, an older value of the
 * same key already dropped. Only the notice router (noticeRouter.ts) listens; everything else
 * reads the query cache or subscribes to the router. Returns the function that stops listening.
 */
export function onNotice(handler: (notices: readonly Notice[]) => void): () => void {
  return onEvent<Notice[]>(NOTICE_EVENT, handler);
}

/** Calls `handler` with the webhook id each time a desktop notification about it is clicked. */
export function onOpenLogs(handler: (webhookId: string) => void): () => void {
  return onEvent<string>(OPEN_LOGS_EVENT, handler);
}
