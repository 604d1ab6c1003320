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

/** "09:30", or "Mon 09:00" over a week. */
function timeTick(ms: number, span: number): string {
  const d = new Date(ms);
  const hm = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return span > 2 * 86_400_000
    ? `${d.toLocaleDateString(undefined, { weekday: "short" })} ${hm}`
    : hm;
}

/** A line through the points that have a value, broken where one has none. */
function linePath(
  values: ReadonlyArray<number | null>,
  x: (i: number) => number,
  y: (v: number) => number,
): string {
  let d = "";
  values.forEach((v, i) => {
    if (v === null) return;
    d += `${i > 0 && values[i - 1] !== null ? "L" : "M"}${x(i)},${y(v)} `;
  });
  return d.trim();
}

/**
 * A time series as SVG, as wide as its container: bars for counts, a line for durations,
 * the top of the scale and five times along the bottom.
 */
export function TimeChart({ label, times, series, format, height = 150 }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);

  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const measure = () => setWidth(Math.max(200, el.clientWidth));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const n = times.length;
  const plotW = width - AXIS;
  const plotH = height - BOTTOM;
  const max = Math.max(1, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const step = n > 0 ? plotW / n : plotW;
  const x = (i: number) => AXIS + i * step;
  const y = (v: number) => plotH - (v / max) * (plotH - 4);
  const span = n > 1 ? times[n - 1]! - times[0]! : 0;
  const ticks = n > 1 ? [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * (n - 1))) : [];

  return (
    <div ref={box} className="time-chart">
      <svg width={width} height={height} role="img" aria-label={label}>
        <line className="chart-grid" x1={AXIS} x2={width} y1={y(max)} y2={y(max)} />
        <line className="chart-grid" x1={AXIS} x2={width} y1={plotH} y2={plotH} />
        <text className="chart-tick" x={AXIS - 6} y={y(max) + 4} textAnchor="end">
          {format(max)}
        </text>
        <text className="chart-tick" x={AXIS - 6} y={plotH + 4} textAnchor="end">
          {format(0)}
        </text>
        {ticks.map((i) => (
          <text
            key={i}
            className="chart-tick"
            x={x(i) + step / 2}
            y={height - 4}
            textAnchor="middle"
          >
            {timeTick(times[i]!, span)}
          </text>
        ))}
        {series.map((s) =>
          s.kind === "bars" ? (
            <g key={s.label} className={`chart-${s.tone}`}>
              {s.values.map((v, i) =>
                v ? (
                  <rect
                    key={i}
                    x={x(i) + step * 0.1}
                    y={y(v)}
                    width={Math.max(1, step * 0.8)}
                    height={plotH - y(v)}
                  />
                ) : null,
              )}
            </g>
          ) : (
            <path
              key={s.label}
              className={`chart-line chart-${s.tone}`}
              d={linePath(s.values, (i) => x(i) + step / 2, y)}
            />
          ),
        )}
      </svg>
    </div>
  );
}
