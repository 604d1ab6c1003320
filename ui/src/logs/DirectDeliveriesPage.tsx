import { useMemo } from "react";
import type { LogScope } from "../bindings/LogScope";
import { useCatalog } from "../catalog/useCatalog";
import { LogsView } from "./LogsView";

const DIRECT: LogScope = { kind: "direct" };

/** Deliveries posted to `POST /v1/deliveries`, without a saved webhook, browsed like the Logs tab. */
export function DirectDeliveriesPage({ shown }: { shown: boolean }) {
  const { types } = useCatalog();
  const eventTypes = useMemo(
    () => (types ?? []).map((t) => ({ name: t.name, label: t.label })),
    [types],
  );
  return (
    <div className="page" hidden={!shown}>
      <header className="page-header">
        <h1 className="page-title">Direct deliveries</h1>
        <p className="page-subtitle">
          One-off deliveries to a URL, posted to <code>POST /v1/deliveries</code> without a saved
          webhook.
        </p>
      </header>
      <main className="page-main page-main-fit">
        <LogsView
          scope={DIRECT}
          label="Direct deliveries"
          eventTypes={eventTypes}
          emptyText="No direct delivery yet. Programs post them to the Events API; see Settings for its address and token."
        />
      </main>
    </div>
  );
}
