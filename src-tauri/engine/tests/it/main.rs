//! The engine's integration tests: real SQLite files in temp dirs, the real OS keyring
//! (a private gnome-keyring under `make test`), real HTTP receivers on loopback.

mod code_suggestion;
mod instance;
mod migrations;
mod secrets;
mod transfer;
mod utils;
mod validation;
mod webhooks;
