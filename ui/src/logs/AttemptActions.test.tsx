import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FeedbackProvider } from "../feedback/FeedbackProvider";
import { attemptSequence, isAttemptId, isDeliveryId } from "../ipc/ids";
import { makeAttempt } from "../test/fakeBackend";
import { renderWithProviders } from "../test/renderApp";
import { AttemptActions } from "./AttemptActions";
import { newestFirst } from "./liveRows";

describe("typed ids", () => {
  it("tells an attempt from a queued delivery, and orders attempts by their number", () => {
    expect(isAttemptId("att_12")).toBe(true);
    expect(isAttemptId("dlv_12")).toBe(false);
    expect(isDeliveryId("dlv_12")).toBe(true);
    expect(attemptSequence("att_1204")).toBe(1204);
    const older = makeAttempt({ id: "att_9", executed_at: "2026-11-24T10:00:00Z" });
    const newer = makeAttempt({ id: "att_10", executed_at: "2026-11-24T09:00:00Z" });
    expect([older, newer].sort(newestFirst).map((a) => a.id)).toEqual(["att_10", "att_9"]);
    // A delivery's number counts deliveries: its time says which is newer.
    const queued = {
      ...makeAttempt({ executed_at: "2026-11-24T11:00:00Z" }),
      id: "dlv_1" as const,
    };
    expect([older, queued].sort(newestFirst).map((a) => a.id)).toEqual(["dlv_1", "att_9"]);
  });
});

describe("the attempt actions", () => {
  it("offers Copy as cURL for an attempt made, not for a queued delivery", () => {
    const made = makeAttempt();
    const { unmount } = renderWithProviders(
      <FeedbackProvider>
        <AttemptActions attempt={made} />
      </FeedbackProvider>,
    );
    expect(screen.getByRole("button", { name: "Copy as cURL" })).toBeVisible();
    unmount();

    const queued = { ...makeAttempt(), id: "dlv_7" as const, delivery_id: "dlv_7" as const };
    renderWithProviders(
      <FeedbackProvider>
        <AttemptActions attempt={queued} />
      </FeedbackProvider>,
    );
    expect(screen.getByRole("button", { name: "Copy payload" })).toBeVisible();
    expect(screen.queryByRole("button", { name: "Copy as cURL" })).not.toBeInTheDocument();
    expect(screen.queryByRole("checkbox", { name: "Include secrets" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Resend" })).toBeVisible();
  });
});
