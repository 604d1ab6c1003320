//! Export and import of the configuration as JSON. Secrets are left out unless asked for;
//! an export with secrets says so in the file itself.

use crate::Engine;
use crate::catalog::CustomEventTypeInput;
use crate::error::{Error, FieldError, Result};
use crate::model::time::{format_ms, now_ms};
use crate::model::{DeliverySettings, Filters, HeaderInput, WebhookInput};
use crate::secrets::account;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const FORMAT: &str = "hookdesk-config";
pub const FORMAT_VERSION: u32 = 1;
pub const SECRETS_WARNING: &str =
    "This file contains secrets in plain text (header values and signing secrets). Store it like a password and delete it after use.";

/// Writes an export to a file. One that holds secrets is made readable by its owner only,
/// before anything is written to it.
pub fn write_export_file(path: &std::path::Path, text: &str, with_secrets: bool) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).open(path)?;
    #[cfg(unix)]
    if with_secrets {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = with_secrets;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct ConfigExport {
    pub format: String,
    #[serde(deserialize_with = "crate::model::delivery_settings::integral::number")]
    pub version: u32,
    pub exported_at: String,
    pub includes_secrets: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub warning: Option<String>,
    pub webhooks: Vec<ExportedWebhook>,
    #[serde(default)]
    pub event_types: Vec<CustomEventTypeInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct ExportedWebhook {
    pub code: String,
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub description: String,
    pub events: Vec<String>,
    #[serde(default)]
    pub filters: Filters,
    pub active: bool,
    /// Names always; values only in an export with secrets.
    #[serde(default)]
    pub headers: Vec<HeaderInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub secret: Option<String>,
    #[serde(default)]
    pub delivery: DeliverySettings,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct ImportReport {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub event_types: usize,
    pub warnings: Vec<String>,
}

impl Engine {
    pub async fn export_config(&self, include_secrets: bool) -> Result<ConfigExport> {
        let rows = self.db().read(crate::store::webhooks::list).await?;
        let custom = self.db().read(crate::store::event_types::list).await?;
        self.blocking(move |e| {
            build_export(rows, custom, include_secrets, |account, what| Ok(e.secrets().require(account, what)?.to_string()))
        })
        .await
    }

    /// Imports an export: custom types first, then each webhook created or, when its code
    /// exists, updated. Everything is checked before anything is written.
    pub async fn import_config(&self, export: ConfigExport) -> Result<ImportReport> {
        let existing: Vec<Existing> = self
            .list_webhooks()
            .await?
            .into_iter()
            .map(|w| Existing { id: w.id, code: w.code, header_names: w.headers.into_iter().map(|h| h.name).collect() })
            .collect();
        let ImportPlan { mut report, event_types, webhooks } = plan_import(export, &existing, self.catalog().await?)?;
        for t in event_types {
            self.save_event_type(t).await?;
            report.event_types += 1;
        }
        for (id, input) in webhooks {
            let code = input.code.clone().unwrap_or_default();
            match id {
                Some(id) => {
                    self.update_webhook(&id, input).await?;
                    report.updated.push(code);
                }
                None => {
                    self.create_webhook(input).await?;
                    report.created.push(code);
                }
            }
        }
        Ok(report)
    }
}

/// A webhook already in the store an import writes to: what planning an import needs of it.
pub(crate) struct Existing {
    pub id: crate::model::WebhookId,
    pub code: String,
    pub header_names: Vec<String>,
}

/// An import, checked: the custom types to save, then each webhook to create (no id) or
/// update, and what to tell the user.
pub(crate) struct ImportPlan {
    pub report: ImportReport,
    pub event_types: Vec<CustomEventTypeInput>,
    pub webhooks: Vec<(Option<crate::model::WebhookId>, WebhookInput)>,
}

/// Checks an export against the webhooks and catalog of the store it goes to, whichever
/// store that is; every error at once, and nothing written.
pub(crate) fn plan_import(export: ConfigExport, existing: &[Existing], mut catalog: crate::catalog::Catalog) -> Result<ImportPlan> {
    if export.format != FORMAT || export.version != FORMAT_VERSION {
        return Err(Error::invalid(
            "format",
            format!("This is not a Hookdesk configuration file (expected format {FORMAT} version {FORMAT_VERSION})."),
        ));
    }
    for t in &export.event_types {
        if catalog.get(&t.name).is_none() {
            catalog.types.push(crate::catalog::EventType {
                name: t.name.clone(),
                entity: "Custom".into(),
                label: t.name.clone(),
                description: t.description.clone(),
                sample_text: serde_json::to_string_pretty(&t.sample).unwrap_or_default(),
                sample: t.sample.clone(),
                builtin: false,
            });
        }
    }
    let mut report = ImportReport::default();
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    let mut seen_codes = std::collections::HashSet::new();
    for (i, mut w) in export.webhooks.into_iter().enumerate() {
        w.code = w.code.trim().to_string();
        // Checked here, not by the second create half way through the import.
        if !seen_codes.insert(w.code.clone()) {
            errors.push(FieldError::new(format!("webhooks[{i}].code"), format!("{}: this code appears twice in the file.", w.code)));
        }
        let current = existing.iter().find(|e| e.code == w.code);
        let known: Vec<String> = current.map(|c| c.header_names.clone()).unwrap_or_default();
        let mut headers = Vec::new();
        // A name given twice stays in, value or not, so that validation says so.
        let given = |name: &str| w.headers.iter().filter(|h| h.name.trim().eq_ignore_ascii_case(name.trim())).count();
        let twice: Vec<bool> = w.headers.iter().map(|h| given(&h.name) > 1).collect();
        for (h, twice) in w.headers.into_iter().zip(twice) {
            // A name that is not one stays in too: validation names it, instead of a warning.
            let left_out = !twice
                && h.new_value().is_none()
                && crate::model::webhook::is_token(h.name.trim())
                && !known.iter().any(|k| k.eq_ignore_ascii_case(&h.name));
            if left_out {
                report
                    .warnings
                    .push(format!("{}: header {} has no value in the file and was left out; set it in the panel.", w.code, h.name));
            } else {
                headers.push(h);
            }
        }
        if current.is_none() && w.secret.is_none() {
            report.warnings.push(format!("{}: a new signing secret was generated; give it to the receiver.", w.code));
        }
        let mut input = WebhookInput {
            code: Some(w.code.clone()),
            name: w.name,
            url: w.url,
            description: w.description,
            events: w.events,
            filters: w.filters,
            active: w.active,
            headers,
            secret: w.secret,
            delivery: w.delivery,
        };
        input.normalize();
        for e in input.validate(&catalog, &known).errors {
            errors.push(FieldError::new(format!("webhooks[{i}].{}", e.field), format!("{}: {}", w.code, e.message)));
        }
        plans.push((current.map(|c| c.id.clone()), input));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let builtin = |name: &str| catalog.types.iter().any(|c| c.builtin && c.name == name);
    let event_types = export.event_types.into_iter().filter(|t| !builtin(&t.name)).collect();
    Ok(ImportPlan { report, event_types, webhooks: plans })
}

/// The export of these webhooks and custom types, from either store: with `include_secrets`,
/// each header value and signing secret comes from `secret(account, what it is)`.
pub(crate) fn build_export(
    rows: Vec<crate::store::webhooks::WebhookRow>,
    custom: Vec<crate::model::event_type::EventType>,
    include_secrets: bool,
    mut secret: impl FnMut(&str, &str) -> Result<String>,
) -> Result<ConfigExport> {
    let webhooks = rows
        .into_iter()
        .map(|r| {
            let headers = r
                .header_names
                .iter()
                .map(|name| {
                    let value = if include_secrets {
                        Some(secret(&account::header(&r.id, name), &format!("The value of header {name} of {}", r.code))?)
                    } else {
                        None
                    };
                    Ok(HeaderInput { name: name.clone(), value })
                })
                .collect::<Result<Vec<_>>>()?;
            let secret = if include_secrets { Some(secret(&account::signing_secret(&r.id), "A signing secret")?) } else { None };
            let active = r.status == crate::model::WebhookStatus::Active;
            Ok(ExportedWebhook {
                code: r.code,
                name: r.name,
                url: r.url,
                description: r.description,
                events: r.events,
                filters: r.filters,
                active,
                headers,
                secret,
                delivery: r.delivery,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ConfigExport {
        format: FORMAT.into(),
        version: FORMAT_VERSION,
        exported_at: format_ms(now_ms()),
        includes_secrets: include_secrets,
        warning: include_secrets.then(|| SECRETS_WARNING.to_string()),
        webhooks,
        event_types: custom
            .into_iter()
            .map(|t| CustomEventTypeInput { name: t.name, description: t.description, sample: t.sample })
            .collect(),
    })
}
