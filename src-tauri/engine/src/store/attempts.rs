//! The `attempts` table: each attempt is recorded here (the Logs read them: `store::logs`).

use crate::error::Result;
use crate::model::DeliveryState;
use crate::model::attempt::AttemptErrorKind;
use rusqlite::{Connection, params};
use std::collections::BTreeMap;

/// A row to insert.
#[derive(Debug, Clone)]
pub struct NewAttempt {
    pub delivery_id: i64,
    pub webhook_id: Option<crate::model::WebhookId>,
    pub event_type: String,
    pub attempt: u32,
    pub max_attempts: u32,
    pub success: bool,
    pub status_code: Option<u16>,
    pub error_kind: Option<AttemptErrorKind>,
    pub error: Option<String>,
    pub duration_ms: u64,
    pub executed_at: i64,
    pub test: bool,
    pub request_url: String,
    pub request_headers: BTreeMap<String, String>,
    pub response_headers: Option<BTreeMap<String, String>>,
    pub response_body: Option<Vec<u8>>,
    pub response_truncated: bool,
}

fn insert(conn: &Connection, a: &NewAttempt) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO attempts (delivery_id, webhook_id, event_type, attempt, max_attempts, result, status_code, error_kind, error,
                               duration_ms, executed_at, test, request_url, request_headers, response_headers, response_body, response_truncated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        a.delivery_id,
        a.webhook_id,
        a.event_type,
        a.attempt,
        a.max_attempts,
        if a.success { "success" } else { "failed" },
        a.status_code,
        a.error_kind.map(AttemptErrorKind::as_str),
        a.error,
        a.duration_ms as i64,
        a.executed_at,
        a.test,
        a.request_url,
        serde_json::to_string(&a.request_headers)?,
        a.response_headers.as_ref().map(serde_json::to_string).transpose()?,
        a.response_body,
        a.response_truncated,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// An attempt, and its delivery's state after it (`next_attempt_at` matters while pending).
pub fn record(conn: &Connection, a: &NewAttempt, attempts_made: u32, state: DeliveryState, next_attempt_at: i64) -> Result<i64> {
    let id = insert(conn, a)?;
    // A Test says nothing of how the webhook's deliveries go.
    if !a.test {
        super::stats::add(conn, a.webhook_id.as_deref(), a.executed_at, a.duration_ms, a.success)?;
    }
    super::deliveries::update_after_attempt(conn, a.delivery_id, attempts_made, state, next_attempt_at, crate::model::time::now_ms())?;
    Ok(id)
}
