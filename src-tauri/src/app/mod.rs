//! The desktop app: one window over the engine. Commands are thin: parse, call the engine,
//! map the error; engine notifications reach the window as the `hookdesk:notice` event.

mod commands;
mod focus;

use hookdesk_engine::{Engine, EngineOptions, Error, ErrorView};
use std::path::PathBuf;
use std::process::ExitCode;
use tauri::{Emitter, Manager};

pub const NOTICE_EVENT: &str = "hookdesk:notice";
pub const PROGRAM: &str = "the Hookdesk app";

/// What the window's commands work on: the engine, or why it could not open.
pub struct AppState {
    engine: Result<Engine, ErrorView>,
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
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("hookdesk").build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Cannot start Hookdesk's runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    tauri::async_runtime::set(runtime.handle().clone());
    let forward = engine.as_ref().ok().cloned();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState { engine })
        .invoke_handler(commands::handler())
        .setup(move |app| {
            if let Some(engine) = forward {
                forward_notices(app.handle().clone(), &engine);
                focus::listen(app.handle().clone(), engine.data_dir());
            }
            Ok(())
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Hookdesk's window could not start: {e}");
            ExitCode::FAILURE
        }
    }
}

fn forward_notices(app: tauri::AppHandle, engine: &Engine) {
    let mut rx = engine.subscribe();
    tauri::async_runtime::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match rx.recv().await {
                Ok(notice) => {
                    let _ = app.emit(NOTICE_EVENT, notice);
                }
                // Missed some: have the window reload everything.
                Err(RecvError::Lagged(_)) => {
                    let _ = app.emit(NOTICE_EVENT, hookdesk_engine::Notice::WebhooksChanged);
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// Brings the main window to the front.
pub fn show_main_window(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
