import { RULES } from "../bindings/rules";
import { FieldMessages } from "../components/FieldMessages";
import { Switch } from "../components/Switch";
import type { EngineSettingsState } from "./useEngineSettings";

/** How long logs are kept, whether deliveries may reach private and loopback addresses, and
 * whether failures raise desktop notifications. */
export function DeliveryPolicySection({ settings }: { settings: EngineSettingsState }) {
  const { form } = settings;
  if (!form) return null;
  const retentionErrors = settings.errorFor("retentionDays");
  return (
    <section className="form-section" aria-labelledby="policy-heading">
      <h2 id="policy-heading" className="section-title">
        Logs, network and notifications
      </h2>
      <div className="field field-number">
        <label htmlFor="log-retention" className="field-label">
          Log retention (days)
        </label>
        <input
          id="log-retention"
          className="input input-number"
          type="number"
          min={RULES.settings.log_retention_days[0]}
          max={RULES.settings.log_retention_days[1]}
          value={form.retentionDays}
          aria-invalid={retentionErrors.length > 0 ? true : undefined}
          aria-describedby="log-retention-hint log-retention-messages"
          onChange={(e) => settings.edit({ retentionDays: e.target.value })}
        />
        <p id="log-retention-hint" className="field-hint">
          {`Attempts older than this are deleted in the background. Default ${RULES.settings.default_log_retention_days}.`}
        </p>
        <FieldMessages id="log-retention-messages" errors={retentionErrors} />
      </div>
      <div className="field">
        <Switch
          label="Allow private and loopback targets"
          checked={form.allowPrivate}
          onChange={(allowPrivate) => settings.edit({ allowPrivate })}
        />
        <p className="field-hint">
          When off, a delivery to a loopback, private, link-local or otherwise non-public address is
          refused at connect time (after DNS resolution) and logged as{" "}
          <code>blocked: private address</code>.
        </p>
      </div>
      <div className="field">
        <Switch
          label="Desktop notifications"
          checked={form.notifications}
          onChange={(notifications) => settings.edit({ notifications })}
        />
        <p className="field-hint">
          A notification when a webhook pauses, its endpoint deactivates it (410 Gone), or a
          delivery uses up its attempts: at most one per webhook every 5 minutes. Click it to open
          that webhook&rsquo;s Logs.
        </p>
      </div>
    </section>
  );
}
