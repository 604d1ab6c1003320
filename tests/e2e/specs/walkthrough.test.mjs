// What a new user tripped over, in the real window: rows that open when clicked, a Test that
// paints nothing red, log rows that can be told apart (and retried now), a list that holds
// still while read, room to read, and a 410 that says so.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { cli, cliAsync, closeAll, createWebhook, launch, logRows, tempDataDir } from "../harness.mjs";
import { startReceiver } from "../receiver.mjs";

/** The webhooks list row of `name`: the one whose name cell says it. */
const rowOf = (name) => `//table[contains(@class, "webhook-table")]/tbody/tr[.//td[contains(@class, "cell-name")]//*[normalize-space() = "${name}"]]`;

async function listRow(app, name) {
  const row = await app.browser.$(rowOf(name));
  await row.waitForDisplayed({ timeoutMsg: `no list row of ${name}` });
  return row;
}

/** The log rows whose top lies within the scrolled viewport, by attempt id. */
function rowsOnScreen(app) {
  return app.browser.execute(() => {
    const viewport = document.querySelector(".log-viewport");
    const top = viewport.getBoundingClientRect().top;
    return [...viewport.querySelectorAll("[data-testid=log-row]")]
      .map((row) => ({ id: row.dataset.attemptId, y: Math.round(row.getBoundingClientRect().top - top) }))
      .filter((r) => r.y >= 0 && r.y < viewport.clientHeight)
      .sort((a, b) => a.y - b.y);
  });
}

describe("a new user's walkthrough", () => {
  const dataDir = tempDataDir("walkthrough");
  let app;
  let receiver;

  before(async () => {
    receiver = await startReceiver();
    app = await launch({ dataDir });
    await createWebhook(app, { name: "Orders", url: receiver.url, delivery: { "Delay between attempts (seconds)": 60 } });
    await app.click("button", "Close");
    await app.waitGone("dialog", "Orders");
  });

  after(() => closeAll(app, receiver));

  test("clicking a row opens it, and so does Enter on a focused row", async () => {
    const row = await listRow(app, "Orders");
    // The URL cell: not the pen, not the checkbox.
    await (await row.$("td.cell-url")).click();
    await app.find("dialog", "Orders");
    await app.click("button", "Close");
    await app.waitGone("dialog", "Orders");
    await app.browser.execute((tr) => tr.focus(), await listRow(app, "Orders"));
    await app.browser.keys(["Enter"]);
    await app.find("dialog", "Orders");
  });

  test("a Test of a URL typed into the form but never saved leaves the real Last delivery alone", async () => {
    cli(dataDir, ["emit", "task.created", "--data", '{"task": {"id": 1}}']);
    await receiver.waitFor(1);
    await app.until(async () => (await listRow(app, "Orders")).getText(), (t) => /SUCCESS/.test(t), "the real delivery's SUCCESS");
    await app.fill("textbox", "Url", "http://127.0.0.1:9/nothing-listens-here");
    await app.click("button", "Test");
    const result = await app.browser.$('[data-testid="test-result"]');
    await app.until(() => result.getText(), (t) => /FAILED/.test(t), "the failed Test");
    await app.click("button", "Close");
    await app.click("button", "Discard changes");
    await app.waitGone("dialog", "Orders");
    // Give a wrongly counted Test time to show, then look.
    cli(dataDir, ["webhooks", "list"]);
    const text = await (await listRow(app, "Orders")).getText();
    assert.match(text, /SUCCESS/);
    assert.doesNotMatch(text, /FAILED/, "the Test did not become the webhook's last delivery");
  });

  test("log rows show the event id, a line of the payload and when a retry is due, with Retry now", async () => {
    receiver.setStatus(500);
    cli(dataDir, ["emit", "task.created", "--data", '{"task": {"id": 77, "name": "Walkthrough"}}']);
    const sent = (await receiver.waitFor(2))[1];
    await (await (await listRow(app, "Orders")).$("td.cell-url")).click();
    await app.find("dialog", "Orders");
    await app.click("tab", "Logs");
    const rows = await app.until(() => logRows(app), (r) => r[0]?.result === "retrying", "the RETRYING row");
    assert.match(rows[0].text, /task\.id: 77 · task\.name: Walkthrough/, "a line of the payload");
    assert.match(rows[0].text, /retry in \d+ (s|min)/, "when the retry is due");
    const eventId = sent.headers["webhook-id"];
    const copied = await app.copy(`Copy event id ${eventId}`);
    assert.equal(copied, eventId, "the event id, the receiver's webhook-id");

    receiver.setStatus(200);
    const asked = Date.now();
    await (await rows[0].el.$("button=Retry now")).click();
    await receiver.waitFor(3, 10_000);
    assert.ok(Date.now() - asked < 10_000, "at once, not in a minute");
    const settled = await app.until(
      () => logRows(app),
      (r) => r[0]?.result === "success" && r[1]?.result === "failed",
      "the retry's SUCCESS above the first attempt",
    );
    assert.match(settled[1].text, /succeeded after 2 attempts/, "the failed attempt says how its delivery ended");
  });

  test("the list holds still while it is read; new rows wait behind “N new”", async () => {
    // One after the other (their order is the list's), without blocking the receiver.
    for (let i = 0; i < 30; i++) await cliAsync(dataDir, ["emit", "task.created", "--data", JSON.stringify({ task: { id: 100 + i } })]);
    await receiver.waitFor(3 + 30, 30_000);
    // 1 delivery, 1 Test, 2 attempts of the retried one, 30 more.
    await app.until(() => app.text(".logs-count"), (t) => /^34 attempts/.test(t), "all 34 attempts counted");
    await app.browser.execute(() => {
      document.querySelector(".log-viewport").scrollTop = 230;
    });
    const before = await app.until(() => rowsOnScreen(app), (r) => r.length > 3, "rows on screen");
    for (let i = 0; i < 3; i++) await cliAsync(dataDir, ["emit", "task.created", "--data", JSON.stringify({ task: { id: 200 + i } })]);
    await receiver.waitFor(36, 15_000);
    const button = await app.find("button", "Show 3 new attempts");
    assert.deepEqual(await rowsOnScreen(app), before, "the rows being read did not move");
    await app.screenshot("logs-held-new");
    await button.click();
    await app.until(() => logRows(app), (r) => /task\.id: 202/.test(r[0]?.text ?? ""), "the newest of the new rows on top");
  });

  test("the Logs open full width, and an attempt's detail moves to the next row and back", async () => {
    await app.click("button", "Full width");
    const widths = await app.browser.execute(() => ({
      drawer: document.querySelector("[role=dialog]").getBoundingClientRect().width,
      window: window.innerWidth,
    }));
    assert.ok(widths.drawer >= widths.window - 2, `full width: ${widths.drawer} of ${widths.window} px`);
    await app.screenshot("logs-full-width");
    const [first, second] = await logRows(app);
    await first.el.click();
    const detail = await app.browser.$('[data-testid="attempt-detail"]');
    await detail.waitForDisplayed();
    const idOf = async (row) => row.el.getAttribute("data-attempt-id");
    const shows = async (id) => app.until(() => app.browser.$(`[data-attempt-id="${id}"].is-open`).isExisting(), Boolean, `row ${id} open`);
    await shows(await idOf(first));
    await app.click("button", "Next attempt");
    await shows(await idOf(second));
    await app.click("button", "Previous attempt");
    await shows(await idOf(first));
    await app.click("button", "Close details");
    await app.click("button", "Exit full width");
  });

  test("a 410 Gone says so, and the webhook stays in view until hidden", async () => {
    await app.click("button", "Close");
    await app.waitGone("dialog", "Orders");
    receiver.setStatus(410);
    const before = receiver.requests.length;
    cli(dataDir, ["emit", "task.created", "--data", '{"task": {"id": 410}}']);
    await receiver.waitFor(before + 1);
    await app.until(() => app.text(".toast-region"), (t) => /“Orders” was deactivated/.test(t), "the toast");
    const row = await listRow(app, "Orders");
    await app.until(() => row.getText(), (t) => /Disabled/.test(t), "the Disabled badge in view");
    await app.find("button", "Activate Orders");
    await app.click("button", "Hide Orders");
    await app.until(() => app.browser.$(rowOf("Orders")).isExisting(), (there) => !there, "the row hidden");
  });
});
