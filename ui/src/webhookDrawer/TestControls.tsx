import type { EventType } from "../bindings/EventType";
import type { WebhookTest } from "./useWebhookTest";

interface TestControlsProps {
  test: WebhookTest;
  /** The selected triggers, in catalog order. */
  triggers: readonly string[];
  catalog: readonly EventType[];
}

/** The header's **Test**, with the trigger type whose sample it sends. */
export function TestControls({ test, triggers, catalog }: TestControlsProps) {
  const label = (name: string) => catalog.find((t) => t.name === name)?.label ?? name;
  const sending = test.state.status === "sending";
  return (
    <div className="test-controls">
      {triggers.length === 0 ? (
        <span id="test-hint" className="test-hint">
          Choose a trigger to test
        </span>
      ) : (
        <select
          className="input test-type"
          aria-label="Test event type"
          title="The trigger type whose sample event Test sends"
          value={test.eventType ?? ""}
          onChange={(e) => test.choose(e.target.value)}
        >
          {triggers.map((name) => (
            <option key={name} value={name}>
              {label(name)}
            </option>
          ))}
        </select>
      )}
      <button
        type="button"
        className="button"
        disabled={test.eventType === null || sending}
        aria-busy={sending || undefined}
        aria-describedby={triggers.length === 0 ? "test-hint" : undefined}
        title="Send a sample event to the Url in the form, saved or not"
        onClick={test.run}
      >
        Test
      </button>
    </div>
  );
}
