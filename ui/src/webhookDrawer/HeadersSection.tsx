import { useState } from "react";
import { FieldMessages } from "../components/FieldMessages";
import { PlusIcon } from "../components/icons";
import { HeaderRowEditor } from "./HeaderRowEditor";
import type { WebhookEditor } from "./useWebhookEditor";

/** Custom header rows (name + secret value), sent with every delivery. */
export function HeadersSection({ editor }: { editor: WebhookEditor }) {
  const [addedKey, setAddedKey] = useState<number | null>(null);
  const { headers } = editor.form;
  return (
    <div className="subsection">
      <h4 className="subsection-title">Custom headers</h4>
      {headers.length === 0 ? (
        <p className="muted">
          None. Add one to send, for example, <code>Authorization: Bearer …</code> with every
          delivery.
        </p>
      ) : (
        <div className="header-rows">
          <div className="header-row header-row-captions" aria-hidden="true">
            <span>Header</span>
            <span>Value</span>
          </div>
          {headers.map((row, index) => (
            <HeaderRowEditor
              key={row.key}
              row={row}
              index={index}
              autoFocus={row.key === addedKey}
              nameErrors={editor.errorsFor(`headers[${index}].name`)}
              valueErrors={editor.errorsFor(`headers[${index}].value`)}
              onName={(name) => editor.setHeaderName(row.key, name)}
              onValue={(value) => editor.setHeaderValue(row.key, value)}
              onReveal={() => void editor.revealHeaderValue(row.key)}
              onRemove={() => editor.removeHeader(row.key)}
              onBlur={() => editor.touch(`header:${row.key}`)}
            />
          ))}
        </div>
      )}
      <FieldMessages id="webhook-headers-messages" errors={editor.errorsFor("headers")} />
      <button
        type="button"
        className="button button-small"
        onClick={() => setAddedKey(editor.addHeader())}
      >
        <PlusIcon /> Add header
      </button>
    </div>
  );
}
