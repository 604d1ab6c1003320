//! The desktop app: one window over the engine. Commands are thin: parse, call the engine,
//! map the error; engine notifications reach the window as the `hookdesk:notice` event.

mod commands;
mod focus;
mod notify;

use hookdesk_engine::{Engine, EngineOptions, Error, ErrorView};
use std::path::PathBuf;
use std::process::ExitCode;
use tauri::{Emitter, Manager};

pub const NOTICE_EVENT: &str = "hookdesk:notice";
pub const PROGRAM: &str = "the Hookdesk app";

/// What the window's commands work on: the engine, or why it could not open.
pub struct AppState {
    engine: Result<Engine, ErrorView>,
    /// Why the Events API is not listening, when it should be.
    pub api_error: std::sync::Mutex<Option<String>>,
    /// Tests under way, by the window's id for each, to cancel them.
    pub tests: std::sync::Mutex<std::collections::HashMap<String, tokio::sync::oneshot::Sender<()>>>,
}

impl AppState {
    pub fn engine(&self) -> Result<&Engine, ErrorView> {
        self.engine.as_ref().map_err(Clone::clone)
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
        .manage(AppState { engine, api_error: Default::default(), tests: Default::default() })
        .invoke_handler(commands::handler())
        .setup(move |app| {
            software_rendering(app.handle());
            if let Some(engine) = running {
                forward_notices(app.handle().clone(), &engine);
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
    app.run(move |_, event| {
        if let tauri::RunEvent::Exit = event
            && let Some(engine) = &at_exit
        {
            // Pending deliveries stay queued on disk; in-flight ones are retried at the next start.
            tauri::async_runtime::block_on(engine.shutdown());
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
fn forward_notices(app: tauri::AppHandle, engine: &Engine) {
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
