import { useQuery } from "@tanstack/react-query";
import { renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import type { LogScope } from "../bindings/LogScope";
import type { Notice } from "../bindings/Notice";
import type { Webhook } from "../bindings/Webhook";
import { useCatalog } from "../catalog/useCatalog";
import { FeedbackProvider } from "../feedback/FeedbackProvider";
import { useAttemptDetail } from "../logs/useAttemptDetail";
import { useQueued } from "../logs/useQueued";
import { backend, makeAttempt, makeWebhook, summaryOf } from "../test/fakeBackend";
import { sendNotice, sendNotices } from "../test/notices";
import { createTestQueryClient, TestProviders } from "../test/renderApp";
import { useWebhookActivity } from "../webhooks/useWebhookActivity";
import { useWebhookList } from "../webhooks/useWebhookList";
import { useNoticeRouter } from "./NoticeRouterProvider";
import { apiInfoQuery, engineSettingsQuery, queryKeys, statsQuery } from "./queries";
import { STATS_REREAD_MS } from "./noticeRouter";

function setup() {
  const client = createTestQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestProviders client={client}>
      <FeedbackProvider>{children}</FeedbackProvider>
    </TestProviders>
  );
  return { client, wrapper };
}

const calls = (cmd: string) => backend.callsOf(cmd).length;
/** Lets answers and notices that are on their way arrive. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const later = (w: Webhook, partial: Partial<Webhook>): Webhook => ({
  ...structuredClone(w),
  updated_at: "2026-11-25T09:00:00Z",
  ...partial,
});

describe("the notice router", () => {
  it("reads the health figures again at once, then at most once an interval while attempts stream", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    const { wrapper } = setup();
    renderHook(() => useQuery(statsQuery(hook!.id, "24h")), { wrapper });
    await waitFor(() => expect(calls("webhook_stats")).toBe(1));
    const attempt = () =>
      ({
        kind: "attempt_recorded",
        attempt: summaryOf(makeAttempt({ webhook_id: hook!.id })),
      }) as Notice;
    await sendNotice(attempt());
    await waitFor(() => expect(calls("webhook_stats")).toBe(2));
    // A burst within the interval: read once more, at its end, not once per batch.
    for (let i = 0; i < 5; i++) await sendNotice(attempt());
    await settle();
    expect(calls("webhook_stats")).toBe(2);
    await waitFor(() => expect(calls("webhook_stats")).toBe(3), {
      timeout: STATS_REREAD_MS + 1000,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls("webhook_stats")).toBe(3);
  });

  it("puts a changed webhook into the list as it is now, without reading the list", async () => {
    const [a, b] = backend.seed(makeWebhook({ name: "A" }), makeWebhook({ name: "B" }));
    const { wrapper } = setup();
    const { result } = renderHook(() => useWebhookList(), { wrapper });
    await waitFor(() => expect(result.current.webhooks).toHaveLength(2));
    const bBefore = result.current.webhooks![1];

    await sendNotice({ kind: "webhook_changed", webhook: later(a!, { name: "A renamed" }) });
    await waitFor(() => expect(result.current.webhooks![0]!.name).toBe("A renamed"));
    expect(result.current.webhooks![1]).toBe(bBefore);

    // A new one goes at the end; an older copy of one the list has is ignored.
    const c = makeWebhook({ name: "C" });
    await sendNotices(
      { kind: "webhook_changed", webhook: c },
      { kind: "webhook_changed", webhook: { ...structuredClone(a!), name: "A, old" } },
    );
    await waitFor(() => expect(result.current.webhooks).toHaveLength(3));
    expect(result.current.webhooks!.map((w) => w.name)).toEqual(["A renamed", "B", "C"]);
    expect(calls("list_webhooks")).toBe(1);
    expect(b).toBeDefined();
  });

  it("takes a deleted webhook out of the list and the activity, without reading them", async () => {
    const [a, b] = backend.seed(makeWebhook({ name: "A" }), makeWebhook({ name: "B" }));
    backend.activity[a!.id] = { last_attempt: null, queued: 2 };
    backend.activity[b!.id] = { last_attempt: null, queued: 1 };
    const { wrapper } = setup();
    const { result } = renderHook(() => ({ list: useWebhookList(), ...useWebhookActivity() }), {
      wrapper,
    });
    await waitFor(() => expect(result.current.list.webhooks).toHaveLength(2));
    await waitFor(() => expect(result.current.activity[a!.id]).toBeDefined());

    await sendNotice({ kind: "webhook_deleted", webhook_id: a!.id });
    await waitFor(() => expect(result.current.list.webhooks!.map((w) => w.id)).toEqual([b!.id]));
    expect(result.current.activity[a!.id]).toBeUndefined();
    expect(result.current.activity[b!.id]).toEqual({ last_attempt: null, queued: 1 });
    expect(calls("list_webhooks")).toBe(1);
    expect(calls("webhook_activity")).toBe(1);
  });

  it("sets the catalog and the engine settings from their notices", async () => {
    const { wrapper } = setup();
    const { result } = renderHook(
      () => ({ catalog: useCatalog(), settings: useQuery(engineSettingsQuery) }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.catalog.types).not.toBeNull());
    await waitFor(() => expect(result.current.settings.data).toBeDefined());

    const custom = {
      name: "invoice.paid",
      entity: "Custom",
      label: "invoice.paid",
      description: "",
      sample: {},
      sample_text: "{}",
      builtin: false,
    };
    const settings = { ...backend.settings, log_retention_days: 7 };
    await sendNotices(
      { kind: "catalog_changed", event_types: [...backend.catalog, custom] },
      { kind: "settings_changed", settings },
    );
    await waitFor(() => expect(result.current.catalog.types).toContainEqual(custom));
    await waitFor(() => expect(result.current.settings.data).toEqual(settings));
    expect(calls("catalog")).toBe(1);
    expect(calls("engine_settings")).toBe(1);
  });

  it("reads the Events API's address again when it started, stopped or has a new token", async () => {
    const { wrapper } = setup();
    const { result } = renderHook(() => useQuery(apiInfoQuery), { wrapper });
    await waitFor(() => expect(result.current.data?.url).toBe("http://127.0.0.1:7717"));

    backend.settings = { ...backend.settings, events_api_enabled: false };
    await sendNotice({ kind: "events_api_changed", url: null });
    await waitFor(() => expect(result.current.data?.url).toBeNull());
    expect(result.current.data?.example).toBeNull();
    expect(calls("api_info")).toBe(2);
  });

  it("sets a webhook's queue length, and reads again only the queued rows of scopes that cover it", async () => {
    const [a, b] = backend.seed(makeWebhook({ name: "A" }), makeWebhook({ name: "B" }));
    backend.activity[a!.id] = { last_attempt: null, queued: 1 };
    const scopes: Record<string, LogScope> = {
      a: { kind: "webhook", id: a!.id },
      b: { kind: "webhook", id: b!.id },
      direct: { kind: "direct" },
      all: { kind: "all" },
    };
    const { wrapper } = setup();
    const { result } = renderHook(
      () => ({
        ...useWebhookActivity(),
        a: useQueued(scopes.a!, {}),
        b: useQueued(scopes.b!, {}),
        direct: useQueued(scopes.direct!, {}),
        all: useQueued(scopes.all!, {}),
      }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.activity[a!.id]?.queued).toBe(1));
    await waitFor(() => expect(backend.callsOf("list_queued")).toHaveLength(4));
    const readScopes = () => backend.callsOf("list_queued").map((c) => c.scope);

    await sendNotice({ kind: "queue_changed", webhook_id: a!.id, queued: 5 });
    await waitFor(() => expect(result.current.activity[a!.id]?.queued).toBe(5));
    await waitFor(() => expect(readScopes()).toHaveLength(6));
    expect(readScopes().slice(4)).toEqual(expect.arrayContaining([scopes.a, scopes.all]));

    // Direct deliveries (no webhook): the direct and all scopes.
    await sendNotice({ kind: "queue_changed", webhook_id: null, queued: 3 });
    await waitFor(() => expect(readScopes()).toHaveLength(8));
    expect(readScopes().slice(6)).toEqual(expect.arrayContaining([scopes.direct, scopes.all]));

    // A webhook the activity did not know yet gets an entry.
    await sendNotice({ kind: "queue_changed", webhook_id: b!.id, queued: 2 });
    await waitFor(() => expect(result.current.activity[b!.id]?.queued).toBe(2));
    await settle();
    expect(readScopes()).toHaveLength(10);
    expect(calls("webhook_activity")).toBe(1);
  });

  it("sets a webhook's last attempt from a recorded one, leaving Tests and its queue alone", async () => {
    const [a] = backend.seed(makeWebhook({ name: "A" }));
    const first = makeAttempt({ webhook_id: a!.id, executed_at: "2026-11-24T09:00:00Z" });
    backend.activity[a!.id] = { last_attempt: summaryOf(first), queued: 4 };
    const { wrapper } = setup();
    const { result } = renderHook(() => useWebhookActivity(), { wrapper });
    await waitFor(() => expect(result.current.activity[a!.id]?.queued).toBe(4));

    const next = makeAttempt({
      webhook_id: a!.id,
      result: "failed",
      executed_at: "2026-11-24T10:00:00Z",
    });
    const test = makeAttempt({
      webhook_id: a!.id,
      test: true,
      kind: "test",
      executed_at: "2026-11-24T11:00:00Z",
    });
    const older = makeAttempt({ webhook_id: a!.id, executed_at: "2026-11-24T08:00:00Z" });
    await sendNotices(
      ...[next, test, older].map((x): Notice => ({
        kind: "attempt_recorded",
        attempt: summaryOf(x),
      })),
    );
    await waitFor(() => expect(result.current.activity[a!.id]?.last_attempt?.id).toBe(next.id));
    await settle();
    expect(result.current.activity[a!.id]).toEqual({ last_attempt: summaryOf(next), queued: 4 });
    expect(calls("webhook_activity")).toBe(1);
  });

  it("reads an attempt's detail again when a further attempt of its delivery is recorded", async () => {
    const [a] = backend.seed(makeWebhook({ name: "A" }));
    const first = makeAttempt({ webhook_id: a!.id, result: "retrying" });
    const other = makeAttempt({ webhook_id: a!.id });
    backend.log(first, other);
    const { wrapper } = setup();
    const { result } = renderHook(
      () => ({ first: useAttemptDetail(first.id), other: useAttemptDetail(other.id) }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.first.status).toBe("ready"));
    await waitFor(() => expect(result.current.other.status).toBe("ready"));
    expect(result.current.first.detail?.delivery_attempts).toHaveLength(1);

    const second = makeAttempt({
      webhook_id: a!.id,
      delivery_id: first.delivery_id,
      attempt: 2,
    });
    backend.log(second);
    await sendNotice({ kind: "attempt_recorded", attempt: summaryOf(second) });
    await waitFor(() => expect(result.current.first.detail?.delivery_attempts).toHaveLength(2));
    await settle();
    expect(backend.callsOf("get_attempt")).toEqual([
      { id: first.id },
      { id: other.id },
      { id: first.id },
    ]);
  });

  it("reads queued rows again after a first attempt only where deliveries are queued, once a batch", async () => {
    const [a, b] = backend.seed(makeWebhook({ name: "A" }), makeWebhook({ name: "B" }));
    const queued = {
      ...summaryOf(makeAttempt({ webhook_id: a!.id })),
      id: "dlv_900" as const,
      delivery_id: "dlv_900" as const,
      result: "pending" as const,
      attempt: 0,
    };
    backend.queued = [queued];
    const { wrapper } = setup();
    const { result } = renderHook(
      () => ({
        a: useQueued({ kind: "webhook", id: a!.id }, {}),
        b: useQueued({ kind: "webhook", id: b!.id }, {}),
      }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.a.total).toBe(1));
    await waitFor(() => expect(calls("list_queued")).toBe(2));

    backend.queued = [];
    const firstAttempt = (webhookId: string) =>
      ({
        kind: "attempt_recorded",
        attempt: summaryOf(makeAttempt({ webhook_id: webhookId, result: "retrying" })),
      }) satisfies Notice;
    await sendNotices(firstAttempt(a!.id), firstAttempt(a!.id), firstAttempt(b!.id));
    await waitFor(() => expect(result.current.a.total).toBe(0));
    await settle();
    // B had none queued: not read again; A once for the batch.
    expect(backend.callsOf("list_queued").map((c) => c.scope)).toEqual([
      { kind: "webhook", id: a!.id },
      { kind: "webhook", id: b!.id },
      { kind: "webhook", id: a!.id },
    ]);
  });

  it("reads everything again when notices were missed", async () => {
    backend.seed(makeWebhook({ name: "A" }));
    const { wrapper } = setup();
    const { result } = renderHook(
      () => ({ list: useWebhookList(), ...useWebhookActivity(), api: useQuery(apiInfoQuery) }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.list.webhooks).toHaveLength(1));
    await waitFor(() => expect(result.current.api.data).toBeDefined());
    const [b] = backend.seed(makeWebhook({ name: "B" }));

    await sendNotice({ kind: "missed" });
    await waitFor(() => expect(result.current.list.webhooks).toHaveLength(2));
    expect(result.current.list.webhooks![1]!.id).toBe(b!.id);
    for (const cmd of ["list_webhooks", "catalog", "webhook_activity", "api_info"]) {
      await waitFor(() => expect(calls(cmd)).toBe(2));
    }
  });

  it("reads a list again when a notice about it arrives while it is being read", async () => {
    const [a] = backend.seed(makeWebhook({ name: "A" }));
    const stale = structuredClone(backend.webhooks);
    let answer: (list: Webhook[]) => void = () => undefined;
    const handle = backend.handle.bind(backend);
    vi.spyOn(backend, "handle").mockImplementation((cmd, args) => {
      if (cmd === "list_webhooks" && backend.callsOf("list_webhooks").length === 0) {
        handle(cmd, args);
        return new Promise<Webhook[]>((resolve) => (answer = resolve));
      }
      return handle(cmd, args);
    });
    const { wrapper } = setup();
    const { result } = renderHook(() => useWebhookList(), { wrapper });
    await waitFor(() => expect(calls("list_webhooks")).toBe(1));

    // Renamed after the first read was answered (with what it read before).
    Object.assign(backend.webhooks[0]!, { name: "A renamed", updated_at: "2026-11-25T09:00:00Z" });
    await sendNotice({ kind: "webhook_changed", webhook: structuredClone(backend.webhooks[0]!) });
    answer(stale);
    await waitFor(() => expect(result.current.webhooks?.[0]?.name).toBe("A renamed"));
    await settle();
    expect(result.current.webhooks!.map((w) => w.name)).toEqual(["A renamed"]);
    expect(calls("list_webhooks")).toBe(2);
    expect(a).toBeDefined();
  });

  it("hands each notice on to its subscribers after the cache has taken it in", async () => {
    const [a] = backend.seed(makeWebhook({ name: "A" }));
    const { wrapper, client } = setup();
    const { result } = renderHook(() => ({ list: useWebhookList(), router: useNoticeRouter() }), {
      wrapper,
    });
    await waitFor(() => expect(result.current.list.webhooks).toHaveLength(1));
    const seen: Array<[string, string | undefined]> = [];
    const stop = result.current.router.subscribe((notice) =>
      seen.push([notice.kind, client.getQueryData(queryKeys.webhooks)?.[0]?.status]),
    );
    const paused = later(a!, { status: "paused", active: false, status_reason: "10 failed." });
    await sendNotices(
      { kind: "webhook_paused", webhook_id: a!.id, code: a!.code, reason: "10 failed." },
      { kind: "webhook_changed", webhook: paused },
    );
    expect(seen).toEqual([
      ["webhook_paused", "paused"],
      ["webhook_changed", "paused"],
    ]);
    stop();
    await sendNotice({ kind: "missed" });
    expect(seen).toHaveLength(2);
  });
});
