//! Where a data directory lives by default.

use std::path::PathBuf;

pub const DATA_DIR_ENV: &str = "HOOKDESK_DATA_DIR";
pub const DB_FILE: &str = "hookdesk.db";

/// `HOOKDESK_DATA_DIR`, else the platform's per-user data directory.
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    platform_data_dir().join(if cfg!(any(target_os = "macos", target_os = "windows")) { "Hookdesk" } else { "hookdesk" })
}

fn platform_data_dir() -> PathBuf {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if cfg!(target_os = "windows") {
        return env("APPDATA").unwrap_or_else(|| PathBuf::from("."));
    }
    let home = env("HOME").unwrap_or_else(|| PathBuf::from("."));
    if cfg!(target_os = "macos") {
        return home.join("Library/Application Support");
    }
    env("XDG_DATA_HOME").unwrap_or_else(|| home.join(".local/share"))
}
