//! Every field rule of the settings panel, checked by the engine.

use crate::utils::{header, input, open_engine};
use hookdesk_engine::catalog::Catalog;
use hookdesk_engine::model::{DeliverySettings, Ordering, RetryPolicy, Validation, WebhookInput};

fn check(mut form: WebhookInput) -> Validation {
    form.normalize();
    form.validate(&Catalog::new(vec![]), &[])
}

/// The fields with errors, and the first error's message for `field`.
fn errors(form: WebhookInput) -> Vec<(String, String)> {
    check(form).errors.into_iter().map(|e| (e.field, e.message)).collect()
}

fn error_on(form: WebhookInput, field: &str) -> String {
    let errs = errors(form);
    errs.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone()).unwrap_or_else(|| panic!("expected an error on {field}, got {errs:?}"))
}

fn with(f: impl FnOnce(&mut WebhookInput)) -> WebhookInput {
    let mut form = input("Orders");
    f(&mut form);
    form
}

#[test]
fn a_valid_form_has_no_errors_or_warnings() {
    let v = check(input("Orders"));
    assert!(v.errors.is_empty() && v.warnings.is_empty(), "{v:?}");
}

#[test]
fn name_is_required_and_at_most_255_characters_after_trimming() {
    assert_eq!(error_on(with(|f| f.name = "   ".into()), "name"), "Name is required.");
    assert!(error_on(with(|f| f.name = "ñ".repeat(256)), "name").contains("at most 255"));
    assert!(errors(with(|f| f.name = format!("  {}  ", "ñ".repeat(255)))).is_empty());
}

#[test]
fn code_is_lowercase_letters_digits_and_underscores_up_to_64() {
    for bad in ["Orders", "ord-ers", "órdenes", "with space"] {
        assert!(error_on(with(|f| f.code = Some(bad.into())), "code").contains("lowercase"), "{bad}");
    }
    assert!(error_on(with(|f| f.code = Some("a".repeat(65))), "code").contains("64"));
    assert!(errors(with(|f| f.code = Some("orders_2024".into()))).is_empty());
}

#[test]
fn url_must_be_absolute_http_or_https_without_credentials() {
    assert_eq!(error_on(with(|f| f.url = "".into()), "url"), "Url is required.");
    assert!(error_on(with(|f| f.url = "/hooks".into()), "url").contains("absolute"));
    assert!(error_on(with(|f| f.url = "ftp://files.example.com/x".into()), "url").contains("not ftp"));
    let creds = error_on(with(|f| f.url = "https://user:pass@hooks.example.com/".into()), "url");
    assert!(creds.contains("custom header"), "{creds}");
    let long = format!("https://hooks.example.com/{}", "a".repeat(2048));
    assert!(error_on(with(|f| f.url = long), "url").contains("2048"));
    // Characters, not bytes: 2048 characters of which many take two bytes are fine.
    let accented = format!("https://hooks.example.com/{}", "é".repeat(2048 - 26));
    assert_eq!(accented.chars().count(), 2048);
    assert!(errors(with(|f| f.url = accented)).is_empty());
    // The API document's maxLength counts what was sent, spaces included; so does the engine
    // (a URL that fits is still trimmed).
    let fits = format!("https://hooks.example.com/{}", "a".repeat(2048 - 26 - 2));
    assert!(errors(with(|f| f.url = format!(" {fits} "))).is_empty());
    assert!(error_on(with(|f| f.url = format!("\u{85} {fits} ")), "url").contains("2048"));
}

#[test]
fn plain_http_outside_loopback_is_allowed_with_a_warning() {
    let v = check(with(|f| f.url = "http://hooks.example.com/in".into()));
    assert!(v.errors.is_empty());
    assert_eq!(v.warnings.len(), 1);
    assert_eq!(v.warnings[0].field, "url");
    for local in ["http://localhost:8080/x", "http://127.0.0.1/x", "http://[::1]:9000/x", "http://api.localhost/x"] {
        assert!(check(with(|f| f.url = local.into())).warnings.is_empty(), "{local}");
    }
}

#[test]
fn description_is_optional_up_to_1000_characters() {
    assert!(errors(with(|f| f.description = "d".repeat(1000))).is_empty());
    assert!(error_on(with(|f| f.description = "d".repeat(1001)), "description").contains("1000"));
}

#[test]
fn triggers_are_one_or_more_known_event_types() {
    assert_eq!(error_on(with(|f| f.events = vec![]), "events"), "Choose at least one trigger.");
    assert!(error_on(with(|f| f.events = vec!["Task.Created".into()]), "events[0]").contains("entity.action"));
    assert!(error_on(with(|f| f.events = vec!["task.created".into(), "invoice.paid".into()]), "events[1]").contains("catalog"));
    // Duplicates are dropped, not refused.
    let mut form = with(|f| f.events = vec!["task.created".into(), "task.created".into()]);
    form.normalize();
    assert_eq!(form.events, ["task.created"]);
}

#[test]
fn filters_hold_codes_and_only_apply_to_their_triggers() {
    assert!(error_on(with(|f| f.filters.workflow = vec!["purchase orders".into()]), "filters.workflow[0]").contains("workflow code"));
    let mut form = with(|f| {
        f.events = vec!["user.created".into()];
        f.filters.workflow = vec!["purchase_orders".into()];
        f.filters.survey = vec!["site_inspection".into()];
    });
    form.normalize();
    assert!(form.filters.workflow.is_empty() && form.filters.survey.is_empty(), "filters without their trigger are cleared");
    let mut form = with(|f| {
        f.events = vec!["survey.created".into(), "task.updated".into()];
        f.filters.workflow = vec![" purchase_orders ".into(), "".into()];
        f.filters.group = vec!["north".into()];
    });
    form.normalize();
    assert_eq!(
        (form.filters.workflow.as_slice(), form.filters.group.as_slice()),
        (&["purchase_orders".to_string()][..], &["north".to_string()][..])
    );
}

#[test]
fn custom_headers_are_valid_tokens_with_visible_ascii_values_and_not_reserved() {
    assert!(error_on(with(|f| f.headers = vec![header("X Bad", "v")]), "headers[0].name").contains("not a valid header name"));
    for reserved in ["Content-Type", "host", "Content-Length", "Transfer-Encoding", "webhook-id", "Webhook-Signature"] {
        assert!(error_on(with(|f| f.headers = vec![header(reserved, "v")]), "headers[0].name").contains("set by Hookdesk"), "{reserved}");
    }
    assert!(error_on(with(|f| f.headers = vec![header("X-Key", "a"), header("x-key", "b")]), "headers[1].name").contains("twice"));
    assert!(error_on(with(|f| f.headers = vec![header("X-Key", "a\r\nInjected: 1")]), "headers[0].value").contains("no line breaks"));
    assert!(error_on(with(|f| f.headers = vec![header("X-Key", "contraseña")]), "headers[0].value").contains("visible ASCII"));
    assert_eq!(error_on(with(|f| f.headers = vec![header("X-Key", "")]), "headers[0].value"), "Header value is required.");
    assert!(error_on(with(|f| f.headers = (0..51).map(|i| header(&format!("X-{i}"), "v")).collect()), "headers").contains("50"));
    assert!(errors(with(|f| f.headers = vec![header("Authorization", "Bearer abc.def-123")])).is_empty());
}

#[test]
fn a_given_signing_secret_must_be_a_whsec_key_of_24_to_64_bytes() {
    assert!(error_on(with(|f| f.secret = Some("hunter2".into())), "secret").contains("whsec_"));
    assert!(errors(with(|f| f.secret = Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()))).is_empty());
}

#[test]
fn delivery_settings_default_sensibly_and_keep_their_ranges() {
    let d = DeliverySettings::default();
    assert_eq!((d.timeout_ms, d.attempts, d.ordering, d.concurrency, d.pause_after_failures), (30_000, 3, Ordering::Sequential, 1, 10));
    assert_eq!(d.retry, RetryPolicy::Fixed { delay_ms: 30_000 });
    let bad = |f: fn(&mut DeliverySettings), field: &str| {
        let form = with(|w| f(&mut w.delivery));
        assert!(error_on(form, field).starts_with("Must be between"), "{field}");
    };
    bad(|d| d.timeout_ms = 99, "delivery.timeout_ms");
    bad(|d| d.timeout_ms = 60_001, "delivery.timeout_ms");
    bad(|d| d.attempts = 0, "delivery.attempts");
    bad(|d| d.attempts = 21, "delivery.attempts");
    bad(
        |d| {
            d.ordering = Ordering::Parallel;
            d.concurrency = 65
        },
        "delivery.concurrency",
    );
    bad(|d| d.pause_after_failures = 1001, "delivery.pause_after_failures");
    bad(|d| d.retry = RetryPolicy::Fixed { delay_ms: 50 }, "delivery.retry.delay_ms");
    assert!(
        error_on(with(|w| w.delivery.retry = RetryPolicy::Exponential { schedule_ms: vec![] }), "delivery.retry.schedule_ms")
            .contains("1 and 20")
    );
    assert!(errors(with(|w| w.delivery.retry = RetryPolicy::exponential_preset())).is_empty());
}

#[test]
fn exponential_retries_follow_the_preset_with_bounded_jitter() {
    let preset = RetryPolicy::exponential_preset();
    let expected_ms = [5_000u64, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, 36_000_000];
    for (i, ms) in expected_ms.iter().enumerate() {
        let n = i as u32 + 1;
        assert_eq!(preset.nominal_delay(n).as_millis() as u64, *ms);
        let jittered = preset.delay(n).as_millis() as u64;
        assert!(jittered >= ms * 8 / 10 && jittered <= ms * 12 / 10, "retry {n}: {jittered} ms");
    }
}

#[tokio::test]
async fn an_invalid_form_is_refused_by_the_engine_and_nothing_is_stored() {
    let t = open_engine();
    let err = t.create_webhook(with(|f| f.url = "not a url".into())).await.unwrap_err();
    assert_eq!(err.kind(), hookdesk_engine::ErrorKind::Invalid);
    assert_eq!(err.fields()[0].field, "url");
    assert!(t.list_webhooks().await.unwrap().is_empty());
}
