//! Tauri's build step, with an app manifest so that each command needs its own permission
//! (`allow-<command>`) in `capabilities/main.json`. The command names are read from the
//! `commands!` blocks in `src/app/commands/`, where each command is declared once.

use std::path::Path;

const COMMANDS_DIR: &str = "src/app/commands";

/// `pub async fn NAME(` lines inside `commands! { … }` blocks (which end at a `}` in column 0).
fn declared_commands() -> Vec<String> {
    let mut files: Vec<_> =
        std::fs::read_dir(COMMANDS_DIR).expect("src/app/commands").map(|e| e.expect("a directory entry").path()).collect();
    files.sort();
    let mut names = Vec::new();
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "rs")) {
        let text = std::fs::read_to_string(file).expect("a command file");
        let mut inside = false;
        for line in text.lines() {
            if line.starts_with("commands! {") {
                inside = true;
            } else if line == "}" {
                inside = false;
            } else if inside && let Some(rest) = line.trim_start().strip_prefix("pub async fn ") {
                names.push(rest.split('(').next().expect("a name").to_string());
            }
        }
    }
    names
}

fn main() {
    println!("cargo:rerun-if-changed={COMMANDS_DIR}");
    let names = declared_commands();
    assert!(!names.is_empty(), "no commands! declarations found in {}", Path::new(COMMANDS_DIR).display());
    // The app's tests compare this list with the macro's own.
    println!("cargo:rustc-env=HOOKDESK_COMMANDS={}", names.join(","));
    // The manifest wants 'static names; a build script runs once, so leaking them is free.
    let names: &'static [&'static str] = Vec::leak(names.into_iter().map(|n| &*String::leak(n)).collect());
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(names)))
        .expect("the Tauri build step failed");
}
