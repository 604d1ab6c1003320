//! The database file before SQLite opens it for writing: whether it is ours, and how a new
//! one comes into being. Nothing here writes to a file that is not Hookdesk's: a foreign,
//! empty, damaged or newer file is refused with the file named and the next step.

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::io::Read;
use std::path::{Path, PathBuf};

/// `PRAGMA application_id` of every Hookdesk database ("HDK1"), so a file can say whose it is.
pub const APPLICATION_ID: u32 = 0x4844_4b31;
const MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// Tables every Hookdesk database has had since the first release: a file without an
/// application id that has them was written by Hookdesk before the id existed.
const OUR_TABLES: [&str; 3] = ["settings", "webhooks", "event_types"];

/// What is at the database path.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// Nothing: a new database will be created.
    Nothing,
    /// A Hookdesk database.
    Ours,
}

fn leave_it(path: &Path) -> String {
    format!(
        "Hookdesk changed nothing. Move {} away (or choose another data directory with --data-dir or HOOKDESK_DATA_DIR) to start with an empty database, or restore it from a backup.",
        path.display()
    )
}

/// The sentence for a file SQLite reports as damaged.
pub fn damaged(path: &Path, cause: &str) -> String {
    format!(
        "The database {} is damaged ({cause}). Hookdesk changed nothing; restore it from a backup, or move it and its -wal file away to start afresh (`sqlite3 {} .recover` may save what it holds).",
        path.display(),
        path.display()
    )
}

fn newer(path: &Path, version: u32, latest: u32) -> Error {
    Error::Database(format!(
        "The database {} was written by a newer Hookdesk (schema {version}, this one knows up to {latest}). Hookdesk changed nothing; update Hookdesk, or use another data directory.",
        path.display()
    ))
}

/// Looks at the file without writing to it and refuses what Hookdesk must not open.
pub fn inspect(path: &Path, latest: u32) -> Result<Found> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(Error::Io(format!("Cannot read {}: {e}.", path.display()))),
    };
    if !meta.is_file() {
        return Err(Error::Database(format!("{} is not a file. {}", path.display(), leave_it(path))));
    }
    if meta.len() == 0 {
        return Err(Error::Database(format!(
            "The database {} is empty (0 bytes): Hookdesk never leaves an empty database behind, so it was truncated or made by something else. {}",
            path.display(),
            leave_it(path)
        )));
    }
    let mut header = [0u8; 100];
    let read = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut header))
        .map_err(|e| Error::Io(format!("Cannot read {}: {e}.", path.display())))?;
    if read < header.len() || &header[..16] != MAGIC {
        return Err(Error::Database(format!("{} is not an SQLite database. {}", path.display(), leave_it(path))));
    }
    let be = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let (user_version, application_id) = (be(60), be(68));
    if application_id != APPLICATION_ID && application_id != 0 {
        return Err(foreign(path));
    }
    if user_version > latest {
        return Err(newer(path, user_version, latest));
    }
    if application_id == 0 && !has_our_tables(path)? {
        return Err(foreign(path));
    }
    Ok(Found::Ours)
}

fn foreign(path: &Path) -> Error {
    Error::Database(format!("{} is an SQLite database that Hookdesk did not create. {}", path.display(), leave_it(path)))
}

/// Whether a file without an application id holds Hookdesk's tables (read-only).
fn has_our_tables(path: &Path) -> Result<bool> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| Error::Database(format!("Cannot open the database {}: {e}", path.display())))?;
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| Error::Database(damaged(path, &e.to_string())))?;
    Ok(OUR_TABLES.iter().all(|t| names.iter().any(|n| n == t)))
}

/// The version recorded by SQLite itself once the file is open (the header can be behind
/// the write-ahead log); refuses a newer schema before anything is written.
pub fn check_version(conn: &Connection, path: &Path, latest: u32) -> Result<()> {
    let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| wrap(path, e.into()))?;
    if version > latest { Err(newer(path, version, latest)) } else { Ok(()) }
}

/// Where a new database is built before it takes its real name.
pub fn staging_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".new");
    path.with_file_name(name)
}

/// Creates `path` complete or not at all: the schema is built in a staging file that is
/// renamed into place, so a crash never leaves an empty or half-made database behind.
pub fn create(path: &Path, build: impl FnOnce(&mut Connection) -> Result<()>) -> Result<()> {
    let staging = staging_path(path);
    for leftover in [staging.clone(), with_suffix(&staging, "-wal"), with_suffix(&staging, "-shm"), with_suffix(&staging, "-journal")] {
        // A staging file is never acknowledged data: one left by a crash is started over.
        let _ = std::fs::remove_file(leftover);
    }
    private_file(&staging).map_err(|e| Error::Io(format!("Cannot create the database {}: {e}.", staging.display())))?;
    let mut conn =
        Connection::open(&staging).map_err(|e| Error::Database(format!("Cannot create the database {}: {e}", path.display())))?;
    build(&mut conn)?;
    conn.close().map_err(|(_, e)| Error::from(e))?;
    std::fs::rename(&staging, path).map_err(|e| Error::Io(format!("Cannot create the database {}: {e}.", path.display())))?;
    if let Some(dir) = path.parent() {
        // The rename itself must survive a power cut.
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

/// `path` with `suffix` appended to its file name (`hookdesk.db` → `hookdesk.db-wal`).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Creates an empty file readable by its owner only (SQLite gives its -wal and -shm files
/// the mode of the database file).
fn private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(|_| ())
}

/// Makes an existing file private to its owner (files made by earlier releases were 0644).
pub fn make_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
            && let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        {
            tracing::warn!("could not make {} private to its owner: {e}", path.display());
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Names the file in errors SQLite reports without it: a damaged file, a full disk.
pub fn wrap(path: &Path, e: Error) -> Error {
    match e {
        Error::Damaged(cause) => Error::Database(damaged(path, &cause)),
        Error::DiskFull(_) => Error::DiskFull(format!(
            "The disk holding {} is full, so Hookdesk could not save; nothing was changed. Free some space and try again.",
            path.display()
        )),
        other => other,
    }
}
