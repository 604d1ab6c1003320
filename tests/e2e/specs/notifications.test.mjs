// Desktop notifications in the real window, shown to a stand-in notification daemon on the
// test D-Bus session: a pause raises one naming the webhook, a second failure within minutes
// raises none, and a click on it opens the webhook's Logs.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { after, before, describe, test } from "node:test";
import { cli, closeAll, createWebhook, launch, tempDataDir } from "../harness.mjs";
import { startReceiver } from "../receiver.mjs";

const NAME = "Chatty";
const ROOT = path.resolve(import.meta.dirname, "../../..");

/** The daemon, with the notifications it was asked to show. */
async function startDaemon() {
  const child = spawn(path.join(ROOT, ".venv-test/bin/python"), [path.join(ROOT, "tests/e2e/notification_daemon.py")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const shown = [];
  let ready;
  const isReady = new Promise((resolve) => (ready = resolve));
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    const message = JSON.parse(line);
    if (message.ready) ready();
    else if (message.summary !== undefined) shown.push(message);
  });
  await isReady;
  return {
    shown,
    click: (id) => child.stdin.write(`click ${id}\n`),
    close: () => child.kill(),
  };
}

describe("desktop notifications", () => {
  const dataDir = tempDataDir("notifications");
  let app;
  let receiver;
  let daemon;

  before(async () => {
    daemon = await startDaemon();
    receiver = await startReceiver();
    receiver.setStatus(500);
    app = await launch({ dataDir });
    await createWebhook(app, {
      name: NAME,
      url: receiver.url,
      delivery: { Attempts: 1, "Pause after consecutive failed deliveries": 2 },
    });
    await app.click("button", "Close");
  });

  after(() => closeAll(app, receiver, daemon));

  test("a used-up delivery notifies once; the pause that follows within minutes does not again", async () => {
    cli(dataDir, ["emit", "task.created", "--data", '{"task": {"id": 1}}']);
    const [first] = await app.until(() => daemon.shown, (s) => s.length === 1, "the first notification");
    assert.equal(first.app_name, "Hookdesk");
    assert.equal(first.summary, `A task.created delivery to “${NAME}” failed`);
    assert.match(first.body, /used up its 1 attempts/);
    assert.deepEqual(first.actions, ["default", "Open logs"], "a click on it is answered");

    cli(dataDir, ["emit", "task.created", "--data", '{"task": {"id": 2}}']);
    // The second failure pauses the webhook: the list says so, the desktop is not told twice.
    await app.until(() => app.text("body"), (t) => t.includes(`Webhook “${NAME}” was paused`), "the pause toast");
    await receiver.waitFor(2, 10_000);
    assert.equal(daemon.shown.length, 1, "one notification per webhook within the quiet period");
  });

  test("a click on the notification opens the webhook's Logs", async () => {
    daemon.click(daemon.shown[0].id);
    const drawer = await app.find("dialog", NAME);
    await app.until(
      async () => (await app.find("tab", "Logs")).getAttribute("aria-selected"),
      (v) => v === "true",
      "the Logs tab selected",
    );
    assert.ok(await drawer.isDisplayed());
    await app.screenshot("notification-opened-logs");
  });
});
