//! Secrets live in the OS keyring (Secret Service, Keychain, Credential Manager) and nowhere
//! else: custom header values, signing secrets, the Events API token.
//!
//! One keyring entry per secret, service `hookdesk`, with an account that names the data
//! directory's instance and the owner, e.g. `<instance>/webhook/<id>/header/authorization`.
//! Values read once are cached in memory so deliveries do not cross D-Bus each time.

use crate::error::{Error, Result};
use keyring_core::{CredentialStore, Error as KeyringError};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use ts_rs::TS;

pub const SERVICE: &str = "hookdesk";

/// Whether secrets can be stored, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct KeyringStatus {
    pub available: bool,
    /// The platform store in use, or the cause when none can be reached.
    pub message: String,
}

pub struct Secrets {
    namespace: String,
    store: Mutex<Option<Arc<CredentialStore>>>,
    cache: RwLock<HashMap<String, Arc<str>>>,
}

/// The account names, in one place so that creating and deleting agree.
pub mod account {
    /// What every account of a webhook starts with.
    pub fn webhook_prefix(webhook_id: &str) -> String {
        format!("webhook/{webhook_id}/")
    }
    pub fn signing_secret(webhook_id: &str) -> String {
        format!("webhook/{webhook_id}/signing-secret")
    }
    pub fn previous_signing_secret(webhook_id: &str) -> String {
        format!("webhook/{webhook_id}/signing-secret/previous")
    }
    pub fn header(webhook_id: &str, name: &str) -> String {
        format!("webhook/{webhook_id}/header/{}", name.to_ascii_lowercase())
    }
    /// Direct deliveries have no webhook: their headers belong to the event.
    pub fn direct_header(event_id: &str, name: &str) -> String {
        format!("direct/{event_id}/header/{}", name.to_ascii_lowercase())
    }
    pub const API_TOKEN: &str = "events-api/token";
}

fn platform_store() -> std::result::Result<Arc<CredentialStore>, KeyringError> {
    #[cfg(all(unix, not(any(target_os = "macos", target_os = "ios", target_os = "android"))))]
    {
        Ok(zbus_secret_service_keyring_store::Store::new()?)
    }
    #[cfg(target_os = "macos")]
    {
        Ok(apple_native_keyring_store::keychain::Store::new()?)
    }
    #[cfg(target_os = "windows")]
    {
        Ok(windows_native_keyring_store::Store::new()?)
    }
    #[cfg(not(any(
        all(unix, not(any(target_os = "macos", target_os = "ios", target_os = "android"))),
        target_os = "macos",
        target_os = "windows"
    )))]
    {
        Err(KeyringError::NotSupportedByStore("no OS keyring is supported on this platform".into()))
    }
}

/// How long a keyring read (and connecting to the keyring) may take. The Secret Service
/// answers in milliseconds; one that does not (hung, or showing an unlock prompt nobody
/// sees) must not hold a delivery, a Test or the CLI for ever: past this the keyring counts
/// as unreachable, and deliveries wait for it as they do when it is gone. Writes are not cut
/// off: a write that answered late could not be said to have saved nothing.
pub const KEYRING_DEADLINE: Duration = Duration::from_secs(10);

/// Runs one keyring call on a thread of its own and waits for it up to [`KEYRING_DEADLINE`];
/// a call that does not answer by then is left to finish on its own.
fn answered<T: Send + 'static>(
    call: impl FnOnce() -> std::result::Result<T, KeyringError> + Send + 'static,
) -> std::result::Result<T, KeyringError> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("keyring-call".into())
        .spawn(move || {
            let _ = tx.send(call());
        })
        .map_err(|e| KeyringError::PlatformFailure(Box::new(e)))?;
    rx.recv_timeout(KEYRING_DEADLINE).unwrap_or_else(|_| {
        Err(KeyringError::NoStorageAccess(
            format!("it did not answer within {} s (it may be waiting to be unlocked)", KEYRING_DEADLINE.as_secs()).into(),
        ))
    })
}

const STORE_NAME: &str = if cfg!(target_os = "macos") {
    "the macOS Keychain"
} else if cfg!(target_os = "windows") {
    "the Windows Credential Manager"
} else {
    "the Secret Service (e.g. GNOME Keyring or KWallet)"
};

fn unreachable(cause: impl std::fmt::Display) -> Error {
    Error::KeyringUnreachable(format!(
        "The OS keyring is not reachable: {cause}. Hookdesk keeps secrets only in {STORE_NAME}; start or unlock it and try again."
    ))
}

/// The error of a write, saying that it changed nothing.
fn nothing_saved(e: Error) -> Error {
    match e {
        Error::KeyringUnreachable(m) => Error::KeyringUnreachable(format!("{m} Nothing was saved.")),
        Error::Keyring(m) => Error::Keyring(format!("{m} Nothing was saved.")),
        other => other,
    }
}

fn describe(e: KeyringError) -> Error {
    match e {
        KeyringError::NoStorageAccess(cause) | KeyringError::PlatformFailure(cause) => unreachable(cause),
        KeyringError::NoDefaultStore => unreachable("no credential store is available"),
        other => Error::Keyring(format!("The OS keyring refused the operation: {other}.")),
    }
}

impl Secrets {
    /// `namespace` keeps the secrets of different data directories apart.
    pub fn new(namespace: &str) -> Self {
        Self { namespace: namespace.to_string(), store: Mutex::new(None), cache: RwLock::new(HashMap::new()) }
    }

    /// The platform store, connected on first use; a failure is retried on the next call so
    /// that unlocking the keyring later needs no restart.
    fn store(&self) -> Result<Arc<CredentialStore>> {
        let mut slot = self.store.lock().expect("keyring store lock");
        if let Some(store) = slot.as_ref() {
            return Ok(store.clone());
        }
        let store = answered(platform_store).map_err(describe)?;
        *slot = Some(store.clone());
        Ok(store)
    }

    /// An error from the store; when the store itself is unreachable it is let go, so that
    /// the next call connects afresh (a restarted Secret Service has new sessions).
    fn failed(&self, e: KeyringError) -> Error {
        if matches!(e, KeyringError::NoStorageAccess(_) | KeyringError::PlatformFailure(_) | KeyringError::NoDefaultStore) {
            self.store.lock().expect("keyring store lock").take();
        }
        describe(e)
    }

    /// The data directory's instance id that prefixes every account.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    fn full(&self, account: &str) -> String {
        format!("{}/{account}", self.namespace)
    }

    pub fn status(&self) -> KeyringStatus {
        let probe = self.store().and_then(|store| {
            let entry = store.build(SERVICE, &self.full("probe"), None).map_err(|e| self.failed(e))?;
            match answered(move || entry.get_password()) {
                Ok(_) | Err(KeyringError::NoEntry) => Ok(()),
                Err(e) => Err(self.failed(e)),
            }
        });
        match probe {
            Ok(()) => KeyringStatus { available: true, message: format!("Secrets are kept in {STORE_NAME}.") },
            Err(e) => KeyringStatus { available: false, message: e.to_string() },
        }
    }

    pub fn set(&self, account: &str, value: &str) -> Result<()> {
        self.write(account, value).map_err(nothing_saved)
    }

    fn write(&self, account: &str, value: &str) -> Result<()> {
        let full = self.full(account);
        let entry = self.store()?.build(SERVICE, &full, None).map_err(|e| self.failed(e))?;
        entry.set_password(value).map_err(|e| self.failed(e))?;
        self.cache.write().expect("secret cache").insert(full, Arc::from(value));
        Ok(())
    }

    pub fn get(&self, account: &str) -> Result<Option<Arc<str>>> {
        let full = self.full(account);
        if let Some(v) = self.cache.read().expect("secret cache").get(&full) {
            return Ok(Some(v.clone()));
        }
        let entry = self.store()?.build(SERVICE, &full, None).map_err(|e| self.failed(e))?;
        match answered(move || entry.get_password()) {
            Ok(v) => {
                let v: Arc<str> = Arc::from(v);
                self.cache.write().expect("secret cache").insert(full, v.clone());
                Ok(Some(v))
            }
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// The value if it was read or written before, without asking the keyring.
    pub fn cached(&self, account: &str) -> Option<Arc<str>> {
        self.cache.read().expect("secret cache").get(&self.full(account)).cloned()
    }

    /// Like [`Secrets::get`], but a missing entry is an error naming what is missing.
    pub fn require(&self, account: &str, what: &str) -> Result<Arc<str>> {
        self.get(account)?
            .ok_or_else(|| Error::Keyring(format!("{what} is missing from the OS keyring; set it again in the webhook's settings.")))
    }

    /// Deletes an entry; a missing one is not an error.
    pub fn delete(&self, account: &str) -> Result<()> {
        self.remove(account).map_err(nothing_saved)
    }

    fn remove(&self, account: &str) -> Result<()> {
        let full = self.full(account);
        self.cache.write().expect("secret cache").remove(&full);
        let entry = self.store()?.build(SERVICE, &full, None).map_err(|e| self.failed(e))?;
        match entry.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// Writes (`Some`) and deletes (`None`) entries as one change: when one of them fails,
    /// those already made are put back and the error is returned. The answer undoes the whole
    /// change, for when what follows (the database write) fails.
    pub fn apply(&self, changes: &[(String, Option<String>)]) -> Result<SecretsUndo> {
        let mut undo = SecretsUndo(Vec::with_capacity(changes.len()));
        for (account, value) in changes {
            let done = self.get(account).and_then(|before| {
                match value {
                    Some(v) => self.write(account, v)?,
                    None => self.remove(account)?,
                }
                Ok(before)
            });
            match done {
                Ok(before) => undo.0.push((account.clone(), before.map(|b| b.to_string()))),
                Err(e) => {
                    self.restore(undo);
                    return Err(nothing_saved(e));
                }
            }
        }
        Ok(undo)
    }

    /// Puts entries back as they were before [`Secrets::apply`]; best effort, failures logged.
    pub fn restore(&self, undo: SecretsUndo) {
        for (account, before) in undo.0.into_iter().rev() {
            let result = match &before {
                Some(v) => self.set(&account, v),
                None => self.delete(&account),
            };
            if let Err(e) = result {
                tracing::warn!("could not put back the keyring entry {account}: {e}");
            }
        }
    }
}

/// Keyring entries as they were before a change: see [`Secrets::apply`].
#[must_use = "keep it to undo the change when the save fails"]
pub struct SecretsUndo(Vec<(String, Option<String>)>);
