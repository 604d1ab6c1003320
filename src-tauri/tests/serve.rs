//! The real `hookdesk` binary: `serve`, the CLI against it, a crash test with SIGKILL, and a
//! scan for secrets at rest. Run under `make test` (a private keyring).

mod common;
#[path = "../engine/tests/it/utils/receiver.rs"]
#[allow(dead_code)]
mod receiver;

use common::{Serve, call, cli};
use receiver::{Reply, TestReceiver};
use serde_json::{Value, json};
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::time::{Duration, Instant};

// Multi-threaded: the CLI runs as a blocking child process while the receiver answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_works_against_a_running_serve() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = cli(dir.path(), &["emit", "task.created"]);
    assert_eq!(code, 1, "no instance: a failure");
    assert!(err.starts_with("error: no Hookdesk is running for"), "{err}");
    let (code, _, _) = cli(dir.path(), &["emit"]);
    assert_eq!(code, 2, "usage error");

    let log = dir.path().join("serve.log");
    let serve = Serve::start(dir.path(), None, &log);
    let rx = TestReceiver::start().await;
    let (code, token, _) = cli(dir.path(), &["token"]);
    assert_eq!(code, 0);
    let token = token.trim().to_string();
    assert!(token.starts_with("hdk_"), "{token}");
    let http = hookdesk_engine::net::local_client();
    let (status, w) = call(
        &http,
        &serve.url,
        &token,
        reqwest::Method::POST,
        "/v1/webhooks",
        Some(json!({"name": "Orders", "url": rx.url, "events": ["task.created"], "delivery": {"attempts": 1}})),
    )
    .await
    .unwrap();
    assert_eq!(status, 201, "{w}");

    let (code, out, err) = cli(dir.path(), &["emit", "task.created", "--data", r#"{"task":{"id":42}}"#, "--workflow", "purchase_orders"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("Accepted evt_") && out.contains("orders (dlv_"), "{out}");
    let got = rx.take(1, Duration::from_secs(10)).await.remove(0);
    assert_eq!((got.json()["data"]["task"]["id"].as_u64(), got.json()["workflow"].as_str()), (Some(42), Some("purchase_orders")));

    let (code, out, _) = cli(dir.path(), &["webhooks", "list"]);
    assert_eq!(code, 0);
    assert!(out.lines().nth(1).unwrap().starts_with("orders") && out.contains("task.created"), "{out}");
    let (code, out, _) = cli(dir.path(), &["webhooks", "show", "orders"]);
    assert_eq!((code, serde_json::from_str::<Value>(&out).unwrap()["code"].as_str()), (0, Some("orders")));
    let (code, _, err) = cli(dir.path(), &["webhooks", "show", "nope"]);
    assert_eq!(code, 1);
    assert_eq!(err.trim(), "error: No webhook has the id or code “nope”.");

    // Logs, as a table and as JSON; give the attempt a moment to be committed.
    let deadline = Instant::now() + Duration::from_secs(10);
    let out = loop {
        let (code, out, _) = cli(dir.path(), &["logs", "orders", "--json"]);
        assert_eq!(code, 0);
        let page: Value = serde_json::from_str(&out).unwrap();
        if page["total"] == 1 {
            break page;
        }
        assert!(Instant::now() < deadline, "the attempt was not logged");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(out["attempts"][0]["result"], "success");
    let (_, table, _) = cli(dir.path(), &["logs", "orders"]);
    assert!(table.contains("SUCCESS") && table.contains("1/1"), "{table}");

    // An endpoint down for a while: recover brings its failure back, once.
    rx.set_default(Reply::Status(503));
    let (code, _, err) = cli(dir.path(), &["emit", "task.created", "--data", r#"{"task":{"id":43}}"#]);
    assert_eq!(code, 0, "{err}");
    let failed = rx.take(1, Duration::from_secs(10)).await.remove(0).event_id();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cli(dir.path(), &["logs", "orders"]).1.contains("FAILED") {
        assert!(Instant::now() < deadline, "the failure was not logged");
        std::thread::sleep(Duration::from_millis(50));
    }
    rx.set_default(Reply::Status(200));
    let (code, out, err) = cli(dir.path(), &["recover", "orders", "--since", "1h"]);
    assert_eq!((code, out.trim()), (0, "1 failed delivery to orders is being delivered again."), "{err}");
    assert_eq!(rx.take(1, Duration::from_secs(10)).await.remove(0).event_id(), failed);
    let (code, out, _) = cli(dir.path(), &["recover", "orders", "--since", "1h"]);
    assert!(code == 0 && out.starts_with("Nothing to recover"), "{out}");
    let (code, _, err) = cli(dir.path(), &["recover", "orders", "--since", "2099-01-01T00:00:00Z"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: ") && err.contains("future"), "{err}");
    let (code, _, _) = cli(dir.path(), &["recover", "orders", "--since", "a fortnight"]);
    assert_eq!(code, 2, "not a time: a usage error");

    let export = dir.path().join("export.json");
    let (code, out, _) = cli(dir.path(), &["webhooks", "export", export.to_str().unwrap()]);
    assert_eq!((code, out.trim()), (0, format!("Exported 1 webhook to {}.", export.display()).as_str()));
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    file["webhooks"][0]["description"] = json!("imported");
    std::fs::write(&export, file.to_string()).unwrap();
    let (code, out, _) = cli(dir.path(), &["webhooks", "import", export.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("Updated: orders"), "{out}");

    let (code, new_token, _) = cli(dir.path(), &["token", "--regenerate"]);
    assert_eq!(code, 0);
    assert_ne!(new_token.trim(), token);
    let (status, _) = call(&http, &serve.url, &token, reqwest::Method::GET, "/v1/webhooks", None).await.unwrap();
    assert_eq!(status, 401, "the old token stops working");
    let (code, _, err) = cli(dir.path(), &["webhooks", "list"]);
    assert_eq!(code, 0, "the CLI finds the new token on its own: {err}");
    serve.kill();
}

/// Every acknowledged event reaches every receiver at least once, and sequential webhooks
/// see their first deliveries in acceptance order, while the server is SIGKILLed and
/// restarted over and over with requests in flight from several clients at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_acknowledged_event_is_lost_across_sigkills() {
    const EVENTS: usize = 3000;
    const CLIENTS: usize = 6;
    const KILLS: usize = 6;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let token = "hdk_crash_test_token";
    let receivers = [TestReceiver::start().await, TestReceiver::start().await, TestReceiver::start().await];
    let http = hookdesk_engine::net::local_client();
    let serve = Serve::start(dir.path(), Some(token), &log);
    for (i, rx) in receivers.iter().enumerate() {
        let ordering = if i == 2 { json!({"ordering": "parallel", "concurrency": 8}) } else { json!({"ordering": "sequential"}) };
        let mut delivery = json!({"attempts": 20, "retry": {"kind": "fixed", "delay_ms": 100}, "timeout_ms": 5000});
        delivery.as_object_mut().unwrap().extend(ordering.as_object().unwrap().clone());
        let (status, body) = call(
            &http,
            &serve.url,
            token,
            reqwest::Method::POST,
            "/v1/webhooks",
            Some(json!({"name": format!("Receiver {i}"), "url": rx.url, "events": ["task.created"], "delivery": delivery})),
        )
        .await
        .unwrap();
        assert_eq!(status, 201, "{body}");
    }

    // Clients send their share one event at a time; a client that did not get its 202 sends
    // the same id again (idempotent ingestion), to wherever the server listens now.
    let url = Arc::new(std::sync::RwLock::new(serve.url.clone()));
    let acked_count = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (http, url, acked_count) = (http.clone(), url.clone(), acked_count.clone());
        clients.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for n in (c..EVENTS).step_by(CLIENTS) {
                let id = format!("evt_crash_{n:05}");
                loop {
                    let base = url.read().unwrap().clone();
                    let body = json!({"id": id, "type": "task.created", "data": {"n": n}});
                    match call(&http, &base, token, reqwest::Method::POST, "/v1/events", Some(body)).await {
                        Ok((202, _)) => break,
                        Ok((status, body)) => panic!("event {n} refused with {status}: {body}"),
                        Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                    }
                }
                acked.push(id);
                acked_count.fetch_add(1, AtomicOrdering::SeqCst);
            }
            acked
        }));
    }
    // Kill whenever another slice of the events has been acknowledged: requests are in
    // flight from every client, and deliveries from the server, at each kill.
    let mut serve = Some(serve);
    for k in 1..=KILLS {
        let due = k * EVENTS / (KILLS + 1);
        while acked_count.load(AtomicOrdering::SeqCst) < due {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        serve.take().unwrap().kill();
        let (dir, log) = (dir.path().to_path_buf(), log.clone());
        let restarted = tokio::task::spawn_blocking(move || Serve::start(&dir, Some(token), &log)).await.unwrap();
        *url.write().unwrap() = restarted.url.clone();
        serve = Some(restarted);
    }
    let mut acked_by_client = Vec::new();
    for c in clients {
        acked_by_client.push(c.await.unwrap());
    }
    let acked: std::collections::HashSet<&String> = acked_by_client.iter().flatten().collect();
    assert_eq!(acked.len(), EVENTS);

    for (i, rx) in receivers.iter().enumerate() {
        let mut first_seen: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        while seen.len() < acked.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(r) = rx.next(left).await else {
                panic!("receiver {i} got {} of {} acknowledged events", seen.len(), acked.len());
            };
            let id = r.event_id();
            assert!(acked.contains(&id), "receiver {i} got an event nobody sent: {id}");
            if seen.insert(id.clone()) {
                first_seen.push(id);
            }
        }
        if i < 2 {
            // A client's events were accepted in the order it sent them (each after the
            // previous one's 202): a sequential webhook delivers them in that order.
            for (c, sent) in acked_by_client.iter().enumerate() {
                let mine: Vec<&String> = first_seen.iter().filter(|id| sent.contains(id)).collect();
                assert!(mine.iter().copied().eq(sent.iter()), "sequential receiver {i} saw client {c}'s events out of acceptance order");
            }
        }
    }
    serve.unwrap().kill();
}

#[tokio::test]
async fn no_secret_reaches_the_database_or_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let token = "hdk_scan_token_5d1e07c3";
    let serve = Serve::start(dir.path(), Some(token), &log);
    let rx = TestReceiver::start().await;
    // httpbin-style: every header sent comes back, in the body and as response headers.
    rx.set_default(receiver::Reply::Echo);
    let http = hookdesk_engine::net::local_client();
    let header_value = "Bearer scan-header-b7f2e9";
    let (status, _) = call(
        &http,
        &serve.url,
        token,
        reqwest::Method::POST,
        "/v1/webhooks",
        Some(
            json!({"name": "Scan", "url": rx.url, "events": ["task.created"], "headers": [{"name": "Authorization", "value": header_value}],
                    "delivery": {"attempts": 2, "retry": {"kind": "fixed", "delay_ms": 100}}}),
        ),
    )
    .await
    .unwrap();
    assert_eq!(status, 201);
    let direct_value = "direct-scan-4c0a11";
    call(
        &http,
        &serve.url,
        token,
        reqwest::Method::POST,
        "/v1/deliveries",
        Some(json!({"url": rx.url, "headers": {"X-Key": direct_value}, "type": "task.created", "data": {}})),
    )
    .await
    .unwrap();
    call(&http, &serve.url, token, reqwest::Method::POST, "/v1/events", Some(json!({"type": "task.created", "data": {}}))).await.unwrap();
    call(&http, &serve.url, token, reqwest::Method::POST, "/v1/webhooks/scan/test", None).await.unwrap();
    let (_, s) = call(&http, &serve.url, token, reqwest::Method::GET, "/v1/webhooks/scan/secret", None).await.unwrap();
    let secret = s["secret"].as_str().unwrap().to_string();
    let got = rx.take(3, Duration::from_secs(10)).await;
    assert!(got.iter().any(|r| r.header("authorization") == header_value), "the header was really sent");
    // Let the last attempts be committed before reading the files.
    let deadline = Instant::now() + Duration::from_secs(10);
    let logs = loop {
        let (_, page) = call(&http, &serve.url, token, reqwest::Method::GET, "/v1/logs", None).await.unwrap();
        if page["total"].as_u64() >= Some(3) {
            break page.to_string();
        }
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(logs.contains("x-echo-authorization"), "the echo was logged, masked");
    for needle in [header_value, "scan-header-b7f2e9", direct_value] {
        assert!(!logs.contains(needle), "{needle:?} is in GET /v1/logs");
    }
    serve.kill();

    let mut haystack = Vec::new();
    for name in ["hookdesk.db", "hookdesk.db-wal", "hookdesk.db-shm", "serve.log", "hookdesk.lock"] {
        if let Ok(mut f) = std::fs::File::open(dir.path().join(name)) {
            f.read_to_end(&mut haystack).unwrap();
        }
    }
    let text = String::from_utf8_lossy(&haystack);
    assert!(text.contains("Events API listening"), "the log was captured");
    for needle in [header_value, "scan-header-b7f2e9", direct_value, token, &secret, &secret["whsec_".len()..]] {
        assert!(!text.contains(needle), "{needle:?} is stored or logged in plain text");
    }
}

#[test]
fn serve_beyond_loopback_without_tls_is_refused_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (code, _, stderr) = cli(&data, &["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("only over HTTPS") && stderr.contains("--tls-cert"), "{stderr}");
    assert!(!data.exists(), "refused before the data directory was opened");
}
