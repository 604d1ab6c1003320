// One typed function per Tauri command. Argument keys are camelCase: Tauri v2 maps them to the
// Rust snake_case parameters (`existingId` → `existing_id`).
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "../bindings/AppInfo";
import type { EventType } from "../bindings/EventType";
import type { FormCheck } from "../bindings/FormCheck";
import type { ImportReport } from "../bindings/ImportReport";
import type { KeyringStatus } from "../bindings/KeyringStatus";
import type { Webhook } from "../bindings/Webhook";
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
