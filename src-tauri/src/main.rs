//! `hookdesk`: opens the desktop window when run without arguments; with a subcommand it
//! is the command-line interface (see `hookdesk --help`).

// Without this a console window opens beside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app;
mod cli;

use clap::Parser;
use std::process::ExitCode;

// Many small, short-lived allocations across threads (requests, bodies, log rows): mimalloc
// measured markedly faster than the system allocator here (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HOOKDESK_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = match cli::Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let data_dir = args.data_dir();
    match args.command {
        None => app::run(data_dir),
        Some(command) => cli::run(command, data_dir),
    }
}
