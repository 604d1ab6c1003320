//! `hookdesk worker`: one of any number of processes delivering the queue of a team database
//! (PostgreSQL). It needs the team's secret key, and refuses to start without it or with
//! another; it migrates the database when it is the first to start on a new one.

use super::{CliResult, Failure};
use hookdesk_engine::sealed::SecretKey;
use hookdesk_engine::store::pg::PgStore;
use hookdesk_engine::team::{TeamWorker, WorkerOptions};
use std::path::PathBuf;
use std::sync::Arc;

/// A team database a command writes to directly, instead of the running instance.
#[derive(Debug, clap::Args)]
pub struct TeamDatabase {
    /// Write to this team database (PostgreSQL) instead of the running instance:
    /// postgres://user@host:port/database.
    #[arg(long, env = "HOOKDESK_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

/// The team's secret key, for a command that writes secrets into a team database.
#[derive(Debug, clap::Args)]
pub struct TeamKey {
    /// With --database-url: a file holding the team's secret key (base64 of 32 bytes),
    /// readable by its owner only; without it, HOOKDESK_SECRET_KEY.
    #[arg(long, value_name = "FILE")]
    pub secret_key_file: Option<PathBuf>,
}

impl TeamDatabase {
    /// The team database, migrated when it is new.
    pub async fn open(url: &str) -> Result<PgStore, Failure> {
        let store = PgStore::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }
}

impl TeamKey {
    /// The team's secret key, checked against the database: refused when missing or another.
    pub async fn key(&self, store: &PgStore) -> Result<SecretKey, Failure> {
        let key = self.configured("writing to a team database")?;
        store.check_key(&key, hookdesk_engine::model::time::now_ms()).await?;
        Ok(key)
    }

    /// The key as given, not yet checked (`who` needs it, says the error when it is missing):
    /// looked for before the database is reached, so that without one nothing is touched.
    pub fn configured(&self, who: &str) -> Result<SecretKey, Failure> {
        team_key(self.secret_key_file.as_deref(), who)
    }
}

/// The team's secret key from `file` or the environment; `who` needs it, says the error.
fn team_key(file: Option<&std::path::Path>, who: &str) -> Result<SecretKey, Failure> {
    SecretKey::configured(file)?.ok_or_else(|| {
        Failure(format!(
            "{who} needs the team's secret key: set {} to base64 of 32 random bytes (`openssl rand -base64 32`), or pass --secret-key-file FILE (mode 600).",
            hookdesk_engine::sealed::KEY_ENV
        ))
    })
}

#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// The team database: postgres://user@host:port/database.
    #[arg(long, env = "HOOKDESK_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database_url: String,
    /// A file holding the team's secret key (base64 of 32 bytes), readable by its owner only;
    /// without it, HOOKDESK_SECRET_KEY.
    #[arg(long, value_name = "FILE")]
    secret_key_file: Option<PathBuf>,
    /// Deliveries attempted at once by this worker, at most.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=1024))]
    concurrency: u16,
    /// Seconds a lease lasts beyond an attempt's timeout: when a worker dies, its deliveries
    /// are taken by another after at most the timeout plus this.
    #[arg(long, default_value_t = 30, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    lease_margin: u64,
    /// Names this worker in the leases it holds (default: the host name and process id).
    #[arg(long, value_name = "NAME")]
    id: Option<String>,
    /// Let deliveries reach loopback and private addresses (off by default).
    #[arg(long)]
    allow_private_targets: bool,
}

pub(super) fn default_id() -> String {
    format!("{}-{}", hookdesk_engine::team::host_name().unwrap_or_else(|| "worker".into()), std::process::id())
}

pub async fn run(args: WorkerArgs) -> CliResult {
    // Looked for before the database is reached: without a key, nothing is touched.
    let key = team_key(args.secret_key_file.as_deref(), "a team worker")?;
    let store = PgStore::connect(&args.database_url).await?;
    let migrated = store.migrate().await?;
    store.check_key(&key, hookdesk_engine::model::time::now_ms()).await?;
    let options = WorkerOptions {
        concurrency: usize::from(args.concurrency),
        allow_private: args.allow_private_targets,
        margin: std::time::Duration::from_secs(args.lease_margin),
        ..WorkerOptions::new(args.id.unwrap_or_else(default_id))
    };
    let id = options.id.clone();
    let worker = TeamWorker::new(store, Arc::new(key), options);
    let stop = tokio_util::sync::CancellationToken::new();
    let running = tokio::spawn(worker.run(stop.clone()));
    let schema = if migrated > 0 { format!(" (applied {migrated} migrations)") } else { String::new() };
    println!("Hookdesk worker {id} is delivering the team database's queue{schema}. Press Ctrl+C to stop.");
    super::serve::wait_for_stop().await;
    tracing::info!("stopping: attempts under way may finish, for up to {:?}", hookdesk_engine::SHUTDOWN_GRACE);
    stop.cancel();
    running.await.map_err(|e| Failure(e.to_string()))?;
    Ok(())
}
