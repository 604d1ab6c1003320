//! What the Events API runs on: this machine's engine (SQLite, the keyring), or a team
//! database (PostgreSQL, secrets sealed with the team's key) that any number of `serve`
//! processes share. Every route asks [`Backend`], and answers the same on both.

use crate::Engine;
use crate::error::{Error, Result};
use crate::sealed::SecretKey;
use crate::store::pg::{self, PgStore};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

/// The state every route is given.
#[derive(Clone)]
pub enum Backend {
    Local(Engine),
    Team(Arc<TeamApi>),
}

impl Backend {
    pub(super) fn public_hosts(&self) -> Arc<[String]> {
        match self {
            Backend::Local(engine) => engine.public_hosts(),
            Backend::Team(team) => team.public_hosts.clone(),
        }
    }

    pub(super) async fn api_token(&self) -> Result<String> {
        match self {
            Backend::Local(engine) => engine.api_token().await,
            Backend::Team(team) => team.token().await,
        }
    }
}

/// How a team database's API works.
#[derive(Debug, Clone)]
pub struct TeamApiOptions {
    /// `HOOKDESK_TOKEN`: this process's token instead of the one sealed in the database
    /// (created there by the first process that needs it).
    pub token_override: Option<String>,
    /// Names besides loopback ones the `Host` header may carry.
    pub public_hosts: Vec<String>,
    /// Whether Test may reach loopback and private addresses.
    pub allow_private: bool,
    /// How long a request waits for the database before it is answered 503.
    pub deadline: std::time::Duration,
}

impl Default for TeamApiOptions {
    fn default() -> Self {
        Self { token_override: None, public_hosts: vec![], allow_private: false, deadline: super::TEAM_DEADLINE }
    }
}

/// The Events API of a team database: what a `serve --database-url` process answers with.
pub struct TeamApi {
    store: PgStore,
    key: Arc<SecretKey>,
    /// The token, once read; forgotten when any process says it changed.
    token: RwLock<Option<Arc<str>>>,
    /// Whether changes are heard now: only then may the token be kept in memory.
    following: AtomicBool,
    /// `HOOKDESK_TOKEN`: this process's token, not the database's.
    token_from_env: bool,
    public_hosts: Arc<[String]>,
    /// What **Test** sends with, under the same network policy as this process's worker.
    policy: crate::net::NetworkPolicy,
    client: reqwest::Client,
    /// How long a request waits for the database ([`super::TEAM_DEADLINE`]).
    deadline: std::time::Duration,
}

impl TeamApi {
    /// The API of `store`, whose secrets `key` opens (checked by the caller).
    pub fn new(store: PgStore, key: Arc<SecretKey>, options: TeamApiOptions) -> Arc<Self> {
        let TeamApiOptions { token_override, public_hosts, allow_private, deadline } = options;
        let token_from_env = token_override.is_some();
        let policy = crate::net::NetworkPolicy::new(allow_private);
        let client = crate::net::delivery_client(&policy);
        Arc::new(Self {
            store,
            key,
            token: RwLock::new(token_override.map(Arc::from)),
            token_from_env,
            following: AtomicBool::new(false),
            public_hosts: Arc::from(public_hosts),
            policy,
            client,
            deadline,
        })
    }

    pub(super) fn deadline(&self) -> std::time::Duration {
        self.deadline
    }

    pub fn store(&self) -> &PgStore {
        &self.store
    }

    pub fn key(&self) -> &SecretKey {
        &self.key
    }

    /// **Test** of one of the team's webhooks, sent from this process and logged in the team
    /// database for every process and desktop to read.
    pub async fn send_test(&self, request: crate::test_event::TestRequest) -> Result<crate::test_event::TestResult> {
        crate::team_admin::send_test(&self.store, &self.key, &self.client, &self.policy, request).await
    }

    /// The team's token: from memory, else the database (created on first use, sealed).
    pub async fn token(&self) -> Result<String> {
        if let Some(t) = self.token.read().expect("token").as_ref() {
            return Ok(t.to_string());
        }
        let now = crate::model::time::now_ms();
        let token = self.store.secret_or_insert(&self.key, crate::secrets::account::API_TOKEN, &super::new_token(), now).await?;
        if self.following.load(Ordering::Acquire) {
            *self.token.write().expect("token") = Some(Arc::from(token.as_str()));
        }
        Ok(token.to_string())
    }

    /// A new token for the whole team: every `serve` process on the database stops taking
    /// the old one as soon as it hears of the change.
    pub async fn regenerate_token(&self) -> Result<String> {
        if self.token_from_env {
            return Err(Error::Conflict("This process takes its token from HOOKDESK_TOKEN; change it there.".into()));
        }
        let token = super::new_token();
        let now = crate::model::time::now_ms();
        self.store.set_secret(&self.key, crate::secrets::account::API_TOKEN, &token, now).await?;
        self.store.notify(pg::CONFIG_CHANNEL, "token").await?;
        Ok(token)
    }

    /// Follows the team's token changes until `stop`: a token regenerated through any process
    /// is the only one taken here too. While the notifications are cut off, the token is read
    /// from the database at each request, so that a change is never missed.
    pub async fn follow_changes(self: Arc<Self>, stop: tokio_util::sync::CancellationToken) {
        if self.token_from_env {
            return;
        }
        loop {
            let listener = tokio::select! {
                _ = stop.cancelled() => return,
                l = self.store.listen(pg::CONFIG_CHANNEL) => l,
            };
            match listener {
                Ok(mut listener) => {
                    // Read again once listening: a change made before the LISTEN is not missed.
                    self.following.store(true, Ordering::Release);
                    self.forget_token();
                    loop {
                        tokio::select! {
                            _ = stop.cancelled() => return,
                            message = listener.next() => match message {
                                Some(what) if what == "token" => self.forget_token(),
                                Some(_) => {}
                                None => break,
                            },
                        }
                    }
                }
                Err(e) => tracing::warn!("cannot follow the team database's changes: {e}"),
            }
            self.following.store(false, Ordering::Release);
            self.forget_token();
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            }
        }
    }

    fn forget_token(&self) {
        if !self.token_from_env {
            *self.token.write().expect("token") = None;
        }
    }
}
