import { useEffect, useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import { RULES } from "../bindings/rules";
import { CopyButton } from "../components/CopyButton";
import { FieldMessages } from "../components/FieldMessages";
import { WarningIcon } from "../components/icons";
import { Switch } from "../components/Switch";
import { useFeedback } from "../feedback/FeedbackContext";
import { apiExample } from "../ipc/commands";
import { ApiStatus } from "./ApiStatus";
import { overriddenPort } from "./apiPort";
import { ApiTokenField } from "./ApiTokenField";
import type { EngineSettingsState } from "./useEngineSettings";

/** The local Events API: where it listens, its token, the switch, the port, an example. */
export function EventsApiSection({ settings }: { settings: EngineSettingsState }) {
  const { reportError } = useFeedback();
  const { form, info } = settings;
  // While the token is revealed, the example shows it too: then it is exactly what runs.
  const [revealedToken, setRevealedToken] = useState<string | null>(null);
  const [clearExample, setClearExample] = useState<string | null>(null);
  const maskedExample = info?.example ?? null;
  useEffect(() => {
    if (revealedToken === null || maskedExample === null) return;
    let live = true;
    apiExample().then(
      (text) => {
        if (live) setClearExample(text);
      },
      (error: ErrorView) => reportError(error, "Showing the example failed"),
    );
    return () => {
      live = false;
      // Never show a token other than the one revealed now.
      setClearExample(null);
    };
  }, [revealedToken, maskedExample, reportError]);
  if (!form) return null;
  const portErrors = settings.errorFor("port");
  const override = overriddenPort(info, settings.saved?.events_api_port ?? null);
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
            min={RULES.settings.events_api_port[0]}
            max={RULES.settings.events_api_port[1]}
            value={form.port}
            aria-invalid={portErrors.length > 0 ? true : undefined}
            aria-describedby={override ? "api-port-running api-port-messages" : "api-port-messages"}
            onChange={(e) => settings.edit({ port: e.target.value })}
          />
          <FieldMessages id="api-port-messages" errors={portErrors} />
        </div>
        {override !== null && (
          <p id="api-port-running" className="port-override">
            <WarningIcon />
            <span>
              Running on port {override}, set by the environment (<code>HOOKDESK_API_PORT</code>)
              when Hookdesk started; the setting applies at the next start without it.
            </span>
          </p>
        )}
      </div>
      <p className="field-hint">The switch and the port apply when you save the settings.</p>
      <ApiTokenField
        version={settings.changes}
        onRegenerated={settings.reloadInfo}
        onShownChange={setRevealedToken}
      />
      {info?.example && (
        <div className="field">
          <span className="field-label">Example</span>
          <pre className="api-example mono" data-testid="api-example" tabIndex={0}>
            {(revealedToken !== null && clearExample) || info.example}
          </pre>
          <div className="field-control">
            <CopyButton
              label="Copy example"
              caption="Copy example"
              text={async () => (await apiExample()) ?? ""}
              onError={(e) => reportError(e, "Copying the example failed")}
            />
            <span className="field-hint">
              {revealedToken !== null
                ? "Runs as shown."
                : "Copied with the real token, ready to run; reveal the token to see it in full."}
            </span>
          </div>
        </div>
      )}
    </section>
  );
}
