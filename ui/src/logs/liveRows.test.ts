import { describe, expect, it } from "vitest";
import { makeAttempt, summaryOf } from "../test/fakeBackend";
import { mergeLive } from "./liveRows";

const row = (partial: Parameters<typeof makeAttempt>[0] = {}) => summaryOf(makeAttempt(partial));

describe("mergeLive", () => {
  it("puts new attempts on top, newest first, once each", () => {
    const old = row();
    const a = row();
    const b = row();
    const merged = mergeLive([old], [b, a, b], [b, a, b], false);
    expect(merged.rows.map((r) => r.id)).toEqual([b.id, a.id, old.id]);
    expect(merged.added).toBe(2);
    expect(mergeLive(merged.rows, [a], [a], false).added).toBe(0);
  });

  it("settles an earlier RETRYING attempt of the same delivery as FAILED", () => {
    const first = row({ result: "retrying", attempt: 1 });
    const other = row({ result: "retrying", attempt: 1 });
    const second = row({ delivery_id: first.delivery_id, attempt: 2, result: "success" });
    const merged = mergeLive([other, first], [second], [second], false);
    expect(merged.rows.map((r) => [r.id, r.result])).toEqual([
      [second.id, "success"],
      [other.id, "retrying"],
      [first.id, "failed"],
    ]);
  });

  it("tells an earlier failed attempt that its delivery then succeeded", () => {
    const first = row({
      result: "retrying",
      attempt: 1,
      delivery_state: "pending",
      delivery_attempts: 1,
    });
    const second = row({
      delivery_id: first.delivery_id,
      attempt: 2,
      result: "success",
      delivery_state: "succeeded",
      delivery_attempts: 2,
    });
    const [, settled] = mergeLive([first], [second], [second], false).rows;
    expect(settled).toMatchObject({
      id: first.id,
      result: "failed",
      delivery_state: "succeeded",
      delivery_attempts: 2,
      next_attempt_at: null,
    });
  });

  it("drops a settled row under a RETRYING filter, even when the new attempt is not shown", () => {
    const first = row({ result: "retrying", attempt: 1 });
    const second = row({ delivery_id: first.delivery_id, attempt: 2, result: "success" });
    const merged = mergeLive([first], [], [second], true);
    expect(merged.rows).toEqual([]);
    expect(merged.removed).toBe(1);
  });
});
