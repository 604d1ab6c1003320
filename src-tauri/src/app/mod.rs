//! The desktop app: one window over the engine. Commands are thin: parse, call the engine,
//! map the error; engine notifications reach the window as the `hookdesk:notice` event.

mod commands;
mod focus;
mod notify;

use hookdesk_engine::team_desk::{DeskOptions, TeamDesk};
use hookdesk_engine::{Engine, EngineOptions, Error, ErrorView, Notice};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tauri::{Emitter, Manager};

pub const NOTICE_EVENT: &str = "hookdesk:notice";
pub const PROGRAM: &str = "the Hookdesk app";

/// What the window's commands work on: the engine, or why it could not open; and the team
/// database when the window works on one.
pub struct AppState {
    engine: Result<Engine, ErrorView>,
    /// The team database the window works on (`None`: this computer's). Held for writing
    /// while a connection is being made, so that no command reads the wrong database meanwhile.
    team: Arc<tokio::sync::RwLock<Option<Arc<TeamDesk>>>>,
    /// Whether the window works on the team database (the local engine's notices are then
    /// not the window's business).
    on_team: Arc<AtomicBool>,
    /// Why the saved team database could not be joined at the last try.
    pub team_error: std::sync::Mutex<Option<String>>,
    /// Why the Events API is not listening, when it should be.
    pub api_error: std::sync::Mutex<Option<String>>,
    /// Tests under way, by the window's id for each, to cancel them.
    pub tests: std::sync::Mutex<std::collections::HashMap<String, tokio::sync::oneshot::Sender<()>>>,
}

/// The database a command works on.
pub enum On {
    Local(Engine),
    Team(Arc<TeamDesk>),
}

impl AppState {
    pub fn engine(&self) -> Result<&Engine, ErrorView> {
        self.engine.as_ref().map_err(Clone::clone)
    }

    /// The database the window works on now: the team's when it joined one. Waits while a
    /// connection is being made.
    pub async fn on(&self) -> Result<On, ErrorView> {
        if let Some(desk) = self.team.read().await.as_ref() {
            return Ok(On::Team(desk.clone()));
        }
        Ok(On::Local(self.engine()?.clone()))
    }

    /// The team database the window works on, if any.
    pub async fn team(&self) -> Option<Arc<TeamDesk>> {
        self.team.read().await.clone()
    }

    /// Connects to a team database and works on it from now on (or leaves the current one
    /// when `url` is `None`): the old connection's worker stops, the window reads everything
    /// again. A failed connection leaves the window where it was.
    pub async fn switch(&self, app: &tauri::AppHandle, to: Option<(String, hookdesk_engine::sealed::SecretKey)>) -> Result<(), Error> {
        let mut team = self.team.write().await;
        let joined = match to {
            Some((url, key)) => Some(join(app, &url, key, self.engine().map_err(|e| Error::Unavailable(e.message))?).await?),
            None => None,
        };
        self.install(app, &mut team, joined).await;
        *self.team_error.lock().expect("team error") = None;
        Ok(())
    }

    /// Puts `joined` where the window's commands find it (its team slot, held for writing), the
    /// previous connection's worker stopped first; then the window reads everything again.
    async fn install(&self, app: &tauri::AppHandle, slot: &mut Option<Arc<TeamDesk>>, joined: Option<Arc<TeamDesk>>) {
        if let Some(old) = slot.take() {
            old.close().await;
        }
        self.on_team.store(joined.is_some(), Ordering::Release);
        *slot = joined;
        let _ = app.emit(NOTICE_EVENT, vec![Notice::Missed]);
    }
}

/// The worker name of this desktop in a team: `desktop-<host>-<pid>`.
fn desktop_worker_id() -> String {
    format!("desktop-{}-{}", hookdesk_engine::team::host_name().unwrap_or_else(|| "computer".into()), std::process::id())
}

/// Opens a team database for the window, with this computer's network policy, and forwards
/// its change notices to the window. Waits at most the team deadline, so that a black-holed
/// server cannot hold the window's commands.
async fn join(app: &tauri::AppHandle, url: &str, key: hookdesk_engine::sealed::SecretKey, engine: &Engine) -> Result<Arc<TeamDesk>, Error> {
    let allow_private = engine.settings().await?.allow_private_targets;
    let options = DeskOptions { worker_id: desktop_worker_id(), allow_private };
    let desk = hookdesk_engine::team_desk::within(TeamDesk::connect(url, key, options)).await?;
    let mut rx = desk.subscribe();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        // Each notice (or notices lost) means the same: read again.
        while let Ok(_) | Err(RecvError::Lagged(_)) = rx.recv().await {
            let _ = app.emit(NOTICE_EVENT, vec![Notice::Missed]);
        }
    });
    Ok(desk)
}

/// At start, joins the team database saved as the one to work on; `guard` keeps commands
/// waiting until this is settled. Cannot be joined: the window works on this computer's
/// database and the Settings page says why.
async fn rejoin_saved(app: tauri::AppHandle, engine: Engine, mut guard: tokio::sync::OwnedRwLockWriteGuard<Option<Arc<TeamDesk>>>) {
    let state = app.state::<AppState>();
    let saved = match engine.saved_team().await {
        Ok(Some(saved)) if saved.active => saved,
        Ok(_) => return,
        Err(e) => {
            *state.team_error.lock().expect("team error") = Some(format!("The saved team database could not be read: {e}"));
            return;
        }
    };
    let label = saved.label();
    match join(&app, &saved.url, saved.key, &engine).await {
        Ok(desk) => state.install(&app, &mut guard, Some(desk)).await,
        Err(e) => {
            tracing::error!("the team database {label} could not be joined: {e}");
            *state.team_error.lock().expect("team error") =
                Some(format!("The team database {label} could not be joined, so this computer's database is shown: {e}"));
            let _ = app.emit(NOTICE_EVENT, vec![Notice::Missed]);
        }
    }
}

pub fn run(data_dir: PathBuf) -> ExitCode {
    let engine = match Engine::open(EngineOptions::new(&data_dir, PROGRAM)) {
        Ok(engine) => Ok(engine),
        Err(Error::AlreadyRunning(message)) => {
            // The desktop app focuses the running window instead of starting twice.
            if focus::ask_running_window(&data_dir) {
                eprintln!("Hookdesk is already open for {}; its window was brought to the front.", data_dir.display());
                return ExitCode::SUCCESS;
            }
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
        // Other failures (database, permissions) are shown in the window, where the user looks.
        Err(e) => {
            tracing::error!("{e}");
            Err(e.view())
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(hookdesk_engine::BLOCKING_THREADS)
        .thread_name("hookdesk")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Cannot start Hookdesk's runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    tauri::async_runtime::set(runtime.handle().clone());
    let running = engine.as_ref().ok().cloned();
    let at_exit = running.clone();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState {
            engine,
            team: Default::default(),
            on_team: Default::default(),
            team_error: Default::default(),
            api_error: Default::default(),
            tests: Default::default(),
        })
        .invoke_handler(commands::handler())
        .setup(move |app| {
            software_rendering(app.handle());
            if let Some(engine) = running {
                let state = app.state::<AppState>();
                // Taken now, before any command can read: released once the saved team
                // database is joined or found unreachable.
                let guard = state.team.clone().try_write_owned().expect("nothing reads the team yet");
                forward_notices(app.handle().clone(), &engine, state.on_team.clone());
                tauri::async_runtime::spawn(rejoin_saved(app.handle().clone(), engine.clone(), guard));
                notify::listen(app.handle().clone(), &engine);
                focus::listen(app.handle().clone(), engine.data_dir());
                let handle = app.handle().clone();
                tauri::async_runtime::spawn(async move { start_engine(handle, engine).await });
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("Hookdesk's window could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    app.run(move |app, event| {
        if let tauri::RunEvent::Exit = event
            && let Some(engine) = &at_exit
        {
            // Pending deliveries stay queued on disk; in-flight ones are retried at the next start.
            // A team worker gives back what it holds, for another worker to take.
            let state = app.state::<AppState>();
            tauri::async_runtime::block_on(async {
                if let Some(desk) = state.team().await {
                    desk.close().await;
                }
                engine.shutdown().await
            });
        }
    });
    ExitCode::SUCCESS
}

/// Starts delivering and the Events API (on `HOOKDESK_API_PORT` when set, for tests).
async fn start_engine(app: tauri::AppHandle, engine: Engine) {
    if let Err(e) = engine.start().await {
        tracing::error!("deliveries could not start: {e}");
    }
    if let Err(e) = restart_api(&app, &engine).await {
        tracing::error!("{e}");
    }
}

/// Starts, moves or stops the Events API to match the settings; remembers a failure for the
/// Settings page.
pub async fn restart_api(app: &tauri::AppHandle, engine: &Engine) -> Result<(), String> {
    let state = app.state::<AppState>();
    let settings = engine.settings().await.map_err(|e| e.to_string())?;
    let port = std::env::var("HOOKDESK_API_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(settings.events_api_port);
    let result = if settings.events_api_enabled {
        engine.start_api(port).await.map(|_| ()).map_err(|e| e.to_string())
    } else {
        engine.stop_api().await;
        Ok(())
    };
    *state.api_error.lock().expect("api error") = result.clone().err();
    result
}

/// Forwards engine notices to the window in batches: whatever piled up while the last batch
/// was being delivered goes as one event, so a burst of deliveries costs the window a few
/// script evaluations instead of one each.
fn forward_notices(app: tauri::AppHandle, engine: &Engine, on_team: Arc<AtomicBool>) {
    let mut rx = engine.subscribe();
    tauri::async_runtime::spawn(async move {
        use hookdesk_engine::Notice;
        use tokio::sync::broadcast::error::{RecvError, TryRecvError};
        const MAX_BATCH: usize = 512;
        fn push(batch: &mut Vec<Notice>, notice: Notice) {
            // A key's newer value replaces its older one: a burst of deliveries to one
            // webhook is one queue length, not one per delivery.
            batch.retain(|earlier| !earlier.superseded_by(&notice));
            batch.push(notice);
        }
        let mut batch: Vec<Notice> = Vec::new();
        loop {
            match rx.recv().await {
                Ok(notice) => push(&mut batch, notice),
                // Missed some: the window reloads what it shows.
                Err(RecvError::Lagged(_)) => push(&mut batch, Notice::Missed),
                Err(RecvError::Closed) => break,
            }
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(notice) => push(&mut batch, notice),
                    Err(TryRecvError::Lagged(_)) => push(&mut batch, Notice::Missed),
                    Err(TryRecvError::Empty | TryRecvError::Closed) => break,
                }
            }
            // On a team database the window shows the team's: this computer's engine keeps
            // delivering its own queue, unseen until the window switches back (and reads again).
            if on_team.load(Ordering::Acquire) {
                batch.clear();
                continue;
            }
            let _ = app.emit(NOTICE_EVENT, std::mem::take(&mut batch));
        }
    });
}

/// A settings-like window needs no GPU compositing: WebKitGTK then renders on the CPU, which
/// spares the web process its GL state and avoids the blank windows some GPU drivers give.
fn software_rendering(app: &tauri::AppHandle) {
    #[cfg(target_os = "linux")]
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// Brings the main window to the front.
pub fn show_main_window(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
