//! Masks known secret values wherever they appear in what is stored or shown: a receiver
//! that echoes its request (httpbin-style) must not put a header value in the logs.

use crate::model::MASK;

/// Shorter values are not masked: masking "1" or "yes" everywhere would ruin the logs and
/// hide nothing worth hiding.
const SHORTEST_SECRET: usize = 4;

/// The forms in which each secret may come back: as sent, JSON-escaped (an echo as a JSON
/// string), and the credential alone after an auth scheme (`Bearer <token>`).
pub struct SecretMask {
    needles: Vec<Vec<u8>>,
}

impl SecretMask {
    pub fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut needles: Vec<Vec<u8>> = Vec::new();
        let mut add = |s: &str| {
            let s = s.trim();
            if s.len() >= SHORTEST_SECRET && !needles.iter().any(|n| n == s.as_bytes()) {
                needles.push(s.as_bytes().to_vec());
            }
        };
        for value in values {
            let value = value.trim();
            let credential = value.split_once(' ').map(|(_, c)| c);
            for form in std::iter::once(value).chain(credential) {
                add(form);
                if let Ok(quoted) = serde_json::to_string(form) {
                    add(&quoted[1..quoted.len() - 1]);
                }
            }
        }
        // Longest first, so that a value is masked whole before a part of it is.
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        Self { needles }
    }

    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    pub fn bytes(&self, haystack: &[u8]) -> Vec<u8> {
        let mut out = haystack.to_vec();
        for needle in &self.needles {
            out = replace(&out, needle, MASK.as_bytes());
        }
        out
    }

    pub fn text(&self, haystack: &str) -> String {
        if self.is_empty() {
            return haystack.to_string();
        }
        // Needles and the mask are whole UTF-8 strings, so the result is one too.
        String::from_utf8(self.bytes(haystack.as_bytes())).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_secret_is_masked_and_nothing_else() {
        let mask = SecretMask::new(["Bearer s3cr\"et-token", "abc"]);
        let echo =
            r#"{"headers":{"Authorization":"Bearer s3cr\"et-token","X-Short":"abc"},"raw":"Bearer s3cr"et-token","alone":"s3cr"et-token"}"#;
        let masked = mask.text(echo);
        assert!(!masked.contains("s3cr"), "{masked}");
        assert!(masked.contains(r#""X-Short":"abc""#), "values shorter than 4 characters stay: {masked}");
        assert_eq!(masked.matches(MASK).count(), 3, "{masked}");
    }
}
