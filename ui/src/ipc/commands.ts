// One typed function per Tauri command. Argument keys are camelCase: Tauri v2 maps them to the
// Rust snake_case parameters (`existingId` → `existing_id`).
import { invoke } from "@tauri-apps/api/core";
import type { ApiInfo } from "../bindings/ApiInfo";
import type { AppInfo } from "../bindings/AppInfo";
import type { AttemptDetail } from "../bindings/AttemptDetail";
import type { AttemptSummary } from "../bindings/AttemptSummary";
import type { CustomEventTypeInput } from "../bindings/CustomEventTypeInput";
import type { EngineSettings } from "../bindings/EngineSettings";
import type { EventType } from "../bindings/EventType";
import type { FormCheck } from "../bindings/FormCheck";
import type { ImportReport } from "../bindings/ImportReport";
import type { KeyringStatus } from "../bindings/KeyringStatus";
import type { LogFilter } from "../bindings/LogFilter";
import type { LogScope } from "../bindings/LogScope";
import type { QueuedLogs } from "../bindings/QueuedLogs";
import type { TestRequest } from "../bindings/TestRequest";
import type { TestResult } from "../bindings/TestResult";
import type { Webhook } from "../bindings/Webhook";
import type { WebhookActivity } from "../bindings/WebhookActivity";
import type { WebhookInput } from "../bindings/WebhookInput";
import { toErrorView } from "./errors";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toErrorView(reason);
  }
}

export const appInfo = () => call<AppInfo>("app_info");

export const keyringStatus = () => call<KeyringStatus>("keyring_status");

export const catalog = () => call<EventType[]>("catalog");

export const listWebhooks = () => call<Webhook[]>("list_webhooks");

export const getWebhook = (id: string) => call<Webhook>("get_webhook", { id });

export const checkWebhook = (input: WebhookInput, existingId: string | null) =>
  call<FormCheck>("check_webhook", { input, existingId });

export const createWebhook = (input: WebhookInput) => call<Webhook>("create_webhook", { input });

export const updateWebhook = (id: string, input: WebhookInput) =>
  call<Webhook>("update_webhook", { id, input });

export const setWebhooksActive = (ids: string[], active: boolean) =>
  call<Webhook[]>("set_webhooks_active", { ids, active });

export const deleteWebhook = (id: string) => call<null>("delete_webhook", { id });

export const revealHeader = (id: string, name: string) =>
  call<string>("reveal_header", { id, name });

export const signingSecret = (id: string) => call<string>("signing_secret", { id });

export const newSigningSecret = () => call<string>("new_signing_secret");

export const rotateSecret = (id: string) => call<Webhook>("rotate_secret", { id });

/** Rust opens the save dialog; `null` when the user cancels it, else the path written. */
export const exportConfig = (includeSecrets: boolean) =>
  call<string | null>("export_config", { includeSecrets });

/** Rust opens the file dialog; `null` when the user cancels it. */
export const importConfig = () => call<ImportReport | null>("import_config");

// Test, logs and activity.

/**
 * Sends a sample event with the form as it is now, saved or not; `testId` lets `cancelTest`
 * stop it (it then rejects with an `unavailable` error and is not logged).
 */
export const sendTest = (request: TestRequest, testId: string | null = null) =>
  call<TestResult>("send_test", { request, testId });

/** Stops a Test under way; false if it had already ended. */
export const cancelTest = (testId: string) => call<boolean>("cancel_test", { testId });

/** **Retry now**: a delivery waiting for its next attempt makes it at once. */
export const retryNow = (deliveryId: string) => call<null>("retry_now", { deliveryId });

/** Attempts, newest first (limit ≤ 500); page older ones with `filter.before`. */
export const listLogs = (scope: LogScope, filter: LogFilter, limit: number) =>
  call<AttemptSummary[]>("list_logs", { scope, filter, limit });

export const countLogs = (scope: LogScope, filter: LogFilter) =>
  call<number>("count_logs", { scope, filter });

/** Deliveries waiting for their first attempt (PENDING rows), newest first, and how many. */
export const listQueued = (scope: LogScope, filter: LogFilter, limit: number) =>
  call<QueuedLogs>("list_queued", { scope, filter, limit });

export const getAttempt = (id: string) => call<AttemptDetail>("get_attempt", { id });

/** A new delivery of the same event; returns its id. */
export const resend = (deliveryId: string) => call<string>("resend", { deliveryId });

export const curlCommand = (attemptId: string, includeSecrets: boolean) =>
  call<string>("curl_command", { attemptId, includeSecrets });

/** Per webhook id: its newest attempt and how many deliveries wait. */
export const webhookActivity = () =>
  call<Partial<Record<string, WebhookActivity>>>("webhook_activity");

// The Settings page.

export const engineSettings = () => call<EngineSettings>("engine_settings");

/** Saves, then moves, starts or stops the Events API to match. */
export const updateEngineSettings = (settings: EngineSettings) =>
  call<EngineSettings>("update_engine_settings", { settings });

export const apiInfo = () => call<ApiInfo>("api_info");

/** The `curl` example with the real token (the one in `ApiInfo` is masked). */
export const apiExample = () => call<string | null>("api_example");

export const apiToken = () => call<string>("api_token");

export const regenerateApiToken = () => call<string>("regenerate_api_token");

export const saveEventType = (input: CustomEventTypeInput) =>
  call<EventType>("save_event_type", { input });

export const deleteEventType = (name: string) => call<null>("delete_event_type", { name });
