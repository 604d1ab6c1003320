//! Engine notifications, forwarded to the window as Tauri events. Each carries what changed
//! (the changed model, or a precise key and its new value), so the window updates what it
//! shows without asking back for what the engine just knew.

use crate::catalog::EventType;
use crate::model::attempt::AttemptSummary;
use crate::model::{Webhook, WebhookId};
use crate::settings::EngineSettings;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Notice {
    /// A webhook was created or changed (by the panel, the API, the CLI or the engine): as it
    /// is now, with what holds its deliveries.
    WebhookChanged { webhook: Box<Webhook> },
    /// A webhook was deleted, with its queue and logs.
    WebhookDeleted { webhook_id: WebhookId },
    /// The event catalog changed (a custom type saved or removed): all of it, as it is now.
    CatalogChanged { event_types: Vec<EventType> },
    /// A delivery attempt was recorded (committed to the logs).
    AttemptRecorded { attempt: Box<AttemptSummary> },
    /// The engine paused a webhook after consecutive failed deliveries; its queue is held.
    /// (A `webhook_changed` with the paused webhook goes with it.)
    WebhookPaused { webhook_id: WebhookId, code: String, reason: String },
    /// The engine deactivated a webhook (its endpoint answered 410 Gone).
    WebhookDisabled { webhook_id: WebhookId, code: String, reason: String },
    /// A delivery to a webhook used up its attempts without success.
    DeliveryExhausted { webhook_id: WebhookId, code: String, event_type: String, reason: String },
    /// The engine's settings were saved.
    SettingsChanged { settings: EngineSettings },
    /// The Events API started, stopped or has a new token: `url` while it listens.
    EventsApiChanged { url: Option<String> },
    /// The deliveries waiting in a queue changed: a webhook's (`webhook_id`), or all direct
    /// deliveries' (`None`). `queued` counts those not yet ended, attempted or not.
    QueueChanged {
        webhook_id: Option<WebhookId>,
        #[ts(type = "number")]
        queued: u64,
    },
    /// Some notices were lost (the window fell behind): reload what is shown.
    Missed,
}

impl Notice {
    /// Whether a later notice in the same batch makes this one unneeded: the newer value of
    /// the same key replaces the older.
    pub fn superseded_by(&self, later: &Notice) -> bool {
        match (self, later) {
            (Notice::WebhookChanged { webhook: a }, Notice::WebhookChanged { webhook: b }) => a.id == b.id,
            (Notice::WebhookChanged { webhook: a }, Notice::WebhookDeleted { webhook_id: b }) => &a.id == b,
            (Notice::QueueChanged { webhook_id: a, .. }, Notice::QueueChanged { webhook_id: b, .. }) => a == b,
            (Notice::CatalogChanged { .. }, Notice::CatalogChanged { .. })
            | (Notice::SettingsChanged { .. }, Notice::SettingsChanged { .. })
            | (Notice::EventsApiChanged { .. }, Notice::EventsApiChanged { .. })
            | (Notice::Missed, Notice::Missed) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(id: &str, queued: u64) -> Notice {
        Notice::QueueChanged { webhook_id: Some(WebhookId::stored(id.into())), queued }
    }

    #[test]
    fn a_newer_value_of_the_same_key_supersedes_the_older() {
        assert!(queue("a", 3).superseded_by(&queue("a", 2)));
        assert!(!queue("a", 3).superseded_by(&queue("b", 2)));
        assert!(!queue("a", 3).superseded_by(&Notice::QueueChanged { webhook_id: None, queued: 1 }));
        assert!(Notice::Missed.superseded_by(&Notice::Missed));
        assert!(!Notice::Missed.superseded_by(&queue("a", 1)));
    }
}
