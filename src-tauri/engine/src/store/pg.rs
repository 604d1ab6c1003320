//! The PostgreSQL store of team mode: a pool of connections to one database that several
//! workers and desktops share, and its schema, migrated once however many of them start at
//! the same moment (the migrations run in one transaction under an advisory lock). Events are
//! accepted and attempts recorded here; [`crate::team`]'s workers drive the queue, and
//! `serve --database-url` answers the whole Events API from it (the desktop does not run on
//! it yet). The queue is leased: a worker claims due deliveries under a lock of their
//! webhooks (`FOR UPDATE SKIP LOCKED`), so a sequential webhook has one leased at a time and a
//! parallel one at most its concurrency.

use crate::error::{Error, Result};
use crate::model::attempt::{Attempt, AttemptSummary};
use crate::model::log_filter::{LogFilter, LogScope};
use crate::model::{DeliveryKind, DeliveryState, WebhookId, WebhookStatus};
use crate::sealed::SecretKey;
use crate::store::deliveries::DeliveryRow;
use crate::store::events::EventRow;
use crate::store::webhooks::WebhookRow;
use deadpool_postgres::GenericClient;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use sha2::Digest;
use std::collections::HashMap;
use std::sync::Arc;
use tokio_postgres::NoTls;
use zeroize::Zeroizing;

/// The schema's versions, in order.
pub const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../migrations/pg/0001_schema.sql")),
    (2, include_str!("../../migrations/pg/0002_leases.sql")),
    (3, include_str!("../../migrations/pg/0003_leased_index.sql")),
    (4, include_str!("../../migrations/pg/0004_attempts_by_time.sql")),
];

/// The active webhooks with a due, unleased delivery, each with how many of its deliveries
/// may be leased at once (1 for a sequential one, its concurrency for a parallel one) and
/// whether it is sequential, locked for this claim: a worker claiming at the same time skips
/// them, so the limits hold across workers. ($1 now.) What is leased already is counted by
/// [`LEASED_OF_WEBHOOKS`] once the lock is held: this statement's own view is from before it
/// waited for the lock, and may miss a lease another worker committed meanwhile.
const CLAIMABLE_WEBHOOKS: &str = "
    SELECT w.id,
           CASE WHEN (w.delivery::jsonb ->> 'ordering') = 'sequential' THEN 1
                ELSE GREATEST(1, COALESCE((w.delivery::jsonb ->> 'concurrency')::int, 1)) END,
           (w.delivery::jsonb ->> 'ordering') = 'sequential'
    FROM webhooks w
    WHERE w.status = 'active'
      AND EXISTS (SELECT 1 FROM deliveries d WHERE d.webhook_id = w.id AND d.state = 'pending' AND d.next_attempt_at <= $1
                  AND (d.lease_until IS NULL OR d.lease_until < $1))
    ORDER BY w.id
    FOR UPDATE OF w SKIP LOCKED";

/// How many deliveries of each of these webhooks are leased now. ($1 now, $2 the webhooks.)
const LEASED_OF_WEBHOOKS: &str = "
    SELECT webhook_id, COUNT(*)::int FROM deliveries
    WHERE webhook_id = ANY($2) AND state = 'pending' AND lease_until IS NOT NULL AND lease_until >= $1
    GROUP BY webhook_id";

/// Each of these sequential webhooks' next delivery: its oldest pending one, if due; one
/// index probe per webhook, however long its backlog. ($1 now, $2 the webhooks.)
const HEADS_OF_WEBHOOKS: &str = "
    SELECT head.id FROM unnest($2::text[]) AS w(id)
    CROSS JOIN LATERAL (
        SELECT id, next_attempt_at FROM deliveries
        WHERE webhook_id = w.id AND state = 'pending'
        ORDER BY id LIMIT 1) head
    WHERE head.next_attempt_at <= $1";

/// Due, unleased deliveries of these parallel webhooks, at most `room` of each, oldest first.
/// ($1 now, $2 the webhooks, $3 the room of each.)
const DUE_OF_WEBHOOKS: &str = "
    SELECT d.id FROM unnest($2::text[], $3::int[]) AS r(webhook_id, room)
    CROSS JOIN LATERAL (
        SELECT id, next_attempt_at FROM deliveries
        WHERE webhook_id = r.webhook_id AND state = 'pending' AND next_attempt_at <= $1
          AND (lease_until IS NULL OR lease_until < $1)
        ORDER BY next_attempt_at, id LIMIT r.room) d
    ORDER BY d.next_attempt_at, d.id";

/// Direct deliveries due and unleased, skipping those another worker is claiming. ($1 now, $2 how many.)
const DUE_DIRECT: &str = "
    SELECT id FROM deliveries
    WHERE webhook_id IS NULL AND state = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
    ORDER BY next_attempt_at, id LIMIT $2
    FOR UPDATE SKIP LOCKED";

/// Claims do not wait for the disk. One lost in a crash of the database server only frees
/// its deliveries early, so that they are taken again (at least once, with the same
/// `webhook-id`); what must last, the events and the attempts' records, is committed with
/// `synchronous_commit` on.
const LEASE_WRITES: &str = "SET LOCAL synchronous_commit = off";

/// Stores a sealed secret, replacing the one of the same account. ($1 account, $2 sealed, $3 now.)
const UPSERT_SECRET: &str = "INSERT INTO secrets (account, sealed, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (account) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at";
const DELETE_SECRET: &str = "DELETE FROM secrets WHERE account = $1";

/// The account of the value that tells whether a key is the team's ([`PgStore::check_key`]).
const KEY_CHECK: &str = "team/key-check";

/// Where workers hear that there may be work: an event was accepted, a delivery ended (a
/// sequential webhook's next may go), a webhook was switched on.
pub const WORK_CHANNEL: &str = "hookdesk_work";

/// Where every process on the database hears that shared settings changed (the payload
/// names what: `token`).
pub const CONFIG_CHANNEL: &str = "hookdesk_config";

/// The failed deliveries to a webhook (`$1`) that ended in `[$2, $3)` and are their event's
/// latest to it (Tests aside): what a recover delivers again.
const RECOVERABLE: &str = "FROM deliveries d WHERE d.ended_at >= $2 AND d.ended_at < $3 AND d.webhook_id = $1 AND d.state = 'failed' \
    AND d.kind != 'test' AND NOT EXISTS (SELECT 1 FROM deliveries later WHERE later.event_seq = d.event_seq \
    AND later.webhook_id = $1 AND later.id > d.id AND later.kind != 'test')";

/// The columns [`webhook_from`] reads.
const WEBHOOK_COLUMNS: &str = "id, code, name, url, description, events, filters, header_names, delivery, status, status_reason, \
                               consecutive_failures, previous_secret_until, created_at, updated_at";

/// The columns of a delivery a worker reads, with its event's and its webhook's code.
const DELIVERY_COLUMNS: &str = "d.id, d.webhook_id, d.kind, d.url, d.header_names, d.state, d.attempts_made, d.max_attempts,
    d.next_attempt_at, e.id, e.type, COALESCE(e.summary, ''), d.body, e.occurred_at, e.data, e.workflow, e.survey, e.grp, w.code";
const DELIVERY_FROM: &str =
    "FROM deliveries d JOIN events e ON e.seq = d.event_seq LEFT JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1";

/// A store parameter as PostgreSQL takes it.
fn pg_value(v: rusqlite::types::Value) -> PgParam {
    use rusqlite::types::Value;
    match v {
        Value::Null => Box::new(None::<String>),
        Value::Integer(i) => Box::new(i),
        Value::Real(f) => Box::new(f),
        Value::Text(t) => Box::new(t),
        Value::Blob(b) => Box::new(b),
    }
}

type PgParam = Box<dyn tokio_postgres::types::ToSql + Sync + Send>;

fn param_refs(values: &[PgParam]) -> Vec<&(dyn tokio_postgres::types::ToSql + Sync)> {
    values.iter().map(|b| b.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync)).collect()
}

/// `?` placeholders numbered as PostgreSQL wants them (`$1`, `$2`, …), each cast to the
/// type of its value in `params` (so that an `i64` may be compared with an `INTEGER` column,
/// which PostgreSQL would otherwise type the parameter as); the store's SQL has no `?` inside
/// its literals.
fn numbered(sql: &str, params: &[rusqlite::types::Value]) -> String {
    use rusqlite::types::Value;
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            let cast = match params.get(n) {
                Some(Value::Integer(_)) => "::bigint",
                Some(Value::Real(_)) => "::float8",
                Some(Value::Blob(_)) => "::bytea",
                Some(Value::Text(_) | Value::Null) | None => "::text",
            };
            n += 1;
            out.push_str(&format!("${n}{cast}"));
        } else {
            out.push(c);
        }
    }
    out
}

fn unknown(what: &str, v: &str) -> Error {
    Error::Damaged(format!("The team database holds an unknown {what} “{v}”."))
}

/// A log row's summary from [`crate::store::logs::SUMMARY_COLUMNS`] (of the team database).
fn summary_from(r: &tokio_postgres::Row) -> Result<AttemptSummary> {
    use crate::model::attempt::{AttemptErrorKind, AttemptResult};
    use crate::model::time::format_ms;
    use crate::model::{AttemptId, DeliveryId, LogRowId};
    let kind: String = r.get(15);
    let state: String = r.get(19);
    let error_kind: Option<String> = r.get(10);
    Ok(AttemptSummary {
        id: LogRowId::Attempt(AttemptId(r.get(0))),
        delivery_id: DeliveryId(r.get(1)),
        event_id: r.get(2),
        event_type: r.get(3),
        webhook_id: r.get::<_, Option<String>>(4).map(WebhookId::stored),
        webhook_code: r.get(5),
        attempt: r.get::<_, i32>(6).max(0) as u32,
        attempts: r.get::<_, i32>(7).max(0) as u32,
        result: match r.get::<_, &str>(8) {
            "success" => AttemptResult::Success,
            "retrying" => AttemptResult::Retrying,
            _ => AttemptResult::Failed,
        },
        status_code: r.get::<_, Option<i32>>(9).and_then(|c| u16::try_from(c).ok()),
        error_kind: error_kind.as_deref().map(|k| AttemptErrorKind::parse(k).ok_or_else(|| unknown("error kind", k))).transpose()?,
        error: r.get(11),
        duration_ms: r.get::<_, i64>(12).max(0) as u64,
        executed_at: format_ms(r.get(13)),
        test: r.get(14),
        kind: DeliveryKind::parse(&kind).ok_or_else(|| unknown("delivery kind", &kind))?,
        url: r.get(16),
        payload_summary: match r.get::<_, Option<String>>(17) {
            Some(summary) => summary,
            None => crate::model::payload_summary::payload_summary(&r.get::<_, Option<String>>(18).unwrap_or_default()),
        },
        delivery_state: DeliveryState::parse(&state).ok_or_else(|| unknown("delivery state", &state))?,
        delivery_attempts: r.get::<_, i32>(20).max(0) as u32,
        next_attempt_at: r.get::<_, Option<i64>>(21).map(format_ms),
    })
}

/// An attempt from [`crate::store::logs::FULL_COLUMNS`] (a log row of the team database).
fn attempt_from(r: &tokio_postgres::Row) -> Result<Attempt> {
    let summary = summary_from(r)?;
    let at = crate::store::logs::SUMMARY_LEN;
    let b = at + 4;
    let body = match r.get::<_, Option<String>>(b) {
        Some(body) => body,
        None => {
            let webhook: Option<&str> = r.get(b + 8);
            let code: Option<&str> = r.get(b + 9);
            crate::model::event::envelope(
                r.get(b + 1),
                r.get(b + 2),
                r.get(b + 3),
                false,
                webhook.zip(code),
                r.get(b + 5),
                r.get(b + 6),
                r.get(b + 7),
                r.get(b + 4),
            )
        }
    };
    Ok(crate::store::logs::attempt_of(summary, r.get(at), r.get(at + 1), r.get(at + 2), r.get(at + 3), body))
}

/// A delivery from [`DELIVERY_COLUMNS`], starting at column `o`.
fn delivery_from(r: &tokio_postgres::Row, o: usize) -> Result<DeliveryRow> {
    let id: i64 = r.get(o);
    let unreadable = |what: &str| Error::Database(format!("Delivery {id} in the team database has {what} Hookdesk cannot read."));
    let webhook_id: Option<String> = r.get(o + 1);
    let event_id: String = r.get(o + 9);
    let event_type: String = r.get(o + 10);
    let body = match r.get::<_, Option<String>>(o + 12) {
        Some(body) => body,
        None => crate::model::event::envelope(
            &event_id,
            &event_type,
            r.get(o + 13),
            false,
            webhook_id.as_deref().zip(r.get::<_, Option<&str>>(o + 18)),
            r.get(o + 15),
            r.get(o + 16),
            r.get(o + 17),
            r.get(o + 14),
        ),
    };
    Ok(DeliveryRow {
        id: r.get(o),
        webhook_id: webhook_id.map(WebhookId::stored),
        kind: DeliveryKind::parse(r.get(o + 2)).ok_or_else(|| unreadable("a kind"))?,
        url: r.get(o + 3),
        header_names: r.get::<_, Option<&str>>(o + 4).and_then(|n| serde_json::from_str(n).ok()).unwrap_or_default(),
        body,
        state: DeliveryState::parse(r.get(o + 5)).ok_or_else(|| unreadable("a state"))?,
        attempts_made: u32::try_from(r.get::<_, i32>(o + 6)).unwrap_or(0),
        max_attempts: u32::try_from(r.get::<_, i32>(o + 7)).unwrap_or(1),
        next_attempt_at: r.get(o + 8),
        event_id,
        event_type,
        payload_summary: r.get(o + 11),
    })
}

/// The placeholders of [`WEBHOOK_COLUMNS`], in [`write_webhook`]'s order.
const WEBHOOK_VALUES: &str = "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

/// Runs `sql` (an insert of [`WEBHOOK_COLUMNS`] with [`WEBHOOK_VALUES`]) for a webhook.
async fn write_webhook(c: &impl GenericClient, sql: &str, w: &WebhookRow) -> Result<()> {
    c.execute(
        sql,
        &[
            &w.id.as_str(),
            &w.code,
            &w.name,
            &w.url,
            &w.description,
            &serde_json::to_string(&w.events)?,
            &serde_json::to_string(&w.filters)?,
            &serde_json::to_string(&w.header_names)?,
            &serde_json::to_string(&w.delivery)?,
            &w.status.as_str(),
            &w.status_reason,
            &i32::try_from(w.consecutive_failures).unwrap_or(i32::MAX),
            &w.previous_secret_until,
            &w.created_at,
            &w.updated_at,
        ],
    )
    .await
    .map_err(pg_error)?;
    Ok(())
}

/// The statements a worker runs for every delivery are prepared once per connection and
/// reused: one round trip a query instead of two (parse, then bind and execute).
async fn cq(
    c: &impl GenericClient,
    sql: &str,
    p: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> std::result::Result<Vec<tokio_postgres::Row>, tokio_postgres::Error> {
    let statement = c.prepare_cached(sql).await?;
    c.query(&statement, p).await
}

async fn cq_opt(
    c: &impl GenericClient,
    sql: &str,
    p: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> std::result::Result<Option<tokio_postgres::Row>, tokio_postgres::Error> {
    let statement = c.prepare_cached(sql).await?;
    c.query_opt(&statement, p).await
}

async fn cx(
    c: &impl GenericClient,
    sql: &str,
    p: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> std::result::Result<u64, tokio_postgres::Error> {
    let statement = c.prepare_cached(sql).await?;
    c.execute(&statement, p).await
}

/// Tells the workers, when the transaction commits, that there may be work for them.
async fn there_is_work(c: &impl GenericClient) -> Result<()> {
    cx(c, "SELECT pg_notify($1, '')", &[&WORK_CHANNEL]).await.map_err(pg_error)?;
    Ok(())
}

/// Inserts one event; its `seq`.
async fn insert_event(c: &impl GenericClient, event: &EventRow) -> Result<i64> {
    let row = c
        .query_one(
            "INSERT INTO events (id, type, occurred_at, data, workflow, survey, grp, fingerprint, accepted_at, summary)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING seq",
            &[
                &event.id,
                &event.event_type,
                &event.occurred_at,
                &event.data,
                &event.workflow,
                &event.survey,
                &event.group,
                &event.fingerprint,
                &event.accepted_at,
                &event.summary,
            ],
        )
        .await
        .map_err(pg_error)?;
    Ok(row.get(0))
}

fn json_col<T: serde::de::DeserializeOwned>(row: &tokio_postgres::Row, i: usize) -> Result<T> {
    serde_json::from_str(row.get::<_, &str>(i))
        .map_err(|e| Error::Database(format!("The team database holds a webhook column Hookdesk cannot read ({e}).")))
}

fn webhook_from(r: &tokio_postgres::Row) -> Result<WebhookRow> {
    Ok(WebhookRow {
        id: WebhookId::stored(r.get(0)),
        code: r.get(1),
        name: r.get(2),
        url: r.get(3),
        description: r.get(4),
        events: json_col(r, 5)?,
        filters: json_col(r, 6)?,
        header_names: json_col(r, 7)?,
        delivery: json_col(r, 8)?,
        status: WebhookStatus::parse(r.get(9)).unwrap_or(WebhookStatus::Disabled),
        status_reason: r.get(10),
        consecutive_failures: u32::try_from(r.get::<_, i32>(11)).unwrap_or(0),
        previous_secret_until: r.get(12),
        created_at: r.get(13),
        updated_at: r.get(14),
    })
}

/// The advisory lock the migrations run under: "hookdesk" read as a number.
const MIGRATION_LOCK: i64 = 0x686f_6f6b_6465_736b;

/// Connections at most, per process.
const POOL_SIZE: usize = 16;

/// How long opening a connection may take, the server's first answer included: a server
/// that accepts connections and never answers is reported, not waited on for ever.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A PostgreSQL failure in words: the server's own message when it sent one.
fn pg_error(e: tokio_postgres::Error) -> Error {
    match e.as_db_error() {
        // A NUL character, which PostgreSQL's text cannot hold: the input's fault, said so.
        Some(db) if *db.code() == tokio_postgres::error::SqlState::CHARACTER_NOT_IN_REPERTOIRE => {
            Error::invalid("body", "A value holds a NUL character (\\u0000), which the team database cannot store; leave it out.")
        }
        Some(db) => Error::Database(format!("The team database refused: {} ({}).", db.message(), db.code().code())),
        None => {
            // The driver's own words name the step ("error connecting to server"); its cause
            // says why ("Connection refused").
            let cause = std::error::Error::source(&e).map(|c| format!(": {c}")).unwrap_or_default();
            Error::Unavailable(format!("The team database cannot be reached ({e}{cause})."))
        }
    }
}

fn pool_error(e: deadpool_postgres::PoolError) -> Error {
    match e {
        deadpool_postgres::PoolError::Backend(e) => pg_error(e),
        deadpool_postgres::PoolError::Timeout(_) => {
            Error::Unavailable(format!("The team database did not answer within {} s.", CONNECT_TIMEOUT.as_secs()))
        }
        other => Error::Unavailable(format!("The team database cannot be reached: {other}.")),
    }
}

/// The team database.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// For connections of their own (a listener holds one for as long as it listens).
    config: tokio_postgres::Config,
    /// The group-commit writer of accepted events ([`PgStore::accept_event`]).
    accepts: tokio::sync::mpsc::Sender<AcceptRequest>,
}

/// The most events one group commit writes.
const ACCEPT_BATCH: usize = 64;

/// An event waiting for the group-commit writer, and where its answer goes.
struct AcceptRequest {
    event: EventRow,
    deliveries: Vec<(String, i32)>,
    now: i64,
    reply: tokio::sync::oneshot::Sender<Result<AcceptedEvent>>,
}

/// A delivery's end, counted against its webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub consecutive_failures: i32,
    /// This count paused the webhook (only one worker's does).
    pub paused: bool,
}

/// A delivery an accepted event makes: to which webhook, with how many attempts at most.
#[derive(Debug, Clone, Copy)]
pub struct NewDelivery<'a> {
    pub webhook_id: &'a str,
    pub max_attempts: u32,
}

/// What accepting an event wrote: its deliveries (id, webhook code), oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedEvent {
    pub seq: i64,
    pub deliveries: Vec<(i64, String)>,
    /// The event id had been accepted before, with the same content: nothing was written,
    /// and `deliveries` are the first acceptance's.
    pub duplicate: bool,
}

/// What one attempt did, as its log row keeps it.
#[derive(Debug, Clone)]
pub struct AttemptRecord<'a> {
    pub webhook_id: Option<&'a str>,
    pub event_type: &'a str,
    /// 1 for the first attempt.
    pub attempt: i32,
    pub max_attempts: i32,
    pub succeeded: bool,
    pub status_code: Option<i32>,
    pub error_kind: Option<&'a str>,
    pub error: Option<&'a str>,
    pub duration_ms: i64,
    pub executed_at: i64,
    pub request_url: &'a str,
    /// JSON object of the headers sent.
    pub request_headers: &'a str,
    pub response_headers: Option<&'a str>,
    pub response_body: Option<&'a [u8]>,
    pub response_truncated: bool,
    /// Sent by **Test**.
    pub test: bool,
}

/// The attempts' columns an [`AttemptRecord`] fills, after the delivery's id.
const ATTEMPT_INSERT: &str =
    "INSERT INTO attempts (delivery_id, webhook_id, event_type, attempt, max_attempts, result, status_code, error_kind,
                                   error, duration_ms, executed_at, request_url, request_headers, response_headers, response_body,
                                   response_truncated, test)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";

impl<'a> AttemptRecord<'a> {
    /// The record of an attempt as the engine describes it, its header maps as JSON.
    pub fn of(a: &'a crate::store::attempts::NewAttempt, request_headers: &'a str, response_headers: Option<&'a str>) -> Self {
        Self {
            webhook_id: a.webhook_id.as_deref(),
            event_type: &a.event_type,
            attempt: i32::try_from(a.attempt).unwrap_or(i32::MAX),
            max_attempts: i32::try_from(a.max_attempts).unwrap_or(i32::MAX),
            succeeded: a.success,
            status_code: a.status_code.map(i32::from),
            error_kind: a.error_kind.map(crate::model::attempt::AttemptErrorKind::as_str),
            error: a.error.as_deref(),
            duration_ms: i64::try_from(a.duration_ms).unwrap_or(i64::MAX),
            executed_at: a.executed_at,
            request_url: &a.request_url,
            request_headers,
            response_headers,
            response_body: a.response_body.as_deref(),
            response_truncated: a.response_truncated,
            test: a.test,
        }
    }

    /// The parameters of [`ATTEMPT_INSERT`] for the attempt of `delivery`.
    fn params<'p>(&'p self, delivery: &'p i64) -> [&'p (dyn tokio_postgres::types::ToSql + Sync); 17] {
        let result: &'static &'static str = if self.succeeded { &"success" } else { &"failed" };
        [
            delivery,
            &self.webhook_id,
            &self.event_type,
            &self.attempt,
            &self.max_attempts,
            result,
            &self.status_code,
            &self.error_kind,
            &self.error,
            &self.duration_ms,
            &self.executed_at,
            &self.request_url,
            &self.request_headers,
            &self.response_headers,
            &self.response_body,
            &self.response_truncated,
            &self.test,
        ]
    }
}

/// Where a delivery goes after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterAttempt {
    /// Failed, attempted again at this time (unix ms) by whichever worker claims it then.
    RetryAt(i64),
    /// Its attempts are over: it succeeded, or failed for good, at this time.
    Ended { succeeded: bool, at: i64 },
}

/// Moves a delivery `worker` holds on, after `attempts_made` attempts; `false` (and nothing
/// changed) when the lease was no longer its own.
async fn move_on(c: &impl GenericClient, worker: &str, delivery: i64, attempts_made: Option<i32>, after: AfterAttempt) -> Result<bool> {
    let n = match after {
        AfterAttempt::RetryAt(at) => {
            cx(
                c,
                "UPDATE deliveries SET attempts_made = COALESCE($3, attempts_made), next_attempt_at = $4, leased_by = NULL, lease_until = NULL
                 WHERE id = $1 AND leased_by = $2 AND state = 'pending'",
                &[&delivery, &worker, &attempts_made, &at],
            )
            .await
        }
        AfterAttempt::Ended { succeeded, at } => {
            let state = if succeeded { "succeeded" } else { "failed" };
            cx(
                c,
                "UPDATE deliveries SET attempts_made = COALESCE($3, attempts_made), state = $4, ended_at = $5, leased_by = NULL, lease_until = NULL
                 WHERE id = $1 AND leased_by = $2 AND state = 'pending'",
                &[&delivery, &worker, &attempts_made, &state, &at],
            )
            .await
        }
    }
    .map_err(pg_error)?;
    Ok(n == 1)
}

/// How a delivery's end counts against its webhook.
#[derive(Debug, Clone, Copy)]
pub struct Tally<'a> {
    pub succeeded: bool,
    /// Consecutive failures that pause the webhook (0: never), and the pause's reason.
    pub pause_after: i32,
    pub pause_reason: &'a str,
    /// The endpoint answered 410 Gone: the webhook is disabled, for this reason.
    pub gone: Option<&'a str>,
}

async fn switch_off(c: &impl GenericClient, webhook: &str, status: WebhookStatus, reason: &str, now: i64) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE webhooks SET status = $2, status_reason = $3, updated_at = $4 WHERE id = $1 AND status = 'active'",
            &[&webhook, &status.as_str(), &reason, &now],
        )
        .await
        .map_err(pg_error)?;
    Ok(n == 1)
}

async fn count(c: &impl GenericClient, webhook: &str, t: &Tally<'_>, now: i64) -> Result<Counted> {
    // A success of a webhook with no failures to reset writes nothing: its row is not locked,
    // so a claim holding it does not hold up the recording of every success.
    let statement = if t.succeeded {
        "WITH w AS (SELECT 1 FROM webhooks WHERE id = $1),
              reset AS (UPDATE webhooks SET consecutive_failures = 0, updated_at = $2 WHERE id = $1 AND consecutive_failures <> 0)
         SELECT 0 FROM w"
    } else {
        "UPDATE webhooks SET consecutive_failures = consecutive_failures + 1, updated_at = $2 WHERE id = $1 RETURNING consecutive_failures"
    };
    let row = cq_opt(c, statement, &[&webhook, &now])
        .await
        .map_err(pg_error)?
        .ok_or_else(|| Error::NotFound(format!("There is no webhook {webhook}.")))?;
    let consecutive_failures: i32 = row.get(0);
    let paused = !t.succeeded
        && t.pause_after > 0
        && consecutive_failures >= t.pause_after
        && switch_off(c, webhook, WebhookStatus::Paused, t.pause_reason, now).await?;
    Ok(Counted { consecutive_failures, paused })
}

/// Notifications of one channel, as another worker's [`PgStore::notify`] sent them.
pub struct Listener {
    /// Held open: the connection listens while its client lives.
    _client: tokio_postgres::Client,
    rx: tokio::sync::mpsc::UnboundedReceiver<String>,
}

impl Listener {
    /// The next payload; `None` once the connection is gone.
    pub async fn next(&mut self) -> Option<String> {
        self.rx.recv().await
    }
}

/// A channel name is ours, never the user's: lowercase letters and `_` only.
fn channel_name(channel: &str) -> Result<&str> {
    if !channel.is_empty() && channel.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        Ok(channel)
    } else {
        Err(Error::invalid("channel", format!("'{channel}' is not a notification channel name.")))
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/database`), and fails now, in the
    /// server's words, when it cannot be reached.
    pub async fn connect(url: &str) -> Result<Self> {
        let config: tokio_postgres::Config =
            url.parse().map_err(|e| Error::invalid("database_url", format!("'{url}' is not a PostgreSQL URL: {e}.")))?;
        let manager = Manager::from_config(config.clone(), NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| Error::Unavailable(format!("The team database pool could not start: {e}.")))?;
        drop(pool.get().await.map_err(pool_error)?);
        let (accepts, queue) = tokio::sync::mpsc::channel(4 * ACCEPT_BATCH);
        // Ends when the last clone of the store is dropped.
        tokio::spawn(group_commit(pool.clone(), queue));
        Ok(Self { pool, config, accepts })
    }

    /// Applies the migrations this database lacks; returns how many. Workers that start
    /// together wait on one another: each version is applied once.
    pub async fn migrate(&self) -> Result<u32> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        // Held until the transaction ends, however it ends.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await.map_err(pg_error)?;
        // Not "relation schema_migrations already exists, skipping" in every command's log.
        tx.batch_execute("SET LOCAL client_min_messages = warning").await.map_err(pg_error)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .await
        .map_err(pg_error)?;
        let applied: Vec<i32> =
            tx.query("SELECT version FROM schema_migrations", &[]).await.map_err(pg_error)?.iter().map(|r| r.get(0)).collect();
        let mut n = 0;
        for (version, sql) in MIGRATIONS {
            if applied.contains(version) {
                continue;
            }
            tx.batch_execute(sql).await.map_err(pg_error)?;
            tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[version]).await.map_err(pg_error)?;
            n += 1;
        }
        tx.commit().await.map_err(pg_error)?;
        Ok(n)
    }

    /// Leases up to `limit` due deliveries to `worker` until `now + lease_ms`; their ids,
    /// oldest first. Workers claiming at once never get the same delivery; a sequential
    /// webhook has one delivery leased at a time, in order, and a parallel one at most its
    /// concurrency, across all workers.
    pub async fn claim_due(&self, worker: &str, now: i64, limit: i64, lease_ms: i64) -> Result<Vec<i64>> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        tx.batch_execute(LEASE_WRITES).await.map_err(pg_error)?;
        // A fixed number of statements however many webhooks there are: lock the claimable
        // ones, count their leases (after the lock), then take heads and due deliveries.
        let claimable: Vec<(String, i32, bool)> = cq(&tx, CLAIMABLE_WEBHOOKS, &[&now])
            .await
            .map_err(pg_error)?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get::<_, Option<bool>>(2) == Some(true)))
            .collect();
        let mut ids: Vec<i64> = Vec::new();
        if !claimable.is_empty() {
            let all: Vec<&str> = claimable.iter().map(|(w, ..)| w.as_str()).collect();
            let leased: HashMap<String, i32> =
                cq(&tx, LEASED_OF_WEBHOOKS, &[&now, &all]).await.map_err(pg_error)?.iter().map(|r| (r.get(0), r.get(1))).collect();
            let (mut heads, mut parallel, mut rooms) = (Vec::new(), Vec::new(), Vec::new());
            for (webhook, cap, sequential) in &claimable {
                let free = cap - leased.get(webhook).copied().unwrap_or(0);
                if free <= 0 {
                    continue;
                }
                if *sequential {
                    heads.push(webhook.as_str());
                } else {
                    parallel.push(webhook.as_str());
                    rooms.push(free);
                }
            }
            if !heads.is_empty() {
                ids.extend(cq(&tx, HEADS_OF_WEBHOOKS, &[&now, &heads]).await.map_err(pg_error)?.iter().map(|r| r.get::<_, i64>(0)));
            }
            if !parallel.is_empty() {
                ids.extend(
                    cq(&tx, DUE_OF_WEBHOOKS, &[&now, &parallel, &rooms]).await.map_err(pg_error)?.iter().map(|r| r.get::<_, i64>(0)),
                );
            }
            ids.truncate(usize::try_from(limit).unwrap_or(0));
        }
        let room = limit - ids.len() as i64;
        if room > 0 {
            ids.extend(cq(&tx, DUE_DIRECT, &[&now, &room]).await.map_err(pg_error)?.iter().map(|r| r.get::<_, i64>(0)));
        }
        cx(&tx, "UPDATE deliveries SET leased_by = $2, lease_until = $3 WHERE id = ANY($1)", &[&ids, &worker, &(now + lease_ms)])
            .await
            .map_err(pg_error)?;
        tx.commit().await.map_err(pg_error)?;
        ids.sort_unstable();
        Ok(ids)
    }

    /// Extends `worker`'s leases of these deliveries to `until` while their attempts run;
    /// returns those still its own (a lease that ran out and was taken is not renewed).
    pub async fn renew(&self, worker: &str, deliveries: &[i64], until: i64) -> Result<Vec<i64>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let rows = cq(
            &client,
            "UPDATE deliveries SET lease_until = $3 WHERE id = ANY($1) AND leased_by = $2 AND state = 'pending' RETURNING id",
            &[&deliveries, &worker, &until],
        )
        .await
        .map_err(pg_error)?;
        let mut held: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
        held.sort_unstable();
        Ok(held)
    }

    /// Gives back a delivery `worker` holds after a failed attempt that will be retried: its
    /// attempts so far and when the next is due; any worker may take it then. `false` when
    /// the lease was no longer its own.
    pub async fn retry_later(&self, worker: &str, delivery: i64, attempts_made: i32, next_attempt_at: i64) -> Result<bool> {
        let client = self.pool.get().await.map_err(pool_error)?;
        move_on(&client, worker, delivery, Some(attempts_made), AfterAttempt::RetryAt(next_attempt_at)).await
    }

    /// Ends a delivery `worker` holds: its attempts are over (`succeeded` or failed for
    /// good). `false` when the lease was no longer its own (it ran out and another took it).
    pub async fn finish(&self, worker: &str, delivery: i64, succeeded: bool, now: i64) -> Result<bool> {
        let client = self.pool.get().await.map_err(pool_error)?;
        move_on(&client, worker, delivery, None, AfterAttempt::Ended { succeeded, at: now }).await
    }

    /// Records an attempt of a delivery `worker` holds and moves the delivery on, in one
    /// transaction. The record is kept even when the lease was lost meanwhile (the request
    /// was sent: the log says so), but then the delivery is left to the worker that holds it
    /// now, and the answer is `false`.
    pub async fn record_attempt(&self, worker: &str, delivery: i64, a: &AttemptRecord<'_>, after: AfterAttempt) -> Result<bool> {
        Ok(self.record_and_count(worker, delivery, a, after, None).await?.0)
    }

    /// [`PgStore::record_attempt`], and the delivery's end counted against its webhook in the
    /// same transaction (as [`PgStore::count_result`]; a 410 disables it first): no worker can
    /// claim the webhook's next delivery between the end and the pause it causes. Counted only
    /// when the lease was still `worker`'s.
    pub async fn record_and_count(
        &self,
        worker: &str,
        delivery: i64,
        a: &AttemptRecord<'_>,
        after: AfterAttempt,
        tally: Option<Tally<'_>>,
    ) -> Result<(bool, Option<Counted>)> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        // Sent together (pipelined), answered in order: one round trip for both.
        let params = a.params(&delivery);
        let insert = cx(&tx, ATTEMPT_INSERT, &params);
        let (inserted, held) = tokio::join!(insert, move_on(&tx, worker, delivery, Some(a.attempt), after));
        inserted.map_err(pg_error)?;
        let held = held?;

        let mut counted = None;
        if held && let (Some(t), Some(webhook)) = (tally, a.webhook_id) {
            if let Some(reason) = t.gone {
                switch_off(&tx, webhook, WebhookStatus::Disabled, reason, a.executed_at).await?;
            }
            counted = Some(count(&tx, webhook, &t, a.executed_at).await?);
        }
        if held && matches!(after, AfterAttempt::Ended { .. }) {
            // A sequential webhook's next delivery may go now, on any worker.
            there_is_work(&tx).await?;
        }
        tx.commit().await.map_err(pg_error)?;
        Ok((held, counted))
    }

    /// Accepts an event: writes it and a delivery to each webhook of `deliveries` that still
    /// exists, committed before this returns; events accepted at the same moment share one
    /// transaction (group commit), written in the order they came. An id accepted before
    /// answers the first acceptance's deliveries when the content is the same (its
    /// fingerprint), and is a conflict when it is not; two workers accepting one id at the
    /// same moment write it once.
    pub async fn accept_event(&self, event: &EventRow, deliveries: &[NewDelivery<'_>], now: i64) -> Result<AcceptedEvent> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let deliveries = deliveries.iter().map(|d| (d.webhook_id.to_string(), i32::try_from(d.max_attempts).unwrap_or(i32::MAX))).collect();
        let request = AcceptRequest { event: event.clone(), deliveries, now, reply };
        let gone = || Error::Unavailable("The team database's writer has stopped.".into());
        self.accepts.send(request).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }

    /// Counts a delivery's end against its webhook, atomically across workers: a success
    /// resets its consecutive failures, a failure adds one, and the failure that reaches
    /// `pause_after` (0: never) pauses the webhook if it is active, with `reason`. Exactly
    /// one worker is told it paused it.
    pub async fn count_result(&self, webhook: &str, succeeded: bool, pause_after: i32, reason: &str, now: i64) -> Result<Counted> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let counted = count(&tx, webhook, &Tally { succeeded, pause_after, pause_reason: reason, gone: None }, now).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(counted)
    }

    /// Runs `work` unless another worker is running the job of that name (retention pruning,
    /// the expiry of rotated secrets): `None` then. The lock is a session lock on a connection
    /// of its own, so it cannot outlive this call, even when the call is dropped half way.
    pub async fn run_exclusive<T>(&self, job: &str, work: impl std::future::Future<Output = T>) -> Result<Option<T>> {
        let (client, connection) = self.config.connect(NoTls).await.map_err(pg_error)?;
        let connection = tokio::spawn(connection);
        let key = i64::from_be_bytes(sha2::Sha256::digest(job.as_bytes())[..8].try_into().expect("8 bytes"));
        let locked: bool = client.query_one("SELECT pg_try_advisory_lock($1)", &[&key]).await.map_err(pg_error)?.get(0);
        let out = if locked { Some(work.await) } else { None };
        if locked {
            // Released now, so that the next run need not wait for the session to end; were
            // this call dropped before here, closing the connection would release it.
            client.execute("SELECT pg_advisory_unlock($1)", &[&key]).await.map_err(pg_error)?;
        }
        drop(client);
        let _ = connection.await;
        Ok(out)
    }

    /// A setting of the team (the `settings` table), if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client.query_opt("SELECT value FROM settings WHERE key = $1", &[&key]).await.map_err(pg_error)?;
        Ok(row.map(|r| r.get(0)))
    }

    /// Deletes up to `batch` deliveries that ended before `cutoff` (their attempts with
    /// them), then up to `batch` events accepted before it that no delivery refers to any
    /// more; returns how many of each.
    pub async fn prune_before(&self, cutoff: i64, batch: i64) -> Result<(u64, u64)> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let deliveries = client
            .execute(
                "DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE state <> 'pending' AND ended_at < $1 LIMIT $2)",
                &[&cutoff, &batch],
            )
            .await
            .map_err(pg_error)?;
        let events = client
            .execute(
                "DELETE FROM events WHERE seq IN (SELECT seq FROM events e WHERE accepted_at < $1
                     AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = e.seq) LIMIT $2)",
                &[&cutoff, &batch],
            )
            .await
            .map_err(pg_error)?;
        Ok((deliveries, events))
    }

    /// Deletes the previous signing secrets whose time ran out before `now`, and forgets
    /// that their webhooks have one, in one transaction; returns how many.
    pub async fn forget_expired_secrets(&self, now: i64) -> Result<usize> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let ids: Vec<String> = tx
            .query("UPDATE webhooks SET previous_secret_until = NULL WHERE previous_secret_until < $1 RETURNING id", &[&now])
            .await
            .map_err(pg_error)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let accounts: Vec<String> = ids.iter().map(|id| crate::secrets::account::previous_signing_secret(id)).collect();
        tx.execute("DELETE FROM secrets WHERE account = ANY($1)", &[&accounts]).await.map_err(pg_error)?;
        tx.commit().await.map_err(pg_error)?;
        Ok(ids.len())
    }

    /// Tells every worker listening on `channel` (configuration changed, an attempt was
    /// recorded): delivered once the sender's transaction commits.
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<()> {
        let channel = channel_name(channel)?;
        let client = self.pool.get().await.map_err(pool_error)?;
        client.execute("SELECT pg_notify($1, $2)", &[&channel, &payload]).await.map_err(pg_error)?;
        Ok(())
    }

    /// Listens on `channel` on a connection of its own.
    pub async fn listen(&self, channel: &str) -> Result<Listener> {
        self.listen_to(&[channel]).await
    }

    /// Listens on all of `channels` on one connection of its own: each notification's payload,
    /// whichever channel it came on.
    pub async fn listen_to(&self, channels: &[&str]) -> Result<Listener> {
        use futures_util::StreamExt;
        let statements = channels.iter().map(|c| channel_name(c).map(|c| format!("LISTEN {c};"))).collect::<Result<String>>()?;
        let (client, mut connection) = self.config.connect(NoTls).await.map_err(pg_error)?;
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(message) = messages.next().await {
                match message {
                    Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                        if tx.send(n.payload().to_string()).is_err() {
                            break;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!("the team database's notifications stopped: {e}");
                        break;
                    }
                }
            }
        });
        client.batch_execute(&statements).await.map_err(pg_error)?;
        Ok(Listener { _client: client, rx })
    }

    /// Stores a secret sealed with `key` (never its plain value): a header value, a signing
    /// secret, the API token.
    pub async fn set_secret(&self, key: &SecretKey, account: &str, value: &str, now: i64) -> Result<()> {
        let sealed = key.seal(account, value);
        let client = self.pool.get().await.map_err(pool_error)?;
        client.execute(UPSERT_SECRET, &[&account, &sealed, &now]).await.map_err(pg_error)?;
        Ok(())
    }

    /// A secret, opened with `key`; `None` when there is none. A key that does not open it
    /// is an error that says so, and nothing is changed.
    pub async fn secret(&self, key: &SecretKey, account: &str) -> Result<Option<Zeroizing<String>>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client.query_opt("SELECT sealed FROM secrets WHERE account = $1", &[&account]).await.map_err(pg_error)?;
        row.map(|r| key.open(account, r.get::<_, &str>(0))).transpose()
    }

    /// Makes sure `key` is the team's key before a worker starts: the first worker seals a
    /// check value with its key; every later one must open it. A wrong key is refused before
    /// anything is read or written with it.
    pub async fn check_key(&self, key: &SecretKey, now: i64) -> Result<()> {
        let sealed = key.seal(KEY_CHECK, "hookdesk");
        let client = self.pool.get().await.map_err(pool_error)?;
        // Of two workers starting at once with different keys, the first to commit sets it.
        client
            .execute(
                "INSERT INTO secrets (account, sealed, updated_at) VALUES ($1, $2, $3) ON CONFLICT (account) DO NOTHING",
                &[&KEY_CHECK, &sealed, &now],
            )
            .await
            .map_err(pg_error)?;
        let stored: String =
            client.query_one("SELECT sealed FROM secrets WHERE account = $1", &[&KEY_CHECK]).await.map_err(pg_error)?.get(0);
        key.open(KEY_CHECK, &stored).map(drop).map_err(|_| {
            Error::Keyring(format!(
                "The secret key {} is not this team database's key (its secrets were sealed with another); nothing was read or changed. Give the key the other workers use.",
                key.fingerprint()
            ))
        })
    }

    /// The secrets of these accounts that exist, opened with `key`, in one round trip.
    pub async fn secrets(&self, key: &SecretKey, accounts: &[String]) -> Result<HashMap<String, Arc<str>>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let rows = cq(&client, "SELECT account, sealed FROM secrets WHERE account = ANY($1)", &[&accounts]).await.map_err(pg_error)?;
        rows.iter()
            .map(|r| {
                let account: String = r.get(0);
                let value = key.open(&account, r.get::<_, &str>(1))?;
                Ok((account, Arc::from(value.as_str())))
            })
            .collect()
    }

    pub async fn delete_secret(&self, account: &str) -> Result<()> {
        let client = self.pool.get().await.map_err(pool_error)?;
        client.execute(DELETE_SECRET, &[&account]).await.map_err(pg_error)?;
        Ok(())
    }

    /// Deletes a webhook with its queue, its logs and its sealed secrets, in one transaction;
    /// `false` when there was no such webhook.
    pub async fn delete_webhook(&self, id: &str) -> Result<bool> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let deleted = tx.execute("DELETE FROM webhooks WHERE id = $1", &[&id]).await.map_err(pg_error)?;
        // A webhook id is hex digits: nothing in it is a LIKE wildcard.
        let accounts = format!("{}%", crate::secrets::account::webhook_prefix(id));
        tx.execute("DELETE FROM secrets WHERE account LIKE $1", &[&accounts]).await.map_err(pg_error)?;
        tx.commit().await.map_err(pg_error)?;
        Ok(deleted > 0)
    }

    /// A secret, or `value` stored sealed when there is none yet: of two workers asking at
    /// once, both get the one that was stored first (the API token on a new database).
    pub async fn secret_or_insert(&self, key: &SecretKey, account: &str, value: &str, now: i64) -> Result<Zeroizing<String>> {
        let sealed = key.seal(account, value);
        let client = self.pool.get().await.map_err(pool_error)?;
        client
            .execute(
                "INSERT INTO secrets (account, sealed, updated_at) VALUES ($1, $2, $3) ON CONFLICT (account) DO NOTHING",
                &[&account, &sealed, &now],
            )
            .await
            .map_err(pg_error)?;
        let stored: String = client.query_one("SELECT sealed FROM secrets WHERE account = $1", &[&account]).await.map_err(pg_error)?.get(0);
        key.open(account, &stored)
    }

    /// Replaces a webhook's signing secret with `new_secret` in one transaction: the current
    /// one becomes the previous one, which keeps signing alongside until `until`.
    pub async fn rotate_secret(&self, key: &SecretKey, webhook: &str, new_secret: &str, until: i64, now: i64) -> Result<()> {
        use crate::secrets::account;
        let (current, previous) = (account::signing_secret(webhook), account::previous_signing_secret(webhook));
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let sealed = tx.query_opt("SELECT sealed FROM secrets WHERE account = $1 FOR UPDATE", &[&current]).await.map_err(pg_error)?;
        let Some(sealed) = sealed else {
            return Err(Error::Keyring(format!("The signing secret of webhook {webhook} is missing from the team database.")));
        };
        let old = key.open(&current, sealed.get::<_, &str>(0))?;
        tx.execute(UPSERT_SECRET, &[&previous, &key.seal(&previous, &old), &now]).await.map_err(pg_error)?;
        tx.execute(UPSERT_SECRET, &[&current, &key.seal(&current, new_secret), &now]).await.map_err(pg_error)?;
        tx.execute("UPDATE webhooks SET previous_secret_until = $2, updated_at = $3 WHERE id = $1", &[&webhook, &until, &now])
            .await
            .map_err(pg_error)?;
        tx.commit().await.map_err(pg_error)
    }

    /// Makes a delivery waiting for its next attempt due now (a worker takes it at once);
    /// `false` when it is not waiting for a retry (ended, or its first attempt still to come).
    pub async fn retry_now(&self, delivery: i64, now: i64) -> Result<bool> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let n = tx
            .execute(
                "UPDATE deliveries SET next_attempt_at = $2 WHERE id = $1 AND state = 'pending' AND attempts_made > 0",
                &[&delivery, &now],
            )
            .await
            .map_err(pg_error)?;
        there_is_work(&tx).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(n > 0)
    }

    /// A new delivery of a logged delivery's event, to its webhook's current configuration
    /// (a direct one to its URL again, with `direct_attempts`); `None` when there is no such
    /// delivery. A direct delivery whose header values are gone is refused.
    pub async fn resend(&self, delivery: i64, direct_attempts: i32, now: i64) -> Result<Option<i64>> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let source = tx
            .query_opt("SELECT webhook_id IS NULL AND COALESCE(header_names, '[]') != '[]' FROM deliveries WHERE id = $1", &[&delivery])
            .await
            .map_err(pg_error)?;
        let Some(source) = source else { return Ok(None) };
        if source.get::<_, bool>(0) {
            return Err(Error::Conflict(
                "A direct delivery's header values are discarded once it ends, so it cannot be resent; post it again to /v1/deliveries."
                    .into(),
            ));
        }
        let row = tx
            .query_one(
                "INSERT INTO deliveries (event_seq, webhook_id, kind, url, header_names, body, state, max_attempts, next_attempt_at, created_at)
                 SELECT d.event_seq, d.webhook_id, CASE WHEN d.webhook_id IS NULL THEN 'direct' ELSE 'resend' END, d.url, d.header_names,
                        d.body, 'pending', COALESCE((w.delivery::jsonb ->> 'attempts')::int, $2), $3, $3
                 FROM deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1
                 RETURNING id",
                &[&delivery, &direct_attempts, &now],
            )
            .await
            .map_err(pg_error)?;
        there_is_work(&tx).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(Some(row.get(0)))
    }

    /// **Resend selected** / **all matching**: a new delivery of each of these deliveries'
    /// events to its webhook's current configuration, queued oldest event first, in one
    /// transaction. A direct delivery with header values (discarded when it ended) and one
    /// no longer stored are skipped; returns how many were queued.
    pub async fn resend_many(&self, deliveries: &[i64], direct_attempts: i32, now: i64) -> Result<u64> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let queued = tx
            .execute(
                "INSERT INTO deliveries (event_seq, webhook_id, kind, url, header_names, body, state, max_attempts, next_attempt_at, created_at)
                 SELECT d.event_seq, d.webhook_id, CASE WHEN d.webhook_id IS NULL THEN 'direct' ELSE 'resend' END, d.url, d.header_names,
                        d.body, 'pending', COALESCE((w.delivery::jsonb ->> 'attempts')::int, $2), $3, $3
                 FROM deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id
                 WHERE d.id = ANY($1) AND NOT (d.webhook_id IS NULL AND COALESCE(d.header_names, '[]') != '[]')
                 ORDER BY d.event_seq, d.id",
                &[&deliveries, &direct_attempts, &now],
            )
            .await
            .map_err(pg_error)?;
        if queued > 0 {
            there_is_work(&tx).await?;
        }
        tx.commit().await.map_err(pg_error)?;
        Ok(queued)
    }

    /// Runs SQL written for both stores (`?` placeholders, bound to `params` in order).
    async fn query_shared_sql(&self, sql: &str, params: Vec<rusqlite::types::Value>) -> Result<Vec<tokio_postgres::Row>> {
        let sql = numbered(sql, &params);
        let values: Vec<PgParam> = params.into_iter().map(pg_value).collect();
        let client = self.pool.get().await.map_err(pool_error)?;
        client.query(&sql, &param_refs(&values)).await.map_err(pg_error)
    }

    /// The deliveries with an attempt among those that match, Tests aside: what a bulk
    /// resend sends again.
    pub async fn resendable(&self, scope: &LogScope, filter: &LogFilter) -> Result<Vec<i64>> {
        use crate::store::logs::{Dialect, FROM, attempts_where, resendable};
        let (filter_sql, params) = attempts_where(scope, &resendable(filter), Dialect::Postgres);
        let rows = self.query_shared_sql(&format!("SELECT DISTINCT a.delivery_id {FROM} {filter_sql}"), params).await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    /// Logs a **Test** of a saved webhook: its sample event, a one-attempt test delivery that
    /// has ended, and the attempt, in one transaction; the attempt's and the delivery's ids.
    pub async fn record_test(&self, event: &EventRow, webhook: &str, body: &str, a: &AttemptRecord<'_>) -> Result<(i64, i64)> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let seq = insert_event(&tx, event).await?;
        let state = if a.succeeded { "succeeded" } else { "failed" };
        let delivery: i64 = tx
            .query_one(
                "INSERT INTO deliveries (event_seq, webhook_id, kind, body, state, attempts_made, max_attempts, next_attempt_at, created_at, ended_at)
                 VALUES ($1, $2, 'test', $3, $4, 1, 1, $5, $5, $5) RETURNING id",
                &[&seq, &webhook, &body, &state, &a.executed_at],
            )
            .await
            .map_err(pg_error)?
            .get(0);
        let params = a.params(&delivery);
        let attempt: i64 = tx.query_one(&format!("{ATTEMPT_INSERT} RETURNING id"), &params).await.map_err(pg_error)?.get(0);
        tx.commit().await.map_err(pg_error)?;
        Ok((attempt, delivery))
    }

    /// **Recover**: a new delivery of each event whose latest delivery to `webhook` failed for
    /// good within `since..until`, in acceptance order (their ids follow it), in one
    /// transaction that holds the webhook's row, so that two processes recovering at once do
    /// not both send them.
    pub async fn recover(&self, webhook: &str, since: i64, until: i64, max_attempts: i32, now: i64) -> Result<Vec<i64>> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        tx.execute("SELECT 1 FROM webhooks WHERE id = $1 FOR UPDATE", &[&webhook]).await.map_err(pg_error)?;
        let rows = tx
            .query(
                &format!(
                    "WITH failed AS (SELECT d.event_seq, d.url, d.header_names, d.body {RECOVERABLE} ORDER BY d.event_seq)
                     INSERT INTO deliveries (event_seq, webhook_id, kind, url, header_names, body, state, max_attempts, next_attempt_at, created_at)
                     SELECT event_seq, $1, 'resend', url, header_names, body, 'pending', $4, $5, $5 FROM failed ORDER BY event_seq
                     RETURNING id"
                ),
                &[&webhook, &since, &until, &max_attempts, &now],
            )
            .await
            .map_err(pg_error)?;
        there_is_work(&tx).await?;
        tx.commit().await.map_err(pg_error)?;
        let mut ids: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// How many events a recover of `webhook` over `[since, until)` would deliver again.
    pub async fn recoverable(&self, webhook: &str, since: i64, until: i64) -> Result<u64> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client.query_one(&format!("SELECT COUNT(*) {RECOVERABLE}"), &[&webhook, &since, &until]).await.map_err(pg_error)?;
        Ok(row.get::<_, i64>(0).max(0) as u64)
    }

    /// How a recover's deliveries `first..=last` stand: (succeeded, failed, pending).
    pub async fn batch_states(&self, webhook: &str, first: i64, last: i64) -> Result<(u64, u64, u64)> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client
            .query_one(
                "SELECT COUNT(*) FILTER (WHERE state = 'succeeded'), COUNT(*) FILTER (WHERE state = 'failed'),
                        COUNT(*) FILTER (WHERE state = 'pending')
                 FROM deliveries WHERE id BETWEEN $2 AND $3 AND webhook_id = $1 AND kind = 'resend'",
                &[&webhook, &first, &last],
            )
            .await
            .map_err(pg_error)?;
        let n = |i: usize| row.get::<_, i64>(i).max(0) as u64;
        Ok((n(0), n(1), n(2)))
    }

    /// Takes back a recover's deliveries `first..=last` that no worker holds: one never
    /// attempted goes, one waiting for a retry ends failed (so a later recover finds its
    /// event again); the ones under way finish. Returns how many were taken back.
    pub async fn withdraw(&self, webhook: &str, first: i64, last: i64, now: i64) -> Result<u64> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        const MINE: &str = "id BETWEEN $2 AND $3 AND webhook_id = $1 AND kind = 'resend' AND state = 'pending' \
                            AND (lease_until IS NULL OR lease_until < $4)";
        let deleted = tx
            .execute(&format!("DELETE FROM deliveries WHERE {MINE} AND attempts_made = 0"), &[&webhook, &first, &last, &now])
            .await
            .map_err(pg_error)?;
        let failed = tx
            .execute(&format!("UPDATE deliveries SET state = 'failed', ended_at = $4 WHERE {MINE}"), &[&webhook, &first, &last, &now])
            .await
            .map_err(pg_error)?;
        tx.commit().await.map_err(pg_error)?;
        Ok(deleted + failed)
    }

    /// The attempts (Tests aside) made from `from` on, of one webhook or of all deliveries,
    /// counted by the start of their `step`, their duration and their result:
    /// `(step start, duration ms, succeeded, how many)`, what the health figures come from.
    pub async fn attempt_counts(&self, webhook: Option<&str>, from: i64, step: i64) -> Result<Vec<(i64, u64, bool, u64)>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let rows = client
            .query(
                "SELECT executed_at - executed_at % $3, duration_ms, result = 'success', COUNT(*) FROM attempts
                 WHERE executed_at >= $2 AND NOT test AND ($1::text IS NULL OR webhook_id = $1)
                 GROUP BY 1, 2, 3",
                &[&webhook, &from, &step],
            )
            .await
            .map_err(pg_error)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get::<_, i64>(1).max(0) as u64, r.get(2), r.get::<_, i64>(3).max(0) as u64)).collect())
    }

    /// How many deliveries wait (pending), of one webhook or of all.
    pub async fn pending_count(&self, webhook: Option<&str>) -> Result<u64> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client
            .query_one("SELECT COUNT(*) FROM deliveries WHERE state = 'pending' AND ($1::text IS NULL OR webhook_id = $1)", &[&webhook])
            .await
            .map_err(pg_error)?;
        Ok(row.get::<_, i64>(0).max(0) as u64)
    }

    /// Accepts a direct delivery (no webhook): its event, the delivery and its header values
    /// sealed with `key`, in one transaction; the delivery's id.
    #[allow(clippy::too_many_arguments)]
    pub async fn accept_direct(
        &self,
        key: &SecretKey,
        event: &EventRow,
        url: &str,
        header_names: &str,
        body: &str,
        max_attempts: i32,
        secrets: &[(String, String)],
    ) -> Result<i64> {
        let now = event.accepted_at;
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let seq = insert_event(&tx, event).await?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO deliveries (event_seq, kind, url, header_names, body, state, max_attempts, next_attempt_at, created_at)
                 VALUES ($1, 'direct', $2, $3, $4, 'pending', $5, $6, $6) RETURNING id",
                &[&seq, &url, &header_names, &body, &max_attempts, &now],
            )
            .await
            .map_err(pg_error)?
            .get(0);
        for (account, value) in secrets {
            tx.execute(UPSERT_SECRET, &[account, &key.seal(account, value), &now]).await.map_err(pg_error)?;
        }
        there_is_work(&tx).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(id)
    }

    /// Deletes these secrets (a direct delivery's header values once it has ended).
    pub async fn delete_secrets(&self, accounts: &[String]) -> Result<()> {
        let client = self.pool.get().await.map_err(pool_error)?;
        client.execute("DELETE FROM secrets WHERE account = ANY($1)", &[&accounts]).await.map_err(pg_error)?;
        Ok(())
    }

    /// Adds a webhook (its header values and secrets are stored sealed, apart).
    pub async fn insert_webhook(&self, w: &WebhookRow) -> Result<()> {
        let client = self.pool.get().await.map_err(pool_error)?;
        write_webhook(&client, &format!("INSERT INTO webhooks ({WEBHOOK_COLUMNS}) VALUES {WEBHOOK_VALUES}"), w).await
    }

    /// Writes an import in one transaction, so that it lands whole or not at all: custom
    /// event types (name, description, sample), webhooks (added, or replaced by id), and
    /// secrets, sealed with `key` (`None` deletes one).
    pub async fn import(
        &self,
        key: &SecretKey,
        event_types: &[(String, String, String)],
        webhooks: &[WebhookRow],
        secrets: &[(String, Option<String>)],
        now: i64,
    ) -> Result<()> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        for (name, description, sample) in event_types {
            tx.execute(
                "INSERT INTO event_types (name, description, sample, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (name) DO UPDATE SET description = excluded.description, sample = excluded.sample",
                &[name, description, sample, &now],
            )
            .await
            .map_err(pg_error)?;
        }
        let upsert = format!(
            "INSERT INTO webhooks ({WEBHOOK_COLUMNS}) VALUES {WEBHOOK_VALUES}
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url, description = excluded.description,
                 events = excluded.events, filters = excluded.filters, header_names = excluded.header_names,
                 delivery = excluded.delivery, status = excluded.status, status_reason = excluded.status_reason,
                 consecutive_failures = excluded.consecutive_failures,
                 previous_secret_until = excluded.previous_secret_until, updated_at = excluded.updated_at"
        );
        for w in webhooks {
            write_webhook(&tx, &upsert, w).await?;
        }
        for (account, value) in secrets {
            match value {
                Some(value) => tx.execute(UPSERT_SECRET, &[account, &key.seal(account, value), &now]).await,
                None => tx.execute(DELETE_SECRET, &[account]).await,
            }
            .map_err(pg_error)?;
        }
        tx.commit().await.map_err(pg_error)
    }

    /// The custom event types, by name.
    pub async fn event_types(&self) -> Result<Vec<crate::model::event_type::EventType>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let rows = client.query("SELECT name, description, sample FROM event_types ORDER BY name", &[]).await.map_err(pg_error)?;
        rows.iter().map(|r| crate::store::event_types::custom(r.get(0), r.get(1), r.get(2))).collect()
    }

    /// Every webhook, by code.
    pub async fn webhooks(&self) -> Result<Vec<WebhookRow>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let rows = client.query(&format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks ORDER BY code"), &[]).await.map_err(pg_error)?;
        rows.iter().map(webhook_from).collect()
    }

    /// A webhook by its id or its code; an id wins over a code spelled the same.
    pub async fn webhook(&self, id_or_code: &str) -> Result<Option<WebhookRow>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client
            .query_opt(
                &format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1 OR code = $1 ORDER BY id = $1 DESC LIMIT 1"),
                &[&id_or_code],
            )
            .await
            .map_err(pg_error)?;
        row.as_ref().map(webhook_from).transpose()
    }

    /// A page of the attempts that match, newest first, and how many match in all: the same
    /// rows, filters and fields as the local logs ([`crate::store::logs`]), from any worker.
    pub async fn attempts_page(&self, scope: &LogScope, filter: &LogFilter, limit: u32, offset: u32) -> Result<(Vec<Attempt>, u64)> {
        use crate::store::logs::{Dialect, FROM, FULL_COLUMNS, attempts_where};
        let (filter_sql, mut params) = attempts_where(scope, filter, Dialect::Postgres);
        let count_sql = numbered(&format!("SELECT COUNT(*) {FROM} {filter_sql}"), &params);
        params.push(rusqlite::types::Value::Integer(i64::from(limit)));
        params.push(rusqlite::types::Value::Integer(i64::from(offset)));
        let page_sql = numbered(&format!("SELECT {} {FROM} {filter_sql} ORDER BY a.id DESC LIMIT ? OFFSET ?", *FULL_COLUMNS), &params);
        let values: Vec<PgParam> = params.into_iter().map(pg_value).collect();
        let filters = values.len() - 2;
        let client = self.pool.get().await.map_err(pool_error)?;
        let total: i64 = client.query_one(&count_sql, &param_refs(&values[..filters])).await.map_err(pg_error)?.get(0);
        let rows = client.query(&page_sql, &param_refs(&values)).await.map_err(pg_error)?;
        let attempts = rows.iter().map(attempt_from).collect::<Result<Vec<_>>>()?;
        Ok((attempts, total.max(0) as u64))
    }

    /// These attempts with their requests and responses, newest first; one that is gone is
    /// left out.
    pub async fn attempts_by_id(&self, ids: &[i64]) -> Result<Vec<Attempt>> {
        use crate::store::logs::{FROM, FULL_COLUMNS};
        let client = self.pool.get().await.map_err(pool_error)?;
        let sql = format!("SELECT {} {FROM} WHERE a.id = ANY($1) ORDER BY a.id DESC", *FULL_COLUMNS);
        client.query(&sql, &[&ids]).await.map_err(pg_error)?.iter().map(attempt_from).collect()
    }

    /// Removes a custom event type; `false` when there is none of that name.
    pub async fn delete_event_type(&self, name: &str) -> Result<bool> {
        let client = self.pool.get().await.map_err(pool_error)?;
        Ok(client.execute("DELETE FROM event_types WHERE name = $1", &[&name]).await.map_err(pg_error)? > 0)
    }

    /// The Logs list's rows that match, newest first (the local logs' rows and filters).
    pub async fn attempt_summaries(&self, scope: &LogScope, filter: &LogFilter, limit: u32, offset: u32) -> Result<Vec<AttemptSummary>> {
        use crate::store::logs::{Dialect, FROM, SUMMARY_COLUMNS, attempts_where};
        let (filter_sql, mut params) = attempts_where(scope, filter, Dialect::Postgres);
        params.push(rusqlite::types::Value::Integer(i64::from(limit)));
        params.push(rusqlite::types::Value::Integer(i64::from(offset)));
        let sql = format!("SELECT {} {FROM} {filter_sql} ORDER BY a.id DESC LIMIT ? OFFSET ?", *SUMMARY_COLUMNS);
        self.query_shared_sql(&sql, params).await?.iter().map(summary_from).collect()
    }

    /// How many attempts match.
    pub async fn count_attempts(&self, scope: &LogScope, filter: &LogFilter) -> Result<u64> {
        use crate::store::logs::{Dialect, FROM, attempts_where};
        let (filter_sql, params) = attempts_where(scope, filter, Dialect::Postgres);
        let rows = self.query_shared_sql(&format!("SELECT COUNT(*) {FROM} {filter_sql}"), params).await?;
        Ok(rows.first().map_or(0, |r| r.get::<_, i64>(0)).max(0) as u64)
    }

    /// One attempt with its request and response, and every attempt of its delivery (oldest
    /// first), read from one snapshot.
    pub async fn attempt_detail(&self, id: i64) -> Result<Option<(Attempt, Vec<AttemptSummary>)>> {
        use crate::store::logs::{FROM, FULL_COLUMNS, SUMMARY_COLUMNS};
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.build_transaction().read_only(true).isolation_level(tokio_postgres::IsolationLevel::RepeatableRead);
        let tx = tx.start().await.map_err(pg_error)?;
        let row = tx.query_opt(&format!("SELECT {} {FROM} WHERE a.id = $1", *FULL_COLUMNS), &[&id]).await.map_err(pg_error)?;
        let Some(row) = row else { return Ok(None) };
        let attempt = attempt_from(&row)?;
        let delivery = attempt.summary.delivery_id.0;
        let rows = tx
            .query(&format!("SELECT {} {FROM} WHERE a.delivery_id = $1 ORDER BY a.id", *SUMMARY_COLUMNS), &[&delivery])
            .await
            .map_err(pg_error)?;
        let of_delivery = rows.iter().map(summary_from).collect::<Result<Vec<_>>>()?;
        tx.commit().await.map_err(pg_error)?;
        Ok(Some((attempt, of_delivery)))
    }

    /// Each webhook's newest attempt (Tests aside) and how many of its deliveries are still
    /// pending: the panel's activity columns.
    pub async fn activity(&self) -> Result<(Vec<AttemptSummary>, Vec<(WebhookId, u64)>)> {
        use crate::store::logs::{FROM, SUMMARY_COLUMNS};
        let client = self.pool.get().await.map_err(pool_error)?;
        let latest = format!(
            "SELECT {} {FROM} WHERE a.id IN (SELECT (SELECT MAX(id) FROM attempts x WHERE x.webhook_id = wh.id AND NOT x.test) FROM webhooks wh)",
            *SUMMARY_COLUMNS
        );
        let pending = "SELECT webhook_id, COUNT(*) FROM deliveries WHERE state = 'pending' AND webhook_id IS NOT NULL GROUP BY webhook_id";
        let (latest, pending) = tokio::join!(client.query(&latest, &[]), client.query(pending, &[]));
        let latest = latest.map_err(pg_error)?.iter().map(summary_from).collect::<Result<Vec<_>>>()?;
        let pending = pending.map_err(pg_error)?.iter().map(|r| (WebhookId::stored(r.get(0)), r.get::<_, i64>(1).max(0) as u64)).collect();
        Ok((latest, pending))
    }

    /// Deliveries waiting for their first attempt, newest first, as PENDING log rows, and how
    /// many there are (one snapshot).
    pub async fn queued(&self, scope: &LogScope, filter: &LogFilter, limit: u32) -> Result<(Vec<AttemptSummary>, u64)> {
        use crate::store::logs::{Dialect, QUEUED_COLUMNS, QUEUED_FROM_PG, queued_row, queued_where};
        let Some((clause, mut params)) = queued_where(scope, filter, Dialect::Postgres) else { return Ok((vec![], 0)) };
        let count_sql = numbered(&format!("SELECT COUNT(*) {QUEUED_FROM_PG} WHERE {clause}"), &params);
        params.push(rusqlite::types::Value::Integer(i64::from(limit)));
        let sql = numbered(&format!("SELECT {} {QUEUED_FROM_PG} WHERE {clause} ORDER BY d.id DESC LIMIT ?", *QUEUED_COLUMNS), &params);
        let values: Vec<PgParam> = params.into_iter().map(pg_value).collect();
        let filters = values.len() - 1;
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.build_transaction().read_only(true).isolation_level(tokio_postgres::IsolationLevel::RepeatableRead);
        let tx = tx.start().await.map_err(pg_error)?;
        let rows = tx.query(&sql, &param_refs(&values)).await.map_err(pg_error)?;
        let total: i64 = tx.query_one(&count_sql, &param_refs(&values[..filters])).await.map_err(pg_error)?.get(0);
        tx.commit().await.map_err(pg_error)?;
        let rows = rows
            .iter()
            .map(|r| {
                let kind: String = r.get(7);
                Ok(queued_row(
                    crate::model::DeliveryId(r.get(0)),
                    r.get(1),
                    r.get(2),
                    r.get::<_, Option<String>>(3).map(WebhookId::stored),
                    r.get(4),
                    r.get::<_, i32>(5).max(0) as u32,
                    r.get(6),
                    DeliveryKind::parse(&kind).ok_or_else(|| unknown("delivery kind", &kind))?,
                    r.get(8),
                    r.get(9),
                    match r.get::<_, Option<String>>(10) {
                        Some(summary) => summary,
                        None => crate::model::payload_summary::payload_summary(&r.get::<_, Option<String>>(11).unwrap_or_default()),
                    },
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((rows, total.max(0) as u64))
    }

    /// Each webhook's attempts (Tests aside) from `from` on, hour by hour:
    /// `(webhook, hour start, succeeded, failed)`, the list's health bars.
    pub async fn hourly_per_webhook(&self, from: i64) -> Result<Vec<(WebhookId, i64, u64, u64)>> {
        const HOUR: i64 = 3_600_000;
        let client = self.pool.get().await.map_err(pool_error)?;
        let rows = client
            .query(
                "SELECT webhook_id, executed_at - executed_at % $2, COUNT(*) FILTER (WHERE result = 'success'),
                        COUNT(*) FILTER (WHERE result <> 'success')
                 FROM attempts WHERE executed_at >= $1 AND webhook_id IS NOT NULL AND NOT test GROUP BY 1, 2",
                &[&from, &HOUR],
            )
            .await
            .map_err(pg_error)?;
        Ok(rows
            .iter()
            .map(|r| (WebhookId::stored(r.get(0)), r.get(1), r.get::<_, i64>(2).max(0) as u64, r.get::<_, i64>(3).max(0) as u64))
            .collect())
    }

    /// Marks that move whenever the configuration, the queue or the logs change (newest
    /// attempt, newest delivery, pending deliveries, webhooks and their last change, custom
    /// types): what a window compares to know it must read again. Each is read through an index.
    pub async fn change_marks(&self) -> Result<Vec<i64>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client
            .query_one(
                "SELECT COALESCE((SELECT MAX(id) FROM attempts), 0), COALESCE((SELECT MAX(id) FROM deliveries), 0),
                    (SELECT COUNT(*) FROM deliveries WHERE state = 'pending'), (SELECT COUNT(*) FROM webhooks),
                    COALESCE((SELECT MAX(updated_at) FROM webhooks), 0), (SELECT COUNT(*) FROM event_types)",
                &[],
            )
            .await
            .map_err(pg_error)?;
        Ok((0..6).map(|i| row.get::<_, i64>(i)).collect())
    }

    /// Pauses or disables an active webhook from the engine's side (consecutive failures,
    /// 410 Gone); `false` when it was not active (another worker switched it off first).
    pub async fn switch_off(&self, webhook: &str, status: WebhookStatus, reason: &str, now: i64) -> Result<bool> {
        let client = self.pool.get().await.map_err(pool_error)?;
        switch_off(&client, webhook, status, reason, now).await
    }

    /// Switches a paused or disabled webhook on again with its failure count reset; its held
    /// deliveries go, in order, on whichever workers claim them. `false` when it was active.
    pub async fn resume(&self, webhook: &str, now: i64) -> Result<bool> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let n = tx
            .execute(
                "UPDATE webhooks SET status = 'active', status_reason = NULL, consecutive_failures = 0, updated_at = $2
                 WHERE id = $1 AND status <> 'active'",
                &[&webhook, &now],
            )
            .await
            .map_err(pg_error)?;
        there_is_work(&tx).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(n == 1)
    }

    /// What a worker needs to attempt a delivery: its row, with the body it sends (stored,
    /// or built from its event and webhook).
    pub async fn delivery(&self, id: i64) -> Result<Option<DeliveryRow>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client.query_opt(&format!("SELECT {DELIVERY_COLUMNS} {DELIVERY_FROM}"), &[&id]).await.map_err(pg_error)?;
        row.map(|r| delivery_from(&r, 0)).transpose()
    }

    /// A delivery and its webhook as configured now (`None`: a direct delivery, or a webhook
    /// deleted since), in one round trip: what a worker reads before an attempt.
    pub async fn delivery_and_webhook(&self, id: i64) -> Result<Option<(DeliveryRow, Option<WebhookRow>)>> {
        static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let sql = SQL.get_or_init(|| {
            let webhook: Vec<String> = WEBHOOK_COLUMNS.split(',').map(|c| format!("w.{}", c.trim())).collect();
            format!("SELECT {}, {DELIVERY_COLUMNS} {DELIVERY_FROM}", webhook.join(", "))
        });
        let client = self.pool.get().await.map_err(pool_error)?;
        let Some(r) = cq_opt(&client, sql, &[&id]).await.map_err(pg_error)? else {
            return Ok(None);
        };
        let columns = WEBHOOK_COLUMNS.split(',').count();
        let w = match r.get::<_, Option<&str>>(0) {
            Some(_) => Some(webhook_from(&r)?),
            None => None,
        };
        Ok(Some((delivery_from(&r, columns)?, w)))
    }

    /// Hands back a delivery `worker` holds without attempting it (its webhook was switched
    /// off meanwhile, or its secrets cannot be opened): it waits in the queue for any worker.
    pub async fn release(&self, worker: &str, delivery: i64) -> Result<()> {
        let client = self.pool.get().await.map_err(pool_error)?;
        client
            .execute("UPDATE deliveries SET leased_by = NULL, lease_until = NULL WHERE id = $1 AND leased_by = $2", &[&delivery, &worker])
            .await
            .map_err(pg_error)?;
        Ok(())
    }

    /// The schema version the database is at (0 before the first migration).
    pub async fn version(&self) -> Result<i32> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let exists: bool = client.query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[]).await.map_err(pg_error)?.get(0);
        if !exists {
            return Ok(0);
        }
        let row = client.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[]).await.map_err(pg_error)?;
        Ok(row.get(0))
    }

    /// The tables of the public schema, sorted (what a migration made).
    pub async fn tables(&self) -> Result<Vec<String>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let rows = client
            .query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1", &[])
            .await
            .map_err(pg_error)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}

/// The answer for an event id accepted before: its first acceptance's deliveries, or an
/// error when the id was used for other content.
async fn accepted_before(tx: &deadpool_postgres::Transaction<'_>, event: &EventRow) -> Result<AcceptedEvent> {
    let first = tx.query_one("SELECT seq, fingerprint FROM events WHERE id = $1", &[&event.id]).await.map_err(pg_error)?;
    let (seq, fingerprint): (i64, String) = (first.get(0), first.get(1));
    if fingerprint != event.fingerprint {
        return Err(crate::store::events::reused_id(&event.id));
    }
    let rows = tx
        .query(
            "SELECT d.id, COALESCE(w.code, '') FROM deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id
             WHERE d.event_seq = $1 AND d.kind IN ('event', 'direct') ORDER BY d.id",
            &[&seq],
        )
        .await
        .map_err(pg_error)?;
    Ok(AcceptedEvent { seq, deliveries: rows.iter().map(|r| (r.get(0), r.get(1))).collect(), duplicate: true })
}

/// The group-commit writer: takes every event waiting (up to [`ACCEPT_BATCH`]), writes them
/// in one transaction, in the order they came, and answers each once it is committed. An id
/// repeated within a batch waits for the next one, so that it is answered as a repeat.
async fn group_commit(pool: Pool, mut queue: tokio::sync::mpsc::Receiver<AcceptRequest>) {
    let mut held: std::collections::VecDeque<AcceptRequest> = std::collections::VecDeque::new();
    loop {
        if held.is_empty() {
            match queue.recv().await {
                Some(r) => held.push_back(r),
                None => return,
            }
        }
        // Callers answered by the last commit are sending their next events: a few yields let
        // them join this batch instead of waiting a whole commit for the next one.
        for round in 0..4 {
            let before = held.len();
            while held.len() < ACCEPT_BATCH
                && let Ok(r) = queue.try_recv()
            {
                held.push_back(r);
            }
            if (round > 0 && held.len() == before) || held.len() >= ACCEPT_BATCH {
                break;
            }
            tokio::task::yield_now().await;
        }
        let mut batch: Vec<AcceptRequest> = Vec::with_capacity(held.len());
        let mut ids = std::collections::HashSet::new();
        let mut later = std::collections::VecDeque::new();
        for r in held.drain(..) {
            if batch.len() < ACCEPT_BATCH && ids.insert(r.event.id.clone()) { batch.push(r) } else { later.push_back(r) }
        }
        held = later;
        match accept_batch(&pool, &batch).await {
            Ok(answers) => {
                for (r, answer) in batch.into_iter().zip(answers) {
                    let _ = r.reply.send(answer);
                }
            }
            // Nothing of the batch was written: each goes again alone, for an answer of its own.
            Err(e) if batch.len() == 1 => {
                let _ = batch.pop().map(|r| r.reply.send(Err(e)));
            }
            Err(_) => {
                for r in batch {
                    let answer = match accept_batch(&pool, std::slice::from_ref(&r)).await {
                        Ok(mut answers) => answers.pop().expect("one answer for one event"),
                        Err(e) => Err(e),
                    };
                    let _ = r.reply.send(answer);
                }
            }
        }
    }
}

/// Writes a batch of events (distinct ids) and their deliveries in one transaction: a fixed
/// number of statements for the whole batch, plus one look-up per id accepted before.
/// Sequence numbers and delivery ids follow the batch's order.
async fn accept_batch(pool: &Pool, batch: &[AcceptRequest]) -> Result<Vec<Result<AcceptedEvent>>> {
    let mut client = pool.get().await.map_err(pool_error)?;
    let tx = client.transaction().await.map_err(pg_error)?;
    let col = |f: fn(&EventRow) -> Option<&str>| batch.iter().map(|r| f(&r.event)).collect::<Vec<_>>();
    let num = |f: fn(&EventRow) -> i64| batch.iter().map(|r| f(&r.event)).collect::<Vec<_>>();
    // An id a concurrent transaction is inserting is waited for, then left out (a repeat).
    let inserted: HashMap<String, i64> = cq(
        &tx,
        "INSERT INTO events (id, type, occurred_at, data, workflow, survey, grp, fingerprint, accepted_at, summary)
         SELECT id, type, occurred_at, data, workflow, survey, grp, fingerprint, accepted_at, summary
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::bigint[], $10::text[])
              WITH ORDINALITY AS e(id, type, occurred_at, data, workflow, survey, grp, fingerprint, accepted_at, summary, ord)
         ORDER BY ord
         ON CONFLICT (id) DO NOTHING RETURNING id, seq",
        &[
            &col(|e| Some(e.id.as_str())),
            &col(|e| Some(e.event_type.as_str())),
            &num(|e| e.occurred_at),
            &col(|e| Some(e.data.as_str())),
            &col(|e| e.workflow.as_deref()),
            &col(|e| e.survey.as_deref()),
            &col(|e| e.group.as_deref()),
            &col(|e| Some(e.fingerprint.as_str())),
            &num(|e| e.accepted_at),
            &col(|e| Some(e.summary.as_str())),
        ],
    )
    .await
    .map_err(pg_error)?
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    let (mut seqs, mut webhooks, mut attempts, mut times) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in batch {
        if let Some(seq) = inserted.get(&r.event.id) {
            for (webhook, max_attempts) in &r.deliveries {
                seqs.push(*seq);
                webhooks.push(webhook.as_str());
                attempts.push(*max_attempts);
                times.push(r.now);
            }
        }
    }
    let mut made: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    if !seqs.is_empty() {
        // A webhook deleted since the deliveries were planned gets none.
        let rows = cq(
            &tx,
            "WITH made AS (
                 INSERT INTO deliveries (event_seq, webhook_id, kind, state, max_attempts, next_attempt_at, created_at)
                 SELECT d.seq, w.id, 'event', 'pending', d.max_attempts, d.now, d.now
                 FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[])
                      WITH ORDINALITY AS d(seq, webhook_id, max_attempts, now, ord)
                 JOIN webhooks w ON w.id = d.webhook_id
                 ORDER BY d.ord
                 RETURNING id, event_seq, webhook_id)
             SELECT made.id, made.event_seq, w.code FROM made JOIN webhooks w ON w.id = made.webhook_id ORDER BY made.id",
            &[&seqs, &webhooks, &attempts, &times],
        )
        .await
        .map_err(pg_error)?;
        for r in rows {
            made.entry(r.get(1)).or_default().push((r.get(0), r.get(2)));
        }
        there_is_work(&tx).await?;
    }
    let mut answers = Vec::with_capacity(batch.len());
    for r in batch {
        answers.push(match inserted.get(&r.event.id) {
            Some(&seq) => Ok(AcceptedEvent { seq, deliveries: made.remove(&seq).unwrap_or_default(), duplicate: false }),
            None => match accepted_before(&tx, &r.event).await {
                // A reused id is that event's answer; the others still commit.
                Err(e @ Error::Conflict(_)) => Err(e),
                // A database error fails the batch, and each goes again alone.
                other => Ok(other?),
            },
        });
    }
    tx.commit().await.map_err(pg_error)?;
    Ok(answers)
}
