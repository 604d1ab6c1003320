import { act, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TestRequest } from "../bindings/TestRequest";
import { backend, makeWebhook } from "../test/fakeBackend";
import { renderApp } from "../test/renderApp";

const NEW_SECRET = "whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0MTI=";
const testRequests = () => backend.callsOf("send_test").map((c) => c.request as TestRequest);

describe("Test", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends the unsaved form of a new webhook, with its generated secret, and shows SUCCESS", async () => {
    const { user } = await renderApp();
    await user.click(screen.getAllByRole("button", { name: "Create webhook" })[0]!);
    const drawer = await screen.findByRole("dialog", { name: "New webhook" });
    const test = within(drawer).getByRole("button", { name: "Test" });
    expect(test).toBeDisabled();
    expect(test).toHaveAccessibleDescription("Choose a trigger to test");

    await user.type(within(drawer).getByLabelText("Url"), "https://receiver.example.com/in");
    await user.click(within(drawer).getByRole("checkbox", { name: "User created" }));
    await user.click(within(drawer).getByRole("checkbox", { name: "Task updated" }));
    expect(test).toBeEnabled();
    // The first selected trigger, in catalog order.
    expect(within(drawer).getByRole("combobox", { name: "Test event type" })).toHaveValue(
      "user.created",
    );
    await user.selectOptions(
      within(drawer).getByRole("combobox", { name: "Test event type" }),
      "task.updated",
    );
    await waitFor(() => expect(backend.callsOf("new_signing_secret").length).toBeGreaterThan(0));
    await user.click(test);

    const result = await within(drawer).findByTestId("test-result");
    await within(result).findByText("SUCCESS");
    expect(result).toHaveAttribute("role", "status");
    expect(within(result).getByText("HTTP 200")).toBeVisible();
    expect(within(result).getByText("87 ms")).toBeVisible();
    expect(within(result).getByText('{"received":true}')).toBeVisible();

    const [request] = testRequests();
    expect(request).not.toHaveProperty("webhook_id");
    expect(request!.event_type).toBe("task.updated");
    expect(request!.input).toMatchObject({
      url: "https://receiver.example.com/in",
      events: ["user.created", "task.updated"],
      secret: NEW_SECRET,
    });
    // Nothing was saved.
    expect(backend.callsOf("create_webhook")).toEqual([]);
  });

  it("shows FAILED with the error in words for a saved webhook, sending its id and current form", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders", url: "https://a.example.com/" }));
    backend.testResult = {
      ...backend.testResult,
      result: "failed",
      status_code: null,
      duration_ms: 30000,
      error_kind: "timeout",
      error: "timed out after 30 s",
      response_excerpt: "",
      attempt_id: "att_77",
    };
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Edit Orders" }));
    const drawer = await screen.findByRole("dialog", { name: "Orders" });
    const url = within(drawer).getByLabelText("Url");
    await user.clear(url);
    await user.type(url, "https://b.example.com/unsaved");
    await user.click(within(drawer).getByRole("button", { name: "Test" }));

    const result = await within(drawer).findByTestId("test-result");
    await within(result).findByText("FAILED");
    expect(within(result).getByText(/timed out after 30 s/)).toBeVisible();
    expect(within(result).getByText("30 s")).toBeVisible();
    expect(within(result).getByText(/Recorded in the Logs with a test badge/)).toBeVisible();
    const [request] = testRequests();
    expect(request).toMatchObject({
      webhook_id: hook!.id,
      event_type: "task.created",
      input: { url: "https://b.example.com/unsaved" },
    });
    // A saved webhook's stored secret signs: the form sends none.
    expect(request!.input).not.toHaveProperty("secret");
  });

  it("puts the engine's Url error under the field", async () => {
    const { user } = await renderApp();
    await user.click(screen.getAllByRole("button", { name: "Create webhook" })[0]!);
    const drawer = await screen.findByRole("dialog", { name: "New webhook" });
    await user.type(within(drawer).getByLabelText("Url"), "https://receiver.invalid/in");
    await user.click(within(drawer).getByRole("checkbox", { name: "Task created" }));
    const url = within(drawer).getByLabelText("Url");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(url).not.toHaveAttribute("aria-invalid");

    backend.failures.set("send_test", {
      kind: "invalid",
      message: "The host receiver.invalid does not resolve.",
      fields: [{ field: "url", message: "The host receiver.invalid does not resolve." }],
    });
    await user.click(within(drawer).getByRole("button", { name: "Test" }));
    await waitFor(() => expect(url).toHaveAttribute("aria-invalid", "true"));
    expect(url).toHaveAccessibleDescription(/receiver.invalid does not resolve/);
    expect(within(drawer).getByTestId("test-result")).toHaveTextContent(/Nothing was sent/);
    expect(url).toHaveValue("https://receiver.invalid/in");
  });

  it("clears its result once the form changes, and does not follow into the Logs tab", async () => {
    backend.seed(makeWebhook({ name: "Orders", url: "https://a.example.com/" }));
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Edit Orders" }));
    const drawer = await screen.findByRole("dialog", { name: "Orders" });
    const url = within(drawer).getByLabelText("Url");
    await user.clear(url);
    await user.type(url, "receiver.example.com");
    await user.click(within(drawer).getByRole("button", { name: "Test" }));
    expect(await within(drawer).findByTestId("test-result")).toHaveTextContent(
      "Nothing was sent: Enter an absolute http or https URL.",
    );

    // Fixing the Url: the result was about the form before, and goes.
    await user.clear(url);
    await user.type(url, "https://b.example.com/in");
    expect(within(drawer).queryByTestId("test-result")).not.toBeInTheDocument();

    await user.click(within(drawer).getByRole("button", { name: "Test" }));
    await within(await within(drawer).findByTestId("test-result")).findByText("SUCCESS");
    await user.click(within(drawer).getByRole("tab", { name: "Logs" }));
    await within(drawer).findByRole("table", { name: "Attempts of Orders" });
    expect(within(drawer).queryByTestId("test-result")).not.toBeInTheDocument();
    // Back with the form it is about, unchanged: the result is still true.
    await user.click(within(drawer).getByRole("tab", { name: "General information" }));
    expect(within(within(drawer).getByTestId("test-result")).getByText("SUCCESS")).toBeVisible();
    // Any edit clears it, the Active switch too.
    await user.click(within(drawer).getByRole("switch", { name: "Active" }));
    expect(within(drawer).queryByTestId("test-result")).not.toBeInTheDocument();
  });

  it("says how long it has been waiting for the receiver", async () => {
    backend.seed(makeWebhook({ name: "Orders" }));
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Edit Orders" }));
    const drawer = await screen.findByRole("dialog", { name: "Orders" });
    let answer = () => {};
    backend.testHold = new Promise<void>((resolve) => (answer = resolve));
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    await user.click(within(drawer).getByRole("button", { name: "Test" }));

    const result = await within(drawer).findByTestId("test-result");
    expect(result).toHaveTextContent(/^Testing…Sending a task.created sample event/);
    expect(within(drawer).getByRole("button", { name: "Test" })).toBeDisabled();
    act(() => vi.advanceTimersByTime(3000));
    expect(within(result).getByText("Testing… 3 s")).toBeVisible();
    act(() => vi.advanceTimersByTime(1000));
    expect(within(result).getByText("Testing… 4 s")).toBeVisible();

    answer();
    await within(result).findByText("SUCCESS");
    expect(within(result).queryByText(/Testing…/)).not.toBeInTheDocument();
  });

  it("can be cancelled while it waits, and then says it was not logged", async () => {
    backend.seed(makeWebhook({ name: "Orders" }));
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Edit Orders" }));
    const drawer = await screen.findByRole("dialog", { name: "Orders" });
    backend.testHold = new Promise<void>(() => {});
    await user.click(within(drawer).getByRole("button", { name: "Test" }));
    const result = await within(drawer).findByTestId("test-result");
    await user.click(within(result).getByRole("button", { name: "Cancel" }));

    const [sent] = backend.callsOf("send_test");
    expect(backend.callsOf("cancel_test")).toEqual([{ testId: sent!.testId }]);
    expect(await within(result).findByText(/Cancelled: the Test stopped waiting/)).toBeVisible();
    expect(within(result).queryByText(/Nothing was sent/)).not.toBeInTheDocument();
    expect(within(drawer).getByRole("button", { name: "Test" })).toBeEnabled();
  });

  it("shows an error in one sentence, not prefixed with its kind", async () => {
    backend.seed(makeWebhook({ name: "Orders" }));
    const sentence =
      "Blocked: private address (127.0.0.1). To deliver to it, turn on “Allow private and loopback targets” in Settings.";
    backend.testResult = {
      ...backend.testResult,
      result: "failed",
      status_code: null,
      error_kind: "blocked",
      error: sentence,
      response_excerpt: "",
    };
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Edit Orders" }));
    const drawer = await screen.findByRole("dialog", { name: "Orders" });
    await user.click(within(drawer).getByRole("button", { name: "Test" }));
    const result = await within(drawer).findByTestId("test-result");
    const error = await within(result).findByText(sentence);
    expect(error.textContent).toBe(sentence);
  });
});
