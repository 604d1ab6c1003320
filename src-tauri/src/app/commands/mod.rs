//! The window's commands. Each parses its arguments, calls one engine function and maps the
//! error to `{kind, message, fields}`.

mod logs;
mod settings;
mod webhooks;

use super::AppState;
use hookdesk_engine::secrets::KeyringStatus;
use hookdesk_engine::{Error, ErrorView};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

pub type CmdResult<T> = Result<T, ErrorView>;

pub fn view(e: Error) -> ErrorView {
    e.view()
}

/// What the window shows before anything else: where the data lives and whether the engine
/// opened.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    /// Why the engine could not open (the window then shows only this).
    pub startup_error: Option<ErrorView>,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: state.engine().map(|e| e.data_dir().display().to_string()).unwrap_or_default(),
        startup_error: state.engine().err(),
    }
}

#[tauri::command]
pub async fn keyring_status(state: State<'_, AppState>) -> CmdResult<KeyringStatus> {
    let engine = state.engine()?.clone();
    tauri::async_runtime::spawn_blocking(move || engine.keyring_status())
        .await
        .map_err(|e| Error::Unavailable(format!("The keyring check was interrupted: {e}")).view())
}

/// Every command the window may call; `build.rs` lists the same names for the capability.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    use logs::*;
    use settings::*;
    use webhooks::*;
    tauri::generate_handler![
        app_info,
        keyring_status,
        catalog,
        list_webhooks,
        get_webhook,
        check_webhook,
        create_webhook,
        update_webhook,
        set_webhooks_active,
        delete_webhook,
        reveal_header,
        signing_secret,
        new_signing_secret,
        rotate_secret,
        export_config,
        import_config,
        send_test,
        cancel_test,
        retry_now,
        list_logs,
        count_logs,
        list_queued,
        get_attempt,
        resend,
        curl_command,
        webhook_activity,
        engine_settings,
        update_engine_settings,
        api_info,
        api_example,
        api_token,
        regenerate_api_token,
        save_event_type,
        delete_event_type,
    ]
}
