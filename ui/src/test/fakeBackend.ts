// An in-memory stand-in for the Rust commands, behind Tauri's own IPC mock: components run
// unchanged, talking through src/ipc exactly as they do in the app. It keeps the engine's
// rules that the panel relies on (code suggestion, masking, header update semantics).
import type { ApiInfo } from "../bindings/ApiInfo";
import type { Attempt } from "../bindings/Attempt";
import type { AttemptId } from "../bindings/AttemptId";
import type { AttemptSummary } from "../bindings/AttemptSummary";
import type { Commands } from "../bindings/commands";
import type { CustomEventTypeInput } from "../bindings/CustomEventTypeInput";
import type { DeliverySettings } from "../bindings/DeliverySettings";
import type { EngineSettings } from "../bindings/EngineSettings";
import type { ErrorView } from "../bindings/ErrorView";
import type { EventType } from "../bindings/EventType";
import type { FieldError } from "../bindings/FieldError";
import type { FieldWarning } from "../bindings/FieldWarning";
import type { FormCheck } from "../bindings/FormCheck";
import type { ImportReport } from "../bindings/ImportReport";
import type { KeyringStatus } from "../bindings/KeyringStatus";
import type { LogFilter } from "../bindings/LogFilter";
import type { LogScope } from "../bindings/LogScope";
import type { HealthBars } from "../bindings/HealthBars";
import type { RecoverProgress } from "../bindings/RecoverProgress";
import type { RecoverWindow } from "../bindings/RecoverWindow";
import { RULES } from "../bindings/rules";
import type { Stats } from "../bindings/Stats";
import type { StatsWindow } from "../bindings/StatsWindow";
import type { TeamStatus } from "../bindings/TeamStatus";
import type { TestRequest } from "../bindings/TestRequest";
import type { TestResult } from "../bindings/TestResult";
import type { Webhook } from "../bindings/Webhook";
import type { WebhookActivity } from "../bindings/WebhookActivity";
import type { WebhookInput } from "../bindings/WebhookInput";
import { sendNotice } from "./notices";

export const MASK = RULES.mask;

const ENTITIES: Array<[string, string, string[]]> = [
  ["user", "User", ["created", "updated", "deleted", "logout"]],
  ["task", "Task", ["created", "updated", "deleted"]],
  ["survey", "Survey", ["created", "updated", "deleted"]],
  ["element", "Element", ["created", "updated", "deleted"]],
];

export const BUILTIN_CATALOG: EventType[] = ENTITIES.flatMap(([prefix, entity, actions]) =>
  actions.map((action) => ({
    name: `${prefix}.${action}`,
    entity,
    label: action === "logout" ? `${entity} logout` : `${entity} ${action}`,
    description: `A ${prefix} was ${action}.`,
    sample: {},
    sample_text: "{}",
    builtin: true,
  })),
);

export const DEFAULT_DELIVERY: DeliverySettings = RULES.delivery.defaults;

const invalid = (fields: FieldError[]): ErrorView => ({
  kind: "invalid",
  message: fields.map((f) => f.message).join(" "),
  fields,
});

/** A window without attempts, as the engine answers it: every step of the series, empty. */
export function emptyStats(window: StatsWindow, status?: Webhook["status"]): Stats {
  const [step, count] = { "1h": [60_000, 60], "24h": [900_000, 96], "7d": [3_600_000, 168] }[
    window
  ] as [number, number];
  const now = Date.now();
  const first = now - (now % step) - (count - 1) * step;
  const stats: Stats = {
    window,
    attempts: 0,
    succeeded: 0,
    failed: 0,
    success_rate: null,
    p50_ms: null,
    p95_ms: null,
    waiting: 0,
    series: Array.from({ length: count }, (_, i) => ({
      at: new Date(first + i * step).toISOString(),
      succeeded: 0,
      failed: 0,
      p95_ms: null,
    })),
  };
  if (status) stats.status = status;
  return stats;
}

/** The engine's rule: accents folded, lowercase, runs of anything else → one `_`. */
export function suggestCode(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 64)
    .replace(/_+$/, "");
}

let idCounter = 0;
function newId(): string {
  idCounter += 1;
  return `65f1c0a2e4b0a1b2c3${idCounter.toString(16).padStart(6, "0")}`;
}

export function makeWebhook(partial: Partial<Webhook> & { name: string }): Webhook {
  const status = partial.status ?? "active";
  return {
    id: newId(),
    code: suggestCode(partial.name),
    url: "https://example.com/hooks",
    description: "",
    events: ["task.created"],
    filters: { workflow: [], survey: [], group: [] },
    status_reason: status === "active" ? null : "Deactivated by the user.",
    headers: [],
    delivery: DEFAULT_DELIVERY,
    previous_secret_until: null,
    held_by: null,
    created_at: "2026-11-24T09:00:00Z",
    updated_at: "2026-11-24T09:00:00Z",
    ...partial,
    status,
    active: status === "active",
  };
}

/** The number in an `att_…` / `dlv_…` id (the engine's keyset order). */
export const idNumber = (id: string) => Number(id.replace(/^[a-z]+_/, ""));

let attemptCounter = 0;

/** A logged attempt (an `att_` id) with its request and response. */
export type MadeAttempt = Attempt & { id: AttemptId };

/** A logged attempt with its request and response; ids count up, so later ones are newer. */
export function makeAttempt(partial: Partial<MadeAttempt> = {}): MadeAttempt {
  attemptCounter += 1;
  const n = attemptCounter;
  return {
    id: `att_${n}`,
    delivery_id: `dlv_${n}`,
    event_id: `evt_${n.toString().padStart(6, "0")}`,
    event_type: "task.created",
    webhook_id: null,
    webhook_code: null,
    attempt: 1,
    attempts: 3,
    result: "success",
    status_code: 200,
    error_kind: null,
    error: null,
    duration_ms: 42,
    executed_at: new Date(Date.UTC(2026, 10, 24, 9, 0, n)).toISOString(),
    test: false,
    kind: "event",
    url: "https://example.com/hooks",
    payload_summary: `task.id: ${n}`,
    delivery_state:
      partial.result === "failed"
        ? "failed"
        : partial.result === "retrying"
          ? "pending"
          : "succeeded",
    delivery_attempts: partial.attempt ?? 1,
    next_attempt_at: null,
    request: {
      method: "POST",
      url: "https://example.com/hooks",
      headers: { "content-type": "application/json", "webhook-id": `evt_${n}` },
      body: `{"id":"evt_${n}","type":"task.created","data":{}}`,
    },
    response: { headers: { "content-type": "text/plain" }, body: "ok", truncated: false },
    ...partial,
  };
}

export function summaryOf(attempt: Attempt): AttemptSummary {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { request, response, ...summary } = attempt;
  return summary;
}

function matchesLog(a: AttemptSummary, scope: LogScope, filter: LogFilter, body: string): boolean {
  if (scope.kind === "webhook" && a.webhook_id !== scope.id) return false;
  if (scope.kind === "direct" && a.webhook_id !== null) return false;
  if (filter.result === "delivery_failed") {
    if (a.delivery_state !== "failed" || a.attempt < a.delivery_attempts) return false;
  } else if (filter.result !== undefined && a.result !== filter.result) return false;
  if (filter.exclude_tests && a.test) return false;
  if (filter.event_type !== undefined && a.event_type !== filter.event_type) return false;
  const at = Date.parse(a.executed_at);
  if (filter.from_ms !== undefined && at < filter.from_ms) return false;
  if (filter.to_ms !== undefined && at >= filter.to_ms) return false;
  if (filter.search && !body.includes(filter.search)) return false;
  if (filter.status_code !== undefined && a.status_code !== filter.status_code) return false;
  if (filter.event_id !== undefined && a.event_id !== filter.event_id) return false;
  return true;
}

/** A team database's label as the engine shows it: `user@host:port/database`, no password. */
function teamLabel(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw invalid([{ field: "url", message: "Enter a postgres:// URL." }]);
  }
  return `${parsed.username}@${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
}

/** What the fake answers for each command: the generated `Commands`, so the two cannot drift. */
type Handlers = {
  [K in keyof Commands]: (
    args: Commands[K]["args"],
  ) => Commands[K]["returns"] | Promise<Commands[K]["returns"]>;
};

/** The clipboard plugin's write, which the fake answers too (it is no command of ours). */
const CLIPBOARD_WRITE = "plugin:clipboard-manager|write_text";
interface ClipboardWriteArgs {
  text: string;
}

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

export class FakeBackend {
  webhooks: Webhook[] = [];
  catalog: EventType[] = [...BUILTIN_CATALOG];
  /** Keyring entries: `header:<id>:<name>` and `secret:<id>`. */
  keyring = new Map<string, string>();
  keyringStatus: KeyringStatus = { available: true, message: "Secret Service" };
  startupError: ErrorView | null = null;
  clipboard: string | null = null;
  exportResult: string | null = null;
  /** Where an Export of the logs is saved; `null` as if the user cancelled the dialog. */
  exportLogsPath: string | null = "/home/ana/hookdesk-logs.ndjson";
  importResult: ImportReport | null = null;
  calls: Call[] = [];
  /** Logged attempts (any order: queries sort them newest first by id). */
  logs: Attempt[] = [];
  /** Deliveries not attempted yet, as the PENDING rows `list_queued` answers, newest first. */
  queued: AttemptSummary[] = [];
  /**
   * Pretends to hold this many more attempts (`att_1` … `att_<n>`, all for every scope and
   * filter) without keeping them: enough to prove the Logs tab never asks for them all.
   */
  syntheticLogs = 0;
  activity: Record<string, WebhookActivity> = {};
  testResult: TestResult = {
    result: "success",
    status_code: 200,
    duration_ms: 87,
    error_kind: null,
    error: null,
    response_excerpt: '{"received":true}',
    response_truncated: false,
    event_id: "evt_test000001",
    attempt_id: null,
  };
  settings: EngineSettings = {
    log_retention_days: RULES.settings.default_log_retention_days,
    allow_private_targets: true,
    events_api_enabled: true,
    events_api_port: RULES.settings.default_events_api_port,
    desktop_notifications: true,
  };
  apiToken = "hdk_Zm9vYmFyYmF6cXV4";
  apiError: string | null = null;
  /** The port the Events API listens on when an override wins over the setting. */
  apiPortOverride: number | null = null;
  resendCounter = 100;
  /** While set, `send_test` answers only once this settles (a slow receiver). */
  testHold: Promise<unknown> | null = null;
  /** Tests held by `testHold` that can be cancelled, by test id. */
  private runningTests = new Map<string, () => void>();
  /** What `list_queued` says holds the deliveries (the keyring, say). */
  queuedHeldBy: string | null = null;
  /** Deliveries that were asked to retry now. */
  retriedNow: string[] = [];
  /** How many events `recoverable` finds in any window (`recover` queues that many). */
  recoverableCount = 0;
  /** Where the last recover's deliveries stand; tests move it on, then announce `queue_changed`. */
  recoverState: RecoverProgress = { succeeded: 0, failed: 0, waiting: 0 };
  /** Health figures by `<webhook id or *>:<window>`; a window not set here has no attempts. */
  stats = new Map<string, Stats>();
  /** Each webhook's last 24 hours, by id. */
  healthBars: Record<string, HealthBars> = {};
  /** Makes the next call of a command reject with this error. */
  failures = new Map<string, ErrorView>();
  /** Which database the window works on, as `team_status` answers it. */
  team: TeamStatus = { connected: null, worker_id: null, saved: null, error: null };
  /** While set, `join_team` rejects with it (a field error, an unreachable server, a wrong key). */
  joinTeamError: ErrorView | null = null;
  /** This computer's worker name in a team it joins. */
  teamWorkerId = "desktop-ana-4f2a";
  /** What `new_team_key` answers: base64 of 32 bytes. */
  newTeamKey = "c2VjcmV0LXRlYW0ta2V5LWZvci10aGUtZGVza3RvcCE=";
  private clock = 0;

  /** A recover window checked as the engine checks it; the count it would bring back. */
  private recoverWindow(webhookId: string, window: RecoverWindow): number {
    const webhook = this.find(webhookId);
    if (webhook.status === "disabled")
      throw {
        kind: "conflict",
        message: `The webhook ${webhook.code} is deactivated: activate it first, then recover its failed deliveries.`,
        fields: [],
      };
    const since = Date.parse(window.since);
    const until = window.until === undefined ? Date.now() : Date.parse(window.until);
    if (since > Date.now())
      throw invalid([
        { field: "since", message: "since is in the future: nothing has failed there yet." },
      ]);
    if (until <= since) throw invalid([{ field: "until", message: "until must be after since." }]);
    return this.recoverableCount;
  }

  seed(...webhooks: Webhook[]): Webhook[] {
    for (const w of webhooks) {
      this.webhooks.push(w);
      this.keyring.set(`secret:${w.id}`, `whsec_seeded${w.code}`);
    }
    return webhooks;
  }

  callsOf(cmd: string): Array<Record<string, unknown>> {
    return this.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
  }

  /**
   * One handler per command of the generated `Commands` interface: a command missing here, one
   * the Rust side no longer has, or an argument or answer of the wrong type fails tsc.
   */
  private readonly commands: Handlers = {
    app_info: () => ({
      version: "0.1.0",
      data_dir: "/tmp/hookdesk",
      startup_error: this.startupError,
    }),
    keyring_status: () => this.keyringStatus,
    team_status: () => ({ ...this.team }),
    join_team: ({ url }) => {
      if (this.joinTeamError) throw this.joinTeamError;
      const label = teamLabel(url);
      return this.switchTeam({ connected: label, saved: label });
    },
    rejoin_team: () => {
      const { saved } = this.team;
      if (saved === null)
        throw { kind: "not_found", message: "No team database is saved here.", fields: [] };
      return this.switchTeam({ connected: saved, saved });
    },
    leave_team: () => this.switchTeam({ connected: null, saved: this.team.saved }),
    new_team_key: () => this.newTeamKey,
    catalog: () => this.catalog,
    list_webhooks: () => structuredClone(this.webhooks),
    get_webhook: ({ id }) => structuredClone(this.find(id)),
    check_webhook: ({ input, existingId }) => this.check(input, existingId),
    create_webhook: ({ input }) => this.create(input),
    update_webhook: ({ id, input }) => this.update(id, input),
    set_webhooks_active: ({ ids, active }) => ids.map((id) => this.setActive(id, active)),
    delete_webhook: ({ id }) => {
      this.find(id);
      this.webhooks = this.webhooks.filter((w) => w.id !== id);
      return null;
    },
    reveal_header: ({ id, name }) => {
      const value = this.keyring.get(`header:${id}:${name}`);
      if (value === undefined) throw { kind: "not_found", message: "No such header.", fields: [] };
      return value;
    },
    signing_secret: ({ id }) => {
      const secret = this.keyring.get(`secret:${id}`);
      if (secret === undefined)
        throw { kind: "not_found", message: "No signing secret is stored.", fields: [] };
      return secret;
    },
    new_signing_secret: () => "whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0MTI=",
    rotate_secret: ({ id }) => {
      const w = this.find(id);
      this.keyring.set(`secret:${w.id}`, "whsec_cm90YXRlZHJvdGF0ZWRyb3RhdGVkcm90YXRlZA==");
      w.previous_secret_until = "2026-11-25T10:00:00Z";
      w.updated_at = this.tick();
      return structuredClone(w);
    },
    export_config: () => this.exportResult,
    import_config: () => this.importResult,
    send_test: ({ request, testId }) => {
      if (!this.testHold) return this.sendTest(request);
      const held = this.testHold.then(() => this.sendTest(request));
      if (testId === null) return held;
      // Cancel answers as the engine does: at once, with nothing logged.
      return new Promise<TestResult>((resolve, reject) => {
        this.runningTests.set(testId, () =>
          reject({
            kind: "unavailable",
            message: "Cancelled: the Test stopped waiting for the endpoint, and was not logged.",
            fields: [],
          }),
        );
        held.then(resolve, reject).finally(() => this.runningTests.delete(testId));
      });
    },
    cancel_test: ({ testId }) => {
      const cancel = this.runningTests.get(testId);
      this.runningTests.delete(testId);
      cancel?.();
      return cancel !== undefined;
    },
    retry_now: ({ deliveryId }) => {
      const attempt = this.logs.find(
        (a) => a.delivery_id === deliveryId && a.result === "retrying",
      );
      if (!attempt)
        throw {
          kind: "conflict",
          message: `The delivery ${deliveryId} is not waiting for a retry.`,
          fields: [],
        };
      this.retriedNow.push(attempt.delivery_id);
      return null;
    },
    list_logs: ({ scope, filter, limit }) => this.listLogs(scope, filter, limit),
    count_logs: ({ scope, filter }) => this.countLogs(scope, filter),
    // Where the save dialog "chose" (null: the user cancelled); the attempts it would hold.
    export_logs: ({ scope, filter }) =>
      this.exportLogsPath === null
        ? null
        : { path: this.exportLogsPath, attempts: this.countLogs(scope, filter) },
    list_queued: ({ scope, filter: { result, ...filter }, limit }) => {
      const matching = this.queued.filter(
        (q) => (result === undefined || result === "pending") && matchesLog(q, scope, filter, ""),
      );
      return {
        rows: matching.slice(0, limit),
        total: matching.length,
        held_by: this.queuedHeldBy,
      };
    },
    get_attempt: ({ id }) => {
      const attempt = this.logs.find((a) => a.id === id);
      if (!attempt) throw { kind: "not_found", message: `There is no attempt ${id}.`, fields: [] };
      const delivery_attempts = this.logs
        .filter((a) => a.delivery_id === attempt.delivery_id)
        .sort((a, b) => idNumber(a.id) - idNumber(b.id))
        .map(summaryOf);
      return structuredClone({ attempt, delivery_attempts });
    },
    resend: () => {
      this.resendCounter += 1;
      return `dlv_${this.resendCounter}`;
    },
    export_attempts: ({ attemptIds }) =>
      this.exportLogsPath === null
        ? null
        : { path: this.exportLogsPath, attempts: new Set(attemptIds).size },
    resend_deliveries: ({ deliveryIds }) => ({ deliveries: new Set(deliveryIds).size, skipped: 0 }),
    count_resendable: ({ scope, filter }) => this.resendable(scope, filter),
    resend_matching: ({ scope, filter }) => ({
      deliveries: this.resendable(scope, filter),
      skipped: 0,
    }),
    curl_command: ({ attemptId, includeSecrets }) => {
      const attempt = this.logs.find((a) => a.id === attemptId);
      if (!attempt) throw { kind: "not_found", message: "There is no such attempt.", fields: [] };
      const secret = includeSecrets ? "real" : MASK;
      return `curl -X POST '${attempt.request.url}' -H 'Authorization: ${secret}' --data-raw '${attempt.request.body}'`;
    },
    recoverable: ({ webhookId, window }) => this.recoverWindow(webhookId, window),
    recover: ({ webhookId, window }) => {
      const deliveries = this.recoverWindow(webhookId, window);
      this.recoverState = { succeeded: 0, failed: 0, waiting: deliveries };
      if (deliveries === 0) return { deliveries };
      return { deliveries, first: "dlv_500", last: `dlv_${499 + deliveries}` };
    },
    recover_progress: () => ({ ...this.recoverState }),
    cancel_recover: () => {
      const withdrawn = this.recoverState.waiting;
      this.recoverState = { ...this.recoverState, waiting: 0 };
      return withdrawn;
    },
    webhook_stats: ({ webhookId, window }) => {
      const webhook = this.find(webhookId);
      return this.stats.get(`${webhookId}:${window}`) ?? emptyStats(window, webhook.status);
    },
    stats: ({ window }) => this.stats.get(`*:${window}`) ?? emptyStats(window),
    health_bars: () => structuredClone(this.healthBars),
    webhook_activity: () => structuredClone(this.activity),
    engine_settings: () => ({ ...this.settings }),
    update_engine_settings: ({ settings }) => {
      const [min, max] = RULES.settings.log_retention_days;
      if (settings.log_retention_days < min || settings.log_retention_days > max)
        throw invalid([
          { field: "log_retention_days", message: `Keep logs between ${min} and ${max} days.` },
        ]);
      this.settings = { ...settings };
      return { ...this.settings };
    },
    api_info: () => this.apiInfo(),
    api_example: () => this.apiExample(),
    api_token: () => this.apiToken,
    regenerate_api_token: () => {
      this.apiToken = `hdk_regenerated${this.calls.length}`;
      return this.apiToken;
    },
    save_event_type: ({ input }) => this.saveEventType(input),
    delete_event_type: ({ name }) => {
      this.catalog = this.catalog.filter((t) => t.builtin || t.name !== name);
      return null;
    },
  };

  /** What Tauri's IPC mock hands over: a command (or a plugin's call) and its arguments. */
  handle(cmd: string, rawArgs: unknown): unknown {
    const args = (rawArgs ?? {}) as Record<string, unknown>;
    this.calls.push({ cmd, args });
    const failure = this.failures.get(cmd);
    if (failure) {
      this.failures.delete(cmd);
      throw failure;
    }
    if (cmd === CLIPBOARD_WRITE) {
      this.clipboard = (rawArgs as ClipboardWriteArgs).text;
      return null;
    }
    if (!this.isCommand(cmd)) throw `unknown command ${cmd}`;
    // The one unchecked step: the window sent these arguments through the typed `call`.
    return this.run(cmd, args as Commands[typeof cmd]["args"]);
  }

  private isCommand(cmd: string): cmd is keyof Commands {
    return Object.prototype.hasOwnProperty.call(this.commands, cmd);
  }

  private run<K extends keyof Commands>(cmd: K, args: Commands[K]["args"]) {
    const handler: Handlers[K] = this.commands[cmd];
    return handler(args);
  }

  /**
   * The window switched database: as the engine does, it says `missed`, so that everything
   * shown is read again (from the other database).
   */
  private switchTeam({ connected, saved }: Pick<TeamStatus, "connected" | "saved">): TeamStatus {
    this.team = {
      connected,
      worker_id: connected === null ? null : this.teamWorkerId,
      saved,
      error: null,
    };
    void sendNotice({ kind: "missed" });
    return { ...this.team };
  }

  /** Adds attempts to the logs; returns them. */
  log(...attempts: Attempt[]): Attempt[] {
    this.logs.push(...attempts);
    return attempts;
  }

  private sendTest(request: TestRequest): TestResult {
    const url = request.input.url.trim();
    try {
      new URL(url);
    } catch {
      throw invalid([{ field: "url", message: "Enter an absolute http or https URL." }]);
    }
    return { ...this.testResult };
  }

  private listLogs(scope: LogScope, filter: LogFilter, limit: number): AttemptSummary[] {
    const before = filter.before === undefined ? Infinity : idNumber(filter.before);
    const stored = this.logs
      .filter((a) => idNumber(a.id) < before && matchesLog(a, scope, filter, a.request.body))
      .sort((a, b) => idNumber(b.id) - idNumber(a.id))
      .slice(0, limit)
      .map(summaryOf);
    if (this.syntheticLogs === 0 || stored.length >= limit) return structuredClone(stored);
    const rows: AttemptSummary[] = [...stored];
    for (let n = Math.min(before - 1, this.syntheticLogs); n >= 1 && rows.length < limit; n--) {
      rows.push({
        id: `att_${n}`,
        delivery_id: `dlv_${n}`,
        event_id: `evt_synthetic${n}`,
        event_type: "task.created",
        webhook_id: scope.kind === "webhook" ? scope.id : null,
        webhook_code: null,
        attempt: 1,
        attempts: 3,
        result: "success",
        status_code: 200,
        error_kind: null,
        error: null,
        duration_ms: 10,
        executed_at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
        test: false,
        kind: "event",
        url: "https://example.com/hooks",
        payload_summary: `task.id: ${n}`,
        delivery_state: "succeeded",
        delivery_attempts: 1,
        next_attempt_at: null,
      });
    }
    return rows;
  }

  /** The deliveries a Resend all matching sends again: those with a matching attempt. */
  private resendable(scope: LogScope, filter: LogFilter): number {
    const matching = this.logs.filter(
      (a) => !a.test && matchesLog(a, scope, filter, a.request.body),
    );
    return new Set(matching.map((a) => a.delivery_id)).size;
  }

  private countLogs(scope: LogScope, filter: LogFilter): number {
    const stored = this.logs.filter((a) => matchesLog(a, scope, filter, a.request.body));
    return stored.length + this.syntheticLogs;
  }

  private apiInfo(): ApiInfo {
    const on = this.settings.events_api_enabled && this.apiError === null;
    const port = this.apiPortOverride ?? this.settings.events_api_port;
    const url = on ? `http://127.0.0.1:${port}` : null;
    const example = (token: string) =>
      `curl -X POST '${url}/v1/events' \\\n  -H 'Authorization: Bearer ${token}' \\\n  --data-raw '{"type": "task.created"}'`;
    return {
      url,
      error: this.settings.events_api_enabled ? this.apiError : null,
      example: url ? example(MASK) : null,
    };
  }

  private apiExample(): string | null {
    return this.apiInfo().example?.replace(`Bearer ${MASK}`, `Bearer ${this.apiToken}`) ?? null;
  }

  private saveEventType(input: CustomEventTypeInput): EventType {
    const name = input.name.trim();
    if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(name))
      throw invalid([{ field: "name", message: `'${name}' is not an event type name.` }]);
    // Text is kept as written, as the engine does; an object is taken too.
    const text = typeof input.sample === "string" ? input.sample : JSON.stringify(input.sample);
    const sample: unknown = JSON.parse(text);
    if (typeof sample !== "object" || sample === null || Array.isArray(sample))
      throw invalid([{ field: "sample", message: "The sample payload must be a JSON object." }]);
    const type: EventType = {
      name,
      entity: "Custom",
      label: name,
      description: input.description.trim(),
      sample: sample as Record<string, unknown>,
      sample_text: text,
      builtin: false,
    };
    this.catalog = [...this.catalog.filter((t) => t.name !== name), type];
    return type;
  }

  private tick(): string {
    this.clock += 1;
    return new Date(Date.UTC(2026, 10, 24, 10, 0, this.clock)).toISOString();
  }

  private find(id: string): Webhook {
    const w = this.webhooks.find((x) => x.id === id || x.code === id);
    if (!w)
      throw { kind: "not_found", message: `No webhook has the id or code “${id}”.`, fields: [] };
    return w;
  }

  private codeTaken(code: string, except?: string): boolean {
    return this.webhooks.some((w) => w.code === code && w.id !== except);
  }

  private uniqueCode(base: string): string {
    if (base === "" || !this.codeTaken(base)) return base;
    for (let n = 2; ; n++) if (!this.codeTaken(`${base}_${n}`)) return `${base}_${n}`;
  }

  private validate(input: WebhookInput, existing: Webhook | null) {
    const errors: FieldError[] = [];
    const warnings: FieldWarning[] = [];
    if (input.name.trim() === "") errors.push({ field: "name", message: "Name is required." });
    if (input.code !== undefined) {
      if (!/^[a-z0-9_]+$/.test(input.code))
        errors.push({
          field: "code",
          message: "Code may contain only lowercase letters a–z, digits and _.",
        });
      else if (!existing && this.codeTaken(input.code))
        errors.push({ field: "code", message: `The code ${input.code} is already used.` });
    }
    const url = input.url.trim();
    if (url === "") errors.push({ field: "url", message: "Url is required." });
    else {
      let parsed: URL | null = null;
      try {
        parsed = new URL(url);
      } catch {
        errors.push({ field: "url", message: "Enter an absolute http or https URL." });
      }
      if (
        parsed &&
        parsed.protocol === "http:" &&
        !["localhost", "127.0.0.1"].includes(parsed.hostname)
      )
        warnings.push({
          field: "url",
          message: "Plain http sends events unencrypted over the network.",
        });
    }
    if (input.events.length === 0)
      errors.push({ field: "events", message: "Choose at least one trigger." });
    input.headers.forEach((h, i) => {
      if (h.name.trim() === "")
        errors.push({ field: `headers[${i}].name`, message: "Header name is required." });
      const stored = existing?.headers.some((x) => x.name === h.name) ?? false;
      const value = h.value === MASK ? undefined : h.value;
      if ((value === undefined && !stored) || value === "")
        errors.push({ field: `headers[${i}].value`, message: "Header value is required." });
    });
    const [minAttempts, maxAttempts] = RULES.delivery.attempts;
    if (input.delivery.attempts < minAttempts || input.delivery.attempts > maxAttempts)
      errors.push({
        field: "delivery.attempts",
        message: `Must be between ${minAttempts} and ${maxAttempts}.`,
      });
    return { errors, warnings };
  }

  private check(input: WebhookInput, existingId: string | null): FormCheck {
    const existing = existingId ? this.find(existingId) : null;
    return {
      validation: this.validate(input, existing),
      suggested_code: existing ? null : this.uniqueCode(suggestCode(input.name)),
    };
  }

  private storeHeaders(id: string, input: WebhookInput) {
    for (const h of input.headers) {
      if (h.value !== undefined && h.value !== MASK)
        this.keyring.set(`header:${id}:${h.name}`, h.value);
    }
  }

  private create(input: WebhookInput): Webhook {
    const { errors } = this.validate(input, null);
    if (errors.length > 0) throw invalid(errors);
    const now = this.tick();
    const webhook: Webhook = {
      id: newId(),
      code: input.code ?? this.uniqueCode(suggestCode(input.name)),
      name: input.name.trim(),
      url: input.url.trim(),
      description: input.description.trim(),
      events: input.events,
      filters: input.filters,
      active: input.active,
      status: input.active ? "active" : "disabled",
      status_reason: input.active ? null : "Deactivated by the user.",
      headers: input.headers.map((h) => ({ name: h.name, value: MASK })),
      delivery: input.delivery,
      previous_secret_until: null,
      created_at: now,
      updated_at: now,
      held_by: null,
    };
    this.storeHeaders(webhook.id, input);
    this.keyring.set(`secret:${webhook.id}`, input.secret ?? "whsec_generated");
    this.webhooks.push(webhook);
    return structuredClone(webhook);
  }

  private update(id: string, input: WebhookInput): Webhook {
    const existing = this.find(id);
    if (input.code !== undefined && input.code !== existing.code)
      throw { kind: "conflict", message: "Once saved, the Code cannot be modified.", fields: [] };
    const { errors } = this.validate(input, existing);
    if (errors.length > 0) throw invalid(errors);
    this.storeHeaders(existing.id, input);
    const status = input.active
      ? "active"
      : existing.status === "active"
        ? "disabled"
        : existing.status;
    Object.assign(existing, {
      name: input.name.trim(),
      url: input.url.trim(),
      description: input.description.trim(),
      events: input.events,
      filters: input.filters,
      active: status === "active",
      status,
      status_reason:
        status === "active" ? null : (existing.status_reason ?? "Deactivated by the user."),
      headers: input.headers.map((h) => ({ name: h.name, value: MASK })),
      delivery: input.delivery,
      updated_at: this.tick(),
    });
    return structuredClone(existing);
  }

  private setActive(id: string, active: boolean): Webhook {
    const w = this.find(id);
    if (active) {
      Object.assign(w, { status: "active", active: true, status_reason: null });
    } else if (w.status === "active") {
      Object.assign(w, {
        status: "disabled",
        active: false,
        status_reason: "Deactivated by the user.",
      });
    }
    w.updated_at = this.tick();
    return structuredClone(w);
  }
}

/** The backend of the running test; reset before each test by setup.ts. */
export let backend = new FakeBackend();

export function resetBackend(): FakeBackend {
  backend = new FakeBackend();
  return backend;
}
