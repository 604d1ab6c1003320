//! SQLite storage: one writer thread that commits many requests in one transaction
//! (group commit, so durability does not cost one fsync per request), and a small pool of
//! reader connections. WAL mode, `synchronous=FULL`, foreign keys on.

pub mod attempts;
pub mod deliveries;
pub mod event_types;
pub mod events;
pub mod file;
pub mod logs;
pub mod migrations;
pub mod pg;
pub mod settings;
pub mod stats;
pub mod webhooks;

use crate::error::{Error, Result};
/// The connection the store's functions take, for callers that name it.
pub use rusqlite::Connection;
use rusqlite::OpenFlags;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// The most jobs one transaction takes; keeps a commit's latency bounded under load.
const MAX_BATCH: usize = 2048;
const READ_POOL_MAX: usize = 8;
/// The writer's page cache (negative: KiB), so hot index pages stay in memory.
const WRITER_CACHE_KIB: i64 = -32 * 1024;

/// A unit of work for the writer: runs inside the batch's transaction, answers after COMMIT.
trait WriteJob: Send {
    /// Runs the job; `false` means it failed and its changes must be rolled back.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Whether the job's commit must reach the disk before it is acknowledged.
    fn durable(&self) -> bool;
    /// Delivers the result once the transaction's fate is known.
    fn finish(self: Box<Self>, commit: Result<(), Error>);
}

/// Where a job's result goes once its transaction has committed (or failed).
enum Reply<R> {
    Async(oneshot::Sender<Result<R>>),
    Blocking(mpsc::SyncSender<Result<R>>),
    /// Nobody waits; a failure is logged under this description.
    Log(&'static str),
}

/// Runs in the writer thread right after the commit that made a job's changes durable, in
/// commit order: the delivery queue learns of new rows in the order they were accepted.
pub type AfterCommit<R> = Box<dyn FnOnce(&R) + Send>;

struct Job<R, F> {
    f: Option<F>,
    result: Option<Result<R>>,
    reply: Option<Reply<R>>,
    after: Option<AfterCommit<R>>,
    durable: bool,
}

impl<R: Send, F: FnOnce(&Connection) -> Result<R> + Send> WriteJob for Job<R, F> {
    fn run(&mut self, conn: &Connection) -> bool {
        let f = self.f.take().expect("a job runs once");
        let result = f(conn);
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn durable(&self) -> bool {
        self.durable
    }

    fn finish(mut self: Box<Self>, commit: Result<(), Error>) {
        let result = match (commit, self.result.take()) {
            (Ok(()), Some(r)) => r,
            (Err(e), Some(Ok(_))) => Err(e),
            (_, Some(Err(e))) => Err(e),
            (Err(e), None) => Err(e),
            (Ok(()), None) => Err(Error::Database("The write was not run.".into())),
        };
        if let (Ok(value), Some(after)) = (&result, self.after.take()) {
            after(value);
        }
        match self.reply.take() {
            Some(Reply::Async(tx)) => {
                let _ = tx.send(result);
            }
            Some(Reply::Blocking(tx)) => {
                let _ = tx.send(result);
            }
            Some(Reply::Log(what)) => {
                if let Err(e) = result {
                    tracing::error!("{what} could not be saved: {e}");
                }
            }
            None => {}
        }
    }
}

/// Handle to the database: cheap to clone.
#[derive(Clone)]
pub struct Db {
    shared: Arc<DbInner>,
}

struct DbInner {
    path: PathBuf,
    writer: Mutex<Option<mpsc::Sender<Box<dyn WriteJob>>>>,
    writer_thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// To tell when the last handle is dropped by the writer itself (an after-commit hook).
    writer_thread_id: std::thread::ThreadId,
    readers: Mutex<Vec<Connection>>,
    /// As many async reads at once as the pool keeps connections: a burst of reads (a
    /// restart with many queued deliveries) must not start a thread and a connection each.
    reads: tokio::sync::Semaphore,
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Statement and savepoint journals in memory, not in temporary files.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

fn set_wal(conn: &Connection) -> Result<()> {
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Database(format!("The database could not switch to WAL mode (it reports {mode}).")));
    }
    Ok(())
}

impl Db {
    /// Opens the database file, applies pending migrations and starts the writer thread. A
    /// missing file is created (complete, or not at all); a file that is not Hookdesk's, or
    /// is from a newer Hookdesk, is refused before anything is written to it.
    pub fn open(path: &Path) -> Result<Self> {
        let latest = migrations::MIGRATIONS.len() as u32;
        if file::inspect(path, latest)? == file::Found::Nothing {
            file::create(path, |conn| {
                configure(conn)?;
                set_wal(conn)?;
                migrations::apply(conn, None)?;
                Ok(())
            })?;
        }
        for suffix in ["", "-wal", "-shm"] {
            file::make_private(&file::with_suffix(path, suffix));
        }
        let opened = (|| {
            let mut conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| Error::Database(format!("Cannot open the database {}: {e}", path.display())))?;
            configure(&conn)?;
            file::check_version(&conn, path, latest)?;
            set_wal(&conn)?;
            // FULL: a commit is on disk before it is acknowledged, even across power loss. The
            // writer relaxes this per transaction for records nobody was promised (run_batch).
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
            migrations::apply(&mut conn, None)?;
            Ok(conn)
        })();
        let conn = opened.map_err(|e| file::wrap(path, e))?;
        let (tx, rx) = mpsc::channel::<Box<dyn WriteJob>>();
        let thread = std::thread::Builder::new()
            .name("hookdesk-db-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| Error::Io(format!("Cannot start the database writer: {e}")))?;
        Ok(Self {
            shared: Arc::new(DbInner {
                path: path.to_path_buf(),
                writer: Mutex::new(Some(tx)),
                writer_thread_id: thread.thread().id(),
                writer_thread: Mutex::new(Some(thread)),
                readers: Mutex::new(Vec::new()),
                reads: tokio::sync::Semaphore::new(READ_POOL_MAX),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    fn submit<R, F>(&self, f: F, reply: Reply<R>, after: Option<AfterCommit<R>>) -> Result<()>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
    {
        // Only writes nobody waits on may skip the fsync; see `write_detached`.
        let durable = !matches!(reply, Reply::Log(_));
        let job = Box::new(Job { f: Some(f), result: None, reply: Some(reply), after, durable });
        let sender = self.shared.writer.lock().expect("writer lock").clone();
        match sender {
            Some(s) if s.send(job).is_ok() => Ok(()),
            _ => Err(Error::Unavailable("The database is closed.".into())),
        }
    }

    /// Runs `f` inside the writer's transaction; resolves once the change is committed to disk.
    pub async fn write<R, F>(&self, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        self.submit(f, Reply::Async(tx), None)?;
        self.named(rx.await.map_err(|_| Error::Unavailable("The database writer stopped.".into()))?)
    }

    /// [`Db::write`], with `after` run in the writer thread once the change is durable and
    /// before any later write commits.
    pub async fn write_then<R, F>(&self, f: F, after: impl FnOnce(&R) + Send + 'static) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        self.submit(f, Reply::Async(tx), Some(Box::new(after)))?;
        self.named(rx.await.map_err(|_| Error::Unavailable("The database writer stopped.".into()))?)
    }

    /// [`Db::write`] for callers that may block their thread.
    pub fn write_blocking<R, F>(&self, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
    {
        let (tx, rx) = mpsc::sync_channel(1);
        self.submit(f, Reply::Blocking(tx), None)?;
        self.named(rx.recv().map_err(|_| Error::Unavailable("The database writer stopped.".into()))?)
    }

    /// Queues a write whose completion nobody waits for; a failure is logged. Its commit
    /// survives the process being killed but, unless a durable write shares its transaction,
    /// not necessarily a power cut: use it only for records whose loss repeats work (an
    /// attempt's record: the delivery is attempted again), never for what was acknowledged.
    pub fn write_detached<R, F>(&self, what: &'static str, f: F, after: impl FnOnce(&R) + Send + 'static)
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
    {
        if let Err(e) = self.submit(f, Reply::Log(what), Some(Box::new(after))) {
            tracing::error!("{what} could not be saved: {e}");
        }
    }

    fn take_reader(&self) -> Result<Connection> {
        if let Some(conn) = self.shared.readers.lock().expect("reader pool").pop() {
            return Ok(conn);
        }
        let conn = Connection::open_with_flags(&self.shared.path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        configure(&conn)?;
        conn.pragma_update(None, "query_only", "ON")?;
        Ok(conn)
    }

    fn return_reader(&self, conn: Connection) {
        let mut pool = self.shared.readers.lock().expect("reader pool");
        if pool.len() < READ_POOL_MAX {
            pool.push(conn);
        }
    }

    /// Runs a read on a pooled connection, on the caller's thread.
    pub fn read_blocking<R>(&self, f: impl FnOnce(&Connection) -> Result<R>) -> Result<R> {
        let conn = self.take_reader().map_err(|e| file::wrap(&self.shared.path, e))?;
        let result = f(&conn);
        self.return_reader(conn);
        self.named(result)
    }

    /// A damaged file or a full disk, said with the file's name.
    fn named<R>(&self, result: Result<R>) -> Result<R> {
        result.map_err(|e| file::wrap(&self.shared.path, e))
    }

    /// Runs a read on a pooled connection, off the async runtime's threads.
    pub async fn read<R, F>(&self, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
    {
        let _permit = self.shared.reads.acquire().await.map_err(|_| Error::Unavailable("The database is closed.".into()))?;
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.read_blocking(f))
            .await
            .map_err(|e| Error::Unavailable(format!("A database read was interrupted: {e}")))?
    }

    /// Stops the writer after it has committed everything queued before this call. From the
    /// writer thread itself (the last handle dropped by an after-commit hook) it cannot wait
    /// for itself: the writer then finishes the queue and stops on its own.
    pub fn close(&self) {
        self.shared.writer.lock().expect("writer lock").take();
        let thread = self.shared.writer_thread.lock().expect("writer thread").take();
        if let Some(t) = thread
            && std::thread::current().id() != self.shared.writer_thread_id
        {
            let _ = t.join();
        }
        self.shared.readers.lock().expect("reader pool").clear();
    }
}

fn writer_loop(conn: Connection, rx: mpsc::Receiver<Box<dyn WriteJob>>) {
    let mut full = true;
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // A batch of attempt records alone skips the fsync (a commit still survives the
        // process dying); any durable job makes the whole batch FULL, and its fsync carries
        // the earlier relaxed commits to the disk with it.
        let durable = batch.iter().any(|j| j.durable());
        if durable != full {
            let mode = if durable { "FULL" } else { "NORMAL" };
            if let Err(e) = conn.pragma_update(None, "synchronous", mode) {
                tracing::error!("the database could not switch to synchronous={mode}: {e}");
            } else {
                full = durable;
            }
        }
        let commit = if durable && !full {
            Err(Error::Database("The database could not guarantee durability.".into()))
        } else {
            run_batch(&conn, &mut batch)
        };
        for job in batch {
            job.finish(commit.clone());
        }
    }
}

fn exec(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

fn run_batch(conn: &Connection, batch: &mut [Box<dyn WriteJob>]) -> Result<(), Error> {
    let describe = Error::from;
    exec(conn, "BEGIN IMMEDIATE").map_err(describe)?;
    let single = batch.len() == 1;
    for job in batch.iter_mut() {
        // A job that fails must not take its neighbours down with it.
        if single {
            if !job.run(conn) {
                let _ = exec(conn, "ROLLBACK");
                return Ok(());
            }
            continue;
        }
        if let Err(e) = exec(conn, "SAVEPOINT job") {
            let _ = exec(conn, "ROLLBACK");
            return Err(describe(e));
        }
        let ok = job.run(conn);
        let end = if ok { exec(conn, "RELEASE job") } else { exec(conn, "ROLLBACK TO job").and_then(|_| exec(conn, "RELEASE job")) };
        if let Err(e) = end {
            let _ = exec(conn, "ROLLBACK");
            return Err(describe(e));
        }
    }
    exec(conn, "COMMIT").map_err(|e| {
        let _ = exec(conn, "ROLLBACK");
        describe(e)
    })
}

/// SQLite's failures in the engine's words: a full disk, a damaged file, no permission.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match &e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::DiskFull => {
                Error::DiskFull("The disk is full, so Hookdesk could not save; nothing was changed. Free some space and try again.".into())
            }
            rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::DatabaseCorrupt || f.code == ErrorCode::NotADatabase => {
                Error::Damaged(e.to_string())
            }
            rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::ReadOnly || f.code == ErrorCode::CannotOpen => {
                Error::Database(format!("The database cannot be written ({e}). Check the data directory's permissions."))
            }
            _ => Error::Database(format!("Database error: {e}")),
        }
    }
}

/// A stored enum name read back; a name no version wrote is a conversion error, not a guess.
pub(crate) fn enum_at<T>(r: &rusqlite::Row, i: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    parse(&s)
        .ok_or_else(|| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("unknown value {s:?}").into()))
}

/// [`enum_at`] for a column that may be NULL.
pub(crate) fn optional_enum_at<T>(r: &rusqlite::Row, i: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<Option<T>> {
    match r.get::<_, Option<String>>(i)? {
        None => Ok(None),
        Some(s) => parse(&s).map(Some).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("unknown value {s:?}").into())
        }),
    }
}

/// Webhook ids are stored as their text.
impl rusqlite::ToSql for crate::model::WebhookId {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
    }
}

impl rusqlite::types::FromSql for crate::model::WebhookId {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        String::column_result(value).map(crate::model::WebhookId::stored)
    }
}
