//! The engine's own settings (Settings page): log retention, the network policy, and the
//! Events API's switch and port. Stored in the `settings` table.

use crate::error::{Error, FieldError, Result};
use crate::model::time::now_ms;
use crate::{Engine, Notice, store};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

pub const ALLOW_PRIVATE: &str = "allow_private_targets";
pub const RETENTION_DAYS: &str = "log_retention_days";
pub const API_ENABLED: &str = "events_api_enabled";
pub const API_PORT: &str = "events_api_port";
pub const NOTIFICATIONS: &str = "desktop_notifications";

pub const DEFAULT_RETENTION_DAYS: u32 = 30;
pub const RETENTION_DAYS_RANGE: (u32, u32) = (1, 3650);
pub const DEFAULT_API_PORT: u16 = 7717;
/// Any port but 0 (which would pick a random one: the window would not know where to look).
pub const API_PORT_RANGE: (u16, u16) = (1, u16::MAX);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
const PRUNE_BATCH: u32 = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct EngineSettings {
    /// Logs older than this are pruned in the background (1–3650 days).
    pub log_retention_days: u32,
    /// Deliveries may reach loopback, private and link-local addresses.
    pub allow_private_targets: bool,
    pub events_api_enabled: bool,
    pub events_api_port: u16,
    /// The desktop app shows an OS notification when a webhook pauses, its endpoint
    /// deactivates it (410 Gone), or a delivery uses up its attempts.
    #[serde(default = "on")]
    pub desktop_notifications: bool,
}

fn on() -> bool {
    true
}

impl Engine {
    pub async fn settings(&self) -> Result<EngineSettings> {
        let default_private = self.allow_private_default();
        self.db()
            .read(move |conn| {
                let get = |k: &str| store::settings::get(conn, k);
                Ok(EngineSettings {
                    log_retention_days: get(RETENTION_DAYS)?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_RETENTION_DAYS),
                    allow_private_targets: get(ALLOW_PRIVATE)?.map(|v| v == "true").unwrap_or(default_private),
                    events_api_enabled: get(API_ENABLED)?.map(|v| v == "true").unwrap_or(true),
                    events_api_port: get(API_PORT)?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_API_PORT),
                    desktop_notifications: get(NOTIFICATIONS)?.map(|v| v == "true").unwrap_or(true),
                })
            })
            .await
    }

    /// Saves the settings and applies the network policy at once. Restarting the Events API
    /// on a new port or switch is the caller's (it owns the server).
    pub async fn update_settings(&self, s: EngineSettings) -> Result<EngineSettings> {
        let mut errors = Vec::new();
        let (lo, hi) = RETENTION_DAYS_RANGE;
        if !(lo..=hi).contains(&s.log_retention_days) {
            errors.push(FieldError::new("log_retention_days", format!("Keep logs between {lo} and {hi} days.")));
        }
        let (lo, hi) = API_PORT_RANGE;
        if !(lo..=hi).contains(&s.events_api_port) {
            errors.push(FieldError::new("events_api_port", format!("Choose a port between {lo} and {hi}.")));
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let saved = s.clone();
        self.db()
            .write(move |conn| {
                store::settings::set(conn, RETENTION_DAYS, &saved.log_retention_days.to_string())?;
                store::settings::set(conn, ALLOW_PRIVATE, if saved.allow_private_targets { "true" } else { "false" })?;
                store::settings::set(conn, API_ENABLED, if saved.events_api_enabled { "true" } else { "false" })?;
                store::settings::set(conn, API_PORT, &saved.events_api_port.to_string())?;
                store::settings::set(conn, NOTIFICATIONS, if saved.desktop_notifications { "true" } else { "false" })
            })
            .await?;
        self.set_allow_private(s.allow_private_targets);
        self.notify(Notice::SettingsChanged { settings: s.clone() });
        Ok(s)
    }

    /// Applies the network policy; a stricter one gets a fresh connection pool so that no
    /// kept-alive connection to a private address is reused.
    pub fn set_allow_private(&self, allow: bool) {
        let was = self.policy().allows_private();
        self.policy().set_allow_private(allow);
        if was && !allow {
            self.renew_client();
        }
    }

    pub(crate) async fn prune_logs_periodically(&self) {
        loop {
            match self.prune_logs().await {
                Ok(0) => {}
                Ok(n) => tracing::info!("pruned {n} deliveries older than the log retention"),
                Err(e) => tracing::warn!("log pruning failed: {e}"),
            }
            match self.forget_expired_secrets().await {
                Ok(0) => {}
                Ok(n) => tracing::info!("deleted {n} previous signing secrets whose 24 hours were over"),
                Err(e) => tracing::warn!("previous signing secrets could not be deleted: {e}"),
            }
            tokio::time::sleep(PRUNE_EVERY).await;
        }
    }

    /// Deletes ended deliveries (with their attempts) and events older than the retention,
    /// in small batches so the writer is never held for long. Returns the deliveries deleted.
    pub async fn prune_logs(&self) -> Result<u64> {
        let days = self.settings().await?.log_retention_days;
        let cutoff = now_ms() - i64::from(days) * 86_400_000;
        let mut total = 0u64;
        loop {
            let (deliveries, events) = self
                .db()
                .write(move |conn| {
                    let deliveries = store::deliveries::delete_ended_before(conn, cutoff, PRUNE_BATCH)?;
                    Ok((deliveries, store::events::delete_unused_before(conn, cutoff, PRUNE_BATCH)?))
                })
                .await?;
            total += deliveries;
            if deliveries < u64::from(PRUNE_BATCH) && events < u64::from(PRUNE_BATCH) {
                // The health rollup keeps the longest window's week (and a day to spare),
                // whatever the logs keep: it holds counts, not payloads.
                let kept_from = now_ms() - crate::stats::KEPT_MS;
                self.db().write(move |conn| store::stats::delete_before(conn, kept_from)).await?;
                return Ok(total);
            }
        }
    }
}
