//! The Logs rows: attempts with their delivery and event, and deliveries not attempted yet
//! shown as PENDING rows. These queries span the attempts, deliveries and events tables.

use super::events::{BODY_COLUMNS, SUMMARY_OF_EVENT, body_from, summary_of_event};
use crate::error::Result;
use crate::model::attempt::{Attempt, AttemptErrorKind, AttemptResult, AttemptSummary, RequestLog, ResponseLog};
use crate::model::log_filter::{LogFilter, LogScope, ResultFilter};
use crate::model::time::format_ms;
use crate::model::{AttemptId, DeliveryId, DeliveryKind, DeliveryState, LogRowId};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use std::collections::BTreeMap;

/// The attempt is the last of a delivery that will be attempted again.
const RETRYING: &str = "a.result = 'failed' AND d.state = 'pending' AND a.attempt = d.attempts_made";

/// Read by [`summary_from`]; the columns after them start at [`SUMMARY_LEN`].
pub(crate) static SUMMARY_COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "a.id, a.delivery_id, e.id, a.event_type, a.webhook_id, w.code, a.attempt, a.max_attempts, \
         CASE WHEN {RETRYING} THEN 'retrying' ELSE a.result END, \
         a.status_code, a.error_kind, a.error, a.duration_ms, a.executed_at, a.test, d.kind, \
         a.request_url, {}, d.state, d.attempts_made, CASE WHEN {RETRYING} THEN d.next_attempt_at END",
        SUMMARY_OF_EVENT
    )
});
pub(crate) const SUMMARY_LEN: usize = 22;

/// The tables [`SUMMARY_COLUMNS`] and [`FULL_COLUMNS`] read (the same SQL on both stores).
pub(crate) const FROM: &str = "FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN events e ON e.seq = d.event_seq \
    LEFT JOIN webhooks w ON w.id = a.webhook_id";

fn summary_from(r: &Row) -> rusqlite::Result<AttemptSummary> {
    let result: String = r.get(8)?;
    Ok(AttemptSummary {
        id: LogRowId::Attempt(AttemptId(r.get(0)?)),
        delivery_id: DeliveryId(r.get(1)?),
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
        error_kind: super::optional_enum_at(r, 10, AttemptErrorKind::parse)?,
        error: r.get(11)?,
        duration_ms: r.get::<_, i64>(12)?.max(0) as u64,
        executed_at: format_ms(r.get(13)?),
        test: r.get(14)?,
        kind: super::enum_at(r, 15, DeliveryKind::parse)?,
        url: r.get(16)?,
        payload_summary: summary_of_event(r, 17)?,
        delivery_state: super::enum_at(r, 19, DeliveryState::parse)?,
        delivery_attempts: r.get(20)?,
        next_attempt_at: r.get::<_, Option<i64>>(21)?.map(format_ms),
    })
}

/// The filters attempts and queued deliveries share: event type, date range (`time` is the
/// column that dates a row) and text in the payload (`d` the delivery, `e` its event).
/// Which SQL a filter is written in: the stores differ in one function's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The 1-based position of a substring, or 0.
    fn position_of(self) -> &'static str {
        match self {
            Dialect::Sqlite => "instr",
            Dialect::Postgres => "strpos",
        }
    }
}

fn push_common_filters(
    filter: &LogFilter,
    event_type: &str,
    time: &str,
    dialect: Dialect,
    clauses: &mut Vec<String>,
    params: &mut Vec<Value>,
) {
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
        clauses.push(format!("{}(COALESCE(d.body, e.data), ?) > 0", dialect.position_of()));
        params.push(Value::Text(text.to_string()));
    }
    if let Some(id) = filter.event_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // Through the events' unique index: one event, whatever the size of the logs.
        clauses.push("d.event_seq = (SELECT seq FROM events WHERE id = ?)".into());
        params.push(Value::Text(id.to_string()));
    }
}

/// Which webhook's rows (`column` names the row's webhook id), or the direct deliveries'.
fn push_scope(scope: &LogScope, column: &str, clauses: &mut Vec<String>, params: &mut Vec<Value>) {
    match scope {
        LogScope::All => {}
        LogScope::Webhook(id) => {
            clauses.push(format!("{column} = ?"));
            params.push(Value::Text(id.to_string()));
        }
        LogScope::Direct => clauses.push(format!("{column} IS NULL")),
    }
}

/// The WHERE clause and its parameters for a scope and filter.
fn where_clause(scope: &LogScope, filter: &LogFilter) -> (String, Vec<Value>) {
    attempts_where(scope, filter, Dialect::Sqlite)
}

/// The WHERE clause over [`FROM`] and its parameters (`?` placeholders, in order) for a
/// scope and filter, in either store's SQL.
pub(crate) fn attempts_where(scope: &LogScope, filter: &LogFilter, dialect: Dialect) -> (String, Vec<Value>) {
    let mut clauses = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    push_scope(scope, "a.webhook_id", &mut clauses, &mut params);
    push_common_filters(filter, "a.event_type", "a.executed_at", dialect, &mut clauses, &mut params);
    match filter.result {
        Some(ResultFilter::Success) => clauses.push("a.result = 'success'".into()),
        Some(ResultFilter::Failed) => {
            clauses.push("a.result = 'failed' AND NOT (d.state = 'pending' AND a.attempt = d.attempts_made)".into());
        }
        Some(ResultFilter::Retrying) => clauses.push(RETRYING.into()),
        Some(ResultFilter::DeliveryFailed) => clauses.push("d.state = 'failed' AND a.attempt = d.attempts_made".into()),
        Some(ResultFilter::Pending) => clauses.push("false".into()),
        None => {}
    }
    if filter.exclude_tests == Some(true) {
        clauses.push("NOT a.test".into());
    }
    if let Some(status) = filter.status_code {
        clauses.push("a.status_code = ?".into());
        params.push(Value::Integer(i64::from(status)));
    }
    if let Some(before) = filter.before.as_deref().and_then(AttemptId::parse) {
        clauses.push("a.id < ?".into());
        params.push(Value::Integer(before.0));
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

/// A view's filter as a bulk resend reads it: Tests aside, the whole view (no page).
pub(crate) fn resendable(filter: &LogFilter) -> LogFilter {
    LogFilter { exclude_tests: Some(true), before: None, ..filter.clone() }
}

/// The deliveries with an attempt among the matching ones, Tests aside (what a bulk resend
/// sends again).
pub fn deliveries(conn: &Connection, scope: &LogScope, filter: &LogFilter) -> Result<Vec<DeliveryId>> {
    let (filter_sql, params) = where_clause(scope, &resendable(filter));
    let sql = format!("SELECT DISTINCT a.delivery_id {FROM} {filter_sql}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| r.get(0).map(DeliveryId))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// How many [`deliveries`] there are.
pub fn count_deliveries(conn: &Connection, scope: &LogScope, filter: &LogFilter) -> Result<u64> {
    let (filter_sql, params) = where_clause(scope, &resendable(filter));
    let sql = format!("SELECT COUNT(DISTINCT a.delivery_id) {FROM} {filter_sql}");
    Ok(conn.prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(params), |r| r.get::<_, i64>(0))?.max(0) as u64)
}

pub fn count(conn: &Connection, scope: &LogScope, filter: &LogFilter) -> Result<u64> {
    let (filter_sql, params) = where_clause(scope, filter);
    let sql = format!("SELECT COUNT(*) {FROM} {filter_sql}");
    Ok(conn.prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(params), |r| r.get::<_, i64>(0))? as u64)
}

fn json_map(text: Option<String>) -> BTreeMap<String, String> {
    text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

/// The columns [`attempt_from`] reads: the summary's, then the request's and response's.
pub(crate) static FULL_COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!("{}, a.request_headers, a.response_headers, a.response_body, a.response_truncated, {}", *SUMMARY_COLUMNS, BODY_COLUMNS)
});

fn attempt_from(r: &Row) -> rusqlite::Result<Attempt> {
    let at = SUMMARY_LEN;
    Ok(attempt_of(summary_from(r)?, r.get(at)?, r.get(at + 1)?, r.get(at + 2)?, r.get(at + 3).unwrap_or(false), body_from(r, at + 4)?))
}

/// An attempt from its summary and what [`FULL_COLUMNS`] adds (either store's rows).
pub(crate) fn attempt_of(
    summary: AttemptSummary,
    request_headers: Option<String>,
    response_headers: Option<String>,
    response_body: Option<Vec<u8>>,
    truncated: bool,
    body: String,
) -> Attempt {
    let response = (response_headers.is_some() || response_body.is_some()).then(|| ResponseLog {
        headers: json_map(response_headers),
        body: String::from_utf8_lossy(&response_body.unwrap_or_default()).into_owned(),
        truncated,
    });
    Attempt {
        request: RequestLog { method: "POST".into(), url: summary.url.clone(), headers: json_map(request_headers), body },
        summary,
        response,
    }
}

/// One attempt with its request and response.
pub fn get(conn: &Connection, id: AttemptId) -> Result<Option<Attempt>> {
    let sql = format!("SELECT {} {FROM} WHERE a.id = ?1", *FULL_COLUMNS);
    Ok(conn.prepare_cached(&sql)?.query_row([id.0], attempt_from).optional()?)
}

/// Attempts with their requests and responses, newest first, in one query (the API's pages
/// and the exports).
pub fn list_full(conn: &Connection, scope: &LogScope, filter: &LogFilter, limit: u32, offset: u32) -> Result<Vec<Attempt>> {
    let (filter_sql, mut params) = where_clause(scope, filter);
    params.push(Value::Integer(i64::from(limit)));
    params.push(Value::Integer(i64::from(offset)));
    let sql = format!("SELECT {} {FROM} {filter_sql} ORDER BY a.id DESC LIMIT ? OFFSET ?", *FULL_COLUMNS);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), attempt_from)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every attempt of one delivery, oldest first.
pub fn of_delivery(conn: &Connection, delivery: DeliveryId) -> Result<Vec<AttemptSummary>> {
    let sql = format!("SELECT {} {FROM} WHERE a.delivery_id = ?1 ORDER BY a.id", *SUMMARY_COLUMNS);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([delivery.0], summary_from)?;
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

/// The WHERE clause of [`queued`] and [`queued_count`]: deliveries not attempted yet, in a
/// scope, with the Logs filters that apply to them (the queue time stands for the date).
pub(crate) fn queued_where(scope: &LogScope, filter: &LogFilter, dialect: Dialect) -> Option<(String, Vec<Value>)> {
    // Not attempted, they have no result and no status yet.
    if filter.result.is_some_and(|r| r != ResultFilter::Pending) || filter.status_code.is_some() {
        return None;
    }
    let mut clauses = vec!["d.state = 'pending'".to_string(), "d.attempts_made = 0".to_string()];
    let mut params: Vec<Value> = Vec::new();
    push_scope(scope, "d.webhook_id", &mut clauses, &mut params);
    push_common_filters(filter, "e.type", "d.created_at", dialect, &mut clauses, &mut params);
    Some((clauses.join(" AND "), params))
}

// Through the partial index of pending rows: the planner would otherwise walk every delivery.
const QUEUED_FROM: &str = "FROM deliveries d INDEXED BY deliveries_pending JOIN events e ON e.seq = d.event_seq \
    LEFT JOIN webhooks w ON w.id = d.webhook_id";
/// [`QUEUED_FROM`] in PostgreSQL's SQL (its planner picks the partial index itself).
pub(crate) const QUEUED_FROM_PG: &str =
    "FROM deliveries d JOIN events e ON e.seq = d.event_seq LEFT JOIN webhooks w ON w.id = d.webhook_id";

/// The columns of a PENDING row, read by [`queued_row`] (either store's rows).
pub(crate) static QUEUED_COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "d.id, e.id, e.type, d.webhook_id, w.code, d.max_attempts, d.created_at, d.kind, COALESCE(d.url, w.url, ''), d.next_attempt_at, {SUMMARY_OF_EVENT}"
    )
});

/// A delivery not attempted yet as a PENDING log row, from what [`QUEUED_COLUMNS`] reads.
#[allow(clippy::too_many_arguments)]
pub(crate) fn queued_row(
    id: DeliveryId,
    event_id: String,
    event_type: String,
    webhook_id: Option<crate::model::WebhookId>,
    webhook_code: Option<String>,
    attempts: u32,
    created_at: i64,
    kind: DeliveryKind,
    url: String,
    next_attempt_at: i64,
    payload_summary: String,
) -> AttemptSummary {
    AttemptSummary {
        id: LogRowId::Queued(id),
        delivery_id: id,
        event_id,
        event_type,
        webhook_id,
        webhook_code,
        attempt: 0,
        attempts,
        result: AttemptResult::Pending,
        status_code: None,
        error_kind: None,
        error: None,
        duration_ms: 0,
        executed_at: format_ms(created_at),
        test: false,
        kind,
        url,
        payload_summary,
        delivery_state: DeliveryState::Pending,
        delivery_attempts: 0,
        next_attempt_at: Some(format_ms(next_attempt_at)),
    }
}

/// Deliveries waiting for their first attempt, newest first, as PENDING log rows.
pub fn queued(conn: &Connection, scope: &LogScope, filter: &LogFilter, limit: u32) -> Result<Vec<AttemptSummary>> {
    let Some((clause, mut params)) = queued_where(scope, filter, Dialect::Sqlite) else { return Ok(vec![]) };
    params.push(Value::Integer(i64::from(limit)));
    let sql = format!("SELECT {} {QUEUED_FROM} WHERE {clause} ORDER BY d.id DESC LIMIT ?", *QUEUED_COLUMNS);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
        Ok(queued_row(
            DeliveryId(r.get(0)?),
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            super::enum_at(r, 7, DeliveryKind::parse)?,
            r.get(8)?,
            r.get(9)?,
            summary_of_event(r, 10)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn queued_count(conn: &Connection, scope: &LogScope, filter: &LogFilter) -> Result<u64> {
    let Some((clause, params)) = queued_where(scope, filter, Dialect::Sqlite) else { return Ok(0) };
    let sql = format!("SELECT COUNT(*) {QUEUED_FROM} WHERE {clause}");
    Ok(conn.prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(params), |r| r.get::<_, i64>(0))?.max(0) as u64)
}
