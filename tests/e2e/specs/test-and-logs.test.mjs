// The three things users do: press Test, watch the Logs, copy a payload — in the real window
// against a real receiver.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { cli, closeAll, createWebhook, launch, logRows, shell, tempDataDir } from "../harness.mjs";
import { startReceiver, verifies } from "../receiver.mjs";

describe("Test, Logs and copying", () => {
  const dataDir = tempDataDir("logs");
  let app;
  let receiver;
  let secret;

  before(async () => {
    receiver = await startReceiver();
    app = await launch({ dataDir });
    await createWebhook(app, { name: "Orders", url: receiver.url });
    secret = await app.copy("Copy signing secret");
    assert.match(secret, /^whsec_/);
  });

  after(() => closeAll(app, receiver));

  test("Test sends a signed sample and shows SUCCESS 200 inline", async () => {
    await app.click("button", "Test");
    const result = await app.browser.$('[data-testid="test-result"]');
    await app.until(() => result.getText(), (t) => /SUCCESS/.test(t) && /200/.test(t), "the inline result");
    const [sent] = await receiver.waitFor(1);
    assert.equal(receiver.requests.length, 1, "exactly one request");
    assert.ok(verifies(sent, secret), "the signature verifies with the webhook's secret");
    const body = JSON.parse(sent.body);
    assert.equal(body.type, "task.created");
    assert.equal(body.test, true);
    assert.ok(body.data.task, "a realistic task sample");
  });

  test("events sent through the CLI appear in Logs without reloading", async () => {
    await app.click("tab", "Logs");
    await app.until(async () => (await logRows(app)).length, (n) => n === 1, "the test attempt in the logs");
    assert.match((await logRows(app))[0].text, /test/i, "the test badge");
    cli(dataDir, ["emit", "task.created", "--data", '{"task": {"id": 1042, "name": "Purchase order #1042"}}']);
    cli(dataDir, ["emit", "task.created", "--data", '{"task": {"id": 1043}}']);
    const rows = await app.until(() => logRows(app), (r) => r.length === 3 && r.every((x) => x.result === "success"), "two live rows");
    assert.match(rows[0].text, /task\.created|Task created/);
    assert.match(rows[0].text, /200/);
    await receiver.waitFor(3);
    await app.screenshot("logs-tab");
  });

  test("Copy payload copies exactly the body the receiver got", async () => {
    const [newest] = await logRows(app);
    await (await newest.el.$("button=Logs")).click();
    const detail = await app.browser.$('[data-testid="attempt-detail"]');
    await detail.waitForDisplayed();
    const copied = await app.copy("Copy payload");
    const sent = receiver.requests.find((r) => r.body === copied);
    assert.ok(sent, `the clipboard holds a body the receiver received:\n${copied}`);
    assert.equal(JSON.parse(copied).data.task.id, 1043, "the newest event");
    await app.screenshot("logs-detail");
  });

  test("Copy as cURL with secrets replays a request that verifies", async () => {
    await app.click("checkbox", "Include secrets");
    const command = await app.copy("Copy as cURL", { matches: (v) => v.includes("curl -X POST") });
    assert.match(command, /^body=/, "the command keeps the exact body in a variable and signs it when run");
    assert.doesNotMatch(command, /••••/, "with secrets, nothing is masked");
    const before = receiver.requests.length;
    await shell(command + " --silent --show-error --output /dev/null");
    const replay = (await receiver.waitFor(before + 1))[before];
    assert.ok(verifies(replay, secret), "the replayed request verifies");
    assert.equal(JSON.parse(replay.body).data.task.id, 1043);
  });
});
