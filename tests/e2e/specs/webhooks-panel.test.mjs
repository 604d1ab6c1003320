// The foundation in the real window: create, edit, deactivate and find webhooks; secrets
// masked; everything still there after quitting and relaunching.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { execFile } from "node:child_process";
import { cli, closeAll, launch, tempDataDir } from "../harness.mjs";

const NAME = "Órdenes de Compra";
const HEADER_VALUE = "Bearer e2e-panel-secret-42";

describe("the Webhooks panel", () => {
  const dataDir = tempDataDir("panel");
  let app;

  before(async () => {
    app = await launch({ dataDir });
  });

  after(() => closeAll(app));

  test("the code is suggested from the name, a bad URL blocks saving, and the code freezes on save", async () => {
    await app.click("button", "Create webhook");
    await app.find("dialog", "New webhook");
    await app.fill("textbox", "Name", NAME);
    const code = await app.find("textbox", "Code");
    await app.until(() => code.getValue(), (v) => v === "ordenes_de_compra", "the suggested code");

    const url = await app.fill("textbox", "Url", "not a url");
    await app.click("checkbox", "Task created");
    await app.until(
      () => app.description(url),
      (t) => t.includes("absolute http or https URL"),
      "the URL error under the field",
    );
    assert.equal(await (await app.find("button", "Save")).isEnabled(), false, "a bad URL does not save");
    await app.browser.keys(["Control", "s"]);
    // Refused: the panel takes the user to the field to fix.
    await app.until(() => app.browser.execute((el) => document.activeElement === el, url), Boolean, "focus on the Url to fix");
    assert.ok(await app.has("dialog", "New webhook"), "Ctrl+S with a bad URL keeps the form open");
    assert.match(cli(dataDir, ["webhooks", "list"]), /No webhooks yet/, "nothing was stored");

    await app.fill("textbox", "Url", "https://hooks.example.com/orders");
    await app.fill("textbox", "Workflow", "purchase_orders");
    await app.click("button", "Add header");
    await app.fill("textbox", "Header 1 name", "Authorization");
    await app.fill("textbox", "Value of Authorization", HEADER_VALUE);
    await app.saveWhenEnabled();

    await app.find("dialog", NAME);
    await app.until(() => code.getAttribute("readonly"), (v) => v !== null, "the code read-only after save");
    assert.equal(await code.getValue(), "ordenes_de_compra");
    assert.match(await app.description(code), /Once saved, the Code cannot be modified\./);
    await app.screenshot("settings-panel");
  });

  test("a header value is masked until revealed", async () => {
    const value = await app.find("textbox", "Value of Authorization");
    assert.equal(await value.getValue(), "••••••", "masked once saved");
    await app.click("button", "Reveal value of Authorization");
    await app.until(() => value.getValue(), (v) => v === HEADER_VALUE, "the revealed value from the keyring");
  });

  test("reopening shows the code read-only", async () => {
    await app.click("button", "Close");
    await app.waitGone("dialog", NAME);
    await app.click("button", `Edit ${NAME}`);
    const code = await app.find("textbox", "Code");
    assert.notEqual(await code.getAttribute("readonly"), null);
    assert.equal(await code.getValue(), "ordenes_de_compra");
    await app.click("button", "Close");
    await app.waitGone("dialog", NAME);
    await app.screenshot("webhooks-panel");
  });

  test("deactivating with the checkbox hides it until Show disabled webhooks", async () => {
    await app.click("checkbox", `Select ${NAME}`);
    await app.click("button", "Deactivate selected");
    await app.waitGone("checkbox", `Select ${NAME}`);
    await app.click("button", "More options");
    await app.click("menuitemcheckbox", "Show disabled webhooks");
    await app.find("checkbox", `Select ${NAME}`);
    const row = await app.browser.$('[data-testid="webhook-row"][data-code="ordenes_de_compra"]');
    assert.match(await row.getText(), /Disabled/);
  });

  test("a second launch on the same data directory focuses the running window", async () => {
    const second = await new Promise((resolve) =>
      execFile(process.env.HOOKDESK_APP, [], { env: { ...process.env, HOOKDESK_DATA_DIR: dataDir }, timeout: 20_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? error.code : 0, stderr }),
      ),
    );
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /already open for .*; its window was brought to the front/);
    assert.ok(await app.has("heading", "Webhooks"), "the first window is still there");
  });

  test("after quitting and relaunching, everything is as it was", async () => {
    await app.close();
    app = await launch({ dataDir });
    assert.equal(await app.has("checkbox", `Select ${NAME}`), false, "disabled webhooks start hidden");
    await app.click("button", "More options");
    await app.click("menuitemcheckbox", "Show disabled webhooks");
    await app.click("button", `Edit ${NAME}`);
    assert.equal(await (await app.find("textbox", "Name")).getValue(), NAME);
    assert.equal(await (await app.find("textbox", "Code")).getValue(), "ordenes_de_compra");
    assert.equal(await (await app.find("checkbox", "Task created")).isSelected(), true);
    assert.equal(await (await app.find("textbox", "Url")).getValue(), "https://hooks.example.com/orders");
    assert.equal(await (await app.find("textbox", "Workflow")).getValue(), "purchase_orders");
    assert.equal(await (await app.find("switch", "Active")).getAttribute("aria-checked"), "false");
    await app.click("button", "Reveal value of Authorization");
    const value = await app.find("textbox", "Value of Authorization");
    await app.until(() => value.getValue(), (v) => v === HEADER_VALUE, "the header value, from the keyring");
  });
});
