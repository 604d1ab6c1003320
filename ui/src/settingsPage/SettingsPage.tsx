import { useCatalog } from "../catalog/useCatalog";
import { DeliveryPolicySection } from "./DeliveryPolicySection";
import { EventsApiSection } from "./EventsApiSection";
import { EventTypesSection } from "./EventTypesSection";
import { TeamDatabaseSection } from "./TeamDatabaseSection";
import { useEngineSettings } from "./useEngineSettings";

/** The team database, Events API, event type catalog, log retention and the network policy. */
export function SettingsPage({ shown }: { shown: boolean }) {
  const settings = useEngineSettings();
  const catalog = useCatalog();
  return (
    <div className="page" hidden={!shown}>
      <header className="page-header">
        <h1 className="page-title">Settings</h1>
        <div className="page-actions page-actions-end">
          {settings.dirty && <span className="unsaved-note">Unsaved changes</span>}
          <button
            type="button"
            className="button button-primary"
            disabled={!settings.canSave}
            aria-busy={settings.saving || undefined}
            onClick={settings.save}
          >
            Save settings
          </button>
        </div>
      </header>
      <main className="page-main settings-page">
        <div className="settings-page-content">
          {settings.loadError && (
            <div className="form-alert" role="alert">
              <p>The settings could not be loaded: {settings.loadError.message}</p>
              <button type="button" className="button button-small" onClick={settings.reload}>
                Try again
              </button>
            </div>
          )}
          {settings.form === null && !settings.loadError && (
            <p className="muted">Loading settings…</p>
          )}
          <TeamDatabaseSection />
          <EventsApiSection settings={settings} />
          <DeliveryPolicySection settings={settings} />
          <EventTypesSection catalog={catalog.types} onChanged={catalog.reload} />
        </div>
      </main>
    </div>
  );
}
