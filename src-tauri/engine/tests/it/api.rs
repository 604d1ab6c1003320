//! The Events API over real HTTP: hostile requests are refused with the right status and a
//! JSON error; the routes do what the table in the spec says.

use crate::utils::receiver::TestReceiver;
use crate::utils::{TestEngine, fast_delivery, started_engine};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

struct Api {
    t: TestEngine,
    base: String,
    token: String,
    http: reqwest::Client,
}

async fn api() -> Api {
    let t = started_engine().await;
    let addr = t.start_api(0).await.unwrap();
    let token = t.api_token().await.unwrap();
    Api { t, base: format!("http://{addr}"), token, http: hookdesk_engine::net::local_client() }
}

impl Api {
    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token)
    }

    async fn send(&self, rb: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let r = rb.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.req(reqwest::Method::POST, path).json(&body)).await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.req(reqwest::Method::GET, path)).await
    }
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_else(|| panic!("not an API error: {body}"))
}

#[tokio::test]
async fn hostile_requests_are_refused_with_json_errors() {
    let a = api().await;
    let url = format!("{}/v1/events", a.base);
    let ok_event = json!({"type": "task.created", "data": {}});

    let (s, b) = a.send(a.http.post(&url).json(&ok_event)).await;
    assert_eq!((s, code(&b)), (StatusCode::UNAUTHORIZED, "unauthorized"), "no token");
    let (s, b) = a.send(a.http.post(&url).bearer_auth("hdk_wrong").json(&ok_event)).await;
    assert_eq!((s, code(&b)), (StatusCode::UNAUTHORIZED, "unauthorized"), "wrong token");
    let (s, b) = a.send(a.req(reqwest::Method::POST, "/v1/events").header("host", "evil.example").json(&ok_event)).await;
    assert_eq!((s, code(&b)), (StatusCode::FORBIDDEN, "forbidden_host"), "DNS rebinding");
    let (s, b) = a.send(a.req(reqwest::Method::POST, "/v1/events").header("content-type", "text/plain").body(ok_event.to_string())).await;
    assert_eq!((s, code(&b)), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"));
    let huge = json!({"type": "task.created", "data": {"blob": "x".repeat(2 * 1024 * 1024)}});
    let (s, b) = a.post("/v1/events", huge).await;
    assert_eq!((s, code(&b)), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
    let (s, b) = a.send(a.req(reqwest::Method::POST, "/v1/events").header("content-type", "application/json").body("{\"type\": ")).await;
    assert_eq!((s, code(&b)), (StatusCode::BAD_REQUEST, "bad_json"));
    let (s, b) = a.post("/v1/events", json!({"type": "Task Created", "data": {}})).await;
    assert_eq!((s, code(&b)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"));
    assert_eq!(b["error"]["fields"][0]["field"], "type");
    let (s, b) = a.post("/v1/events", json!({"type": "task.created", "data": [1, 2]})).await;
    assert_eq!((s, b["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("data")));
    let (s, _) = a.post("/v1/events", json!({"type": "task.created", "data": {}, "surprise": 1})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused, not ignored");

    // Health needs no token; nothing answers with CORS headers.
    let r = a.http.get(format!("{}/v1/health", a.base)).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().keys().all(|k| !k.as_str().starts_with("access-control-")));
    assert!(a.t.list_webhooks().await.unwrap().is_empty(), "nothing was stored by any of it");
}

#[tokio::test]
async fn events_are_accepted_once_per_id_and_delivered() {
    let a = api().await;
    let rx = TestReceiver::start().await;
    let mut form = crate::utils::input("Orders");
    form.url = rx.url.clone();
    form.delivery = fast_delivery(1);
    a.t.create_webhook(form).await.unwrap();
    let e = json!({"id": "evt_caller_1", "type": "task.created", "data": {"task": {"id": 1}}, "workflow": "purchase_orders"});
    let (s1, b1) = a.post("/v1/events", e.clone()).await;
    let (s2, b2) = a.post("/v1/events", e).await;
    assert_eq!((s1, s2), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
    assert_eq!(b1, b2);
    assert_eq!(b1["event_id"], "evt_caller_1");
    assert_eq!(b1["deliveries"][0]["webhook_code"], "orders");
    let got = rx.take(1, Duration::from_secs(10)).await;
    assert_eq!(got[0].json()["workflow"], "purchase_orders");
    rx.assert_silent(Duration::from_millis(300)).await;

    let (s, b) = a.post("/v1/events", json!({"id": "evt_caller_1", "type": "task.updated", "data": {}})).await;
    assert_eq!((s, code(&b)), (StatusCode::CONFLICT, "conflict"));
}

#[tokio::test]
async fn webhooks_are_managed_through_the_api_with_the_panels_rules() {
    let a = api().await;
    let rx = TestReceiver::start().await;
    let (s, w) = a
        .post(
            "/v1/webhooks",
            json!({"name": "Órdenes", "url": rx.url, "events": ["task.created"], "headers": [{"name": "Authorization", "value": "Bearer api-secret"}],
                   "delivery": {"attempts": 2, "retry": {"kind": "fixed", "delay_ms": 100}}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    assert_eq!((w["code"].as_str(), w["headers"][0]["value"].as_str()), (Some("ordenes"), Some("••••••")));
    assert_eq!(w["delivery"]["timeout_ms"], 30000, "unspecified delivery settings take their defaults");
    assert!(w.get("secret").is_none(), "never on read");

    let (s, b) = a.post("/v1/webhooks", json!({"name": "", "url": "ftp://x", "events": []})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "url", "events"]);

    let patch = |body: Value| a.send(a.req(reqwest::Method::PATCH, "/v1/webhooks/ordenes").json(&body));
    let (s, b) = patch(json!({"code": "renamed"})).await;
    assert_eq!((s, code(&b)), (StatusCode::CONFLICT, "conflict"));
    let (s, b) = patch(json!({"active": false})).await;
    assert_eq!((s, b["status"].as_str(), b["active"].as_bool()), (StatusCode::OK, Some("disabled"), Some(false)));
    let (s, b) = patch(json!({"active": true, "description": "via API"})).await;
    assert_eq!((s, b["status"].as_str(), b["description"].as_str()), (StatusCode::OK, Some("active"), Some("via API")));
    // Removing what is not a setting is a mistake the caller hears about, not a quiet no-op.
    for (body, field) in [
        (json!({"": null}), ""),
        (json!({"colour": null}), "colour"),
        (json!({"filters": {"team": null}}), "filters.team"),
        (json!({"delivery": {"retry": {"kind": "fixed", "delay_ms": 100, "jitter": null}}}), "delivery.retry.jitter"),
    ] {
        let (s, b) = patch(body.clone()).await;
        assert_eq!((s, code(&b)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"), "{body}: {b}");
        assert_eq!(b["error"]["fields"][0]["field"], field, "{body}: {b}");
    }
    let (s, b) = patch(json!({"description": null, "delivery": {"retry": null}})).await;
    assert_eq!((s, b["description"].as_str(), b["delivery"]["retry"]["kind"].as_str()), (StatusCode::OK, Some(""), Some("fixed")), "{b}");

    let (s, secret) = a.get("/v1/webhooks/ordenes/secret").await;
    assert_eq!(s, StatusCode::OK);
    let (s, rotated) = a.post("/v1/webhooks/ordenes/secret/rotate", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_ne!(secret["secret"], rotated["secret"]);
    assert!(rotated["previous_secret_until"].is_string());

    let (s, test) = a.send(a.req(reqwest::Method::POST, "/v1/webhooks/ordenes/test")).await;
    assert_eq!((s, test["result"].as_str(), test["status_code"].as_u64()), (StatusCode::OK, Some("success"), Some(200)));
    let sent = rx.take(1, Duration::from_secs(10)).await.remove(0);
    assert_eq!(sent.header("authorization"), "Bearer api-secret");
    assert_eq!(sent.json()["test"], true);

    let (s, logs) = a.get("/v1/webhooks/ordenes/logs?limit=10").await;
    assert_eq!((s, logs["total"].as_u64()), (StatusCode::OK, Some(1)));
    let row = &logs["attempts"][0];
    assert_eq!(
        (row["test"].as_bool(), row["result"].as_str(), row["webhook_code"].as_str()),
        (Some(true), Some("success"), Some("ordenes"))
    );
    assert_eq!(row["request"]["headers"]["Authorization"], "••••••", "secret header values are masked in the logs");
    assert_eq!(row["request"]["body"].as_str().unwrap().as_bytes(), &sent.body[..], "the exact bytes sent");

    let (s, _) = a.send(a.req(reqwest::Method::DELETE, "/v1/webhooks/ordenes")).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = a.get("/v1/webhooks/ordenes").await;
    assert_eq!((s, code(&b)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn direct_deliveries_are_sent_and_logged_without_a_webhook() {
    let a = api().await;
    let rx = TestReceiver::start().await;
    let (s, b) = a
        .post("/v1/deliveries", json!({"url": rx.url, "headers": {"X-Api-Key": "direct-key"}, "type": "invoice.paid", "data": {"n": 1}}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    let got = rx.take(1, Duration::from_secs(10)).await.remove(0);
    assert_eq!(got.header("x-api-key"), "direct-key");
    assert_eq!(got.json()["type"], "invoice.paid");
    let logs = crate::utils::eventually(Duration::from_secs(10), "the direct log row", || async {
        let (_, l) = a.get("/v1/logs").await;
        (l["total"] == 1).then_some(l)
    })
    .await;
    assert_eq!(logs["attempts"][0]["kind"], "direct");
    assert!(logs["attempts"][0]["webhook_code"].is_null());
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let a = api().await;
    let (s, doc) = a.get("/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    let routes = [
        ("get", "/v1/health"),
        ("get", "/v1/openapi.json"),
        ("post", "/v1/events"),
        ("post", "/v1/deliveries"),
        ("post", "/v1/deliveries/{id}/resend"),
        ("post", "/v1/deliveries/{id}/retry"),
        ("get", "/v1/webhooks"),
        ("post", "/v1/webhooks"),
        ("get", "/v1/webhooks/{id}"),
        ("patch", "/v1/webhooks/{id}"),
        ("delete", "/v1/webhooks/{id}"),
        ("post", "/v1/webhooks/{id}/test"),
        ("get", "/v1/webhooks/{id}/logs"),
        ("get", "/v1/webhooks/{id}/secret"),
        ("post", "/v1/webhooks/{id}/secret/rotate"),
        ("post", "/v1/webhooks/{id}/recover"),
        ("get", "/v1/webhooks/{id}/stats"),
        ("get", "/v1/logs"),
        ("get", "/v1/logs/export"),
        ("get", "/v1/stats"),
        ("post", "/v1/token/regenerate"),
        ("get", "/v1/config"),
        ("post", "/v1/config/import"),
    ];
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in routes {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} is not documented");
    }
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(documented, routes.len(), "no undocumented extra or missing route");
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn a_regenerated_token_replaces_the_old_one_at_once() {
    let a = api().await;
    let (s, b) = a.post("/v1/token/regenerate", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let new = b["token"].as_str().unwrap().to_string();
    assert_ne!(new, a.token);
    let (s, _) = a.get("/v1/webhooks").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the old token is refused");
    let (s, _) = a.send(a.http.get(format!("{}/v1/webhooks", a.base)).bearer_auth(&new)).await;
    assert_eq!(s, StatusCode::OK);
}

/// Sends raw bytes and returns the answer's status line, content type and body.
async fn raw(base: &str, request: String) -> (String, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut answer)).await.expect("answered").unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.lines().next().unwrap_or_default().to_string();
    let content_type =
        head.lines().find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type: ").map(str::to_string)).unwrap_or_default();
    (status, content_type, body.to_string())
}

#[tokio::test]
async fn every_rejection_has_the_json_error_shape() {
    let a = api().await;
    let cases: [(reqwest::Method, &str, StatusCode, &str); 6] = [
        (reqwest::Method::PUT, "/v1/events", StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        (reqwest::Method::DELETE, "/v1/logs", StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        (reqwest::Method::GET, "/v1/logs?limit=-1", StatusCode::BAD_REQUEST, "bad_request"),
        (reqwest::Method::GET, "/v1/logs?offset=x", StatusCode::BAD_REQUEST, "bad_request"),
        (reqwest::Method::GET, "/v1/config?include_secrets=maybe", StatusCode::BAD_REQUEST, "bad_request"),
        (reqwest::Method::GET, "/v1/webhooks/%FF", StatusCode::BAD_REQUEST, "bad_request"),
    ];
    for (method, path, status, expected) in cases {
        let r = a.req(method.clone(), path).send().await.unwrap();
        assert_eq!(r.status(), status, "{method} {path}");
        assert_eq!(r.headers()["content-type"], "application/json", "{method} {path}");
        if status == StatusCode::METHOD_NOT_ALLOWED {
            assert!(r.headers().contains_key("allow"), "a 405 still says what the route takes");
        }
        let body: Value = r.json().await.unwrap();
        assert_eq!(code(&body), expected, "{method} {path}: {body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn every_kind_of_rejection_is_json_with_a_fitting_status() {
    let a = api().await;
    let post = |path: &str, content_type: &str, body: &'static str| {
        a.req(reqwest::Method::POST, path).header("content-type", content_type).body(body)
    };
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, &str)> = vec![
        ("query out of range", a.req(reqwest::Method::GET, "/v1/logs?limit=0"), StatusCode::BAD_REQUEST, "bad_request"),
        ("query over the page", a.req(reqwest::Method::GET, "/v1/logs?limit=501"), StatusCode::BAD_REQUEST, "bad_request"),
        ("offset past int32", a.req(reqwest::Method::GET, "/v1/logs?offset=2147483648"), StatusCode::BAD_REQUEST, "bad_request"),
        ("unknown result", a.req(reqwest::Method::GET, "/v1/logs?result=maybe"), StatusCode::BAD_REQUEST, "bad_request"),
        ("path", a.req(reqwest::Method::GET, "/v1/webhooks/%FF/logs"), StatusCode::BAD_REQUEST, "bad_request"),
        ("broken JSON", post("/v1/events", "application/json", "{\"type\":"), StatusCode::BAD_REQUEST, "bad_json"),
        ("JSON of the wrong shape", post("/v1/events", "application/json", "{\"type\": 5}"), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        // serde would read a struct of defaults from a list: a list is never a body here.
        ("a list for an object", post("/v1/webhooks/nope/test", "application/json", "[]"), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        ("a list of fields", post("/v1/events", "application/json", "[\"task.created\"]"), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (
            "a fraction where a whole number goes",
            post(
                "/v1/webhooks",
                "application/json",
                "{\"name\":\"A\",\"url\":\"https://a.example\",\"events\":[\"task.created\"],\"delivery\":{\"attempts\":2.5}}",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        ("content type", post("/v1/events", "text/plain", "{}"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("method", a.req(reqwest::Method::PATCH, "/v1/events"), StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        ("unknown route", a.req(reqwest::Method::GET, "/v1/nothing/here"), StatusCode::NOT_FOUND, "not_found"),
        ("unknown webhook", a.req(reqwest::Method::GET, "/v1/webhooks/nope"), StatusCode::NOT_FOUND, "not_found"),
    ];
    for (what, request, status, expected) in cases {
        let r = request.send().await.unwrap();
        assert_eq!(r.status(), status, "{what}");
        assert_eq!(r.headers()["content-type"], "application/json", "{what}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(code(&body), expected, "{what}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| m.len() > 10), "{what}: a sentence, not a code: {body}");
    }
}

#[tokio::test]
async fn whole_numbers_written_as_5_0_are_read_as_5() {
    let a = api().await;
    let body = json!({"name": "Floats", "url": "https://hooks.example.com/in", "events": ["task.created"],
        "delivery": {"attempts": 5.0, "timeout_ms": 2000.0, "retry": {"kind": "exponential", "schedule_ms": [1000.0, 2000]}}});
    let (s, b) = a.post("/v1/webhooks", body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!((b["delivery"]["attempts"].as_u64(), b["delivery"]["retry"]["schedule_ms"][0].as_u64()), (Some(5), Some(1000)));
}

#[tokio::test]
async fn a_taken_code_is_a_409_that_names_the_field() {
    let a = api().await;
    let body = json!({"code": "orders", "name": "Orders", "url": "https://hooks.example.com/in", "events": ["task.created"]});
    assert_eq!(a.post("/v1/webhooks", body.clone()).await.0, StatusCode::CREATED);
    let (s, b) = a.post("/v1/webhooks", body).await;
    assert_eq!((s, code(&b), b["error"]["fields"][0]["field"].as_str()), (StatusCode::CONFLICT, "conflict", Some("code")), "{b}");
    // A name with nothing to fold into a code gets the generic one.
    let (s, b) = a.post("/v1/webhooks", json!({"name": "🚀", "url": "https://hooks.example.com/in", "events": ["task.created"]})).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::CREATED, Some("webhook")), "{b}");
}

#[tokio::test]
async fn the_published_document_lists_this_catalog_and_links_a_new_webhook_to_its_operations() {
    let a = api().await;
    let (s, doc) = a.send(a.http.get(format!("{}/v1/openapi.json", a.base)).bearer_auth(&a.token)).await;
    assert_eq!(s, StatusCode::OK);
    let events = doc.pointer("/components/schemas/WebhookInput/properties/events/items/enum").and_then(Value::as_array).expect("an enum");
    assert!(events.iter().any(|e| e == "task.created"), "{events:?}");
    let links = doc.pointer("/paths/~1v1~1webhooks/post/responses/201/links").and_then(Value::as_object).expect("links");
    assert!(links.contains_key("read") && links.contains_key("delete"), "{links:?}");
    assert!(doc.pointer("/paths/~1v1~1logs/get/responses/401").is_some());
}

#[tokio::test]
async fn only_one_plain_loopback_host_header_passes() {
    let a = api().await;
    let request = |hosts: &[&str]| {
        let hosts: String = hosts.iter().map(|h| format!("Host: {h}\r\n")).collect();
        format!("GET /v1/health HTTP/1.1\r\n{hosts}Connection: close\r\n\r\n")
    };
    let (status, _, _) = raw(&a.base, request(&["localhost"])).await;
    assert!(status.contains(" 200 "), "{status}");
    for hosts in [&["localhost:1@evil.com"][..], &["localhost:abc"], &["localhost", "evil.example"], &["localhost", "localhost"]] {
        let (status, content_type, body) = raw(&a.base, request(hosts)).await;
        assert!(status.contains(" 403 "), "{hosts:?}: {status}");
        assert_eq!(content_type, "application/json");
        assert!(body.contains("forbidden_host"), "{body}");
    }
}

#[tokio::test]
async fn names_with_invisible_control_characters_are_refused() {
    let a = api().await;
    for name in ["Orders\u{0}", "Orders \u{202E}sredro", "Invoice\u{2066}s"] {
        let (s, b) = a.post("/v1/webhooks", json!({"name": name, "url": "https://hooks.example.com/in", "events": ["task.created"]})).await;
        assert_eq!((s, b["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")), "{name:?}: {b}");
    }
}

#[tokio::test]
async fn a_full_disk_is_507_with_its_sentence() {
    let a = api().await;
    let pages: i64 = a.t.db().write(|c| Ok(c.query_row("PRAGMA page_count", [], |r| r.get(0))?)).await.unwrap();
    a.t.db().write(move |c| Ok(c.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| r.get::<_, i64>(0))?)).await.unwrap();
    let (s, b) = a.post("/v1/events", json!({"type": "task.created", "data": {"blob": "x".repeat(200_000)}})).await;
    assert_eq!((s, code(&b)), (StatusCode::INSUFFICIENT_STORAGE, "insufficient_storage"), "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("is full"), "{b}");
}

#[tokio::test]
async fn a_request_whose_body_stops_arriving_is_answered_408() {
    let a = api().await;
    let started = std::time::Instant::now();
    let request = format!(
        "POST /v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"type\":",
        a.token
    );
    let (status, content_type, body) = tokio::time::timeout(Duration::from_secs(20), async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut tcp = tokio::net::TcpStream::connect(a.base.trim_start_matches("http://")).await.unwrap();
        tcp.write_all(request.as_bytes()).await.unwrap();
        // The connection stays open: the client simply never sends the rest.
        let mut answer = vec![0u8; 4096];
        let n = tcp.read(&mut answer).await.unwrap();
        let text = String::from_utf8_lossy(&answer[..n]).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let ct = head.lines().find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type: ").map(str::to_string));
        (head.lines().next().unwrap_or_default().to_string(), ct.unwrap_or_default(), body.to_string())
    })
    .await
    .expect("the server answers a stalled body instead of waiting for ever");
    assert!(status.contains(" 408 "), "{status}");
    assert_eq!(content_type, "application/json");
    assert!(body.contains("request_timeout"), "{body}");
    eprintln!("a stalled body was answered after {:?}", started.elapsed());
}

#[tokio::test]
async fn a_direct_delivery_takes_headers_as_a_list_like_webhooks_or_as_an_object() {
    let a = api().await;
    let rx = TestReceiver::start().await;
    let (s, _) = a
        .post(
            "/v1/deliveries",
            json!({"url": rx.url, "type": "task.created", "headers": [{"name": "X-One", "value": "listed"}], "data": {}}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let (s, _) = a.post("/v1/deliveries", json!({"url": rx.url, "type": "task.created", "headers": {"X-One": "mapped"}, "data": {}})).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let mut got: Vec<String> = rx.take(2, Duration::from_secs(10)).await.iter().map(|r| r.header("x-one").to_string()).collect();
    got.sort();
    assert_eq!(got, ["listed", "mapped"]);
    let (s, b) = a.post("/v1/deliveries", json!({"url": rx.url, "type": "task.created", "headers": "X-One: nope"})).await;
    assert_eq!((s, b["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("headers")), "{b}");
    let message = b["error"]["fields"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("headers: ") && message.contains("expected a list of {name, value}"), "{message}");
}

#[tokio::test]
async fn recover_answers_with_a_count_or_a_json_error_naming_the_field() {
    let a = api().await;
    let (s, w) = a.post("/v1/webhooks", json!({"name": "Orders", "url": "http://127.0.0.1:9/", "events": ["task.created"]})).await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    let since = hookdesk_engine::model::time::format_ms(hookdesk_engine::model::time::now_ms() - 3_600_000);
    let (s, b) = a.post("/v1/webhooks/orders/recover", json!({"since": since})).await;
    assert_eq!((s, &b), (StatusCode::ACCEPTED, &json!({"deliveries": 0})), "nothing failed yet");
    let (s, b) = a.post("/v1/webhooks/orders/recover", json!({"since": "last tuesday"})).await;
    assert_eq!((s, code(&b), b["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("since")));
    let (s, b) = a.post("/v1/webhooks/orders/recover", json!({"since": since, "until": since})).await;
    assert_eq!((s, b["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("until")));
    let (s, b) = a.post("/v1/webhooks/orders/recover", json!({"since": since, "from": since})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "an unknown member: {b}");
    let (s, b) = a.post("/v1/webhooks/nope/recover", json!({"since": since})).await;
    assert_eq!((s, code(&b)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn stats_answer_for_a_window_or_name_the_bad_one() {
    let a = api().await;
    let (s, w) = a.post("/v1/webhooks", json!({"name": "Orders", "url": "http://127.0.0.1:9/", "events": ["task.created"]})).await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    let (s, b) = a.get("/v1/webhooks/orders/stats?window=1h").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!((b["window"].as_str(), b["attempts"].as_u64(), b["status"].as_str()), (Some("1h"), Some(0), Some("active")));
    assert!(b["success_rate"].is_null() && b["p95_ms"].is_null(), "no attempts, no rate: {b}");
    assert_eq!(b["series"].as_array().unwrap().len(), 60);
    let (s, b) = a.get("/v1/stats").await;
    assert_eq!((s, b["window"].as_str(), b["series"].as_array().map(Vec::len)), (StatusCode::OK, Some("24h"), Some(96)));
    assert!(b.get("status").is_none(), "all webhooks have no one status: {b}");
    let (s, b) = a.get("/v1/stats?window=7d").await;
    assert_eq!((s, b["series"].as_array().map(Vec::len)), (StatusCode::OK, Some(168)));
    let (s, b) = a.get("/v1/stats?window=2h").await;
    assert_eq!((s, code(&b)), (StatusCode::BAD_REQUEST, "bad_request"), "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("window"), "{b}");
    let (s, b) = a.get("/v1/webhooks/nope/stats").await;
    assert_eq!((s, code(&b)), (StatusCode::NOT_FOUND, "not_found"));
}
