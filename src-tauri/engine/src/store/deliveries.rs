//! The `deliveries` table: the queue. One row per webhook and event (plus tests, resends
//! and direct deliveries), pending until it succeeds or its attempts are used up.

use crate::error::Result;
use crate::model::{DeliveryKind, DeliveryState, WebhookId};
use rusqlite::{Connection, OptionalExtension, params};

/// A new row.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub event_seq: i64,
    pub webhook_id: Option<&'a str>,
    pub kind: DeliveryKind,
    pub url: Option<&'a str>,
    pub header_names: Option<&'a str>,
    /// `None` when the body is rebuilt from the event and the webhook.
    pub body: Option<&'a str>,
    pub max_attempts: u32,
    pub now: i64,
}

pub fn insert(conn: &Connection, d: &NewDelivery) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO deliveries (event_seq, webhook_id, kind, url, header_names, body, state, attempts_made, max_attempts, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?8, ?8)",
    )?
    .execute(params![d.event_seq, d.webhook_id, d.kind.as_str(), d.url, d.header_names, d.body, d.max_attempts, d.now])?;
    Ok(conn.last_insert_rowid())
}

/// A delivery to a webhook, if the webhook still exists when the transaction runs: the
/// routes an event was matched against may name a webhook deleted a moment ago, and an
/// event must never be refused for that. `None` when it is gone.
pub fn insert_if_webhook_exists(conn: &Connection, d: &NewDelivery) -> Result<Option<i64>> {
    let n = conn
        .prepare_cached(
            "INSERT INTO deliveries (event_seq, webhook_id, kind, url, header_names, body, state, attempts_made, max_attempts, next_attempt_at, created_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?8, ?8 WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?2)",
        )?
        .execute(params![d.event_seq, d.webhook_id, d.kind.as_str(), d.url, d.header_names, d.body, d.max_attempts, d.now])?;
    Ok((n > 0).then(|| conn.last_insert_rowid()))
}

/// What a worker needs to attempt a delivery.
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    pub id: i64,
    pub webhook_id: Option<WebhookId>,
    pub kind: DeliveryKind,
    pub url: Option<String>,
    pub header_names: Vec<String>,
    pub body: String,
    pub state: DeliveryState,
    pub attempts_made: u32,
    pub max_attempts: u32,
    pub next_attempt_at: i64,
    pub event_id: String,
    pub event_type: String,
    pub payload_summary: String,
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<DeliveryRow>> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT d.id, d.webhook_id, d.kind, d.url, d.header_names, d.state, d.attempts_made, d.max_attempts, d.next_attempt_at, e.id, e.type, {}, {}
             FROM deliveries d JOIN events e ON e.seq = d.event_seq LEFT JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ?1",
            super::events::BODY_COLUMNS,
            super::events::SUMMARY_OF_EVENT
        ))?
        .query_row([id], |r| {
            let names: Option<String> = r.get(4)?;
            Ok(DeliveryRow {
                id: r.get(0)?,
                webhook_id: r.get(1)?,
                kind: super::enum_at(r, 2, DeliveryKind::parse)?,
                url: r.get(3)?,
                header_names: names.and_then(|n| serde_json::from_str(&n).ok()).unwrap_or_default(),
                body: super::events::body_from(r, 11)?,
                state: super::enum_at(r, 5, DeliveryState::parse)?,
                attempts_made: r.get(6)?,
                max_attempts: r.get(7)?,
                next_attempt_at: r.get(8)?,
                event_id: r.get(9)?,
                event_type: r.get(10)?,
                payload_summary: super::events::summary_of_event(r, 21)?,
            })
        })
        .optional()?;
    Ok(row)
}

/// A delivery still to be made, as the queues are rebuilt from it at start.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: i64,
    pub webhook_id: Option<WebhookId>,
    /// A direct delivery's target.
    pub url: Option<String>,
}

pub fn pending(conn: &Connection) -> Result<Vec<Pending>> {
    // The partial index holds only the pending rows; without INDEXED BY the planner prefers
    // to walk the whole table in id order, which reads every delivery ever made at start-up.
    let mut stmt =
        conn.prepare_cached("SELECT id, webhook_id FROM deliveries INDEXED BY deliveries_pending WHERE state = 'pending' ORDER BY id")?;
    let mut rows =
        stmt.query_map([], |r| Ok(Pending { id: r.get(0)?, webhook_id: r.get(1)?, url: None }))?.collect::<rusqlite::Result<Vec<_>>>()?;
    // Only direct deliveries need their row (their target picks their queue); the index
    // alone answers for the rest.
    let mut url = conn.prepare_cached("SELECT url FROM deliveries WHERE id = ?1")?;
    for p in rows.iter_mut().filter(|p| p.webhook_id.is_none()) {
        p.url = url.query_row([p.id], |r| r.get(0))?;
    }
    Ok(rows)
}

/// The deliveries an event caused when it was accepted (not tests or resends).
pub fn of_event(conn: &Connection, event_seq: i64) -> Result<Vec<(i64, Option<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, w.code FROM deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.event_seq = ?1 AND d.kind IN ('event', 'direct') ORDER BY d.id",
    )?;
    let rows = stmt.query_map([event_seq], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// After an attempt: the delivery's new state. `next_attempt_at` matters while pending.
pub fn update_after_attempt(
    conn: &Connection,
    id: i64,
    attempts_made: u32,
    state: DeliveryState,
    next_attempt_at: i64,
    now: i64,
) -> Result<()> {
    let ended = (state != DeliveryState::Pending).then_some(now);
    conn.prepare_cached("UPDATE deliveries SET attempts_made = ?2, state = ?3, next_attempt_at = ?4, ended_at = ?5 WHERE id = ?1")?
        .execute(params![id, attempts_made, state.as_str(), next_attempt_at, ended])?;
    Ok(())
}

/// How many deliveries wait in each webhook's queue.
pub fn pending_counts(conn: &Connection) -> Result<Vec<(WebhookId, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT webhook_id, COUNT(*) FROM deliveries WHERE state = 'pending' AND webhook_id IS NOT NULL GROUP BY webhook_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Deliveries not ended, of one webhook or (`None`) of all.
pub fn pending_count(conn: &Connection, webhook_id: Option<&str>) -> Result<u64> {
    let n: i64 = match webhook_id {
        Some(id) => conn
            .prepare_cached("SELECT COUNT(*) FROM deliveries INDEXED BY deliveries_pending WHERE webhook_id = ?1 AND state = 'pending'")?
            .query_row([id], |r| r.get(0))?,
        None => conn
            .prepare_cached("SELECT COUNT(*) FROM deliveries INDEXED BY deliveries_pending WHERE state = 'pending'")?
            .query_row([], |r| r.get(0))?,
    };
    Ok(n.max(0) as u64)
}

/// Makes a delivery waiting for its retry due now; `false` when it is not waiting for one
/// (it has ended, or has not been attempted yet).
pub fn due_now(conn: &Connection, id: i64, now: i64) -> Result<bool> {
    let n = conn
        .prepare_cached("UPDATE deliveries SET next_attempt_at = ?2 WHERE id = ?1 AND state = 'pending' AND attempts_made > 0")?
        .execute(params![id, now])?;
    Ok(n > 0)
}

/// What a resend copies from a logged delivery.
#[derive(Debug, Clone)]
pub struct DeliverySource {
    pub event_seq: i64,
    pub webhook_id: Option<WebhookId>,
    /// `None`: rebuilt from the event and the webhook, as the original was.
    pub body: Option<String>,
    pub url: Option<String>,
    pub header_names: Option<String>,
}

/// Read by [`source_from`].
const SOURCE_COLUMNS: &str = "d.event_seq, d.webhook_id, d.body, d.url, d.header_names";

fn source_from(r: &rusqlite::Row) -> rusqlite::Result<DeliverySource> {
    Ok(DeliverySource { event_seq: r.get(0)?, webhook_id: r.get(1)?, body: r.get(2)?, url: r.get(3)?, header_names: r.get(4)? })
}

pub fn source_of(conn: &Connection, id: i64) -> Result<Option<DeliverySource>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {SOURCE_COLUMNS} FROM deliveries d WHERE d.id = ?1"))?
        .query_row([id], source_from)
        .optional()?)
}

/// Deletes up to `batch` deliveries (with their attempts) that ended before `cutoff`.
pub fn delete_ended_before(conn: &Connection, cutoff: i64, batch: u32) -> Result<u64> {
    let n = conn
        .prepare_cached(
            "DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE state != 'pending' AND ended_at < ?1 LIMIT ?2)",
        )?
        .execute(params![cutoff, batch])?;
    Ok(n as u64)
}

/// The failed deliveries a recover brings back: each event's latest delivery to the webhook
/// (Tests aside), if it failed and ended within `[?2, ?3)` (?1: the webhook). Through the
/// index of ended deliveries: a window is a small part of a long history.
const RECOVERABLE: &str = "FROM deliveries d INDEXED BY deliveries_ended_at
     WHERE d.ended_at >= ?2 AND d.ended_at < ?3 AND d.webhook_id = ?1 AND d.state = 'failed' AND d.kind != 'test'
       AND NOT EXISTS (SELECT 1 FROM deliveries later WHERE later.event_seq = d.event_seq AND later.webhook_id = ?1
                       AND later.id > d.id AND later.kind != 'test')";

/// How many events a recover of the window would deliver again.
pub fn recoverable_count(conn: &Connection, webhook_id: &str, since: i64, until: i64) -> Result<u64> {
    let n: i64 =
        conn.prepare_cached(&format!("SELECT COUNT(*) {RECOVERABLE}"))?.query_row(params![webhook_id, since, until], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

/// What a recover copies from each of them, in acceptance order.
fn recoverable(conn: &Connection, webhook_id: &str, since: i64, until: i64) -> Result<Vec<DeliverySource>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {SOURCE_COLUMNS} {RECOVERABLE} ORDER BY d.event_seq"))?;
    let rows = stmt.query_map(params![webhook_id, since, until], source_from)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// How the deliveries `first..=last` of a recover stand: (succeeded, failed, pending).
pub fn batch_states(conn: &Connection, webhook_id: &str, first: i64, last: i64) -> Result<(u64, u64, u64)> {
    let mut stmt = conn.prepare_cached(
        "SELECT state, COUNT(*) FROM deliveries WHERE id BETWEEN ?2 AND ?3 AND webhook_id = ?1 AND kind = 'resend' GROUP BY state",
    )?;
    let mut counts = (0, 0, 0);
    let rows =
        stmt.query_map(params![webhook_id, first, last], |r| Ok((super::enum_at(r, 0, DeliveryState::parse)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (state, n) = row?;
        let n = n.max(0) as u64;
        match state {
            DeliveryState::Succeeded => counts.0 = n,
            DeliveryState::Failed => counts.1 = n,
            DeliveryState::Pending => counts.2 = n,
        }
    }
    Ok(counts)
}

/// Takes back pending deliveries that the queue no longer holds: one never attempted goes
/// (as if never queued), one already attempted ends failed. Either way its event's latest
/// delivery has failed again, so a later recover finds it.
pub fn withdraw(conn: &Connection, ids: &[i64], now: i64) -> Result<()> {
    let mut delete = conn.prepare_cached("DELETE FROM deliveries WHERE id = ?1 AND state = 'pending' AND attempts_made = 0")?;
    let mut fail = conn.prepare_cached("UPDATE deliveries SET state = 'failed', ended_at = ?2 WHERE id = ?1 AND state = 'pending'")?;
    for id in ids {
        if delete.execute([id])? == 0 {
            fail.execute(params![id, now])?;
        }
    }
    Ok(())
}

/// A new delivery (a resend) of each event [`recoverable`] finds, in acceptance order;
/// returns their ids. Within one write, so that what it finds is what it queues.
pub fn recover(conn: &Connection, webhook_id: &str, since: i64, until: i64, max_attempts: u32, now: i64) -> Result<Vec<i64>> {
    recoverable(conn, webhook_id, since, until)?
        .iter()
        .map(|s| {
            insert(
                conn,
                &NewDelivery {
                    event_seq: s.event_seq,
                    webhook_id: s.webhook_id.as_deref(),
                    kind: DeliveryKind::Resend,
                    url: s.url.as_deref(),
                    header_names: s.header_names.as_deref(),
                    body: s.body.as_deref(),
                    max_attempts,
                    now,
                },
            )
        })
        .collect()
}
