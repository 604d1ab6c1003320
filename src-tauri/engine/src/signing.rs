//! Standard Webhooks signatures (v1, HMAC-SHA256).
//!
//! The key is the base64 decoding of the secret after `whsec_`; the signed content is
//! `{webhook-id}.{webhook-timestamp}.{body}` over the exact bytes sent; the header value is
//! `v1,<base64 signature>`, several separated by spaces during a secret rotation.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

pub const SECRET_PREFIX: &str = "whsec_";

/// A parsed signing secret: the raw key bytes.
#[derive(Clone)]
pub struct SigningSecret {
    key: Vec<u8>,
}

impl std::fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningSecret(••••••)")
    }
}

impl SigningSecret {
    /// A fresh secret: `whsec_` + base64 of 32 random bytes.
    pub fn generate() -> String {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        format!("{SECRET_PREFIX}{}", B64.encode(key))
    }

    /// Accepts `whsec_<base64>` whose key is 24 to 64 bytes long.
    pub fn parse(text: &str) -> Option<Self> {
        let b64 = text.strip_prefix(SECRET_PREFIX)?;
        let key = B64.decode(b64).ok()?;
        (24..=64).contains(&key.len()).then_some(Self { key })
    }

    /// The key in hexadecimal, as `openssl dgst -mac HMAC -macopt hexkey:` takes it.
    pub fn hex_key(&self) -> String {
        hex::encode(&self.key)
    }

    /// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
    pub fn sign(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC accepts keys of any length");
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
    }
}

/// The `webhook-signature` value: one signature per secret, space separated.
pub fn signature_header(secrets: &[SigningSecret], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets.iter().map(|s| s.sign(msg_id, timestamp, body)).collect::<Vec<_>>().join(" ")
}

/// Checks a `webhook-signature` header against a secret (used by tests and the CLI).
pub fn verify(secret: &SigningSecret, header: &str, msg_id: &str, timestamp: i64, body: &[u8]) -> bool {
    let expected = secret.sign(msg_id, timestamp, body);
    header.split(' ').any(|candidate| bool::from(subtle::ConstantTimeEq::ct_eq(candidate.as_bytes(), expected.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_parse_and_have_32_bytes() {
        let s = SigningSecret::generate();
        assert!(s.starts_with("whsec_"));
        assert_eq!(SigningSecret::parse(&s).unwrap().key.len(), 32);
    }

    #[test]
    fn rejects_short_or_malformed_secrets() {
        assert!(SigningSecret::parse("whsec_c2hvcnQ=").is_none());
        assert!(SigningSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_none());
        assert!(SigningSecret::parse("whsec_not base64!").is_none());
    }

    #[test]
    fn matches_the_standard_webhooks_reference_vector() {
        // The example from the Standard Webhooks specification.
        let secret = SigningSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let sig = secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#);
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(verify(&secret, &sig, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#));
        assert!(!verify(&secret, &sig, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232315}"#));
    }
}
