import { useEffect, useRef, useState } from "react";
import type { LogFilter } from "../bindings/LogFilter";
import type { LogScope } from "../bindings/LogScope";
import type { QueuedLogs } from "../bindings/QueuedLogs";
import { listQueued } from "../ipc/commands";
import { onNotice } from "../ipc/events";

/** The newest queued deliveries shown as PENDING rows; the rest are counted. */
export const QUEUED_SHOWN = 50;
/** Notices arriving together (a burst of deliveries) cause one read. */
const RELOAD_DELAY_MS = 200;
const NONE: QueuedLogs = { rows: [], total: 0, held_by: null };

/**
 * Deliveries of a scope and filter that wait for their first attempt (held by a paused
 * webhook, behind a slow one, or due a moment from now), read again when deliveries are
 * queued or a first attempt is recorded. `filter` null: nothing is asked.
 */
export function useQueued(scope: LogScope, filter: LogFilter | null): QueuedLogs {
  const key = JSON.stringify({ scope, filter });
  const [state, setState] = useState<{ key: string; queued: QueuedLogs }>({ key, queued: NONE });
  const [version, setVersion] = useState(0);
  const total = useRef(0);

  useEffect(() => {
    const query = JSON.parse(key) as { scope: LogScope; filter: LogFilter | null };
    if (query.filter === null) return;
    let live = true;
    listQueued(query.scope, query.filter, QUEUED_SHOWN).then(
      (queued) => {
        if (!live) return;
        total.current = queued.total;
        setState({ key, queued });
      },
      // The attempts beside them come from the same database and say what failed.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [key, version]);

  useEffect(() => {
    let timer: number | undefined;
    const stop = onNotice((notice) => {
      const changed =
        notice.kind === "deliveries_queued" ||
        notice.kind === "webhooks_changed" ||
        notice.kind === "missed" ||
        // A first attempt takes its delivery out of the queue.
        (notice.kind === "attempt_recorded" && notice.attempt.attempt === 1 && total.current > 0);
      if (changed && timer === undefined) {
        timer = window.setTimeout(() => {
          timer = undefined;
          setVersion((v) => v + 1);
        }, RELOAD_DELAY_MS);
      }
    });
    return () => {
      stop();
      window.clearTimeout(timer);
    };
  }, []);

  return state.key === key ? state.queued : NONE;
}
