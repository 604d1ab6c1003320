//! The event: something that happened in a source system, to be delivered to subscribers.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The largest `data` object accepted, once serialised.
pub const DATA_MAX_BYTES: usize = 1024 * 1024;
pub const EVENT_ID_MAX_LEN: usize = 128;

/// `entity.action`: `^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`.
pub fn is_valid_event_type(s: &str) -> bool {
    let mut parts = 0;
    for part in s.split('.') {
        let mut bytes = part.bytes();
        match bytes.next() {
            Some(b) if b.is_ascii_lowercase() => {}
            _ => return false,
        }
        if !bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return false;
        }
        parts += 1;
    }
    parts >= 2 && s.len() <= 128
}

/// A caller-supplied event id: what the receiver will see as `webhook-id`.
pub fn is_valid_event_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= EVENT_ID_MAX_LEN && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.:".contains(&b))
}

/// A fresh, sortable event id: `evt_` + a ULID.
pub fn new_event_id() -> String {
    format!("evt_{}", ulid::Ulid::new())
}

/// An event as posted to `POST /v1/events` or emitted from the CLI.
#[derive(Debug, Clone, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct EventInput {
    /// Makes ingestion idempotent: a repeated id is accepted once.
    #[serde(default)]
    #[ts(optional)]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub event_type: String,
    /// RFC 3339; defaults to the time of acceptance.
    #[serde(default)]
    #[ts(optional)]
    pub occurred_at: Option<String>,
    /// A JSON object, at most 1 MiB serialised. Kept as the caller wrote it: checked, never
    /// parsed into a tree and written out again.
    #[serde(default = "empty_object")]
    #[schema(value_type = Object)]
    #[ts(type = "Record<string, unknown>")]
    pub data: Box<serde_json::value::RawValue>,
    #[serde(default)]
    #[ts(optional)]
    pub workflow: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub survey: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub group: Option<String>,
}

fn empty_object() -> Box<serde_json::value::RawValue> {
    serde_json::value::RawValue::from_string("{}".into()).expect("{} is JSON")
}

/// Event data from a JSON value (for callers that build it as a tree).
pub fn raw_data(value: &serde_json::Value) -> Box<serde_json::value::RawValue> {
    serde_json::value::to_raw_value(value).expect("a JSON value serialises")
}

impl EventInput {
    /// Checks the event's rules; returns the serialised `data` on success so it is
    /// serialised once.
    pub fn validate(&self) -> Result<String, Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some(id) = &self.id
            && !is_valid_event_id(id)
        {
            errors.push(FieldError::new("id", format!("An event id is 1–{EVENT_ID_MAX_LEN} letters, digits, _ - . or :.")));
        }
        if !is_valid_event_type(&self.event_type) {
            errors.push(FieldError::new(
                "type",
                format!("'{}' is not an event type: use entity.action, e.g. task.created.", self.event_type),
            ));
        } else if super::operational::is_operational(&self.event_type) {
            errors.push(FieldError::new(
                "type",
                format!(
                    "'{}' is one of Hookdesk's own event types: Hookdesk emits hookdesk.* events itself when a webhook pauses, is disabled or activated, or a delivery uses up its attempts.",
                    self.event_type
                ),
            ));
        }
        if let Some(at) = &self.occurred_at
            && super::time::parse_rfc3339_ms(at).is_none()
        {
            errors.push(FieldError::new("occurred_at", "Give occurred_at as an RFC 3339 timestamp, e.g. 2026-11-24T06:00:00Z."));
        }
        for (field, value) in [("workflow", &self.workflow), ("survey", &self.survey), ("group", &self.group)] {
            if let Some(v) = value
                && (v.is_empty()
                    || v.chars().count() > super::webhook::FILTER_VALUE_MAX_CHARS
                    || v.chars().any(|c| c.is_control() || c.is_whitespace()))
            {
                errors.push(FieldError::new(field, format!("'{v}' is not a {field} code.")));
            }
        }
        // The raw text is valid JSON (serde checked it); an object starts with `{`.
        let data = self.data.get().trim();
        if !data.starts_with('{') {
            errors.push(FieldError::new("data", "data must be a JSON object."));
        }
        let data = data.to_string();
        if data.len() > DATA_MAX_BYTES {
            errors.push(FieldError::new("data", format!("data is {} bytes; the limit is 1 MiB.", data.len())));
        }
        if errors.is_empty() { Ok(data) } else { Err(errors) }
    }
}

/// The envelope every receiver gets. `data` is embedded as already-serialised JSON.
///
/// Deliveries of events do not store their body: it is rebuilt with this function from the
/// event and the webhook (whose id and code never change), byte for byte. Changing the
/// output of this function changes the bodies shown for past deliveries too; version the
/// format first if it ever must change.
#[allow(clippy::too_many_arguments)]
pub fn envelope(
    event_id: &str,
    event_type: &str,
    occurred_at: i64,
    test: bool,
    webhook: Option<(&str, &str)>,
    workflow: Option<&str>,
    survey: Option<&str>,
    group: Option<&str>,
    data: &str,
) -> String {
    let s = |v: &str| serde_json::to_string(v).unwrap_or_default();
    let mut body = String::with_capacity(data.len() + 256);
    body.push_str(&format!(
        r#"{{"id":{},"type":{},"timestamp":{},"test":{test}"#,
        s(event_id),
        s(event_type),
        s(&super::time::format_ms(occurred_at))
    ));
    if let Some((id, code)) = webhook {
        body.push_str(&format!(r#","webhook":{{"id":{},"code":{}}}"#, s(id), s(code)));
    }
    for (key, value) in [("workflow", workflow), ("survey", survey), ("group", group)] {
        if let Some(v) = value {
            body.push_str(&format!(r#","{key}":{}"#, s(v)));
        }
    }
    body.push_str(r#","data":"#);
    body.push_str(data);
    body.push('}');
    body
}
