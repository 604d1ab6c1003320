import { describe, expect, it } from "vitest";
import {
  DEFAULT_DELIVERY,
  deliveryErrors,
  deliveryFormFrom,
  deliverySettingsFrom,
  EXPONENTIAL_PRESET_MS,
} from "./deliveryForm";

describe("delivery settings in the form", () => {
  const fromApi = {
    ...DEFAULT_DELIVERY,
    timeout_ms: 1500,
    retry: { kind: "fixed" as const, delay_ms: 250 },
  };

  it("keeps millisecond values set through the API when their field is untouched", () => {
    const form = deliveryFormFrom(fromApi);
    expect(form.timeoutSeconds).toBe("1.5");
    expect(deliverySettingsFrom({ ...form, attempts: "5" }, fromApi)).toMatchObject({
      timeout_ms: 1500,
      attempts: 5,
      retry: { kind: "fixed", delay_ms: 250 },
    });
  });

  it("converts an edited field from seconds", () => {
    const form = { ...deliveryFormFrom(fromApi), timeoutSeconds: "10" };
    expect(deliverySettingsFrom(form, fromApi).timeout_ms).toBe(10000);
  });

  it("uses the exponential preset when switching from a fixed delay", () => {
    const form = { ...deliveryFormFrom(DEFAULT_DELIVERY), retryKind: "exponential" as const };
    expect(deliverySettingsFrom(form, DEFAULT_DELIVERY).retry).toEqual({
      kind: "exponential",
      schedule_ms: EXPONENTIAL_PRESET_MS,
    });
  });

  it("reports edited values out of the panel's range in seconds", () => {
    const form = { ...deliveryFormFrom(DEFAULT_DELIVERY), timeoutSeconds: "90", attempts: "0" };
    expect(deliveryErrors(form, DEFAULT_DELIVERY)).toEqual([
      { field: "delivery.timeout_ms", message: "Enter a number from 1 to 60 seconds." },
      { field: "delivery.attempts", message: "Enter a whole number from 1 to 20." },
    ]);
    // …while the request sent for checking stays well-formed.
    expect(deliverySettingsFrom({ ...form, attempts: "" }, DEFAULT_DELIVERY).attempts).toBe(3);
  });
});
