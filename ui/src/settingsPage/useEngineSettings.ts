import { useCallback, useEffect, useState } from "react";
import type { ApiInfo } from "../bindings/ApiInfo";
import type { EngineSettings } from "../bindings/EngineSettings";
import type { ErrorView } from "../bindings/ErrorView";
import { useFeedback } from "../feedback/FeedbackContext";
import { apiInfo, engineSettings, updateEngineSettings } from "../ipc/commands";
import { onNotice } from "../ipc/events";
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
 * saved with **Save settings**, and the Events API's address and example. Both follow
 * `settings_changed`; a form with edits keeps them.
 */
export function useEngineSettings() {
  const { reportError, showToast } = useFeedback();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<ErrorView | null>(null);
  const [info, setInfo] = useState<ApiInfo | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveErrors, setSaveErrors] = useState<Partial<Record<SettingsField, string>>>({});
  const [showErrors, setShowErrors] = useState(false);
  /** Counts `settings_changed` notices (the token may have been regenerated elsewhere). */
  const [changes, setChanges] = useState(0);

  const reloadInfo = useCallback(() => {
    apiInfo().then(setInfo, (error: ErrorView) =>
      reportError(error, "Reading the Events API address failed"),
    );
  }, [reportError]);

  const reload = useCallback(() => {
    engineSettings().then(
      (saved) => {
        setLoadError(null);
        setLoaded((current) => {
          const edited = current && !sameForm(current.form, formFromSettings(current.saved));
          return { saved, form: edited ? current.form : formFromSettings(saved) };
        });
      },
      (error: ErrorView) => setLoadError(error),
    );
  }, []);

  useEffect(() => {
    reload();
    reloadInfo();
    return onNotice((notice) => {
      if (notice.kind === "settings_changed" || notice.kind === "missed") {
        setChanges((n) => n + 1);
        reload();
        reloadInfo();
      }
    });
  }, [reload, reloadInfo]);

  const form = loaded?.form ?? null;
  const localErrors = form ? settingsErrors(form) : {};
  const errors = { ...saveErrors, ...localErrors };
  const valid = Object.keys(localErrors).length === 0;
  const dirty = loaded !== null && !sameForm(loaded.form, formFromSettings(loaded.saved));

  function edit(change: Partial<SettingsForm>) {
    setLoaded((l) => (l ? { ...l, form: { ...l.form, ...change } } : l));
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
      setLoaded((l) => ({
        saved,
        form: l && l.form !== sent ? l.form : formFromSettings(saved),
      }));
      if (address) setInfo(address);
      else reloadInfo();
      setShowErrors(false);
      showToast({ message: "Settings saved" });
    } catch (reason) {
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
    } finally {
      setSaving(false);
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
    info,
    changes,
    loadError,
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
