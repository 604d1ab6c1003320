//! The `events` table: every accepted event, in acceptance order.

use crate::error::Result;
use crate::model::payload_summary::payload_summary;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// An event as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub seq: i64,
    pub id: String,
    pub event_type: String,
    pub occurred_at: i64,
    /// The serialised `data` object.
    pub data: String,
    pub workflow: Option<String>,
    pub survey: Option<String>,
    pub group: Option<String>,
    pub fingerprint: String,
    pub accepted_at: i64,
    /// The log rows' one-line summary of `data` ([`crate::model::payload_summary`]).
    pub summary: String,
}

pub fn insert(conn: &Connection, e: &EventRow) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO events (id, type, occurred_at, data, workflow, survey, grp, fingerprint, accepted_at, summary)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        e.id,
        e.event_type,
        e.occurred_at,
        e.data,
        e.workflow,
        e.survey,
        e.group,
        e.fingerprint,
        e.accepted_at,
        e.summary
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The error for an event id accepted before with other content (both stores say it).
pub fn reused_id(id: &str) -> crate::error::Error {
    crate::error::Error::Conflict(format!("The event id {id} was already used for a different event; use a new id for new events."))
}

/// The sequence number and fingerprint of an event id already accepted.
pub fn find(conn: &Connection, id: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .prepare_cached("SELECT seq, fingerprint FROM events WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The columns [`body_from`] reads, after `d` (deliveries), `e` (events), `w` (webhooks).
pub const BODY_COLUMNS: &str = "d.body, e.id, e.type, e.occurred_at, e.data, e.workflow, e.survey, e.grp, d.webhook_id, w.code";

/// The body a delivery sends: stored, or rebuilt from its event and webhook (columns
/// [`BODY_COLUMNS`] starting at `at`).
pub fn body_from(r: &Row, at: usize) -> rusqlite::Result<String> {
    if let Some(body) = r.get::<_, Option<String>>(at)? {
        return Ok(body);
    }
    let webhook: Option<String> = r.get(at + 8)?;
    let code: Option<String> = r.get(at + 9)?;
    Ok(crate::model::event::envelope(
        &r.get::<_, String>(at + 1)?,
        &r.get::<_, String>(at + 2)?,
        r.get(at + 3)?,
        false,
        webhook.as_deref().zip(code.as_deref()),
        r.get::<_, Option<String>>(at + 5)?.as_deref(),
        r.get::<_, Option<String>>(at + 6)?.as_deref(),
        r.get::<_, Option<String>>(at + 7)?.as_deref(),
        &r.get::<_, String>(at + 4)?,
    ))
}

/// Two columns: the event's stored summary, or (accepted before summaries were stored) the
/// start of its data to make one from; see [`summary_of_event`].
pub const SUMMARY_OF_EVENT: &str = "e.summary, CASE WHEN e.summary IS NULL THEN substr(e.data, 1, 1024) END";

pub fn summary_of_event(r: &Row, at: usize) -> rusqlite::Result<String> {
    Ok(match r.get::<_, Option<String>>(at)? {
        Some(summary) => summary,
        None => payload_summary(&r.get::<_, Option<String>>(at + 1)?.unwrap_or_default()),
    })
}

/// Deletes up to `batch` events accepted before `cutoff` that no delivery refers to any more.
pub fn delete_unused_before(conn: &Connection, cutoff: i64, batch: u32) -> Result<u64> {
    let n = conn
        .prepare_cached(
            "DELETE FROM events WHERE seq IN (SELECT seq FROM events e WHERE accepted_at < ?1 \
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = e.seq) LIMIT ?2)",
        )?
        .execute(params![cutoff, batch])?;
    Ok(n as u64)
}
