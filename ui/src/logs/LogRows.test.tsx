import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { backend, makeAttempt, makeWebhook } from "../test/fakeBackend";
import { openWebhookLogs } from "../test/openLogs";
import { renderApp } from "../test/renderApp";

const rows = () => screen.queryAllByTestId("log-row");

describe("log rows that can be told apart", () => {
  it("says how the delivery ended beside each attempt, with a line of the payload and the event id", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    const first = makeAttempt({
      webhook_id: hook!.id,
      result: "failed",
      status_code: 503,
      error_kind: "http",
      error: "HTTP 503 Service Unavailable",
      attempt: 1,
      delivery_state: "succeeded",
      delivery_attempts: 2,
      event_id: "evt_01M8W2H4EVRYH9S9QJ0JDZXHBX",
      payload_summary: "task.id: 42 · task.name: Pay the invoice",
    });
    backend.log(
      first,
      makeAttempt({
        webhook_id: hook!.id,
        delivery_id: first.delivery_id,
        event_id: first.event_id,
        attempt: 2,
        delivery_state: "succeeded",
        delivery_attempts: 2,
      }),
    );
    const { user } = await openWebhookLogs("Orders");
    await waitFor(() => expect(rows()).toHaveLength(2));
    const [second, failed] = rows();
    expect(within(failed!).getByText("FAILED")).toBeVisible();
    expect(within(failed!).getByText("succeeded after 2 attempts")).toBeVisible();
    expect(within(second!).getByText("after 2 attempts")).toBeVisible();
    expect(within(failed!).getByText("task.id: 42 · task.name: Pay the invoice")).toBeVisible();
    expect(within(failed!).getByText("…DZXHBX")).toBeVisible();

    await user.click(
      within(failed!).getByRole("button", { name: `Copy event id ${first.event_id}` }),
    );
    await waitFor(() => expect(backend.clipboard).toBe(first.event_id));
    expect(await screen.findByText("Event id copied")).toBeVisible();
    // Copying is not opening.
    expect(screen.queryByRole("button", { name: "Close details" })).not.toBeInTheDocument();
  });

  it("says when a retrying delivery tries again, and Retry now asks for it at once", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    const retrying = makeAttempt({
      webhook_id: hook!.id,
      result: "retrying",
      status_code: 500,
      delivery_state: "pending",
      next_attempt_at: new Date(Date.now() + 25_000).toISOString(),
    });
    backend.log(retrying);
    const { user } = await openWebhookLogs("Orders");
    const [row] = await waitFor(() => {
      expect(rows()).toHaveLength(1);
      return rows();
    });
    expect(within(row!).getByText(/^retry in 2[0-9] s$/)).toBeVisible();
    await user.click(within(row!).getByRole("button", { name: "Retry now" }));
    await waitFor(() => expect(backend.retriedNow).toEqual([retrying.delivery_id]));
    expect(await screen.findByText(/Retrying task.created now/)).toBeVisible();
  });

  it("shows each direct delivery's URL in a column of its own", async () => {
    backend.log(
      makeAttempt({ webhook_id: null, kind: "direct", url: "https://partner.example/in" }),
    );
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Deliveries" }));
    await user.selectOptions(screen.getByLabelText("Webhook"), "Direct deliveries");
    const table = await screen.findByRole("table", { name: "Direct deliveries" });
    const headers = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toContain("Url");
    await waitFor(() => expect(within(table).getAllByTestId("log-row")).toHaveLength(1));
    expect(within(table).getByText("https://partner.example/in")).toBeVisible();
  });
});

describe("deliveries waiting for the keyring", () => {
  it("says so above the queued rows and in the list, though the webhook is active", async () => {
    const reason =
      "Waiting for the keyring: the OS keyring is not reachable: no Secret Service. Hookdesk keeps secrets only in the Secret Service; start or unlock it and try again.";
    const [hook] = backend.seed(makeWebhook({ name: "Orders", held_by: reason }));
    backend.queuedHeldBy = reason;
    backend.activity[hook!.id] = { last_attempt: null, queued: 3 };
    const { user } = await renderApp();
    const row = await screen.findByRole("row", { name: /Orders/ });
    expect(within(row).getByText("Waiting for the keyring")).toHaveAttribute("title", reason);
    expect(within(row).getByText("3 waiting")).toBeVisible();

    await user.click(screen.getByRole("button", { name: "Edit Orders" }));
    const drawer = await screen.findByRole("dialog", { name: "Orders" });
    expect(within(drawer).getByText(/use up no attempt/)).toHaveTextContent(reason);
    await user.click(within(drawer).getByRole("tab", { name: "Logs" }));
    expect(await within(drawer).findByTitle(reason)).toHaveTextContent(reason);
  });
});

describe("the Result filter and tests", () => {
  it("tells failed deliveries from failed attempts, and can hide tests", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    const recovered = makeAttempt({
      webhook_id: hook!.id,
      result: "failed",
      delivery_state: "succeeded",
      delivery_attempts: 2,
    });
    const lost = makeAttempt({
      webhook_id: hook!.id,
      result: "failed",
      attempt: 3,
      delivery_state: "failed",
      delivery_attempts: 3,
    });
    const test = makeAttempt({ webhook_id: hook!.id, test: true, kind: "test" });
    backend.log(recovered, lost, test);
    const { user, drawer } = await openWebhookLogs("Orders");
    await waitFor(() => expect(rows()).toHaveLength(3));
    const result = within(drawer).getByRole("combobox", { name: "Result" });
    await user.selectOptions(result, "Failed attempts");
    await waitFor(() =>
      expect(rows().map((r) => r.dataset.attemptId)).toEqual([lost.id, recovered.id]),
    );
    await user.selectOptions(result, "Failed deliveries");
    await waitFor(() => expect(rows().map((r) => r.dataset.attemptId)).toEqual([lost.id]));
    await user.selectOptions(result, "All results");
    await user.click(within(drawer).getByRole("checkbox", { name: "Hide tests" }));
    await waitFor(() =>
      expect(rows().map((r) => r.dataset.attemptId)).toEqual([lost.id, recovered.id]),
    );
  });
});
