//! The PostgreSQL store of team mode: a pool of connections to one database that several
//! workers and desktops share, and its schema, migrated once however many of them start at
//! the same moment (the migrations run in one transaction under an advisory lock). Step 2 of
//! team mode (issue 12): the engine does not run on it yet. The queue is leased: a worker
//! claims due deliveries with `FOR UPDATE SKIP LOCKED`, one at a time for a sequential webhook.

use crate::error::{Error, Result};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

/// The schema's versions, in order.
pub const MIGRATIONS: &[(i32, &str)] =
    &[(1, include_str!("../../migrations/pg/0001_schema.sql")), (2, include_str!("../../migrations/pg/0002_leases.sql"))];

/// The due deliveries a worker may take now, oldest first: pending, due, not leased (or
/// their lease ran out), of an active webhook (or direct). Of a sequential webhook only its
/// oldest pending delivery, and only while no delivery of it is leased: one at a time across
/// all workers, in order. Rows another worker is claiming are skipped, not waited for.
/// ($1 now, $2 how many, $3 the worker, $4 the lease's end.)
const CLAIM: &str = "
    WITH due AS (
        SELECT d.id FROM deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.state = 'pending' AND d.next_attempt_at <= $1
          AND (d.lease_until IS NULL OR d.lease_until < $1)
          AND (d.webhook_id IS NULL OR w.status = 'active')
          AND (d.webhook_id IS NULL OR (w.delivery::jsonb ->> 'ordering') IS DISTINCT FROM 'sequential' OR (
                d.id = (SELECT MIN(x.id) FROM deliveries x WHERE x.webhook_id = d.webhook_id AND x.state = 'pending')
                AND NOT EXISTS (SELECT 1 FROM deliveries y WHERE y.webhook_id = d.webhook_id AND y.state = 'pending'
                                AND y.lease_until >= $1)))
        ORDER BY d.next_attempt_at, d.id
        LIMIT $2
        FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE deliveries SET leased_by = $3, lease_until = $4 FROM due WHERE deliveries.id = due.id
    RETURNING deliveries.id";

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
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/database`), and fails now, in the
    /// server's words, when it cannot be reached.
    pub async fn connect(url: &str) -> Result<Self> {
        let config: tokio_postgres::Config =
            url.parse().map_err(|e| Error::invalid("database_url", format!("'{url}' is not a PostgreSQL URL: {e}.")))?;
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|e| Error::Unavailable(format!("The team database pool could not start: {e}.")))?;
        drop(pool.get().await.map_err(pool_error)?);
        Ok(Self { pool })
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
    /// oldest first. Two workers claiming at once never get the same delivery.
    pub async fn claim_due(&self, worker: &str, now: i64, limit: i64, lease_ms: i64) -> Result<Vec<i64>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let rows = client.query(CLAIM, &[&now, &limit, &worker, &(now + lease_ms)]).await.map_err(pg_error)?;
        let mut ids: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// Ends a delivery `worker` holds: its attempts are over (`succeeded` or failed for
    /// good). `false` when the lease was no longer its own (it ran out and another took it).
    pub async fn finish(&self, worker: &str, delivery: i64, succeeded: bool, now: i64) -> Result<bool> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let state = if succeeded { "succeeded" } else { "failed" };
        let n = client
            .execute(
                "UPDATE deliveries SET state = $3, ended_at = $4, leased_by = NULL, lease_until = NULL
                 WHERE id = $1 AND leased_by = $2 AND state = 'pending'",
                &[&delivery, &worker, &state, &now],
            )
            .await
            .map_err(pg_error)?;
        Ok(n == 1)
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
