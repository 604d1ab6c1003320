//! The `events` table: every accepted event, in acceptance order.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

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

/// The sequence number and fingerprint of an event id already accepted.
pub fn find(conn: &Connection, id: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .prepare_cached("SELECT seq, fingerprint FROM events WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}
