//! A delivery attempt: one row of the logs.

use crate::model::delivery::{DeliveryKind, DeliveryState};
use crate::model::ids::{DeliveryId, LogRowId};
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

crate::model::delivery::named_enum!(
    /// Why an attempt failed, when it did.
    AttemptErrorKind {
        /// No answer within the webhook's timeout.
        Timeout = "timeout",
        /// The connection was refused or could not be made.
        Connect = "connect",
        /// The host name did not resolve.
        Dns = "dns",
        /// The TLS handshake failed (certificate, protocol).
        Tls = "tls",
        /// The receiver reset the connection.
        Reset = "reset",
        /// The receiver answered with a redirect, which is not followed.
        Redirect = "redirect",
        /// The receiver answered with a status outside 2xx.
        Http = "http",
        /// The network policy refused the address (loopback, private).
        Blocked = "blocked",
        /// The response could not be read.
        Body = "body",
        /// The webhook's settings cannot be used as they are (its URL).
        Config = "config",
    }
);

/// A log row without bodies: what lists show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct AttemptSummary {
    pub id: LogRowId,
    pub delivery_id: DeliveryId,
    pub event_id: String,
    pub event_type: String,
    /// `None` for direct deliveries.
    pub webhook_id: Option<crate::model::WebhookId>,
    pub webhook_code: Option<String>,
    /// 1-based.
    pub attempt: u32,
    /// Attempts this delivery may make.
    pub attempts: u32,
    pub result: AttemptResult,
    pub status_code: Option<u16>,
    pub error_kind: Option<AttemptErrorKind>,
    pub error: Option<String>,
    #[ts(type = "number")]
    pub duration_ms: u64,
    pub executed_at: String,
    /// Sent by **Test**.
    pub test: bool,
    pub kind: DeliveryKind,
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
