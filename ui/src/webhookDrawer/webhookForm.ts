import type { DeliverySettings } from "../bindings/DeliverySettings";
import type { EventType } from "../bindings/EventType";
import type { HeaderInput } from "../bindings/HeaderInput";
import { RULES } from "../bindings/rules";
import type { Webhook } from "../bindings/Webhook";
import type { WebhookInput } from "../bindings/WebhookInput";
import {
  deliveryFormFrom,
  deliverySettingsFrom,
  DEFAULT_DELIVERY,
  type DeliveryForm,
} from "./deliveryForm";

/** How the engine shows a stored secret value; sending it back keeps the stored value. */
export const MASK = RULES.mask;

export interface HeaderRow {
  /** Stable React key and touch key; indexes shift when a row is removed. */
  key: number;
  name: string;
  /** The name its value is stored under in the keyring; null for a row added in this form. */
  storedName: string | null;
  /** What the value input holds: the mask while a stored value has not been revealed. */
  value: string;
  /** The stored value, once revealed. */
  revealedValue: string | null;
  /** Plain text rather than a password field. */
  visible: boolean;
}

export interface WebhookForm {
  name: string;
  code: string;
  /** While true (a new webhook whose Code was not typed by hand), Code follows the Name. */
  codeFollowsName: boolean;
  url: string;
  description: string;
  events: string[];
  /** Filter lists as typed: codes separated by commas, spaces or new lines. */
  workflow: string;
  survey: string;
  group: string;
  active: boolean;
  headers: HeaderRow[];
  delivery: DeliveryForm;
}

let lastHeaderKey = 0;
export function nextHeaderKey(): number {
  lastHeaderKey += 1;
  return lastHeaderKey;
}

export function newHeaderRow(): HeaderRow {
  return {
    key: nextHeaderKey(),
    name: "",
    storedName: null,
    value: "",
    revealedValue: null,
    visible: false,
  };
}

export function emptyForm(): WebhookForm {
  return {
    name: "",
    code: "",
    codeFollowsName: true,
    url: "",
    description: "",
    events: [],
    workflow: "",
    survey: "",
    group: "",
    active: true,
    headers: [],
    delivery: deliveryFormFrom(DEFAULT_DELIVERY),
  };
}

export function formFromWebhook(webhook: Webhook): WebhookForm {
  return {
    name: webhook.name,
    code: webhook.code,
    codeFollowsName: false,
    url: webhook.url,
    description: webhook.description,
    events: [...webhook.events],
    workflow: webhook.filters.workflow.join(", "),
    survey: webhook.filters.survey.join(", "),
    group: webhook.filters.group.join(", "),
    active: webhook.active,
    headers: webhook.headers.map((h) => ({
      key: nextHeaderKey(),
      name: h.name,
      storedName: h.name,
      value: MASK,
      revealedValue: null,
      visible: false,
    })),
    delivery: deliveryFormFrom(webhook.delivery),
  };
}

export function parseCodeList(text: string): string[] {
  return text.split(/[\s,]+/).filter((code) => code !== "");
}

export const hasTaskTrigger = (events: readonly string[]) =>
  events.some((e) => e.startsWith("task."));
export const hasSurveyTrigger = (events: readonly string[]) =>
  events.some((e) => e.startsWith("survey."));

/** Whether the stored value of this row is kept as it is (and so not sent). */
export function keepsStoredValue(row: HeaderRow): boolean {
  if (row.storedName === null) return false;
  return row.value === MASK || row.value === row.revealedValue;
}

/**
 * A header as the engine takes it: without `value` to keep the stored one, with it when the
 * value is new or edited. A renamed row needs its value again (secrets are stored by name).
 */
export function headerInput(row: HeaderRow): HeaderInput {
  if (keepsStoredValue(row) && row.name.trim() === row.storedName) return { name: row.name };
  if (row.storedName !== null && row.value === MASK) return { name: row.name };
  return { name: row.name, value: row.value };
}

export interface InputContext {
  isNew: boolean;
  /** The delivery settings as stored (defaults for a new webhook). */
  storedDelivery: DeliverySettings;
  catalog: readonly EventType[];
}

/** Catalog order first, then any subscribed type the catalog no longer has. */
function orderedEvents(events: readonly string[], catalog: readonly EventType[]): string[] {
  const known = catalog.filter((t) => events.includes(t.name)).map((t) => t.name);
  return [...known, ...events.filter((e) => !known.includes(e))];
}

export function formToInput(form: WebhookForm, context: InputContext): WebhookInput {
  const events = orderedEvents(form.events, context.catalog);
  const tasks = hasTaskTrigger(events);
  const surveys = hasSurveyTrigger(events);
  const code = form.code.trim();
  return {
    // Once saved the Code is the engine's; while new, an empty Code lets the engine suggest one.
    ...(context.isNew && code !== "" ? { code } : {}),
    name: form.name,
    url: form.url,
    description: form.description,
    events,
    filters: {
      // A filter only means something while its trigger is chosen; the typed text is kept
      // in the form in case the trigger is chosen again.
      workflow: tasks ? parseCodeList(form.workflow) : [],
      survey: surveys ? parseCodeList(form.survey) : [],
      group: surveys ? parseCodeList(form.group) : [],
    },
    active: form.active,
    headers: form.headers.map(headerInput),
    delivery: deliverySettingsFrom(form.delivery, context.storedDelivery),
  };
}
