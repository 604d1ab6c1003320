import { HealthView } from "./HealthView";

/** The health of every delivery together: webhooks and direct deliveries. */
export function HealthPage({ shown }: { shown: boolean }) {
  return (
    <div className="page" hidden={!shown}>
      <header className="page-header">
        <h1 className="page-title">Health</h1>
        <p className="page-subtitle">
          Every delivery together, webhooks and direct ones; Tests are left out. Each webhook’s own
          health is on its Health tab.
        </p>
      </header>
      <main className="page-main">
        <HealthView webhookId={null} />
      </main>
    </div>
  );
}
