//! Hookdesk's engine: configuration in SQLite, secrets in the OS keyring, durable ordered
//! deliveries, and the local Events API. No Tauri here: the desktop app, the CLI, the
//! server and the tests all drive this library.

pub mod api;
pub mod catalog;
pub mod curl;
pub mod delivery;
pub mod error;
pub mod export;
pub mod ingest;
pub mod instance;
pub mod logs;
mod mask;
mod matching;
pub mod model;
pub mod net;
pub mod notice;
pub mod paths;
pub mod recover;
pub mod rules;
pub mod sealed;
pub mod secrets;
pub mod settings;
pub mod signing;
pub mod stats;
pub mod store;
pub mod team;
pub mod team_admin;
pub mod team_desk;
pub mod test_event;
pub mod transfer;
pub mod webhooks;

pub use error::{Error, ErrorKind, ErrorView, FieldError, Result};
pub use notice::Notice;

use delivery::{QueueKey, Scheduler};
use matching::Routes;
use net::NetworkPolicy;
use secrets::Secrets;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use store::Db;
use tokio::sync::broadcast;

/// Threads for blocking work (keyring calls, database reads) in a runtime that runs the
/// engine. The engine reads the keyring 4 and the database 8 at a time; without a cap,
/// Tokio's pool still grows past that when a finished task's thread is not yet idle as the
/// next one is handed out, so a burst of due deliveries could start dozens of threads.
/// Work beyond the cap waits in Tokio's queue.
pub const BLOCKING_THREADS: usize = 16;

/// How long attempts under way may take to finish once shutdown begins.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// How to open an engine.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub data_dir: PathBuf,
    /// Named in the lock file so a second instance can say who holds the directory.
    pub program: String,
    /// Whether deliveries may reach loopback and private addresses when the user has not
    /// said: yes in the desktop app, no in `hookdesk serve`.
    pub allow_private_default: bool,
}

impl EngineOptions {
    pub fn new(data_dir: impl Into<PathBuf>, program: &str) -> Self {
        Self { data_dir: data_dir.into(), program: program.to_string(), allow_private_default: true }
    }
}

/// The engine handle: cheap to clone, shared by the window, the API and the workers.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    data_dir: PathBuf,
    /// What deliveries work with; the rest of this struct is theirs to know nothing of.
    cx: Arc<delivery::Context>,
    allow_private_default: bool,
    api: tokio::sync::Mutex<Option<api::ApiServer>>,
    token: RwLock<Option<Arc<str>>>,
    /// Names besides loopback ones the Events API's Host check accepts (`--public-host`).
    public_hosts: RwLock<Arc<[String]>>,
}

impl Engine {
    /// Opens a data directory: takes its lock, opens and migrates the database, and
    /// connects the keyring lazily. Refuses a directory another instance holds.
    pub fn open(options: EngineOptions) -> Result<Self> {
        let dir = &options.data_dir;
        paths::create_private_dir(dir)?;
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
        let routes = Routes::load(&db)?;
        let allow_private = db
            .read_blocking(|conn| store::settings::get(conn, settings::ALLOW_PRIVATE))?
            .map(|v| v == "true")
            .unwrap_or(options.allow_private_default);
        let secrets = Arc::new(Secrets::new(&instance_id));
        let cx = delivery::Context::new(db, secrets, NetworkPolicy::new(allow_private), routes, lock);
        Ok(Self {
            inner: Arc::new(Inner {
                data_dir: dir.clone(),
                cx: Arc::new(cx),
                allow_private_default: options.allow_private_default,
                api: tokio::sync::Mutex::new(None),
                token: RwLock::new(None),
                public_hosts: RwLock::new(Arc::from(Vec::new())),
            }),
        })
    }

    /// Starts delivering: rebuilds the queues from the pending deliveries (those in flight
    /// when the process last stopped are attempted again) and starts the log pruner.
    /// Call once, from within a Tokio runtime.
    pub async fn start(&self) -> Result<()> {
        self.cx().set_runtime(tokio::runtime::Handle::current());
        let cx = self.cx().clone();
        // Through the writer, so that no delivery accepted meanwhile is queued twice or missed.
        self.db()
            .write_then(store::deliveries::pending, move |pending: &Vec<store::deliveries::Pending>| {
                let items = pending.iter().map(|p| (QueueKey::of(p.webhook_id.as_ref(), p.url.as_deref()), p.id, None)).collect::<Vec<_>>();
                cx.scheduler.start(&cx, items);
            })
            .await?;
        let engine = self.clone();
        self.spawn(async move { engine.prune_logs_periodically().await });
        Ok(())
    }

    /// Stops the workers and waits for them; pending deliveries stay in the queue on disk.
    /// Attempts under way get [`SHUTDOWN_GRACE`] to finish and be recorded (so they are not
    /// made again after the restart); what is still running then is stopped.
    pub async fn shutdown(&self) {
        if !self.cx().stop_tasks(SHUTDOWN_GRACE).await {
            tracing::warn!(
                "attempts still under way after {SHUTDOWN_GRACE:?} were stopped; they are made again at the next start, with the same webhook-id"
            );
        }
        // The records of the last attempts are queued for the writer: on disk before this
        // returns (and their after-commit work done, which may hold the engine), unless the
        // writer does not confirm within the grace.
        match tokio::time::timeout(SHUTDOWN_GRACE, self.db().write(|_| Ok(()))).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!("the last writes could not be confirmed: {e}"),
            Err(_) => tracing::warn!(
                "the last writes were not confirmed within {SHUTDOWN_GRACE:?}; an attempt not on disk is made again at the next start"
            ),
        }
    }

    /// What the delivery pipeline works with.
    pub(crate) fn cx(&self) -> &Arc<delivery::Context> {
        &self.inner.cx
    }

    /// Spawns background work the engine tracks; it stops as soon as shutdown begins.
    pub(crate) fn spawn<F>(&self, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.cx().spawn(fut);
    }

    /// Cancelled when shutdown begins.
    pub(crate) fn draining(&self) -> tokio_util::sync::CancellationToken {
        self.cx().draining()
    }

    pub(crate) fn client(&self) -> reqwest::Client {
        self.cx().client()
    }

    /// A new HTTP client for deliveries, after the network policy changed.
    pub(crate) fn renew_client(&self) {
        self.cx().renew_client();
    }

    pub(crate) fn scheduler(&self) -> &Scheduler {
        &self.cx().scheduler
    }

    /// Committed deliveries into their queues (call in commit order).
    pub(crate) fn enqueue(&self, items: impl IntoIterator<Item = delivery::Queued>) {
        self.cx().enqueue(items);
    }

    pub(crate) fn route(&self, webhook_id: &str) -> Option<Arc<store::webhooks::WebhookRow>> {
        self.cx().route(webhook_id)
    }

    pub(crate) fn routes(&self) -> Arc<Routes> {
        self.cx().routes()
    }

    /// Re-reads the webhooks after a change; the delivery queues follow.
    pub(crate) async fn config_changed(&self) {
        self.cx().config_changed().await;
    }

    /// The Events API server while it runs (`api/` starts and stops it).
    pub(crate) fn api_slot(&self) -> &tokio::sync::Mutex<Option<api::ApiServer>> {
        &self.inner.api
    }

    /// The Events API token, once read from the keyring.
    pub(crate) fn token_slot(&self) -> &RwLock<Option<Arc<str>>> {
        &self.inner.token
    }

    /// The names besides loopback ones the Events API accepts in `Host`.
    pub(crate) fn public_hosts(&self) -> Arc<[String]> {
        self.inner.public_hosts.read().expect("public hosts").clone()
    }

    pub(crate) fn set_public_hosts(&self, hosts: Vec<String>) {
        *self.inner.public_hosts.write().expect("public hosts") = Arc::from(hosts);
    }

    /// Whether deliveries may reach private addresses when the user has not said.
    pub(crate) fn allow_private_default(&self) -> bool {
        self.inner.allow_private_default
    }

    pub fn policy(&self) -> &NetworkPolicy {
        &self.cx().policy
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    pub fn db(&self) -> &Db {
        &self.cx().db
    }

    pub fn secrets(&self) -> &Arc<Secrets> {
        &self.cx().secrets
    }

    pub fn instance_lock(&self) -> &instance::InstanceLock {
        &self.cx().lock
    }

    /// Engine notifications: webhooks changed, attempts recorded, webhooks paused.
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.cx().subscribe()
    }

    pub(crate) fn notify(&self, notice: Notice) {
        self.cx().notify(notice);
    }

    pub fn keyring_status(&self) -> secrets::KeyringStatus {
        self.secrets().status()
    }

    /// Runs blocking work (keyring calls cross D-Bus) off the async runtime's threads.
    pub(crate) async fn blocking<R: Send + 'static>(&self, f: impl FnOnce(&Engine) -> Result<R> + Send + 'static) -> Result<R> {
        let engine = self.clone();
        tokio::task::spawn_blocking(move || f(&engine)).await.map_err(Error::interrupted)?
    }
}
