// The engine's typed ids (`att_…`, `dlv_…`), told apart and ordered without parsing text.
import type { AttemptId } from "../bindings/AttemptId";
import type { DeliveryId } from "../bindings/DeliveryId";
import type { LogRowId } from "../bindings/LogRowId";

const ATTEMPT_PREFIX = "att_";
const DELIVERY_PREFIX = "dlv_";

/** A Logs row that is an attempt made (not a queued delivery waiting for its first one). */
export function isAttemptId(id: LogRowId): id is AttemptId {
  return id.startsWith(ATTEMPT_PREFIX);
}

/** A Logs row that is a queued delivery (a PENDING row). */
export function isDeliveryId(id: LogRowId): id is DeliveryId {
  return id.startsWith(DELIVERY_PREFIX);
}

/** An attempt's sequence number (`att_1204` → 1204): attempts recorded later count higher. */
export function attemptSequence(id: AttemptId): number {
  return Number(id.slice(ATTEMPT_PREFIX.length));
}
