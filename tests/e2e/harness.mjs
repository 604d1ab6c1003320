// Drives the real Hookdesk window over WebDriver: tauri-driver + WebKitWebDriver, inside the
// Xvfb display and private keyring that scripts/test-env.sh sets up. Each app gets its own
// data directory and its own tauri-driver (the app inherits the driver's environment).

import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { remote } from "webdriverio";

export const ARTIFACTS = path.resolve(import.meta.dirname, "../artifacts");
const APP = process.env.HOOKDESK_APP;
if (!APP) throw new Error("Set HOOKDESK_APP to the built hookdesk binary (make e2e does).");
if (!process.env.DISPLAY) throw new Error("No DISPLAY: run through scripts/test-env.sh --display (make e2e does).");

export function tempDataDir(label) {
  return mkdtempSync(path.join(os.tmpdir(), `hookdesk-e2e-${label}-`));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitForPort(port, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`);
}

/**
 * Finds the visible element with an ARIA role and accessible name, the way a person (or a
 * screen reader) would: aria-labelledby, aria-label, <label for>, a wrapping label, a
 * fieldset's legend, the text content, the title.
 */
function accessibleLocator(role, name) {
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const textOf = (el) => norm(el.innerText ?? el.textContent);
  const nameOf = (el) => {
    const by = el.getAttribute("aria-labelledby");
    if (by) return norm(by.split(/\s+/).map((id) => document.getElementById(id)?.innerText || "").join(" "));
    const label = el.getAttribute("aria-label");
    if (label) return norm(label);
    if (el.id) {
      const l = document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
      if (l) return textOf(l);
    }
    if (el.matches("input,select,textarea")) {
      const wrap = el.closest("label");
      if (wrap) return textOf(wrap);
    }
    if (el.matches("fieldset")) {
      const legend = el.querySelector(":scope > legend");
      if (legend) return textOf(legend);
    }
    if (!el.matches("input,select,textarea")) {
      const t = textOf(el);
      if (t) return t;
    }
    return norm(el.getAttribute("title"));
  };
  const selectors = {
    button: "button,[role=button],input[type=button],input[type=submit]",
    checkbox: "input[type=checkbox],[role=checkbox]",
    switch: "[role=switch]",
    textbox:
      "input:not([type]),input[type=text],input[type=url],input[type=search],input[type=password],input[type=email],textarea,[role=textbox]",
    spinbutton: "input[type=number],[role=spinbutton]",
    combobox: "select,[role=combobox]",
    menuitem: "[role=menuitem]",
    menuitemcheckbox: "[role=menuitemcheckbox]",
    tab: "[role=tab]",
    dialog: "[role=dialog],dialog[open]",
    group: "fieldset,[role=group]",
    status: "[role=status]",
    link: "a[href]",
    heading: "h1,h2,h3,h4,[role=heading]",
  };
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const all = [...document.querySelectorAll(selectors[role] || `[role="${role}"]`)];
  return all.find((el) => visible(el) && nameOf(el) === name) || null;
}

export class App {
  constructor(browser, driver, dataDir, log) {
    this.browser = browser;
    this.driver = driver;
    this.dataDir = dataDir;
    this.log = log;
  }

  /** The element with this role and accessible name, once it is there and visible. */
  async find(role, name, { timeout = 10_000 } = {}) {
    let found;
    await this.browser.waitUntil(
      async () => {
        const el = await this.browser.custom$("accessible", role, name);
        if (el.error || !(await el.isExisting())) return false;
        found = el;
        return true;
      },
      { timeout, interval: 100, timeoutMsg: `no visible ${role} named "${name}" within ${timeout} ms` },
    );
    return found;
  }

  /** Whether such an element is visible now. */
  async has(role, name) {
    const el = await this.browser.custom$("accessible", role, name);
    return !el.error && (await el.isExisting());
  }

  async waitGone(role, name, { timeout = 10_000 } = {}) {
    await this.browser.waitUntil(async () => !(await this.has(role, name)), {
      timeout,
      interval: 100,
      timeoutMsg: `the ${role} "${name}" is still there after ${timeout} ms`,
    });
  }

  async click(role, name, options) {
    const el = await this.find(role, name, options);
    await el.click();
    return el;
  }

  /** Replaces a text field's content, as typing would, and checks that it took: keys sent
   * while the window is still settling (a section opening) can land before the focus does. */
  async fill(role, name, text) {
    let value;
    for (let attempt = 0; attempt < 3; attempt++) {
      const el = await this.find(role, name);
      await el.click();
      await this.browser.keys([process.platform === "darwin" ? "Meta" : "Control", "a"]);
      await this.browser.keys(["Backspace"]);
      if (text) await el.addValue(text);
      value = await el.getValue();
      if (value === text) return el;
    }
    throw new Error(`the ${role} "${name}" holds ${JSON.stringify(value)} after typing ${JSON.stringify(text)}`);
  }

  /** Waits until `read()` returns something `ok` accepts; returns it. */
  async until(read, ok, what, { timeout = 10_000 } = {}) {
    let last;
    let failure;
    try {
      await this.browser.waitUntil(
        async () => {
          try {
            last = await read();
            failure = undefined;
          } catch (error) {
            failure = error; // e.g. an element React replaced: read again next time
            return false;
          }
          return ok(last);
        },
        { timeout, interval: 100 },
      );
    } catch {
      const why = failure ? `reading failed: ${failure.message}` : `still ${JSON.stringify(last)}`;
      throw new Error(`${what}: ${why} after ${timeout} ms`);
    }
    return last;
  }

  /** An element's accessible description: the text of what its aria-describedby names
   * (hints and field errors under a field). */
  async description(el) {
    return this.browser.execute(
      (node) =>
        (node.getAttribute("aria-describedby") || "")
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.innerText || "")
          .join(" ")
          .replace(/\s+/g, " ")
          .trim(),
      el,
    );
  }

  async text(selector) {
    return (await this.browser.$(selector)).getText();
  }

  async screenshot(name) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await this.browser.saveScreenshot(path.join(ARTIFACTS, `${name}.png`));
  }

  /** What the app put on the clipboard (read while the app still owns it). */
  clipboard() {
    try {
      return execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 });
    } catch {
      return ""; // nothing on the clipboard yet
    }
  }

  /** Clicks a copy button and waits for the clipboard to hold something new. */
  async copy(name, { matches = () => true } = {}) {
    const before = this.clipboard();
    await this.click("button", name);
    return this.until(() => this.clipboard(), (v) => v !== before && matches(v), `the clipboard after ${name}`);
  }

  /** Waits for Save to be enabled (found afresh each time: React may replace the button
   * while the form settles), then presses it. On a timeout, says what the panel showed. */
  async saveWhenEnabled() {
    try {
      await this.until(async () => (await this.find("button", "Save")).isEnabled(), Boolean, "Save enabled");
    } catch (error) {
      await this.screenshot("save-never-enabled");
      const form = await this.browser.execute(() => {
        const drawer = document.querySelector("[role=dialog]");
        const values = [...(drawer?.querySelectorAll("input") ?? [])].map(
          (i) => `${i.id}=${i.type === "checkbox" ? i.checked : i.value}`,
        );
        return `${drawer?.innerText ?? "(no panel)"}\n[${values.join(", ")}]`;
      });
      throw new Error(`${error.message}\nThe panel said:\n${form}`);
    }
    await this.click("button", "Save");
  }

  /** Ends the session and the app. Each step has a deadline: an app that does not quit when
   * its session ends is killed with its whole process group (else it keeps the driver's
   * pipes, and so this spec's process, open for ever), its log's tail is said on stderr, and
   * the close fails, since a window closed on a process that stays is a defect. The log is
   * kept in tests/artifacts either way. */
  async close() {
    const ended = await within(45_000, this.browser.deleteSession().then(
      () => true,
      (e) => (console.warn(`[harness] deleteSession failed: ${e.message}`), false),
    ));
    if (!ended) console.warn("[harness] the WebDriver session did not end within 45 s");
    // SIGTERM first: tauri-driver then stops WebKitWebDriver, which stops the app.
    this.driver.kill("SIGTERM");
    if (!(await within(10_000, exited(this.driver)))) console.warn("[harness] tauri-driver did not exit within 10 s of SIGTERM");
    // WebKit's helper processes (network, web) end on their own once the app is gone, a
    // little later; they are killed with the group either way. Only the app itself staying
    // is a defect.
    let left = [];
    const deadline = Date.now() + 5_000;
    while ((left = living(this.driver).filter((p) => p.includes(APP))).length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    killGroup(this.driver);
    await within(5_000, exited(this.driver));
    const log = this.log();
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, `${path.basename(this.dataDir)}.log`), log);
    if (!ended || left.length > 0) {
      console.warn(`[harness] the app's last log lines:\n${log.split("\n").slice(-40).join("\n")}`);
    }
    if (left.length > 0) throw new Error(`the app was still running 5 s after its session ended and tauri-driver exited (killed now):\n${left.join("\n")}`);
  }
}

/** The processes of the driver's group that are still alive (not zombies): pid, state, name. */
function living(child) {
  try {
    return execFileSync("ps", ["-o", "pid=,stat=,args=", "-g", String(child.pid)], { encoding: "utf8" })
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !/^\d+\s+Z/.test(l));
  } catch {
    return []; // no process left in the group
  }
}

/** Closes each of these (apps, receivers, daemons) even when one fails to, so that nothing
 * is left to keep the spec's process alive; then throws the first failure. */
export async function closeAll(...things) {
  const failures = [];
  for (const thing of things) {
    try {
      await thing?.close();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

/** Whether `promise` settled within `ms`. */
function within(ms, promise) {
  let timer;
  return Promise.race([
    promise.then(() => true),
    new Promise((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]).finally(() => clearTimeout(timer));
}

function exited(child) {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", resolve)));
}

/** SIGKILL to the driver's process group: tauri-driver, WebKitWebDriver and the app. */
function killGroup(child) {
  drivers.delete(child);
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // the whole group is gone
  }
}

/** Driver groups not yet killed when this spec's process ends (a test that failed before
 * `after`, or a spec that forgot to close). */
const drivers = new Set();
process.on("exit", () => drivers.forEach(killGroup));

const DROPPED = ["UND_ERR_SOCKET", "ECONNRESET", "ECONNREFUSED"];
const dropped = (e) => DROPPED.some((code) => e?.code === code || e?.cause?.code === code || String(e?.message).includes(code));

/**
 * A WebDriver session through tauri-driver. Session creation is retried here, and every
 * later request by WebdriverIO, when tauri-driver drops it without an answer; each retry is
 * said on stderr.
 */
export async function openSession(port, capabilities, { attempts = 3 } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      // A WebDriver request answers in well under a second; one stuck for 30 s is retried (and said).
      const browser = await remote({
        hostname: "127.0.0.1",
        port,
        capabilities,
        logLevel: "error",
        connectionRetryCount: 0,
        connectionRetryTimeout: 30_000,
      });
      browser.options.connectionRetryCount = 2;
      browser.on("request.retry", ({ error, retryCount }) =>
        console.warn(
          dropped(error)
            ? `[harness] tauri-driver dropped a WebDriver request (${error?.message}); retry ${retryCount} of 2`
            : `[harness] a WebDriver request failed (${error?.message}); WebdriverIO tries it again (${retryCount} of 2)`,
        ),
      );
      return browser;
    } catch (e) {
      if (!dropped(e) || attempt >= attempts) throw e;
      console.warn(`[harness] tauri-driver dropped POST /session (${e.message}); retrying (${attempt} of ${attempts - 1})`);
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/** Starts the app on `dataDir` (a fresh one when not given). */
export async function launch({ dataDir = tempDataDir("app"), env = {} } = {}) {
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, HOOKDESK_DATA_DIR: dataDir, HOOKDESK_API_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so that a hung app can be killed with its drivers.
    detached: true,
  });
  drivers.add(driver);
  let log = "";
  driver.stdout.on("data", (d) => (log += d));
  driver.stderr.on("data", (d) => (log += d));
  // tauri-driver listens a few milliseconds before the WebKitWebDriver it starts; a request
  // it cannot forward meanwhile is dropped without an answer (UND_ERR_SOCKET). So wait for
  // both, and retry a dropped request anyway (tauri-driver drops on any forwarding error).
  await waitForPort(port, 30_000, "tauri-driver");
  await waitForPort(nativePort, 30_000, "WebKitWebDriver");
  const browser = await openSession(port, { "tauri:options": { application: APP } });
  browser.addLocatorStrategy("accessible", accessibleLocator);
  const app = new App(browser, driver, dataDir, () => log);
  await app.find("heading", "Webhooks", { timeout: 30_000 });
  return app;
}

/** The CLI's deadline: it answers in milliseconds; a hang must fail the test, not stall it. */
const CLI_TIMEOUT_MS = 30_000;

/** How the CLI runs against the app of `dataDir`, for `cli` and `cliAsync`. */
const cliOptions = (dataDir) => ({
  env: { ...process.env, HOOKDESK_DATA_DIR: dataDir },
  encoding: "utf8",
  timeout: CLI_TIMEOUT_MS,
  killSignal: "SIGKILL",
});

/** A CLI run that failed, saying whether it was cut off at the deadline. */
function cliFailure(args, error, stderr) {
  const why = error.killed || error.signal === "SIGKILL" ? `did not finish within ${CLI_TIMEOUT_MS} ms` : error.message;
  return new Error(`hookdesk ${args.join(" ")}: ${why}\n${stderr ?? ""}`);
}

/** Runs the hookdesk CLI against the app of `dataDir` (it finds the running instance itself). */
export function cli(dataDir, args) {
  try {
    return execFileSync(APP, args, { ...cliOptions(dataDir), stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    throw cliFailure(args, error, error.stderr);
  }
}

/** `cli`, without blocking this process: a receiver living here keeps answering meanwhile.
 * (Blocked for longer than Node's 5 s keep-alive timeout, a receiver closes the idle
 * connection as the next delivery arrives on it, and the delivery fails with a reset.) */
export function cliAsync(dataDir, args) {
  return new Promise((resolve, reject) => {
    execFile(APP, args, cliOptions(dataDir), (error, stdout, stderr) =>
      error ? reject(cliFailure(args, error, stderr)) : resolve(stdout),
    );
  });
}

/** Runs a shell command, as a user pasting it into a terminal would. Asynchronous, so
 * that receivers living in this process can answer it. */
export function shell(command) {
  return new Promise((resolve, reject) => {
    execFile("bash", ["-c", command], { encoding: "utf8", timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/** Creates a webhook through the settings panel and leaves the panel open on it. */
export async function createWebhook(app, { name, url, triggers = ["Task created"], delivery = {} }) {
  await app.click("button", "Create webhook");
  await app.find("dialog", "New webhook");
  await app.fill("textbox", "Name", name);
  await app.fill("textbox", "Url", url);
  for (const t of triggers) await app.click("checkbox", t);
  if (Object.keys(delivery).length > 0) {
    await app.click("button", "Delivery");
    for (const [label, value] of Object.entries(delivery)) await app.fill("spinbutton", label, String(value));
  }
  await app.saveWhenEnabled();
  await app.find("dialog", name);
  await app.until(async () => (await app.find("textbox", "Code")).getAttribute("readonly"), (v) => v !== null, "saved");
}

/** The visible log rows, newest first, as their text and result. */
export async function logRows(app) {
  const rows = await app.browser.$$('[data-testid="log-row"]');
  const out = [];
  for (const row of rows) {
    const text = await app.browser.execute((el) => el.innerText.replace(/\s+/g, " ").trim(), row);
    out.push({ el: row, result: await row.getAttribute("data-result"), text });
  }
  return out;
}
