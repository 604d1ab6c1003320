//! The PostgreSQL store of team mode: a pool of connections to one database that several
//! workers and desktops share, and its schema, migrated once however many of them start at
//! the same moment (the migrations run in one transaction under an advisory lock). Step 2 of
//! team mode (issue 12): the engine does not run on it yet; events are accepted and attempts
//! recorded here (step 3), a worker loop that drives them comes next. The queue is leased: a worker
//! claims due deliveries under a lock of their webhooks (`FOR UPDATE SKIP LOCKED`), so a
//! sequential webhook has one leased at a time and a parallel one at most its concurrency.

use crate::error::{Error, Result};
use crate::sealed::SecretKey;
use crate::store::events::EventRow;
use deadpool_postgres::GenericClient;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use sha2::Digest;
use tokio_postgres::NoTls;
use zeroize::Zeroizing;

/// The schema's versions, in order.
pub const MIGRATIONS: &[(i32, &str)] =
    &[(1, include_str!("../../migrations/pg/0001_schema.sql")), (2, include_str!("../../migrations/pg/0002_leases.sql"))];

/// The active webhooks with a due, unleased delivery, each with how many more of its
/// deliveries may be leased now (1 for a sequential one, its concurrency for a parallel one,
/// less those leased), locked for this claim: a worker claiming at the same time skips them,
/// so the limits hold across workers. ($1 now.)
const CLAIMABLE_WEBHOOKS: &str = "
    SELECT w.id,
           CASE WHEN (w.delivery::jsonb ->> 'ordering') = 'sequential' THEN 1
                ELSE GREATEST(1, COALESCE((w.delivery::jsonb ->> 'concurrency')::int, 1)) END
           - (SELECT COUNT(*) FROM deliveries l WHERE l.webhook_id = w.id AND l.state = 'pending' AND l.lease_until >= $1)::int,
           (w.delivery::jsonb ->> 'ordering') = 'sequential'
    FROM webhooks w
    WHERE w.status = 'active'
      AND EXISTS (SELECT 1 FROM deliveries d WHERE d.webhook_id = w.id AND d.state = 'pending' AND d.next_attempt_at <= $1
                  AND (d.lease_until IS NULL OR d.lease_until < $1))
    ORDER BY w.id
    FOR UPDATE OF w SKIP LOCKED";

/// A webhook's due, unleased deliveries, oldest first. ($1 now, $2 the webhook, $3 how many.)
const DUE_OF_WEBHOOK: &str = "
    SELECT id FROM deliveries
    WHERE webhook_id = $2 AND state = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
    ORDER BY next_attempt_at, id LIMIT $3";

/// A sequential webhook's next delivery: its oldest pending one, due or not. ($1 the webhook.)
const HEAD_OF_WEBHOOK: &str = "SELECT id, next_attempt_at FROM deliveries WHERE webhook_id = $1 AND state = 'pending' ORDER BY id LIMIT 1";

/// Direct deliveries due and unleased, skipping those another worker is claiming. ($1 now, $2 how many.)
const DUE_DIRECT: &str = "
    SELECT id FROM deliveries
    WHERE webhook_id IS NULL AND state = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
    ORDER BY next_attempt_at, id LIMIT $2
    FOR UPDATE SKIP LOCKED";

/// The advisory lock the migrations run under: "hookdesk" read as a number.
const MIGRATION_LOCK: i64 = 0x686f_6f6b_6465_736b;

/// Connections at most, per process.
const POOL_SIZE: usize = 16;

/// A PostgreSQL failure in words: the server's own message when it sent one.
fn pg_error(e: tokio_postgres::Error) -> Error {
    match e.as_db_error() {
        Some(db) => Error::Database(format!("The team database refused: {} ({}).", db.message(), db.code().code())),
        None => Error::Unavailable(format!("The team database cannot be reached: {e}.")),
    }
}

fn pool_error(e: deadpool_postgres::PoolError) -> Error {
    match e {
        deadpool_postgres::PoolError::Backend(e) => pg_error(e),
        other => Error::Unavailable(format!("The team database cannot be reached: {other}.")),
    }
}

/// The team database.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// For connections of their own (a listener holds one for as long as it listens).
    config: tokio_postgres::Config,
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
            c.execute(
                "UPDATE deliveries SET attempts_made = COALESCE($3, attempts_made), next_attempt_at = $4, leased_by = NULL, lease_until = NULL
                 WHERE id = $1 AND leased_by = $2 AND state = 'pending'",
                &[&delivery, &worker, &attempts_made, &at],
            )
            .await
        }
        AfterAttempt::Ended { succeeded, at } => {
            let state = if succeeded { "succeeded" } else { "failed" };
            c.execute(
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
            .build()
            .map_err(|e| Error::Unavailable(format!("The team database pool could not start: {e}.")))?;
        drop(pool.get().await.map_err(pool_error)?);
        Ok(Self { pool, config })
    }

    /// Applies the migrations this database lacks; returns how many. Workers that start
    /// together wait on one another: each version is applied once.
    pub async fn migrate(&self) -> Result<u32> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        // Held until the transaction ends, however it ends.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await.map_err(pg_error)?;
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
        let mut ids: Vec<i64> = Vec::new();
        for row in tx.query(CLAIMABLE_WEBHOOKS, &[&now]).await.map_err(pg_error)? {
            let (webhook, free, sequential): (String, i32, Option<bool>) = (row.get(0), row.get(1), row.get(2));
            let room = (limit - ids.len() as i64).min(i64::from(free));
            if room <= 0 {
                continue;
            }
            if sequential == Some(true) {
                // Only its oldest pending delivery may go, and only once it is due.
                if let Some(head) = tx.query_opt(HEAD_OF_WEBHOOK, &[&webhook]).await.map_err(pg_error)?
                    && head.get::<_, i64>(1) <= now
                {
                    ids.push(head.get(0));
                }
            } else {
                ids.extend(tx.query(DUE_OF_WEBHOOK, &[&now, &webhook, &room]).await.map_err(pg_error)?.iter().map(|r| r.get::<_, i64>(0)));
            }
        }
        let room = limit - ids.len() as i64;
        if room > 0 {
            ids.extend(tx.query(DUE_DIRECT, &[&now, &room]).await.map_err(pg_error)?.iter().map(|r| r.get::<_, i64>(0)));
        }
        tx.execute("UPDATE deliveries SET leased_by = $2, lease_until = $3 WHERE id = ANY($1)", &[&ids, &worker, &(now + lease_ms)])
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
        let rows = client
            .query(
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
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let result = if a.succeeded { "success" } else { "failed" };
        tx.execute(
            "INSERT INTO attempts (delivery_id, webhook_id, event_type, attempt, max_attempts, result, status_code, error_kind, error,
                                   duration_ms, executed_at, request_url, request_headers, response_headers, response_body, response_truncated)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            &[
                &delivery,
                &a.webhook_id,
                &a.event_type,
                &a.attempt,
                &a.max_attempts,
                &result,
                &a.status_code,
                &a.error_kind,
                &a.error,
                &a.duration_ms,
                &a.executed_at,
                &a.request_url,
                &a.request_headers,
                &a.response_headers,
                &a.response_body,
                &a.response_truncated,
            ],
        )
        .await
        .map_err(pg_error)?;
        let held = move_on(&tx, worker, delivery, Some(a.attempt), after).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(held)
    }

    /// Accepts an event: writes it and a delivery to each webhook of `deliveries` that still
    /// exists, in one transaction. An id accepted before answers the first acceptance's
    /// deliveries when the content is the same (its fingerprint), and is a conflict when it
    /// is not; two workers accepting one id at the same moment write it once.
    pub async fn accept_event(&self, event: &EventRow, deliveries: &[NewDelivery<'_>], now: i64) -> Result<AcceptedEvent> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        // Waits for a concurrent insert of the same id to commit, then does nothing.
        let inserted = tx
            .query_opt(
                "INSERT INTO events (id, type, occurred_at, data, workflow, survey, grp, fingerprint, accepted_at, summary)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING RETURNING seq",
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
        let Some(row) = inserted else {
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
            return Ok(AcceptedEvent { seq, deliveries: rows.iter().map(|r| (r.get(0), r.get(1))).collect(), duplicate: true });
        };
        let seq: i64 = row.get(0);
        let mut out = Vec::with_capacity(deliveries.len());
        for d in deliveries {
            let max_attempts = i32::try_from(d.max_attempts).unwrap_or(i32::MAX);
            // A webhook deleted since the deliveries were planned gets none.
            if let Some(r) = tx
                .query_opt(
                    "WITH made AS (
                         INSERT INTO deliveries (event_seq, webhook_id, kind, state, max_attempts, next_attempt_at, created_at)
                         SELECT $1, w.id, 'event', 'pending', $3, $4, $4 FROM webhooks w WHERE w.id = $2
                         RETURNING id, webhook_id)
                     SELECT made.id, w.code FROM made JOIN webhooks w ON w.id = made.webhook_id",
                    &[&seq, &d.webhook_id, &max_attempts, &now],
                )
                .await
                .map_err(pg_error)?
            {
                out.push((r.get(0), r.get(1)));
            }
        }
        tx.commit().await.map_err(pg_error)?;
        Ok(AcceptedEvent { seq, deliveries: out, duplicate: false })
    }

    /// Counts a delivery's end against its webhook, atomically across workers: a success
    /// resets its consecutive failures, a failure adds one, and the failure that reaches
    /// `pause_after` (0: never) pauses the webhook if it is active, with `reason`. Exactly
    /// one worker is told it paused it.
    pub async fn count_result(&self, webhook: &str, succeeded: bool, pause_after: i32, reason: &str, now: i64) -> Result<Counted> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let row = tx
            .query_opt(
                "UPDATE webhooks SET consecutive_failures = CASE WHEN $2 THEN 0 ELSE consecutive_failures + 1 END, updated_at = $3
                 WHERE id = $1 RETURNING consecutive_failures",
                &[&webhook, &succeeded, &now],
            )
            .await
            .map_err(pg_error)?
            .ok_or_else(|| Error::NotFound(format!("There is no webhook {webhook}.")))?;
        let consecutive_failures: i32 = row.get(0);
        let mut paused = false;
        if !succeeded && pause_after > 0 && consecutive_failures >= pause_after {
            paused = tx
                .execute(
                    "UPDATE webhooks SET status = 'paused', status_reason = $2, updated_at = $3 WHERE id = $1 AND status = 'active'",
                    &[&webhook, &reason, &now],
                )
                .await
                .map_err(pg_error)?
                == 1;
        }
        tx.commit().await.map_err(pg_error)?;
        Ok(Counted { consecutive_failures, paused })
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
        use futures_util::StreamExt;
        let channel = channel_name(channel)?.to_string();
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
        client.batch_execute(&format!("LISTEN {channel}")).await.map_err(pg_error)?;
        Ok(Listener { _client: client, rx })
    }

    /// Stores a secret sealed with `key` (never its plain value): a header value, a signing
    /// secret, the API token.
    pub async fn set_secret(&self, key: &SecretKey, account: &str, value: &str, now: i64) -> Result<()> {
        let sealed = key.seal(account, value);
        let client = self.pool.get().await.map_err(pool_error)?;
        client
            .execute(
                "INSERT INTO secrets (account, sealed, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (account) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
                &[&account, &sealed, &now],
            )
            .await
            .map_err(pg_error)?;
        Ok(())
    }

    /// A secret, opened with `key`; `None` when there is none. A key that does not open it
    /// is an error that says so, and nothing is changed.
    pub async fn secret(&self, key: &SecretKey, account: &str) -> Result<Option<Zeroizing<String>>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client.query_opt("SELECT sealed FROM secrets WHERE account = $1", &[&account]).await.map_err(pg_error)?;
        row.map(|r| key.open(account, r.get::<_, &str>(0))).transpose()
    }

    pub async fn delete_secret(&self, account: &str) -> Result<()> {
        let client = self.pool.get().await.map_err(pool_error)?;
        client.execute("DELETE FROM secrets WHERE account = $1", &[&account]).await.map_err(pg_error)?;
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
