//! Engine notifications, forwarded to the window as Tauri events.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Notice {
    /// Webhooks were created, changed or deleted, by the panel, the API, the CLI or the engine.
    WebhooksChanged,
    /// Custom event types changed.
    CatalogChanged,
}
