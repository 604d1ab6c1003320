//! The engine's integration tests: real SQLite files in temp dirs, the real OS keyring
//! (a private gnome-keyring under `make test`), real HTTP receivers on loopback.

mod api;
mod code_suggestion;
mod contract;
mod curl;
mod delivery;
mod export;
mod faults;
mod instance;
mod log_rows;
mod migrations;
mod network_policy;
mod operational;
mod pg;
mod recover;
mod rooms;
mod secrets;
mod stats;
mod team;
mod team_desk;
mod tls;
mod transfer;
mod utils;
mod validation;
mod webhooks;
