//! What a Logs query asks for: the scope (all, one webhook, direct deliveries) and the
//! filters of the Logs tab and the logs API.

/// Which attempts a log query covers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize, ts_rs::TS)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
#[ts(export)]
pub enum LogScope {
    All,
    /// One webhook's attempts, by webhook id.
    Webhook(crate::model::WebhookId),
    /// Deliveries without a webhook (`POST /v1/deliveries`).
    Direct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ResultFilter {
    Success,
    Failed,
    Retrying,
    /// Queued deliveries not attempted yet: no attempt row matches, see `store::logs::queued`.
    Pending,
    /// The last attempt of each delivery that failed for good (attempts used up, or 410).
    DeliveryFailed,
}

/// Filters of the Logs tab and the logs API.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize, ts_rs::TS)]
#[serde(default)]
#[ts(export)]
pub struct LogFilter {
    #[ts(optional)]
    pub result: Option<ResultFilter>,
    #[ts(optional)]
    pub event_type: Option<String>,
    /// Unix ms, inclusive.
    #[ts(optional, type = "number")]
    pub from_ms: Option<i64>,
    /// Unix ms, exclusive.
    #[ts(optional, type = "number")]
    pub to_ms: Option<i64>,
    /// Text to find in the request payload.
    #[ts(optional)]
    pub search: Option<String>,
    /// Keyset paging: only rows older than this attempt.
    #[ts(optional)]
    pub before: Option<String>,
    /// Leave out the attempts made by **Test**.
    #[ts(optional)]
    pub exclude_tests: Option<bool>,
    /// Only attempts answered with this HTTP status (queued deliveries have none).
    #[ts(optional)]
    pub status_code: Option<u16>,
    /// Only this event's deliveries: its id, which receivers see as `webhook-id`.
    #[ts(optional)]
    pub event_id: Option<String>,
}
