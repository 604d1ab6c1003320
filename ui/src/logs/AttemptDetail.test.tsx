import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { backend, makeAttempt, makeWebhook, MASK } from "../test/fakeBackend";
import { lastOf } from "../test/lastOf";
import { openWebhookLogs } from "../test/openLogs";

/** A body exactly as sent: compact, keys in the sender's order, a trailing space. */
const RAW_BODY = '{"type":"task.created","id":"evt_1","data":{"z":1,"a":[1, 2]}} ';

async function openDetail() {
  const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
  const first = makeAttempt({
    webhook_id: hook!.id,
    result: "failed",
    status_code: 500,
    attempt: 1,
    attempts: 3,
    executed_at: "2026-11-24T09:00:00.000Z",
    request: {
      method: "POST",
      url: "https://erp.example.com/hooks",
      headers: { Authorization: MASK, "webhook-id": "evt_1", "content-type": "application/json" },
      body: RAW_BODY,
    },
    response: {
      headers: { "content-type": "text/plain" },
      body: "upstream exploded",
      truncated: true,
    },
  });
  const second = makeAttempt({
    webhook_id: hook!.id,
    delivery_id: first.delivery_id,
    event_id: first.event_id,
    attempt: 2,
    attempts: 3,
    status_code: 200,
    request: { ...first.request },
    response: { headers: {}, body: '{"ok":true}', truncated: false },
  });
  backend.log(first, second);
  const app = await openWebhookLogs("Orders");
  await waitFor(() => expect(screen.getAllByTestId("log-row")).toHaveLength(2));
  const olderRow = screen.getAllByTestId("log-row")[1]!;
  await app.user.click(within(olderRow).getByRole("button", { name: "Logs" }));
  const detail = await screen.findByTestId("attempt-detail");
  await within(detail).findByText("https://erp.example.com/hooks");
  return { ...app, detail, first, second };
}

describe("an attempt's detail", () => {
  it("shows the request with masked headers, the body pretty-printed with a Raw toggle, and the response", async () => {
    const { user, detail, first } = await openDetail();
    expect(backend.callsOf("get_attempt")).toEqual([{ id: first.id }]);

    const headers = within(detail).getByRole("table", { name: "Request headers" });
    expect(within(headers).getByRole("rowheader", { name: "Authorization" })).toBeVisible();
    expect(within(headers).getByText(MASK)).toBeVisible();

    const body = within(detail).getByLabelText("Request body");
    expect(body.textContent).toBe(JSON.stringify(JSON.parse(RAW_BODY), null, 2));
    const raw = within(detail).getByRole("button", { name: "Raw" });
    expect(raw).toHaveAttribute("aria-pressed", "false");
    await user.click(raw);
    expect(raw).toHaveAttribute("aria-pressed", "true");
    expect(within(detail).getByLabelText("Request body").textContent).toBe(RAW_BODY);

    expect(within(detail).getByLabelText("Response body").textContent).toBe("upstream exploded");
    expect(within(detail).getByText(/only its first 64 KiB were kept/)).toBeVisible();
    const response = within(detail).getByRole("region", { name: "Response" });
    expect(within(response).getByText("500")).toBeVisible();
    expect(within(detail).getByText("2026-11-24T09:00:00.000Z")).toBeVisible();
  });

  it("copies the payload exactly as sent, byte for byte", async () => {
    const { user, detail } = await openDetail();
    await user.click(within(detail).getByRole("button", { name: "Copy payload" }));
    await waitFor(() => expect(backend.clipboard).toBe(RAW_BODY));
    expect(within(detail).getAllByText("Copied").length).toBeGreaterThan(0);

    await user.click(within(detail).getByRole("button", { name: "Copy response" }));
    await waitFor(() => expect(backend.clipboard).toBe("upstream exploded"));
  });

  it("copies as cURL without secrets unless Include secrets is ticked", async () => {
    const { user, detail, first } = await openDetail();
    const include = within(detail).getByRole("checkbox", { name: "Include secrets" });
    expect(include).not.toBeChecked();
    await user.click(within(detail).getByRole("button", { name: "Copy as cURL" }));
    await waitFor(() => expect(backend.callsOf("curl_command")).toHaveLength(1));
    expect(backend.callsOf("curl_command")[0]).toEqual({
      attemptId: first.id,
      includeSecrets: false,
    });
    await waitFor(() => expect(backend.clipboard).toContain(MASK));

    await user.click(include);
    await user.click(within(detail).getByRole("button", { name: "Copy as cURL" }));
    await waitFor(() => expect(backend.callsOf("curl_command")).toHaveLength(2));
    expect(backend.callsOf("curl_command")[1]).toEqual({
      attemptId: first.id,
      includeSecrets: true,
    });
    await waitFor(() => expect(backend.clipboard).toContain("Authorization: real"));
  });

  it("resends the delivery and confirms it", async () => {
    const { user, detail, first } = await openDetail();
    await user.click(within(detail).getByRole("button", { name: "Resend" }));
    await waitFor(() =>
      expect(backend.callsOf("resend")).toEqual([{ deliveryId: first.delivery_id }]),
    );
    expect(await screen.findByText(/Resent: new delivery dlv_101/)).toBeVisible();
  });

  it("lists the other attempts of the delivery and shows one when chosen", async () => {
    const { user, detail, second } = await openDetail();
    const attempts = within(detail).getAllByRole("button", { name: /^Attempt \d/ });
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toHaveAttribute("aria-current", "true");
    await user.click(attempts[1]!);
    await waitFor(() => expect(lastOf(backend.callsOf("get_attempt"))).toEqual({ id: second.id }));
    await waitFor(() =>
      expect(within(detail).getByLabelText("Response body").textContent).toBe('{"ok":true}'),
    );
    expect(within(detail).getByRole("heading", { level: 3 })).toHaveTextContent("Attempt 2/3");
  });

  it("closes with Escape without closing the settings panel", async () => {
    const { user, drawer } = await openDetail();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("attempt-detail")).not.toBeInTheDocument());
    expect(drawer).toBeInTheDocument();
    expect(screen.getByRole("dialog", { name: "Orders" })).toBeVisible();
  });

  it("opens from a click anywhere on its row, and gives focus back to the row's Logs button", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    const attempt = makeAttempt({ webhook_id: hook!.id, event_type: "task.updated" });
    backend.log(attempt);
    const { user } = await openWebhookLogs("Orders");
    const row = await screen.findByTestId("log-row");
    await user.click(within(row).getByText("task.updated"));
    const detail = await screen.findByTestId("attempt-detail");
    await within(detail).findByText(attempt.event_id);
    expect(lastOf(backend.callsOf("get_attempt"))).toEqual({ id: attempt.id });

    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("attempt-detail")).not.toBeInTheDocument());
    await waitFor(() =>
      expect(
        within(screen.getByTestId("log-row")).getByRole("button", { name: "Logs" }),
      ).toHaveFocus(),
    );
  });

  it("keeps its actions out of the part that scrolls", async () => {
    const { detail } = await openDetail();
    const actions = within(detail).getByRole("group", { name: "Attempt actions" });
    expect(within(actions).getByRole("button", { name: "Copy payload" })).toBeVisible();
    expect(within(actions).getByRole("button", { name: "Resend" })).toBeVisible();
    const scrolling = detail.querySelector(".attempt-detail-body")!;
    expect(scrolling).toContainElement(within(detail).getByLabelText("Request body"));
    expect(scrolling).not.toContainElement(actions);
  });

  it("moves to the list's previous and next rows, with buttons or K and J", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    const [oldest, middle, newest] = [0, 1, 2].map((n) =>
      makeAttempt({
        webhook_id: hook!.id,
        event_type: ["user.created", "task.updated", "task.deleted"][n],
      }),
    );
    backend.log(oldest!, middle!, newest!);
    const { user } = await openWebhookLogs("Orders");
    await waitFor(() => expect(screen.getAllByTestId("log-row")).toHaveLength(3));
    await user.click(
      within(screen.getAllByTestId("log-row")[1]!).getByRole("button", { name: "Logs" }),
    );
    const detail = await screen.findByTestId("attempt-detail");
    const title = () => within(detail).getByRole("heading", { level: 3 });
    await waitFor(() => expect(title()).toHaveTextContent("task.updated"));

    const previous = within(detail).getByRole("button", { name: "Previous attempt" });
    const next = within(detail).getByRole("button", { name: "Next attempt" });
    await user.click(previous);
    await waitFor(() => expect(title()).toHaveTextContent("task.deleted"));
    expect(previous).toHaveAttribute("aria-disabled", "true");
    await user.keyboard("j");
    await waitFor(() => expect(title()).toHaveTextContent("task.updated"));
    await user.keyboard("j");
    await waitFor(() => expect(title()).toHaveTextContent("user.created"));
    expect(next).toHaveAttribute("aria-disabled", "true");
    await user.keyboard("k");
    await waitFor(() => expect(title()).toHaveTextContent("task.updated"));
    await user.click(next);
    await waitFor(() => expect(title()).toHaveTextContent("user.created"));

    // Closed, the list's focus is on the row last read.
    await user.keyboard("{Escape}");
    await waitFor(() =>
      expect(
        within(screen.getAllByTestId("log-row")[2]!).getByRole("button", { name: "Logs" }),
      ).toHaveFocus(),
    );
  });
});
