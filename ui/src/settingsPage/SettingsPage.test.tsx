import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { backend, MASK } from "../test/fakeBackend";
import { sendNotice } from "../test/notices";
import { renderApp } from "../test/renderApp";

async function openSettings() {
  const app = await renderApp();
  await app.user.click(screen.getByRole("button", { name: "Settings" }));
  await screen.findByRole("heading", { name: "Settings", level: 1 });
  await screen.findByText("http://127.0.0.1:7717");
  return app;
}

describe("the Settings page", () => {
  it("is reached from the sections bar, which marks where you are", async () => {
    const { user } = await openSettings();
    expect(screen.getByRole("button", { name: "Settings" })).toHaveAttribute(
      "aria-current",
      "page",
    );
    expect(screen.queryByRole("heading", { name: "Webhooks" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Webhooks" }));
    expect(screen.getByRole("heading", { name: "Webhooks" })).toBeVisible();
  });

  it("keeps the token masked until revealed, and copies it", async () => {
    const { user } = await openSettings();
    const token = screen.getByLabelText("Token");
    expect(token).toHaveValue(MASK);
    expect(screen.queryByDisplayValue(backend.apiToken)).not.toBeInTheDocument();
    expect(backend.callsOf("api_token")).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Reveal token" }));
    await waitFor(() => expect(token).toHaveValue(backend.apiToken));
    await user.click(screen.getByRole("button", { name: "Hide token" }));
    expect(token).toHaveValue(MASK);

    await user.click(screen.getByRole("button", { name: "Copy token" }));
    await waitFor(() => expect(backend.clipboard).toBe(backend.apiToken));
  });

  it("regenerates the token only after warning that the old one stops working", async () => {
    const { user } = await openSettings();
    const old = backend.apiToken;
    await user.click(screen.getByRole("button", { name: "Regenerate token" }));
    const ask = screen.getByRole("alertdialog", { name: "Regenerate the API token?" });
    expect(ask).toHaveTextContent(/old token stops working at once/);
    await user.click(within(ask).getByRole("button", { name: "Cancel" }));
    expect(backend.callsOf("regenerate_api_token")).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Regenerate token" }));
    await user.click(screen.getByRole("button", { name: "Regenerate now" }));
    await waitFor(() => expect(backend.callsOf("regenerate_api_token")).toHaveLength(1));
    expect(backend.apiToken).not.toBe(old);
    await user.click(screen.getByRole("button", { name: "Reveal token" }));
    await waitFor(() => expect(screen.getByLabelText("Token")).toHaveValue(backend.apiToken));
  });

  it("shows the curl example with the token masked, and copies it with the real token", async () => {
    const { user } = await openSettings();
    const example = screen.getByTestId("api-example");
    expect(example).toHaveTextContent(`Bearer ${MASK}`);
    expect(example).not.toHaveTextContent(backend.apiToken);
    await user.click(screen.getByRole("button", { name: "Copy example" }));
    await waitFor(() => expect(backend.clipboard).toContain(`Bearer ${backend.apiToken}`));
    expect(backend.clipboard).toContain("http://127.0.0.1:7717/v1/events");

    // Revealed, the example shows exactly what is copied; hidden again, it is masked.
    await user.click(screen.getByRole("button", { name: "Reveal token" }));
    await waitFor(() => expect(example.textContent).toBe(backend.clipboard));
    await user.click(screen.getByRole("button", { name: "Hide token" }));
    await waitFor(() => expect(example).toHaveTextContent(`Bearer ${MASK}`));
  });

  it("saves the engine settings once changed and valid", async () => {
    const { user } = await openSettings();
    const save = screen.getByRole("button", { name: "Save settings" });
    expect(save).toBeDisabled();

    const retention = screen.getByLabelText("Log retention (days)");
    expect(retention).toHaveValue(30);
    await user.clear(retention);
    await user.type(retention, "0");
    expect(save).toBeDisabled();
    expect(retention).toHaveAccessibleDescription(/between 1 and 3650 days/);
    await user.clear(retention);
    await user.type(retention, "90");

    const port = screen.getByLabelText("Port");
    await user.clear(port);
    await user.type(port, "7800");
    await user.click(screen.getByRole("switch", { name: "Allow private and loopback targets" }));
    const notifications = screen.getByRole("switch", { name: "Desktop notifications" });
    expect(notifications).toHaveAttribute("aria-checked", "true");
    await user.click(notifications);
    expect(screen.getByRole("switch", { name: "Events API" })).toHaveAttribute(
      "aria-checked",
      "true",
    );
    await waitFor(() => expect(save).toBeEnabled());
    await user.click(save);

    await waitFor(() => expect(backend.callsOf("update_engine_settings")).toHaveLength(1));
    expect(backend.callsOf("update_engine_settings")[0]).toEqual({
      settings: {
        log_retention_days: 90,
        allow_private_targets: false,
        events_api_enabled: true,
        events_api_port: 7800,
        desktop_notifications: false,
      },
    });
    expect(await screen.findByText("http://127.0.0.1:7800")).toBeVisible();
    await waitFor(() => expect(save).toBeDisabled());
  });

  it("says beside the Port when the Events API runs on another port than the setting", async () => {
    backend.apiPortOverride = 7718;
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Settings" }));
    expect(await screen.findByText("http://127.0.0.1:7718")).toBeVisible();
    const port = screen.getByLabelText("Port");
    expect(port).toHaveValue(7717);
    expect(port).toHaveAccessibleDescription(
      /^\s*Running on port 7718, set by the environment \(HOOKDESK_API_PORT\) when Hookdesk started; the setting applies at the next start without it\.\s*$/,
    );

    // Without the override, the setting is what runs: nothing to say. (The API restarted on
    // it: the engine says where it listens now.)
    backend.apiPortOverride = null;
    await sendNotice({ kind: "events_api_changed", url: "http://127.0.0.1:7717" });
    expect(await screen.findByText("http://127.0.0.1:7717")).toBeVisible();
    expect(screen.queryByText(/Running on port/)).not.toBeInTheDocument();
    expect(port).not.toHaveAccessibleDescription(/Running on port/);
  });

  it("follows settings changed elsewhere", async () => {
    await openSettings();
    backend.settings = { ...backend.settings, log_retention_days: 7 };
    await sendNotice({ kind: "settings_changed", settings: { ...backend.settings } });
    await waitFor(() => expect(screen.getByLabelText("Log retention (days)")).toHaveValue(7));
    // The notice carried them: nothing was asked again.
    expect(backend.callsOf("engine_settings")).toHaveLength(1);
  });

  it("keeps unsaved edits when the settings change elsewhere", async () => {
    const { user } = await openSettings();
    const retention = screen.getByLabelText("Log retention (days)");
    await user.clear(retention);
    await user.type(retention, "45");
    expect(screen.getByText("Unsaved changes")).toBeVisible();

    backend.settings = { ...backend.settings, log_retention_days: 7 };
    await sendNotice({ kind: "settings_changed", settings: { ...backend.settings } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(retention).toHaveValue(45);
    expect(screen.getByText("Unsaved changes")).toBeVisible();

    // Saved, the form is what the engine has.
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(backend.settings.log_retention_days).toBe(45));
    await waitFor(() => expect(screen.queryByText("Unsaved changes")).not.toBeInTheDocument());
    expect(retention).toHaveValue(45);
  });
});

describe("the event type catalog", () => {
  it("lists the built-in types read-only, grouped by entity", async () => {
    await openSettings();
    const task = screen.getByRole("group", { name: "Task" });
    expect(within(task).getByText("task.created")).toBeVisible();
    expect(within(task).queryByRole("button")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Delete event type task\./ })).toBeNull();
  });

  it("refuses a sample payload that is not a JSON object, under the field, and does not save", async () => {
    const { user } = await openSettings();
    await user.click(screen.getByRole("button", { name: "Add event type" }));
    const dialog = screen.getByRole("dialog", { name: "Add event type" });
    await user.type(within(dialog).getByLabelText("Name"), "invoice.paid");
    const sample = within(dialog).getByLabelText("Sample payload");
    const save = within(dialog).getByRole("button", { name: "Save event type" });

    await user.clear(sample);
    await user.type(sample, '{{"invoice": 1');
    await user.tab();
    expect(sample).toHaveAttribute("aria-invalid", "true");
    expect(sample).toHaveAccessibleDescription(/not valid JSON/);
    expect(save).toBeDisabled();

    await user.clear(sample);
    await user.type(sample, "[[1, 2]");
    expect(sample).toHaveAccessibleDescription(/must be a JSON object/);
    expect(save).toBeDisabled();
    await user.click(save);
    expect(backend.callsOf("save_event_type")).toEqual([]);

    await user.clear(sample);
    await user.type(sample, '{{"invoice": {{"id": 1}}');
    expect(sample).not.toHaveAttribute("aria-invalid");
    await user.type(within(dialog).getByLabelText("Description"), "An invoice was paid.");
    await user.click(save);
    await waitFor(() => expect(backend.callsOf("save_event_type")).toHaveLength(1));
    expect(backend.callsOf("save_event_type")[0]).toEqual({
      input: {
        name: "invoice.paid",
        description: "An invoice was paid.",
        sample: '{"invoice": {"id": 1}}',
      },
    });
    expect(
      await screen.findByRole("button", { name: "Edit event type invoice.paid" }),
    ).toBeVisible();
  });

  it("offers the sample as a placeholder, sends the keys as typed, and names the line of an error", async () => {
    const { user } = await openSettings();
    await user.click(screen.getByRole("button", { name: "Add event type" }));
    const dialog = screen.getByRole("dialog", { name: "Add event type" });
    await user.type(within(dialog).getByLabelText("Name"), "invoice.paid");
    const sample = within(dialog).getByLabelText("Sample payload");
    // Nothing to delete before typing: the example is only a placeholder.
    expect(sample).toHaveValue("");
    expect(sample.getAttribute("placeholder")).toMatch(/"invoice"/);

    await user.click(sample);
    await user.paste('{\n  "zeta": {"id": 1}\n  "alpha": 2\n}');
    await user.tab();
    expect(sample).toHaveAccessibleDescription(/Line 3, column 3: Expected ',' or '}'/);
    expect(within(dialog).getByRole("button", { name: "Save event type" })).toBeDisabled();

    await user.clear(sample);
    await user.click(sample);
    await user.paste('{\n  "zeta": {"id": 1},\n  "alpha": 2\n}');
    expect(sample).not.toHaveAttribute("aria-invalid");
    await user.click(within(dialog).getByRole("button", { name: "Save event type" }));
    await waitFor(() => expect(backend.callsOf("save_event_type")).toHaveLength(1));
    const sent = backend.callsOf("save_event_type")[0]!.input as { sample: unknown };
    // The text itself, as typed: its key order and its line breaks.
    expect(sent.sample).toBe('{\n  "zeta": {"id": 1},\n  "alpha": 2\n}');
  });

  it("shows a custom type's sample for editing as it was written", async () => {
    const text = '{\n  "zeta": 1,\n    "alpha": [2, 3]\n}';
    backend.catalog.push({
      name: "invoice.paid",
      entity: "Custom",
      label: "invoice.paid",
      description: "",
      sample: { alpha: [2, 3], zeta: 1 },
      sample_text: text,
      builtin: false,
    });
    const { user } = await openSettings();
    await user.click(await screen.findByRole("button", { name: "Edit event type invoice.paid" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByLabelText("Sample payload")).toHaveValue(text);
  });

  it("deletes a custom type after confirming", async () => {
    backend.catalog.push({
      name: "invoice.paid",
      entity: "Custom",
      label: "invoice.paid",
      description: "",
      sample: { invoice: {} },
      sample_text: '{"invoice": {}}',
      builtin: false,
    });
    const { user } = await openSettings();
    await user.click(await screen.findByRole("button", { name: "Delete event type invoice.paid" }));
    await user.click(
      within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete event type" }),
    );
    await waitFor(() =>
      expect(backend.callsOf("delete_event_type")).toEqual([{ name: "invoice.paid" }]),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole("button", { name: "Delete event type invoice.paid" }),
      ).not.toBeInTheDocument(),
    );
  });
});
