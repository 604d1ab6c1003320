import type { AttemptResult } from "../bindings/AttemptResult";
import type { DeliveryState } from "../bindings/DeliveryState";
import { describe, expect, it } from "vitest";
import { formatDueIn, formatDuration, formatLocalTime, formatTimeAgo, outcomeText } from "./format";

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });

describe("formatTimeAgo", () => {
  it("says just now for the last 45 seconds", () => {
    expect(formatTimeAgo(at(0), NOW)).toBe("just now");
    expect(formatTimeAgo(at(-44_000), NOW)).toBe("just now");
  });

  it("never puts a time in the future, however far the clock lags behind it", () => {
    // A row recorded after the clock was last read: 12 s, a minute, an hour ahead of it.
    for (const ahead of [1, 12_000, 61_000, 3_600_000]) {
      const text = formatTimeAgo(at(ahead), NOW);
      expect(text).toBe("just now");
      expect(text).not.toMatch(/^in /);
    }
  });

  it("counts minutes, hours and days back", () => {
    expect(formatTimeAgo(at(-5 * 60_000), NOW)).toBe(relative.format(-5, "minute"));
    expect(formatTimeAgo(at(-5 * 60_000), NOW)).toMatch(/ago/);
    expect(formatTimeAgo(at(-90_000), NOW)).toBe(relative.format(-2, "minute"));
    expect(formatTimeAgo(at(-3 * 3_600_000), NOW)).toBe(relative.format(-3, "hour"));
    expect(formatTimeAgo(at(-26 * 3_600_000), NOW)).toBe(relative.format(-1, "day"));
  });

  it("gives the date itself past a month, and the text as it was when it is not a date", () => {
    const old = at(-45 * 24 * 3_600_000);
    expect(formatTimeAgo(old, NOW)).toBe(formatLocalTime(old));
    expect(formatTimeAgo("not a date", NOW)).toBe("not a date");
  });
});

describe("formatDuration", () => {
  it("reads in ms, s and min", () => {
    expect(formatDuration(87)).toBe("87 ms");
    expect(formatDuration(1234)).toBe("1.2 s");
    expect(formatDuration(30_000)).toBe("30 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
  });
});

describe("outcomeText and formatDueIn", () => {
  const a = (
    result: AttemptResult,
    attempt: number,
    delivery_state: DeliveryState,
    delivery_attempts: number,
  ) => ({
    result,
    attempt,
    delivery_state,
    delivery_attempts,
  });

  it("says how the delivery ended where the attempt's badge does not", () => {
    expect(outcomeText(a("failed", 1, "succeeded", 2))).toBe("succeeded after 2 attempts");
    expect(outcomeText(a("success", 2, "succeeded", 2))).toBe("after 2 attempts");
    expect(outcomeText(a("success", 1, "succeeded", 1))).toBeNull();
    expect(outcomeText(a("failed", 3, "failed", 3))).toBe("delivery failed");
    expect(outcomeText(a("failed", 1, "failed", 3))).toBe("failed after 3 attempts");
    expect(outcomeText(a("failed", 1, "pending", 2))).toBe("retrying");
    expect(outcomeText(a("retrying", 2, "pending", 2))).toBeNull();
  });

  it("counts down to a retry, and never into the past", () => {
    expect(formatDueIn(at(25_000), NOW)).toBe("in 25 s");
    expect(formatDueIn(at(4 * 60_000), NOW)).toBe("in 4 min");
    expect(formatDueIn(at(-5_000), NOW)).toBe("now");
  });
});
