// What the window reads from the engine and keeps in the TanStack Query cache: every query
// key, its command, and the cache writes shared by the notice router and the mutations. Kept
// current by the engine's notices (see noticeRouter.ts), so nothing here goes stale by age.
import { QueryClient, queryOptions } from "@tanstack/react-query";
import type { AttemptId } from "../bindings/AttemptId";
import type { AttemptSummary } from "../bindings/AttemptSummary";
import type { ErrorView } from "../bindings/ErrorView";
import type { LogFilter } from "../bindings/LogFilter";
import type { LogScope } from "../bindings/LogScope";
import type { Recovered } from "../bindings/Recovered";
import type { RecoverWindow } from "../bindings/RecoverWindow";
import type { StatsWindow } from "../bindings/StatsWindow";
import type { Webhook } from "../bindings/Webhook";
import type { WebhookId } from "../bindings/WebhookId";
import type { WebhookActivity } from "../bindings/WebhookActivity";
import {
  apiInfo,
  catalog,
  engineSettings,
  getAttempt,
  healthBars,
  listQueued,
  listWebhooks,
  recoverable,
  recoverProgress,
  stats,
  teamStatus,
  webhookActivity,
  webhookStats,
} from "./commands";

declare module "@tanstack/react-query" {
  interface Register {
    // Every command rejects with an ErrorView (see call.ts).
    defaultError: ErrorView;
  }
}

/** Each webhook's last attempt and queue length, by webhook id. */
export type ActivityMap = Readonly<Partial<Record<string, WebhookActivity>>>;

export const webhooksQuery = queryOptions({
  queryKey: ["webhooks"] as const,
  queryFn: () => listWebhooks(),
});

export const catalogQuery = queryOptions({
  queryKey: ["catalog"] as const,
  queryFn: () => catalog(),
});

export const activityQuery = queryOptions({
  queryKey: ["webhook-activity"] as const,
  queryFn: async (): Promise<ActivityMap> => webhookActivity(),
});

export const engineSettingsQuery = queryOptions({
  queryKey: ["engine-settings"] as const,
  queryFn: () => engineSettings(),
});

export const apiInfoQuery = queryOptions({
  queryKey: ["api-info"] as const,
  queryFn: () => apiInfo(),
});

/**
 * Which database the window works on (this computer's, or a team's): no notice says it
 * changed but `missed`, which a switch sends and which reads every query again.
 */
export const teamStatusQuery = queryOptions({
  queryKey: ["team-status"] as const,
  queryFn: () => teamStatus(),
});

/** Every query key, in one place (typed by what each holds). */
export const queryKeys = {
  webhooks: webhooksQuery.queryKey,
  catalog: catalogQuery.queryKey,
  activity: activityQuery.queryKey,
  engineSettings: engineSettingsQuery.queryKey,
  apiInfo: apiInfoQuery.queryKey,
  teamStatus: teamStatusQuery.queryKey,
  /** Every queued-rows query (any scope and filter): `queued(scope, filter)`. */
  queuedAll: ["queued"] as const,
  queued: (scope: LogScope, filter: LogFilter | null) => ["queued", scope, filter] as const,
  /** Every attempt detail: `attempt(id)`. */
  attemptAll: ["attempt"] as const,
  attempt: (id: AttemptId) => ["attempt", id] as const,
  /** What a webhook's recovers count or have done: read again as its queue changes. */
  recoverOf: (webhookId: WebhookId) => ["recover", webhookId] as const,
  /** Every health figure (any webhook, all together, any window): read again as attempts
   * are recorded and queues change. */
  statsAll: ["stats"] as const,
  healthBars: ["health-bars"] as const,
};

/** A webhook's health (or, `webhookId` null, all deliveries') over the window. */
export function statsQuery(webhookId: WebhookId | null, window: StatsWindow) {
  return queryOptions({
    queryKey: [...queryKeys.statsAll, webhookId, window] as const,
    queryFn: () => (webhookId === null ? stats(window) : webhookStats(webhookId, window)),
  });
}

/** Each webhook's last 24 hours, hour by hour, for the list. */
export const healthBarsQuery = queryOptions({
  queryKey: queryKeys.healthBars,
  queryFn: () => healthBars(),
});

/** The newest queued deliveries shown as PENDING rows; the rest are counted. */
export const QUEUED_SHOWN = 50;

/** Deliveries of a scope and filter waiting for their first attempt; `filter` null: none asked. */
export function queuedQuery(scope: LogScope, filter: LogFilter | null) {
  return queryOptions({
    queryKey: queryKeys.queued(scope, filter),
    queryFn: () => listQueued(scope, filter ?? {}, QUEUED_SHOWN),
    enabled: filter !== null,
  });
}

/** How many events a recover of the window would deliver again; `window` null: none asked. */
export function recoverableQuery(webhookId: WebhookId, window: RecoverWindow | null) {
  return queryOptions({
    queryKey: [...queryKeys.recoverOf(webhookId), "count", window] as const,
    queryFn: () => recoverable(webhookId, window!),
    enabled: window !== null,
  });
}

/** Where the deliveries of a recover under way stand. */
export function recoverProgressQuery(webhookId: WebhookId, recovered: Recovered) {
  return queryOptions({
    queryKey: [...queryKeys.recoverOf(webhookId), "progress", recovered.first ?? null] as const,
    queryFn: () => recoverProgress(webhookId, recovered),
  });
}

export function attemptQuery(id: AttemptId) {
  return queryOptions({
    queryKey: queryKeys.attempt(id),
    queryFn: () => getAttempt(id),
  });
}

/**
 * The cache of the app: no refetching on focus, reconnect or age (the engine's notices keep
 * it current), no retries (a local command that failed says why at once), and no waiting for a
 * network the local engine does not need.
 */
export function createAppQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: Infinity,
        retry: false,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        networkMode: "always",
      },
      mutations: { networkMode: "always" },
    },
  });
}

/**
 * Whether queued rows of `scope` include a webhook's deliveries (`webhookId`), or direct
 * deliveries (`null`): the "all" scope includes both.
 */
export function scopeCovers(scope: LogScope, webhookId: string | null): boolean {
  if (scope.kind === "all") return true;
  if (webhookId === null) return scope.kind === "direct";
  return scope.kind === "webhook" && scope.id === webhookId;
}

/** Whether `a` is not older than `b` (answers and notices may cross on their way). */
function notOlder(a: Webhook, b: Webhook): boolean {
  return Date.parse(a.updated_at) >= Date.parse(b.updated_at);
}

/**
 * Webhooks as the engine just returned or announced them, put into the list: in place, new
 * ones at the end. A copy older than the one the list has is ignored.
 */
export function upsertWebhooks(client: QueryClient, changed: readonly Webhook[]): void {
  client.setQueryData(queryKeys.webhooks, (list) => {
    if (!list) return list;
    const fresh = changed.filter((c) => !list.some((w) => w.id === c.id));
    return [
      ...list.map((w) => {
        const c = changed.find((x) => x.id === w.id);
        return c && notOlder(c, w) ? c : w;
      }),
      ...fresh,
    ];
  });
}

/** A deleted webhook, out of the list and the activity. */
export function removeWebhook(client: QueryClient, id: string): void {
  client.setQueryData(queryKeys.webhooks, (list) => list?.filter((w) => w.id !== id));
  client.setQueryData(queryKeys.activity, (activity) => {
    if (!activity || !(id in activity)) return activity;
    const rest = { ...activity };
    delete rest[id];
    return rest;
  });
}

/**
 * A recorded attempt applied to its webhook's entry: no need to ask the engine. A Test is
 * not a delivery: it says nothing of how the webhook's real deliveries go (it may have gone
 * to a URL typed into the form and never saved), so it changes nothing here. The queue length
 * is not touched: `queue_changed` says it exactly.
 */
export function applyAttempt(activity: ActivityMap, attempt: AttemptSummary): ActivityMap {
  const id = attempt.webhook_id;
  if (id === null || attempt.test) return activity;
  const current = activity[id] ?? { last_attempt: null, queued: 0 };
  const last = current.last_attempt;
  const newer = last === null || Date.parse(attempt.executed_at) >= Date.parse(last.executed_at);
  if (!newer) return activity;
  return { ...activity, [id]: { ...current, last_attempt: attempt } };
}

/** A webhook's queue length as the engine counts it now. */
export function applyQueued(activity: ActivityMap, webhookId: string, queued: number): ActivityMap {
  const current = activity[webhookId] ?? { last_attempt: null, queued: 0 };
  if (current.queued === queued) return activity;
  return { ...activity, [webhookId]: { ...current, queued } };
}
