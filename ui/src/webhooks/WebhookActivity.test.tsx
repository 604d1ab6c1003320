import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { backend, makeAttempt, makeWebhook, summaryOf } from "../test/fakeBackend";
import { lastOf } from "../test/lastOf";
import { sendNotice, sendOpenLogs } from "../test/notices";
import { renderApp } from "../test/renderApp";

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

describe("the last delivery and paused webhooks in the list", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows each webhook's last delivery, and updates the one row when an attempt is recorded", async () => {
    const [orders, users] = backend.seed(
      makeWebhook({ name: "Orders" }),
      makeWebhook({ name: "Users" }),
    );
    const last = makeAttempt({
      webhook_id: orders!.id,
      result: "failed",
      status_code: 503,
      executed_at: minutesAgo(5),
    });
    backend.activity[orders!.id] = { last_attempt: summaryOf(last), queued: 2 };
    await renderApp();

    const row = await screen.findByRole("row", { name: /Orders/ });
    const cell = await within(row).findByText("FAILED");
    const lastDelivery = cell.closest(".last-delivery")!;
    expect(lastDelivery).toHaveAttribute("title", `${last.executed_at} · HTTP 503`);
    expect(lastDelivery).toHaveTextContent(/5 min/);
    expect(lastDelivery).toHaveTextContent(/2 waiting/);
    expect(
      within(screen.getByRole("row", { name: /Users/ })).getByText("No deliveries yet"),
    ).toBeVisible();

    const calls = backend.callsOf("webhook_activity").length;
    const next = makeAttempt({ webhook_id: users!.id, executed_at: new Date().toISOString() });
    await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(next) });
    const usersRow = screen.getByRole("row", { name: /Users/ });
    expect(await within(usersRow).findByText("SUCCESS")).toBeVisible();
    expect(within(usersRow).getByText("just now")).toBeVisible();
    // Orders' row is as it was, and nothing was asked of the engine.
    expect(within(screen.getByRole("row", { name: /Orders/ })).getByText("FAILED")).toBeVisible();
    expect(backend.callsOf("webhook_activity")).toHaveLength(calls);
  });

  it("never shows a fresh attempt in the future, and measures it from when its notice came", async () => {
    const start = Date.UTC(2026, 10, 24, 12, 0, 0);
    // Only the date is faked: the list's clock reads it once at start and then goes stale.
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    const [users] = backend.seed(makeWebhook({ name: "Users" }));
    await renderApp();
    const row = () => screen.getByRole("row", { name: /Users/ });
    expect(within(row()).getByText("No deliveries yet")).toBeVisible();

    // 50 s later an attempt runs: the clock was read before it.
    vi.setSystemTime(start + 50_000);
    const fresh = makeAttempt({ webhook_id: users!.id, executed_at: new Date().toISOString() });
    await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(fresh) });
    expect(await within(row()).findByText("just now")).toBeVisible();
    expect(row()).not.toHaveTextContent(/\bin \d/);

    // Its notice comes late: it is two minutes old by then, not "just now".
    vi.setSystemTime(start + 170_000);
    const late = makeAttempt({
      webhook_id: users!.id,
      executed_at: new Date(start + 50_000).toISOString(),
    });
    await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(late) });
    const twoMinutes = new Intl.RelativeTimeFormat(undefined, {
      numeric: "auto",
      style: "short",
    }).format(-2, "minute");
    expect(await within(row()).findByText(twoMinutes)).toBeVisible();
  });

  it("updates a paused webhook's held count when accepted events queue more", async () => {
    const [stuck] = backend.seed(
      makeWebhook({ name: "Stuck", status: "paused", status_reason: "10 deliveries failed." }),
    );
    backend.activity[stuck!.id] = { last_attempt: null, queued: 1 };
    await renderApp();
    const row = await screen.findByRole("row", { name: /Stuck/ });
    expect(await within(row).findByText(/1 held/)).toBeVisible();

    const calls = backend.callsOf("webhook_activity").length;
    backend.activity[stuck!.id] = { last_attempt: null, queued: 3 };
    await sendNotice({ kind: "queue_changed", webhook_id: stuck!.id, queued: 3 });
    expect(await within(row).findByText(/3 held/)).toBeVisible();
    // The notice said how many: nothing was asked again.
    expect(backend.callsOf("webhook_activity")).toHaveLength(calls);
  });

  it("resumes a paused webhook from its row", async () => {
    const [stuck] = backend.seed(
      makeWebhook({ name: "Stuck", status: "paused", status_reason: "10 deliveries failed." }),
    );
    const { user } = await renderApp();
    const row = screen.getByRole("row", { name: /Stuck/ });
    expect(within(row).getByText("10 deliveries failed.")).toBeVisible();
    await user.click(within(row).getByRole("button", { name: "Resume Stuck" }));
    await waitFor(() =>
      expect(backend.callsOf("set_webhooks_active")).toEqual([{ ids: [stuck!.id], active: true }]),
    );
    await waitFor(() =>
      expect(within(screen.getByRole("row", { name: /Stuck/ })).getByText("Active")).toBeVisible(),
    );
    expect(screen.queryByRole("button", { name: "Resume Stuck" })).not.toBeInTheDocument();
  });

  it("resumes from the panel, which shows why it was paused", async () => {
    const [stuck] = backend.seed(
      makeWebhook({ name: "Stuck", status: "paused", status_reason: "10 deliveries failed." }),
    );
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Edit Stuck" }));
    const drawer = await screen.findByRole("dialog", { name: "Stuck" });
    expect(within(drawer).getByText(/10 deliveries failed\. New events are held/)).toBeVisible();
    expect(within(drawer).getByRole("switch", { name: "Active" })).toHaveAttribute(
      "aria-checked",
      "false",
    );
    await user.click(within(drawer).getByRole("button", { name: "Resume Stuck" }));
    await waitFor(() =>
      expect(backend.callsOf("set_webhooks_active")).toEqual([{ ids: [stuck!.id], active: true }]),
    );
    await waitFor(() =>
      expect(within(drawer).getByRole("switch", { name: "Active" })).toHaveAttribute(
        "aria-checked",
        "true",
      ),
    );
    // Resuming is not an unsaved change.
    expect(within(drawer).getByRole("button", { name: "Save" })).toBeDisabled();
    expect(within(drawer).queryByRole("button", { name: "Resume Stuck" })).toBeNull();
  });

  it("puts the pause reason beside its badge, not under it, and names Resume once", async () => {
    const reason = "Paused after 5 consecutive failed deliveries (the last: HTTP 503).";
    backend.seed(makeWebhook({ name: "Stuck", status: "paused", status_reason: reason }));
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Edit Stuck" }));
    const drawer = await screen.findByRole("dialog", { name: "Stuck" });
    const sentence = within(drawer).getByText(
      `${reason} New events are held in its queue; Resume releases them in order.`,
    );
    const note = sentence.parentElement!;
    const badge = within(note).getByText("Paused after failures");
    // Two boxes side by side: the badge is not inside the text that wraps.
    expect(sentence).not.toContainElement(badge);
    expect(note.textContent!.match(/Resume/g)).toHaveLength(1);
  });

  it("says so when a webhook is paused, naming it and the reason", async () => {
    const [orders] = backend.seed(makeWebhook({ name: "Orders" }));
    const { user } = await renderApp();
    Object.assign(backend.webhooks[0]!, {
      status: "paused",
      active: false,
      status_reason: "Paused after 10 failed deliveries in a row.",
    });
    await sendNotice({
      kind: "webhook_paused",
      webhook_id: orders!.id,
      code: "orders",
      reason: "Paused after 10 failed deliveries in a row.",
    });
    await sendNotice({ kind: "webhook_changed", webhook: structuredClone(backend.webhooks[0]!) });
    const toast = await screen.findByText(
      "Webhook “Orders” was paused: Paused after 10 failed deliveries in a row.",
    );
    expect(toast).toBeVisible();
    await user.click(screen.getByRole("button", { name: "Resume" }));
    await waitFor(() =>
      expect(backend.callsOf("set_webhooks_active")).toEqual([{ ids: [orders!.id], active: true }]),
    );
  });
});

describe("a click on a desktop notification", () => {
  it("brings up the webhook's Logs, from whatever page is shown", async () => {
    const [orders] = backend.seed(
      makeWebhook({ name: "Orders" }),
      makeWebhook({ name: "Billing" }),
    );
    backend.log(makeAttempt({ webhook_id: orders!.id, result: "failed", status_code: 503 }));
    const { user } = await renderApp();
    await screen.findByRole("row", { name: /Orders/ });
    await user.click(screen.getByRole("button", { name: "Settings" }));
    await sendOpenLogs(orders!.id);
    const drawer = await screen.findByRole("dialog", { name: /Orders/ });
    expect(within(drawer).getByRole("tab", { name: "Logs" })).toHaveAttribute(
      "aria-selected",
      "true",
    );
    expect(await within(drawer).findByText("503")).toBeVisible();
    // The Webhooks page is the one shown again.
    expect(screen.getByRole("row", { name: /Billing/ })).toBeVisible();
  });
});

describe("what a Test and a 410 do to the list", () => {
  it("keeps the last delivery of the real ones when a Test fails", async () => {
    const [orders] = backend.seed(makeWebhook({ name: "Orders" }));
    const real = makeAttempt({ webhook_id: orders!.id, executed_at: minutesAgo(2) });
    backend.activity[orders!.id] = { last_attempt: summaryOf(real), queued: 0 };
    await renderApp();
    const row = await screen.findByRole("row", { name: /Orders/ });
    await within(row).findByText("SUCCESS");
    const test = makeAttempt({
      webhook_id: orders!.id,
      result: "failed",
      test: true,
      kind: "test",
      error_kind: "blocked",
      executed_at: new Date().toISOString(),
    });
    await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(test) });
    await sendNotice({ kind: "catalog_changed", event_types: structuredClone(backend.catalog) });
    expect(within(row).getByText("SUCCESS")).toBeVisible();
    expect(within(row).queryByText("FAILED")).not.toBeInTheDocument();
  });

  it("says so when a 410 disables a webhook, keeps it in view until hidden, and offers Activate", async () => {
    const [gone] = backend.seed(makeWebhook({ name: "Gone" }));
    const { user } = await renderApp();
    await screen.findByRole("row", { name: /Gone/ });
    const reason =
      "The endpoint answered 410 Gone on 2026-12-02T10:00:00Z; Hookdesk deactivated this webhook.";
    Object.assign(backend.webhooks[0]!, {
      status: "disabled",
      active: false,
      status_reason: reason,
    });
    await sendNotice({ kind: "webhook_disabled", webhook_id: gone!.id, code: "gone", reason });
    await sendNotice({ kind: "webhook_changed", webhook: structuredClone(backend.webhooks[0]!) });
    expect(await screen.findByText(`Webhook “Gone” was deactivated: ${reason}`)).toBeVisible();
    const row = await screen.findByRole("row", { name: /Gone/ });
    await waitFor(() => expect(within(row).getByText("Disabled")).toBeVisible());
    expect(within(row).getByRole("button", { name: "Activate Gone" })).toBeVisible();

    await user.click(within(row).getByRole("button", { name: "Hide Gone" }));
    expect(screen.queryByRole("row", { name: /Gone/ })).not.toBeInTheDocument();
  });

  it("activates a webhook a 410 disabled from the toast", async () => {
    const [gone] = backend.seed(makeWebhook({ name: "Gone" }));
    const { user } = await renderApp();
    await screen.findByRole("row", { name: /Gone/ });
    Object.assign(backend.webhooks[0]!, {
      status: "disabled",
      active: false,
      status_reason: "410",
    });
    await sendNotice({
      kind: "webhook_disabled",
      webhook_id: gone!.id,
      code: "gone",
      reason: "410",
    });
    await sendNotice({ kind: "webhook_changed", webhook: structuredClone(backend.webhooks[0]!) });
    await user.click(await screen.findByRole("button", { name: "Activate" }));
    await waitFor(() =>
      expect(backend.callsOf("set_webhooks_active")).toEqual([{ ids: [gone!.id], active: true }]),
    );
  });
});

describe("the Deliveries page", () => {
  it("lists every delivery, says where each went, and narrows to the direct ones", async () => {
    const [orders] = backend.seed(makeWebhook({ name: "Orders" }));
    const direct = makeAttempt({
      webhook_id: null,
      kind: "direct",
      event_type: "user.created",
      url: "https://partner.example/in",
    });
    backend.log(direct, makeAttempt({ webhook_id: orders!.id, webhook_code: orders!.code }));
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Deliveries" }));
    expect(await screen.findByRole("heading", { name: "Deliveries", level: 1 })).toBeVisible();
    const all = await screen.findByRole("table", { name: "All deliveries" });
    await waitFor(() => expect(within(all).getAllByTestId("log-row")).toHaveLength(2));
    expect(lastOf(backend.callsOf("list_logs"))!.scope).toEqual({ kind: "all" });
    expect(
      within(all)
        .getAllByRole("columnheader")
        .map((h) => h.textContent),
    ).toContain("Sent to");
    expect(within(all).getByText(orders!.code)).toBeVisible();
    expect(within(all).getByText("https://partner.example/in")).toBeVisible();

    await user.selectOptions(screen.getByLabelText("Webhook"), "Direct deliveries");
    const table = await screen.findByRole("table", { name: "Direct deliveries" });
    await waitFor(() => expect(within(table).getAllByTestId("log-row")).toHaveLength(1));
    expect(lastOf(backend.callsOf("list_logs"))!.scope).toEqual({ kind: "direct" });
    await user.click(within(table).getByRole("button", { name: "Logs" }));
    const detail = await screen.findByTestId("attempt-detail");
    await within(detail).findByText(direct.event_id);
    for (const action of ["Copy payload", "Copy as cURL", "Resend"])
      expect(within(detail).getByRole("button", { name: action })).toBeVisible();
  });

  it("narrows by status and event id, and says when a status is not one", async () => {
    const [orders] = backend.seed(makeWebhook({ name: "Orders" }));
    const refused = makeAttempt({ webhook_id: orders!.id, result: "failed", status_code: 422 });
    backend.log(refused, makeAttempt({ webhook_id: orders!.id }));
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Deliveries" }));
    await waitFor(() => expect(screen.getAllByTestId("log-row")).toHaveLength(2));

    const status = screen.getByLabelText("Status");
    await user.type(status, "42");
    expect(
      await screen.findByText("Write an HTTP status between 100 and 599, e.g. 503."),
    ).toBeVisible();
    expect(status).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText("Fix the status to see attempts.")).toBeVisible();
    await user.type(status, "2");
    await waitFor(() =>
      expect(lastOf(backend.callsOf("list_logs"))!.filter).toEqual({ status_code: 422 }),
    );
    await waitFor(() => expect(screen.getAllByTestId("log-row")).toHaveLength(1));

    await user.clear(status);
    await user.type(screen.getByLabelText("Event id"), `  ${refused.event_id}`);
    await waitFor(() =>
      expect(lastOf(backend.callsOf("list_logs"))!.filter).toEqual({ event_id: refused.event_id }),
    );
  });
});
