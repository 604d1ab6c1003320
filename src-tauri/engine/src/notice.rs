//! Engine notifications, forwarded to the window as Tauri events.

use crate::model::attempt::AttemptSummary;
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
    /// A delivery attempt was recorded (committed to the logs).
    AttemptRecorded { attempt: Box<AttemptSummary> },
    /// A webhook was paused after consecutive failed deliveries; its queue is held.
    WebhookPaused { webhook_id: String, code: String, reason: String },
    /// The engine deactivated a webhook (its endpoint answered 410 Gone).
    WebhookDisabled { webhook_id: String, code: String, reason: String },
    /// The engine's settings changed (Events API, retention, network policy).
    SettingsChanged,
    /// Accepted events queued deliveries (their webhooks' queue lengths changed).
    DeliveriesQueued,
    /// Some notices were lost (the window fell behind): reload what is shown.
    Missed,
}

impl Notice {
    /// Whether the notice says only "something changed": several in a row mean one reload.
    pub fn carries_nothing(&self) -> bool {
        matches!(
            self,
            Notice::WebhooksChanged | Notice::CatalogChanged | Notice::SettingsChanged | Notice::DeliveriesQueued | Notice::Missed
        )
    }
}
