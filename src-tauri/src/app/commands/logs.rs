//! Logs tab and Test: attempts, their detail, resend, copy as cURL.

use super::view;
use crate::app::{AppState, On};
use hookdesk_engine::export::{ExportFormat, Exported, LogExport};
use hookdesk_engine::ingest::Resent;
use hookdesk_engine::logs::{AttemptDetail, QueuedLogs, WebhookActivity};
use hookdesk_engine::model::attempt::AttemptSummary;
use hookdesk_engine::model::log_filter::{LogFilter, LogScope};
use hookdesk_engine::model::{AttemptId, DeliveryId, WebhookId};
use hookdesk_engine::recover::{RecoverProgress, RecoverWindow, Recovered};
use hookdesk_engine::stats::{HealthBars, Stats, StatsWindow};
use hookdesk_engine::team_admin as team;
use hookdesk_engine::team_desk::within;
use hookdesk_engine::test_event::{TestRequest, TestResult};
use hookdesk_engine::{Error, ErrorView};
use std::collections::HashMap;
use tauri::State;
use tauri_plugin_dialog::DialogExt;

commands! {
    /// Sends a Test; `test_id` lets [`cancel_test`] stop it. A cancelled Test stops waiting for
    /// the endpoint at once and is not logged.
    pub async fn send_test(state: State<'_, AppState>; request: TestRequest, test_id: Option<String>) -> CmdResult<TestResult> {
        let on = state.on().await?;
        let send = |request| async {
            match &on {
                On::Local(e) => e.send_test(request).await,
                On::Team(t) => t.api().send_test(request).await,
            }
        };
        let Some(test_id) = test_id else { return send(request).await.map_err(view) };
        let (cancel, cancelled) = tokio::sync::oneshot::channel();
        state.tests.lock().expect("tests").insert(test_id.clone(), cancel);
        let result = tokio::select! {
            result = send(request) => result.map_err(view),
            Ok(()) = cancelled => Err(Error::Unavailable("Cancelled: the Test stopped waiting for the endpoint, and was not logged.".into()).view()),
        };
        state.tests.lock().expect("tests").remove(&test_id);
        result
    }

    /// Stops a Test under way; `false` if it had already ended.
    pub async fn cancel_test(state: State<'_, AppState>; test_id: String) -> CmdResult<bool> {
        Ok(state.tests.lock().expect("tests").remove(&test_id).is_some_and(|cancel| cancel.send(()).is_ok()))
    }

    /// **Retry now** for a delivery waiting for its next attempt.
    pub async fn retry_now(state: State<'_, AppState>; delivery_id: DeliveryId) -> CmdResult<()> {
        match state.on().await? {
            On::Local(e) => e.retry_now(delivery_id).await,
            On::Team(t) => within(team::retry_now(t.store(), delivery_id)).await,
        }
        .map_err(view)
    }

    /// A page of attempts, newest first; page on with `filter.before`.
    pub async fn list_logs(state: State<'_, AppState>; scope: LogScope, filter: LogFilter, limit: u32) -> CmdResult<Vec<AttemptSummary>> {
        match state.on().await? {
            On::Local(e) => e.logs(scope, filter, limit, 0).await,
            On::Team(t) => within(team::log_rows(t.store(), scope, filter, limit, 0)).await,
        }
        .map_err(view)
    }

    pub async fn count_logs(state: State<'_, AppState>; scope: LogScope, filter: LogFilter) -> CmdResult<u64> {
        match state.on().await? {
            On::Local(e) => e.count_logs(scope, filter).await,
            On::Team(t) => within(team::count_logs(t.store(), scope, filter)).await,
        }
        .map_err(view)
    }

    /// Deliveries waiting for their first attempt (PENDING rows), newest first.
    pub async fn list_queued(state: State<'_, AppState>; scope: LogScope, filter: LogFilter, limit: u32) -> CmdResult<QueuedLogs> {
        match state.on().await? {
            On::Local(e) => e.queued_logs(scope, filter, limit).await,
            On::Team(t) => within(team::queued_logs(t.store(), scope, filter, limit)).await,
        }
        .map_err(view)
    }

    pub async fn get_attempt(state: State<'_, AppState>; id: AttemptId) -> CmdResult<AttemptDetail> {
        match state.on().await? {
            On::Local(e) => e.attempt(id).await,
            On::Team(t) => within(team::attempt(t.store(), id)).await,
        }
        .map_err(view)
    }

    /// A new delivery of the same event; returns its id.
    pub async fn resend(state: State<'_, AppState>; delivery_id: DeliveryId) -> CmdResult<DeliveryId> {
        match state.on().await? {
            On::Local(e) => e.resend(delivery_id).await,
            On::Team(t) => within(team::resend(t.store(), delivery_id)).await,
        }
        .map_err(view)
    }

    /// **Resend selected**: the chosen deliveries again, oldest event first.
    pub async fn resend_deliveries(state: State<'_, AppState>; delivery_ids: Vec<DeliveryId>) -> CmdResult<Resent> {
        match state.on().await? {
            On::Local(e) => e.resend_deliveries(delivery_ids).await,
            On::Team(t) => within(team::resend_deliveries(t.store(), delivery_ids)).await,
        }
        .map_err(view)
    }

    /// How many deliveries **Resend all matching** would send again.
    pub async fn count_resendable(state: State<'_, AppState>; scope: LogScope, filter: LogFilter) -> CmdResult<u64> {
        match state.on().await? {
            On::Local(e) => e.count_resendable(scope, filter).await,
            On::Team(t) => within(team::count_resendable(t.store(), scope, filter)).await,
        }
        .map_err(view)
    }

    /// **Resend all matching**: every delivery with an attempt in the Logs view, again.
    pub async fn resend_matching(state: State<'_, AppState>; scope: LogScope, filter: LogFilter) -> CmdResult<Resent> {
        match state.on().await? {
            On::Local(e) => e.resend_matching(scope, filter).await,
            On::Team(t) => within(team::resend_matching(t.store(), scope, filter)).await,
        }
        .map_err(view)
    }

    pub async fn curl_command(state: State<'_, AppState>; attempt_id: AttemptId, include_secrets: bool) -> CmdResult<String> {
        match state.on().await? {
            On::Local(e) => e.curl_command(attempt_id, include_secrets).await,
            On::Team(t) => within(team::curl_command(t.store(), t.key(), attempt_id, include_secrets)).await,
        }
        .map_err(view)
    }

    /// **Export**: asks where to save, then writes the attempts of the Logs view there
    /// (newest first, secrets masked). `None` when the user cancels.
    pub async fn export_logs(app: tauri::AppHandle, state: State<'_, AppState>; scope: LogScope, filter: LogFilter, format: ExportFormat) -> CmdResult<Option<Exported>> {
        let on = state.on().await?;
        let what = match &scope {
            LogScope::Webhook(id) => match &on {
                On::Local(e) => e.get_webhook(id).await,
                On::Team(t) => within(team::webhook(t.store(), id)).await,
            }
            .map_err(view)?
            .code,
            LogScope::Direct => "direct".into(),
            LogScope::All => "all".into(),
        };
        let name = hookdesk_engine::export::suggested_file_name(&what, format, hookdesk_engine::model::time::now_ms());
        let Some(path) = save_path(&app, format, name).await? else { return Ok(None) };
        let export = match on {
            On::Local(e) => e.export_logs(scope, filter, format),
            On::Team(t) => LogExport::of_team(t.store().clone(), scope, filter, format),
        };
        let attempts = export.write_to(&path).await.map_err(view)?;
        Ok(Some(Exported { path: path.display().to_string(), attempts }))
    }

    /// **Export selected**: the rows picked in the list, to a file the user picks (HAR by
    /// default). `None` when the user cancels.
    pub async fn export_attempts(app: tauri::AppHandle, state: State<'_, AppState>; attempt_ids: Vec<AttemptId>, format: ExportFormat) -> CmdResult<Option<Exported>> {
        let on = state.on().await?;
        let name = hookdesk_engine::export::suggested_file_name("selected", format, hookdesk_engine::model::time::now_ms());
        let Some(path) = save_path(&app, format, name).await? else { return Ok(None) };
        let export = match on {
            On::Local(e) => e.export_attempts(attempt_ids, format),
            On::Team(t) => LogExport::of_team(t.store().clone(), LogScope::All, LogFilter::default(), format).only(attempt_ids),
        };
        let attempts = export.write_to(&path).await.map_err(view)?;
        Ok(Some(Exported { path: path.display().to_string(), attempts }))
    }

    /// How many failed events a recover of the window would deliver again.
    pub async fn recoverable(state: State<'_, AppState>; webhook_id: WebhookId, window: RecoverWindow) -> CmdResult<u64> {
        match state.on().await? {
            On::Local(e) => e.recoverable(&webhook_id, &window).await,
            On::Team(t) => within(team::recoverable(t.store(), &webhook_id, &window)).await,
        }
        .map_err(view)
    }

    /// **Recover**: a new delivery of every event whose latest delivery failed in the window.
    pub async fn recover(state: State<'_, AppState>; webhook_id: WebhookId, window: RecoverWindow) -> CmdResult<Recovered> {
        match state.on().await? {
            On::Local(e) => e.recover(&webhook_id, &window).await,
            On::Team(t) => within(team::recover(t.store(), &webhook_id, &window)).await,
        }
        .map_err(view)
    }

    pub async fn recover_progress(state: State<'_, AppState>; webhook_id: WebhookId, recovered: Recovered) -> CmdResult<RecoverProgress> {
        match state.on().await? {
            On::Local(e) => e.recover_progress(&webhook_id, &recovered).await,
            On::Team(t) => within(team::recover_progress(t.store(), &webhook_id, &recovered)).await,
        }
        .map_err(view)
    }

    /// Takes back a recover's deliveries that have not started; returns how many.
    pub async fn cancel_recover(state: State<'_, AppState>; webhook_id: WebhookId, recovered: Recovered) -> CmdResult<u64> {
        match state.on().await? {
            On::Local(e) => e.cancel_recover(&webhook_id, &recovered).await,
            On::Team(t) => within(team::cancel_recover(t.store(), &webhook_id, &recovered)).await,
        }
        .map_err(view)
    }

    /// A webhook's health over the window (the Health tab).
    pub async fn webhook_stats(state: State<'_, AppState>; webhook_id: WebhookId, window: StatsWindow) -> CmdResult<Stats> {
        match state.on().await? {
            On::Local(e) => e.webhook_stats(&webhook_id, window).await,
            On::Team(t) => within(team::stats(t.store(), Some(&webhook_id), window)).await,
        }
        .map_err(view)
    }

    /// The health of all deliveries together (the Health page).
    pub async fn stats(state: State<'_, AppState>; window: StatsWindow) -> CmdResult<Stats> {
        match state.on().await? {
            On::Local(e) => e.stats(window).await,
            On::Team(t) => within(team::stats(t.store(), None, window)).await,
        }
        .map_err(view)
    }

    /// Each webhook's last 24 hours, hour by hour: the list's bars.
    pub async fn health_bars(state: State<'_, AppState>;) -> CmdResult<HashMap<WebhookId, HealthBars>> {
        match state.on().await? {
            On::Local(e) => e.health_bars().await,
            On::Team(t) => within(team::health_bars(t.store())).await,
        }
        .map_err(view)
    }

    /// Each webhook's last attempt and queue length, for the panel.
    pub async fn webhook_activity(state: State<'_, AppState>;) -> CmdResult<HashMap<WebhookId, WebhookActivity>> {
        match state.on().await? {
            On::Local(e) => e.activity().await,
            On::Team(t) => within(team::activity(t.store())).await,
        }
        .map_err(view)
    }
}

/// Asks where to save an export: `None` when the user cancels.
async fn save_path(app: &tauri::AppHandle, format: ExportFormat, name: String) -> Result<Option<std::path::PathBuf>, ErrorView> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(format!("Export logs as {}", format.label()))
        .add_filter(format.label(), &[format.extension()])
        .set_file_name(name)
        .save_file(move |path| {
            let _ = tx.send(path);
        });
    let Some(path) = rx.await.ok().flatten() else { return Ok(None) };
    path.into_path().map(Some).map_err(|e| Error::Io(format!("That location cannot be written: {e}")).view())
}
