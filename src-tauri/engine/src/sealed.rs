//! Secrets sealed for a database: what team mode stores instead of keyring entries, since a
//! server has no Secret Service. XChaCha20-Poly1305 (RustCrypto's `chacha20poly1305`) with a
//! 32-byte key kept outside the database: `HOOKDESK_SECRET_KEY` (base64), or a key file
//! readable by its owner only. Each value is bound to its account name (the cipher's
//! associated data), so a sealed value copied onto another account does not open; a random
//! 24-byte nonce per value. The team database's store (`store::pg`) keeps them.

use crate::error::{Error, Result};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::path::Path;
use zeroize::Zeroizing;

/// Where the key is read from when no key file is given.
pub const KEY_ENV: &str = "HOOKDESK_SECRET_KEY";
/// Marks a sealed value (and its format's version).
const PREFIX: &str = "hdk1:";
const NONCE_LEN: usize = 24;

/// The key secrets are sealed with. Wiped from memory when dropped (each copy); never printed.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", self.fingerprint())
    }
}

fn key_error(message: impl Into<String>) -> Error {
    Error::Keyring(message.into())
}

impl SecretKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(key.as_mut());
        Self(key)
    }

    /// A key written as base64 of 32 bytes (surrounding whitespace ignored).
    pub fn from_base64(text: &str) -> Result<Self> {
        let bytes = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|_| key_error("The secret key is not base64: give base64 of 32 random bytes (`openssl rand -base64 32`)."))?,
        );
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| key_error(format!("The secret key is {} bytes long; it must be 32 (`openssl rand -base64 32`).", bytes.len())))?;
        Ok(Self(Zeroizing::new(key)))
    }

    /// The key as base64, to write into a key file or a variable.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.0.as_ref()))
    }

    /// A key file's key. Refused unless only its owner may read or write it.
    pub fn from_file(path: &Path) -> Result<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(path).map_err(|e| key_error(format!("The key file {} cannot be read: {e}.", path.display())))?;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(key_error(format!(
                    "The key file {} may be read by others (mode {mode:o}); make it its owner's only: chmod 600 {}.",
                    path.display(),
                    path.display()
                )));
            }
        }
        let text = Zeroizing::new(
            std::fs::read_to_string(path).map_err(|e| key_error(format!("The key file {} cannot be read: {e}.", path.display())))?,
        );
        Self::from_base64(&text).map_err(|e| key_error(format!("{}: {e}", path.display())))
    }

    /// The key of a key file when one is given, else of `HOOKDESK_SECRET_KEY`; `None` when
    /// neither is.
    pub fn configured(file: Option<&Path>) -> Result<Option<Self>> {
        match file {
            Some(path) => Self::from_file(path).map(Some),
            None => match std::env::var(KEY_ENV) {
                Ok(text) if !text.trim().is_empty() => Self::from_base64(&text).map(Some).map_err(|e| key_error(format!("{KEY_ENV}: {e}"))),
                _ => Ok(None),
            },
        }
    }

    /// Tells keys apart without showing them: the first 8 hex digits of the key's SHA-256.
    pub fn fingerprint(&self) -> String {
        Sha256::digest(self.0.as_ref()).iter().take(4).map(|b| format!("{b:02x}")).collect()
    }

    /// `value`, sealed for `account`.
    pub fn seal(&self, account: &str, value: &str) -> String {
        let cipher = XChaCha20Poly1305::new(self.0.as_ref().into());
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: value.as_bytes(), aad: account.as_bytes() })
            // Only a message over 256 GiB can fail.
            .expect("a secret seals");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    /// A value sealed for `account` by [`SecretKey::seal`] with this key.
    pub fn open(&self, account: &str, sealed: &str) -> Result<Zeroizing<String>> {
        let damaged = || key_error(format!("The stored secret {account} is damaged: it is not a sealed value."));
        let bytes = STANDARD.decode(sealed.strip_prefix(PREFIX).ok_or_else(damaged)?).map_err(|_| damaged())?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(damaged());
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new(self.0.as_ref().into());
        let plain = cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: account.as_bytes() }).map_err(|_| {
            key_error(format!(
                "The stored secret {account} does not open with the secret key {}: the database was set up with another key (or the value was altered). Nothing was changed.",
                self.fingerprint()
            ))
        })?;
        String::from_utf8(plain).map(Zeroizing::new).map_err(|_| damaged())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "webhook/65f1d0aae4b0a1b2c3d4eaaa/header/authorization";

    #[test]
    fn a_sealed_value_opens_with_its_key_and_account_only() {
        let key = SecretKey::generate();
        let sealed = key.seal(ACCOUNT, "Bearer tok_live_4f9a8b7c");
        assert!(sealed.starts_with(PREFIX) && !sealed.contains("tok_live"), "{sealed}");
        assert_ne!(sealed, key.seal(ACCOUNT, "Bearer tok_live_4f9a8b7c"), "a fresh nonce each time");
        assert_eq!(key.open(ACCOUNT, &sealed).unwrap().as_str(), "Bearer tok_live_4f9a8b7c");

        let other = SecretKey::generate();
        let wrong = other.open(ACCOUNT, &sealed).unwrap_err().to_string();
        assert!(wrong.contains("another key") && wrong.contains(&other.fingerprint()), "{wrong}");
        assert!(key.open("webhook/other/signing-secret", &sealed).is_err(), "bound to its account");

        let mut tampered = STANDARD.decode(&sealed[PREFIX.len()..]).unwrap();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(key.open(ACCOUNT, &format!("{PREFIX}{}", STANDARD.encode(tampered))).is_err(), "an altered value does not open");
        assert!(key.open(ACCOUNT, "plain text").unwrap_err().to_string().contains("damaged"));
    }

    #[test]
    fn a_key_is_32_bytes_of_base64_and_never_shown() {
        let key = SecretKey::generate();
        let again = SecretKey::from_base64(&format!("  {}\n", key.to_base64().as_str())).unwrap();
        assert_eq!(again.fingerprint(), key.fingerprint());
        assert!(!format!("{key:?}").contains(key.to_base64().as_str()));
        assert!(SecretKey::from_base64("not base64!").unwrap_err().to_string().contains("not base64"));
        let short = SecretKey::from_base64(&STANDARD.encode([7u8; 16])).unwrap_err().to_string();
        assert!(short.contains("16 bytes long"), "{short}");
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_may_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let key = SecretKey::generate();
        std::fs::write(&path, key.to_base64().as_str()).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = SecretKey::from_file(&path).unwrap_err().to_string();
        assert!(refused.contains("chmod 600"), "{refused}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(SecretKey::configured(Some(&path)).unwrap().unwrap().fingerprint(), key.fingerprint());
    }
}
