//! One program instance per data directory: an exclusive lock on `hookdesk.lock`, whose
//! content names the owner so that a second instance can say who holds it, and so that the
//! CLI can find the running instance's Events API.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use crate::paths::LOCK_FILE;

/// Who holds a data directory, as written in its lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub pid: u32,
    /// "the Hookdesk app" or "hookdesk serve".
    pub program: String,
    pub started_at: String,
    /// `http://127.0.0.1:7717` once the Events API listens.
    #[serde(default)]
    pub api_url: Option<String>,
    /// The Events API token comes from `HOOKDESK_TOKEN`, not the keyring.
    #[serde(default)]
    pub token_from_env: bool,
}

impl Owner {
    pub fn describe(&self) -> String {
        format!("{} (pid {}, started {})", self.program, self.pid, self.started_at)
    }
}

/// Held for as long as the engine runs; the OS releases it if the process dies.
pub struct InstanceLock {
    file: Mutex<File>,
    owner: Mutex<Owner>,
    path: PathBuf,
}

impl InstanceLock {
    pub fn acquire(data_dir: &Path, program: &str) -> Result<Self> {
        let path = data_dir.join(LOCK_FILE);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        // It names the process and the Events API address: the owner's business only.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).map_err(|e| Error::Io(format!("Cannot open {}: {e}", path.display())))?;
        crate::store::file::make_private(&path);
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = read_owner_from(&mut file).map(|o| o.describe()).unwrap_or_else(|| "another Hookdesk".into());
                return Err(Error::AlreadyRunning(format!(
                    "Hookdesk is already running for the data directory {}: {holder}. Use that one, or pick another data directory with --data-dir or HOOKDESK_DATA_DIR.",
                    data_dir.display()
                )));
            }
            Err(TryLockError::Error(e)) => return Err(Error::Io(format!("Cannot lock {}: {e}", path.display()))),
        }
        let owner = Owner {
            pid: std::process::id(),
            program: program.to_string(),
            started_at: crate::model::time::format_ms(crate::model::time::now_ms()),
            api_url: None,
            token_from_env: false,
        };
        let lock = Self { file: Mutex::new(file), owner: Mutex::new(owner), path };
        lock.write_owner()?;
        Ok(lock)
    }

    fn write_owner(&self) -> Result<()> {
        let owner = self.owner.lock().expect("owner").clone();
        let mut file = self.file.lock().expect("lock file");
        let text = serde_json::to_string(&owner).map_err(|e| Error::Io(e.to_string()))?;
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(text.as_bytes())?;
        file.sync_data()?;
        Ok(())
    }

    /// Records where the Events API listens, for the CLI.
    pub fn set_api_url(&self, url: Option<String>) -> Result<()> {
        self.owner.lock().expect("owner").api_url = url;
        self.write_owner()
    }

    pub fn owner(&self) -> Owner {
        self.owner.lock().expect("owner").clone()
    }

    pub fn set_token_from_env(&self, from_env: bool) -> Result<()> {
        self.owner.lock().expect("owner").token_from_env = from_env;
        self.write_owner()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn read_owner_from(file: &mut File) -> Option<Owner> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

/// The running instance of a data directory, if any: the lock is held and names its owner.
pub fn running_owner(data_dir: &Path) -> Option<Owner> {
    let mut file = OpenOptions::new().read(true).write(true).open(data_dir.join(LOCK_FILE)).ok()?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(TryLockError::WouldBlock) => read_owner_from(&mut file),
        Err(TryLockError::Error(_)) => None,
    }
}

/// The keyring namespace of a data directory (its instance id), read without opening the
/// engine, so the CLI can find the token while the app runs.
pub fn instance_id(data_dir: &Path) -> Result<Option<String>> {
    let path = data_dir.join(crate::paths::DB_FILE);
    if !path.exists() {
        return Ok(None);
    }
    crate::store::settings::read_only(&path, "instance_id")
}
