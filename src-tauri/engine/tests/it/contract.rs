//! The OpenAPI document's patterns against the validators that enforce them: on thousands of
//! generated strings, each pattern accepts exactly what the engine accepts. A rule changed
//! on one side only fails here, before a client or the fuzzer finds it.

use hookdesk_engine::catalog::Catalog;
use hookdesk_engine::model::event::{EventInput, is_valid_event_id, is_valid_event_type, raw_data};
use hookdesk_engine::model::patterns as p;
use hookdesk_engine::model::{HeaderInput, WebhookInput};
use hookdesk_engine::signing::SigningSecret;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Characters each rule cares about: letters, digits, punctuation, every kind of white
/// space, C0 and C1 controls, bidirectional overrides, and text beyond ASCII.
const ALPHABET: &[char] = &[
    'a', 'z', 'A', 'Q', '0', '9', '_', '.', '-', ':', '/', '?', '#', '@', '%', '+', '=', '*', '!', '~', '[', ']', ' ', '\t', '\n', '\r',
    '\u{b}', '\u{1c}', '\u{0}', '\u{7f}', '\u{85}', '\u{9f}', '\u{a0}', '\u{2003}', '\u{3000}', '\u{202e}', '\u{2066}', '\u{200f}', 'é',
    'ß', '😀', '"', '\\',
];

fn corpus(seed: u64, extra: &[&str]) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    for _ in 0..4000 {
        let len = rng.random_range(0..10);
        out.push((0..len).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())]).collect());
    }
    // Lengths at and around every bound, bare and wrapped in white space.
    for n in [63, 64, 65, 127, 128, 129, 254, 255, 256, 999, 1000, 1001, 8191, 8192, 8193] {
        for s in ["a".repeat(n), format!(" {} ", "a".repeat(n)), format!("a{}a", " ".repeat(n.saturating_sub(2)))] {
            out.push(s);
        }
    }
    out
}

fn agree(name: &str, pattern: &str, seed: u64, extra: &[&str], engine_accepts: impl Fn(&str) -> bool) {
    let re = regex::Regex::new(pattern).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut accepted = 0;
    for s in corpus(seed, extra) {
        let documented = re.is_match(&s);
        assert_eq!(documented, engine_accepts(&s), "{name}: the document says {documented} for {s:?}, the engine does not agree");
        accepted += usize::from(documented);
    }
    assert!(accepted > 0, "{name}: the corpus holds valid values too");
}

fn webhook_field_ok(field: &str, edit: impl FnOnce(&mut WebhookInput)) -> bool {
    let mut input = WebhookInput {
        code: None,
        name: "Orders".into(),
        url: "https://hooks.example.com/in".into(),
        description: String::new(),
        events: vec!["task.created".into(), "survey.created".into()],
        filters: Default::default(),
        active: true,
        headers: vec![],
        secret: None,
        delivery: Default::default(),
    };
    edit(&mut input);
    input.normalize();
    let catalog = Catalog::new(vec![]);
    !input.validate(&catalog, &[]).errors.iter().any(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
}

fn event_field_ok(field: &str, edit: impl FnOnce(&mut EventInput)) -> bool {
    let mut event = EventInput {
        id: None,
        event_type: "task.created".into(),
        occurred_at: None,
        data: raw_data(&serde_json::json!({})),
        workflow: None,
        survey: None,
        group: None,
    };
    edit(&mut event);
    event.validate().err().is_none_or(|errors| !errors.iter().any(|e| e.field == field))
}

#[test]
fn event_rules() {
    agree("EVENT_TYPE", p::EVENT_TYPE, 1, &["task.created", "a.b_c.d9", "Task.created", "task", "task..x"], is_valid_event_type);
    agree("EVENT_ID", p::EVENT_ID, 2, &["evt_01", "a:b.c-d_e"], is_valid_event_id);
    agree("SCOPE_CODE", p::SCOPE_CODE, 3, &["wf_1", "ventas-2024"], |s| event_field_ok("workflow", |e| e.workflow = Some(s.into())));
}

#[test]
fn webhook_text_rules() {
    agree("WEBHOOK_NAME", p::WEBHOOK_NAME, 4, &["Orders", " Órdenes de compra "], |s| webhook_field_ok("name", |w| w.name = s.into()));
    agree("DESCRIPTION", p::DESCRIPTION, 5, &["", "Two\nlines\tand a tab"], |s| {
        webhook_field_ok("description", |w| w.description = s.into())
    });
    agree("WEBHOOK_CODE", p::WEBHOOK_CODE, 6, &["orders_2", " orders "], |s| webhook_field_ok("code", |w| w.code = Some(s.into())));
    agree("FILTER_VALUE", p::FILTER_VALUE, 7, &["wf_1", "", "  "], |s| {
        webhook_field_ok("filters.workflow", |w| w.filters.workflow = vec![s.into()])
    });
}

#[test]
fn header_rules() {
    let reserved = |s: &str| {
        let l = s.trim().to_ascii_lowercase();
        ["host", "content-length", "content-type", "transfer-encoding"].contains(&l.as_str()) || l.starts_with("webhook-")
    };
    // Hookdesk's own header names are the one exception the document states in words.
    agree("HEADER_NAME", p::HEADER_NAME, 8, &["X-Api-Key", " Authorization "], |s| {
        reserved(s) || webhook_field_ok("headers", |w| w.headers = vec![HeaderInput { name: s.into(), value: Some("v".into()) }])
    });
    agree("HEADER_VALUE", p::HEADER_VALUE, 9, &["Bearer abc", " token ", "••••••"], |s| {
        webhook_field_ok("headers", |w| w.headers = vec![HeaderInput { name: "X-Key".into(), value: Some(s.into()) }])
    });
}

#[test]
fn url_rule() {
    let extra = [
        "https://hooks.example.com/in",
        " HTTP://Example.COM:8080/a/b?x=1&y=%20#top ",
        "http://127.0.0.1:9000/hook",
        "http://[::1]:7000/",
        "http://[2001:db8::1]/x",
        "http://1.2.3.4.5/",
        "http://999.1.1.1/",
        "http://a.1/",
        "ftp://example.com/",
        "https://user:pass@example.com/",
        "https://exämple.com/",
        "http://[::ffff:127.0.0.1]:8080/",
        "http://[64:ff9b::1.2.3.4]/",
        "http://[::1.2.3.256]/",
        "http://my_service:8080/hook",
        "https://example.com/\u{202e}x",
        "https://example.com/a b",
        "https://example.com:65535/",
        "https://example.com:65536/",
        "https://example.com./x",
        "https:///x",
    ];
    agree("URL", p::URL, 10, &extra, |s| webhook_field_ok("url", |w| w.url = s.into()));
    // What people write: a mapped IPv6 address, a service name with `_`, text in the path.
    for good in
        ["http://[::ffff:127.0.0.1]:8080/", "http://[64:ff9b::1.2.3.4]/", "http://my_service:8080/hook", "https://example.com/café?q=ü#à"]
    {
        assert!(webhook_field_ok("url", |w| w.url = good.into()), "{good}");
    }
    // Random characters rarely make a URL: build them from parts too.
    let mut rng = StdRng::seed_from_u64(11);
    let re = regex::Regex::new(p::URL).unwrap();
    let parts = [
        &["http://", "https://", "HTTPS://", "http:/", "ws://"][..],
        &[
            "a",
            "example.com",
            "x-1.y",
            "1.2.3.4",
            "256.1.1.1",
            "[::1]",
            "[1::2::3]",
            "[::ffff:10.0.0.1]",
            "[1:2:3:4:5:6:7:8]",
            "[1:2:3:4:5:6:7::]",
            "a_b.c",
            "a.9",
            "-",
            "a..b",
            "ä.com",
            "",
        ],
        &["", ":0", ":80", ":65535", ":99999", ":"],
        &["", "/", "/p/q", "/%zz", "/a b", "/ü", "/?q=1", "#f", "/x?y#z"],
    ];
    for _ in 0..3000 {
        let url: String = parts.iter().map(|p| p[rng.random_range(0..p.len())]).collect();
        let documented = re.is_match(&url);
        assert_eq!(documented, webhook_field_ok("url", |w| w.url = url.clone()), "URL: {url:?}");
    }
}

#[test]
fn secret_rule() {
    use base64::Engine as _;
    let mut extra: Vec<String> =
        (20..70).map(|n| format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(vec![7u8; n]))).collect();
    extra.push("whsec_".into());
    extra.push("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=".into());
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    agree("SIGNING_SECRET", p::SIGNING_SECRET, 12, &extra, |s| SigningSecret::parse(s).is_some());
}
