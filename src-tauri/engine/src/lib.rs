//! Hookdesk's engine: configuration in SQLite, secrets in the OS keyring, durable ordered
//! deliveries, and the local Events API. No Tauri here: the desktop app, the CLI, the
//! server and the tests all drive this library.

pub mod catalog;
pub mod config;
pub mod error;
pub mod instance;
pub mod model;
pub mod notice;
pub mod paths;
pub mod secrets;
pub mod signing;
pub mod store;

pub use error::{Error, ErrorKind, ErrorView, FieldError, Result};
pub use notice::Notice;

use secrets::Secrets;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use store::Db;
use tokio::sync::broadcast;

/// How to open an engine.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub data_dir: PathBuf,
    /// Named in the lock file so a second instance can say who holds the directory.
    pub program: String,
}

impl EngineOptions {
    pub fn new(data_dir: impl Into<PathBuf>, program: &str) -> Self {
        Self { data_dir: data_dir.into(), program: program.to_string() }
    }
}

/// The engine handle: cheap to clone, shared by the window, the API and the workers.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    data_dir: PathBuf,
    db: Db,
    secrets: Arc<Secrets>,
    lock: instance::InstanceLock,
    notices: broadcast::Sender<Notice>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.db.close();
    }
}

impl Engine {
    /// Opens a data directory: takes its lock, opens and migrates the database, and
    /// connects the keyring lazily. Refuses a directory another instance holds.
    pub fn open(options: EngineOptions) -> Result<Self> {
        let dir = &options.data_dir;
        std::fs::create_dir_all(dir).map_err(|e| Error::Io(format!("Cannot create the data directory {}: {e}", dir.display())))?;
        let lock = instance::InstanceLock::acquire(dir, &options.program)?;
        let db = Db::open(&dir.join(paths::DB_FILE))?;
        let instance_id = db.write_blocking(|conn| {
            if let Some(id) = store::settings::get(conn, "instance_id")? {
                return Ok(id);
            }
            let id = model::new_object_id();
            store::settings::set(conn, "instance_id", &id)?;
            Ok(id)
        })?;
        let (notices, _) = broadcast::channel(1024);
        Ok(Self { inner: Arc::new(Inner { data_dir: dir.clone(), db, secrets: Arc::new(Secrets::new(&instance_id)), lock, notices }) })
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn secrets(&self) -> &Arc<Secrets> {
        &self.inner.secrets
    }

    pub fn instance_lock(&self) -> &instance::InstanceLock {
        &self.inner.lock
    }

    /// Engine notifications: webhooks changed, attempts recorded, webhooks paused.
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.inner.notices.subscribe()
    }

    pub(crate) fn notify(&self, notice: Notice) {
        let _ = self.inner.notices.send(notice);
    }

    pub fn keyring_status(&self) -> secrets::KeyringStatus {
        self.inner.secrets.status()
    }

    /// Runs blocking work (keyring calls cross D-Bus) off the async runtime's threads.
    pub(crate) async fn blocking<R: Send + 'static>(&self, f: impl FnOnce(&Engine) -> Result<R> + Send + 'static) -> Result<R> {
        let engine = self.clone();
        tokio::task::spawn_blocking(move || f(&engine))
            .await
            .map_err(|e| Error::Unavailable(format!("Background work was interrupted: {e}")))?
    }
}
