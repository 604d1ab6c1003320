// `make bench`, footprint part: the release binary's size, the app's memory when idle with a
// million attempts stored and the panel shown, the cold start (process start → the webhooks
// list visible), and how smoothly that webhook's Logs scroll. Prints a table, then
// name=value lines.
//
// HOOKDESK_APP: the release binary. HOOKDESK_BENCH_DATASET: the data directory the
// throughput benchmark filled with 1,000,000 attempts.

import { mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { launch } from "./harness.mjs";

const app = process.env.HOOKDESK_APP;
const dataset = process.env.HOOKDESK_BENCH_DATASET;
if (!dataset) throw new Error("Set HOOKDESK_BENCH_DATASET (scripts/bench.sh does).");

const MiB = 1024 * 1024;
const ticksPerSecond = 100; // USER_HZ on Linux
const bootMs = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))[1]) * 1000;

function processes() {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return { pid: Number(pid), ppid: Number(fields[1]), startTicks: Number(fields[19]), exe: safeExe(pid) };
      } catch {
        return null;
      }
    })
    .filter(Boolean);
}

function safeExe(pid) {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return "";
  }
}

function memoryKb(pid, key) {
  const file = key === "Pss" ? `/proc/${pid}/smaps_rollup` : `/proc/${pid}/status`;
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(readFileSync(file, "utf8"));
  return match ? Number(match[1]) : 0;
}

function tree(all, root) {
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...all.filter((p) => p.ppid === out[i].pid));
  return out;
}

const figures = [];
function add(name, value, unit, note) {
  figures.push({ name, value, unit, note });
}

// HOOKDESK_FOOTPRINT=scroll measures the scrolling alone (for comparing two builds).
const only = process.env.HOOKDESK_FOOTPRINT;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
if (only !== "scroll") {
  add("binary_mb", statSync(app).size / MiB, "MB", "the release binary, UI embedded");

  const LAUNCHES = 3;
  /** A launch slower than this failed (the harness gives the window 30 s to appear). */
  const COLD_START_LIMIT_MS = 30_000;

  /** Opens the app on a data directory; returns the cold start and, after it settles, the memory. */
  async function launchOnce(dataDir = dataset) {
    const session = await launch({ dataDir, env: { HOOKDESK_LOG: "warn" } });
    try {
      await session.browser.waitUntil(
        () => session.browser.execute(() => performance.getEntriesByName("webhooks-list-visible").length > 0),
        { timeout: 30_000, timeoutMsg: "the webhooks list never showed" },
      );
      const visibleAt = await session.browser.execute(() => {
        const mark = performance.getEntriesByName("webhooks-list-visible")[0];
        return mark ? performance.timeOrigin + mark.startTime : null;
      });
      // The app this session started: a hookdesk under this session's tauri-driver, not any
      // other one that happens to run.
      const main = tree(processes(), { pid: session.driver.pid }).find((p) => p.exe === path.resolve(app));
      if (!main) throw new Error(`no ${app} process under this session's tauri-driver (pid ${session.driver.pid}): nothing to measure`);
      const startedAt = bootMs + (main.startTicks * 1000) / ticksPerSecond;
      if (visibleAt === null) throw new Error("the UI did not mark the moment the list became visible");
      const coldStartMs = visibleAt - startedAt;
      if (!(coldStartMs > 0 && coldStartMs < COLD_START_LIMIT_MS)) {
        throw new Error(`the webhooks list took ${Math.round(coldStartMs)} ms to show (limit ${COLD_START_LIMIT_MS}): a failed launch, not a figure`);
      }

      // Idle: let start-up work settle, then read the memory of the app and its WebKit processes.
      await new Promise((r) => setTimeout(r, 3000));
      const procs = tree(processes(), main);
      if (procs.length < 2) {
        throw new Error(`found no WebKit process under the app (pid ${main.pid}): its memory would be only part of the figure`);
      }
      return {
        coldStartMs,
        pss: procs.reduce((sum, p) => sum + memoryKb(p.pid, "Pss"), 0) / 1024,
        rssMain: memoryKb(main.pid, "VmRSS") / 1024,
        rssTree: procs.reduce((sum, p) => sum + memoryKb(p.pid, "VmRSS"), 0) / 1024,
        webkitProcesses: procs.length - 1,
      };
    } finally {
      await session.close();
    }
  }

  // Shared machines are noisy: the app is launched several times and the medians reported.
  const runs = [];
  for (let i = 0; i < LAUNCHES; i++) runs.push(await launchOnce());
  const pick = (key) => median(runs.map((r) => r[key]));
  add("cold_start_ms", pick("coldStartMs"), "ms", `process start → webhooks list visible, median of ${LAUNCHES} (target ≤ 1500)`);
  add(
    "idle_rss_mb",
    pick("pss"),
    "MB",
    `app + ${runs[0].webkitProcesses} WebKit processes, proportional set size, median of ${LAUNCHES} (target ≤ 150)`,
  );
  add("idle_rss_main_mb", pick("rssMain"), "MB", "the hookdesk process alone, resident set");
  add("idle_rss_tree_mb", pick("rssTree"), "MB", "all processes' resident sets added (shared pages counted in each)");
  // The floor the platform sets: the same app and WebKit processes on an empty data directory.
  const empty = await launchOnce(mkdtempSync(path.join(os.tmpdir(), "hookdesk-bench-empty-")));
  add("idle_rss_empty_mb", empty.pss, "MB", "the same, on an empty data directory: what WebKitGTK and the app take with no data");
}

/**
 * Scrolls the Logs of the webhook holding the million attempts by a fixed step every frame
 * for a few seconds, as a user dragging through them would (further pages load as it goes),
 * and returns the intervals between the frames the window painted.
 */
async function scrollLogs() {
  const app = await launch({ dataDir: dataset, env: { HOOKDESK_LOG: "warn" } });
  try {
    await (await app.browser.$("td.cell-url")).click();
    await app.click("tab", "Logs");
    await app.until(
      () => app.browser.execute(() => document.querySelectorAll('[data-testid="log-row"]').length),
      // Virtualised: only the rows in view (and a few more) are in the page.
      (n) => n >= 10,
      "the first log rows",
      { timeout: 30_000 },
    );
    return await app.browser.executeAsync((seconds, step, done) => {
      const viewport = document.querySelector(".log-viewport");
      const frames = [];
      let last = null;
      const until = performance.now() + seconds * 1000;
      const tick = (t) => {
        if (last !== null) frames.push(t - last);
        last = t;
        viewport.scrollTop += step;
        if (t < until) requestAnimationFrame(tick);
        else done({ frames, scrolledPx: viewport.scrollTop, rowsLoaded: viewport.querySelectorAll('[data-testid="log-row"]').length });
      };
      requestAnimationFrame(tick);
    }, SCROLL_SECONDS, SCROLL_STEP_PX);
  } finally {
    await app.close();
  }
}

const SCROLL_SECONDS = 4;
const SCROLL_STEP_PX = 40;
/** A frame this long is one a user sees as a stutter (three missed 60 Hz frames). */
const LONG_FRAME_MS = 50;
const SCROLL_RUNS = 3;
const scrolls = [];
for (let i = 0; i < SCROLL_RUNS; i++) {
  const run = await scrollLogs();
  if (run.frames.length < 10) throw new Error(`only ${run.frames.length} frames painted while scrolling: nothing to measure`);
  const sorted = [...run.frames].sort((x, y) => x - y);
  scrolls.push({
    p95: sorted[Math.floor(sorted.length * 0.95)],
    longPct: (100 * run.frames.filter((f) => f > LONG_FRAME_MS).length) / run.frames.length,
    frames: run.frames.length,
    px: run.scrolledPx,
  });
}
add(
  "logs_scroll_p95_frame_ms",
  median(scrolls.map((r) => r.p95)),
  "ms",
  `95th percentile frame interval scrolling the million-attempt Logs ${SCROLL_STEP_PX} px a frame for ${SCROLL_SECONDS} s (~${Math.round(scrolls[0].px)} px, pages loading as it goes), median of ${SCROLL_RUNS}`,
);
add(
  "logs_scroll_long_frames_pct",
  median(scrolls.map((r) => r.longPct)),
  "%",
  `frames longer than ${LONG_FRAME_MS} ms during that scroll (~${scrolls[0].frames} frames), median of ${SCROLL_RUNS}`,
);

console.log(`${"figure".padEnd(24)} ${"value".padStart(12)} unit   what`);
for (const f of figures) console.log(`${f.name.padEnd(24)} ${f.value.toFixed(2).padStart(12)} ${f.unit.padEnd(6)} ${f.note}`);
console.log();
for (const f of figures) console.log(`${f.name}=${f.value.toFixed(2)}`);
