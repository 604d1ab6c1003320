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

/// Whose last attempt [`last`] reads.
#[derive(Debug, Clone, Copy)]
pub enum LastOf<'a> {
    /// A webhook's, Tests left out.
    Webhook(&'a str),
    Delivery(i64),
}

/// The last attempt made, as operational events summarise it.
pub fn last(conn: &Connection, of: LastOf) -> Result<Option<crate::model::operational::LastAttempt>> {
    use rusqlite::OptionalExtension;
    const COLUMNS: &str =
        "SELECT e.id, a.event_type, a.attempt, a.max_attempts, a.result, a.status_code, a.error, a.duration_ms, a.executed_at
         FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN events e ON e.seq = d.event_seq";
    let (sql, key) = match of {
        LastOf::Webhook(id) => (
            format!("{COLUMNS} WHERE a.webhook_id = ?1 AND a.test = 0 ORDER BY a.id DESC LIMIT 1"),
            rusqlite::types::Value::from(id.to_string()),
        ),
        LastOf::Delivery(id) => {
            (format!("{COLUMNS} WHERE a.delivery_id = ?1 ORDER BY a.id DESC LIMIT 1"), rusqlite::types::Value::from(id))
        }
    };
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([key], |r| {
            let success = r.get::<_, String>(4)? == "success";
            Ok(crate::model::operational::LastAttempt {
                event_id: r.get(0)?,
                event_type: r.get(1)?,
                attempt: r.get(2)?,
                attempts: r.get(3)?,
                result: if success { crate::model::attempt::AttemptResult::Success } else { crate::model::attempt::AttemptResult::Failed },
                status_code: r.get(5)?,
                error: r.get(6)?,
                duration_ms: r.get::<_, i64>(7)?.max(0) as u64,
                executed_at: crate::model::time::format_ms(r.get(8)?),
            })
        })
        .optional()?)
}
