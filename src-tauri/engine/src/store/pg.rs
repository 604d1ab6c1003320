//! The PostgreSQL store of team mode: a pool of connections to one database that several
//! workers and desktops share, and its schema, migrated once however many of them start at
//! the same moment (the migrations run in one transaction under an advisory lock). Step 2 of
//! team mode (issue 12): the engine does not run on it yet.

use crate::error::{Error, Result};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

/// The schema's versions, in order.
pub const MIGRATIONS: &[(i32, &str)] = &[(1, include_str!("../../migrations/pg/0001_schema.sql"))];

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
