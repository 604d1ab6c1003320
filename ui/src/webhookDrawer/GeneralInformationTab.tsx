import type { EventType } from "../bindings/EventType";
import { RULES } from "../bindings/rules";
import type { Webhook } from "../bindings/Webhook";
import { TextField } from "../components/TextField";
import { DeleteWebhookSection } from "./DeleteWebhookSection";
import { DeliverySection } from "./DeliverySection";
import { FilterListField } from "./FilterListField";
import { HeadersSection } from "./HeadersSection";
import { IdentifierField } from "./IdentifierField";
import { SigningSecretSection } from "./SigningSecretSection";
import { TriggerField } from "./TriggerField";
import type { WebhookEditor } from "./useWebhookEditor";
import { hasSurveyTrigger, hasTaskTrigger } from "./webhookForm";

interface GeneralInformationTabProps {
  editor: WebhookEditor;
  catalog: readonly EventType[] | null;
  onDeleted: (webhook: Webhook) => void;
}

/** The settings form: details, trigger and filters, headers and security, delivery. */
export function GeneralInformationTab({ editor, catalog, onDeleted }: GeneralInformationTabProps) {
  const { form, saved } = editor;
  const schedule =
    saved?.delivery.retry.kind === "exponential" ? saved.delivery.retry.schedule_ms : null;
  return (
    <div className="settings-form">
      {editor.otherErrors.length > 0 && (
        <div className="form-alert" role="alert">
          {editor.otherErrors.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      )}
      <section className="form-section" aria-labelledby="details-heading">
        <h3 id="details-heading" className="section-title">
          Details
        </h3>
        <div className="form-grid">
          <TextField
            id="webhook-name"
            label="Name"
            value={form.name}
            autoFocus={editor.isNew}
            onChange={editor.setName}
            onBlur={() => editor.touch("name")}
            errors={editor.errorsFor("name")}
          />
          <TextField
            id="webhook-code"
            label="Code"
            value={form.code}
            monospace
            readOnly={!editor.isNew}
            onChange={editor.isNew ? editor.setCode : undefined}
            onBlur={() => editor.touch("code")}
            errors={editor.errorsFor("code")}
            hint={
              editor.isNew
                ? "Suggested from the Name. Lowercase letters, digits and _; fixed once saved."
                : "Once saved, the Code cannot be modified."
            }
          />
          <div className="field-wide">
            <TextField
              id="webhook-url"
              label="Url"
              type="url"
              value={form.url}
              monospace
              placeholder="https://example.com/hooks/orders"
              onChange={editor.setUrl}
              onBlur={() => editor.touch("url")}
              errors={editor.errorsFor("url")}
              warnings={editor.warningsFor("url")}
            />
          </div>
          <div className="field-wide">
            <TextField
              id="webhook-description"
              label="Description"
              value={form.description}
              multiline
              counterMax={RULES.description_max}
              onChange={editor.setDescription}
              onBlur={() => editor.touch("description")}
              errors={editor.errorsFor("description")}
            />
          </div>
          <div className="field-wide">
            <IdentifierField id={saved?.id ?? null} />
          </div>
        </div>
      </section>

      <section className="form-section" aria-labelledby="trigger-heading">
        <h3 id="trigger-heading" className="section-title">
          Events
        </h3>
        <TriggerField
          catalog={catalog}
          selected={form.events}
          onToggle={editor.toggleEvent}
          errors={editor.errorsFor("events")}
        />
        {hasTaskTrigger(form.events) && (
          <FilterListField
            id="webhook-workflow"
            label="Workflow"
            plural="workflows"
            value={form.workflow}
            onChange={(text) => editor.setFilter("workflow", text)}
            onBlur={() => editor.touch("filters.workflow")}
            errors={editor.errorsFor("filters.workflow")}
          />
        )}
        {hasSurveyTrigger(form.events) && (
          <div className="form-grid">
            <FilterListField
              id="webhook-survey"
              label="Survey"
              plural="surveys"
              value={form.survey}
              onChange={(text) => editor.setFilter("survey", text)}
              onBlur={() => editor.touch("filters.survey")}
              errors={editor.errorsFor("filters.survey")}
            />
            <FilterListField
              id="webhook-group"
              label="Group"
              plural="groups"
              value={form.group}
              onChange={(text) => editor.setFilter("group", text)}
              onBlur={() => editor.touch("filters.group")}
              errors={editor.errorsFor("filters.group")}
            />
          </div>
        )}
      </section>

      <section className="form-section" aria-labelledby="security-heading">
        <h3 id="security-heading" className="section-title">
          Headers and security
        </h3>
        <HeadersSection editor={editor} />
        <SigningSecretSection
          saved={saved}
          newSecret={editor.newSecret}
          onRotated={editor.applySavedChange}
        />
      </section>

      <DeliverySection editor={editor} schedule={schedule} />

      {saved && <DeleteWebhookSection webhook={saved} onDeleted={onDeleted} />}
    </div>
  );
}
