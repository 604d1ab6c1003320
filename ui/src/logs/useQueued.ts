import { useQuery } from "@tanstack/react-query";
import type { LogFilter } from "../bindings/LogFilter";
import type { LogScope } from "../bindings/LogScope";
import type { QueuedLogs } from "../bindings/QueuedLogs";
import { queuedQuery } from "../ipc/queries";

const NONE: QueuedLogs = { rows: [], total: 0, held_by: null };

/**
 * Deliveries of a scope and filter that wait for their first attempt (held by a paused
 * webhook, behind a slow one, or due a moment from now), from the query cache: the notice
 * router reads them again when their scope's queue changes or a first attempt is recorded.
 * `filter` null: nothing is asked.
 */
export function useQueued(scope: LogScope, filter: LogFilter | null): QueuedLogs {
  // A failed read shows none: the attempts beside them come from the same database and say
  // what failed.
  return useQuery(queuedQuery(scope, filter)).data ?? NONE;
}
