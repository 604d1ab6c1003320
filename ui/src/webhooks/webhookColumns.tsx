import type { ReactNode } from "react";
import type { EventType } from "../bindings/EventType";
import type { HealthBars } from "../bindings/HealthBars";
import type { Webhook } from "../bindings/Webhook";
import { PenIcon, PlayIcon } from "../components/icons";
import { StatusBadge } from "../components/StatusBadge";
import { Sparkline } from "../health/Sparkline";
import { LastDeliveryCell } from "./LastDeliveryCell";
import { SelectAllCheckbox } from "./SelectAllCheckbox";
import { summarizeTriggers } from "./triggerSummary";
import type { ActivityMap } from "./useWebhookActivity";

/** What a cell may need besides its webhook. */
export interface TableContext {
  rows: readonly Webhook[];
  catalog: readonly EventType[];
  selected: ReadonlySet<string>;
  onToggle: (id: string, on: boolean) => void;
  onToggleAll: (on: boolean) => void;
  onEdit: (webhook: Webhook) => void;
  /** Each webhook's last attempt and queue, by id. */
  activity: ActivityMap;
  /** Each webhook's last 24 hours, hour by hour, by id. */
  health: Readonly<Partial<Record<string, HealthBars>>>;
  /** Reactivates a paused webhook (its held deliveries go out in order). */
  onResume: (webhook: Webhook) => void;
  /**
   * Webhooks the engine disabled while the list was open (410 Gone): shown although
   * disabled ones are hidden, until the user hides them.
   */
  kept: ReadonlySet<string>;
  onHide: (webhook: Webhook) => void;
  /** For relative times. */
  now: number;
}

export interface WebhookColumn {
  /** Also names the column's classes (`col-<id>`, `cell-<id>`) that size it in the stylesheet. */
  id: string;
  header: (context: TableContext) => ReactNode;
  cell: (webhook: Webhook, context: TableContext) => ReactNode;
}

/**
 * The table's columns, in order. A new column is one more entry.
 */
export const WEBHOOK_COLUMNS: WebhookColumn[] = [
  {
    id: "select",
    header: (c) => (
      <SelectAllCheckbox rows={c.rows} selected={c.selected} onChange={c.onToggleAll} />
    ),
    cell: (w, c) => (
      <input
        type="checkbox"
        aria-label={`Select ${w.name}`}
        checked={c.selected.has(w.id)}
        onChange={(e) => c.onToggle(w.id, e.target.checked)}
      />
    ),
  },
  {
    id: "name",
    header: () => "Name",
    cell: (w) => (
      <div className="cell-stack">
        <span className="cell-primary" title={w.name}>
          {w.name}
        </span>
        <span className="cell-secondary mono" title={w.code}>
          {w.code}
        </span>
      </div>
    ),
  },
  {
    id: "trigger",
    header: () => "Trigger",
    cell: (w, c) => {
      const summary = summarizeTriggers(w.events, c.catalog);
      return (
        <span className="cell-ellipsis" title={summary.full}>
          {summary.text}
        </span>
      );
    },
  },
  {
    id: "url",
    header: () => "Url",
    cell: (w) => (
      <span className="cell-ellipsis mono" title={w.url}>
        {w.url}
      </span>
    ),
  },
  {
    id: "status",
    header: () => "Status",
    cell: (w, c) => (
      <div className="status-cell">
        <StatusBadge status={w.status} reason={w.status_reason} />
        {(w.status === "paused" || (w.status === "disabled" && c.kept.has(w.id))) && (
          <button
            type="button"
            className="icon-button resume-button"
            aria-label={`${w.status === "paused" ? "Resume" : "Activate"} ${w.name}`}
            title={
              w.status === "paused"
                ? "Resume: reactivate it; the held deliveries go out in order"
                : "Activate it again"
            }
            onClick={() => c.onResume(w)}
          >
            <PlayIcon />
          </button>
        )}
        {w.status === "disabled" && c.kept.has(w.id) && (
          <button
            type="button"
            className="link-button"
            aria-label={`Hide ${w.name}`}
            title="Hide it with the other disabled webhooks"
            onClick={() => c.onHide(w)}
          >
            Hide
          </button>
        )}
      </div>
    ),
  },
  {
    id: "health",
    header: () => "Last 24 h",
    cell: (w, c) => <Sparkline bars={c.health[w.id]} />,
  },
  {
    id: "last",
    header: () => "Last delivery",
    cell: (w, c) => (
      <LastDeliveryCell
        activity={c.activity[w.id]}
        status={w.status}
        heldBy={w.held_by}
        now={c.now}
      />
    ),
  },
  {
    id: "edit",
    header: () => <span className="visually-hidden">Edit</span>,
    cell: (w, c) => (
      <button
        type="button"
        className="icon-button"
        aria-label={`Edit ${w.name}`}
        title="Edit"
        onClick={() => c.onEdit(w)}
      >
        <PenIcon />
      </button>
    ),
  },
];
