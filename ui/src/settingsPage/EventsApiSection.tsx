import { CopyButton } from "../components/CopyButton";
import { FieldMessages } from "../components/FieldMessages";
import { Switch } from "../components/Switch";
import { useFeedback } from "../feedback/FeedbackContext";
import { ApiStatus } from "./ApiStatus";
import { ApiTokenField } from "./ApiTokenField";
import type { EngineSettingsState } from "./useEngineSettings";

/** The local Events API: where it listens, its token, the switch, the port, an example. */
export function EventsApiSection({ settings }: { settings: EngineSettingsState }) {
  const { reportError } = useFeedback();
  const { form, info } = settings;
  if (!form) return null;
  const portErrors = settings.errorFor("port");
  return (
    <section className="form-section" aria-labelledby="events-api-heading">
      <h2 id="events-api-heading" className="section-title">
        Events API
      </h2>
      <p className="section-note">
        Local programs post events to it (on 127.0.0.1 only); see <code>/v1/openapi.json</code>.
      </p>
      <ApiStatus info={info} enabled={form.apiEnabled} />
      <div className="settings-row">
        <Switch
          label="Events API"
          checked={form.apiEnabled}
          onChange={(apiEnabled) => settings.edit({ apiEnabled })}
        />
        <div className="field field-number">
          <label htmlFor="api-port" className="field-label">
            Port
          </label>
          <input
            id="api-port"
            className="input input-number"
            type="number"
            min={1}
            max={65535}
            value={form.port}
            aria-invalid={portErrors.length > 0 ? true : undefined}
            aria-describedby="api-port-messages"
            onChange={(e) => settings.edit({ port: e.target.value })}
          />
          <FieldMessages id="api-port-messages" errors={portErrors} />
        </div>
      </div>
      <p className="field-hint">The switch and the port apply when you save the settings.</p>
      <ApiTokenField version={settings.changes} onRegenerated={settings.reloadInfo} />
      {info?.example && (
        <div className="field">
          <span className="field-label">Example</span>
          <pre className="api-example mono" data-testid="api-example" tabIndex={0}>
            {info.example}
          </pre>
          <div className="field-control">
            <CopyButton
              label="Copy example"
              caption="Copy example"
              text={() => info.example_with_token ?? info.example ?? ""}
              onError={(e) => reportError(e, "Copying the example failed")}
            />
            <span className="field-hint">Copied with the real token, ready to run.</span>
          </div>
        </div>
      )}
    </section>
  );
}
