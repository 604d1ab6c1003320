//! Drives one delivery from its first attempt to its end: waits for the due time, attempts,
//! records, and retries on schedule; hands the delivery back when its webhook is switched
//! off, and waits (without using up attempts) while its secrets cannot be read.

use super::Context;
use super::dispatch::{self, Target};
use super::operational::{self, Operational};
use super::outcome::{self, AttemptRecord, Decision};
use super::target;
use super::{Finish, QueueKey};
use crate::model::DeliveryKind;
use crate::model::WebhookStatus;
use crate::model::operational as op;
use crate::model::time::now_ms;
use crate::store::deliveries::DeliveryRow;
use crate::store::webhooks::WebhookRow;
use crate::{Notice, store};
use std::sync::Arc;
use std::time::Duration;

/// How long a delivery whose row could not be read waits before it is tried again.
const READ_RETRY: Duration = Duration::from_secs(1);
/// The first and the longest wait between tries to read a secret the keyring lacks (the
/// keyring answers; the user must set the secret again, which wakes the delivery at once).
const KEYRING_RETRY_FIRST: Duration = Duration::from_millis(500);
const KEYRING_RETRY_MAX: Duration = Duration::from_secs(30);

enum End {
    /// Succeeded, failed for good, or gone from the table.
    Done,
    /// The webhook is not active: back into its held queue.
    Held,
    /// An unordered queue's delivery waits for its next attempt at this time, without a slot.
    Later(i64),
    /// The engine is shutting down.
    Stopped,
}

pub(super) async fn run(cx: Arc<Context>, key: QueueKey, id: i64, row: Option<Arc<DeliveryRow>>) {
    let scheduler = &cx.scheduler;
    let mut current = Some((id, row));
    while let Some((id, row)) = current.take() {
        let end = drive(&cx, &key, id, row).await;
        current = match end {
            End::Stopped => return,
            End::Later(due) => {
                scheduler.retry_later(&key, id, due);
                scheduler.finished(&cx, &key, id, Finish::Later)
            }
            End::Held => scheduler.finished(&cx, &key, id, Finish::Requeue),
            End::Done => scheduler.finished(&cx, &key, id, Finish::Ended),
        };
    }
}

/// The webhook as configured now (its URL, headers and secrets may have changed): `Err`
/// says how the delivery ends instead.
fn current_webhook(cx: &Arc<Context>, key: &QueueKey) -> Result<Option<Arc<WebhookRow>>, End> {
    match key.webhook_id() {
        Some(webhook_id) => match cx.route(webhook_id) {
            None => Err(End::Done),
            Some(w) if w.status != WebhookStatus::Active => Err(End::Held),
            Some(w) => Ok(Some(w)),
        },
        None => Ok(None),
    }
}

async fn drive(cx: &Arc<Context>, key: &QueueKey, id: i64, row: Option<Arc<DeliveryRow>>) -> End {
    let draining = cx.draining();
    let scheduler = &cx.scheduler;
    let loaded = match row {
        Some(row) => Ok(Some(DeliveryRow::clone(&row))),
        None => cx.db.read(move |conn| store::deliveries::get(conn, id)).await,
    };
    let mut d = match loaded {
        Ok(Some(d)) if d.state == crate::model::DeliveryState::Pending => d,
        Ok(_) => return End::Done,
        Err(e) => {
            tracing::error!("delivery {id} could not be read: {e}; trying again in a second");
            // Not at once: a database that cannot be read now will not be a moment later.
            tokio::select! {
                _ = tokio::time::sleep(READ_RETRY) => return End::Held,
                _ = draining.cancelled() => return End::Stopped,
            }
        }
    };
    let mut keyring_wait = KEYRING_RETRY_FIRST;
    loop {
        let wait = d.next_attempt_at - now_ms();
        if wait > 0 {
            if !scheduler.is_ordered(key) {
                return End::Later(d.next_attempt_at);
            }
            let waker = scheduler.sleeping(id);
            let slept = tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(wait as u64)) => true,
                _ = waker.notified() => {
                    // Retry now.
                    d.next_attempt_at = now_ms();
                    true
                }
                _ = draining.cancelled() => false,
            };
            scheduler.awake(id);
            if !slept {
                return End::Stopped;
            }
        }
        if draining.is_cancelled() {
            return End::Stopped;
        }
        let webhook = match current_webhook(cx, key) {
            Ok(w) => w,
            Err(end) => return end,
        };
        let target = match resolve(cx, webhook.as_deref(), &d).await {
            Ok(t) => {
                if scheduler.set_held_by(key, None) {
                    announce_hold(cx, key);
                }
                t
            }
            Err(e) => {
                // Nothing was sent, so no attempt is used up: the queue waits, as a paused
                // webhook's does, until the keyring answers (or the webhook is saved anew).
                let reason = waiting_for_the_keyring(&e);
                if scheduler.set_held_by(key, Some(reason.clone())) {
                    tracing::warn!("deliveries of {key} wait. {reason}");
                    announce_hold(cx, key);
                }
                let wait = match scheduler.keyring.paused() {
                    Some((until, _)) => until.saturating_duration_since(std::time::Instant::now()),
                    None => keyring_wait,
                };
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = scheduler.keyring.changed.notified() => {}
                    _ = draining.cancelled() => return End::Stopped,
                }
                keyring_wait = (keyring_wait * 2).min(KEYRING_RETRY_MAX);
                continue;
            }
        };
        keyring_wait = KEYRING_RETRY_FIRST;
        let settings = webhook.as_ref().map(|w| w.delivery.clone()).unwrap_or_default();
        let attempt_no = d.attempts_made + 1;
        // An attempt under way is let finish when shutting down (within the engine's grace),
        // so that what it did is recorded and not repeated after the restart.
        let stopped = cx.cancelled();
        let client = cx.client();
        let sent = tokio::select! {
            sent = dispatch::send(&client, &cx.policy, &target, &d.event_id, &d.body) => sent,
            _ = stopped.cancelled() => return End::Stopped,
        };
        let decision = outcome::decide(&sent, attempt_no, d.max_attempts, &settings.retry);
        let counts = d.kind != DeliveryKind::Test && webhook.is_some();
        let counted = (counts && decision.ends()).then(|| cx.scheduler.count_result(key, decision == Decision::Succeeded));
        let failures = counted.map(|(n, _)| n);
        let last = sent.summary_for_pause();
        let exhausted = match &webhook {
            Some(w) if decision == Decision::Failed && operational::reports_exhaustion(&d) => {
                let reason = format!("The delivery used up its {attempt_no} attempts (the last: {last}).");
                let mut report = Operational::about(w, op::EXHAUSTED, op::By::Engine, reason);
                report.delivery = Some(op::ExhaustedDelivery {
                    id: d.id,
                    event_id: d.event_id.clone(),
                    event_type: d.event_type.clone(),
                    attempts: attempt_no,
                });
                Some(report)
            }
            _ => None,
        };
        outcome::record(
            cx,
            AttemptRecord {
                delivery: &d,
                webhook_code: webhook.as_ref().map(|w| w.code.clone()),
                attempt_no,
                sent,
                mask: target.secret_mask(),
                decision,
                // Written only when it changed: most deliveries succeed after a success.
                consecutive_failures: counted.filter(|(_, changed)| *changed).map(|(n, _)| n),
                exhausted,
            },
        );
        d.attempts_made = attempt_no;
        if let Decision::Retry(at) = decision {
            d.next_attempt_at = at;
            continue;
        }
        if d.kind == DeliveryKind::Direct {
            forget_direct_headers(cx, &d);
        }
        if let Some(w) = &webhook {
            if decision == Decision::Gone {
                let reason = format!(
                    "The endpoint answered 410 Gone on {}; Hookdesk deactivated this webhook.",
                    crate::model::time::format_ms(now_ms())
                );
                switch_off(cx, key, &w.id, WebhookStatus::Disabled, reason).await;
            } else if let Some(n) = failures
                && n > 0
                && settings.pause_after_failures > 0
                && n >= settings.pause_after_failures
            {
                let reason = format!("Paused after {n} consecutive failed deliveries (the last: {last}).");
                switch_off(cx, key, &w.id, WebhookStatus::Paused, reason).await;
            }
        }
        return End::Done;
    }
}

/// The panel shows the hold on the webhook and above its queued deliveries.
fn announce_hold(cx: &Arc<Context>, key: &QueueKey) {
    if let Some(w) = key.webhook_id().and_then(|id| cx.route(id)) {
        cx.webhook_changed(&w);
    }
    cx.scheduler.announce(cx, std::slice::from_ref(key));
}

/// "Waiting for the keyring: the OS keyring is not reachable: …", as the panel and the logs say.
fn waiting_for_the_keyring(e: &crate::Error) -> String {
    let cause = e.to_string();
    let mut chars = cause.chars();
    let cause = chars.next().map(|c| c.to_lowercase().chain(chars).collect::<String>()).unwrap_or_default();
    format!("Waiting for the keyring: {cause}")
}

/// Where the attempt goes, with its secrets. Secrets already read are cached; otherwise the
/// keyring is asked on a blocking thread, a few deliveries at a time, and not at all while
/// it was found unreachable a moment ago.
async fn resolve(cx: &Arc<Context>, webhook: Option<&WebhookRow>, d: &DeliveryRow) -> crate::Result<Target> {
    if let Some(t) = cached(cx, webhook, d) {
        return Ok(t);
    }
    let gate = &cx.scheduler.keyring;
    let _permit = gate.permit().await;
    // Another delivery of the same webhook may have read them while this one waited.
    if let Some(t) = cached(cx, webhook, d) {
        return Ok(t);
    }
    if let Some((_, cause)) = gate.paused() {
        return Err(crate::Error::KeyringUnreachable(cause));
    }
    let webhook = webhook.cloned();
    let d = d.clone();
    let resolved = cx
        .with_secrets(move |secrets| match &webhook {
            Some(w) => target::webhook_target(secrets, w),
            None => target::direct_target(secrets, &d),
        })
        .await;
    match &resolved {
        Ok(_) => gate.reachable(),
        Err(crate::Error::KeyringUnreachable(cause)) => gate.unreachable(cause),
        Err(_) => {}
    }
    resolved
}

fn cached(cx: &Arc<Context>, webhook: Option<&WebhookRow>, d: &DeliveryRow) -> Option<Target> {
    match webhook {
        Some(w) => target::cached_webhook_target(&cx.secrets, w),
        None if d.header_names.is_empty() => target::direct_target(&*cx.secrets, d).ok(),
        None => None,
    }
}

/// Pauses or disables a webhook from the engine's side and holds its queue.
async fn switch_off(cx: &Arc<Context>, key: &QueueKey, webhook_id: &str, status: WebhookStatus, reason: String) {
    cx.scheduler.close(key);
    let id = webhook_id.to_string();
    let why = reason.clone();
    let routes = cx.routes();
    let queues = cx.clone();
    let saved = cx
        .db
        .write_then(
            move |conn| {
                let now = now_ms();
                store::webhooks::switch_off(conn, &id, status, &why, now)?;
                let Some(w) = store::webhooks::get(conn, &id)? else {
                    return Ok((None, vec![]));
                };
                let (event_type, by) = match status {
                    WebhookStatus::Paused => (op::PAUSED, op::By::Engine),
                    _ => (op::DISABLED, op::By::Endpoint),
                };
                let queued = operational::write(conn, &routes, Operational::about(&w, event_type, by, why), now)?;
                Ok((Some(w), queued))
            },
            move |(_, queued): &(Option<WebhookRow>, Vec<super::Queued>)| queues.enqueue(queued.iter().cloned()),
        )
        .await
        .map(|(w, _)| w);
    match saved {
        Ok(Some(w)) => {
            cx.config_changed().await;
            match status {
                WebhookStatus::Paused => {
                    cx.notify(Notice::WebhookPaused { webhook_id: w.id.clone(), code: w.code.clone(), reason });
                }
                WebhookStatus::Disabled => {
                    cx.notify(Notice::WebhookDisabled { webhook_id: w.id.clone(), code: w.code.clone(), reason });
                }
                WebhookStatus::Active => {}
            }
            cx.webhook_changed(&w);
        }
        Ok(None) => {}
        Err(e) => tracing::error!("webhook {webhook_id} could not be switched off: {e}"),
    }
}

/// A direct delivery's header values leave the keyring once it has ended.
fn forget_direct_headers(cx: &Arc<Context>, d: &DeliveryRow) {
    if d.header_names.is_empty() {
        return;
    }
    let names = d.header_names.clone();
    let event_id = d.event_id.clone();
    let worker = cx.clone();
    cx.spawn_delivery(async move {
        let result = worker
            .with_secrets(move |secrets| {
                names.iter().try_for_each(|name| secrets.delete(&crate::secrets::account::direct_header(&event_id, name)))
            })
            .await;
        if let Err(e) = result {
            tracing::warn!("a direct delivery's header values could not be removed from the keyring: {e}");
        }
    });
}
