//! Team mode's worker: one of any number of processes sharing the queue of one PostgreSQL
//! database ([`PgStore`]). It claims due deliveries with a lease, attempts them with the
//! same dispatch, signing, retry schedule and masking as the local engine, and records each
//! attempt and the delivery's move in one transaction. A worker that dies loses nothing: its
//! leases run out and another worker takes the deliveries, with the same `webhook-id`.
//!
//! A lease is short while a delivery is read, and is extended to the attempt's timeout plus
//! [`WorkerOptions::margin`] just before the request goes out; a worker that lost a lease
//! meanwhile sends nothing.

use crate::delivery::dispatch::{self, Target};
use crate::delivery::outcome::{self, Decision};
use crate::delivery::target::{self, Opened};
use crate::error::Result;
use crate::model::time::{format_ms, now_ms};
use crate::model::{DeliveryKind, DeliveryState, WebhookStatus};
use crate::net::NetworkPolicy;
use crate::sealed::SecretKey;
use crate::store::deliveries::DeliveryRow;
use crate::store::pg::{self, AfterAttempt, PgStore, Tally};
use crate::store::webhooks::WebhookRow;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// This machine's name (`/etc/hostname`), for the worker names of its processes.
pub fn host_name() -> Option<String> {
    std::fs::read_to_string("/etc/hostname").ok().map(|h| h.trim().to_string()).filter(|h| !h.is_empty())
}

/// How a worker works.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Names the worker in the leases it holds: unique among the workers of one database.
    pub id: String,
    /// Deliveries attempted at once, at most.
    pub concurrency: usize,
    /// A lease's time beyond what the attempt may take: a dead worker's deliveries are
    /// taken by another after at most the attempt's timeout plus this.
    pub margin: Duration,
    /// How often the queue is looked at when no notification says there is work (retries
    /// that have become due, a missed notification).
    pub poll: Duration,
    /// Whether deliveries may reach loopback and private addresses.
    pub allow_private: bool,
}

impl WorkerOptions {
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), concurrency: 32, margin: Duration::from_secs(30), poll: Duration::from_millis(500), allow_private: false }
    }
}

/// How often a worker offers to do the team's housekeeping (one of them does it).
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(3600);
const PRUNE_BATCH: i64 = 2_000;

/// What one round of housekeeping removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Housekeeping {
    pub deliveries: u64,
    pub events: u64,
    pub previous_secrets: usize,
}

/// How many days the team's logs are kept: its `log_retention_days` setting, or the default.
pub(crate) async fn retention_days(store: &PgStore) -> Result<u32> {
    let setting = store.setting(crate::settings::RETENTION_DAYS).await?;
    Ok(setting.and_then(|v| v.parse().ok()).unwrap_or(crate::settings::DEFAULT_RETENTION_DAYS))
}

/// The team's housekeeping, as of `now`: deliveries that ended before the logs' retention
/// (with their attempts) and the events nothing refers to any more, in small batches; and the
/// previous signing secrets whose 24 hours are over. Run on one worker at a time by
/// [`TeamWorker::run`].
pub async fn housekeeping(store: &PgStore, now: i64) -> Result<Housekeeping> {
    let days = retention_days(store).await?;
    let cutoff = now - i64::from(days) * 86_400_000;
    let mut done = Housekeeping::default();
    loop {
        let (deliveries, events) = store.prune_before(cutoff, PRUNE_BATCH).await?;
        done.deliveries += deliveries;
        done.events += events;
        if deliveries < PRUNE_BATCH as u64 && events < PRUNE_BATCH as u64 {
            break;
        }
    }
    done.previous_secrets = store.forget_expired_secrets(now).await?;
    Ok(done)
}

/// A task stopped when its handle is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// One worker of a team database.
pub struct TeamWorker {
    store: PgStore,
    key: Arc<SecretKey>,
    options: WorkerOptions,
    policy: NetworkPolicy,
    client: reqwest::Client,
}

impl TeamWorker {
    pub fn new(store: PgStore, key: Arc<SecretKey>, options: WorkerOptions) -> Arc<Self> {
        let policy = NetworkPolicy::new(options.allow_private);
        let client = crate::net::delivery_client(&policy);
        Arc::new(Self { store, key, options, policy, client })
    }

    pub fn id(&self) -> &str {
        &self.options.id
    }

    fn margin_ms(&self) -> i64 {
        i64::try_from(self.options.margin.as_millis()).unwrap_or(i64::MAX)
    }

    /// Claims and attempts deliveries until `stop` is cancelled; attempts under way then get
    /// [`crate::SHUTDOWN_GRACE`] to finish and be recorded (what is stopped is attempted again
    /// by a worker once its lease runs out).
    pub async fn run(self: Arc<Self>, stop: CancellationToken) {
        let mut listener = match self.store.listen(pg::WORK_CHANNEL).await {
            Ok(l) => Some(l),
            Err(e) => {
                tracing::warn!("worker {} hears of no new work ({e}); it looks every {:?}", self.id(), self.options.poll);
                None
            }
        };
        // Ends with this loop, however it ends (a worker whose task is dropped included).
        let _housekeeper = AbortOnDrop(tokio::spawn({
            let (worker, stop) = (self.clone(), stop.clone());
            async move {
                loop {
                    match worker.store.run_exclusive("housekeeping", housekeeping(&worker.store, now_ms())).await {
                        Ok(Some(Ok(done))) if done != Housekeeping::default() => {
                            tracing::info!("worker {}: housekeeping removed {done:?}", worker.id())
                        }
                        Ok(Some(Err(e))) | Err(e) => tracing::warn!("worker {}: housekeeping failed: {e}", worker.id()),
                        // Nothing to do, or another worker is doing it.
                        Ok(_) => {}
                    }
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = tokio::time::sleep(HOUSEKEEPING_EVERY) => {}
                    }
                }
            }
        }));
        let mut tasks = tokio::task::JoinSet::new();
        let mut failing = false;
        while !stop.is_cancelled() {
            let room = self.options.concurrency.saturating_sub(tasks.len());
            if room > 0 {
                match self.store.claim_due(self.id(), now_ms(), room as i64, self.margin_ms()).await {
                    Ok(ids) => {
                        if failing {
                            tracing::info!("worker {} reaches the team database again", self.id());
                            failing = false;
                        }
                        for id in ids {
                            let worker = self.clone();
                            tasks.spawn(async move { (id, worker.attempt(id).await) });
                        }
                    }
                    Err(e) => {
                        if !failing {
                            tracing::error!(
                                "worker {} cannot claim deliveries: {e}; trying again every {:?}",
                                self.id(),
                                self.options.poll
                            );
                        }
                        failing = true;
                    }
                }
            }
            let heard = async {
                match listener.as_mut() {
                    Some(l) => l.next().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = stop.cancelled() => break,
                Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                    // Every attempt that has ended makes room: one claim fills it all.
                    for joined in std::iter::once(joined).chain(std::iter::from_fn(|| tasks.try_join_next())) {
                        if let Ok((id, Err(e))) = joined {
                            tracing::warn!("worker {}: delivery {id} was not attempted: {e}; it waits for its lease to run out", self.id());
                        }
                    }
                }
                payload = heard => {
                    if payload.is_none() {
                        tracing::warn!("worker {} no longer hears of new work; it looks every {:?}", self.id(), self.options.poll);
                        listener = None;
                    }
                }
                _ = tokio::time::sleep(self.options.poll) => {}
            }
        }
        let drained = tokio::time::timeout(crate::SHUTDOWN_GRACE, async { while tasks.join_next().await.is_some() {} }).await;
        if drained.is_err() {
            tracing::warn!(
                "worker {}: attempts still under way were stopped; another worker makes them once their leases run out",
                self.id()
            );
            tasks.abort_all();
        }
    }

    /// Where the attempt goes, with the secret values opened from the team database.
    async fn target(&self, webhook: Option<&WebhookRow>, d: &DeliveryRow) -> Result<Target> {
        let accounts = match webhook {
            Some(w) => target::accounts_of(w),
            None => target::direct_accounts_of(d),
        };
        let opened = Opened(self.store.secrets(&self.key, &accounts).await?);
        match webhook {
            Some(w) => target::webhook_target(&opened, w),
            None => target::direct_target(&opened, d),
        }
    }

    /// Attempts one claimed delivery once, records it, and counts its end against its webhook.
    async fn attempt(&self, id: i64) -> Result<()> {
        // The delivery and its webhook as configured now, in one round trip.
        let Some((d, current)) = self.store.delivery_and_webhook(id).await? else { return Ok(()) };
        if d.state != DeliveryState::Pending {
            return Ok(());
        }
        let webhook = match (&d.webhook_id, current) {
            (None, _) => None,
            (Some(_), Some(w)) if w.status == WebhookStatus::Active => Some(w),
            (Some(_), Some(_)) => {
                // Claimed as its webhook was switched off: it waits in the queue, held.
                self.store.release(self.id(), d.id).await?;
                return Ok(());
            }
            // Its webhook is gone (and its deliveries with it).
            (Some(_), None) => return Ok(()),
        };
        let settings = webhook.as_ref().map(|w| w.delivery.clone()).unwrap_or_default();
        let until = now_ms() + i64::from(settings.timeout_ms) + self.margin_ms();
        // The secrets opened and the lease extended to the attempt's timeout, at the same time.
        // A secret that cannot be opened (a wrong key, a value missing) keeps the lease: the
        // delivery is tried again when it runs out, and no attempt is used up.
        let ids = [id];
        let (target, renewed) = tokio::join!(self.target(webhook.as_ref(), &d), self.store.renew(self.id(), &ids, until));
        let target = target?;
        if renewed?.is_empty() {
            return Ok(());
        }
        let sent = dispatch::send(&self.client, &self.policy, &target, &d.event_id, &d.body).await;
        let attempt_no = d.attempts_made + 1;
        let decision = outcome::decide(&sent, attempt_no, d.max_attempts, &settings.retry);
        let last = sent.summary_for_pause();
        let record = outcome::AttemptRecord {
            delivery: &d,
            webhook_code: webhook.as_ref().map(|w| w.code.clone()),
            attempt_no,
            sent,
            mask: target.secret_mask(),
            decision,
            consecutive_failures: None,
            exhausted: None,
        };
        let summary = outcome::summary(&record, 0);
        let a = outcome::new_attempt(&record, &summary);
        let request_headers = serde_json::to_string(&a.request_headers)?;
        let response_headers = a.response_headers.as_ref().map(serde_json::to_string).transpose()?;
        let now = now_ms();
        let after = match decision {
            Decision::Retry(at) => AfterAttempt::RetryAt(at),
            ended => AfterAttempt::Ended { succeeded: ended == Decision::Succeeded, at: now },
        };
        let row = pg::AttemptRecord::of(&a, &request_headers, response_headers.as_deref());
        let counts = webhook.as_ref().filter(|_| d.kind != DeliveryKind::Test && decision.ends());
        let pause_after = counts.map_or(0, |w| i32::try_from(w.delivery.pause_after_failures).unwrap_or(i32::MAX));
        let pause_reason = format!("Paused after {pause_after} consecutive failed deliveries (the last: {last}).");
        let gone_reason = format!("The endpoint answered 410 Gone on {}; Hookdesk deactivated this webhook.", format_ms(now));
        let tally = counts.map(|_| Tally {
            succeeded: decision == Decision::Succeeded,
            pause_after,
            pause_reason: &pause_reason,
            gone: (decision == Decision::Gone).then_some(gone_reason.as_str()),
        });
        // When the lease ran out during the attempt and another worker holds the delivery
        // now, the record is kept and that worker's attempt decides where the delivery goes.
        let (held, counted) = self.store.record_and_count(self.id(), id, &row, after, tally).await?;
        // A direct delivery's header values are kept only until it ends.
        if held && d.webhook_id.is_none() && decision.ends() && !d.header_names.is_empty() {
            self.store.delete_secrets(&target::direct_accounts_of(&d)).await?;
        }
        if let (Some(w), Some(counted)) = (counts, counted) {
            if decision == Decision::Gone {
                tracing::warn!("webhook {}: {gone_reason}", w.code);
            } else if counted.paused {
                tracing::warn!("webhook {}: {pause_reason}", w.code);
            }
        }
        Ok(())
    }
}
