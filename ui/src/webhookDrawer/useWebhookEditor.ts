import { useEffect, useMemo, useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { EventType } from "../bindings/EventType";
import type { FieldError } from "../bindings/FieldError";
import type { Webhook } from "../bindings/Webhook";
import { useFeedback } from "../feedback/FeedbackContext";
import { createWebhook, newSigningSecret, revealHeader, updateWebhook } from "../ipc/commands";
import { isSystemTrouble } from "../ipc/errors";
import { DEFAULT_DELIVERY, deliveryErrors, type DeliveryForm } from "./deliveryForm";
import { fieldKey, groupByField, isFormField } from "./fieldPaths";
import { useFormCheck } from "./useFormCheck";
import {
  emptyForm,
  formFromWebhook,
  formToInput,
  MASK,
  newHeaderRow,
  type HeaderRow,
  type WebhookForm,
} from "./webhookForm";

export type FilterKind = "workflow" | "survey" | "group";

export type SaveOutcome = "saved" | "invalid" | "failed" | "unchanged";

interface EditorOptions {
  /** The webhook as it was when the panel opened; null for a new one. */
  initial: Webhook | null;
  /**
   * The same webhook as the list now has it (changes may come from the CLI or the API):
   * undefined while unknown, null once the list no longer has it.
   */
  latest: Webhook | null | undefined;
  catalog: readonly EventType[];
  onSaved: (webhook: Webhook, created: boolean) => void;
}

/** Whether `a` is a later version of the webhook than `b` (the list may lag behind the panel). */
function isNewer(a: Webhook, b: Webhook): boolean {
  return Date.parse(a.updated_at) > Date.parse(b.updated_at);
}

/** The touch key of a header field path: rows are tracked by their key, not their index. */
function touchKeyOf(key: string, headers: readonly HeaderRow[]): string {
  const row = /^headers\[(\d+)\]/.exec(key);
  if (!row) return key;
  const header = headers[Number(row[1])];
  return header ? `header:${header.key}` : key;
}

/**
 * The state of the settings panel's form: what the user typed, what is saved, the engine's
 * live check, and saving. Nothing typed is dropped on an error.
 */
export function useWebhookEditor({ initial, latest, catalog, onSaved }: EditorOptions) {
  const { reportError } = useFeedback();
  const [saved, setSaved] = useState<Webhook | null>(initial);
  const [form, setForm] = useState<WebhookForm>(() =>
    initial ? formFromWebhook(initial) : emptyForm(),
  );
  const [baseline, setBaseline] = useState<WebhookForm>(form);
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [showAllErrors, setShowAllErrors] = useState(false);
  const [saveErrors, setSaveErrors] = useState<FieldError[]>([]);
  const [panelError, setPanelError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [newSecret, setNewSecret] = useState<string | null>(null);
  /** Counts the user's edits: what was shown about an earlier form (a Test result) is stale. */
  const [edits, setEdits] = useState(0);

  const isNew = saved === null;
  const storedDelivery = saved?.delivery ?? DEFAULT_DELIVERY;
  const input = useMemo(
    () => formToInput(form, { isNew, storedDelivery, catalog }),
    [form, isNew, storedDelivery, catalog],
  );
  const baselineInput = useMemo(
    () => formToInput(baseline, { isNew, storedDelivery, catalog }),
    [baseline, isNew, storedDelivery, catalog],
  );
  const dirty = JSON.stringify(input) !== JSON.stringify(baselineInput);

  // The list follows `webhook_changed` from anywhere (the CLI, the API); a form without edits
  // follows it, a form with edits keeps them (the header still shows the new status).
  const [seenLatest, setSeenLatest] = useState(latest);
  if (latest !== seenLatest) {
    setSeenLatest(latest);
    if (latest && saved && latest.id === saved.id && isNewer(latest, saved)) {
      setSaved(latest);
      if (!dirty) {
        const next = formFromWebhook(latest);
        setForm(next);
        setBaseline(next);
      }
    }
  }
  const deletedElsewhere = saved !== null && latest === null;

  // A new webhook gets its signing secret when the panel opens, so it can be copied before
  // the first save; it is sent with the create.
  useEffect(() => {
    if (initial !== null) return;
    let live = true;
    newSigningSecret().then(
      (secret) => {
        if (live) setNewSecret(secret);
      },
      (error: ErrorView) => reportError(error, "Generating a signing secret failed"),
    );
    return () => {
      live = false;
    };
  }, [initial, reportError]);

  const validation = useFormCheck(input, saved?.id ?? null, {
    onSuggestedCode: (code) =>
      setForm((f) => (f.codeFollowsName && f.code !== code ? { ...f, code } : f)),
    onError: (error) => {
      if (isSystemTrouble(error)) reportError(error, "Checking the form failed");
    },
  });

  const localErrors = deliveryErrors(form.delivery, storedDelivery);
  const localKeys = new Set(localErrors.map((e) => e.field));
  const engineErrors = [...(validation?.errors ?? []), ...saveErrors].filter(
    (e) => !localKeys.has(fieldKey(e.field)),
  );
  const allErrors = [...localErrors, ...engineErrors];
  const errorMap = groupByField(allErrors);
  const warningMap = groupByField(validation?.warnings ?? []);
  const problemCount = errorMap.size;

  const isShown = (key: string) => showAllErrors || touched.has(touchKeyOf(key, form.headers));
  const errorsFor = (key: string) => (isShown(key) ? (errorMap.get(key) ?? []) : []);
  const warningsFor = (key: string) => warningMap.get(key) ?? [];
  const otherErrors = [...errorMap]
    .filter(([key]) => !isFormField(key))
    .flatMap(([key, messages]) => messages.map((m) => `${key}: ${m}`));

  function markTouched(keys: readonly string[]) {
    if (keys.length === 0) return;
    setTouched((all) => (keys.every((k) => all.has(k)) ? all : new Set([...all, ...keys])));
    // An error from the last save stays until its field is edited.
    setSaveErrors((errors) =>
      errors.some((e) => keys.includes(touchKeyOf(fieldKey(e.field), form.headers)))
        ? errors.filter((e) => !keys.includes(touchKeyOf(fieldKey(e.field), form.headers)))
        : errors,
    );
  }

  function edit(change: (f: WebhookForm) => WebhookForm, touchKeys: readonly string[]) {
    setForm(change);
    setEdits((n) => n + 1);
    markTouched(touchKeys);
  }

  const setHeader = (key: number, change: (row: HeaderRow) => HeaderRow) =>
    edit(
      (f) => ({ ...f, headers: f.headers.map((h) => (h.key === key ? change(h) : h)) }),
      [`header:${key}`],
    );

  async function revealHeaderValue(key: number) {
    const row = form.headers.find((h) => h.key === key);
    if (!row) return;
    const fetchStored = row.storedName !== null && row.revealedValue === null && saved;
    if (!fetchStored) {
      setForm((f) => ({
        ...f,
        headers: f.headers.map((h) => (h.key === key ? { ...h, visible: !h.visible } : h)),
      }));
      return;
    }
    try {
      const value = await revealHeader(saved.id, row.storedName ?? row.name);
      setForm((f) => ({
        ...f,
        headers: f.headers.map((h) =>
          h.key === key
            ? {
                ...h,
                revealedValue: value,
                value: h.value === MASK ? value : h.value,
                visible: true,
              }
            : h,
        ),
      }));
    } catch (error) {
      reportError(error as ErrorView, `Revealing the value of ${row.name} failed`);
    }
  }

  async function save(): Promise<SaveOutcome> {
    if (saving || !dirty || deletedElsewhere) return "unchanged";
    if (allErrors.length > 0) {
      setShowAllErrors(true);
      return "invalid";
    }
    setSaving(true);
    setPanelError(null);
    const sentForm = form;
    const created = saved === null;
    try {
      const result = saved
        ? await updateWebhook(saved.id, input)
        : await createWebhook({ ...input, ...(newSecret ? { secret: newSecret } : {}) });
      const next = formFromWebhook(result);
      setSaved(result);
      setSeenLatest(result);
      // Edits typed while the save was on its way are kept (and stay unsaved).
      setForm((current) => (current === sentForm ? next : current));
      setBaseline(next);
      setTouched(new Set());
      setShowAllErrors(false);
      setSaveErrors([]);
      onSaved(result, created);
      return "saved";
    } catch (reason) {
      const error = reason as ErrorView;
      if (error.kind === "invalid" && error.fields.length > 0) {
        setSaveErrors(error.fields);
        setShowAllErrors(true);
        return "invalid";
      }
      setPanelError(error.message);
      if (isSystemTrouble(error)) reportError(error, "Saving the webhook failed");
      return "failed";
    } finally {
      setSaving(false);
    }
  }

  return {
    form,
    /** The form as the engine takes it (what Save and Test send). */
    input,
    saved,
    isNew,
    dirty,
    edits,
    saving,
    newSecret,
    panelError,
    deletedElsewhere,
    otherErrors,
    problemCount,
    canSave: dirty && problemCount === 0 && !saving && !deletedElsewhere,
    errorsFor,
    warningsFor,
    save,
    showAllErrors: () => setShowAllErrors(true),
    touch: (key: string) => markTouched([key]),
    setName: (name: string) => edit((f) => ({ ...f, name }), ["name"]),
    // Typing a Code by hand stops it following the Name; clearing it resumes.
    setCode: (code: string) =>
      edit((f) => ({ ...f, code, codeFollowsName: code === "" }), ["code"]),
    setUrl: (url: string) => edit((f) => ({ ...f, url }), ["url"]),
    setDescription: (description: string) => edit((f) => ({ ...f, description }), ["description"]),
    setActive: (active: boolean) => edit((f) => ({ ...f, active }), []),
    toggleEvent: (name: string, on: boolean) =>
      edit(
        (f) => ({
          ...f,
          events: on
            ? [...f.events.filter((e) => e !== name), name]
            : f.events.filter((e) => e !== name),
        }),
        ["events"],
      ),
    setFilter: (kind: FilterKind, text: string) =>
      edit((f) => ({ ...f, [kind]: text }), [`filters.${kind}`]),
    setDelivery: (change: Partial<DeliveryForm>, touchKeys: readonly string[]) =>
      edit((f) => ({ ...f, delivery: { ...f.delivery, ...change } }), touchKeys),
    addHeader: () => {
      const row = newHeaderRow();
      edit((f) => ({ ...f, headers: [...f.headers, row] }), []);
      return row.key;
    },
    removeHeader: (key: number) => {
      edit((f) => ({ ...f, headers: f.headers.filter((h) => h.key !== key) }), []);
      // Save errors name rows by index, which removing a row shifts.
      setSaveErrors((errors) => errors.filter((e) => !e.field.startsWith("headers")));
    },
    setHeaderName: (key: number, name: string) => setHeader(key, (h) => ({ ...h, name })),
    setHeaderValue: (key: number, value: string) => setHeader(key, (h) => ({ ...h, value })),
    revealHeaderValue,
    /** A rotation changes the saved webhook but not the form. */
    applySavedChange: (webhook: Webhook) => {
      setSaved(webhook);
      setSeenLatest(webhook);
    },
    /** Field errors from another action (Test): shown under their fields until edited. */
    applyFieldErrors: (fields: readonly FieldError[]) => {
      setSaveErrors((errors) => [
        ...errors.filter((e) => !fields.some((f) => f.field === e.field)),
        ...fields,
      ]);
      // Shown at once (not through markTouched, which clears errors of the fields it touches).
      const keys = fields.map((f) => touchKeyOf(fieldKey(f.field), form.headers));
      setTouched((all) => new Set([...all, ...keys]));
    },
    /**
     * The webhook was reactivated from the panel: the saved copy and the Active toggle follow,
     * and other edits stay as they are (a later Save must not pause it again).
     */
    applyResumed: (webhook: Webhook) => {
      setSaved(webhook);
      setSeenLatest(webhook);
      if (dirty) {
        setForm((f) => ({ ...f, active: webhook.active }));
        setBaseline((b) => ({ ...b, active: webhook.active }));
      } else {
        const next = formFromWebhook(webhook);
        setForm(next);
        setBaseline(next);
      }
    },
  };
}

export type WebhookEditor = ReturnType<typeof useWebhookEditor>;
