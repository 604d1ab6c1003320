//! Schema migrations, embedded in the program and applied at open. The schema version is
//! SQLite's `user_version`.

use crate::error::{Error, Result};
use rusqlite::Connection;

/// Each migration, in order; the version after applying `MIGRATIONS[i]` is `i + 1`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_config", include_str!("../../migrations/0001_config.sql")),
    ("0002_delivery", include_str!("../../migrations/0002_delivery.sql")),
    ("0003_event_summary", include_str!("../../migrations/0003_event_summary.sql")),
    ("0004_stats", concat!(include_str!("../../migrations/0004_stats.sql"), include_str!("../../migrations/stats_rebuild.sql"))),
];

pub fn current_version(conn: &Connection) -> Result<u32> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Applies the migrations the file lacks, each in its own transaction, up to `up_to`
/// (all when `None`). Refuses a file written by a newer Hookdesk.
pub fn apply(conn: &mut Connection, up_to: Option<u32>) -> Result<u32> {
    let latest = MIGRATIONS.len() as u32;
    let target = up_to.unwrap_or(latest).min(latest);
    let mut version = current_version(conn)?;
    if version > latest {
        return Err(Error::Database(format!(
            "This database was written by a newer Hookdesk (schema {version}, this one knows up to {latest}). Update Hookdesk or use another data directory."
        )));
    }
    while version < target {
        let (name, sql) = MIGRATIONS[version as usize];
        let tx = conn.transaction()?;
        tx.execute_batch(sql).map_err(|e| Error::Database(format!("Migration {name} failed: {e}")))?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
        version += 1;
    }
    let id: u32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if id != super::file::APPLICATION_ID {
        conn.pragma_update(None, "application_id", super::file::APPLICATION_ID)?;
    }
    Ok(version)
}
