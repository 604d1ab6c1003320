//! What the window asks first: where the data lives, whether the engine opened, the keyring.

use super::view;
use crate::app::{AppState, On};
use hookdesk_engine::sealed::SecretKey;
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

/// Which database the window works on (Settings → Team database, and the header's badge).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TeamStatus {
    /// `user@host:port/database` of the team database the window works on; `None`: this
    /// computer's own.
    pub connected: Option<String>,
    /// This computer's worker name in the team, while connected.
    pub worker_id: Option<String>,
    /// The team database saved on this computer (for one click back), connected or not.
    pub saved: Option<String>,
    /// What went wrong with the saved team database, in a sentence: it could not be joined at
    /// start, or it was joined but could not be saved for the next start.
    pub error: Option<String>,
}

async fn team_status_of(state: &AppState) -> super::CmdResult<TeamStatus> {
    let engine = state.engine()?.clone();
    let saved = engine.saved_team().await.map_err(view)?;
    let desk = state.team().await;
    Ok(TeamStatus {
        connected: desk.as_ref().map(|d| d.label().to_string()),
        worker_id: desk.as_ref().map(|d| d.worker_id().to_string()),
        saved: saved.map(|s| s.label()),
        error: state.team_error.lock().expect("team error").clone(),
    })
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

    pub async fn team_status(state: State<'_, AppState>;) -> CmdResult<TeamStatus> {
        team_status_of(&state).await
    }

    /// **Join**: connects to a team database with the team's key (base64 of 32 bytes), and
    /// from then on the window shows and changes the team's webhooks and logs and this
    /// computer delivers for the team; saved (URL and key in the keyring) for every start.
    /// Nothing is saved when the database cannot be reached or the key is not the team's.
    pub async fn join_team(app: tauri::AppHandle, state: State<'_, AppState>; url: String, key: String) -> CmdResult<TeamStatus> {
        let url = url.trim().to_string();
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(Error::invalid("url", "A team database URL starts with postgres://, e.g. postgres://hookdesk@db.example.com/hookdesk.").view());
        }
        let key = SecretKey::from_base64(key.trim()).map_err(|e| Error::invalid("key", e.to_string()).view())?;
        state.switch(&app, Some((url.clone(), key.clone()))).await.map_err(view)?;
        if let Err(e) = state.engine()?.save_team(&url, &key).await {
            // Joined, but it will not be at the next start: say so rather than pretend.
            *state.team_error.lock().expect("team error") = Some(format!("Joined, but not saved for the next start: {e}"));
        }
        team_status_of(&state).await
    }

    /// **Rejoin** the team database saved on this computer.
    pub async fn rejoin_team(app: tauri::AppHandle, state: State<'_, AppState>;) -> CmdResult<TeamStatus> {
        let engine = state.engine()?.clone();
        let saved = engine.saved_team().await.map_err(view)?.ok_or_else(|| Error::NotFound("No team database is saved on this computer; join one first.".into()).view())?;
        state.switch(&app, Some((saved.url.to_string(), saved.key))).await.map_err(view)?;
        engine.set_team_active(true).await.map_err(view)?;
        team_status_of(&state).await
    }

    /// **Use this computer's database**: the window leaves the team database (this computer
    /// stops delivering for the team; what it held goes to the other workers) and shows this
    /// computer's own again. The team database stays saved, for one click back.
    pub async fn leave_team(app: tauri::AppHandle, state: State<'_, AppState>;) -> CmdResult<TeamStatus> {
        let engine = state.engine()?.clone();
        if let On::Team(_) = state.on().await? {
            state.switch(&app, None).await.map_err(view)?;
        }
        engine.set_team_active(false).await.map_err(view)?;
        team_status_of(&state).await
    }

    /// A new team key (base64 of 32 bytes), for the first computer of a new team.
    pub async fn new_team_key(;) -> CmdResult<String> {
        Ok(SecretKey::generate().to_base64().to_string())
    }
}
