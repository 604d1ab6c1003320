//! Creating, editing, activating and deleting webhooks, with their secrets in the keyring.

use crate::catalog::Catalog;
use crate::delivery::Queued;
use crate::delivery::operational::{self, Operational};
use crate::error::{Error, FieldError, Result};
use crate::model::operational as op;
use crate::model::time::now_ms;
use crate::model::{CODE_FROZEN, Validation, Webhook, WebhookId, WebhookInput, WebhookStatus, suggest_code, unique_code};
use crate::secrets::account;
use crate::signing::SigningSecret;
use crate::store::webhooks::{self as rows, WebhookRow};
use crate::{Engine, Notice};
use serde::Serialize;
use ts_rs::TS;

/// What the settings form needs to know while the user types.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FormCheck {
    pub validation: Validation,
    /// For a new webhook: the Code suggested from the Name, made unique.
    pub suggested_code: Option<String>,
}

/// The code of a webhook created without one whose name has no letters or digits.
pub const FALLBACK_CODE: &str = "webhook";

/// How long a rotated-out signing secret keeps signing alongside the new one.
pub const PREVIOUS_SECRET_MS: i64 = 24 * 3600 * 1000;

pub const DEACTIVATED_BY_USER: &str = "Deactivated by the user.";

fn clash_message(code: &str, owner_name: &str, taken: impl Fn(&str) -> bool) -> String {
    let free = unique_code(code, taken);
    format!("The code {code} is already used by the webhook “{owner_name}”. Try {free}.")
}

/// A saved webhook's status, its reason and its consecutive failures, from the form's Active
/// switch and the webhook as it was (`None`: a new one). Switching it off says so; switching
/// on a paused or disabled one resumes it with the count reset; a webhook left off keeps the
/// state and reason it has (paused stays paused).
pub(crate) fn status_after_save(active: bool, before: Option<&WebhookRow>) -> (WebhookStatus, Option<String>, u32) {
    let was = before.map(|b| b.status);
    let (status, reason) = match (active, was) {
        (true, _) => (WebhookStatus::Active, None),
        (false, None | Some(WebhookStatus::Active)) => (WebhookStatus::Disabled, Some(DEACTIVATED_BY_USER.to_string())),
        (false, Some(other)) => (other, before.and_then(|b| b.status_reason.clone())),
    };
    let failures = match before {
        Some(b) if !(status == WebhookStatus::Active && b.status != WebhookStatus::Active) => b.consecutive_failures,
        _ => 0,
    };
    (status, reason, failures)
}

/// Checks a settings form as either store does while the user types: the field rules, the
/// Code suggested for a new webhook (made unique), and a code another webhook has (`owner_of`
/// names the webhook that has a code) or a saved webhook's code changed.
pub(crate) fn form_check(
    input: &WebhookInput,
    existing: Option<&WebhookRow>,
    catalog: &Catalog,
    owner_of: impl Fn(&str) -> Option<String>,
) -> FormCheck {
    let header_names = existing.map(|e| e.header_names.clone()).unwrap_or_default();
    let mut validation = input.validate(catalog, &header_names);
    let taken = |c: &str| owner_of(c).is_some();
    let suggested_code = existing.is_none().then(|| unique_code(&suggest_code(&input.name), taken));
    match (existing, input.code.as_deref()) {
        (None, Some(code)) if !code.is_empty() => {
            if let Some(owner) = owner_of(code) {
                validation.errors.push(FieldError::new("code", clash_message(code, &owner, taken)));
            }
        }
        (Some(row), Some(code)) if code != row.code => validation.errors.push(FieldError::new("code", CODE_FROZEN)),
        _ => {}
    }
    FormCheck { validation, suggested_code }
}

/// The `owner_of` of [`form_check`] over every webhook's `(code, name)`.
pub(crate) fn owner_in(codes: &[(String, String)]) -> impl Fn(&str) -> Option<String> + '_ {
    |c| codes.iter().find(|(code, _)| code == c).map(|(_, name)| name.clone())
}

/// The name a webhook's custom header is stored under, `name` in any case (either store's).
pub(crate) fn stored_header<'a>(row: &'a WebhookRow, name: &str) -> Result<&'a str> {
    row.header_names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(name))
        .map(String::as_str)
        .ok_or_else(|| Error::NotFound(format!("The webhook {} has no header {name}.", row.code)))
}

/// A new webhook as either store creates it: its row (the code as given, possibly empty;
/// [`pick_code`] settles it under the store's write) and its secrets to store.
pub(crate) struct NewWebhook {
    pub row: WebhookRow,
    /// Accounts and values: the signing secret (given, or generated) and each header's value.
    pub secrets: Vec<(String, Option<String>)>,
    /// The form named the code, rather than leaving it to the name.
    pub explicit_code: bool,
}

/// A new webhook from a checked form.
pub(crate) fn new_webhook(input: &WebhookInput, now: i64) -> NewWebhook {
    let id = WebhookId::generate();
    let secret = input.secret.clone().unwrap_or_else(SigningSecret::generate);
    let mut secrets = vec![(account::signing_secret(&id), Some(secret))];
    secrets.extend(input.headers.iter().map(|h| (account::header(&id, &h.name), Some(h.new_value().unwrap_or_default().to_string()))));
    let row = WebhookRow {
        id,
        code: input.code.clone().unwrap_or_default(),
        name: input.name.clone(),
        url: input.url.clone(),
        description: input.description.clone(),
        events: input.events.clone(),
        filters: input.filters.clone(),
        header_names: input.headers.iter().map(|h| h.name.clone()).collect(),
        delivery: input.delivery.clone(),
        status: if input.active { WebhookStatus::Active } else { WebhookStatus::Disabled },
        status_reason: (!input.active).then(|| DEACTIVATED_BY_USER.to_string()),
        consecutive_failures: 0,
        previous_secret_until: None,
        created_at: now,
        updated_at: now,
    };
    NewWebhook { row, secrets, explicit_code: input.code.is_some() }
}

/// Settles a new webhook's code: one the form named is refused when another webhook has it
/// (`owner_of` names that webhook); otherwise one is made from the name, unique.
pub(crate) fn pick_code(row: &mut WebhookRow, explicit: bool, owner_of: impl Fn(&str) -> Option<String>) -> Result<()> {
    let taken = |c: &str| owner_of(c).is_some();
    if explicit {
        if let Some(owner) = owner_of(&row.code) {
            return Err(Error::Taken(vec![FieldError::new("code", clash_message(&row.code, &owner, taken))]));
        }
    } else {
        // A name with nothing to fold into a code ("🚀") gets the generic one.
        let suggested = suggest_code(&row.name);
        let base = if suggested.is_empty() { FALLBACK_CODE } else { &suggested };
        row.code = unique_code(base, taken);
    }
    Ok(())
}

/// An edit of a saved webhook as either store applies it: the row as it is to be saved, and
/// the secrets the save changes.
pub(crate) struct Edit {
    pub row: WebhookRow,
    /// Header values given, and a replaced signing secret (which ends the previous one).
    pub secrets: Vec<(String, Option<String>)>,
    /// Headers the edit removed: their values are deleted once the row is saved.
    pub removed_headers: Vec<String>,
}

/// Checks an edit of `existing` (its Code cannot change; the form's rules) and works out what
/// saving it writes. Header values left out (or sent masked) keep their stored value.
pub(crate) fn edit_webhook(existing: &WebhookRow, mut input: WebhookInput, catalog: &Catalog, now: i64) -> Result<Edit> {
    if let Some(code) = &input.code
        && code.trim() != existing.code
    {
        return Err(Error::Conflict(format!("{CODE_FROZEN} This webhook's code is {}.", existing.code)));
    }
    input.normalize();
    let errors = input.validate(catalog, &existing.header_names).errors;
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let id = &existing.id;
    let mut secrets: Vec<(String, Option<String>)> =
        input.headers.iter().filter_map(|h| h.new_value().map(|v| (account::header(id, &h.name), Some(v.to_string())))).collect();
    let replaced_secret = input.secret.is_some();
    if let Some(secret) = input.secret.clone() {
        secrets.push((account::signing_secret(id), Some(secret)));
        secrets.push((account::previous_signing_secret(id), None));
    }
    let header_names: Vec<String> = input.headers.iter().map(|h| h.name.clone()).collect();
    let removed_headers: Vec<String> =
        existing.header_names.iter().filter(|old| !header_names.iter().any(|n| n.eq_ignore_ascii_case(old))).cloned().collect();
    let (status, status_reason, consecutive_failures) = status_after_save(input.active, Some(existing));
    let row = WebhookRow {
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
        previous_secret_until: if replaced_secret { None } else { existing.previous_secret_until },
        updated_at: now,
        ..existing.clone()
    };
    Ok(Edit { row, secrets, removed_headers })
}

/// A patch is refused before the webhook is looked for when it is not an object.
pub(crate) fn patch_is_object(patch: &serde_json::Value) -> Result<()> {
    if patch.is_object() { Ok(()) } else { Err(Error::invalid("body", "A webhook patch is a JSON object.")) }
}

/// The form a JSON merge patch (RFC 7396) of `existing` makes, as `PATCH` takes it.
pub(crate) fn patched_input(existing: &WebhookRow, patch: serde_json::Value) -> Result<WebhookInput> {
    patch_is_object(&patch)?;
    let view = existing.view();
    let mut current = serde_json::json!({
        "code": view.code, "name": view.name, "url": view.url, "description": view.description,
        "events": view.events, "filters": view.filters, "active": view.active,
        "headers": view.headers.iter().map(|h| serde_json::json!({"name": h.name})).collect::<Vec<_>>(),
        "delivery": view.delivery, "secret": null,
    });
    // `null` removes a member: a name that is not one is a mistake, not a no-op.
    if let Some(path) = unknown_removal(&patch, &current, "") {
        return Err(Error::invalid(path.clone(), format!("{path} is not a webhook setting.")));
    }
    // A retry policy's kind decides its members: a new one replaces the old whole.
    if let Some(retry) = patch.pointer("/delivery/retry").filter(|r| r.is_object()) {
        if let Some(member) = retry.as_object().and_then(|r| r.iter().find(|(_, v)| v.is_null())) {
            let field = format!("delivery.retry.{}", member.0);
            return Err(Error::invalid(field.clone(), format!("{field}: a retry policy is replaced whole; give its members, not null.")));
        }
        current["delivery"]["retry"] = serde_json::Value::Null;
    }
    json_patch::merge(&mut current, &patch);
    serde_json::from_value(current).map_err(|e| Error::invalid("body", format!("The patch does not fit a webhook: {e}.")))
}

pub(crate) fn not_found(id_or_code: &str) -> Error {
    Error::NotFound(format!("No webhook has the id or code “{id_or_code}”."))
}

impl Engine {
    pub async fn catalog(&self) -> Result<Catalog> {
        let custom = self.db().read(crate::store::event_types::list).await?;
        Ok(Catalog::new(custom))
    }

    pub async fn list_webhooks(&self) -> Result<Vec<Webhook>> {
        let rows = self.db().read(rows::list).await?;
        Ok(rows.iter().map(|r| self.cx().webhook_view(r)).collect())
    }

    pub(crate) async fn webhook_row(&self, id_or_code: &str) -> Result<WebhookRow> {
        let key = id_or_code.to_string();
        self.db().read(move |conn| rows::get(conn, &key)).await?.ok_or_else(|| not_found(id_or_code))
    }

    pub async fn get_webhook(&self, id_or_code: &str) -> Result<Webhook> {
        Ok(self.cx().webhook_view(&self.webhook_row(id_or_code).await?))
    }

    /// Checks a form as the user types: field errors and warnings, plus the Code
    /// suggestion for a webhook that has not been saved yet.
    pub async fn check_webhook(&self, mut input: WebhookInput, existing_id: Option<WebhookId>) -> Result<FormCheck> {
        input.normalize();
        let catalog = self.catalog().await?;
        let existing = match &existing_id {
            Some(id) => Some(self.webhook_row(id).await?),
            None => None,
        };
        let codes: Vec<(String, String)> =
            self.db().read(|conn| Ok(rows::list(conn)?.into_iter().map(|w| (w.code, w.name)).collect())).await?;
        Ok(form_check(&input, existing.as_ref(), &catalog, owner_in(&codes)))
    }

    /// Creates a webhook. Its secrets go to the keyring first: when the keyring cannot be
    /// reached, nothing is written anywhere.
    pub async fn create_webhook(&self, mut input: WebhookInput) -> Result<Webhook> {
        input.normalize();
        let catalog = self.catalog().await?;
        let errors = input.validate(&catalog, &[]).errors;
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let NewWebhook { row, secrets: changes, explicit_code } = new_webhook(&input, now_ms());
        // All or nothing: a keyring failure part way leaves no entry behind.
        let undo = self.blocking(move |e| e.secrets().apply(&changes)).await?;
        let saved = self
            .db()
            .write(move |conn| {
                let mut row = row;
                pick_code(&mut row, explicit_code, |c| rows::code_owner(conn, c).ok().flatten().map(|(_, name)| name))?;
                rows::insert(conn, &row)?;
                Ok(row)
            })
            .await;
        match saved {
            Ok(row) => {
                self.config_changed().await;
                Ok(self.announce(&row))
            }
            Err(e) => {
                self.restore_secrets(undo).await;
                Err(e)
            }
        }
    }

    /// Puts keyring entries back as they were before a save that then failed.
    async fn restore_secrets(&self, undo: crate::secrets::SecretsUndo) {
        let _ = self
            .blocking(move |engine| {
                engine.secrets().restore(undo);
                Ok(())
            })
            .await;
    }

    /// Best-effort removal of a webhook's keyring entries.
    async fn forget_secrets(&self, id: WebhookId, header_names: Vec<String>) {
        let _ = self
            .blocking(move |e| {
                let s = e.secrets();
                let mut accounts = vec![account::signing_secret(&id), account::previous_signing_secret(&id)];
                accounts.extend(header_names.iter().map(|n| account::header(&id, n)));
                for a in accounts {
                    if let Err(err) = s.delete(&a) {
                        tracing::warn!("could not delete a keyring entry of webhook {id}: {err}");
                    }
                }
                Ok(())
            })
            .await;
    }

    /// Replaces a webhook's settings. The Code cannot change once saved; header values left
    /// out (or sent masked) keep their stored value.
    pub async fn update_webhook(&self, id_or_code: &str, input: WebhookInput) -> Result<Webhook> {
        let existing = self.webhook_row(id_or_code).await?;
        let catalog = self.catalog().await?;
        let Edit { row, secrets: changes, removed_headers: removed } = edit_webhook(&existing, input, &catalog, now_ms())?;
        let id = existing.id.clone();
        // Put back as they were when the save fails, so a failed Save changes nothing.
        let undo = self.blocking(move |e| e.secrets().apply(&changes)).await?;
        let report = status_report(&existing, &row);
        let routes = self.routes();
        let engine = self.clone();
        let saved = match self
            .db()
            .write_then(
                move |conn| {
                    rows::update(conn, &row)?;
                    let queued = match report {
                        Some(report) => operational::write(conn, &routes, report, row.updated_at)?,
                        None => vec![],
                    };
                    Ok((row, queued))
                },
                move |(_, queued): &(WebhookRow, Vec<Queued>)| engine.enqueue(queued.iter().cloned()),
            )
            .await
        {
            Ok((saved, _)) => saved,
            Err(e) => {
                self.restore_secrets(undo).await;
                return Err(e);
            }
        };
        if !removed.is_empty() {
            let rid = id.clone();
            self.blocking(move |e| {
                for name in &removed {
                    e.secrets().delete(&account::header(&rid, name))?;
                }
                Ok(())
            })
            .await?;
        }
        self.config_changed().await;
        Ok(self.announce(&saved))
    }

    /// Applies a JSON merge patch (RFC 7396) to a webhook's settings, as `PATCH` does.
    pub async fn patch_webhook(&self, id_or_code: &str, patch: serde_json::Value) -> Result<Webhook> {
        patch_is_object(&patch)?;
        let existing = self.webhook_row(id_or_code).await?;
        let input = patched_input(&existing, patch)?;
        self.update_webhook(&existing.id, input).await
    }

    /// Activates or deactivates several webhooks at once; returns them as saved.
    pub async fn set_webhooks_active(&self, ids: Vec<WebhookId>, active: bool) -> Result<Vec<Webhook>> {
        let now = now_ms();
        let routes = self.routes();
        let engine = self.clone();
        let (changed, _) = self
            .db()
            .write_then(
                move |conn| {
                    let mut out = Vec::new();
                    let mut queued = Vec::new();
                    for id in &ids {
                        let before = rows::get(conn, id)?.ok_or_else(|| not_found(id))?;
                        let (status, reason) = match (active, before.status) {
                            (true, _) => (WebhookStatus::Active, None),
                            (false, WebhookStatus::Active) => (WebhookStatus::Disabled, Some(DEACTIVATED_BY_USER)),
                            (false, s) => (s, before.status_reason.as_deref()),
                        };
                        rows::set_status(conn, &before.id, status, reason, now)?;
                        let after = rows::get(conn, &before.id)?.ok_or_else(|| not_found(id))?;
                        if let Some(report) = status_report(&before, &after) {
                            queued.extend(operational::write(conn, &routes, report, now)?);
                        }
                        out.push(after);
                    }
                    Ok((out, queued))
                },
                move |(_, queued): &(Vec<WebhookRow>, Vec<Queued>)| engine.enqueue(queued.iter().cloned()),
            )
            .await?;
        self.config_changed().await;
        Ok(changed.iter().map(|after| self.announce(after)).collect())
    }

    /// Deletes a webhook, its queue and logs, and its keyring entries.
    pub async fn delete_webhook(&self, id_or_code: &str) -> Result<()> {
        let existing = self.webhook_row(id_or_code).await?;
        let id = existing.id.clone();
        let existing_id = existing.id.clone();
        let cx = self.cx().clone();
        // Out of the routes within the commit's order: no event accepted after the delete is
        // matched to it, and none of its deliveries starts another attempt.
        self.db().write_then(move |conn| rows::delete(conn, &id).map(|_| ()), move |_| cx.forget_route(&existing_id)).await?;
        self.config_changed().await;
        self.notify(Notice::WebhookDeleted { webhook_id: existing.id.clone() });
        self.forget_secrets(existing.id.clone(), existing.header_names.clone()).await;
        Ok(())
    }

    /// The plain value of a custom header, for an explicit reveal.
    pub async fn reveal_header(&self, id_or_code: &str, name: &str) -> Result<String> {
        let row = self.webhook_row(id_or_code).await?;
        let stored = stored_header(&row, name)?.to_string();
        self.blocking(move |e| {
            Ok(e.secrets().require(&account::header(&row.id, &stored), &format!("The value of header {stored}"))?.to_string())
        })
        .await
    }

    /// The current signing secret, for an explicit reveal or copy.
    pub async fn signing_secret(&self, id_or_code: &str) -> Result<String> {
        let row = self.webhook_row(id_or_code).await?;
        self.blocking(move |e| Ok(e.secrets().require(&account::signing_secret(&row.id), "The signing secret")?.to_string())).await
    }

    /// Replaces the signing secret; the previous one keeps signing alongside for 24 hours.
    pub async fn rotate_secret(&self, id_or_code: &str) -> Result<Webhook> {
        let row = self.webhook_row(id_or_code).await?;
        let id = row.id.clone();
        self.blocking(move |e| {
            let s = e.secrets();
            let current = s.require(&account::signing_secret(&id), "The signing secret")?;
            s.set(&account::previous_signing_secret(&id), &current)?;
            s.set(&account::signing_secret(&id), &SigningSecret::generate())
        })
        .await?;
        let until = now_ms() + PREVIOUS_SECRET_MS;
        let id = row.id.clone();
        let saved = self
            .db()
            .write(move |conn| {
                rows::set_previous_secret_until(conn, &id, until, now_ms())?;
                rows::get(conn, &id)?.ok_or_else(|| not_found(&id))
            })
            .await?;
        self.config_changed().await;
        Ok(self.announce(&saved))
    }

    /// Tells the window a webhook's new state; returns it as the caller shows it.
    fn announce(&self, row: &WebhookRow) -> Webhook {
        let view = self.cx().webhook_view(row);
        self.notify(Notice::WebhookChanged { webhook: Box::new(view.clone()) });
        view
    }
}

impl Engine {
    /// Deletes previous signing secrets whose 24 hours are over: they no longer sign, and a
    /// secret that is not needed should not stay in the keyring. Returns how many went.
    pub async fn forget_expired_secrets(&self) -> Result<usize> {
        let now = now_ms();
        let expired: Vec<String> = self.db().read(move |conn| rows::previous_secret_expired(conn, now)).await?;
        for id in &expired {
            let account = account::previous_signing_secret(id);
            self.blocking(move |e| e.secrets().delete(&account)).await?;
            let id = id.clone();
            // Only if no rotation happened meanwhile (it would have set a later time).
            self.db().write(move |conn| rows::forget_previous_secret(conn, &id, now)).await?;
        }
        if !expired.is_empty() {
            self.config_changed().await;
            for id in &expired {
                if let Some(row) = self.route(id) {
                    self.announce(&row);
                }
            }
        }
        Ok(expired.len())
    }
}

/// The first `null` in a merge patch whose member does not exist where it points (`a.b`).
fn unknown_removal(patch: &serde_json::Value, current: &serde_json::Value, at: &str) -> Option<String> {
    let (serde_json::Value::Object(patch), serde_json::Value::Object(current)) = (patch, current) else { return None };
    patch.iter().find_map(|(key, value)| {
        let path = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
        match current.get(key) {
            None if value.is_null() => Some(path),
            Some(inner) => unknown_removal(value, inner, &path),
            None => None,
        }
    })
}

/// The operational event a user's change of a webhook's status makes: activated (from paused
/// or deactivated), or deactivated (from active). None when the status stays.
fn status_report(before: &WebhookRow, after: &WebhookRow) -> Option<Operational> {
    let event_type = match (before.status, after.status) {
        (a, b) if a == b => return None,
        (_, WebhookStatus::Active) => op::ACTIVATED,
        (WebhookStatus::Active, WebhookStatus::Disabled) => op::DISABLED,
        _ => return None,
    };
    let reason = match event_type {
        op::ACTIVATED => match before.status {
            WebhookStatus::Paused => "Resumed by the user.",
            _ => "Activated by the user.",
        },
        _ => DEACTIVATED_BY_USER,
    };
    Some(Operational::about(after, event_type, op::By::User, reason))
}
