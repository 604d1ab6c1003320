//! The `attempts` table: the logs.

use crate::error::Result;
use crate::model::attempt::{Attempt, AttemptResult, AttemptSummary, DeliveryState, RequestLog, ResponseLog, attempt_id, delivery_id};
use crate::model::payload_summary::payload_summary;
use crate::model::time::format_ms;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::BTreeMap;

/// A row to insert.
#[derive(Debug, Clone)]
pub struct NewAttempt {
    pub delivery_id: i64,
    pub webhook_id: Option<String>,
    pub event_type: String,
    pub attempt: u32,
    pub max_attempts: u32,
    pub success: bool,
    pub status_code: Option<u16>,
    pub error_kind: Option<String>,
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

pub fn insert(conn: &Connection, a: &NewAttempt) -> Result<i64> {
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
        a.error_kind,
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

/// Which attempts a log query covers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize, ts_rs::TS)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
#[ts(export)]
pub enum LogScope {
    All,
    /// One webhook's attempts, by webhook id.
    Webhook(String),
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
    /// Queued deliveries not attempted yet: no attempt row matches, see `deliveries::queued`.
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
}

/// The attempt is the last of a delivery that will be attempted again.
const RETRYING: &str = "a.result = 'failed' AND d.state = 'pending' AND a.attempt = d.attempts_made";

/// Read by [`summary_from`]; the columns after them start at [`SUMMARY_LEN`].
static SUMMARY_COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "a.id, a.delivery_id, e.id, a.event_type, a.webhook_id, w.code, a.attempt, a.max_attempts, \
         CASE WHEN {RETRYING} THEN 'retrying' ELSE a.result END, \
         a.status_code, a.error_kind, a.error, a.duration_ms, a.executed_at, a.test, d.kind, \
         a.request_url, {}, d.state, d.attempts_made, CASE WHEN {RETRYING} THEN d.next_attempt_at END",
        SUMMARY_OF_EVENT
    )
});
const SUMMARY_LEN: usize = 22;

/// Two columns: the event's stored summary, or (accepted before summaries were stored) the
/// start of its data to make one from; see [`summary_of_event`].
pub(crate) const SUMMARY_OF_EVENT: &str = "e.summary, CASE WHEN e.summary IS NULL THEN substr(e.data, 1, 1024) END";

pub(crate) fn summary_of_event(r: &Row, at: usize) -> rusqlite::Result<String> {
    Ok(match r.get::<_, Option<String>>(at)? {
        Some(summary) => summary,
        None => payload_summary(&r.get::<_, Option<String>>(at + 1)?.unwrap_or_default()),
    })
}

const FROM: &str = "FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN events e ON e.seq = d.event_seq \
    LEFT JOIN webhooks w ON w.id = a.webhook_id";

fn summary_from(r: &Row) -> rusqlite::Result<AttemptSummary> {
    let result: String = r.get(8)?;
    Ok(AttemptSummary {
        id: attempt_id(r.get(0)?),
        delivery_id: delivery_id(r.get(1)?),
        event_id: r.get(2)?,
        event_type: r.get(3)?,
        webhook_id: r.get(4)?,
        webhook_code: r.get(5)?,
        attempt: r.get(6)?,
        attempts: r.get(7)?,
        result: match result.as_str() {
            "success" => AttemptResult::Success,
            "retrying" => AttemptResult::Retrying,
            _ => AttemptResult::Failed,
        },
        status_code: r.get(9)?,
        error_kind: r.get(10)?,
        error: r.get(11)?,
        duration_ms: r.get::<_, i64>(12)?.max(0) as u64,
        executed_at: format_ms(r.get(13)?),
        test: r.get(14)?,
        kind: r.get(15)?,
        url: r.get(16)?,
        payload_summary: summary_of_event(r, 17)?,
        delivery_state: DeliveryState::parse(&r.get::<_, String>(19)?),
        delivery_attempts: r.get(20)?,
        next_attempt_at: r.get::<_, Option<i64>>(21)?.map(format_ms),
    })
}

/// The filters attempts and queued deliveries share: event type, date range (`time` is the
/// column that dates a row) and text in the payload (`d` the delivery, `e` its event).
pub(crate) fn push_common_filters(filter: &LogFilter, event_type: &str, time: &str, clauses: &mut Vec<String>, params: &mut Vec<Value>) {
    if let Some(t) = &filter.event_type {
        clauses.push(format!("{event_type} = ?"));
        params.push(Value::Text(t.clone()));
    }
    if let Some(from) = filter.from_ms {
        clauses.push(format!("{time} >= ?"));
        params.push(Value::Integer(from));
    }
    if let Some(to) = filter.to_ms {
        clauses.push(format!("{time} < ?"));
        params.push(Value::Integer(to));
    }
    if let Some(text) = filter.search.as_deref().filter(|s| !s.is_empty()) {
        clauses.push("instr(COALESCE(d.body, e.data), ?) > 0".into());
        params.push(Value::Text(text.to_string()));
    }
}

/// The WHERE clause and its parameters for a scope and filter.
fn where_clause(scope: &LogScope, filter: &LogFilter) -> (String, Vec<Value>) {
    let mut clauses = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    match scope {
        LogScope::All => {}
        LogScope::Webhook(id) => {
            clauses.push("a.webhook_id = ?".to_string());
            params.push(Value::Text(id.clone()));
        }
        LogScope::Direct => clauses.push("a.webhook_id IS NULL".to_string()),
    }
    push_common_filters(filter, "a.event_type", "a.executed_at", &mut clauses, &mut params);
    match filter.result {
        Some(ResultFilter::Success) => clauses.push("a.result = 'success'".into()),
        Some(ResultFilter::Failed) => {
            clauses.push("a.result = 'failed' AND NOT (d.state = 'pending' AND a.attempt = d.attempts_made)".into());
        }
        Some(ResultFilter::Retrying) => clauses.push(RETRYING.into()),
        Some(ResultFilter::DeliveryFailed) => clauses.push("d.state = 'failed' AND a.attempt = d.attempts_made".into()),
        Some(ResultFilter::Pending) => clauses.push("0".into()),
        None => {}
    }
    if filter.exclude_tests == Some(true) {
        clauses.push("a.test = 0".into());
    }
    if let Some(before) = filter.before.as_deref().and_then(|b| crate::model::attempt::parse_id(b, "att_")) {
        clauses.push("a.id < ?".into());
        params.push(Value::Integer(before));
    }
    let sql = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
    (sql, params)
}

/// Attempts, newest first.
pub fn list(conn: &Connection, scope: &LogScope, filter: &LogFilter, limit: u32, offset: u32) -> Result<Vec<AttemptSummary>> {
    let (filter_sql, mut params) = where_clause(scope, filter);
    params.push(Value::Integer(i64::from(limit)));
    params.push(Value::Integer(i64::from(offset)));
    let sql = format!("SELECT {} {FROM} {filter_sql} ORDER BY a.id DESC LIMIT ? OFFSET ?", *SUMMARY_COLUMNS);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), summary_from)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn count(conn: &Connection, scope: &LogScope, filter: &LogFilter) -> Result<u64> {
    let (filter_sql, params) = where_clause(scope, filter);
    let sql = format!("SELECT COUNT(*) {FROM} {filter_sql}");
    Ok(conn.prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(params), |r| r.get::<_, i64>(0))? as u64)
}

fn json_map(text: Option<String>) -> BTreeMap<String, String> {
    text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

/// One attempt with its request and response.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Attempt>> {
    let sql = format!(
        "SELECT {}, a.request_headers, a.response_headers, a.response_body, a.response_truncated, {} {FROM} WHERE a.id = ?1",
        *SUMMARY_COLUMNS,
        super::deliveries::BODY_COLUMNS
    );
    let at = SUMMARY_LEN;
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |r| {
            let summary = summary_from(r)?;
            let response_headers: Option<String> = r.get(at + 1)?;
            let response_body: Option<Vec<u8>> = r.get(at + 2)?;
            let response = (response_headers.is_some() || response_body.is_some()).then(|| ResponseLog {
                headers: json_map(response_headers),
                body: String::from_utf8_lossy(&response_body.unwrap_or_default()).into_owned(),
                truncated: r.get(at + 3).unwrap_or(false),
            });
            Ok(Attempt {
                request: RequestLog {
                    method: "POST".into(),
                    url: summary.url.clone(),
                    headers: json_map(r.get(at)?),
                    body: super::deliveries::body_from(r, at + 4)?,
                },
                summary,
                response,
            })
        })
        .optional()?)
}

/// Every attempt of one delivery, oldest first.
pub fn of_delivery(conn: &Connection, delivery: i64) -> Result<Vec<AttemptSummary>> {
    let sql = format!("SELECT {} {FROM} WHERE a.delivery_id = ?1 ORDER BY a.id", *SUMMARY_COLUMNS);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([delivery], summary_from)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The newest attempt of each webhook (the panel's "last delivery" column). Tests do not
/// count: a Test against a URL typed into the form says nothing of the real deliveries.
pub fn latest_per_webhook(conn: &Connection) -> Result<Vec<AttemptSummary>> {
    let sql = format!(
        "SELECT {} {FROM} WHERE a.id IN (SELECT (SELECT MAX(id) FROM attempts x WHERE x.webhook_id = wh.id AND x.test = 0) FROM webhooks wh)",
        *SUMMARY_COLUMNS
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], summary_from)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
