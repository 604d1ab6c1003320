import { useEffect, useState } from "react";

/** Whole seconds since `start` (epoch ms), counting up each second; 0 when null. */
export function useSecondsSince(start: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (start === null) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [start]);
  // `now` may still be from before `start` until the first tick.
  return start === null ? 0 : Math.max(0, Math.floor((now - start) / 1000));
}
