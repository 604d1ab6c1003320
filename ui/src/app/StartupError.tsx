import type { ErrorView } from "../bindings/ErrorView";
import { ErrorIcon } from "../components/icons";

/** The whole window when the engine could not start: nothing else would work. */
export function StartupError({ error, dataDir }: { error: ErrorView; dataDir: string | null }) {
  return (
    <main className="startup-error" role="alert">
      <ErrorIcon className="startup-error-icon" />
      <h1>Hookdesk could not start</h1>
      <p className="startup-error-message">{error.message}</p>
      {dataDir && (
        <p className="muted">
          Data directory: <span className="mono">{dataDir}</span>
        </p>
      )}
      <p className="muted">
        Fix the cause above and start Hookdesk again. Set{" "}
        <span className="mono">HOOKDESK_DATA_DIR</span> to use another data directory.
      </p>
    </main>
  );
}
