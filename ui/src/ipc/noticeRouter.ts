// The one place engine notices enter the window: each is applied to the query cache (what it
// carries is written in, or just what it concerns is read again), then handed to the
// components that follow notices as a stream (the live Logs list, the clock, toasts).
import {
  notifyManager,
  type QueryClient,
  type QueryFilters,
  type QueryKey,
} from "@tanstack/react-query";
import type { AttemptDetail } from "../bindings/AttemptDetail";
import type { LogScope } from "../bindings/LogScope";
import type { Notice } from "../bindings/Notice";
import type { QueuedLogs } from "../bindings/QueuedLogs";
import { onNotice } from "./events";
import {
  applyAttempt,
  applyQueued,
  queryKeys,
  removeWebhook,
  scopeCovers,
  upsertWebhooks,
} from "./queries";

export type NoticeListener = (notice: Notice) => void;

/** What a batch of notices asks to be read again, gathered so that each is read once. */
interface Rereads {
  /** Queries (exact keys) whose read was under way when a notice about them arrived. */
  fetching: Map<string, QueryKey>;
  apiInfo: boolean;
  /** Queued rows covering these webhooks (null: direct deliveries). */
  queued: Set<string | null>;
  /** The same, but only where rows are queued (a first attempt may have taken one out). */
  queuedIfAny: Set<string | null>;
  /** Attempt details of these deliveries. */
  deliveries: Set<string>;
  /** Recover counts and progress of these webhooks. */
  recovers: Set<string>;
  /** Health figures: attempts were recorded or queues changed. */
  stats: boolean;
  everything: boolean;
}

/** Applies notices to a query cache and passes them on to its subscribers. */
/**
 * The health figures and bars are read again at most this often: while deliveries stream,
 * every batch of notices would otherwise ask for them again (the first change is read at
 * once, the rest together at the end of the interval).
 */
export const STATS_REREAD_MS = 2000;

export class NoticeRouter {
  private readonly listeners = new Set<NoticeListener>();
  private statsReadAt = Number.NEGATIVE_INFINITY;
  private statsTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly client: QueryClient) {}

  /** Takes in the engine's notices until the returned function is called. */
  listen(): () => void {
    return onNotice((notices) => this.route(notices));
  }

  /** Calls `listener` for every notice, after the cache has taken it in. Returns the stop. */
  subscribe(listener: NoticeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A batch of notices, in order: the cache takes them in at once (one render). */
  route(notices: readonly Notice[]): void {
    const rereads: Rereads = {
      fetching: new Map(),
      apiInfo: false,
      queued: new Set(),
      queuedIfAny: new Set(),
      deliveries: new Set(),
      recovers: new Set(),
      stats: false,
      everything: false,
    };
    notifyManager.batch(() => {
      for (const notice of notices) this.apply(notice, rereads);
      this.reread(rereads);
    });
    for (const notice of notices) {
      for (const listener of [...this.listeners]) listener(notice);
    }
  }

  private reread(r: Rereads): void {
    const client = this.client;
    /**
     * Reads the queries again. One being read is read anew: the answer on its way may have
     * been read before the change (and a first read, without data yet, would otherwise be
     * waited for rather than restarted).
     */
    const reread = (filters: QueryFilters = {}) => {
      void client.cancelQueries({ ...filters, fetchStatus: "fetching" });
      void client.invalidateQueries(filters);
    };
    if (r.everything) {
      reread();
      return;
    }
    for (const queryKey of r.fetching.values()) reread({ queryKey, exact: true });
    if (r.apiInfo) reread({ queryKey: queryKeys.apiInfo });
    if (r.queued.size > 0 || r.queuedIfAny.size > 0) {
      reread({
        queryKey: queryKeys.queuedAll,
        predicate: (query) => {
          const scope = query.queryKey[1] as LogScope;
          const covers = (ids: Set<string | null>) => [...ids].some((id) => scopeCovers(scope, id));
          if (covers(r.queued)) return true;
          const queued = query.state.data as QueuedLogs | undefined;
          return (queued?.total ?? 0) > 0 && covers(r.queuedIfAny);
        },
      });
    }
    for (const id of r.recovers) reread({ queryKey: queryKeys.recoverOf(id) });
    if (r.stats) this.rereadStats(reread);
    if (r.deliveries.size > 0) {
      reread({
        queryKey: queryKeys.attemptAll,
        predicate: (query) => {
          const detail = query.state.data as AttemptDetail | undefined;
          return detail !== undefined && r.deliveries.has(detail.attempt.delivery_id);
        },
      });
    }
  }

  /** The health figures and bars again: now, or at the end of the current interval. */
  private rereadStats(reread: (filters: QueryFilters) => void) {
    const run = () => {
      this.statsReadAt = Date.now();
      reread({ queryKey: queryKeys.statsAll });
      reread({ queryKey: queryKeys.healthBars });
    };
    const wait = this.statsReadAt + STATS_REREAD_MS - Date.now();
    if (wait <= 0) run();
    else
      this.statsTimer ??= setTimeout(() => {
        this.statsTimer = null;
        notifyManager.batch(run);
      }, wait);
  }

  /** Notes a query whose read is under way: the answer on its way may predate the notice. */
  private rereadIfFetching(queryKey: QueryKey, r: Rereads) {
    if (this.client.getQueryState(queryKey)?.fetchStatus === "fetching") {
      r.fetching.set(JSON.stringify(queryKey), queryKey);
    }
  }

  private apply(notice: Notice, r: Rereads): void {
    const client = this.client;
    switch (notice.kind) {
      case "webhook_changed": {
        const { webhook } = notice;
        const before = client.getQueryData(queryKeys.webhooks)?.find((w) => w.id === webhook.id);
        upsertWebhooks(client, [webhook]);
        this.rereadIfFetching(queryKeys.webhooks, r);
        // Why its queued deliveries wait (a pause, the keyring) may have changed.
        if (!before || before.status !== webhook.status || before.held_by !== webhook.held_by) {
          r.queued.add(webhook.id);
          // Its Health tab shows the status.
          r.stats = true;
        }
        return;
      }
      case "webhook_deleted":
        removeWebhook(client, notice.webhook_id);
        this.rereadIfFetching(queryKeys.webhooks, r);
        this.rereadIfFetching(queryKeys.activity, r);
        // Its queue went with it.
        r.queued.add(notice.webhook_id);
        return;
      case "catalog_changed":
        client.setQueryData(queryKeys.catalog, notice.event_types);
        this.rereadIfFetching(queryKeys.catalog, r);
        return;
      case "settings_changed":
        client.setQueryData(queryKeys.engineSettings, notice.settings);
        this.rereadIfFetching(queryKeys.engineSettings, r);
        return;
      case "events_api_changed":
        // The example and the error are not in the notice.
        r.apiInfo = true;
        return;
      case "queue_changed": {
        const { webhook_id: id, queued } = notice;
        if (id !== null) {
          client.setQueryData(queryKeys.activity, (a) => a && applyQueued(a, id, queued));
          this.rereadIfFetching(queryKeys.activity, r);
        }
        r.queued.add(id);
        // A delivery ended or was queued: a recover's progress and count move with it.
        if (id !== null) r.recovers.add(id);
        r.stats = true;
        return;
      }
      case "attempt_recorded": {
        const { attempt } = notice;
        client.setQueryData(queryKeys.activity, (a) => a && applyAttempt(a, attempt));
        this.rereadIfFetching(queryKeys.activity, r);
        // An open detail of the same delivery lists its attempts.
        r.deliveries.add(attempt.delivery_id);
        // A first attempt takes its delivery out of the queued rows (a RETRYING one does not
        // end the delivery, so no `queue_changed` says so).
        if (attempt.attempt === 1 && !attempt.test) r.queuedIfAny.add(attempt.webhook_id);
        if (!attempt.test) r.stats = true;
        return;
      }
      case "webhook_paused":
      case "webhook_disabled":
      case "delivery_exhausted":
        // Alerts only: the `webhook_changed` that goes with them carries the webhook.
        return;
      case "missed":
        // Notices were lost: whatever is shown may be stale.
        r.everything = true;
        return;
    }
  }
}
