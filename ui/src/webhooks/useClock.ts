import { useEffect, useState } from "react";

/**
 * The current time, renewed every minute, so "5 min ago" does not go stale. Only the
 * clock ticks: nothing is asked of the engine.
 */
export function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}
