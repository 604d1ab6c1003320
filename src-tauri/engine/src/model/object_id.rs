//! 24-hex-digit identifiers in the ObjectId layout: 4-byte big-endian creation time in
//! seconds followed by 8 random bytes, so ids sort roughly by creation.

use rand::RngCore;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn new_object_id() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) as u32;
    let mut bytes = [0u8; 12];
    bytes[..4].copy_from_slice(&secs.to_be_bytes());
    rand::rng().fill_bytes(&mut bytes[4..]);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn is_object_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
