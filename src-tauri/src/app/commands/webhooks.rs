//! Webhook commands: the list, the settings panel, secrets, import and export.

use super::view;
use crate::app::{AppState, On};
use hookdesk_engine::Error;
use hookdesk_engine::catalog::EventType;
use hookdesk_engine::model::{Webhook, WebhookId, WebhookInput};
use hookdesk_engine::signing::SigningSecret;
use hookdesk_engine::team_admin as team;
use hookdesk_engine::team_desk::within;
use hookdesk_engine::transfer::ImportReport;
use hookdesk_engine::webhooks::FormCheck;
use tauri::State;
use tauri_plugin_dialog::DialogExt;

commands! {
    pub async fn catalog(state: State<'_, AppState>;) -> CmdResult<Vec<EventType>> {
        let catalog = match state.on().await? {
            On::Local(e) => e.catalog().await,
            On::Team(t) => within(team::catalog(t.store())).await,
        };
        Ok(catalog.map_err(view)?.types)
    }

    pub async fn list_webhooks(state: State<'_, AppState>;) -> CmdResult<Vec<Webhook>> {
        match state.on().await? {
            On::Local(e) => e.list_webhooks().await,
            On::Team(t) => within(team::webhooks(t.store())).await,
        }
        .map_err(view)
    }

    pub async fn get_webhook(state: State<'_, AppState>; id: String) -> CmdResult<Webhook> {
        match state.on().await? {
            On::Local(e) => e.get_webhook(&id).await,
            On::Team(t) => within(team::webhook(t.store(), &id)).await,
        }
        .map_err(view)
    }

    pub async fn check_webhook(state: State<'_, AppState>; input: WebhookInput, existing_id: Option<WebhookId>) -> CmdResult<FormCheck> {
        match state.on().await? {
            On::Local(e) => e.check_webhook(input, existing_id).await,
            On::Team(t) => within(team::check_webhook(t.store(), input, existing_id)).await,
        }
        .map_err(view)
    }

    pub async fn create_webhook(state: State<'_, AppState>; input: WebhookInput) -> CmdResult<Webhook> {
        match state.on().await? {
            On::Local(e) => e.create_webhook(input).await,
            On::Team(t) => within(team::create_webhook(t.store(), t.key(), input)).await,
        }
        .map_err(view)
    }

    pub async fn update_webhook(state: State<'_, AppState>; id: String, input: WebhookInput) -> CmdResult<Webhook> {
        match state.on().await? {
            On::Local(e) => e.update_webhook(&id, input).await,
            On::Team(t) => within(team::update_webhook(t.store(), t.key(), &id, input)).await,
        }
        .map_err(view)
    }

    pub async fn set_webhooks_active(state: State<'_, AppState>; ids: Vec<WebhookId>, active: bool) -> CmdResult<Vec<Webhook>> {
        match state.on().await? {
            On::Local(e) => e.set_webhooks_active(ids, active).await,
            On::Team(t) => within(team::set_webhooks_active(t.store(), t.key(), ids, active)).await,
        }
        .map_err(view)
    }

    pub async fn delete_webhook(state: State<'_, AppState>; id: String) -> CmdResult<()> {
        match state.on().await? {
            On::Local(e) => e.delete_webhook(&id).await,
            On::Team(t) => within(team::delete_webhook(t.store(), &id)).await,
        }
        .map_err(view)
    }

    pub async fn reveal_header(state: State<'_, AppState>; id: String, name: String) -> CmdResult<String> {
        match state.on().await? {
            On::Local(e) => e.reveal_header(&id, &name).await,
            On::Team(t) => within(team::reveal_header(t.store(), t.key(), &id, &name)).await,
        }
        .map_err(view)
    }

    pub async fn signing_secret(state: State<'_, AppState>; id: String) -> CmdResult<String> {
        match state.on().await? {
            On::Local(e) => e.signing_secret(&id).await,
            On::Team(t) => within(team::signing_secret(t.store(), t.key(), &id)).await.map(|(secret, _)| secret),
        }
        .map_err(view)
    }

    /// A fresh secret for a webhook that is not saved yet (so that Test can sign with it).
    pub async fn new_signing_secret(;) -> CmdResult<String> {
        Ok(SigningSecret::generate())
    }

    pub async fn rotate_secret(state: State<'_, AppState>; id: String) -> CmdResult<Webhook> {
        match state.on().await? {
            On::Local(e) => e.rotate_secret(&id).await,
            On::Team(t) => within(team::rotate_secret(t.store(), t.key(), &id)).await,
        }
        .map_err(view)
    }

    /// Asks where to save, then writes the configuration there. `None` when the user cancels.
    pub async fn export_config(app: tauri::AppHandle, state: State<'_, AppState>; include_secrets: bool) -> CmdResult<Option<String>> {
        let export = match state.on().await? {
            On::Local(e) => e.export_config(include_secrets).await,
            On::Team(t) => within(team::export_config(t.store(), include_secrets.then(|| t.key()))).await,
        }
        .map_err(view)?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        app.dialog()
            .file()
            .set_title(if include_secrets { "Export configuration (with secrets)" } else { "Export configuration" })
            .add_filter("JSON", &["json"])
            .set_file_name("hookdesk-config.json")
            .save_file(move |path| {
                let _ = tx.send(path);
            });
        let Some(path) = rx.await.ok().flatten() else { return Ok(None) };
        let path = path.into_path().map_err(|e| Error::Io(format!("That location cannot be written: {e}")).view())?;
        let text = serde_json::to_string_pretty(&export).map_err(|e| Error::Io(e.to_string()).view())?;
        hookdesk_engine::transfer::write_export_file(&path, &text, include_secrets)
            .map_err(|e| Error::Io(format!("Cannot write {}: {e}", path.display())).view())?;
        Ok(Some(path.display().to_string()))
    }

    /// Asks for a file, then imports it. `None` when the user cancels.
    pub async fn import_config(app: tauri::AppHandle, state: State<'_, AppState>;) -> CmdResult<Option<ImportReport>> {
        let on = state.on().await?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        app.dialog().file().set_title("Import configuration").add_filter("JSON", &["json"]).pick_file(move |path| {
            let _ = tx.send(path);
        });
        let Some(path) = rx.await.ok().flatten() else { return Ok(None) };
        let path = path.into_path().map_err(|e| Error::Io(format!("That file cannot be read: {e}")).view())?;
        let text = std::fs::read_to_string(&path).map_err(|e| Error::Io(format!("Cannot read {}: {e}", path.display())).view())?;
        let export = serde_json::from_str(&text)
            .map_err(|e| Error::invalid("file", format!("{} is not a Hookdesk configuration file: {e}.", path.display())).view())?;
        match on {
            On::Local(e) => e.import_config(export).await,
            On::Team(t) => within(team::import_config(t.store(), t.key(), export)).await,
        }
        .map(Some)
        .map_err(view)
    }
}
