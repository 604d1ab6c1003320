//! What the Events API, the command line and the desktop do to a team database, by the same
//! rules as on a desktop's own: events accepted and routed as the engine routes them, webhooks
//! checked and saved as the panel saves them (secrets sealed with the team's key, in the same
//! transaction), the logs, queue and health read as the panel reads them, whichever worker
//! made them. The workers pick up every change from the database.

use crate::error::{Error, Result};
use crate::ingest::{Accepted, AcceptedDelivery};
use crate::logs::{AttemptDetail, QueuedLogs, WebhookActivity};
use crate::model::attempt::{Attempt, AttemptSummary};
use crate::model::event::EventInput;
use crate::model::log_filter::{LogFilter, LogScope};
use crate::model::time::now_ms;
use crate::model::{AttemptId, DeliveryId, WebhookId};
use crate::model::{Webhook, WebhookInput};
use crate::sealed::SecretKey;
use crate::secrets::account;
use crate::signing::SigningSecret;
use crate::stats::{HealthBars, Stats, StatsWindow};
use crate::store::pg::{NewDelivery, PgStore};
use crate::store::webhooks::WebhookRow;
use crate::test_event::{TestRequest, TestResult, prepare_test};
use crate::transfer::{ConfigExport, Existing, ImportPlan, ImportReport, plan_import};
use crate::webhooks::{Edit, FormCheck, NewWebhook, edit_webhook, form_check, new_webhook, owner_in, pick_code};
use std::collections::HashMap;

/// Accepts an event into the team database: one delivery per webhook that wants it, in code
/// order, committed with the event before this returns. A repeated caller id answers the same.
pub async fn accept_event(store: &PgStore, input: EventInput) -> Result<Accepted> {
    let now = now_ms();
    let row = crate::ingest::event_row(input, now)?;
    let webhooks = store.webhooks().await?;
    let key = crate::delivery::fanout::key_of(&row);
    let to: Vec<NewDelivery> = webhooks
        .iter()
        .filter(|w| crate::matching::wants(w, &key))
        .map(|w| NewDelivery { webhook_id: w.id.as_str(), max_attempts: w.delivery.attempts })
        .collect();
    let accepted = store.accept_event(&row, &to, now).await?;
    let deliveries =
        accepted.deliveries.into_iter().map(|(id, code)| AcceptedDelivery { id: DeliveryId(id), webhook_code: code }).collect();
    Ok(Accepted { event_id: row.id, deliveries })
}

/// Imports a configuration file into the team database: custom types, then each webhook
/// created or, when its code exists, updated; everything checked first, and written whole
/// or not at all. Header values and signing secrets are sealed with `key`.
pub async fn import_config(store: &PgStore, key: &SecretKey, export: ConfigExport) -> Result<ImportReport> {
    let current = store.webhooks().await?;
    let existing: Vec<Existing> =
        current.iter().map(|w| Existing { id: w.id.clone(), code: w.code.clone(), header_names: w.header_names.clone() }).collect();
    let custom = store.event_types().await?;
    let ImportPlan { mut report, event_types, webhooks } = plan_import(export, &existing, crate::catalog::Catalog::new(custom.clone()))?;
    let types = event_types.iter().map(crate::catalog::custom::checked_event_type).collect::<Result<Vec<_>>>()?;
    report.event_types = types.len();
    // The webhooks are saved with the file's types in the catalog, as the plan checked them.
    let mut with_file: Vec<_> = custom.into_iter().filter(|t| !types.iter().any(|(name, ..)| *name == t.name)).collect();
    for (name, description, sample) in &types {
        with_file.push(crate::store::event_types::custom(name.clone(), description.clone(), sample.clone())?);
    }
    let catalog = crate::catalog::Catalog::new(with_file);
    let now = now_ms();
    let (mut rows, mut secrets) = (Vec::new(), Vec::new());
    // The rules of the panel's create and edit: the secrets each changes, the status each sets.
    for (id, input) in webhooks {
        let code = input.code.clone().unwrap_or_default();
        match id.as_ref().and_then(|id| current.iter().find(|w| &w.id == id)) {
            Some(before) => {
                let Edit { row, secrets: changed, removed_headers } = edit_webhook(before, input, &catalog, now)?;
                secrets.extend(changed);
                secrets.extend(removed_headers.iter().map(|name| (account::header(&row.id, name), None)));
                rows.push(row);
                report.updated.push(code);
            }
            None => {
                let NewWebhook { row, secrets: set, .. } = new_webhook(&input, now);
                secrets.extend(set);
                rows.push(row);
                report.created.push(code);
            }
        }
    }
    store.import(key, &types, &rows, &secrets, now).await?;
    Ok(report)
}

/// A page of the team's logs, newest first, with how many attempts match: the same rows
/// as the local logs, whichever worker made them.
pub async fn logs_page(store: &PgStore, scope: LogScope, filter: LogFilter, limit: u32, offset: u32) -> Result<(Vec<Attempt>, u64)> {
    store.attempts_page(&scope, &filter, limit, offset).await
}

/// A webhook's newest `limit` attempts, as `GET /v1/webhooks/{id}/logs` answers them.
pub async fn logs(store: &PgStore, id_or_code: &str, limit: u32) -> Result<serde_json::Value> {
    let webhook = webhook_row(store, id_or_code).await?;
    let (attempts, total) = logs_page(store, LogScope::Webhook(webhook.id), LogFilter::default(), limit, 0).await?;
    Ok(serde_json::json!({"attempts": attempts, "total": total, "limit": limit, "offset": 0}))
}

/// Creates a webhook in the team database, checked as the panel checks it, its header values
/// and signing secret sealed with `key` and written with it in one transaction. Every worker
/// routes events to it from the next event on.
pub async fn create_webhook(store: &PgStore, key: &SecretKey, mut input: WebhookInput) -> Result<Webhook> {
    input.normalize();
    let catalog = catalog(store).await?;
    let errors = input.validate(&catalog, &[]).errors;
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let now = now_ms();
    let NewWebhook { mut row, secrets, explicit_code } = new_webhook(&input, now);
    let current = store.webhooks().await?;
    // Two desktops choosing the same code at once: the database's unique code refuses the second.
    pick_code(&mut row, explicit_code, |c| current.iter().find(|w| w.code == c).map(|w| w.name.clone()))?;
    store.import(key, &[], std::slice::from_ref(&row), &secrets, now).await?;
    Ok(row.view())
}

/// Applies a JSON merge patch to one of the team's webhooks, checked as the panel checks an
/// edit; its secrets change in the same transaction. Switched on, a paused webhook's held
/// deliveries go out again, in order, through whichever workers claim them.
pub async fn patch_webhook(store: &PgStore, key: &SecretKey, id_or_code: &str, patch: serde_json::Value) -> Result<Webhook> {
    crate::webhooks::patch_is_object(&patch)?;
    let existing = webhook_row(store, id_or_code).await?;
    let input = crate::webhooks::patched_input(&existing, patch)?;
    save_edit(store, key, &existing, input).await
}

/// A webhook's current signing secret, opened with `key`, for an explicit reveal.
pub async fn signing_secret(store: &PgStore, key: &SecretKey, id_or_code: &str) -> Result<(String, Option<String>)> {
    let row = webhook_row(store, id_or_code).await?;
    let secret = store
        .secret(key, &account::signing_secret(&row.id))
        .await?
        .ok_or_else(|| Error::Keyring(format!("The signing secret of {} is missing from the team database.", row.code)))?;
    Ok((secret.to_string(), row.view().previous_secret_until))
}

/// Replaces a webhook's signing secret; the previous one keeps signing alongside for 24 hours,
/// on every worker.
pub async fn rotate_secret(store: &PgStore, key: &SecretKey, id_or_code: &str) -> Result<Webhook> {
    let row = webhook_row(store, id_or_code).await?;
    let now = now_ms();
    store.rotate_secret(key, &row.id, &SigningSecret::generate(), now + crate::webhooks::PREVIOUS_SECRET_MS, now).await?;
    webhook(store, &row.id).await
}

/// Makes a delivery waiting for a retry due now.
pub async fn retry_now(store: &PgStore, delivery: DeliveryId) -> Result<()> {
    if !store.retry_now(delivery.0, now_ms()).await? {
        return Err(Error::Conflict(format!(
            "The delivery {delivery} is not waiting for a retry: it has ended, or its first attempt is still to come."
        )));
    }
    Ok(())
}

/// A new delivery of a logged delivery's event to its webhook's current configuration.
pub async fn resend(store: &PgStore, delivery: DeliveryId) -> Result<DeliveryId> {
    match store.resend(delivery.0, default_attempts(), now_ms()).await? {
        Some(id) => Ok(DeliveryId(id)),
        None => Err(DeliveryId::not_found(&delivery.to_string())),
    }
}

/// **Test** on a team database: the sample sent at once from this process with the form's
/// values (the stored ones, opened with `key`, where it leaves them masked) and, for a saved
/// webhook, logged with a test badge.
pub async fn send_test(
    store: &PgStore,
    key: &SecretKey,
    client: &reqwest::Client,
    policy: &crate::net::NetworkPolicy,
    req: TestRequest,
) -> Result<TestResult> {
    use crate::delivery::target::{Opened, accounts_of};
    let saved = match &req.webhook_id {
        Some(id) => Some(webhook_row(store, id).await?),
        None => None,
    };
    let catalog = catalog(store).await?;
    let test = prepare_test(req, saved.as_ref(), &catalog, now_ms())?;
    let opened = match &saved {
        Some(w) => Opened(store.secrets(key, &accounts_of(w)).await?),
        None => Opened(Default::default()),
    };
    let target = test.target(&opened, saved.as_ref())?;
    let (mut result, log) = test.send(client, policy, &target, saved.as_ref()).await;
    let (Some(w), Some((_, attempt))) = (&saved, log) else { return Ok(result) };
    let request_headers = serde_json::to_string(&attempt.request_headers)?;
    let response_headers = attempt.response_headers.as_ref().map(serde_json::to_string).transpose()?;
    let record = crate::store::pg::AttemptRecord::of(&attempt, &request_headers, response_headers.as_deref());
    let (id, _) = store.record_test(&test.event, &w.id, &test.body, &record).await?;
    result.attempt_id = Some(crate::model::AttemptId(id));
    Ok(result)
}

/// **Recover** on a team database: every event whose latest delivery to the webhook failed
/// within the window is delivered again, in acceptance order, by whichever workers claim them.
pub async fn recover(store: &PgStore, id_or_code: &str, window: &crate::recover::RecoverWindow) -> Result<crate::recover::Recovered> {
    let row = webhook_row(store, id_or_code).await?;
    crate::recover::may_recover(&row)?;
    let (since, until) = window.bounds(crate::team::retention_days(store).await?)?;
    let attempts = i32::try_from(row.delivery.attempts).unwrap_or(i32::MAX);
    let ids = store.recover(&row.id, since, until, attempts, now_ms()).await?;
    Ok(crate::recover::recovered(&ids))
}

/// The health of the team's deliveries over the window: all of them (`None`), or one
/// webhook's with its status; whichever worker made the attempts.
pub async fn stats(store: &PgStore, id_or_code: Option<&str>, window: StatsWindow) -> Result<Stats> {
    let row = match id_or_code {
        Some(id) => Some(webhook_row(store, id).await?),
        None => None,
    };
    let webhook = row.as_ref().map(|w| w.id.as_str());
    let now = now_ms();
    let (step, _) = window.steps();
    let (counts, waiting) = tokio::try_join!(store.attempt_counts(webhook, window.first(now), step), store.pending_count(webhook))?;
    let mut stats = crate::stats::from_counts(window, &counts, now, waiting);
    stats.status = row.map(|w| w.status);
    Ok(stats)
}

/// A one-off delivery to a URL without a saved webhook, checked as the local engine checks
/// it; its header values are kept sealed in the team database until the delivery ends.
pub async fn deliver_direct(store: &PgStore, key: &SecretKey, input: crate::ingest::DirectDeliveryInput) -> Result<DeliveryId> {
    let crate::ingest::Direct { event, url, headers, names, body } = crate::ingest::direct_delivery(input, now_ms())?;
    let secrets: Vec<(String, String)> =
        headers.into_iter().map(|(name, value)| (account::direct_header(&event.id, &name), value)).collect();
    Ok(DeliveryId(store.accept_direct(key, &event, &url, &names, &body, default_attempts(), &secrets).await?))
}

/// Deletes one of the team's webhooks, with its queue, its logs and its sealed secrets.
pub async fn delete_webhook(store: &PgStore, id_or_code: &str) -> Result<()> {
    let row = webhook_row(store, id_or_code).await?;
    if !store.delete_webhook(&row.id).await? {
        return Err(crate::webhooks::not_found(id_or_code));
    }
    Ok(())
}

/// The team's webhooks, by code, as the panel and the API show them (header values masked).
pub async fn webhooks(store: &PgStore) -> Result<Vec<crate::model::Webhook>> {
    Ok(store.webhooks().await?.iter().map(WebhookRow::view).collect())
}

/// One of the team's webhooks, by id or code.
pub async fn webhook(store: &PgStore, id_or_code: &str) -> Result<crate::model::Webhook> {
    Ok(webhook_row(store, id_or_code).await?.view())
}

/// The attempts of a delivery without a webhook (direct, or resent direct): the default's.
fn default_attempts() -> i32 {
    i32::try_from(crate::model::DeliverySettings::default().attempts).unwrap_or(i32::MAX)
}

async fn webhook_row(store: &PgStore, id_or_code: &str) -> Result<WebhookRow> {
    store.webhook(id_or_code).await?.ok_or_else(|| crate::webhooks::not_found(id_or_code))
}

/// The team's configuration as an export file holds it; with secrets (opened with `key`)
/// when `key` is given.
pub async fn export_config(store: &PgStore, key: Option<&SecretKey>) -> Result<ConfigExport> {
    let rows = store.webhooks().await?;
    let custom = store.event_types().await?;
    let opened = match key {
        Some(key) => {
            let mut accounts: Vec<String> = rows.iter().map(|w| account::signing_secret(&w.id)).collect();
            accounts.extend(rows.iter().flat_map(|w| w.header_names.iter().map(|n| account::header(&w.id, n))));
            store.secrets(key, &accounts).await?
        }
        None => Default::default(),
    };
    crate::transfer::build_export(rows, custom, key.is_some(), |account, what| {
        opened
            .get(account)
            .map(|v| v.to_string())
            .ok_or_else(|| crate::error::Error::Keyring(format!("{what} is missing from the team database; set it again.")))
    })
}

/// The team's event catalog: the built-in types and the team's own.
pub async fn catalog(store: &PgStore) -> Result<crate::catalog::Catalog> {
    Ok(crate::catalog::Catalog::new(store.event_types().await?))
}

/// Checks a settings form against the team's webhooks and catalog, as the local panel does.
pub async fn check_webhook(store: &PgStore, mut input: WebhookInput, existing_id: Option<WebhookId>) -> Result<FormCheck> {
    input.normalize();
    let existing = match &existing_id {
        Some(id) => Some(webhook_row(store, id).await?),
        None => None,
    };
    let (catalog, rows) = tokio::try_join!(catalog(store), store.webhooks())?;
    let codes: Vec<(String, String)> = rows.into_iter().map(|w| (w.code, w.name)).collect();
    Ok(form_check(&input, existing.as_ref(), &catalog, owner_in(&codes)))
}

/// Saves the settings panel's form over one of the team's webhooks (its Code cannot change),
/// its secrets in the same transaction. Switched on, a paused webhook's held deliveries go
/// out again, in order, through whichever workers claim them.
pub async fn update_webhook(store: &PgStore, key: &SecretKey, id_or_code: &str, input: WebhookInput) -> Result<Webhook> {
    let existing = webhook_row(store, id_or_code).await?;
    save_edit(store, key, &existing, input).await
}

async fn save_edit(store: &PgStore, key: &SecretKey, existing: &WebhookRow, input: WebhookInput) -> Result<Webhook> {
    let catalog = catalog(store).await?;
    let now = now_ms();
    let Edit { row, mut secrets, removed_headers } = edit_webhook(existing, input, &catalog, now)?;
    secrets.extend(removed_headers.iter().map(|name| (account::header(&row.id, name), None)));
    store.import(key, &[], std::slice::from_ref(&row), &secrets, now).await?;
    if row.status == crate::model::WebhookStatus::Active && existing.status != row.status {
        store.notify(crate::store::pg::WORK_CHANNEL, "").await?;
    }
    Ok(row.view())
}

/// Switches the chosen webhooks on or off (the list's selection), each as its settings
/// panel's Active switch would.
pub async fn set_webhooks_active(store: &PgStore, key: &SecretKey, ids: Vec<WebhookId>, active: bool) -> Result<Vec<Webhook>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in &ids {
        out.push(patch_webhook(store, key, id, serde_json::json!({ "active": active })).await?);
    }
    Ok(out)
}

/// A custom header's value, opened with `key`, for an explicit reveal.
pub async fn reveal_header(store: &PgStore, key: &SecretKey, id_or_code: &str, name: &str) -> Result<String> {
    let row = webhook_row(store, id_or_code).await?;
    let stored = crate::webhooks::stored_header(&row, name)?;
    let value = store.secret(key, &account::header(&row.id, stored)).await?;
    value.map(|v| v.to_string()).ok_or_else(|| {
        Error::Keyring(format!("The value of header {stored} of {} is missing from the team database; set it again.", row.code))
    })
}

/// The Logs list's rows, newest first (a page: `limit` from `offset`).
pub async fn log_rows(store: &PgStore, scope: LogScope, filter: LogFilter, limit: u32, offset: u32) -> Result<Vec<AttemptSummary>> {
    store.attempt_summaries(&scope, &filter, limit.clamp(1, crate::logs::MAX_PAGE), offset).await
}

pub async fn count_logs(store: &PgStore, scope: LogScope, filter: LogFilter) -> Result<u64> {
    store.count_attempts(&scope, &filter).await
}

/// Deliveries waiting for their first attempt, newest first, as PENDING rows.
pub async fn queued_logs(store: &PgStore, scope: LogScope, filter: LogFilter, limit: u32) -> Result<QueuedLogs> {
    let (rows, total) = store.queued(&scope, &filter, limit.clamp(1, crate::logs::MAX_PAGE)).await?;
    // A team worker holds no queue for a missing keyring: nothing else holds them.
    Ok(QueuedLogs { rows, total, held_by: None })
}

/// One attempt with its request and response, and the other attempts of its delivery.
pub async fn attempt(store: &PgStore, id: AttemptId) -> Result<AttemptDetail> {
    match store.attempt_detail(id.0).await? {
        Some((attempt, delivery_attempts)) => Ok(AttemptDetail { attempt, delivery_attempts }),
        None => Err(AttemptId::not_found(&id.to_string())),
    }
}

/// Each webhook's last attempt and how many of its deliveries wait, whichever worker made them.
pub async fn activity(store: &PgStore) -> Result<HashMap<WebhookId, WebhookActivity>> {
    let (latest, pending) = store.activity().await?;
    Ok(crate::logs::activity_of(latest, pending))
}

/// Each webhook's last 24 hours, hour by hour (the list's bars), counted from the attempts.
pub async fn health_bars(store: &PgStore) -> Result<HashMap<WebhookId, HealthBars>> {
    let first = crate::stats::bars_first(now_ms());
    Ok(crate::stats::bars_of(first, store.hourly_per_webhook(first).await?))
}

/// **Resend selected**: the chosen deliveries again, oldest event first.
pub async fn resend_deliveries(store: &PgStore, mut deliveries: Vec<DeliveryId>) -> Result<crate::ingest::Resent> {
    deliveries.sort_by_key(|d| d.0);
    deliveries.dedup();
    let ids: Vec<i64> = deliveries.iter().map(|d| d.0).collect();
    let sent = store.resend_many(&ids, default_attempts(), now_ms()).await?;
    Ok(crate::ingest::Resent { deliveries: sent, skipped: (ids.len() as u64).saturating_sub(sent) })
}

/// How many deliveries **Resend all matching** would send again (Tests aside).
pub async fn count_resendable(store: &PgStore, scope: LogScope, filter: LogFilter) -> Result<u64> {
    Ok(store.resendable(&scope, &filter).await?.len() as u64)
}

/// **Resend all matching**: every delivery with an attempt in the Logs view, again.
pub async fn resend_matching(store: &PgStore, scope: LogScope, filter: LogFilter) -> Result<crate::ingest::Resent> {
    let ids = store.resendable(&scope, &filter).await?;
    resend_deliveries(store, ids.into_iter().map(DeliveryId).collect()).await
}

/// An attempt as a `curl` command, as on a desktop's own logs; with secrets, the header values
/// and signing secrets are opened with `key`.
pub async fn curl_command(store: &PgStore, key: &SecretKey, id: AttemptId, include_secrets: bool) -> Result<String> {
    let found = attempt(store, id).await?.attempt;
    let webhook_id = match crate::curl::curl_needs(&found, include_secrets)? {
        Ok(as_logged) => return Ok(as_logged),
        Err(webhook_id) => webhook_id,
    };
    let row = store.webhook(&webhook_id).await?.ok_or_else(crate::curl::webhook_deleted)?;
    let opened = crate::delivery::target::Opened(store.secrets(key, &crate::delivery::target::accounts_of(&row)).await?);
    let t = crate::delivery::target::webhook_target(&opened, &row)?;
    Ok(crate::curl::signed_command(&found, t))
}

/// How many failed events a recover of the window would deliver again.
pub async fn recoverable(store: &PgStore, id_or_code: &str, window: &crate::recover::RecoverWindow) -> Result<u64> {
    let row = webhook_row(store, id_or_code).await?;
    crate::recover::may_recover(&row)?;
    let (since, until) = window.bounds(crate::team::retention_days(store).await?)?;
    store.recoverable(&row.id, since, until).await
}

/// How a recover's deliveries stand, whichever workers make them.
pub async fn recover_progress(
    store: &PgStore,
    id_or_code: &str,
    recovered: &crate::recover::Recovered,
) -> Result<crate::recover::RecoverProgress> {
    let Some((first, last)) = crate::recover::batch(recovered) else {
        return Ok(crate::recover::RecoverProgress { succeeded: 0, failed: 0, waiting: 0 });
    };
    let row = webhook_row(store, id_or_code).await?;
    let (succeeded, failed, waiting) = store.batch_states(&row.id, first, last).await?;
    Ok(crate::recover::RecoverProgress { succeeded, failed, waiting })
}

/// Takes back a recover's deliveries that no worker has started; returns how many.
pub async fn cancel_recover(store: &PgStore, id_or_code: &str, recovered: &crate::recover::Recovered) -> Result<u64> {
    let Some((first, last)) = crate::recover::batch(recovered) else { return Ok(0) };
    let row = webhook_row(store, id_or_code).await?;
    store.withdraw(&row.id, first, last, now_ms()).await
}

/// Saves one of the team's custom event types (checked as on a desktop); every desktop's
/// catalog has it at its next read.
pub async fn save_event_type(
    store: &PgStore,
    key: &SecretKey,
    input: crate::catalog::CustomEventTypeInput,
) -> Result<crate::catalog::EventType> {
    let checked = crate::catalog::custom::checked_event_type(&input)?;
    store.import(key, std::slice::from_ref(&checked), &[], &[], now_ms()).await?;
    catalog(store).await?.get(&checked.0).cloned().ok_or_else(|| Error::Database("The saved event type could not be read back.".into()))
}

/// Removes one of the team's custom event types; refused while a webhook is subscribed to it.
pub async fn delete_event_type(store: &PgStore, name: &str) -> Result<()> {
    let webhooks = store.webhooks().await?;
    crate::catalog::custom::may_remove(name, webhooks.iter().map(|w| (w.code.as_str(), w.events.as_slice())))?;
    if !store.delete_event_type(name).await? {
        return Err(crate::catalog::custom::no_such_type(name));
    }
    Ok(())
}
