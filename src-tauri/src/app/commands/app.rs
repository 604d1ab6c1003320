//! What the window asks first: where the data lives, whether the engine opened, the keyring.

use super::view;
use crate::app::AppState;
use hookdesk_engine::secrets::KeyringStatus;
use hookdesk_engine::{Error, ErrorView};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

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

commands! {
    pub async fn app_info(state: State<'_, AppState>;) -> CmdResult<AppInfo> {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            data_dir: state.engine().map(|e| e.data_dir().display().to_string()).unwrap_or_default(),
            startup_error: state.engine().err(),
        })
    }

    /// Whether secrets can be kept: the OS keyring answers, or why not.
    pub async fn keyring_status(state: State<'_, AppState>;) -> CmdResult<KeyringStatus> {
        let engine = state.engine()?.clone();
        tauri::async_runtime::spawn_blocking(move || engine.keyring_status())
            .await
            .map_err(|e| view(Error::Unavailable(format!("The keyring check was interrupted: {e}"))))
    }
}
