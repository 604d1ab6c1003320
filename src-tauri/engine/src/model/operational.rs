//! Hookdesk's own events: what it says about its webhooks when one pauses, is disabled or
//! activated, or a delivery uses up its attempts. Any webhook may subscribe to them (to post
//! to a chat channel, say); an event about a webhook never goes to that webhook.

use super::attempt::AttemptResult;
use serde::Serialize;

pub const PAUSED: &str = "hookdesk.webhook.paused";
pub const DISABLED: &str = "hookdesk.webhook.disabled";
pub const ACTIVATED: &str = "hookdesk.webhook.activated";
pub const EXHAUSTED: &str = "hookdesk.delivery.exhausted";

/// The operational event types, in catalog order.
pub const TYPES: [&str; 4] = [PAUSED, DISABLED, ACTIVATED, EXHAUSTED];

/// Whether an event type is one of Hookdesk's own, which only Hookdesk emits.
pub fn is_operational(event_type: &str) -> bool {
    event_type.starts_with("hookdesk.")
}

/// Who made the change: the engine (after consecutive failures or used-up attempts), the
/// endpoint (it answered 410 Gone), or the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    Engine,
    Endpoint,
    User,
}

/// The webhook an operational event is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebhookRef {
    pub id: String,
    pub code: String,
    pub name: String,
}

/// The last attempt made before the event, as the Logs list summarises it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LastAttempt {
    pub event_id: String,
    pub event_type: String,
    pub attempt: u32,
    pub attempts: u32,
    pub result: AttemptResult,
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
    /// RFC 3339.
    pub executed_at: String,
}

/// The delivery that used up its attempts (`hookdesk.delivery.exhausted`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExhaustedDelivery {
    pub id: i64,
    pub event_id: String,
    pub event_type: String,
    pub attempts: u32,
}

/// An operational event's `data`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperationalData {
    pub webhook: WebhookRef,
    pub by: By,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<ExhaustedDelivery>,
    pub last_attempt: Option<LastAttempt>,
}
