import { notifyManager, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { EngineSettings } from "../bindings/EngineSettings";
import type { ErrorView } from "../bindings/ErrorView";
import { useFeedback } from "../feedback/FeedbackContext";
import { useReportedError } from "../feedback/useReportedError";
import { apiInfo, updateEngineSettings } from "../ipc/commands";
import { useNoticeRouter } from "../ipc/NoticeRouterProvider";
import { apiInfoQuery, engineSettingsQuery, queryKeys } from "../ipc/queries";
import {
  ENGINE_FIELDS,
  formFromSettings,
  sameForm,
  settingsErrors,
  settingsFromForm,
  type SettingsField,
  type SettingsForm,
} from "./settingsForm";

interface Loaded {
  saved: EngineSettings;
  form: SettingsForm;
}

/**
 * The engine settings (retention, network policy, Events API switch and port) as a form
 * saved with **Save settings**, and the Events API's address and example, from the query
 * cache (kept current by `settings_changed` and `events_api_changed`); a form with edits
 * keeps them when the settings change elsewhere.
 */
export function useEngineSettings() {
  const { reportError, showToast } = useFeedback();
  const client = useQueryClient();
  const router = useNoticeRouter();
  const settingsQuery = useQuery(engineSettingsQuery);
  const infoQuery = useQuery(apiInfoQuery);
  useReportedError(infoQuery.error, "Reading the Events API address failed");
  const cached = settingsQuery.data ?? null;
  const fromCache = useMemo<Loaded | null>(
    () => (cached ? { saved: cached, form: formFromSettings(cached) } : null),
    [cached],
  );
  /** The form as edited, with the settings it was edited from; null: the cache's as they are. */
  const [draft, setDraft] = useState<Loaded | null>(null);
  // The settings changed (here or elsewhere): a form without edits follows them.
  const [seen, setSeen] = useState(cached);
  if (seen !== cached) {
    setSeen(cached);
    if (draft && cached) {
      const edited = !sameForm(draft.form, formFromSettings(draft.saved));
      setDraft(edited ? { saved: cached, form: draft.form } : null);
    }
  }
  const loaded = draft ?? fromCache;
  const [saving, setSaving] = useState(false);
  const [saveErrors, setSaveErrors] = useState<Partial<Record<SettingsField, string>>>({});
  const [showErrors, setShowErrors] = useState(false);
  /** Counts notices that may mean a new token (regenerated elsewhere): one read before is stale. */
  const [changes, setChanges] = useState(0);

  useEffect(
    () =>
      router.subscribe((notice) => {
        if (
          notice.kind === "settings_changed" ||
          notice.kind === "events_api_changed" ||
          notice.kind === "missed"
        )
          setChanges((n) => n + 1);
      }),
    [router],
  );

  const reloadInfo = useCallback(
    () => void client.invalidateQueries({ queryKey: queryKeys.apiInfo }),
    [client],
  );
  const refetchSettings = settingsQuery.refetch;
  const reload = useCallback(() => void refetchSettings(), [refetchSettings]);

  const form = loaded?.form ?? null;
  const localErrors = form ? settingsErrors(form) : {};
  const errors = { ...saveErrors, ...localErrors };
  const valid = Object.keys(localErrors).length === 0;
  const dirty = loaded !== null && !sameForm(loaded.form, formFromSettings(loaded.saved));

  function edit(change: Partial<SettingsForm>) {
    setDraft((d) => {
      const l = d ?? fromCache;
      return l ? { ...l, form: { ...l.form, ...change } } : l;
    });
    setSaveErrors((e) => {
      const next = { ...e };
      for (const key of Object.keys(change)) delete next[key as SettingsField];
      return next;
    });
  }

  async function save() {
    if (!loaded || saving) return;
    if (!valid) {
      setShowErrors(true);
      return;
    }
    setSaving(true);
    const sent = loaded.form;
    try {
      const saved = await updateEngineSettings(settingsFromForm(sent));
      // The address as it is now, set in the same render as the new settings: shown a moment
      // apart, the old address beside the new port would read as a port override.
      const address = await apiInfo().catch(() => null);
      notifyManager.batch(() => {
        client.setQueryData(queryKeys.engineSettings, saved);
        if (address) client.setQueryData(queryKeys.apiInfo, address);
        // Edits typed while saving stay; in the same render as the cache's new values.
        notifyManager.schedule(() => {
          setDraft((d) => ({
            saved,
            form: d && d.form !== sent ? d.form : formFromSettings(saved),
          }));
          setSaving(false);
        });
      });
      if (!address) reloadInfo();
      setShowErrors(false);
      showToast({ message: "Settings saved" });
    } catch (reason) {
      setSaving(false);
      const error = reason as ErrorView;
      if (error.kind === "invalid" && error.fields.length > 0) {
        const mapped: Partial<Record<SettingsField, string>> = {};
        for (const f of error.fields) {
          const key = ENGINE_FIELDS[f.field];
          if (key) mapped[key] = f.message;
        }
        setSaveErrors(mapped);
        setShowErrors(true);
        if (Object.keys(mapped).length < error.fields.length) {
          reportError(error, "Saving the settings failed");
        }
      } else {
        reportError(error, "Saving the settings failed");
      }
    }
  }

  /** Errors are shown once the field was edited away from the saved value, or on Save. */
  const errorFor = (field: SettingsField): string[] => {
    const message = errors[field];
    if (!message || !loaded) return [];
    const changed = loaded.form[field] !== formFromSettings(loaded.saved)[field];
    return showErrors || changed || saveErrors[field] ? [message] : [];
  };

  return {
    form,
    /** The settings as the engine has them (null until loaded). */
    saved: loaded?.saved ?? null,
    info: infoQuery.data ?? null,
    changes,
    loadError: settingsQuery.error,
    dirty,
    saving,
    canSave: dirty && valid && !saving,
    errorFor,
    edit,
    save: () => void save(),
    reload,
    reloadInfo,
  };
}

export type EngineSettingsState = ReturnType<typeof useEngineSettings>;
