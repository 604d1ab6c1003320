import { useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import type { LogScope } from "../bindings/LogScope";
import { useCatalog } from "../catalog/useCatalog";
import { webhooksQuery } from "../ipc/queries";
import { LogsView } from "./LogsView";

const ALL = "*";
const DIRECT = "-";

/** The Webhook choice as a log scope: every delivery, the direct ones, or one webhook's. */
function scopeOf(choice: string): LogScope {
  if (choice === ALL) return { kind: "all" };
  if (choice === DIRECT) return { kind: "direct" };
  return { kind: "webhook", id: choice };
}

/**
 * Every delivery in one place: all webhooks' and the direct ones (`POST /v1/deliveries`),
 * with the Logs filters and a webhook, status and event id to narrow them; a row opens the
 * same detail as in a webhook's Logs (Copy payload, Copy as cURL, Resend).
 */
export function DeliveriesPage({ shown }: { shown: boolean }) {
  const id = useId();
  const { types } = useCatalog();
  const webhooks = useQuery(webhooksQuery).data;
  const [choice, setChoice] = useState(ALL);
  const scope = useMemo(() => scopeOf(choice), [choice]);
  const eventTypes = useMemo(
    () => (types ?? []).map((t) => ({ name: t.name, label: t.label })),
    [types],
  );
  const sorted = useMemo(
    () => [...(webhooks ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
    [webhooks],
  );
  const label =
    choice === ALL
      ? "All deliveries"
      : choice === DIRECT
        ? "Direct deliveries"
        : `Deliveries of ${sorted.find((w) => w.id === choice)?.name ?? "a webhook"}`;
  return (
    <div className="page" hidden={!shown}>
      <header className="page-header">
        <h1 className="page-title">Deliveries</h1>
        <p className="page-subtitle">
          To your webhooks, and one-off ones posted to <code>POST /v1/deliveries</code>.
        </p>
        <div className="log-filter deliveries-scope">
          <label htmlFor={`${id}-webhook`} className="field-label">
            Webhook
          </label>
          <select
            id={`${id}-webhook`}
            className="input"
            value={choice}
            onChange={(e) => setChoice(e.target.value)}
          >
            <option value={ALL}>All deliveries</option>
            <option value={DIRECT}>Direct deliveries</option>
            {sorted.length > 0 && (
              <optgroup label="Webhooks">
                {sorted.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name} ({w.code})
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </div>
      </header>
      <main className="page-main page-main-fit">
        <LogsView
          scope={scope}
          label={label}
          eventTypes={eventTypes}
          moreFilters
          emptyText={
            choice === DIRECT
              ? "No direct delivery yet. Programs post them to the Events API; see Settings for its address and token."
              : "Nothing delivered yet. Events posted to the Events API (or sent with the CLI) show here as they go out."
          }
        />
      </main>
    </div>
  );
}
