import type { KeyboardEvent, MouseEvent } from "react";
import type { Webhook } from "../bindings/Webhook";
import { WEBHOOK_COLUMNS, type TableContext } from "./webhookColumns";

/**
 * What in a row does its own thing when clicked (the checkbox, Resume, Edit); the checkbox's
 * cell too, where a click that just misses the box must not open the panel.
 */
const ROW_CONTROLS = "button, input, select, textarea, a, label, .cell-select";

/** A click on the row itself, not on one of its controls nor the end of a text selection. */
function opensRow(event: MouseEvent<HTMLElement>): boolean {
  const target = event.target as Element;
  if (target.closest(ROW_CONTROLS)) return false;
  return (window.getSelection?.()?.toString() ?? "") === "";
}

interface WebhookTableProps extends TableContext {
  /** The webhook open in the settings panel, highlighted. */
  openId: string | null;
}

/**
 * Compact rows; one per webhook, the columns as WEBHOOK_COLUMNS lists them. A row opens its
 * settings when clicked anywhere but on its controls, or with Enter once focused (rows are
 * in the Tab order); the Edit button stays for those who look for it.
 */
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
              tabIndex={0}
              onClick={(e: MouseEvent<HTMLTableRowElement>) => {
                if (opensRow(e)) context.onEdit(webhook);
              }}
              onKeyDown={(e: KeyboardEvent<HTMLTableRowElement>) => {
                // Enter on the row itself; its controls answer Enter themselves.
                if (e.key === "Enter" && e.target === e.currentTarget) {
                  e.preventDefault();
                  context.onEdit(webhook);
                }
              }}
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
