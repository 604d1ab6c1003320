import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { RecoverWindow } from "../bindings/RecoverWindow";
import { backend, makeWebhook } from "../test/fakeBackend";
import { lastOf } from "../test/lastOf";
import { sendNotice } from "../test/notices";
import { openWebhookLogs } from "../test/openLogs";
import { renderApp } from "../test/renderApp";
import { localDateText } from "./RecoverDialog";

async function openRecover() {
  const app = await openWebhookLogs("Orders");
  await app.user.click(within(app.drawer).getByRole("button", { name: "Recover…" }));
  const dialog = await screen.findByRole("dialog", { name: "Recover failed deliveries of Orders" });
  return { ...app, dialog };
}

describe("Recover", () => {
  it("asks for the count of the window before anything starts, then recovers exactly it", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    backend.recoverableCount = 12;
    const { user, dialog } = await openRecover();

    // A day back by default, counted at once.
    await within(dialog).findByText(
      /12 events whose latest delivery failed will be delivered again/,
    );
    const since = within(dialog).getByRole("textbox", { name: "Since" });
    expect(since).toHaveValue(localDateText(new Date(Date.now() - 24 * 3600 * 1000)));
    expect(backend.callsOf("recover")).toEqual([]);

    await user.clear(since);
    await user.type(since, "2026-11-30 08:00");
    await waitFor(() =>
      expect((lastOf(backend.callsOf("recoverable"))?.window as RecoverWindow).since).toBe(
        new Date(2026, 10, 30, 8, 0).toISOString(),
      ),
    );
    await user.click(within(dialog).getByRole("button", { name: "Recover 12 deliveries" }));

    const running = await screen.findByRole("dialog", { name: "Recovering Orders" });
    expect(backend.callsOf("recover")).toEqual([
      { webhookId: hook!.id, window: { since: new Date(2026, 10, 30, 8, 0).toISOString() } },
    ]);
    expect(within(running).getByRole("status")).toHaveTextContent("0 of 12 deliveries delivered");

    // As deliveries end, the queue's notices move the progress on.
    backend.recoverState = { succeeded: 4, failed: 1, waiting: 7 };
    await sendNotice({ kind: "queue_changed", webhook_id: hook!.id, queued: 7 });
    await waitFor(() =>
      expect(within(running).getByRole("status")).toHaveTextContent(
        "5 of 12 deliveries delivered · 4 succeeded, 1 failed",
      ),
    );
    expect(
      within(running).getByRole("progressbar", { name: "Recovered deliveries" }),
    ).toHaveAttribute("value", "5");
    backend.recoverState = { succeeded: 11, failed: 1, waiting: 0 };
    await sendNotice({ kind: "queue_changed", webhook_id: hook!.id, queued: 0 });
    await within(running).findByText("Recovered: every delivery has ended.");
    expect(within(running).queryByRole("button", { name: "Cancel recover" })).toBeNull();
    await user.click(within(running).getByRole("button", { name: "Done" }));
    expect(screen.queryByRole("dialog", { name: "Recovering Orders" })).toBeNull();
  });

  it("cancels what has not started, and says the events stay failed", async () => {
    backend.seed(makeWebhook({ name: "Orders" }));
    backend.recoverableCount = 3;
    const { user, dialog } = await openRecover();
    await user.click(await within(dialog).findByRole("button", { name: "Recover 3 deliveries" }));
    const running = await screen.findByRole("dialog", { name: "Recovering Orders" });
    await user.click(within(running).getByRole("button", { name: "Cancel recover" }));
    await within(running).findByText(
      /Cancelled: 3 deliveries not started yet were taken back\. Their events stay failed/,
    );
    expect(backend.callsOf("cancel_recover")).toHaveLength(1);
  });

  it("names the field the engine refuses, and offers nothing to start with nothing to recover", async () => {
    backend.seed(makeWebhook({ name: "Orders" }));
    backend.recoverableCount = 0;
    const { user, dialog } = await openRecover();
    await within(dialog).findByText("No event failed in this window: there is nothing to recover.");
    expect(within(dialog).getByRole("button", { name: "Recover" })).toBeDisabled();

    const until = within(dialog).getByRole("textbox", { name: "Until" });
    await user.type(until, "2020-01-01 00:00");
    await within(dialog).findByText("until must be after since.");
    expect(until).toHaveAttribute("aria-invalid", "true");
    await user.clear(until);
    await user.type(until, "tomorrow");
    expect(within(dialog).queryByText(/Write it as YYYY-MM-DD HH:MM/)).toBeNull();
    await user.tab();
    await within(dialog).findByText(/Write it as YYYY-MM-DD HH:MM/);
    expect(within(dialog).getByRole("button", { name: "Recover" })).toBeDisabled();
  });

  it("is not offered on a deactivated webhook", async () => {
    backend.seed(makeWebhook({ name: "Orders", status: "disabled" }));
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Show disabled webhooks" }));
    await user.click(await screen.findByRole("button", { name: "Edit Orders" }));
    const drawer = await screen.findByRole("dialog", { name: "Orders" });
    await user.click(within(drawer).getByRole("tab", { name: "Logs" }));
    expect(await within(drawer).findByRole("button", { name: "Recover…" })).toBeDisabled();
  });
});
