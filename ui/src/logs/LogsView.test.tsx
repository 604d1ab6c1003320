import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { LogFilter } from "../bindings/LogFilter";
import { backend, makeAttempt, makeWebhook, summaryOf } from "../test/fakeBackend";
import { lastOf } from "../test/lastOf";
import { sendNotice } from "../test/notices";
import { openWebhookLogs, viewportOf } from "../test/openLogs";
import { renderApp } from "../test/renderApp";

const rows = () => screen.queryAllByTestId("log-row");
const listFilters = () => backend.callsOf("list_logs").map((c) => c.filter as LogFilter);

describe("the Logs tab", () => {
  it("is offered only once the webhook is saved", async () => {
    const { user } = await renderApp();
    await user.click(screen.getAllByRole("button", { name: "Create webhook" })[0]!);
    const drawer = await screen.findByRole("dialog", { name: "New webhook" });
    const tab = within(drawer).getByRole("tab", { name: "Logs" });
    expect(tab).toHaveAttribute("aria-disabled", "true");
    await user.click(tab);
    expect(tab).toHaveAttribute("aria-selected", "false");
    expect(backend.callsOf("list_logs")).toEqual([]);
  });

  it("shows one row per attempt, newest first, with the spec's columns and the test badge", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    backend.log(
      makeAttempt({
        webhook_id: hook!.id,
        result: "failed",
        status_code: null,
        error_kind: "timeout",
        error: "timed out after 30 s",
        attempt: 2,
        attempts: 3,
        duration_ms: 30000,
        event_type: "task.updated",
        executed_at: "2026-11-24T09:00:00.000Z",
      }),
      makeAttempt({ webhook_id: hook!.id, test: true, kind: "test", duration_ms: 87 }),
      makeAttempt({ webhook_id: null, event_type: "user.created" }), // not this webhook's
    );
    const { table } = await openWebhookLogs("Orders");

    const headers = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toEqual([
      "Result",
      "Execution date",
      "Event type",
      "Status",
      "Duration",
      "Attempt",
      "Details",
    ]);
    await waitFor(() => expect(rows()).toHaveLength(2));
    const [newest, older] = rows();
    expect(newest).toHaveAttribute("data-result", "success");
    expect(within(newest!).getByText("SUCCESS")).toBeVisible();
    expect(within(newest!).getByText("test")).toBeVisible();
    expect(within(newest!).getByText("200")).toBeVisible();
    expect(within(newest!).getByText("87 ms")).toBeVisible();
    expect(within(newest!).getByRole("button", { name: "Logs" })).toBeVisible();

    expect(older).toHaveAttribute("data-result", "failed");
    expect(within(older!).getByText("FAILED")).toBeVisible();
    expect(within(older!).queryByText("test")).not.toBeInTheDocument();
    expect(within(older!).getByText("timeout")).toBeVisible();
    expect(within(older!).getByText("task.updated")).toBeVisible();
    expect(within(older!).getByText("2/3")).toBeVisible();
    expect(within(older!).getByText("30 s")).toBeVisible();
    const time = older!.querySelector("time")!;
    expect(time).toHaveAttribute("title", "2026-11-24T09:00:00.000Z");
    expect(time.textContent).toBe(
      new Date("2026-11-24T09:00:00.000Z").toLocaleString(undefined, {
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      }),
    );
    expect(screen.getByText("2 attempts")).toBeVisible();
    expect(backend.callsOf("list_logs")[0]).toMatchObject({
      scope: { kind: "webhook", id: hook!.id },
    });
  });

  it("sends the chosen filters to the engine", async () => {
    const [hook] = backend.seed(
      makeWebhook({ name: "Orders", events: ["task.created", "task.updated"] }),
    );
    backend.log(makeAttempt({ webhook_id: hook!.id }));
    const { user, drawer } = await openWebhookLogs("Orders");
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(listFilters()).toEqual([{}]);

    await user.selectOptions(within(drawer).getByLabelText("Result"), "failed");
    await waitFor(() => expect(lastOf(listFilters())).toEqual({ result: "failed" }));
    expect(await within(drawer).findByText("No attempt matches these filters.")).toBeVisible();

    const type = within(drawer).getByLabelText("Event type");
    // The webhook's triggers come first.
    expect(
      within(type)
        .getAllByRole("option")
        .slice(1, 3)
        .map((o) => (o as HTMLOptionElement).value),
    ).toEqual(["task.created", "task.updated"]);
    await user.selectOptions(type, "task.updated");
    await waitFor(() =>
      expect(lastOf(listFilters())).toEqual({ result: "failed", event_type: "task.updated" }),
    );

    fireEvent.change(within(drawer).getByLabelText("From"), {
      target: { value: "2026-11-24T09:00" },
    });
    fireEvent.change(within(drawer).getByLabelText("To"), {
      target: { value: "2026-11-24T10:30" },
    });
    await waitFor(() =>
      expect(lastOf(listFilters())).toMatchObject({
        from_ms: new Date("2026-11-24T09:00").getTime(),
        // The whole minute chosen is included.
        to_ms: new Date("2026-11-24T10:31").getTime(),
      }),
    );

    const calls = backend.callsOf("list_logs").length;
    await user.type(within(drawer).getByLabelText("Search payloads"), "purchase_orders");
    await waitFor(() => expect(lastOf(listFilters())).toMatchObject({ search: "purchase_orders" }));
    // Debounced: one query for the whole word, not one per key.
    expect(backend.callsOf("list_logs").length).toBe(calls + 1);
    expect(lastOf(backend.callsOf("count_logs"))!.filter).toMatchObject({
      search: "purchase_orders",
      result: "failed",
    });

    await user.click(within(drawer).getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(lastOf(listFilters())).toEqual({}));
  });

  it("exports what the view shows, with its filters, in the format chosen, and says where", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    backend.log(
      makeAttempt({ webhook_id: hook!.id, result: "failed", status_code: 503 }),
      makeAttempt({ webhook_id: hook!.id }),
    );
    const { user, drawer } = await openWebhookLogs("Orders");
    await waitFor(() => expect(rows()).toHaveLength(2));
    await user.selectOptions(within(drawer).getByLabelText("Result"), "failed");
    await waitFor(() => expect(rows()).toHaveLength(1));

    const button = within(drawer).getByRole("button", { name: "Export…" });
    await user.click(button);
    const menu = within(drawer).getByRole("menu", { name: "Export logs" });
    expect(
      within(menu)
        .getAllByRole("menuitem")
        .map((i) => i.textContent),
    ).toEqual([
      "NDJSONan attempt a line, in full",
      "CSVfor spreadsheets",
      "HARfor browser and proxy tools",
    ]);
    // Keyboard: the first item has focus; ArrowDown moves to CSV.
    await user.keyboard("{ArrowDown}{Enter}");
    expect(lastOf(backend.callsOf("export_logs"))).toEqual({
      scope: { kind: "webhook", id: hook!.id },
      filter: { result: "failed" },
      format: "csv",
    });
    expect(
      await screen.findByText("Exported 1 attempt to /home/ana/hookdesk-logs.ndjson"),
    ).toBeVisible();
    expect(button).toHaveFocus();

    // A cancelled save dialog says nothing.
    backend.exportLogsPath = null;
    await user.click(button);
    await user.click(within(drawer).getByRole("menuitem", { name: /HAR/ }));
    await waitFor(() => expect(backend.callsOf("export_logs")).toHaveLength(2));
    expect(screen.getAllByText(/^Exported /)).toHaveLength(1);
  });

  it("exports and resends the rows picked, each delivery once, and all that match after a count", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    backend.log(
      makeAttempt({
        webhook_id: hook!.id,
        delivery_id: "dlv_7",
        attempt: 1,
        result: "failed",
        status_code: 503,
      }),
      makeAttempt({
        webhook_id: hook!.id,
        delivery_id: "dlv_7",
        attempt: 2,
        result: "failed",
        status_code: 503,
      }),
      makeAttempt({ webhook_id: hook!.id, delivery_id: "dlv_8" }),
      makeAttempt({ webhook_id: hook!.id, delivery_id: "dlv_9", test: true, kind: "test" }),
    );
    const { user, drawer } = await openWebhookLogs("Orders");
    await waitFor(() => expect(rows()).toHaveLength(4));
    const pick = (row: HTMLElement) => user.click(within(row).getByRole("checkbox"));
    // Newest first: the Test, dlv_8, then dlv_7's two attempts.
    const [, , second, third] = rows();
    await pick(second!);
    await pick(third!);
    expect(within(drawer).getByText("2 selected")).toBeVisible();
    await user.click(within(drawer).getByRole("button", { name: "Export selected (HAR)" }));
    expect(lastOf(backend.callsOf("export_attempts"))).toEqual({
      attemptIds: [second!.dataset.attemptId, third!.dataset.attemptId],
      format: "har",
    });
    expect(
      await screen.findByText("Exported 2 attempts to /home/ana/hookdesk-logs.ndjson"),
    ).toBeVisible();
    await user.click(within(drawer).getByRole("button", { name: "Resend selected" }));
    // The two rows are two attempts of one delivery: it goes again once.
    expect(lastOf(backend.callsOf("resend_deliveries"))).toEqual({ deliveryIds: ["dlv_7"] });
    expect(await screen.findByText("Resent 1 delivery")).toBeVisible();
    expect(within(drawer).queryByText(/selected$/)).not.toBeInTheDocument();
    expect(within(second!).getByRole("checkbox")).not.toBeChecked();

    // All that match: dlv_7 and dlv_8 (the Test is left out).
    await user.click(within(drawer).getByRole("button", { name: "Resend all matching…" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Resend 2 deliveries?" });
    expect(backend.callsOf("resend_matching")).toEqual([]);
    await user.click(within(dialog).getByRole("button", { name: "Resend 2 deliveries" }));
    expect(lastOf(backend.callsOf("resend_matching"))).toEqual({
      scope: { kind: "webhook", id: hook!.id },
      filter: {},
    });
    expect(await screen.findByText("Resent 2 deliveries")).toBeVisible();
  });

  it("refuses a date range that ends before it starts, without asking the engine", async () => {
    backend.seed(makeWebhook({ name: "Orders" }));
    const { drawer } = await openWebhookLogs("Orders");
    await waitFor(() => expect(backend.callsOf("list_logs")).toHaveLength(1));
    fireEvent.change(within(drawer).getByLabelText("From"), {
      target: { value: "2026-11-25T09:00" },
    });
    fireEvent.change(within(drawer).getByLabelText("To"), {
      target: { value: "2026-11-24T09:00" },
    });
    expect(within(drawer).getAllByText("“From” must not be later than “To”.")[0]).toBeVisible();
    expect(within(drawer).getByLabelText("To")).toHaveAttribute("aria-invalid", "true");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listFilters().some((f) => f.from_ms !== undefined && f.to_ms !== undefined)).toBe(false);
  });

  it("offers the webhook's own triggers first, in their own group, then the rest of the catalog", async () => {
    backend.seed(makeWebhook({ name: "Orders", events: ["user.logout", "task.updated"] }));
    const { drawer } = await openWebhookLogs("Orders");
    const type = within(drawer).getByLabelText("Event type");
    const [own, others] = within(type).getAllByRole("group");
    expect(own).toHaveAttribute("label", "Its triggers");
    expect(
      within(own!)
        .getAllByRole("option")
        .map((o) => (o as HTMLOptionElement).value),
    ).toEqual(["user.logout", "task.updated"]);
    expect(others).toHaveAttribute("label", "Other event types");
    expect(
      within(others!).getByRole("option", { name: "Task created (task.created)" }),
    ).toBeInTheDocument();
    expect(within(others!).queryByRole("option", { name: /task\.updated/ })).toBeNull();
  });

  it("has date fields that look empty when empty, and takes a day alone as the whole day", async () => {
    backend.seed(makeWebhook({ name: "Orders" }));
    const { user, drawer } = await openWebhookLogs("Orders");
    await waitFor(() => expect(backend.callsOf("list_logs")).toHaveLength(1));
    const from = within(drawer).getByLabelText("From");
    const to = within(drawer).getByLabelText("To");
    // Text, not datetime-local (which WebKitGTK fills with today's date in grey).
    expect(from).toHaveAttribute("type", "text");
    expect(from).toHaveValue("");
    expect(from).toHaveAttribute("placeholder", "YYYY-MM-DD HH:MM");

    await user.type(to, "2026-11-24");
    await waitFor(() =>
      expect(lastOf(listFilters())).toEqual({ to_ms: new Date(2026, 10, 25).getTime() }),
    );

    // Half-typed is not an error; a date that is not one is, once the field is left.
    const calls = backend.callsOf("list_logs").length;
    await user.type(from, "2026-02-3");
    expect(from).not.toHaveAttribute("aria-invalid");
    await user.type(from, "1");
    await user.tab();
    expect(from).toHaveAttribute("aria-invalid", "true");
    expect(from).toHaveAccessibleDescription(/Write “From” as YYYY-MM-DD HH:MM/);
    expect(backend.callsOf("list_logs")).toHaveLength(calls);

    await user.clear(from);
    await user.type(from, "2026-11-24 09:30");
    await waitFor(() =>
      expect(lastOf(listFilters())).toEqual({
        from_ms: new Date(2026, 10, 24, 9, 30).getTime(),
        to_ms: new Date(2026, 10, 25).getTime(),
      }),
    );
    expect(from).not.toHaveAttribute("aria-invalid");
  });

  it("pages with `before` as it scrolls, never asking for a million rows, and renders only those in view", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Busy" }));
    backend.syntheticLogs = 1_000_000;
    const { table } = await openWebhookLogs("Busy");

    expect(await screen.findByText("1,000,000 attempts")).toBeVisible();
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    const first = backend.callsOf("list_logs");
    expect(first).toHaveLength(1);
    expect(first[0]).toEqual({
      scope: { kind: "webhook", id: hook!.id },
      filter: {},
      limit: 100,
    });
    // jsdom has no layout: the fallback viewport (480 px) shows ~15 rows, plus overscan.
    expect(rows().length).toBeLessThanOrEqual(40);
    expect(table).toHaveAttribute("aria-rowcount", "1000001");

    const viewport = viewportOf(table);
    viewport.scrollTop = 60 * 34;
    fireEvent.scroll(viewport);
    await waitFor(() => expect(backend.callsOf("list_logs")).toHaveLength(2));
    expect(backend.callsOf("list_logs")[1]).toEqual({
      scope: { kind: "webhook", id: hook!.id },
      filter: { before: "att_999901" },
      limit: 200,
    });
    await waitFor(() =>
      expect(rows().map((r) => r.dataset.attemptId)).toContain(`att_${1_000_000 - 60}`),
    );
    expect(rows().length).toBeLessThanOrEqual(40);
    // Rows far above the view are gone from the DOM.
    expect(rows().map((r) => r.dataset.attemptId)).not.toContain("att_1000000");

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(backend.callsOf("list_logs")).toHaveLength(2);
    expect(backend.callsOf("count_logs")).toHaveLength(1);
  });

  it("puts an attempt recorded while it is open on top, without asking for the list again", async () => {
    const [hook, other] = backend.seed(
      makeWebhook({ name: "Orders" }),
      makeWebhook({ name: "Users" }),
    );
    backend.log(makeAttempt({ webhook_id: hook!.id }));
    await openWebhookLogs("Orders");
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.getByText("1 attempt")).toBeVisible();

    const live = makeAttempt({
      webhook_id: hook!.id,
      result: "retrying",
      status_code: 503,
      attempt: 1,
      event_type: "task.deleted",
    });
    await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(live) });
    // Another webhook's attempt does not belong here.
    await sendNotice({
      kind: "attempt_recorded",
      attempt: summaryOf(makeAttempt({ webhook_id: other!.id })),
    });
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]).toHaveAttribute("data-attempt-id", live.id);
    expect(rows()[0]).toHaveAttribute("data-result", "retrying");
    expect(screen.getByText("2 attempts")).toBeVisible();

    // The next attempt of that delivery settles the first as FAILED.
    const retry = makeAttempt({
      webhook_id: hook!.id,
      delivery_id: live.delivery_id,
      attempt: 2,
      result: "success",
    });
    await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(retry) });
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(rows().map((r) => r.dataset.result)).toEqual(["success", "failed", "success"]);
    expect(backend.callsOf("list_logs")).toHaveLength(1);
    expect(backend.callsOf("count_logs")).toHaveLength(1);
  });

  it("keeps the rows on screen still while scrolled down, and offers the new ones at the top", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    const seeded = Array.from({ length: 80 }, () => makeAttempt({ webhook_id: hook!.id }));
    backend.log(...seeded);
    const newest = seeded[seeded.length - 1]!.id;
    const { table, user } = await openWebhookLogs("Orders");
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    const viewport = viewportOf(table);
    viewport.scrollTop = 20 * 34;
    fireEvent.scroll(viewport);
    await waitFor(() => expect(rows()[0]).not.toHaveAttribute("data-attempt-id", newest));
    const onScreen = () => rows().map((r) => [r.dataset.attemptId, r.style.transform]);
    const before = onScreen();

    const live = [0, 1, 2].map(() => makeAttempt({ webhook_id: hook!.id }));
    for (const attempt of live) {
      backend.log(attempt);
      await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(attempt) });
    }
    const button = await within(table).findByRole("button", { name: "Show 3 new attempts" });
    expect(button).toHaveTextContent(/^3 new$/);
    // Nothing moved: the same rows at the same places, the scroll where it was.
    expect(onScreen()).toEqual(before);
    expect(viewport.scrollTop).toBe(20 * 34);
    expect(screen.getByText("83 attempts")).toBeVisible();

    await user.click(button);
    expect(viewport.scrollTop).toBe(0);
    await waitFor(() =>
      expect(
        rows()
          .slice(0, 4)
          .map((r) => r.dataset.attemptId),
      ).toEqual([...live.map((a) => a.id).reverse(), newest]),
    );
    expect(within(table).queryByRole("button", { name: /new attempt/ })).not.toBeInTheDocument();
    // Back at the top, the next one appears at once.
    const next = makeAttempt({ webhook_id: hook!.id });
    await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(next) });
    await waitFor(() => expect(rows()[0]).toHaveAttribute("data-attempt-id", next.id));
  });

  it("pauses live updates: new attempts are counted, not shown, until resumed", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    const first = makeAttempt({ webhook_id: hook!.id });
    backend.log(first);
    const { table, user, drawer } = await openWebhookLogs("Orders");
    await waitFor(() => expect(rows()).toHaveLength(1));
    const pause = within(drawer).getByRole("button", { name: "Pause live updates" });
    expect(pause).toHaveAttribute("aria-pressed", "false");
    await user.click(pause);
    expect(pause).toHaveAttribute("aria-pressed", "true");
    expect(pause).toHaveAccessibleName("Resume live updates");

    const a = makeAttempt({ webhook_id: hook!.id });
    await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(a) });
    expect(await within(table).findByRole("button", { name: "Show 1 new attempt" })).toBeVisible();
    const b = makeAttempt({ webhook_id: hook!.id });
    await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(b) });
    expect(await within(table).findByRole("button", { name: "Show 2 new attempts" })).toBeVisible();
    // At the top, but paused: still only the row that was there.
    expect(rows().map((r) => r.dataset.attemptId)).toEqual([first.id]);

    // "N new" shows them and stays paused; the next one is counted again.
    await user.click(within(table).getByRole("button", { name: "Show 2 new attempts" }));
    await waitFor(() =>
      expect(rows().map((r) => r.dataset.attemptId)).toEqual([b.id, a.id, first.id]),
    );
    expect(pause).toHaveAttribute("aria-pressed", "true");
    const c = makeAttempt({ webhook_id: hook!.id });
    await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(c) });
    expect(await within(table).findByRole("button", { name: "Show 1 new attempt" })).toBeVisible();

    await user.click(pause);
    expect(pause).toHaveAccessibleName("Pause live updates");
    await waitFor(() => expect(rows()[0]).toHaveAttribute("data-attempt-id", c.id));
    expect(within(table).queryByRole("button", { name: /new attempt/ })).not.toBeInTheDocument();
  });

  it("shows deliveries not attempted yet as PENDING rows on top, and follows the queue", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders", status: "paused" }));
    backend.log(makeAttempt({ webhook_id: hook!.id, result: "failed", status_code: 500 }));
    const pending = (n: number) => ({
      ...summaryOf(makeAttempt({ webhook_id: hook!.id, event_type: "task.updated" })),
      id: `dlv_${900 + n}` as const,
      delivery_id: `dlv_${900 + n}` as const,
      result: "pending" as const,
      attempt: 0,
      status_code: null,
      duration_ms: 0,
    });
    backend.queued = [pending(1)];
    const { user, drawer } = await openWebhookLogs("Orders");
    await waitFor(() => expect(rows()).toHaveLength(2));
    const [first, second] = rows();
    expect(first).toHaveAttribute("data-result", "pending");
    expect(within(first!).getByText("PENDING")).toBeVisible();
    expect(within(first!).getByText("0/3")).toBeVisible();
    expect(within(first!).queryByRole("button", { name: "Logs" })).not.toBeInTheDocument();
    expect(within(first!).getByText("Queued")).toBeVisible();
    expect(second).toHaveAttribute("data-result", "failed");
    expect(screen.getByText(/1 attempt · 1 delivery not attempted yet/)).toBeVisible();

    // Accepted events queue more: read again without reloading the attempts.
    const attemptReads = backend.callsOf("list_logs").length;
    backend.queued = [pending(2), pending(1)];
    await sendNotice({ kind: "queue_changed", webhook_id: hook!.id, queued: 2 });
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(rows().map((r) => r.dataset.result)).toEqual(["pending", "pending", "failed"]);
    expect(backend.callsOf("list_logs")).toHaveLength(attemptReads);

    // The Pending filter shows only them; another result hides them.
    await user.selectOptions(within(drawer).getByLabelText("Result"), "pending");
    await waitFor(() =>
      expect(rows().map((r) => r.dataset.result)).toEqual(["pending", "pending"]),
    );
    await user.selectOptions(within(drawer).getByLabelText("Result"), "failed");
    await waitFor(() => expect(rows().map((r) => r.dataset.result)).toEqual(["failed"]));
  });

  it("asks for the list again when notices were missed", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    backend.log(makeAttempt({ webhook_id: hook!.id }));
    await openWebhookLogs("Orders");
    await waitFor(() => expect(rows()).toHaveLength(1));
    // Recorded while the window was too busy to hear of it.
    backend.log(makeAttempt({ webhook_id: hook!.id }));
    await sendNotice({ kind: "missed" });
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.getByText("2 attempts")).toBeVisible();
  });

  it("adds a live attempt only when it passes the filters", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    const { user, drawer } = await openWebhookLogs("Orders");
    await user.selectOptions(within(drawer).getByLabelText("Result"), "failed");
    await waitFor(() => expect(lastOf(listFilters())).toEqual({ result: "failed" }));
    const calls = backend.callsOf("list_logs").length;

    await sendNotice({
      kind: "attempt_recorded",
      attempt: summaryOf(makeAttempt({ webhook_id: hook!.id, result: "success" })),
    });
    const failed = makeAttempt({ webhook_id: hook!.id, result: "failed", status_code: 500 });
    await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(failed) });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]).toHaveAttribute("data-attempt-id", failed.id);
    expect(backend.callsOf("list_logs")).toHaveLength(calls);
  });

  it("says how many deliveries wait, and that a paused webhook holds them", async () => {
    const [hook] = backend.seed(
      makeWebhook({ name: "Stuck", status: "paused", status_reason: "10 deliveries failed." }),
    );
    backend.activity[hook!.id] = { last_attempt: null, queued: 3 };
    const { drawer } = await openWebhookLogs("Stuck");
    expect(
      await within(drawer).findByText(/3 deliveries held while the webhook is paused/),
    ).toBeVisible();
  });
});
