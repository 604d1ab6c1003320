import type { ApiInfo } from "../bindings/ApiInfo";
import { ErrorIcon } from "../components/icons";

/** Where the Events API listens, or why it does not. */
export function ApiStatus({ info, enabled }: { info: ApiInfo | null; enabled: boolean }) {
  if (info === null) return <p className="muted">Reading the address…</p>;
  if (info.url !== null) {
    return (
      <p className="api-status">
        Listening at <span className="mono">{info.url}</span>
      </p>
    );
  }
  if (info.error !== null) {
    return (
      <p className="api-status api-status-error" role="alert">
        <ErrorIcon /> {info.error}
      </p>
    );
  }
  return (
    <p className="api-status muted">
      {enabled ? "Not listening." : "Off: programs cannot post events."}
    </p>
  );
}
