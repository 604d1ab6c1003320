//! The command line: global options, and the subcommands that run without a window.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "hookdesk", version, about = "A desktop console for outgoing webhooks. Without a command, opens the window.")]
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
pub enum Command {}

pub fn run(command: Command, _data_dir: PathBuf) -> ExitCode {
    match command {}
}
