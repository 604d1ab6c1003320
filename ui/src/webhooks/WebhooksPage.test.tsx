import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { backend, makeWebhook } from "../test/fakeBackend";
import { sendNotice } from "../test/notices";
import { lastOf } from "../test/lastOf";
import { renderApp } from "../test/renderApp";

const rowCodes = () =>
  screen.queryAllByTestId("webhook-row").map((row) => row.getAttribute("data-code"));

describe("the webhooks list", () => {
  it("explains what a webhook is when there is none, and offers to create one", async () => {
    const { user } = await renderApp();
    expect(screen.getByRole("heading", { name: "No webhooks yet" })).toBeVisible();
    expect(screen.getByText(/sends an HTTP POST/)).toBeVisible();
    const main = screen.getByRole("main");
    await user.click(within(main).getByRole("button", { name: "Create webhook" }));
    expect(await screen.findByRole("dialog", { name: "New webhook" })).toBeVisible();
  });

  it("shows name, code, trigger labels (collapsed past two), url and status", async () => {
    backend.seed(
      makeWebhook({
        name: "Orders",
        url: "https://erp.example.com/hooks/orders",
        events: ["task.created", "task.updated", "task.deleted", "survey.created"],
      }),
      makeWebhook({
        name: "Flaky",
        status: "paused",
        status_reason: "10 deliveries failed in a row.",
      }),
    );
    await renderApp();
    const orders = await screen.findByRole("row", { name: /Orders/ });
    expect(within(orders).getByText("orders")).toHaveClass("mono");
    const trigger = await within(orders).findByText("Task created +3");
    expect(trigger).toHaveAttribute(
      "title",
      "Task created, Task updated, Task deleted, Survey created",
    );
    expect(within(orders).getByText("https://erp.example.com/hooks/orders")).toBeVisible();
    expect(within(orders).getByText("Active")).toBeVisible();
    const flaky = screen.getByRole("row", { name: /Flaky/ });
    expect(within(flaky).getByText("Paused after failures")).toBeVisible();
    expect(within(flaky).getByText("10 deliveries failed in a row.")).toBeVisible();
  });

  it("filters by name, code and URL", async () => {
    backend.seed(
      makeWebhook({ name: "Órdenes de compra", code: "purchase", url: "https://a.example.com/x" }),
      makeWebhook({ name: "Users", code: "crm_users", url: "https://crm.example.com/in" }),
      makeWebhook({ name: "Audit", code: "audit", url: "https://logs.example.org/audit" }),
    );
    const { user } = await renderApp();
    const search = screen.getByRole("searchbox", { name: "Search webhooks" });

    await user.type(search, "ordenes");
    expect(rowCodes()).toEqual(["purchase"]);
    await user.clear(search);
    await user.type(search, "CRM_USERS");
    expect(rowCodes()).toEqual(["crm_users"]);
    await user.clear(search);
    await user.type(search, "example.org");
    expect(rowCodes()).toEqual(["audit"]);
    await user.clear(search);
    await user.type(search, "nothing like this");
    expect(rowCodes()).toEqual([]);
    expect(screen.getByRole("heading", { name: "No matches" })).toBeVisible();
    await user.click(screen.getByRole("button", { name: "Clear search" }));
    expect(rowCodes()).toHaveLength(3);
  });

  it("hides disabled webhooks until 'Show disabled webhooks' is ticked, but keeps paused ones", async () => {
    backend.seed(
      makeWebhook({ name: "Live" }),
      makeWebhook({ name: "Off", status: "disabled" }),
      makeWebhook({ name: "Stuck", status: "paused", status_reason: "Paused after 10 failures." }),
    );
    const { user } = await renderApp();
    expect(rowCodes()).toEqual(["live", "stuck"]);

    await user.click(screen.getByRole("button", { name: "More options" }));
    const toggle = screen.getByRole("menuitemcheckbox", { name: "Show disabled webhooks" });
    expect(toggle).toHaveAttribute("aria-checked", "false");
    await user.click(toggle);
    expect(rowCodes()).toEqual(["live", "off", "stuck"]);

    await user.click(screen.getByRole("button", { name: "More options" }));
    expect(
      screen.getByRole("menuitemcheckbox", { name: "Show disabled webhooks" }),
    ).toHaveAttribute("aria-checked", "true");
  });

  it("deactivates the selected rows at once, and Undo brings them back", async () => {
    backend.seed(
      makeWebhook({ name: "Alpha" }),
      makeWebhook({ name: "Beta" }),
      makeWebhook({ name: "Gamma" }),
    );
    const { user } = await renderApp();
    await user.click(screen.getByRole("checkbox", { name: "Select Alpha" }));
    await user.click(screen.getByRole("checkbox", { name: "Select Gamma" }));
    await user.click(screen.getByRole("button", { name: "Deactivate selected" }));

    await waitFor(() => expect(rowCodes()).toEqual(["beta"]));
    expect(backend.webhooks.filter((w) => w.status === "disabled").map((w) => w.code)).toEqual([
      "alpha",
      "gamma",
    ]);
    expect(screen.getByText("2 webhooks deactivated")).toBeVisible();

    await user.click(screen.getByRole("button", { name: "Undo" }));
    await waitFor(() => expect(rowCodes()).toEqual(["alpha", "beta", "gamma"]));
    expect(backend.webhooks.every((w) => w.status === "active")).toBe(true);
  });

  it("Undo of an activation deactivates again only what was disabled, not what was resumed", async () => {
    backend.seed(
      makeWebhook({ name: "Off", status: "disabled", active: false }),
      makeWebhook({
        name: "Stuck",
        status: "paused",
        active: false,
        status_reason: "Paused after 10 consecutive failed deliveries.",
      }),
    );
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "More options" }));
    await user.click(screen.getByRole("menuitemcheckbox", { name: "Show disabled webhooks" }));
    await user.click(screen.getByRole("checkbox", { name: "Select Off" }));
    await user.click(screen.getByRole("checkbox", { name: "Select Stuck" }));
    await user.click(screen.getByRole("button", { name: "Activate selected" }));
    await screen.findByText("2 webhooks activated");

    // Resuming released Stuck's held deliveries: undoing cannot take them back, so it stays on.
    await user.click(screen.getByRole("button", { name: "Undo" }));
    await screen.findByText("1 webhook restored");
    expect(backend.webhooks.map((w) => [w.code, w.status])).toEqual([
      ["off", "disabled"],
      ["stuck", "active"],
    ]);
    expect(lastOf(backend.callsOf("set_webhooks_active"))).toEqual({
      ids: [backend.webhooks[0]!.id],
      active: false,
    });
  });

  it("offers Activate selected for inactive rows and Select all for the listed ones", async () => {
    backend.seed(makeWebhook({ name: "On" }), makeWebhook({ name: "Off", status: "disabled" }));
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "More options" }));
    await user.click(screen.getByRole("menuitemcheckbox", { name: "Show disabled webhooks" }));
    await user.click(screen.getByRole("checkbox", { name: "Select all webhooks" }));
    expect(screen.getByRole("checkbox", { name: "Select On" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Select Off" })).toBeChecked();
    await user.click(screen.getByRole("button", { name: "Activate selected" }));
    await screen.findByText("1 webhook activated");
    expect(backend.webhooks.every((w) => w.status === "active")).toBe(true);
  });

  it("shows a webhook the backend says was created elsewhere", async () => {
    await renderApp();
    const [created] = backend.seed(makeWebhook({ name: "From the CLI" }));
    await sendNotice({ kind: "webhook_changed", webhook: structuredClone(created!) });
    await waitFor(() => expect(rowCodes()).toEqual(["from_the_cli"]));
  });

  it("opens a new webhook with N and focuses the search with /, but not while typing", async () => {
    backend.seed(makeWebhook({ name: "Alpha" }));
    const { user } = await renderApp();
    await user.keyboard("/");
    const search = screen.getByRole("searchbox", { name: "Search webhooks" });
    expect(search).toHaveFocus();
    await user.keyboard("n");
    expect(search).toHaveValue("n");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();

    await user.click(screen.getByRole("heading", { name: "Webhooks" }));
    await user.keyboard("N");
    expect(await screen.findByRole("dialog", { name: "New webhook" })).toBeVisible();
    expect(screen.getByLabelText("Name")).toHaveFocus();
  });

  it("gives focus back to what had it after N and Escape", async () => {
    backend.seed(makeWebhook({ name: "Alpha" }));
    const { user } = await renderApp();
    const more = screen.getByRole("button", { name: "More options" });
    more.focus();
    await user.keyboard("N");
    await screen.findByRole("dialog", { name: "New webhook" });
    expect(screen.getByLabelText("Name")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(more).toHaveFocus();
  });

  it("opens a webhook from a click anywhere on its row, or Enter on it, but not from its checkbox", async () => {
    backend.seed(makeWebhook({ name: "Alpha" }), makeWebhook({ name: "Beta" }));
    const { user } = await renderApp();
    const alpha = screen.getByRole("row", { name: /Alpha/ });

    await user.click(within(alpha).getByRole("checkbox", { name: "Select Alpha" }));
    expect(within(alpha).getByRole("checkbox", { name: "Select Alpha" })).toBeChecked();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();

    await user.click(within(alpha).getByText("https://example.com/hooks"));
    expect(await screen.findByRole("dialog", { name: "Alpha" })).toBeVisible();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    // Back on the row it was opened from, which Enter opens again.
    expect(alpha).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("dialog", { name: "Alpha" })).toBeVisible();

    // Rows are in the Tab order; Enter on another one opens it instead.
    const beta = screen.getByRole("row", { name: /Beta/ });
    beta.focus();
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("dialog", { name: "Beta" })).toBeVisible();
    expect(beta).toHaveAttribute("tabindex", "0");
    // The Edit button is still there, with its name.
    expect(within(beta).getByRole("button", { name: "Edit Beta" })).toBeVisible();
  });

  it("shows keyring trouble in a dismissible banner", async () => {
    backend.keyringStatus = { available: false, message: "No Secret Service on the session bus." };
    const { user } = await renderApp();
    const banner = await screen.findByRole("alert");
    expect(banner).toHaveTextContent("No Secret Service on the session bus.");
    await user.click(within(banner).getByRole("button", { name: "Dismiss message" }));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("asks before exporting secrets, and says where the file went", async () => {
    backend.exportResult = "/home/ana/hookdesk-config.json";
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "More options" }));
    await user.click(screen.getByRole("menuitem", { name: "Export configuration…" }));
    const dialog = screen.getByRole("dialog", { name: "Export configuration" });
    await user.click(within(dialog).getByRole("checkbox", { name: /Include secrets/ }));
    expect(within(dialog).getByText(/plain text/)).toBeVisible();
    await user.click(within(dialog).getByRole("button", { name: "Export with secrets…" }));
    expect(backend.callsOf("export_config")).toEqual([{ includeSecrets: true }]);
    expect(await screen.findByText(/exported to \/home\/ana\/hookdesk-config.json/)).toBeVisible();
  });

  it("reports what an import did", async () => {
    backend.importResult = {
      created: ["orders"],
      updated: ["users"],
      event_types: 1,
      warnings: ["Header values were not in the file."],
    };
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "More options" }));
    await user.click(screen.getByRole("menuitem", { name: "Import configuration…" }));
    const dialog = await screen.findByRole("dialog", { name: "Configuration imported" });
    expect(within(dialog).getByText("orders")).toBeVisible();
    expect(within(dialog).getByText("Header values were not in the file.")).toBeVisible();
  });
});
