//! The webhook: what it is subscribed to, where it sends, and the rules its fields keep.

use super::code::{CODE_MAX_LEN, is_valid_code};
use super::delivery_settings::DeliverySettings;
use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const NAME_MAX_CHARS: usize = 255;
pub const DESCRIPTION_MAX_CHARS: usize = 1000;
pub const URL_MAX_LEN: usize = 2048;
pub const HEADERS_MAX: usize = 50;
pub const HEADER_VALUE_MAX_LEN: usize = 8192;
pub const FILTER_VALUE_MAX_CHARS: usize = 255;
/// What a secret header value looks like on read.
pub const MASK: &str = "••••••";
pub const CODE_FROZEN: &str = "Once saved, the Code cannot be modified.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum WebhookStatus {
    Active,
    /// Deactivated by the user, or by the endpoint answering 410 Gone.
    Disabled,
    /// Paused by the engine after consecutive failed deliveries; its queue is held.
    Paused,
}

impl WebhookStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookStatus::Active => "active",
            WebhookStatus::Disabled => "disabled",
            WebhookStatus::Paused => "paused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(WebhookStatus::Active),
            "disabled" => Some(WebhookStatus::Disabled),
            "paused" => Some(WebhookStatus::Paused),
            _ => None,
        }
    }
}

/// Workflow, survey and group codes a webhook is limited to; empty means all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[ts(export)]
pub struct Filters {
    /// Applies to `task.*` events.
    pub workflow: Vec<String>,
    /// Applies to `survey.*` events.
    pub survey: Vec<String>,
    /// Applies to `survey.*` events.
    pub group: Vec<String>,
}

/// A custom header as read back: the value is masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct HeaderView {
    pub name: String,
    pub value: String,
}

/// A custom header as written: a plain-text value, or none (or the mask) to keep the stored one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct HeaderInput {
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub value: Option<String>,
}

impl HeaderInput {
    /// The new value, unless the caller left it out to keep the stored one.
    pub fn new_value(&self) -> Option<&str> {
        self.value.as_deref().filter(|v| *v != MASK)
    }
}

/// A webhook as the panel and the API read it. Secrets never appear here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct Webhook {
    /// 24 hex digits, generated at creation.
    pub id: crate::model::WebhookId,
    pub code: String,
    pub name: String,
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub filters: Filters,
    /// `status == "active"`: disabled and paused webhooks both read `false`.
    pub active: bool,
    pub status: WebhookStatus,
    pub status_reason: Option<String>,
    pub headers: Vec<HeaderView>,
    pub delivery: DeliverySettings,
    /// Until when the previous signing secret still signs alongside the current one.
    pub previous_secret_until: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Why its deliveries wait although it is active: "Waiting for the keyring: …".
    pub held_by: Option<String>,
}

/// What a create (or a full update) carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct WebhookInput {
    /// Suggested from the name when left out on create; immutable once saved.
    #[serde(default)]
    #[ts(optional)]
    pub code: Option<String>,
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub description: String,
    pub events: Vec<String>,
    #[serde(default)]
    pub filters: Filters,
    #[serde(default = "active_by_default")]
    pub active: bool,
    #[serde(default)]
    pub headers: Vec<HeaderInput>,
    /// A `whsec_…` signing secret; generated when left out on create.
    #[serde(default)]
    #[ts(optional)]
    pub secret: Option<String>,
    #[serde(default)]
    pub delivery: DeliverySettings,
}

fn active_by_default() -> bool {
    true
}

/// A rule the input keeps but that the user may want to hear about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct FieldWarning {
    pub field: String,
    pub message: String,
}

/// The outcome of checking a form: errors block saving, warnings do not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Validation {
    pub errors: Vec<FieldError>,
    pub warnings: Vec<FieldWarning>,
}

impl Validation {
    fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }
}

/// Which event types exist (built-in or custom); the validator asks it.
pub trait EventTypeLookup {
    fn is_known(&self, name: &str) -> bool;
}

/// Headers Hookdesk sets itself; a custom header may not replace them.
const RESERVED_HEADERS: [&str; 4] = ["host", "content-length", "content-type", "transfer-encoding"];

impl WebhookInput {
    /// Trims what users paste with stray spaces and drops duplicates, so that what is
    /// stored is what the rules were checked against.
    pub fn normalize(&mut self) {
        self.name = self.name.trim().to_string();
        self.url = trimmed_url(&self.url);
        self.description = self.description.trim().to_string();
        if let Some(code) = &mut self.code {
            *code = code.trim().to_string();
        }
        dedupe(&mut self.events);
        for list in [&mut self.filters.workflow, &mut self.filters.survey, &mut self.filters.group] {
            list.iter_mut().for_each(|v| *v = v.trim().to_string());
            list.retain(|v| !v.is_empty());
            dedupe(list);
        }
        // A filter only means something for the events it applies to; one that does not
        // apply is dropped, unless a value breaks the rules (then validation says so).
        let drop_unless_malformed = |list: &mut Vec<String>| {
            if list.iter().all(|v| is_filter_value(v)) {
                list.clear();
            }
        };
        if !self.events.iter().any(|e| e.starts_with("task.")) {
            drop_unless_malformed(&mut self.filters.workflow);
        }
        if !self.events.iter().any(|e| e.starts_with("survey.")) {
            drop_unless_malformed(&mut self.filters.survey);
            drop_unless_malformed(&mut self.filters.group);
        }
        for h in &mut self.headers {
            h.name = h.name.trim().to_string();
            if let Some(v) = &mut h.value {
                *v = v.trim().to_string();
            }
        }
        // Sequential is one at a time, whatever concurrency says (if it says something valid).
        let (lo, hi) = super::delivery_settings::CONCURRENCY_RANGE;
        if self.delivery.ordering == super::Ordering::Sequential && (lo..=hi).contains(&self.delivery.concurrency) {
            self.delivery.concurrency = 1;
        }
    }

    /// Checks every field rule of the settings panel. Code uniqueness and the
    /// immutability of a saved Code are the store's to check.
    /// `existing_headers` names the headers that already have a stored value.
    pub fn validate(&self, catalog: &dyn EventTypeLookup, existing_headers: &[String]) -> Validation {
        let mut v = Validation::default();
        let name_len = self.name.chars().count();
        if name_len == 0 {
            v.error("name", "Name is required.");
        } else if name_len > NAME_MAX_CHARS {
            v.error("name", format!("Name must be at most {NAME_MAX_CHARS} characters (it has {name_len})."));
        } else if let Some(c) = self.name.chars().find(|c| is_hidden_control(*c)) {
            v.error("name", format!("Name must not contain the invisible control character U+{:04X}.", c as u32));
        }
        if let Some(code) = &self.code {
            if code.is_empty() {
                v.error("code", "Code is required: lowercase letters, digits and _.");
            } else if code.len() > CODE_MAX_LEN {
                v.error("code", format!("Code must be at most {CODE_MAX_LEN} characters."));
            } else if !is_valid_code(code) {
                v.error("code", "Code may contain only lowercase letters a–z, digits and _.");
            }
        }
        check_url(&self.url, &mut v);
        let desc_len = self.description.chars().count();
        if desc_len > DESCRIPTION_MAX_CHARS {
            v.error("description", format!("Description must be at most {DESCRIPTION_MAX_CHARS} characters (it has {desc_len})."));
        } else if let Some(c) = self.description.chars().find(|c| *c != '\n' && *c != '\t' && is_hidden_control(*c)) {
            v.error("description", format!("Description must not contain the invisible control character U+{:04X}.", c as u32));
        }
        if self.events.is_empty() {
            v.error("events", "Choose at least one trigger.");
        }
        for (i, e) in self.events.iter().enumerate() {
            if !super::event::is_valid_event_type(e) {
                v.error(format!("events[{i}]"), format!("'{e}' is not an event type: use entity.action, e.g. task.created."));
            } else if !catalog.is_known(e) {
                v.error(format!("events[{i}]"), format!("'{e}' is not in the event catalog: add it under Settings → Event types first."));
            }
        }
        for (key, list) in [("workflow", &self.filters.workflow), ("survey", &self.filters.survey), ("group", &self.filters.group)] {
            for (i, value) in list.iter().enumerate() {
                if !is_filter_value(value) {
                    v.error(
                        format!("filters.{key}[{i}]"),
                        format!("'{value}' is not a {key} code: no spaces, at most {FILTER_VALUE_MAX_CHARS} characters."),
                    );
                }
            }
        }
        check_headers(&self.headers, existing_headers, &mut v);
        if let Some(secret) = &self.secret
            && crate::signing::SigningSecret::parse(secret).is_none()
        {
            v.error("secret", "A signing secret is whsec_ followed by the base64 of 24 to 64 random bytes.");
        }
        self.delivery.validate("delivery", &mut v.errors);
        v
    }
}

/// A workflow, survey or group code: at most 255 characters, no spaces or control characters.
pub fn is_filter_value(value: &str) -> bool {
    value.chars().count() <= FILTER_VALUE_MAX_CHARS && !value.chars().any(|c| c.is_control() || c.is_whitespace())
}

fn dedupe(list: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    list.retain(|x| seen.insert(x.clone()));
}

/// A URL without the white space around it, unless it is longer than a URL may be: then it is
/// kept as sent, so the length rule sees what the document's `maxLength` saw.
pub(crate) fn trimmed_url(raw: &str) -> String {
    if raw.chars().count() > URL_MAX_LEN { raw.to_string() } else { raw.trim().to_string() }
}

fn check_url(raw: &str, v: &mut Validation) {
    if raw.is_empty() {
        v.error("url", "Url is required.");
        return;
    }
    if raw.chars().count() > URL_MAX_LEN {
        v.error("url", format!("Url must be at most {URL_MAX_LEN} characters."));
        return;
    }
    let url = match url::Url::parse(raw) {
        Ok(u) => u,
        Err(_) => {
            v.error("url", "Enter an absolute http or https URL, e.g. https://example.com/hooks.");
            return;
        }
    };
    if url.scheme() != "http" && url.scheme() != "https" {
        v.error("url", format!("Only http and https URLs can receive webhooks, not {}:.", url.scheme()));
        return;
    }
    if !url.username().is_empty() || url.password().is_some() {
        v.error("url", "Credentials in the URL (user:pass@) are not allowed: send them as a custom header, e.g. Authorization.");
        return;
    }
    let Some(host) = url.host() else {
        v.error("url", "The URL needs a host name.");
        return;
    };
    if !super::patterns::URL_RE.is_match(raw) {
        v.error(
            "url",
            "Give the host as a plain name or address (an international domain in its xn-- form) and percent-encode spaces and control characters (%20 for a space).",
        );
        return;
    }
    if url.scheme() == "http" && !is_loopback_host(&host) {
        v.warnings.push(FieldWarning {
            field: "url".into(),
            message: "Plain http sends events unencrypted over the network; prefer https for hosts other than this machine.".into(),
        });
    }
}

/// Loopback by name or address: `localhost`, `*.localhost`, 127.0.0.0/8, `::1`.
pub fn is_loopback_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        url::Host::Ipv4(a) => a.is_loopback(),
        url::Host::Ipv6(a) => a.is_loopback() || a.to_ipv4_mapped().is_some_and(|m| m.is_loopback()),
    }
}

/// RFC 9110 token characters.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Visible ASCII, with spaces and tabs inside (`Bearer abc`), and never CR or LF.
fn is_header_value(s: &str) -> bool {
    s.bytes().all(|b| (0x20..=0x7e).contains(&b) || b == b'\t')
}

fn check_headers(headers: &[HeaderInput], existing: &[String], v: &mut Validation) {
    if headers.len() > HEADERS_MAX {
        v.error("headers", format!("At most {HEADERS_MAX} custom headers."));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, h) in headers.iter().enumerate() {
        let lower = h.name.to_ascii_lowercase();
        let field = format!("headers[{i}].name");
        if h.name.is_empty() {
            v.error(field, "Header name is required.");
        } else if !is_token(&h.name) {
            v.error(field, format!("'{}' is not a valid header name: letters, digits and !#$%&'*+-.^_`|~ only, no spaces.", h.name));
        } else if RESERVED_HEADERS.contains(&lower.as_str()) || lower.starts_with("webhook-") {
            v.error(field, format!("{} is set by Hookdesk itself and cannot be a custom header.", h.name));
        } else if !seen.insert(lower.clone()) {
            v.error(field, format!("{} appears twice; keep one.", h.name));
        }
        let field = format!("headers[{i}].value");
        match h.new_value() {
            None if !existing.iter().any(|e| e.eq_ignore_ascii_case(&h.name)) => v.error(field, "Header value is required."),
            None => {}
            Some("") => v.error(field, "Header value is required."),
            Some(value) if value.len() > HEADER_VALUE_MAX_LEN => {
                v.error(field, format!("Header value must be at most {HEADER_VALUE_MAX_LEN} characters."))
            }
            Some(value) if !is_header_value(value) => {
                v.error(field, "Header values may contain only visible ASCII characters and spaces, no line breaks.")
            }
            Some(_) => {}
        }
    }
}

/// Characters that change how text reads without being seen: C0 and C1 controls (NUL
/// among them) and the bidirectional embeddings, overrides and isolates, with which a name
/// could show as something it is not ("Trojan Source").
pub fn is_hidden_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}
