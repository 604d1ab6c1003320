// Recover in the real window: a webhook fails for a while; Recover since the start counts
// the failed events, delivers each again in order, and shows it happening.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { cliAsync, closeAll, createWebhook, launch, logRows, tempDataDir } from "../harness.mjs";
import { startReceiver } from "../receiver.mjs";

const NAME = "Outage";

describe("recover failed deliveries", () => {
  const dataDir = tempDataDir("recover");
  let app;
  let receiver;

  before(async () => {
    receiver = await startReceiver();
    receiver.setStatus(503);
    app = await launch({ dataDir });
    await createWebhook(app, { name: NAME, url: receiver.url, delivery: { Attempts: 1 } });
    await app.click("tab", "Logs");
  });

  after(() => closeAll(app, receiver));

  test("Recover since the outage began gives a SUCCESS row for each failed event, in order", async () => {
    for (const id of [1, 2, 3]) await cliAsync(dataDir, ["emit", "task.created", "--data", JSON.stringify({ task: { id } })]);
    await app.until(() => logRows(app), (r) => r.length === 3 && r.every((x) => x.result === "failed"), "three failed deliveries");
    receiver.setStatus(200);
    const sent = receiver.requests.length;

    await app.click("button", "Recover…");
    const dialog = await app.find("dialog", `Recover failed deliveries of ${NAME}`);
    await app.until(() => dialog.getText(), (t) => /3 events whose latest delivery failed/.test(t), "the count before starting");
    await app.screenshot("recover-confirm");
    await app.click("button", "Recover 3 deliveries");

    const running = await app.find("dialog", `Recovering ${NAME}`);
    await app.until(() => running.getText(), (t) => /3 of 3 deliveries delivered · 3 succeeded, 0 failed/.test(t), "the progress to the end");
    await app.screenshot("recover-done");
    await app.click("button", "Done");

    const again = await receiver.waitFor(sent + 3, 10_000);
    assert.deepEqual(
      again.slice(sent).map((r) => JSON.parse(r.body).data.task.id),
      [1, 2, 3],
      "the failed events, again, in acceptance order",
    );
    const rows = await app.until(() => logRows(app), (r) => r.length === 6, "three new attempts in the Logs");
    assert.deepEqual(
      rows.map((r) => r.result),
      ["success", "success", "success", "failed", "failed", "failed"],
    );
  });

  test("the Health tab shows the failures and the recovery", async () => {
    await app.click("tab", "Health");
    const health = await app.browser.$("section.health");
    await health.waitForDisplayed({ timeout: 10_000 });
    const figure = (name) =>
      app.browser.execute(
        (region, n) => [...region.querySelectorAll("dt")].find((dt) => dt.textContent === n)?.nextElementSibling?.textContent,
        health,
        name,
      );
    await app.until(() => figure("Attempts"), (v) => v === "6", "six attempts in the figures");
    assert.equal(await figure("Failed"), "3");
    assert.equal(await figure("Success rate"), "50.0 %");
    // Both charts are drawn, with marks, in the real window.
    const drawn = await app.until(
      () => app.browser.execute(() => document.querySelectorAll(".time-chart svg rect, .time-chart svg path").length > 0 ? document.querySelectorAll(".time-chart svg").length : 0),
      (n) => n === 2,
      "both charts drawn",
    );
    assert.equal(drawn, 2);
    await app.screenshot("health-tab");
    await app.click("button", "Close");
    const row = await app.browser.$('[data-testid="webhook-row"][data-code="outage"]');
    const spark = await row.$("svg.sparkline");
    await spark.waitForExist({ timeout: 10_000 });
    assert.match(await spark.getAttribute("aria-label"), /6 attempts, 3 failed \(50\.0 % succeeded\)/);
  });

  test("the Deliveries page lists them all with where each went, and narrows to one event", async () => {
    await app.click("button", "Deliveries");
    await app.find("table", "All deliveries");
    const rows = await app.until(() => logRows(app), (r) => r.length === 6, "the six attempts");
    assert.ok(rows.every((r) => /outage/.test(r.text)), "each row names the webhook it went to");
    const id = await rows[0].el.$(".log-event-id [title]").getAttribute("title");
    await app.fill("textbox", "Event id", id);
    const one = await app.until(() => logRows(app), (r) => r.length === 2, "the event's two attempts");
    assert.deepEqual(one.map((r) => r.result), ["success", "failed"], "its recovered delivery, then the failed one");
    await app.screenshot("deliveries-page");
  });

  test("a ticked row is resent with Resend selected, and its new attempt joins the event's rows", async () => {
    const sent = receiver.requests.length;
    const [, failed] = await logRows(app);
    await (await failed.el.$('input[type="checkbox"]')).click();
    await app.until(() => app.text(".logs-selection"), (t) => /1 selected/.test(t), "the selection");
    await app.click("button", "Resend selected");
    const again = await receiver.waitFor(sent + 1, 10_000);
    assert.equal(JSON.parse(again[sent].body).data.task.id, 3, "the ticked row's event");
    const rows = await app.until(() => logRows(app), (r) => r.length === 3, "the resent attempt");
    assert.deepEqual(rows.map((r) => r.result), ["success", "success", "failed"]);
    assert.equal(await app.browser.$(".logs-selection").isExisting(), false, "the selection is cleared");
  });
});
