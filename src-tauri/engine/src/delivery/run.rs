//! Drives one delivery from its first attempt to its end: waits for the due time, attempts,
//! records, and retries on schedule; hands the delivery back when its webhook is switched off.

use super::QueueKey;
use super::dispatch::{self, Sent, Target};
use super::outcome::{self, AttemptRecord, Decision};
use super::target;
use crate::model::WebhookStatus;
use crate::model::time::now_ms;
use crate::store::deliveries::{DeliveryKind, DeliveryRow};
use crate::{Engine, Notice, store};
use std::sync::Arc;
use std::time::Duration;

/// How long a delivery whose row could not be read waits before it is tried again.
const READ_RETRY: Duration = Duration::from_secs(1);

enum End {
    /// Succeeded, failed for good, or gone from the table.
    Done,
    /// The webhook is not active: back into its held queue.
    Held,
    /// The engine is shutting down.
    Stopped,
}

pub(super) async fn run(engine: Engine, key: QueueKey, id: i64, row: Option<Arc<DeliveryRow>>) {
    let mut current = Some((id, row));
    while let Some((id, row)) = current.take() {
        let end = drive(&engine, &key, id, row).await;
        if matches!(end, End::Stopped) {
            return;
        }
        current = engine.inner.scheduler.finished(&engine, &key, id, matches!(end, End::Held));
    }
}

async fn drive(engine: &Engine, key: &QueueKey, id: i64, row: Option<Arc<DeliveryRow>>) -> End {
    let loaded = match row {
        Some(row) => Ok(Some(DeliveryRow::clone(&row))),
        None => engine.db().read(move |conn| store::deliveries::get(conn, id)).await,
    };
    let cancel = engine.cancelled();
    let mut d = match loaded {
        Ok(Some(d)) if d.state == "pending" => d,
        Ok(_) => return End::Done,
        Err(e) => {
            tracing::error!("delivery {id} could not be read: {e}; trying again in a second");
            // Not at once: a database that cannot be read now will not be a moment later.
            tokio::select! {
                _ = tokio::time::sleep(READ_RETRY) => return End::Held,
                _ = cancel.cancelled() => return End::Stopped,
            }
        }
    };
    loop {
        let wait = d.next_attempt_at - now_ms();
        if wait > 0 {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(wait as u64)) => {}
                _ = cancel.cancelled() => return End::Stopped,
            }
        }
        // The webhook as configured now: its URL, headers and secrets may have changed.
        let webhook = match key {
            Some(webhook_id) => match engine.route(webhook_id) {
                None => return End::Done,
                Some(w) if w.status != WebhookStatus::Active => return End::Held,
                Some(w) => Some(w),
            },
            None => None,
        };
        let settings = webhook.as_ref().map(|w| w.delivery.clone()).unwrap_or_default();
        let attempt_no = d.attempts_made + 1;
        let sent = tokio::select! {
            sent = attempt(engine, webhook.as_deref(), &d) => sent,
            _ = cancel.cancelled() => return End::Stopped,
        };
        let decision = outcome::decide(&sent, attempt_no, d.max_attempts, &settings.retry);
        let counts = d.kind != DeliveryKind::Test && webhook.is_some();
        let counted = (counts && decision.ends()).then(|| engine.inner.scheduler.count_result(key, decision == Decision::Succeeded));
        let failures = counted.map(|(n, _)| n);
        let status = sent.status();
        outcome::record(
            engine,
            AttemptRecord {
                delivery: &d,
                webhook_code: webhook.as_ref().map(|w| w.code.clone()),
                attempt_no,
                sent,
                decision,
                // Written only when it changed: most deliveries succeed after a success.
                consecutive_failures: counted.filter(|(_, changed)| *changed).map(|(n, _)| n),
            },
        );
        d.attempts_made = attempt_no;
        if let Decision::Retry(at) = decision {
            d.next_attempt_at = at;
            continue;
        }
        if d.kind == DeliveryKind::Direct {
            forget_direct_headers(engine, &d);
        }
        if let Some(w) = &webhook {
            if decision == Decision::Gone {
                let reason = format!(
                    "The endpoint answered 410 Gone on {}; Hookdesk deactivated this webhook.",
                    crate::model::time::format_ms(now_ms())
                );
                switch_off(engine, key, &w.id, WebhookStatus::Disabled, reason).await;
            } else if let Some(n) = failures
                && n > 0
                && settings.pause_after_failures > 0
                && n >= settings.pause_after_failures
            {
                let last = status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "no response".into());
                let reason =
                    format!("Paused after {n} consecutive failed deliveries (the last: {last}). Resume to deliver the held events.");
                switch_off(engine, key, &w.id, WebhookStatus::Paused, reason).await;
            }
        }
        return End::Done;
    }
}

/// Makes one attempt; a target that cannot be resolved (keyring trouble) is a failed attempt
/// with the cause as its error.
async fn attempt(engine: &Engine, webhook: Option<&store::webhooks::WebhookRow>, d: &DeliveryRow) -> Sent {
    // Secrets already read are cached: then no trip to a blocking thread is needed.
    if let Some(t) = webhook.and_then(|w| target::cached_webhook_target(engine, w)) {
        return dispatch::send(&engine.client(), engine.policy(), &t, &d.event_id, &d.body).await;
    }
    let resolved: crate::Result<Target> = {
        let engine = engine.clone();
        let webhook = webhook.cloned();
        let d = d.clone();
        engine
            .clone()
            .blocking(move |e| match &webhook {
                Some(w) => target::webhook_target(e, w),
                None => target::direct_target(e, &d),
            })
            .await
    };
    match resolved {
        Ok(t) => dispatch::send(&engine.client(), engine.policy(), &t, &d.event_id, &d.body).await,
        Err(e) => Sent {
            request_url: webhook.map(|w| w.url.clone()).or_else(|| d.url.clone()).unwrap_or_default(),
            request_headers: Default::default(),
            executed_at_ms: now_ms(),
            duration_ms: 0,
            response: None,
            error: Some(("keyring".into(), e.to_string())),
        },
    }
}

/// Pauses or disables a webhook from the engine's side and holds its queue.
async fn switch_off(engine: &Engine, key: &QueueKey, webhook_id: &str, status: WebhookStatus, reason: String) {
    engine.inner.scheduler.close(key);
    let id = webhook_id.to_string();
    let why = reason.clone();
    let saved = engine
        .db()
        .write(move |conn| {
            conn.prepare_cached(
                "UPDATE webhooks SET status = ?2, status_reason = ?3, updated_at = ?4 WHERE id = ?1 AND status = 'active'",
            )?
            .execute(rusqlite::params![id, status.as_str(), why, now_ms()])?;
            store::webhooks::get(conn, &id)
        })
        .await;
    match saved {
        Ok(Some(w)) => {
            engine.config_changed().await;
            if status == WebhookStatus::Paused {
                engine.notify(Notice::WebhookPaused { webhook_id: w.id.clone(), code: w.code.clone(), reason });
            }
            engine.notify(Notice::WebhooksChanged);
        }
        Ok(None) => {}
        Err(e) => tracing::error!("webhook {webhook_id} could not be switched off: {e}"),
    }
}

/// A direct delivery's header values leave the keyring once it has ended.
fn forget_direct_headers(engine: &Engine, d: &DeliveryRow) {
    if d.header_names.is_empty() {
        return;
    }
    let names = d.header_names.clone();
    let event_id = d.event_id.clone();
    let engine = engine.clone();
    engine.clone().spawn(async move {
        let result = engine
            .blocking(move |e| {
                for name in &names {
                    e.secrets().delete(&crate::secrets::account::direct_header(&event_id, name))?;
                }
                Ok(())
            })
            .await;
        if let Err(e) = result {
            tracing::warn!("a direct delivery's header values could not be removed from the keyring: {e}");
        }
    });
}
