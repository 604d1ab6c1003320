import type { Webhook } from "../bindings/Webhook";
import { WEBHOOK_COLUMNS, type TableContext } from "./webhookColumns";

interface WebhookTableProps extends TableContext {
  /** The webhook open in the settings panel, highlighted. */
  openId: string | null;
}

/** Compact rows; one per webhook, the columns as WEBHOOK_COLUMNS lists them. */
export function WebhookTable({ openId, ...context }: WebhookTableProps) {
  return (
    <table className="webhook-table">
      <colgroup>
        {WEBHOOK_COLUMNS.map((column) => (
          <col key={column.id} className={`col-${column.id}`} />
        ))}
      </colgroup>
      <thead>
        <tr>
          {WEBHOOK_COLUMNS.map((column) => (
            <th key={column.id} scope="col" className={`cell-${column.id}`}>
              {column.header(context)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {context.rows.map((webhook: Webhook) => {
          const classes = [
            context.selected.has(webhook.id) ? "is-selected" : "",
            webhook.id === openId ? "is-open" : "",
            webhook.status !== "active" ? "is-inactive" : "",
          ].filter(Boolean);
          return (
            <tr
              key={webhook.id}
              data-testid="webhook-row"
              data-code={webhook.code}
              className={classes.join(" ") || undefined}
            >
              {WEBHOOK_COLUMNS.map((column) => (
                <td key={column.id} className={`cell-${column.id}`}>
                  {column.cell(webhook, context)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
