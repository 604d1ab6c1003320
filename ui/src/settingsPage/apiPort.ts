// The port the Events API listens on, as against the port the settings name.
import type { ApiInfo } from "../bindings/ApiInfo";

/** The port in the address the Events API listens at (`http://127.0.0.1:7718`); null when off. */
export function runningPort(info: ApiInfo | null): number | null {
  if (info?.url == null) return null;
  try {
    const port = Number(new URL(info.url).port);
    return Number.isInteger(port) && port > 0 ? port : null;
  } catch {
    return null;
  }
}

/**
 * The port it runs on when that is not the saved setting: the app was started with an
 * override (`HOOKDESK_API_PORT`), which wins over the setting until a start without it.
 */
export function overriddenPort(info: ApiInfo | null, savedPort: number | null): number | null {
  const running = runningPort(info);
  return running !== null && savedPort !== null && running !== savedPort ? running : null;
}
