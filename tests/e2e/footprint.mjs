// `make bench`, footprint part: the release binary's size, the app's memory when idle with a
// million attempts stored and the panel shown, and the cold start (process start → the
// webhooks list visible). Prints a table, then name=value lines.
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

add("binary_mb", statSync(app).size / MiB, "MB", "the release binary, UI embedded");

const LAUNCHES = 3;
/** A launch slower than this failed (the harness gives the window 30 s to appear). */
const COLD_START_LIMIT_MS = 30_000;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

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

console.log(`${"figure".padEnd(24)} ${"value".padStart(12)} unit   what`);
for (const f of figures) console.log(`${f.name.padEnd(24)} ${f.value.toFixed(2).padStart(12)} ${f.unit.padEnd(6)} ${f.note}`);
console.log();
for (const f of figures) console.log(`${f.name}=${f.value.toFixed(2)}`);
