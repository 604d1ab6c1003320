//! Exporting the logs: every matching attempt, newest first, in NDJSON, CSV and HAR, past a
//! page boundary, with secret values masked; over the API, streamed with its content type.

use crate::utils::receiver::{Reply, TestReceiver};
use crate::utils::{event, eventually, header, hook, started_engine};
use hookdesk_engine::export::{CSV_COLUMNS, ExportFormat, PAGE};
use hookdesk_engine::model::MASK;
use hookdesk_engine::model::log_filter::{LogFilter, LogScope, ResultFilter};
use serde_json::{Value, json};
use std::time::Duration;

const SECRET: &str = "tok_live_4f9a8b7c6d5e3a2b";

fn attempt_number(id: &Value) -> i64 {
    id.as_str().unwrap().trim_start_matches(|c: char| !c.is_ascii_digit()).parse().unwrap()
}

#[tokio::test]
async fn every_format_holds_every_matching_attempt_newest_first_with_secrets_masked() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    // The first attempt fails and echoes the secret header back; its retry succeeds.
    rx.script([Reply::WithHeaders(503, vec![("x-echo", SECRET.to_string())])]);
    let mut form = hook("Orders", &rx.url, 2);
    form.headers = vec![header("X-Api-Key", SECRET)];
    let w = t.create_webhook(form).await.unwrap();
    let events = PAGE as usize + 1;
    for n in 0..events {
        t.accept_event(event("task.created", json!({"n": n, "note": "=1+1"}))).await.unwrap();
    }
    let total = events as u64 + 1;
    rx.take(total as usize, Duration::from_secs(60)).await;
    let scope = LogScope::Webhook(w.id.clone());
    eventually(Duration::from_secs(10), "every attempt logged", || async {
        (t.count_logs(scope.clone(), LogFilter::default()).await.unwrap() == total).then_some(())
    })
    .await;
    let dir = tempfile::tempdir().unwrap();

    let path = dir.path().join("logs.ndjson");
    let n = t.export_logs_to_file(scope.clone(), LogFilter::default(), ExportFormat::Ndjson, &path).await.unwrap();
    assert_eq!(n, total);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(SECRET), "no secret value in the export");
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len() as u64, total, "past the page boundary, nothing twice or left out");
    let ids: Vec<i64> = lines.iter().map(|l| attempt_number(&l["id"])).collect();
    assert!(ids.windows(2).all(|p| p[0] > p[1]), "newest first");
    let failed = lines.iter().find(|l| l["status_code"] == 503).expect("the failed attempt");
    let sent_key = failed["request"]["headers"].as_object().unwrap().iter().find(|(k, _)| k.eq_ignore_ascii_case("x-api-key")).unwrap().1;
    assert_eq!((sent_key.as_str(), failed["response"]["headers"]["x-echo"].as_str()), (Some(MASK), Some(MASK)));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600, "the owner's only");
    }

    let only_failed = LogFilter { result: Some(ResultFilter::Failed), ..Default::default() };
    let path = dir.path().join("failed.csv");
    assert_eq!(t.export_logs_to_file(scope.clone(), only_failed, ExportFormat::Csv, &path).await.unwrap(), 1);
    let mut csv = csv::Reader::from_path(&path).unwrap();
    assert_eq!(csv.headers().unwrap().iter().collect::<Vec<_>>(), CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let cell = |name: &str| rows[0][CSV_COLUMNS.iter().position(|c| *c == name).unwrap()].to_string();
    assert_eq!((cell("result"), cell("status_code"), cell("webhook_code")), ("failed".into(), "503".into(), "orders".into()));
    let payload: Value = serde_json::from_str(&cell("payload")).unwrap();
    assert_eq!(payload["data"]["note"], "=1+1", "the payload is the exact body sent");

    let path = dir.path().join("logs.har");
    t.export_logs_to_file(scope.clone(), LogFilter::default(), ExportFormat::Har, &path).await.unwrap();
    let har: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len() as u64, total);
    let e = entries.iter().find(|e| e["response"]["status"] == 503).unwrap();
    assert_eq!((e["request"]["method"].as_str(), e["response"]["statusText"].as_str()), (Some("POST"), Some("Service Unavailable")));
    let sent: Value = serde_json::from_str(e["request"]["postData"]["text"].as_str().unwrap()).unwrap();
    assert_eq!(sent["type"], "task.created");
    assert_eq!(
        e["request"]["headers"].as_array().unwrap().iter().find(|h| h["name"].as_str().unwrap().eq_ignore_ascii_case("x-api-key")).unwrap()
            ["value"],
        MASK
    );
}

#[tokio::test]
async fn an_export_that_cannot_be_written_leaves_no_file() {
    let t = started_engine().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("logs.ndjson");
    let e = t.export_logs_to_file(LogScope::All, LogFilter::default(), ExportFormat::Ndjson, &path).await.unwrap_err();
    assert!(e.to_string().contains("Cannot write"), "{e}");
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|f| f.unwrap().file_name() == "missing"));
}

#[tokio::test]
async fn the_api_streams_an_export_with_its_type_and_names_a_bad_query_field() {
    let t = started_engine().await;
    let addr = t.start_api(0).await.unwrap();
    let token = t.api_token().await.unwrap();
    let http = hookdesk_engine::net::local_client();
    let get = |q: &str| http.get(format!("http://{addr}/v1/logs/export?{q}")).bearer_auth(&token).send();
    let rx = TestReceiver::start().await;
    t.create_webhook(hook("Orders", &rx.url, 1)).await.unwrap();
    for n in 0..2 {
        t.accept_event(event("task.created", json!({"n": n}))).await.unwrap();
    }
    rx.take(2, Duration::from_secs(10)).await;
    eventually(Duration::from_secs(10), "both attempts logged", || async {
        (t.count_logs(LogScope::All, LogFilter::default()).await.unwrap() == 2).then_some(())
    })
    .await;

    let r = get("format=csv&webhook=orders").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(r.headers()["content-disposition"], "attachment; filename=\"hookdesk-logs.csv\"");
    assert_eq!(r.text().await.unwrap().lines().count(), 3, "the header and both attempts");
    let r = get("").await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/x-ndjson");
    assert_eq!(r.text().await.unwrap().lines().count(), 2);

    let r = get("since=yesterday").await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["fields"][0]["field"], "since");
    // A window that ends before it starts holds nothing (the schema cannot say so: no error).
    let r = get("since=2026-12-02T10:00:00Z&until=2026-12-02T09:00:00Z").await.unwrap();
    assert_eq!((r.status().as_u16(), r.text().await.unwrap()), (200, String::new()));
    assert_eq!(get("webhook=nope").await.unwrap().status(), 404);
    assert_eq!(get("format=xml").await.unwrap().status(), 400);
}

#[tokio::test]
async fn the_rows_picked_export_alone_newest_first_once_each() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    let w = t.create_webhook(hook("Orders", &rx.url, 1)).await.unwrap();
    for n in 0..3 {
        t.accept_event(event("task.created", json!({"n": n}))).await.unwrap();
    }
    rx.take(3, Duration::from_secs(10)).await;
    let scope = LogScope::Webhook(w.id.clone());
    let rows = eventually(Duration::from_secs(10), "three attempts", || async {
        let rows = t.logs(scope.clone(), LogFilter::default(), 10, 0).await.unwrap();
        (rows.len() == 3).then_some(rows)
    })
    .await;
    let id = |i: usize| rows[i].id.attempt().unwrap();
    // The oldest and the newest, picked out of order, one twice, with one that is gone.
    let picked = vec![id(2), id(0), id(2), hookdesk_engine::model::AttemptId(999_999)];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("picked.har");
    assert_eq!(t.export_attempts(picked, ExportFormat::Har).write_to(&path).await.unwrap(), 2);
    let har: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let ids: Vec<String> =
        har["log"]["entries"].as_array().unwrap().iter().map(|e| e["_hookdesk"]["attempt_id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, [rows[0].id.to_string(), rows[2].id.to_string()]);
}
