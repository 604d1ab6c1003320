//! A delivery attempt: one row of the logs.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AttemptResult {
    Success,
    Failed,
    /// Failed, and the delivery will be attempted again.
    Retrying,
    /// A queued delivery not attempted yet (its row stands for the first attempt to come).
    Pending,
}

/// Where the delivery an attempt belongs to stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DeliveryState {
    /// Waiting for its first or next attempt.
    Pending,
    Succeeded,
    /// Its attempts are used up (or the endpoint answered 410 Gone).
    Failed,
    Cancelled,
}

impl DeliveryState {
    pub fn parse(s: &str) -> Self {
        match s {
            "succeeded" => DeliveryState::Succeeded,
            "failed" => DeliveryState::Failed,
            "cancelled" => DeliveryState::Cancelled,
            _ => DeliveryState::Pending,
        }
    }
}

/// A log row without bodies: what lists show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct AttemptSummary {
    pub id: String,
    pub delivery_id: String,
    pub event_id: String,
    pub event_type: String,
    /// `None` for direct deliveries.
    pub webhook_id: Option<String>,
    pub webhook_code: Option<String>,
    /// 1-based.
    pub attempt: u32,
    /// Attempts this delivery may make.
    pub attempts: u32,
    pub result: AttemptResult,
    pub status_code: Option<u16>,
    /// `timeout`, `connect`, `dns`, `tls`, `reset`, `redirect`, `http`, `blocked`, `body`, `config`.
    pub error_kind: Option<String>,
    pub error: Option<String>,
    #[ts(type = "number")]
    pub duration_ms: u64,
    pub executed_at: String,
    /// Sent by **Test**.
    pub test: bool,
    /// `event`, `test`, `resend` or `direct`.
    pub kind: String,
    /// Where it was sent: the webhook's URL at the time, or a direct delivery's.
    pub url: String,
    /// The first values of the event's data, on one line (`task.id: 42 · task.name: …`).
    pub payload_summary: String,
    /// How its delivery stands now: a failed attempt of a delivery that then succeeded says so.
    pub delivery_state: DeliveryState,
    /// Attempts its delivery has made so far.
    pub delivery_attempts: u32,
    /// For a retrying row (and a queued delivery): when the next attempt is due.
    pub next_attempt_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct RequestLog {
    pub method: String,
    pub url: String,
    /// Secret values masked.
    pub headers: BTreeMap<String, String>,
    /// The exact body sent.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct ResponseLog {
    pub headers: BTreeMap<String, String>,
    /// At most 64 KiB, decoded as UTF-8 (invalid bytes replaced).
    pub body: String,
    /// The response was longer than what was kept.
    pub truncated: bool,
}

/// A log row with the request and response: the detail view and the API's attempt resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct Attempt {
    #[serde(flatten)]
    #[schema(inline)]
    pub summary: AttemptSummary,
    pub request: RequestLog,
    /// `None` when no response arrived (connect error, timeout before headers, …).
    pub response: Option<ResponseLog>,
}

pub fn attempt_id(n: i64) -> String {
    format!("att_{n}")
}

pub fn delivery_id(n: i64) -> String {
    format!("dlv_{n}")
}

/// Accepts `att_12` or `12`.
pub fn parse_id(s: &str, prefix: &str) -> Option<i64> {
    s.strip_prefix(prefix).unwrap_or(s).parse().ok().filter(|n| *n > 0)
}
