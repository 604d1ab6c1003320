import { useState } from "react";
import { RULES } from "../bindings/rules";
import { FieldMessages } from "../components/FieldMessages";
import { ChevronIcon } from "../components/icons";
import { DeliveryNumberField as NumberField } from "./DeliveryNumberField";
import { EXPONENTIAL_PRESET_MS, formatDelays, type DeliveryForm } from "./deliveryForm";
import type { WebhookEditor } from "./useWebhookEditor";

/** The panel's ranges, in the units its fields show. */
const {
  panel_timeout_s: timeoutS,
  attempts,
  panel_delay_s: delayS,
  concurrency,
  pause_after_failures: pauseAfterFailures,
} = RULES.delivery;

const DELIVERY_ERROR_KEYS = [
  "delivery.timeout_ms",
  "delivery.attempts",
  "delivery.retry.delay_ms",
  "delivery.retry.schedule_ms",
  "delivery.concurrency",
  "delivery.pause_after_failures",
];

function summary(d: DeliveryForm): string {
  const retry = d.retryKind === "fixed" ? `retry every ${d.delaySeconds} s` : "exponential retries";
  const order = d.ordering === "sequential" ? "sequential" : `up to ${d.concurrency} at once`;
  const pause =
    d.pauseAfterFailures === "0" ? "never paused" : `paused after ${d.pauseAfterFailures} failures`;
  return `${d.timeoutSeconds} s timeout · ${d.attempts} attempts · ${retry} · ${order} · ${pause}`;
}

/** Timeout, attempts, retries, ordering and pausing; folded away, as few need to change them. */
export function DeliverySection({
  editor,
  schedule,
}: {
  editor: WebhookEditor;
  /** The exponential schedule as stored, when it is one. */
  schedule: readonly number[] | null;
}) {
  const [expanded, setExpanded] = useState(false);
  const hasErrors = DELIVERY_ERROR_KEYS.some((key) => editor.errorsFor(key).length > 0);
  // Errors are never hidden inside a folded section.
  const open = expanded || hasErrors;
  const d = editor.form.delivery;
  return (
    <section className="form-section" aria-labelledby="delivery-heading">
      <h3 id="delivery-heading" className="section-title">
        <button
          type="button"
          className="disclosure"
          aria-expanded={open}
          aria-controls="delivery-fields"
          onClick={() => setExpanded(!open)}
        >
          <ChevronIcon className={open ? "chevron open" : "chevron"} />
          Delivery
        </button>
      </h3>
      <p className="section-note">
        Most webhooks never need to change these.
        {!open && <span className="delivery-summary"> {summary(d)}</span>}
      </p>
      {open && (
        <div id="delivery-fields" className="delivery-grid">
          <NumberField
            id="delivery-timeout"
            label="Timeout per attempt (seconds)"
            field="timeoutSeconds"
            errorKey="delivery.timeout_ms"
            min={timeoutS[0]}
            max={timeoutS[1]}
            hint={`${timeoutS[0]} to ${timeoutS[1]} seconds.`}
            editor={editor}
          />
          <NumberField
            id="delivery-attempts"
            label="Attempts"
            field="attempts"
            errorKey="delivery.attempts"
            min={attempts[0]}
            max={attempts[1]}
            hint={`The first try plus retries, ${attempts[0]} to ${attempts[1]}.`}
            editor={editor}
          />
          <fieldset className="field field-wide">
            <legend className="field-label">Retry schedule</legend>
            <div className="radio-row">
              <label className="checkbox-label">
                <input
                  type="radio"
                  name="retry-kind"
                  checked={d.retryKind === "fixed"}
                  onChange={() => editor.setDelivery({ retryKind: "fixed" }, [])}
                />
                Fixed delay
              </label>
              <label className="checkbox-label">
                <input
                  type="radio"
                  name="retry-kind"
                  checked={d.retryKind === "exponential"}
                  onChange={() => editor.setDelivery({ retryKind: "exponential" }, [])}
                />
                Exponential
              </label>
            </div>
            {d.retryKind === "exponential" ? (
              <p className="field-hint">
                Waits{" "}
                <span className="mono">{formatDelays(schedule ?? EXPONENTIAL_PRESET_MS)}</span>{" "}
                before the successive retries, each varied by up to 20 % so failing deliveries do
                not retry in lockstep.
              </p>
            ) : null}
            <FieldMessages
              id="delivery-schedule-messages"
              errors={editor.errorsFor("delivery.retry.schedule_ms")}
            />
          </fieldset>
          {d.retryKind === "fixed" && (
            <NumberField
              id="delivery-delay"
              label="Delay between attempts (seconds)"
              field="delaySeconds"
              errorKey="delivery.retry.delay_ms"
              min={delayS[0]}
              max={delayS[1]}
              editor={editor}
            />
          )}
          <fieldset className="field field-wide">
            <legend className="field-label">Ordering</legend>
            <div className="radio-row">
              <label className="checkbox-label">
                <input
                  type="radio"
                  name="ordering"
                  checked={d.ordering === "sequential"}
                  onChange={() => editor.setDelivery({ ordering: "sequential" }, [])}
                />
                Sequential
              </label>
              <label className="checkbox-label">
                <input
                  type="radio"
                  name="ordering"
                  checked={d.ordering === "parallel"}
                  onChange={() => editor.setDelivery({ ordering: "parallel" }, [])}
                />
                Parallel
              </label>
            </div>
            <p className="field-hint">
              {d.ordering === "sequential"
                ? "Each delivery waits until the previous one has ended, so events arrive in order."
                : "Deliveries may overlap and arrive out of order."}
            </p>
          </fieldset>
          {d.ordering === "parallel" && (
            <NumberField
              id="delivery-concurrency"
              label="Up to N at once"
              field="concurrency"
              errorKey="delivery.concurrency"
              min={concurrency[0]}
              max={concurrency[1]}
              hint={`${concurrency[0]} to ${concurrency[1]} deliveries in flight.`}
              editor={editor}
            />
          )}
          <NumberField
            id="delivery-pause"
            label="Pause after consecutive failed deliveries"
            field="pauseAfterFailures"
            errorKey="delivery.pause_after_failures"
            min={pauseAfterFailures[0]}
            max={pauseAfterFailures[1]}
            hint="0 never pauses. A paused webhook keeps queueing events."
            editor={editor}
          />
        </div>
      )}
    </section>
  );
}
