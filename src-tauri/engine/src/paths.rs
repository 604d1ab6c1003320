//! Where a data directory lives by default.

use std::path::{Path, PathBuf};

pub const DATA_DIR_ENV: &str = "HOOKDESK_DATA_DIR";
pub const DB_FILE: &str = "hookdesk.db";
/// Held by the process that has the data directory open (see `instance.rs`).
pub const LOCK_FILE: &str = "hookdesk.lock";

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

/// Creates the data directory readable by its owner only (0700), and tightens one that is
/// already Hookdesk's (it holds our files, or nothing yet) but open to others.
pub fn create_private_dir(dir: &Path) -> crate::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| crate::Error::Io(format!("Cannot create the data directory {}: {e}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ours = [DB_FILE, LOCK_FILE].iter().any(|f| dir.join(f).exists())
            || std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none());
        if ours
            && let Ok(meta) = std::fs::metadata(dir)
            && meta.permissions().mode() & 0o077 != 0
            && let Err(e) = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        {
            tracing::warn!("could not make the data directory {} private to its owner: {e}", dir.display());
        }
    }
    Ok(())
}
