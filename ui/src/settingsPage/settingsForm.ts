// The Settings page's engine settings as typed, and their checks.
import type { EngineSettings } from "../bindings/EngineSettings";
import { RULES } from "../bindings/rules";

export interface SettingsForm {
  /** Number inputs hold what was typed, valid or not. */
  retentionDays: string;
  allowPrivate: boolean;
  apiEnabled: boolean;
  port: string;
  notifications: boolean;
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
    notifications: s.desktop_notifications,
  };
}

function wholeNumber(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : null;
}

export function settingsErrors(form: SettingsForm): Partial<Record<SettingsField, string>> {
  const errors: Partial<Record<SettingsField, string>> = {};
  const [minDays, maxDays] = RULES.settings.log_retention_days;
  const days = wholeNumber(form.retentionDays);
  if (days === null || days < minDays || days > maxDays) {
    errors.retentionDays = `Keep logs between ${minDays} and ${maxDays} days (a whole number).`;
  }
  const [minPort, maxPort] = RULES.settings.events_api_port;
  const port = wholeNumber(form.port);
  if (port === null || port < minPort || port > maxPort) {
    errors.port = `Choose a port between ${minPort} and ${maxPort}.`;
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
    desktop_notifications: form.notifications,
  };
}

export function sameForm(a: SettingsForm, b: SettingsForm): boolean {
  return (
    a.retentionDays.trim() === b.retentionDays.trim() &&
    a.allowPrivate === b.allowPrivate &&
    a.apiEnabled === b.apiEnabled &&
    a.port.trim() === b.port.trim() &&
    a.notifications === b.notifications
  );
}
