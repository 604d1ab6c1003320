import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { backend, makeWebhook, MASK } from "../test/fakeBackend";
import { sendNotice } from "../test/notices";
import { renderApp } from "../test/renderApp";

async function openNew() {
  const app = await renderApp();
  await app.user.click(screen.getAllByRole("button", { name: "Create webhook" })[0]!);
  const drawer = await screen.findByRole("dialog", { name: "New webhook" });
  return { ...app, drawer };
}

async function openExisting(name: string) {
  const app = await renderApp();
  await app.user.click(screen.getByRole("button", { name: `Edit ${name}` }));
  const drawer = await screen.findByRole("dialog", { name });
  return { ...app, drawer };
}

describe("the settings panel", () => {
  afterEach(() => {
    delete (Element.prototype as Partial<Element>).scrollIntoView;
  });

  it("suggests the Code from the Name until the Code is edited by hand", async () => {
    backend.seed(makeWebhook({ name: "Orders", code: "ordenes_de_compra" }));
    const { user } = await openNew();
    const code = screen.getByLabelText("Code");

    await user.type(screen.getByLabelText("Name"), "Órdenes de Compra");
    // Made unique by the backend: the plain suggestion is taken.
    await waitFor(() => expect(code).toHaveValue("ordenes_de_compra_2"));

    await user.clear(code);
    await user.type(code, "purchase_orders");
    await user.type(screen.getByLabelText("Name"), " 2024");
    // Once the check for the longer Name has answered, the hand-typed Code must still stand.
    await waitFor(() =>
      expect(backend.callsOf("check_webhook").map((c) => c.input)).toContainEqual(
        expect.objectContaining({ name: "Órdenes de Compra 2024", code: "purchase_orders" }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(code).toHaveValue("purchase_orders");
  });

  it("creates a webhook, stays open on it, and makes the Code read-only", async () => {
    const { user, drawer } = await openNew();
    const save = within(drawer).getByRole("button", { name: "Save" });
    expect(save).toBeDisabled();
    expect(screen.getByLabelText("Identifier")).toHaveAttribute(
      "placeholder",
      "Assigned when you save",
    );

    await user.type(screen.getByLabelText("Name"), "Órdenes de Compra");
    await waitFor(() => expect(screen.getByLabelText("Code")).toHaveValue("ordenes_de_compra"));
    await user.type(screen.getByLabelText("Url"), "https://erp.example.com/hooks");
    await user.click(screen.getByRole("checkbox", { name: "Task created" }));
    await waitFor(() => expect(save).toBeEnabled());
    await user.click(save);

    const saved = await screen.findByRole("dialog", { name: "Órdenes de Compra" });
    const code = within(saved).getByLabelText("Code");
    expect(code).toHaveValue("ordenes_de_compra");
    expect(code).toHaveAttribute("readonly");
    expect(within(saved).getByText("Once saved, the Code cannot be modified.")).toBeVisible();
    expect(code).toHaveAccessibleDescription(/Once saved, the Code cannot be modified\./);
    expect(within(saved).getByLabelText("Identifier")).toHaveValue(backend.webhooks[0]!.id);
    expect(within(saved).getByRole("button", { name: "Save" })).toBeDisabled();

    const created = backend.callsOf("create_webhook")[0]!.input as Record<string, unknown>;
    expect(created).toMatchObject({ code: "ordenes_de_compra", events: ["task.created"] });
    // The secret generated when the panel opened is the one saved.
    expect(created.secret).toBe("whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0MTI=");
    await waitFor(() =>
      expect(screen.getByTestId("webhook-row")).toHaveAttribute("data-code", "ordenes_de_compra"),
    );
  });

  it("shows Workflow only for task triggers, and Survey and Group only for survey triggers", async () => {
    const { user } = await openNew();
    const trigger = screen.getByRole("group", { name: "Trigger" });
    expect(screen.queryByLabelText("Workflow")).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Survey")).not.toBeInTheDocument();

    await user.click(within(trigger).getByRole("checkbox", { name: "User created" }));
    expect(screen.queryByLabelText("Workflow")).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Group")).not.toBeInTheDocument();

    await user.click(within(trigger).getByRole("checkbox", { name: "Task updated" }));
    expect(screen.getByLabelText("Workflow")).toBeVisible();
    expect(screen.getByText("Codes separated by commas. Empty means all workflows.")).toBeVisible();
    expect(screen.queryByLabelText("Survey")).not.toBeInTheDocument();

    await user.click(within(trigger).getByRole("checkbox", { name: "Survey deleted" }));
    expect(screen.getByLabelText("Survey")).toBeVisible();
    expect(screen.getByLabelText("Group")).toBeVisible();

    await user.click(within(trigger).getByRole("checkbox", { name: "Task updated" }));
    expect(screen.queryByLabelText("Workflow")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Survey")).toBeVisible();
  });

  it("masks a saved header value until Reveal, and keeps it unless edited", async () => {
    const [hook] = backend.seed(
      makeWebhook({ name: "Orders", headers: [{ name: "Authorization", value: MASK }] }),
    );
    backend.keyring.set(`header:${hook!.id}:Authorization`, "Bearer s3cr3t");
    const { user, drawer } = await openExisting("Orders");

    const value = within(drawer).getByLabelText("Value of Authorization");
    expect(value).toHaveValue(MASK);
    expect(within(drawer).queryByDisplayValue("Bearer s3cr3t")).not.toBeInTheDocument();

    await user.click(within(drawer).getByRole("button", { name: "Reveal value of Authorization" }));
    await waitFor(() => expect(value).toHaveValue("Bearer s3cr3t"));
    expect(value).toHaveAttribute("type", "text");
    expect(backend.callsOf("reveal_header")).toEqual([{ id: hook!.id, name: "Authorization" }]);

    // Revealing is not a change; editing the description is, and the header goes without value.
    expect(within(drawer).getByRole("button", { name: "Save" })).toBeDisabled();
    await user.type(within(drawer).getByLabelText("Description"), "ERP");
    await user.click(within(drawer).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(backend.callsOf("update_webhook")).toHaveLength(1));
    const input = backend.callsOf("update_webhook")[0]!.input as { headers: unknown[] };
    expect(input.headers).toEqual([{ name: "Authorization" }]);
  });

  it("sends a new header's value, typed in a password field", async () => {
    backend.seed(makeWebhook({ name: "Orders" }));
    const { user, drawer } = await openExisting("Orders");
    await user.click(within(drawer).getByRole("button", { name: "Add header" }));
    await user.type(within(drawer).getByLabelText("Header 1 name"), "X-Api-Key");
    const value = within(drawer).getByLabelText("Value of X-Api-Key");
    expect(value).toHaveAttribute("type", "password");
    await user.type(value, "k-123");
    await user.click(within(drawer).getByRole("button", { name: "Reveal value of X-Api-Key" }));
    expect(value).toHaveAttribute("type", "text");
    await user.keyboard("{Control>}s{/Control}");
    await waitFor(() => expect(backend.callsOf("update_webhook")).toHaveLength(1));
    const input = backend.callsOf("update_webhook")[0]!.input as { headers: unknown[] };
    expect(input.headers).toEqual([{ name: "X-Api-Key", value: "k-123" }]);
  });

  it("shows a field error from the backend under its field and keeps what was typed", async () => {
    backend.seed(makeWebhook({ name: "Orders" }));
    const { user, drawer } = await openExisting("Orders");
    const url = within(drawer).getByLabelText("Url");
    await user.clear(url);
    await user.type(url, "https://intranet.example.com/hook");
    backend.failures.set("update_webhook", {
      kind: "invalid",
      message: "The host does not resolve.",
      fields: [{ field: "url", message: "The host intranet.example.com does not resolve." }],
    });
    await user.click(within(drawer).getByRole("button", { name: "Save" }));

    expect(
      await within(drawer).findByText("The host intranet.example.com does not resolve."),
    ).toBeVisible();
    expect(url).toHaveValue("https://intranet.example.com/hook");
    expect(url).toHaveAttribute("aria-invalid", "true");
    expect(url).toHaveAccessibleDescription(/does not resolve/);
    expect(within(drawer).getByRole("button", { name: "Save" })).toBeDisabled();

    // Editing the field clears the save's error and allows another try.
    await user.type(url, "s");
    await waitFor(() => expect(within(drawer).getByRole("button", { name: "Save" })).toBeEnabled());
    expect(within(drawer).queryByText(/does not resolve/)).not.toBeInTheDocument();
  });

  it("takes the user to the first field to fix, its error message in view too", async () => {
    const scrolled: Element[] = [];
    // jsdom lays nothing out and has no scrollIntoView: record what the panel asks to show.
    Element.prototype.scrollIntoView = vi.fn(function (this: Element) {
      scrolled.push(this);
    });
    const { user, drawer } = await openNew();
    await user.type(within(drawer).getByLabelText("Name"), "Orders");
    const fix = await within(drawer).findByRole("button", { name: "2 fields to fix" });
    await user.click(fix);

    const url = within(drawer).getByLabelText("Url");
    await waitFor(() => expect(url).toHaveFocus());
    const message = within(drawer).getByText("Url is required.");
    expect(scrolled).toHaveLength(1);
    // What was scrolled into view holds the field and its message.
    expect(scrolled[0]).toContainElement(url);
    expect(scrolled[0]).toContainElement(message);
  });

  it("shows the engine's live warning for plain http", async () => {
    const { user } = await openNew();
    await user.type(screen.getByLabelText("Url"), "http://receiver.example.com/in");
    expect(await screen.findByText(/Plain http sends events unencrypted/)).toBeVisible();
  });

  it("shows a save failure of another kind in the panel and the banner", async () => {
    backend.seed(makeWebhook({ name: "Orders" }));
    const { user, drawer } = await openExisting("Orders");
    await user.type(within(drawer).getByLabelText("Description"), "x");
    backend.failures.set("update_webhook", {
      kind: "keyring",
      message: "The keyring is locked.",
      fields: [],
    });
    await user.click(within(drawer).getByRole("button", { name: "Save" }));
    const alerts = await screen.findAllByRole("alert");
    expect(alerts.map((a) => a.textContent).join(" ")).toMatch(
      /Saving failed: The keyring is locked/,
    );
    expect(alerts.some((a) => a.classList.contains("banner"))).toBe(true);
    expect(within(drawer).getByLabelText("Description")).toHaveValue("x");
  });

  it("asks before Escape discards unsaved changes", async () => {
    const { user } = await openNew();
    await user.type(screen.getByLabelText("Name"), "Draft");
    await user.keyboard("{Escape}");

    const ask = await screen.findByRole("alertdialog", { name: "Discard unsaved changes?" });
    await user.click(within(ask).getByRole("button", { name: "Keep editing" }));
    expect(screen.getByRole("dialog", { name: "New webhook" })).toBeVisible();
    expect(screen.getByLabelText("Name")).toHaveValue("Draft");

    await user.keyboard("{Escape}");
    await user.click(
      within(await screen.findByRole("alertdialog")).getByRole("button", {
        name: "Discard changes",
      }),
    );
    expect(screen.queryByRole("dialog", { name: "New webhook" })).not.toBeInTheDocument();
    expect(backend.callsOf("create_webhook")).toEqual([]);
  });

  it("closes at once with Escape when nothing changed", async () => {
    backend.seed(makeWebhook({ name: "Orders" }));
    const { user } = await openExisting("Orders");
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Edit Orders" })).toHaveFocus();
  });

  it("opens full width, or as wide as dragged, and remembers it the next time", async () => {
    backend.seed(makeWebhook({ name: "Orders" }));
    const { user, drawer } = await openExisting("Orders");
    const full = within(drawer).getByRole("button", { name: "Full width" });
    expect(full).toHaveAttribute("aria-pressed", "false");
    await user.click(full);
    expect(full).toHaveAttribute("aria-pressed", "true");
    expect(full).toHaveAccessibleName("Exit full width");
    expect(drawer).toHaveClass("drawer-full");
    // No edge to drag while it covers the page.
    expect(within(drawer).queryByRole("separator")).not.toBeInTheDocument();

    await user.click(within(drawer).getByRole("button", { name: "Close" }));
    await user.click(screen.getByRole("button", { name: "Edit Orders" }));
    let again = await screen.findByRole("dialog", { name: "Orders" });
    expect(again).toHaveClass("drawer-full");
    await user.click(within(again).getByRole("button", { name: "Exit full width" }));
    expect(again).not.toHaveClass("drawer-full");

    // Its edge: ← widens it (jsdom measures nothing, so it lands on the minimum width).
    const edge = within(again).getByRole("separator", { name: "Panel width" });
    edge.focus();
    await user.keyboard("{ArrowLeft}");
    expect(again.style.width).toBe("560px");
    await user.click(within(again).getByRole("button", { name: "Close" }));
    await user.click(screen.getByRole("button", { name: "Edit Orders" }));
    again = await screen.findByRole("dialog", { name: "Orders" });
    expect(again.style.width).toBe("560px");
    expect(within(again).getByRole("button", { name: "Full width" })).toHaveAttribute(
      "aria-pressed",
      "false",
    );
  });

  it("reveals, copies and rotates the signing secret", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    const { user, drawer } = await openExisting("Orders");
    const secret = within(drawer).getByLabelText("Signing secret");
    expect(secret).toHaveValue(MASK);
    await user.click(within(drawer).getByRole("button", { name: "Reveal signing secret" }));
    await waitFor(() => expect(secret).toHaveValue("whsec_seededorders"));

    await user.click(within(drawer).getByRole("button", { name: "Copy signing secret" }));
    await waitFor(() => expect(backend.clipboard).toBe("whsec_seededorders"));
    expect(within(drawer).getAllByText("Copied").length).toBeGreaterThan(0);

    await user.click(within(drawer).getByRole("button", { name: "Rotate signing secret" }));
    const ask = screen.getByRole("alertdialog", { name: "Rotate the signing secret?" });
    expect(ask).toHaveTextContent(/24 hours/);
    await user.click(within(ask).getByRole("button", { name: "Rotate secret" }));
    await waitFor(() => expect(secret).toHaveValue(MASK));
    expect(drawer).toHaveTextContent(
      /previous secret also signs, alongside the current one, until/,
    );
    expect(backend.callsOf("rotate_secret")).toEqual([{ id: hook!.id }]);
  });

  it("keeps a timeout set in milliseconds through the API when saving other changes", async () => {
    backend.seed(
      makeWebhook({
        name: "Fast",
        delivery: {
          timeout_ms: 1500,
          attempts: 3,
          retry: { kind: "fixed", delay_ms: 250 },
          ordering: "sequential",
          concurrency: 1,
          pause_after_failures: 10,
        },
      }),
    );
    const { user, drawer } = await openExisting("Fast");
    await user.click(within(drawer).getByRole("button", { name: "Delivery" }));
    expect(within(drawer).getByLabelText("Timeout per attempt (seconds)")).toHaveValue(1.5);
    const attempts = within(drawer).getByLabelText("Attempts");
    await user.clear(attempts);
    await user.type(attempts, "5");
    await user.click(within(drawer).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(backend.callsOf("update_webhook")).toHaveLength(1));
    const input = backend.callsOf("update_webhook")[0]!.input as { delivery: unknown };
    expect(input.delivery).toMatchObject({
      timeout_ms: 1500,
      attempts: 5,
      retry: { delay_ms: 250 },
    });
  });

  it("deletes a saved webhook after confirming by name", async () => {
    backend.seed(makeWebhook({ name: "Orders" }), makeWebhook({ name: "Users" }));
    const { user, drawer } = await openExisting("Orders");
    await user.click(within(drawer).getByRole("button", { name: "Delete webhook" }));
    const ask = screen.getByRole("alertdialog", { name: "Delete “Orders”?" });
    await user.click(within(ask).getByRole("button", { name: "Delete webhook" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.getAllByTestId("webhook-row").map((r) => r.dataset.code)).toEqual(["users"]);
  });
});

describe("the settings panel and changes made elsewhere", () => {
  it("follows a change from the CLI when it has no edits, and keeps edits when it has", async () => {
    backend.seed(makeWebhook({ name: "Orders", url: "https://a.example.com/" }));
    const { user, drawer } = await openExisting("Orders");
    const url = within(drawer).getByLabelText("Url");

    Object.assign(backend.webhooks[0]!, {
      url: "https://b.example.com/",
      updated_at: "2026-11-24T11:00:00Z",
    });
    await sendNotice({ kind: "webhook_changed", webhook: structuredClone(backend.webhooks[0]!) });
    await waitFor(() => expect(url).toHaveValue("https://b.example.com/"));

    await user.type(within(drawer).getByLabelText("Description"), "mine");
    Object.assign(backend.webhooks[0]!, {
      url: "https://c.example.com/",
      updated_at: "2026-11-24T12:00:00Z",
    });
    await sendNotice({ kind: "webhook_changed", webhook: structuredClone(backend.webhooks[0]!) });
    // The list has taken it in (from the notice: it was read only once)…
    const row = screen.getByRole("row", { name: /Orders/ });
    await waitFor(() => expect(row).toHaveTextContent("https://c.example.com/"));
    expect(backend.callsOf("list_webhooks")).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // …and the panel with edits kept them.
    expect(url).toHaveValue("https://b.example.com/");
    expect(within(drawer).getByLabelText("Description")).toHaveValue("mine");
  });
});
