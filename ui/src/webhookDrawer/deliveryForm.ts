import type { DeliverySettings } from "../bindings/DeliverySettings";
import type { FieldError } from "../bindings/FieldError";
import type { Ordering } from "../bindings/Ordering";
import type { RetryPolicy } from "../bindings/RetryPolicy";
import { RULES } from "../bindings/rules";

/** The engine's exponential preset (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h as of writing). */
export const EXPONENTIAL_PRESET_MS: readonly number[] = RULES.delivery.exponential_preset_ms;

/** The engine's delivery settings for a new webhook. */
export const DEFAULT_DELIVERY: DeliverySettings = RULES.delivery.defaults;

/**
 * What the fixed delay field starts from when the stored retry is exponential: the engine's
 * default delay (or, were its default exponential, the preset's first delay).
 */
const DEFAULT_FIXED_DELAY_MS =
  DEFAULT_DELIVERY.retry.kind === "fixed"
    ? DEFAULT_DELIVERY.retry.delay_ms
    : (EXPONENTIAL_PRESET_MS[0] ?? RULES.delivery.delay_ms[0]);

/** What the Delivery inputs hold: text, so that a half-typed number is not lost. */
export interface DeliveryForm {
  timeoutSeconds: string;
  attempts: string;
  retryKind: RetryPolicy["kind"];
  delaySeconds: string;
  ordering: Ordering;
  concurrency: string;
  pauseAfterFailures: string;
}

function seconds(ms: number): string {
  return String(ms / 1000);
}

function fixedDelayMs(settings: DeliverySettings): number {
  return settings.retry.kind === "fixed" ? settings.retry.delay_ms : DEFAULT_FIXED_DELAY_MS;
}

export function deliveryFormFrom(settings: DeliverySettings): DeliveryForm {
  return {
    timeoutSeconds: seconds(settings.timeout_ms),
    attempts: String(settings.attempts),
    retryKind: settings.retry.kind,
    delaySeconds: seconds(fixedDelayMs(settings)),
    ordering: settings.ordering,
    concurrency: String(Math.max(settings.concurrency, 1)),
    pauseAfterFailures: String(settings.pause_after_failures),
  };
}

/**
 * Back to engine settings. A field the user has not edited keeps the stored value exactly
 * (the API may have set 1500 ms, which the seconds field shows as 1.5), so saving the form
 * never rounds what someone else configured.
 */
export function deliverySettingsFrom(
  form: DeliveryForm,
  stored: DeliverySettings,
): DeliverySettings {
  const storedForm = deliveryFormFrom(stored);
  // Half-typed or negative numbers fall back to the stored value, so the engine always gets a
  // well-formed request to check; deliveryErrors() reports them and blocks saving.
  const whole = (value: number, fallback: number) =>
    Number.isInteger(value) && value >= 0 ? value : fallback;
  const ms = (text: string, storedText: string, storedMs: number) =>
    text === storedText || text.trim() === ""
      ? storedMs
      : whole(Math.round(Number(text) * 1000), storedMs);
  const int = (text: string, fallback: number) =>
    text.trim() === "" ? fallback : whole(Number(text), fallback);
  const retry: RetryPolicy =
    form.retryKind === "fixed"
      ? {
          kind: "fixed",
          delay_ms: ms(form.delaySeconds, storedForm.delaySeconds, fixedDelayMs(stored)),
        }
      : {
          kind: "exponential",
          // A schedule set through the API is kept; choosing exponential here means the preset.
          schedule_ms:
            stored.retry.kind === "exponential"
              ? stored.retry.schedule_ms
              : [...EXPONENTIAL_PRESET_MS],
        };
  return {
    timeout_ms: ms(form.timeoutSeconds, storedForm.timeoutSeconds, stored.timeout_ms),
    attempts: int(form.attempts, stored.attempts),
    retry,
    ordering: form.ordering,
    // The engine keeps 1 for sequential ordering; sending the same keeps the form clean.
    concurrency:
      form.ordering === "sequential" ? 1 : int(form.concurrency, Math.max(stored.concurrency, 1)),
    pause_after_failures: int(form.pauseAfterFailures, stored.pause_after_failures),
  };
}

function numberError(
  field: string,
  text: string,
  [min, max]: [number, number],
  unit: string,
  wholeNumber: boolean,
): FieldError | null {
  const value = Number(text);
  const ok =
    text.trim() !== "" &&
    Number.isFinite(value) &&
    value >= min &&
    value <= max &&
    (!wholeNumber || Number.isInteger(value));
  if (ok) return null;
  const kind = wholeNumber ? "a whole number" : "a number";
  return { field, message: `Enter ${kind} from ${min} to ${max}${unit}.` };
}

/** The engine's ranges, and the panel's in seconds for its seconds fields. */
const {
  panel_timeout_s: timeoutS,
  attempts,
  panel_delay_s: delayS,
  concurrency,
  pause_after_failures: pause,
} = RULES.delivery;

/**
 * The panel's own ranges, in the units it shows. Checked here because the engine speaks
 * milliseconds, and "Must be between 100 and 60000 ms" under a seconds field would confuse.
 * Only edited fields are checked: a stored value is the engine's to judge.
 */
export function deliveryErrors(form: DeliveryForm, stored: DeliverySettings): FieldError[] {
  const storedForm = deliveryFormFrom(stored);
  const edited = (key: keyof DeliveryForm) => form[key] !== storedForm[key];
  const checks: Array<FieldError | null> = [
    edited("timeoutSeconds")
      ? numberError("delivery.timeout_ms", form.timeoutSeconds, timeoutS, " seconds", false)
      : null,
    edited("attempts") ? numberError("delivery.attempts", form.attempts, attempts, "", true) : null,
    form.retryKind === "fixed" && edited("delaySeconds")
      ? numberError("delivery.retry.delay_ms", form.delaySeconds, delayS, " seconds", false)
      : null,
    form.ordering === "parallel" && edited("concurrency")
      ? numberError("delivery.concurrency", form.concurrency, concurrency, "", true)
      : null,
    edited("pauseAfterFailures")
      ? numberError("delivery.pause_after_failures", form.pauseAfterFailures, pause, "", true)
      : null,
  ];
  return checks.filter((e): e is FieldError => e !== null);
}

/** "5 s, 5 min, 30 min, 2 h" — for showing a schedule. */
export function formatDelays(schedule: readonly number[]): string {
  return schedule
    .map((ms) => {
      if (ms % 3600000 === 0) return `${ms / 3600000} h`;
      if (ms % 60000 === 0) return `${ms / 60000} min`;
      return `${ms / 1000} s`;
    })
    .join(", ");
}
