// The Settings page's engine settings as typed, and their checks.
import type { EngineSettings } from "../bindings/EngineSettings";

export interface SettingsForm {
  /** Number inputs hold what was typed, valid or not. */
  retentionDays: string;
  allowPrivate: boolean;
  apiEnabled: boolean;
  port: string;
}

export type SettingsField = "retentionDays" | "port";

/** The engine's field names, for errors it returns. */
export const ENGINE_FIELDS: Record<string, SettingsField> = {
  log_retention_days: "retentionDays",
  events_api_port: "port",
};

export function formFromSettings(s: EngineSettings): SettingsForm {
  return {
    retentionDays: String(s.log_retention_days),
    allowPrivate: s.allow_private_targets,
    apiEnabled: s.events_api_enabled,
    port: String(s.events_api_port),
  };
}

function wholeNumber(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : null;
}

export function settingsErrors(form: SettingsForm): Partial<Record<SettingsField, string>> {
  const errors: Partial<Record<SettingsField, string>> = {};
  const days = wholeNumber(form.retentionDays);
  if (days === null || days < 1 || days > 3650) {
    errors.retentionDays = "Keep logs between 1 and 3650 days (a whole number).";
  }
  const port = wholeNumber(form.port);
  if (port === null || port < 1 || port > 65535) {
    errors.port = "Choose a port between 1 and 65535.";
  }
  return errors;
}

/** Only for a form without errors. */
export function settingsFromForm(form: SettingsForm): EngineSettings {
  return {
    log_retention_days: Number(form.retentionDays),
    allow_private_targets: form.allowPrivate,
    events_api_enabled: form.apiEnabled,
    events_api_port: Number(form.port),
  };
}

export function sameForm(a: SettingsForm, b: SettingsForm): boolean {
  return (
    a.retentionDays.trim() === b.retentionDays.trim() &&
    a.allowPrivate === b.allowPrivate &&
    a.apiEnabled === b.apiEnabled &&
    a.port.trim() === b.port.trim()
  );
}
