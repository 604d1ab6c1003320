//! The desktop on a team database: the shared store opened with the team's key, one more
//! worker delivering the team's queue from this computer, and the window told whenever the
//! database changes (`LISTEN` on the work and configuration channels, a short poll behind
//! them for what is not announced, such as an attempt that will be retried).

use crate::api::backend::{TeamApi, TeamApiOptions};
use crate::error::Result;
use crate::model::time::now_ms;
use crate::notice::Notice;
use crate::sealed::SecretKey;
use crate::store::pg::{self, PgStore};
use crate::team::{TeamWorker, WorkerOptions};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

/// How often the database is read for changes nobody announced.
const POLL: Duration = Duration::from_secs(2);
/// Changes heard within this long after the first go to the window as one.
const GATHER: Duration = Duration::from_millis(250);

pub use crate::api::within;

/// How the desktop works on a team database.
#[derive(Debug, Clone)]
pub struct DeskOptions {
    /// This computer's worker name in the team (`desktop-<host>-<pid>`).
    pub worker_id: String,
    /// Whether Test and deliveries from this computer may reach loopback and private
    /// addresses (the local setting).
    pub allow_private: bool,
}

/// The desktop's connection to a team database.
pub struct TeamDesk {
    api: Arc<TeamApi>,
    label: String,
    worker_id: String,
    stop: CancellationToken,
    working: Mutex<Option<tokio::task::JoinHandle<()>>>,
    notices: broadcast::Sender<Notice>,
}

impl std::fmt::Debug for TeamDesk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamDesk").field("label", &self.label).field("worker_id", &self.worker_id).finish()
    }
}

/// Where a database URL points, without its password: `user@host:port/database`.
pub fn database_label(url: &str) -> String {
    let Some(rest) = url.strip_prefix("postgres://").or_else(|| url.strip_prefix("postgresql://")) else {
        return "a PostgreSQL database".into();
    };
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, db) = before_query.split_once('/').unwrap_or((before_query, ""));
    let (user, host) = match authority.rsplit_once('@') {
        Some((userinfo, host)) => (userinfo.split(':').next().unwrap_or_default(), host),
        None => ("", authority),
    };
    let user = if user.is_empty() { String::new() } else { format!("{user}@") };
    // A socket directory given as `?host=/run/postgresql` says more than an empty host.
    let socket = query.split('&').find_map(|pair| pair.strip_prefix("host=")).filter(|h| !h.is_empty());
    let host = if host.is_empty() { socket.unwrap_or("localhost") } else { host };
    format!("{user}{host}/{db}")
}

impl TeamDesk {
    /// Opens the team database at `url` (migrated when new), checks that `key` is the team's,
    /// and starts this computer's worker. Nothing is written with a wrong key.
    pub async fn connect(url: &str, key: SecretKey, options: DeskOptions) -> Result<Arc<Self>> {
        let store = PgStore::connect(url).await?;
        store.migrate().await?;
        store.check_key(&key, now_ms()).await?;
        let key = Arc::new(key);
        let api = TeamApi::new(store.clone(), key.clone(), TeamApiOptions { allow_private: options.allow_private, ..Default::default() });
        let stop = CancellationToken::new();
        tokio::spawn(api.clone().follow_changes(stop.clone()));
        let worker = WorkerOptions { allow_private: options.allow_private, ..WorkerOptions::new(options.worker_id.clone()) };
        let working = tokio::spawn(TeamWorker::new(store.clone(), key, worker).run(stop.clone()));
        let (notices, _) = broadcast::channel(16);
        tokio::spawn(watch(store, notices.clone(), stop.clone()));
        Ok(Arc::new(Self {
            api,
            label: database_label(url),
            worker_id: options.worker_id,
            stop,
            working: Mutex::new(Some(working)),
            notices,
        }))
    }

    pub fn api(&self) -> &Arc<TeamApi> {
        &self.api
    }

    pub fn store(&self) -> &PgStore {
        self.api.store()
    }

    pub fn key(&self) -> &SecretKey {
        self.api.key()
    }

    /// `user@host:port/database`, for the panel.
    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    /// What the window hears: `missed` (read again) whenever the team database changed.
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }

    /// Stops this computer's worker: attempts under way may finish (their deliveries are
    /// given back otherwise, and another worker takes them when their lease ends).
    pub async fn close(&self) {
        self.stop.cancel();
        let working = self.working.lock().expect("worker").take();
        if let Some(working) = working {
            let _ = working.await;
        }
    }
}

/// What tells that the team's configuration, queue or logs changed.
async fn fingerprint(store: &PgStore) -> Option<Vec<i64>> {
    store.change_marks().await.map_err(|e| tracing::debug!("the team database could not be read for changes: {e}")).ok()
}

/// Tells the window when the team database changed, until `stop`.
async fn watch(store: PgStore, notices: broadcast::Sender<Notice>, stop: CancellationToken) {
    let mut last = fingerprint(&store).await;
    let mut listener = None;
    loop {
        if listener.is_none() {
            listener = store
                .listen_to(&[pg::WORK_CHANNEL, pg::CONFIG_CHANNEL])
                .await
                .map_err(|e| tracing::debug!("not listening to the team database yet: {e}"))
                .ok();
        }
        let heard = async {
            match listener.as_mut() {
                Some(l) => l.next().await.is_some(),
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = stop.cancelled() => return,
            still = heard => {
                if !still {
                    listener = None;
                }
                tokio::time::sleep(GATHER).await;
            }
            _ = tokio::time::sleep(POLL) => {}
        }
        let now = fingerprint(&store).await;
        if now.is_some() && now != last {
            last = now;
            let _ = notices.send(Notice::Missed);
        }
    }
}

/// The keyring accounts of the team database this desktop joins (the URL may hold a password).
const URL_ACCOUNT: &str = "team/database-url";
const KEY_ACCOUNT: &str = "team/secret-key";
/// The local setting that says whether the window works on the team database.
const ACTIVE_SETTING: &str = "team_database_active";

/// The team database this desktop was connected to, as saved: its URL and key (from the
/// keyring) and whether the window works on it.
pub struct SavedTeam {
    pub url: zeroize::Zeroizing<String>,
    pub key: SecretKey,
    pub active: bool,
}

impl SavedTeam {
    pub fn label(&self) -> String {
        database_label(&self.url)
    }
}

impl crate::Engine {
    /// The team database saved on this computer, if any: `None` when none was ever joined.
    pub async fn saved_team(&self) -> Result<Option<SavedTeam>> {
        let active = self.db().read(|conn| crate::store::settings::get(conn, ACTIVE_SETTING)).await?.as_deref() == Some("true");
        self.blocking(move |e| {
            let secrets = e.secrets();
            let (Some(url), Some(key)) = (secrets.get(URL_ACCOUNT)?, secrets.get(KEY_ACCOUNT)?) else { return Ok(None) };
            let key = SecretKey::from_base64(&key)?;
            Ok(Some(SavedTeam { url: zeroize::Zeroizing::new(url.to_string()), key, active }))
        })
        .await
    }

    /// Saves the team database to work on (its URL and key into the keyring) and that the
    /// window works on it from now on, at every start.
    pub async fn save_team(&self, url: &str, key: &SecretKey) -> Result<()> {
        let (url, key) = (url.to_string(), key.to_base64());
        self.blocking(move |e| {
            e.secrets().set(URL_ACCOUNT, &url)?;
            e.secrets().set(KEY_ACCOUNT, &key)
        })
        .await?;
        self.set_team_active(true).await
    }

    /// Whether the window works on the saved team database (`false`: this computer's own);
    /// the URL and key stay saved, for one click back.
    pub async fn set_team_active(&self, active: bool) -> Result<()> {
        self.db().write(move |conn| crate::store::settings::set(conn, ACTIVE_SETTING, if active { "true" } else { "false" })).await
    }
}

#[cfg(test)]
mod tests {
    use super::database_label;

    #[test]
    fn a_database_is_named_without_its_password() {
        assert_eq!(database_label("postgres://alice:s3cret@db.example.com:5433/hookdesk"), "alice@db.example.com:5433/hookdesk");
        assert_eq!(database_label("postgresql://db.example.com/team"), "db.example.com/team");
        assert_eq!(database_label("postgres://bob@/hookdesk?host=/run/postgresql"), "bob@/run/postgresql/hookdesk");
        assert_eq!(database_label("not a url with s3cret"), "a PostgreSQL database");
    }
}
