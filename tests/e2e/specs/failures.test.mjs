// A failing receiver in the real window: FAILED rows with the status and the retry count,
// Resend once it is fixed, and a pause after repeated failures that Resume releases.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { cli, closeAll, createWebhook, launch, logRows, tempDataDir } from "../harness.mjs";
import { startReceiver } from "../receiver.mjs";

const NAME = "Flaky";

describe("failures, resend, pause and resume", () => {
  const dataDir = tempDataDir("failures");
  let app;
  let receiver;

  before(async () => {
    receiver = await startReceiver();
    receiver.setStatus(500);
    app = await launch({ dataDir });
    await createWebhook(app, {
      name: NAME,
      url: receiver.url,
      delivery: { Attempts: 2, "Delay between attempts (seconds)": 1, "Pause after consecutive failed deliveries": 2 },
    });
    await app.click("tab", "Logs");
  });

  after(() => closeAll(app, receiver));

  test("a failing receiver gives FAILED rows with the status and the attempt count", async () => {
    cli(dataDir, ["emit", "task.created", "--data", '{"task": {"id": 1}}']);
    const rows = await app.until(() => logRows(app), (r) => r.length === 2 && r.every((x) => x.result === "failed"), "two failed attempts");
    assert.match(rows[0].text, /FAILED/);
    assert.match(rows[0].text, /500/);
    assert.match(rows[0].text, /2\/2/, "the second of two attempts");
    assert.match(rows[1].text, /1\/2/);
  });

  test("Resend after fixing the receiver gives SUCCESS", async () => {
    receiver.setStatus(200);
    const [newest] = await logRows(app);
    await (await newest.el.$("button=Logs")).click();
    await (await app.browser.$('[data-testid="attempt-detail"]')).waitForDisplayed();
    await app.click("button", "Resend");
    await app.click("button", "Close details");
    const rows = await app.until(() => logRows(app), (r) => r.length === 3, "the resent attempt");
    assert.equal(rows[0].result, "success");
    assert.match(rows[0].text, /200/);
  });

  test("repeated failures pause the webhook; Resume delivers what was held", async () => {
    receiver.setStatus(500);
    const before = receiver.requests.length;
    cli(dataDir, ["emit", "task.created", "--data", '{"task": {"id": 2}}']);
    cli(dataDir, ["emit", "task.created", "--data", '{"task": {"id": 3}}']);
    // Two deliveries of two attempts each fail: the webhook pauses.
    await receiver.waitFor(before + 4, 20_000);
    const dialog = await app.find("dialog", NAME);
    const note = await app.until(
      () => dialog.$(".drawer-status-note").getText(),
      (t) => /Paused after 2 consecutive failed deliveries/.test(t),
      "the pause reason in the panel",
    );
    assert.equal(note.match(/Resume/g)?.length, 1, `Resume is named once: ${note}`);
    // The badge and the reason side by side, never drawn over each other.
    const [badge, text] = await app.browser.execute((d) => {
      const box = (el) => el.getBoundingClientRect().toJSON();
      return [box(d.querySelector(".drawer-status-note .status-badge")), box(d.querySelector(".drawer-status-text"))];
    }, dialog);
    assert.ok(badge.right <= text.left || badge.bottom <= text.top, `the badge ${JSON.stringify(badge)} overlaps ${JSON.stringify(text)}`);
    await app.screenshot("paused-drawer");
    await app.click("button", "Close");
    const row = await app.browser.$('[data-testid="webhook-row"][data-code="flaky"]');
    await app.until(() => row.getText(), (t) => /Paused after failures/.test(t), "the paused badge in the list");
    await app.screenshot("paused-webhook");

    // Paused: new events are held, nothing is sent.
    cli(dataDir, ["emit", "task.created", "--data", '{"task": {"id": 4}}']);
    // The list says it is held as soon as it is queued (no reload), and nothing went out.
    await app.until(() => row.getText(), (t) => /1 held/.test(t), "the held delivery in the list");
    assert.equal(receiver.requests.length, before + 4, "nothing is sent while paused");
    // The Logs tab shows it as a PENDING row above the failed attempts.
    await app.click("button", `Edit ${NAME}`);
    await app.click("tab", "Logs");
    const [held] = await app.until(() => logRows(app), (r) => r[0]?.result === "pending", "the PENDING row on top");
    assert.match(held.text, /PENDING/);
    assert.match(held.text, /0\/2/, "no attempt made yet, of two");
    await app.screenshot("logs-pending");
    await app.click("button", "Close");
    await app.waitGone("dialog", NAME);

    receiver.setStatus(200);
    await app.click("button", `Resume ${NAME}`);
    const released = await receiver.waitFor(before + 5, 20_000);
    assert.equal(JSON.parse(released[before + 4].body).data.task.id, 4, "the held event arrives once resumed");
    await app.until(() => row.getText(), (t) => /Active/.test(t), "active again");
  });
});
