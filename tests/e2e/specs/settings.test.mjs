// The Settings page: the Events API's curl example, copied and run as shown, is accepted;
// the token stays masked until revealed.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { closeAll, launch, shell, tempDataDir } from "../harness.mjs";

describe("the Settings page", () => {
  let app;

  before(async () => {
    app = await launch({ dataDir: tempDataDir("settings") });
    await app.click("button", "Settings");
    await app.find("heading", "Settings");
  });

  after(() => closeAll(app));

  test("the token is masked until revealed", async () => {
    const example = await app.browser.$('[data-testid="api-example"]');
    await example.waitForDisplayed();
    const shown = await app.browser.execute((el) => el.innerText, example);
    assert.match(shown, /Bearer ••••••/, "the example shows the token masked");
    const field = await app.find("textbox", "Token");
    assert.equal(await field.getValue(), "••••••", "the token field is masked");
    await app.click("button", "Reveal token");
    const token = await app.copy("Copy token");
    assert.match(token, /^hdk_/);
    await app.until(() => field.getValue(), (v) => v === token, "the revealed token");
  });

  test("the curl example, copied and run, is accepted by the API", async () => {
    const command = await app.copy("Copy example", { matches: (v) => v.startsWith("curl") });
    // The token is revealed (the test before): the example on screen is the command itself.
    const example = await app.browser.$('[data-testid="api-example"]');
    await app.until(() => app.browser.execute((el) => el.textContent, example), (t) => t === command, "the example as copied");
    const answer = JSON.parse(await shell(command + " --silent --show-error"));
    assert.match(answer.event_id, /^evt_/, `the API accepted the event: ${JSON.stringify(answer)}`);
    await app.screenshot("settings-page");
  });
});
