import { nice, ticks } from "d3-array";
import { line } from "d3-shape";
import { timeDay, timeHour, timeMinute, type TimeInterval } from "d3-time";
import { useEffect, useRef, useState } from "react";

export interface ChartSeries {
  label: string;
  /** A CSS class of the theme's colours (`chart-success`), so that dark mode follows. */
  tone: "success" | "danger" | "accent";
  values: ReadonlyArray<number | null>;
  /** Bars (counts) or a line (durations). */
  kind: "bars" | "line";
}

interface TimeChartProps {
  /** What the chart shows, for assistive technology (the table beside it has the figures). */
  label: string;
  /** Unix ms of each point. */
  times: readonly number[];
  /** Drawn in order: a later series over an earlier one. */
  series: readonly ChartSeries[];
  /** How a value reads on the axis ("12", "350 ms"). */
  format: (value: number) => string;
  height?: number;
}

const AXIS = 56;
const BOTTOM = 18;
const TOP = 6;

/** The ticks along the bottom: every 10 minutes over an hour, 4 hours over a day, a day over a week. */
function timeInterval(span: number): TimeInterval {
  if (span <= 2 * 3_600_000) return timeMinute.every(10)!;
  if (span <= 2 * 86_400_000) return timeHour.every(4)!;
  return timeDay.every(1)!;
}

/** "09:30", or "Mon 4" for a day over a week. */
function timeTick(ms: number, span: number): string {
  const d = new Date(ms);
  return span > 2 * 86_400_000
    ? d.toLocaleDateString(undefined, { weekday: "short", day: "numeric" })
    : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/**
 * A time series as SVG, as wide as its container: bars for counts, a line for durations,
 * a nice scale on the left and round times along the bottom. The ticks come from d3-array
 * and d3-time and the line from d3-shape, the well-kept modules chart libraries are built
 * on (d3-scale is not used: its colour module sets `prototype.constructor`, which throws
 * under Tauri's frozen prototypes). React draws the SVG: no inline styles (the CSP forbids
 * them), and the theme's colours through classes.
 */
export function TimeChart({ label, times, series, format, height = 150 }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);

  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    // The box's content width: the chart never pushes its container wider.
    const measure = () => setWidth(Math.max(200, Math.floor(el.getBoundingClientRect().width)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const n = times.length;
  const plotH = height - BOTTOM;
  const highest = Math.max(1, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const [, top] = nice(0, highest, 3);
  const y = (v: number) => plotH - (v / top) * (plotH - TOP);
  // Each point owns a slot of the time axis: its bar fills most of it, the line passes its middle.
  const step = n > 1 ? times[1]! - times[0]! : 60_000;
  const start = n > 0 ? times[0]! : 0;
  const end = start + Math.max(1, n) * step;
  const x = (ms: number) => AXIS + ((ms - start) / (end - start)) * (width - AXIS);
  const slot = (width - AXIS) / Math.max(1, n);
  const middle = (i: number) => x(times[i]!) + slot / 2;
  const yTicks = ticks(0, top, 3);
  const span = end - start;
  // Only those whose label fits inside the chart.
  const xTicks =
    n > 1
      ? timeInterval(span)
          .range(new Date(start), new Date(end))
          .filter((t) => x(t.getTime()) > AXIS + 24 && x(t.getTime()) < width - 34)
      : [];

  return (
    <div ref={box} className="time-chart">
      <svg width={width} height={height} role="img" aria-label={label}>
        {yTicks.map((v) => (
          <g key={v}>
            <line className="chart-grid" x1={AXIS} x2={width} y1={y(v)} y2={y(v)} />
            <text className="chart-tick" x={AXIS - 6} y={y(v) + 4} textAnchor="end">
              {format(v)}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text
            key={t.getTime()}
            className="chart-tick"
            x={x(t.getTime())}
            y={height - 4}
            textAnchor="middle"
          >
            {timeTick(t.getTime(), span)}
          </text>
        ))}
        {series.map((s) =>
          s.kind === "bars" ? (
            <g key={s.label} className={`chart-${s.tone}`}>
              {s.values.map((v, i) =>
                v ? (
                  <rect
                    key={i}
                    x={x(times[i]!) + slot * 0.1}
                    y={y(v)}
                    width={Math.max(1, slot * 0.8)}
                    height={plotH - y(v)}
                  />
                ) : null,
              )}
            </g>
          ) : (
            <g key={s.label} className={`chart-${s.tone}`}>
              <path
                className="chart-line"
                d={
                  line<number | null>()
                    .defined((v) => v !== null)
                    .x((_, i) => middle(i))
                    .y((v) => y(v ?? 0))(s.values as (number | null)[]) ?? ""
                }
              />
              {/* A point with no neighbour draws no line: a dot shows it. */}
              {s.values.map((v, i) =>
                v !== null &&
                (s.values[i - 1] ?? null) === null &&
                (s.values[i + 1] ?? null) === null ? (
                  <circle key={i} className="chart-dot" cx={middle(i)} cy={y(v)} r={3} />
                ) : null,
              )}
            </g>
          ),
        )}
      </svg>
    </div>
  );
}
