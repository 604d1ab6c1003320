//! What the command line does to a team database directly, without a running engine: accept
//! an event (checked as the Events API checks it, routed as the engine routes it) and import
//! a configuration file (checked as the panel's import checks it, written in one transaction,
//! secrets sealed with the team's key). The workers pick up both from the database.

use crate::error::Result;
use crate::ingest::{Accepted, AcceptedDelivery};
use crate::model::event::EventInput;
use crate::model::time::now_ms;
use crate::model::{DeliveryId, WebhookId};
use crate::sealed::SecretKey;
use crate::secrets::account;
use crate::signing::SigningSecret;
use crate::store::pg::{NewDelivery, PgStore};
use crate::store::webhooks::WebhookRow;
use crate::transfer::{ConfigExport, Existing, ImportPlan, ImportReport, plan_import};
use crate::webhooks::status_after_save;

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
    let catalog = crate::catalog::Catalog::new(store.event_types().await?);
    let ImportPlan { mut report, event_types, webhooks } = plan_import(export, &existing, catalog)?;
    let types = event_types.iter().map(crate::catalog::custom::checked_event_type).collect::<Result<Vec<_>>>()?;
    report.event_types = types.len();
    let now = now_ms();
    let (mut rows, mut secrets) = (Vec::new(), Vec::new());
    for (id, input) in webhooks {
        let before = id.as_ref().and_then(|id| current.iter().find(|w| &w.id == id));
        let id = id.unwrap_or_else(WebhookId::generate);
        let header_names: Vec<String> = input.headers.iter().map(|h| h.name.clone()).collect();
        for h in &input.headers {
            if let Some(value) = h.new_value() {
                secrets.push((account::header(&id, &h.name), Some(value.to_string())));
            }
        }
        match (&input.secret, before) {
            (Some(secret), _) => {
                secrets.push((account::signing_secret(&id), Some(secret.clone())));
                secrets.push((account::previous_signing_secret(&id), None));
            }
            (None, None) => secrets.push((account::signing_secret(&id), Some(SigningSecret::generate()))),
            (None, Some(_)) => {}
        }
        if let Some(before) = before {
            for old in before.header_names.iter().filter(|old| !header_names.iter().any(|n| n.eq_ignore_ascii_case(old))) {
                secrets.push((account::header(&id, old), None));
            }
        }
        let (status, status_reason, consecutive_failures) = status_after_save(input.active, before);
        let code = input.code.clone().unwrap_or_default();
        rows.push(WebhookRow {
            id,
            code: code.clone(),
            name: input.name,
            url: input.url,
            description: input.description,
            events: input.events,
            filters: input.filters,
            header_names,
            delivery: input.delivery,
            consecutive_failures,
            status,
            status_reason,
            previous_secret_until: before.filter(|_| input.secret.is_none()).and_then(|b| b.previous_secret_until),
            created_at: before.map_or(now, |b| b.created_at),
            updated_at: now,
        });
        if before.is_some() { report.updated.push(code) } else { report.created.push(code) }
    }
    store.import(key, &types, &rows, &secrets, now).await?;
    Ok(report)
}

/// A webhook's newest `limit` attempts in the team database, as `hookdesk logs` prints them:
/// `{"attempts": [...], "total": n}`, the fields named as the Events API names them.
pub async fn logs(store: &PgStore, id_or_code: &str, limit: u32) -> Result<serde_json::Value> {
    let webhook = webhook_row(store, id_or_code).await?;
    let (attempts, total) = store.attempts_of(&webhook.id, i64::from(limit)).await?;
    let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap_or_else(|_| serde_json::Value::String(text.into()));
    let attempts: Vec<serde_json::Value> = attempts
        .into_iter()
        .map(|a| {
            serde_json::json!({
                "executed_at": crate::model::time::format_ms(a.executed_at),
                "result": if a.succeeded { "success" } else { "failed" },
                "status_code": a.status_code,
                "error_kind": a.error_kind,
                "error": a.error,
                "test": a.test,
                "attempt": a.attempt,
                "attempts": a.max_attempts,
                "duration_ms": a.duration_ms,
                "event_type": a.event_type,
                "event_id": a.event_id,
                "request": {"url": a.request_url, "headers": json(&a.request_headers)},
                "response": {
                    "headers": a.response_headers.as_deref().map(json),
                    "body": a.response_body.map(|b| String::from_utf8_lossy(&b).into_owned()),
                },
            })
        })
        .collect();
    Ok(serde_json::json!({"attempts": attempts, "total": total}))
}

/// The team's webhooks, by code, as the panel and the API show them (header values masked).
pub async fn webhooks(store: &PgStore) -> Result<Vec<crate::model::Webhook>> {
    Ok(store.webhooks().await?.iter().map(WebhookRow::view).collect())
}

/// One of the team's webhooks, by id or code.
pub async fn webhook(store: &PgStore, id_or_code: &str) -> Result<crate::model::Webhook> {
    Ok(webhook_row(store, id_or_code).await?.view())
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
