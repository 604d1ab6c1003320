import { useEffect, useState } from "react";
import { useNoticeRouter } from "../ipc/NoticeRouterProvider";

/** How often "5 min. ago" is brought up to date while nothing happens. */
export const CLOCK_TICK_MS = 30_000;

/**
 * The time relative times are measured from. Only the clock ticks (nothing is asked of the
 * engine): every CLOCK_TICK_MS, and at every engine notice, because a notice may bring an
 * attempt that has just run, and comparing it with a `now` read before it would make it
 * older than it is (or, without the formatter's guard, in the future).
 */
export function useClock(tickMs: number = CLOCK_TICK_MS): number {
  const router = useNoticeRouter();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), tickMs);
    const stop = router.subscribe(() => setNow(Date.now()));
    return () => {
      window.clearInterval(timer);
      stop();
    };
  }, [tickMs, router]);
  return now;
}
