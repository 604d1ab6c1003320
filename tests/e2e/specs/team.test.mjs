// Team mode in the real window: two desktops join one PostgreSQL database (the throwaway
// server scripts/test-env.sh --postgres starts) from Settings → Team database. A webhook
// created in one is listed in the other, an event accepted by the CLI on the team database is
// delivered once and logged in both windows, and one click takes a desktop back to its own
// database and back to the team.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { cliAsync, closeAll, createWebhook, launch, logRows, tempDataDir } from "../harness.mjs";
import { startReceiver } from "../receiver.mjs";

const DATABASE = process.env.HOOKDESK_TEST_DATABASE_URL;
if (!DATABASE) throw new Error("No HOOKDESK_TEST_DATABASE_URL: run through scripts/test-env.sh --postgres (make e2e does).");
// user@host:port/database, as the window names the database (no password in this URL).
const LABEL = DATABASE.replace(/^postgres:\/\//, "");

/** The top bar's badge text ("Team: …"), or null when the window is on its own database. */
async function badge(app) {
  return app.browser.execute(() => document.querySelector(".team-badge")?.innerText ?? null);
}

async function join(app, key) {
  await app.click("button", "Settings");
  await app.find("heading", "Team database");
  await app.fill("textbox", "Database URL", DATABASE);
  if (key) {
    await app.fill("textbox", "Team key", key);
  } else {
    await app.click("button", "Generate a new key");
    key = await app.copy("Copy key", { matches: (v) => v.length === 44 });
  }
  await app.click("button", "Join team database");
  await app.find("button", "Use this computer's database", { timeout: 20_000 });
  await app.until(() => badge(app), (b) => b === `Team: ${LABEL}`, "the team badge");
  await app.click("button", "Webhooks");
  return key;
}

describe("a team database", () => {
  let first;
  let second;
  let receiver;
  let key;

  before(async () => {
    receiver = await startReceiver();
    first = await launch({ dataDir: tempDataDir("team-a") });
    second = await launch({ dataDir: tempDataDir("team-b") });
  });

  after(() => closeAll(first, second, receiver));

  test("a webhook created on one desktop is listed on another that joins with the team's key", async () => {
    key = await join(first);
    await createWebhook(first, { name: "Team orders", url: receiver.url });
    await first.click("button", "Close");
    await join(second, key);
    const row = await second.browser.$('[data-testid="webhook-row"][data-code="team_orders"]');
    await row.waitForDisplayed({ timeout: 10_000 });
  });

  test("an event accepted on the team database is delivered once and logged live in both windows", async () => {
    await cliAsync(first.dataDir, ["emit", "task.created", "--data", '{"task": {"id": 7}}', "--database-url", DATABASE]);
    const [sent] = await receiver.waitFor(1);
    assert.equal(JSON.parse(sent.body).data.task.id, 7);
    for (const app of [first, second]) {
      await app.click("button", "Edit Team orders");
      await app.find("dialog", "Team orders");
      await app.click("tab", "Logs");
      await app.until(() => logRows(app), (r) => r.length === 1 && r[0].result === "success", "the team's attempt in the logs", {
        timeout: 15_000,
      });
      await app.click("button", "Close");
    }
    assert.equal(receiver.requests.length, 1, "delivered once, by one of the two desktops");
  });

  test("one click back to this computer's database, and one click back to the team", async () => {
    await second.click("button", "Settings");
    await second.click("button", "Use this computer's database");
    await second.find("button", `Rejoin ${LABEL}`);
    await second.until(() => badge(second), (b) => b === null, "the badge gone");
    await second.click("button", "Webhooks");
    await second.find("button", "Create webhook");
    const local = await second.browser.$('[data-testid="webhook-row"][data-code="team_orders"]');
    assert.equal(await local.isExisting(), false, "this computer's database has no team webhooks");
    await second.click("button", "Settings");
    await second.click("button", `Rejoin ${LABEL}`);
    await second.until(() => badge(second), (b) => b === `Team: ${LABEL}`, "the team badge again", { timeout: 20_000 });
    await second.click("button", "Webhooks");
    const back = await second.browser.$('[data-testid="webhook-row"][data-code="team_orders"]');
    await back.waitForDisplayed({ timeout: 10_000 });
  });
});
