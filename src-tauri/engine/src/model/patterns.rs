//! The rules of the API's text fields as regular expressions, stated once: the OpenAPI
//! document carries them (`api/contract.rs`), and a test holds each against the validator
//! that enforces it (`tests/it/contract.rs`), so that what the document promises is what the
//! engine accepts. They use the syntax Rust's `regex`, Python's `re` and ECMAScript share.
//!
//! Fields the engine trims (names, descriptions, codes, filter values) allow surrounding
//! white space, and their length bounds are in the pattern, because they count the trimmed
//! text.

/// What `str::trim` removes: Unicode `White_Space`.
macro_rules! ws {
    () => {
        r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    };
}
/// C0 and C1 control characters (`char::is_control`).
macro_rules! ctrl {
    () => {
        r"\x00-\x1f\x7f-\x9f"
    };
}
/// Bidirectional marks, embeddings, overrides and isolates ("Trojan Source").
macro_rules! bidi {
    () => {
        r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    };
}

/// `entity.action`, at most 128 characters.
pub const EVENT_TYPE: &str = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$";
pub const EVENT_TYPE_MAX: usize = 128;
/// A caller's event id (what receivers see as `webhook-id`).
pub const EVENT_ID: &str = r"^[A-Za-z0-9_.:-]{1,128}$";
/// An event's workflow, survey or group code.
pub const SCOPE_CODE: &str = concat!("^[^", ws!(), ctrl!(), "]{1,255}$");
/// A webhook's name: 1–255 characters once trimmed, no control or bidirectional characters.
pub const WEBHOOK_NAME: &str = concat!(
    "^[",
    ws!(),
    "]*[^",
    ws!(),
    ctrl!(),
    bidi!(),
    "]([^",
    ctrl!(),
    bidi!(),
    "]{0,253}[^",
    ws!(),
    ctrl!(),
    bidi!(),
    "])?[",
    ws!(),
    "]*$"
);
/// A description: up to 1000 characters once trimmed; line breaks and tabs are allowed.
pub const DESCRIPTION: &str = concat!(
    "^[",
    ws!(),
    "]*([^",
    ws!(),
    r"\x00-\x08\x0b-\x1f\x7f-\x9f",
    bidi!(),
    "]([^",
    r"\x00-\x08\x0b-\x1f\x7f-\x9f",
    bidi!(),
    "]{0,998}[^",
    ws!(),
    r"\x00-\x08\x0b-\x1f\x7f-\x9f",
    bidi!(),
    "])?)?[",
    ws!(),
    "]*$"
);
/// A webhook's code: lowercase letters, digits and `_`, at most 64.
pub const WEBHOOK_CODE: &str = concat!("^[", ws!(), "]*[a-z0-9_]{1,64}[", ws!(), "]*$");
/// A webhook filter's value (empty values are dropped).
pub const FILTER_VALUE: &str = concat!("^[", ws!(), "]*[^", ws!(), ctrl!(), "]{0,255}[", ws!(), "]*$");
/// Four hexadecimal digits at most: a piece of an IPv6 address.
macro_rules! h16 {
    () => {
        "[0-9A-Fa-f]{1,4}"
    };
}
/// A dotted-decimal IPv4 address.
macro_rules! ipv4 {
    () => {
        r"((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
    };
}
/// The low 32 bits of an IPv6 address: two pieces, or an IPv4 address (`::ffff:127.0.0.1`).
macro_rules! ls32 {
    () => {
        concat!("(", h16!(), ":", h16!(), "|", ipv4!(), ")")
    };
}
/// A character of a URL's path, query or fragment: RFC 3986's, `%`, and text beyond ASCII
/// (sent percent-encoded) other than white space, controls and bidirectional marks.
macro_rules! url_char {
    () => {
        concat!(r"([A-Za-z0-9._~!$&'()*+,;=:@%/?-]|[^\x00-\x7f", ws!(), ctrl!(), bidi!(), "])")
    };
}

/// A webhook's URL: http or https (any case), a host name (ASCII labels of letters, digits,
/// `-` and `_`, the last one starting with a letter; an international domain in its `xn--`
/// form), an IPv4 address or a bracketed IPv6 address (RFC 3986's grammar), an optional port,
/// and a path, query and fragment; white space around it is trimmed. The engine checks this
/// pattern as well as parsing the URL, so the document and the engine agree.
pub const URL: &str = concat!(
    "^[",
    ws!(),
    "]*[Hh][Tt][Tt][Pp][Ss]?://(",
    r"([A-Za-z0-9_-]+\.)*[A-Za-z][A-Za-z0-9_-]*\.?|",
    ipv4!(),
    r"|\[(",
    concat!("(", h16!(), ":){6}", ls32!()),
    concat!("|::(", h16!(), ":){5}", ls32!()),
    concat!("|(", h16!(), ")?::(", h16!(), ":){4}", ls32!()),
    concat!("|((", h16!(), ":)?", h16!(), ")?::(", h16!(), ":){3}", ls32!()),
    concat!("|((", h16!(), ":){0,2}", h16!(), ")?::(", h16!(), ":){2}", ls32!()),
    concat!("|((", h16!(), ":){0,3}", h16!(), ")?::", h16!(), ":", ls32!()),
    concat!("|((", h16!(), ":){0,4}", h16!(), ")?::", ls32!()),
    concat!("|((", h16!(), ":){0,5}", h16!(), ")?::", h16!()),
    concat!("|((", h16!(), ":){0,6}", h16!(), ")?::"),
    r")\])",
    r"(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?",
    "(/",
    url_char!(),
    r"*)?(\?",
    url_char!(),
    "*)?(#",
    url_char!(),
    "*)?[",
    ws!(),
    "]*$"
);
pub const URL_MAX: usize = super::webhook::URL_MAX_LEN;
/// [`URL`], compiled.
pub static URL_RE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(URL).expect("the URL pattern compiles"));
/// A webhook header's name: an RFC 9110 token (trimmed). Hookdesk's own headers (`host`,
/// `content-*`, `transfer-encoding`, `webhook-*`) and a name given twice are refused too,
/// which no per-field pattern can say.
pub const HEADER_NAME: &str = concat!("^[", ws!(), "]*[!#$%&'*+.^_`|~0-9A-Za-z-]+[", ws!(), "]*$");
/// A direct delivery's header name, taken as it is.
pub const DIRECT_HEADER_NAME: &str = r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";
/// A webhook header's value: visible ASCII with inner spaces and tabs, 1–8192 once trimmed.
pub const HEADER_VALUE: &str = concat!("^[", ws!(), r"]*[\x21-\x7e]([\x20-\x7e\t]{0,8190}[\x21-\x7e])?[", ws!(), "]*$");
/// A direct delivery's header value, taken as it is.
pub const DIRECT_HEADER_VALUE: &str = r"^[\x20-\x7e\t]{1,8192}$";
/// A signing secret: `whsec_` and the canonical base64 (padded, no stray bits) of 24 to 64
/// bytes.
pub const SIGNING_SECRET: &str = concat!(
    r"^whsec_(([A-Za-z0-9+/]{4}){8,21}",
    r"|([A-Za-z0-9+/]{4}){8,20}[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=",
    r"|([A-Za-z0-9+/]{4}){8,21}[A-Za-z0-9+/][AQgw]==)$"
);
