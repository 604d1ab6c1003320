import type { HealthBars } from "../bindings/HealthBars";
import { rateText } from "./HealthView";

const HOURS = 24;
const WIDTH = 72;
const HEIGHT = 20;

/**
 * A webhook's last 24 hours in the list, an hour a bar: its height the attempts of that hour
 * (against the busiest), red the share that failed. The summary is its accessible name.
 */
export function Sparkline({ bars }: { bars: HealthBars | undefined }) {
  const succeeded = bars?.succeeded ?? [];
  const failed = bars?.failed ?? [];
  const totals = Array.from({ length: HOURS }, (_, i) => (succeeded[i] ?? 0) + (failed[i] ?? 0));
  const attempts = totals.reduce((a, b) => a + b, 0);
  // The column's header says over what: "Last 24 h".
  if (attempts === 0)
    return (
      <span className="sparkline-none" title="No attempts in the last 24 hours">
        No attempts
      </span>
    );
  const failures = failed.reduce((a, b) => a + b, 0);
  const most = Math.max(...totals);
  const w = WIDTH / HOURS;
  const summary =
    failures === 0
      ? `Last 24 hours: ${attempts.toLocaleString()} attempts, all succeeded`
      : `Last 24 hours: ${attempts.toLocaleString()} attempts, ${failures.toLocaleString()} failed (${rateText((attempts - failures) / attempts)} succeeded)`;
  return (
    <svg
      className="sparkline"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={summary}
    >
      <title>{summary}</title>
      {totals.map((total, i) => {
        if (total === 0) return null;
        const h = Math.max(2, (total / most) * HEIGHT);
        const bad = ((failed[i] ?? 0) / total) * h;
        return (
          <g key={i}>
            <rect
              className="sparkline-ok"
              x={i * w + 0.5}
              y={HEIGHT - h}
              width={w - 1}
              height={h - bad}
            />
            {bad > 0 && (
              <rect
                className="sparkline-failed"
                x={i * w + 0.5}
                y={HEIGHT - bad}
                width={w - 1}
                height={bad}
              />
            )}
          </g>
        );
      })}
    </svg>
  );
}
