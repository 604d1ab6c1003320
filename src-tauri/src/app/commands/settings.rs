//! The Settings page: Events API, event types, retention, network policy.

use super::view;
use crate::app::{AppState, On};
use hookdesk_engine::catalog::{CustomEventTypeInput, EventType};
use hookdesk_engine::settings::EngineSettings;
use hookdesk_engine::team_admin as team;
use hookdesk_engine::team_desk::within;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// The Events API as the Settings page shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ApiInfo {
    /// `http://127.0.0.1:7717` while it listens.
    pub url: Option<String>,
    /// Why it does not listen although switched on.
    pub error: Option<String>,
    /// A `curl` that posts an event, with the token masked (the real one: `api_example`).
    pub example: Option<String>,
}

commands! {
    pub async fn engine_settings(state: State<'_, AppState>;) -> CmdResult<EngineSettings> {
        state.engine()?.settings().await.map_err(view)
    }

    /// Saves the settings, then moves, starts or stops the Events API to match.
    pub async fn update_engine_settings(app: tauri::AppHandle, state: State<'_, AppState>; settings: EngineSettings) -> CmdResult<EngineSettings> {
        let engine = state.engine()?.clone();
        let saved = engine.update_settings(settings).await.map_err(view)?;
        // A port that cannot be used is shown on the Settings page, not as a failed save.
        let _ = crate::app::restart_api(&app, &engine).await;
        Ok(saved)
    }

    pub async fn api_info(state: State<'_, AppState>;) -> CmdResult<ApiInfo> {
        let engine = state.engine()?;
        let error = state.api_error.lock().expect("api error").clone();
        let url = engine.api_url().await;
        Ok(ApiInfo { url, error, example: engine.events_api_example(false).await.map_err(view)? })
    }

    /// The example with the real token: read from the keyring only when the user reveals or
    /// copies it, so the token does not travel to the window on every visit.
    pub async fn api_example(state: State<'_, AppState>;) -> CmdResult<Option<String>> {
        state.engine()?.events_api_example(true).await.map_err(view)
    }

    pub async fn api_token(state: State<'_, AppState>;) -> CmdResult<String> {
        state.engine()?.api_token().await.map_err(view)
    }

    pub async fn regenerate_api_token(state: State<'_, AppState>;) -> CmdResult<String> {
        state.engine()?.regenerate_token().await.map_err(view)
    }

    pub async fn save_event_type(state: State<'_, AppState>; input: CustomEventTypeInput) -> CmdResult<EventType> {
        match state.on().await? {
            On::Local(e) => e.save_event_type(input).await,
            On::Team(t) => within(team::save_event_type(t.store(), t.key(), input)).await,
        }
        .map_err(view)
    }

    pub async fn delete_event_type(state: State<'_, AppState>; name: String) -> CmdResult<()> {
        match state.on().await? {
            On::Local(e) => e.delete_event_type(&name).await,
            On::Team(t) => within(team::delete_event_type(t.store(), &name)).await,
        }
        .map_err(view)
    }
}
