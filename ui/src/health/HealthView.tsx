import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { Stats } from "../bindings/Stats";
import type { StatsWindow } from "../bindings/StatsWindow";
import type { WebhookId } from "../bindings/WebhookId";
import { statsQuery } from "../ipc/queries";
import { formatDuration, formatLocalTime } from "../logs/format";
import { TimeChart, type ChartSeries } from "./TimeChart";

const WINDOWS: ReadonlyArray<{ id: StatsWindow; label: string; step: string }> = [
  { id: "1h", label: "1 hour", step: "a minute" },
  { id: "24h", label: "24 hours", step: "15 minutes" },
  { id: "7d", label: "7 days", step: "an hour" },
];

/** "99.2 %", "100 %", "—" without attempts. */
export function rateText(rate: number | null): string {
  if (rate === null) return "—";
  if (rate === 1) return "100 %";
  // Never round a failure away: 99.96 % reads 99.9, not 100.
  return `${(Math.floor(rate * 1000) / 10).toFixed(1)} %`;
}

/** A count axis shows whole numbers only. */
const countTick = (v: number) => (Number.isInteger(v) ? v.toLocaleString() : "");

const msText = (ms: number | null) => (ms === null ? "—" : formatDuration(ms));

interface HealthViewProps {
  /** One webhook's health, or (null) all deliveries'. */
  webhookId: WebhookId | null;
}

/**
 * How deliveries have been doing over the last hour, day or week: the figures, attempts by
 * result and p95 latency over time, and the same series as a table.
 */
export function HealthView({ webhookId }: HealthViewProps) {
  const [window, setWindow] = useState<StatsWindow>("24h");
  const query = useQuery(statsQuery(webhookId, window));
  const stats = query.data;
  const chosen = WINDOWS.find((w) => w.id === window)!;

  return (
    <section className="health" aria-label="Health">
      <div className="health-windows" role="radiogroup" aria-label="Period">
        {WINDOWS.map((w) => (
          <button
            key={w.id}
            type="button"
            role="radio"
            aria-checked={w.id === window}
            className="button button-small health-window"
            onClick={() => setWindow(w.id)}
          >
            {w.label}
          </button>
        ))}
      </div>
      {query.error ? (
        <p className="field-error" role="alert">
          The health figures could not be read: {query.error.message}
        </p>
      ) : !stats ? (
        <p className="health-loading" aria-busy="true">
          Reading the health figures…
        </p>
      ) : (
        <HealthFigures stats={stats} step={chosen.step} period={chosen.label} />
      )}
    </section>
  );
}

function HealthFigures({ stats, step, period }: { stats: Stats; step: string; period: string }) {
  const times = useMemo(() => stats.series.map((p) => Date.parse(p.at)), [stats.series]);
  const attempts = useMemo<ChartSeries[]>(
    () => [
      // Drawn first, the total: what shows above the succeeded bar is the failed part.
      {
        label: "Failed",
        tone: "danger",
        kind: "bars",
        values: stats.series.map((p) => p.succeeded + p.failed),
      },
      {
        label: "Succeeded",
        tone: "success",
        kind: "bars",
        values: stats.series.map((p) => p.succeeded),
      },
    ],
    [stats.series],
  );
  const latency = useMemo<ChartSeries[]>(
    () => [
      { label: "p95", tone: "accent", kind: "line", values: stats.series.map((p) => p.p95_ms) },
    ],
    [stats.series],
  );
  const busy = stats.series.filter((p) => p.succeeded + p.failed > 0);

  const figures: Array<[string, string, string?]> = [
    ["Attempts", stats.attempts.toLocaleString()],
    ["Success rate", rateText(stats.success_rate), stats.failed > 0 ? "health-bad" : undefined],
    ["Failed", stats.failed.toLocaleString(), stats.failed > 0 ? "health-bad" : undefined],
    ["p50 latency", msText(stats.p50_ms)],
    ["p95 latency", msText(stats.p95_ms)],
    ["Waiting", stats.waiting.toLocaleString()],
  ];
  if (stats.status) {
    const status = { active: "Active", paused: "Paused", disabled: "Deactivated" }[stats.status];
    figures.push(["Status", status, stats.status === "active" ? undefined : "health-bad"]);
  }

  return (
    <>
      <dl className="health-figures">
        {figures.map(([name, value, tone]) => (
          <div key={name} className={tone ? `health-figure ${tone}` : "health-figure"}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {stats.attempts === 0 ? (
        <p className="health-empty">Nothing was attempted in the last {period}.</p>
      ) : (
        <>
          <h3 className="health-chart-title">
            Attempts by result, {step} a bar
            <span className="health-legend">
              <span className="health-key health-key-success" /> Succeeded
              <span className="health-key health-key-failed" /> Failed
            </span>
          </h3>
          <TimeChart
            label={`Attempts by result over the last ${period}`}
            times={times}
            series={attempts}
            format={countTick}
          />
          <h3 className="health-chart-title">p95 latency</h3>
          <TimeChart
            label={`p95 latency over the last ${period}`}
            times={times}
            series={latency}
            format={formatDuration}
          />
          <details className="health-table">
            <summary>Show as a table</summary>
            <table aria-label={`Health over the last ${period}`}>
              <thead>
                <tr>
                  <th scope="col">From</th>
                  <th scope="col">Succeeded</th>
                  <th scope="col">Failed</th>
                  <th scope="col">p95</th>
                </tr>
              </thead>
              <tbody>
                {busy.map((p) => (
                  <tr key={p.at}>
                    <td>{formatLocalTime(p.at)}</td>
                    <td>{p.succeeded.toLocaleString()}</td>
                    <td>{p.failed.toLocaleString()}</td>
                    <td>{msText(p.p95_ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </>
  );
}
