//! Webhook commands: the list, the settings panel, secrets, import and export.

use super::view;
use crate::app::AppState;
use hookdesk_engine::Error;
use hookdesk_engine::catalog::EventType;
use hookdesk_engine::model::{Webhook, WebhookId, WebhookInput};
use hookdesk_engine::signing::SigningSecret;
use hookdesk_engine::transfer::ImportReport;
use hookdesk_engine::webhooks::FormCheck;
use tauri::State;
use tauri_plugin_dialog::DialogExt;

commands! {
    pub async fn catalog(state: State<'_, AppState>;) -> CmdResult<Vec<EventType>> {
        Ok(state.engine()?.catalog().await.map_err(view)?.types)
    }

    pub async fn list_webhooks(state: State<'_, AppState>;) -> CmdResult<Vec<Webhook>> {
        state.engine()?.list_webhooks().await.map_err(view)
    }

    pub async fn get_webhook(state: State<'_, AppState>; id: String) -> CmdResult<Webhook> {
        state.engine()?.get_webhook(&id).await.map_err(view)
    }

    pub async fn check_webhook(state: State<'_, AppState>; input: WebhookInput, existing_id: Option<WebhookId>) -> CmdResult<FormCheck> {
        state.engine()?.check_webhook(input, existing_id).await.map_err(view)
    }

    pub async fn create_webhook(state: State<'_, AppState>; input: WebhookInput) -> CmdResult<Webhook> {
        state.engine()?.create_webhook(input).await.map_err(view)
    }

    pub async fn update_webhook(state: State<'_, AppState>; id: String, input: WebhookInput) -> CmdResult<Webhook> {
        state.engine()?.update_webhook(&id, input).await.map_err(view)
    }

    pub async fn set_webhooks_active(state: State<'_, AppState>; ids: Vec<WebhookId>, active: bool) -> CmdResult<Vec<Webhook>> {
        state.engine()?.set_webhooks_active(ids, active).await.map_err(view)
    }

    pub async fn delete_webhook(state: State<'_, AppState>; id: String) -> CmdResult<()> {
        state.engine()?.delete_webhook(&id).await.map_err(view)
    }

    pub async fn reveal_header(state: State<'_, AppState>; id: String, name: String) -> CmdResult<String> {
        state.engine()?.reveal_header(&id, &name).await.map_err(view)
    }

    pub async fn signing_secret(state: State<'_, AppState>; id: String) -> CmdResult<String> {
        state.engine()?.signing_secret(&id).await.map_err(view)
    }

    /// A fresh secret for a webhook that is not saved yet (so that Test can sign with it).
    pub async fn new_signing_secret(;) -> CmdResult<String> {
        Ok(SigningSecret::generate())
    }

    pub async fn rotate_secret(state: State<'_, AppState>; id: String) -> CmdResult<Webhook> {
        state.engine()?.rotate_secret(&id).await.map_err(view)
    }

    /// Asks where to save, then writes the configuration there. `None` when the user cancels.
    pub async fn export_config(app: tauri::AppHandle, state: State<'_, AppState>; include_secrets: bool) -> CmdResult<Option<String>> {
        let export = state.engine()?.export_config(include_secrets).await.map_err(view)?;
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
        let engine = state.engine()?.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        app.dialog().file().set_title("Import configuration").add_filter("JSON", &["json"]).pick_file(move |path| {
            let _ = tx.send(path);
        });
        let Some(path) = rx.await.ok().flatten() else { return Ok(None) };
        let path = path.into_path().map_err(|e| Error::Io(format!("That file cannot be read: {e}")).view())?;
        let text = std::fs::read_to_string(&path).map_err(|e| Error::Io(format!("Cannot read {}: {e}", path.display())).view())?;
        let export = serde_json::from_str(&text)
            .map_err(|e| Error::invalid("file", format!("{} is not a Hookdesk configuration file: {e}.", path.display())).view())?;
        engine.import_config(export).await.map(Some).map_err(view)
    }
}
