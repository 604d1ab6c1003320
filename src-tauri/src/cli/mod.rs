//! The command line: `serve`, `emit`, `webhooks`, `logs`, `recover`, `token`, `worker`. Exit codes: 0 ok,
//! 1 failure, 2 usage; errors go to stderr in one sentence.

mod client;
mod emit;
mod logs;
mod recover;
mod serve;
mod token;
mod webhooks;
mod worker;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "hookdesk",
    version,
    about = "A desktop console for outgoing webhooks. Without a command, opens the window.",
    after_help = "The commands other than `serve` talk to the running Hookdesk (the app or `hookdesk serve`) of the data directory,\nor to HOOKDESK_URL with HOOKDESK_TOKEN; with --database-url (HOOKDESK_DATABASE_URL), `serve` and the other\ncommands work on a team database (PostgreSQL) instead."
)]
pub struct Args {
    /// The data directory (default: HOOKDESK_DATA_DIR, else the platform's user data directory).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Args {
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(hookdesk_engine::paths::default_data_dir)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the engine and the Events API without a window (of a team database with --database-url).
    Serve(serve::ServeArgs),
    /// Post an event to the running instance.
    Emit(emit::EmitArgs),
    /// List, show, export or import webhooks.
    #[command(subcommand)]
    Webhooks(webhooks::WebhooksCommand),
    /// Show a webhook's delivery attempts, newest first.
    Logs(logs::LogsArgs),
    /// Deliver again every event whose latest delivery to a webhook failed since a time.
    Recover(recover::RecoverArgs),
    /// Print the Events API token.
    Token(token::TokenArgs),
    /// Deliver the queue of a team database (PostgreSQL), as one of any number of workers.
    Worker(worker::WorkerArgs),
}

/// A failure with the sentence to print.
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

pub type CliResult = Result<(), Failure>;

pub fn run(command: Command, data_dir: PathBuf) -> ExitCode {
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().enable_all().max_blocking_threads(hookdesk_engine::BLOCKING_THREADS).build() {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("error: cannot start: {e}");
                return ExitCode::FAILURE;
            }
        };
    let result = runtime.block_on(async move {
        match command {
            Command::Serve(args) => serve::run(args, data_dir).await,
            Command::Emit(args) => emit::run(args, &data_dir).await,
            Command::Webhooks(cmd) => webhooks::run(cmd, &data_dir).await,
            Command::Logs(args) => logs::run(args, &data_dir).await,
            Command::Recover(args) => recover::run(args, &data_dir).await,
            Command::Token(args) => token::run(args, &data_dir).await,
            Command::Worker(args) => worker::run(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("error: {}", message.trim_end());
            ExitCode::FAILURE
        }
    }
}
