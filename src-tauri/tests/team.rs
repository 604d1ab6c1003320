//! `hookdesk worker` and `hookdesk serve --database-url` processes on a real PostgreSQL
//! server (the throwaway one `scripts/test-env.sh --postgres` starts, as `make test` does): a
//! wrong or missing key is refused before anything is touched; workers killed with SIGKILL
//! and restarted while events pour in lose nothing and keep a sequential webhook in order;
//! two serve processes share one configuration, queue, log and token; the database holds no
//! secret in the clear.

mod common;

use axum::extract::State;
use axum::http::HeaderMap;
use common::BIN;
use hookdesk_engine::model::{DeliverySettings, Ordering, RetryPolicy};
use hookdesk_engine::sealed::SecretKey;
use hookdesk_engine::secrets::account;
use hookdesk_engine::store::events::EventRow;
use hookdesk_engine::store::pg::{NewDelivery, PgStore};
use hookdesk_engine::store::webhooks::WebhookRow;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const HEADER_VALUE: &str = "team-header-value-c41d";

async fn client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("the test server answers");
    tokio::spawn(connection);
    client
}

/// A new migrated database on the test server: its URL and a store of it.
async fn team_database() -> (String, PgStore) {
    let server = std::env::var("HOOKDESK_TEST_DATABASE_URL")
        .expect("these tests need a PostgreSQL server: run them through `make test` or scripts/test-env.sh --postgres");
    let name = format!("hookdesk_{}", ulid::Ulid::new().to_string().to_lowercase());
    client(&server).await.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
    let store = PgStore::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    (url, store)
}

async fn webhook(store: &PgStore, key: &SecretKey, code: &str, url: &str, ordering: Ordering) -> WebhookRow {
    let delivery = DeliverySettings {
        timeout_ms: 1_000,
        attempts: 50,
        retry: RetryPolicy::Fixed { delay_ms: 100 },
        ordering,
        concurrency: 8,
        pause_after_failures: 0,
    };
    let w = WebhookRow { header_names: vec!["X-Team".into()], ..WebhookRow::new(code, url, &["task.created"], delivery, 0) };
    store.insert_webhook(&w).await.unwrap();
    store.set_secret(key, &account::signing_secret(&w.id), SECRET, 0).await.unwrap();
    store.set_secret(key, &account::header(&w.id, "X-Team"), HEADER_VALUE, 0).await.unwrap();
    w
}

async fn accept(store: &PgStore, n: usize, to: &[&WebhookRow]) {
    let event = EventRow {
        seq: 0,
        id: format!("evt_{n:05}"),
        event_type: "task.created".into(),
        occurred_at: 1_700_000_000_000,
        data: format!(r#"{{"n":{n}}}"#),
        workflow: None,
        survey: None,
        group: None,
        fingerprint: format!("fp{n}"),
        accepted_at: 1_700_000_000_000,
        summary: format!("n: {n}"),
    };
    let deliveries: Vec<NewDelivery> = to.iter().map(|w| NewDelivery { webhook_id: &w.id, max_attempts: w.delivery.attempts }).collect();
    store.accept_event(&event, &deliveries, hookdesk_engine::model::time::now_ms()).await.unwrap();
}

/// What arrived at a receiver, in arrival order: (path, event number, webhook-id header), and
/// whether it came with the opened header value and a signature.
type Arrivals = Arc<Mutex<Vec<(String, u64, String, bool)>>>;

async fn receiver() -> (String, Arrivals) {
    let arrivals: Arrivals = Arc::default();
    async fn take(State(arrivals): State<Arrivals>, uri: axum::http::Uri, headers: HeaderMap, body: String) -> &'static str {
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        // A Test's sample has no number: 0.
        let n = body["data"]["n"].as_u64().unwrap_or(0);
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let complete = header("x-team") == HEADER_VALUE && header("webhook-signature").starts_with("v1,");
        arrivals.lock().unwrap().push((uri.path().to_string(), n, header("webhook-id"), complete));
        // Every tenth answer of the parallel webhook takes a while (within the 1 s timeout), so
        // that a worker killed mid-stream is often killed holding attempts under way.
        if uri.path() == "/ledger" && n % 10 == 3 {
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        "ok"
    }
    let app = axum::Router::new().fallback(take).with_state(arrivals.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, arrivals)
}

fn worker_command(url: &str, key: Option<&SecretKey>, id: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["worker", "--allow-private-targets", "--lease-margin", "1", "--id", id])
        .env("HOOKDESK_DATABASE_URL", url)
        .env("HOOKDESK_LOG", "debug")
        .env_remove("HOOKDESK_SECRET_KEY");
    if let Some(key) = key {
        cmd.env("HOOKDESK_SECRET_KEY", key.to_base64().as_str());
    }
    cmd
}

/// A worker process, killed with SIGKILL when dropped, so that a failing test leaves none behind.
struct Worker {
    id: String,
    child: Child,
}

impl Worker {
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts a worker and waits for the line saying it delivers.
fn start_worker(url: &str, key: &SecretKey, id: &str, log: &std::path::Path) -> Worker {
    let stderr = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    let mut child = worker_command(url, Some(key), id).stdout(Stdio::piped()).stderr(stderr).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let worker = Worker { id: id.to_string(), child };
    assert!(line.contains("is delivering"), "worker {id} said {line:?}; its log: {}", std::fs::read_to_string(log).unwrap_or_default());
    worker
}

/// Polls `done` until it holds, or fails after `within` with `what`.
async fn until(within: Duration, what: impl Fn() -> String, done: impl Fn() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "{}", what());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn pending_or_attempted(store_url: &str) -> (i64, i64) {
    let row = client(store_url)
        .await
        .query_one("SELECT COUNT(*) FILTER (WHERE state = 'pending'), COALESCE(SUM(attempts_made), 0)::bigint FROM deliveries", &[])
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_without_the_key_or_with_another_refuses_to_start_and_touches_nothing() {
    let (url, store) = team_database().await;
    let key = SecretKey::generate();
    store.check_key(&key, 0).await.unwrap();
    let w = webhook(&store, &key, "ledger", "http://127.0.0.1:9/in", Ordering::Parallel).await;
    accept(&store, 1, &[&w]).await;

    let none = worker_command(&url, None, "w-none").output().unwrap();
    assert_eq!(none.status.code(), Some(1));
    let said = String::from_utf8_lossy(&none.stderr);
    assert!(said.contains("needs the team's secret key") && said.contains("HOOKDESK_SECRET_KEY"), "{said}");

    let other = worker_command(&url, Some(&SecretKey::generate()), "w-other").output().unwrap();
    assert_eq!(other.status.code(), Some(1));
    let said = String::from_utf8_lossy(&other.stderr);
    assert!(said.contains("is not this team database's key"), "{said}");
    assert_eq!(pending_or_attempted(&url).await, (1, 0), "the delivery is still pending and was never attempted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_killed_and_restarted_while_events_pour_in_lose_nothing_and_keep_order() {
    const EVENTS: usize = 1_000;
    const KILLS: usize = 6;
    let (url, store) = team_database().await;
    let key = SecretKey::generate();
    let (rx, arrivals) = receiver().await;
    let orders = webhook(&store, &key, "orders", &format!("{rx}/orders"), Ordering::Sequential).await;
    let ledger = webhook(&store, &key, "ledger", &format!("{rx}/ledger"), Ordering::Parallel).await;
    let logs = tempfile::tempdir().unwrap();
    let log = |i: usize| logs.path().join(format!("worker-{i}.log"));
    let mut workers: Vec<Worker> = (0..3).map(|i| start_worker(&url, &key, &format!("w{i}"), &log(i))).collect();

    let producer = {
        let (store, orders, ledger) = (store.clone(), orders.clone(), ledger.clone());
        tokio::spawn(async move {
            for n in 0..EVENTS {
                accept(&store, n, &[&orders, &ledger]).await;
            }
        })
    };
    let distinct = || arrivals.lock().unwrap().iter().map(|(p, n, _, _)| (p.clone(), *n)).collect::<HashSet<_>>().len();
    let what = || format!("{} of {} deliveries arrived", distinct(), 2 * EVENTS);
    // Kill a worker holding a lease, KILLS times at even steps of the way, and start it again:
    // what it held when it died must be delivered by another once the lease runs out.
    let db = client(&url).await;
    let mut orphaned: Vec<i64> = Vec::new();
    for round in 1..=KILLS {
        until(Duration::from_secs(60), what, || distinct() >= round * 2 * EVENTS / (KILLS + 1)).await;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            assert!(Instant::now() < deadline, "round {round}: no worker was ever caught holding a lease");
            let holder = db
                .query_opt("SELECT leased_by FROM deliveries WHERE state = 'pending' AND leased_by IS NOT NULL LIMIT 1", &[])
                .await
                .unwrap()
                .map(|r| r.get::<_, String>(0));
            let Some(i) = holder.and_then(|h| workers.iter().position(|w| w.id == h)) else {
                tokio::time::sleep(Duration::from_millis(5)).await;
                continue;
            };
            workers[i].kill();
            let held: Vec<i64> = db
                .query("SELECT id FROM deliveries WHERE state = 'pending' AND leased_by = $1", &[&workers[i].id])
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            workers[i] = start_worker(&url, &key, &format!("w{i}-{round}"), &log(i));
            if !held.is_empty() {
                orphaned.extend(held);
                break;
            }
        }
    }
    producer.await.unwrap();
    until(Duration::from_secs(60), what, || distinct() == 2 * EVENTS).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while pending_or_attempted(&url).await.0 > 0 {
        assert!(Instant::now() < deadline, "deliveries are still pending after all arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A delivery may have been held by two workers in turn, each killed while holding it.
    orphaned.sort_unstable();
    orphaned.dedup();
    let not_delivered: Vec<(i64, String)> = db
        .query("SELECT id, state FROM deliveries WHERE id = ANY($1) AND state <> 'succeeded'", &[&orphaned])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert!(not_delivered.is_empty(), "deliveries a killed worker held were not delivered by another: {not_delivered:?}");

    let arrivals = arrivals.lock().unwrap().clone();
    // The same delivery always carries the same webhook-id, however often it was sent.
    let mut ids: HashMap<(String, u64), String> = HashMap::new();
    for (path, n, id, complete) in &arrivals {
        assert!(complete, "{path} event {n} came without the header value opened with the team's key or unsigned");
        let first = ids.entry((path.clone(), *n)).or_insert_with(|| id.clone());
        assert_eq!(first, id, "{path} event {n} came with two webhook-ids");
    }
    for ((path, n), id) in &ids {
        assert_eq!(id, &format!("evt_{n:05}"), "{path} event {n}: the webhook-id is the event's id");
    }
    // The sequential webhook saw each event first in the order they were accepted.
    let mut seen = HashSet::new();
    let first_order: Vec<u64> =
        arrivals.iter().filter(|(p, ..)| p == "/orders").filter(|(_, n, ..)| seen.insert(*n)).map(|(_, n, ..)| *n).collect();
    assert_eq!(first_order, (0..EVENTS as u64).collect::<Vec<_>>(), "orders arrived out of order");
    let repeats = arrivals.len() - 2 * EVENTS;
    eprintln!(
        "{} deliveries; {} held by a worker when it was killed; {repeats} sent again after a worker was killed mid-attempt",
        2 * EVENTS,
        orphaned.len()
    );

    // Nothing secret is in the database in the clear: not the secret, the header value, the key.
    let pg_bin = std::env::var("HOOKDESK_TEST_PG_BIN").expect("scripts/test-env.sh --postgres says where pg_dump is");
    let dump = Command::new(format!("{pg_bin}/pg_dump")).arg(&url).output().unwrap();
    assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
    let dump = String::from_utf8(dump.stdout).unwrap();
    assert!(dump.contains("task.created"), "the dump holds the data");
    for secret in [SECRET, HEADER_VALUE, key.to_base64().as_str()] {
        assert!(!dump.contains(secret), "the database holds a secret in the clear");
    }
    drop(workers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_set_up_from_the_command_line_delivers_what_is_emitted_into_its_database() {
    let (url, _store) = team_database().await;
    let key = SecretKey::generate();
    let (rx, arrivals) = receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("team.json");
    let config = serde_json::json!({
        "format": "hookdesk-config", "version": 1, "exported_at": "2026-12-07T10:00:00Z", "includes_secrets": true,
        "webhooks": [{
            "code": "orders", "name": "Orders", "url": format!("{rx}/orders"), "events": ["task.created"], "active": true,
            "headers": [{"name": "X-Team", "value": HEADER_VALUE}], "secret": SECRET
        }]
    });
    std::fs::write(&file, config.to_string()).unwrap();
    let cli = |args: &[&str], key: Option<&SecretKey>| {
        let mut cmd = Command::new(BIN);
        cmd.args(args).arg("--database-url").arg(&url).env_remove("HOOKDESK_SECRET_KEY").env_remove("HOOKDESK_DATABASE_URL");
        if let Some(key) = key {
            cmd.env("HOOKDESK_SECRET_KEY", key.to_base64().as_str());
        }
        let out = cmd.output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let file = file.to_str().unwrap();

    let (code, _, said) = cli(&["webhooks", "import", file], None);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("needs the team's secret key"), "{said}");
    let (code, out, said) = cli(&["webhooks", "import", file], Some(&key));
    assert_eq!(code, Some(0), "{said}");
    assert!(out.contains("Created: orders"), "{out}");
    let (code, out, said) = cli(&["webhooks", "list"], None);
    assert_eq!(code, Some(0), "{said}");
    assert!(out.lines().nth(1).is_some_and(|l| l.starts_with("orders") && l.contains("active") && l.contains("/orders")), "{out}");
    let (code, out, said) = cli(&["webhooks", "show", "orders"], None);
    assert_eq!(code, Some(0), "{said}");
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((shown["code"].as_str(), shown["headers"][0]["name"].as_str()), (Some("orders"), Some("X-Team")), "{out}");
    assert!(!out.contains(HEADER_VALUE), "header values are masked: {out}");
    // Exported again, with its secrets opened with the key (and only with it).
    let (code, _, said) = cli(&["webhooks", "export", "--include-secrets"], None);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("needs the team's secret key"), "{said}");
    let (code, out, said) = cli(&["webhooks", "export", "--include-secrets"], Some(&key));
    assert_eq!(code, Some(0), "{said}");
    let exported: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(exported["webhooks"][0]["secret"].as_str(), Some(SECRET), "{out}");
    assert_eq!(exported["webhooks"][0]["headers"][0]["value"].as_str(), Some(HEADER_VALUE), "{out}");
    let (code, out, said) = cli(&["webhooks", "export"], None);
    assert_eq!(code, Some(0), "{said}");
    assert!(!out.contains(HEADER_VALUE) && !out.contains(SECRET) && out.contains("\"orders\""), "{out}");
    let (code, _, said) = cli(&["webhooks", "import", file], Some(&SecretKey::generate()));
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("is not this team database's key"), "{said}");

    let logs = tempfile::tempdir().unwrap();
    let _worker = start_worker(&url, &key, "cli-worker", &logs.path().join("worker.log"));
    for n in 1..=2 {
        // Emitting needs no key: nothing secret is written.
        let (code, out, said) = cli(&["emit", "task.created", "--data", &format!(r#"{{"n": {n}}}"#)], None);
        assert_eq!(code, Some(0), "{said}");
        assert!(out.contains("→ 1 delivery: orders"), "{out}");
    }
    let (code, _, said) = cli(&["emit", "task.created", "--data", "[1]"], None);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("data"), "an event that is not valid says why: {said}");

    let count = || arrivals.lock().unwrap().len();
    until(Duration::from_secs(30), || format!("{} of 2 emitted events arrived", count()), || count() >= 2).await;
    let got = arrivals.lock().unwrap().clone();
    let numbers: Vec<u64> = got.iter().map(|(_, n, ..)| *n).collect();
    assert_eq!(numbers, [1, 2], "in the order they were emitted");
    assert!(got.iter().all(|(path, _, _, complete)| path == "/orders" && *complete), "signed, with the header value opened: {got:?}");

    // The attempts are read back from the team database, newest first, the header value masked
    // (once recorded: a receiver has a request a moment before its worker has the record).
    let deadline = Instant::now() + Duration::from_secs(30);
    while serde_json::from_str::<serde_json::Value>(&cli(&["logs", "orders", "--json"], None).1).unwrap()["total"] != 2 {
        assert!(Instant::now() < deadline, "the 2 attempts were not recorded");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (code, out, said) = cli(&["logs", "orders"], None);
    assert_eq!(code, Some(0), "{said}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("EXECUTED (UTC)"), "{out}");
    assert!(lines[1].contains("SUCCESS") && lines[1].contains("200") && lines[1].contains("task.created"), "{out}");
    assert_eq!(lines.last().copied(), Some("2 of 2 attempts shown."), "{out}");
    let (code, out, said) = cli(&["logs", "orders", "--json", "--limit", "1"], None);
    assert_eq!(code, Some(0), "{said}");
    let page: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(page["attempts"].as_array().unwrap().len(), 1);
    assert!(!out.contains(HEADER_VALUE), "the header value is masked in the log: {out}");
    let sent = page["attempts"][0]["request"]["headers"].as_object().expect("the request's headers are logged");
    let team_header = sent.iter().find(|(name, _)| name.eq_ignore_ascii_case("x-team")).map(|(_, v)| v.as_str().unwrap_or_default());
    assert_eq!(team_header, Some(hookdesk_engine::model::MASK), "{out}");
    let (code, _, said) = cli(&["logs", "nope"], None);
    assert_eq!(code, Some(1));
    assert!(said.contains("nope"), "{said}");
}

/// A `serve --database-url` process: the team's Events API and one of its workers.
struct TeamServe {
    url: String,
    _worker: Worker,
}

fn start_team_serve(url: &str, key: &SecretKey, id: &str, log: &std::path::Path) -> TeamServe {
    let stderr = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--allow-private-targets", "--worker-id", id])
        .env("HOOKDESK_DATABASE_URL", url)
        .env("HOOKDESK_SECRET_KEY", key.to_base64().as_str())
        .env("HOOKDESK_LOG", "debug")
        .env_remove("HOOKDESK_TOKEN")
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let worker = Worker { id: id.to_string(), child };
    let api = line.split(" on ").nth(1).and_then(|rest| rest.split(" as worker").next()).map(str::to_string);
    let Some(api) = api.filter(|a| a.starts_with("http://127.0.0.1:")) else {
        panic!("serve {id} said {line:?}; its log: {}", std::fs::read_to_string(log).unwrap_or_default());
    };
    TeamServe { url: api, _worker: worker }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_serve_processes_share_one_configuration_one_queue_and_one_log() {
    use reqwest::Method;
    use serde_json::json;
    let (url, _store) = team_database().await;
    let key = SecretKey::generate();
    let (rx, arrivals) = receiver().await;
    let dir = tempfile::tempdir().unwrap();

    // Without the key, serving the team database is refused before anything is touched.
    let out = Command::new(BIN)
        .args(["serve", "--port", "0", "--database-url", &url])
        .env_remove("HOOKDESK_SECRET_KEY")
        .env_remove("HOOKDESK_DATABASE_URL")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("needs the team's secret key"), "{said}");

    let a = start_team_serve(&url, &key, "serve-a", &dir.path().join("a.log"));
    let b = start_team_serve(&url, &key, "serve-b", &dir.path().join("b.log"));
    let token_cli = |args: &[&str]| {
        let out = Command::new(BIN)
            .arg("token")
            .args(args)
            .args(["--database-url", &url])
            .env("HOOKDESK_SECRET_KEY", key.to_base64().as_str())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let token = token_cli(&[]);
    assert!(token.starts_with("hdk_"), "{token}");
    let http = hookdesk_engine::net::local_client();

    // Configuration made through one process is the other's at once.
    let delivery = |ordering: serde_json::Value| {
        let mut d = json!({"attempts": 5, "retry": {"kind": "fixed", "delay_ms": 100}, "timeout_ms": 2000});
        d.as_object_mut().unwrap().extend(ordering.as_object().unwrap().clone());
        d
    };
    for (name, path, ordering) in
        [("Orders", "/orders", json!({"ordering": "sequential"})), ("Ledger", "/ledger", json!({"ordering": "parallel", "concurrency": 8}))]
    {
        let body = json!({"name": name, "url": format!("{rx}{path}"), "events": ["task.created"], "delivery": delivery(ordering),
                          "headers": [{"name": "X-Team", "value": HEADER_VALUE}]});
        let (status, w) = common::call(&http, &a.url, &token, Method::POST, "/v1/webhooks", Some(body)).await.unwrap();
        assert_eq!(status, 201, "{w}");
    }
    let (status, listed) = common::call(&http, &b.url, &token, Method::GET, "/v1/webhooks", None).await.unwrap();
    assert_eq!(status, 200, "{listed}");
    let codes: Vec<&str> = listed.as_array().unwrap().iter().filter_map(|w| w["code"].as_str()).collect();
    assert_eq!(codes, ["ledger", "orders"], "{listed}");
    assert!(!listed.to_string().contains(HEADER_VALUE), "header values are masked: {listed}");
    let (status, taken) = common::call(
        &http,
        &b.url,
        &token,
        Method::POST,
        "/v1/webhooks",
        Some(json!({"name": "Again", "code": "orders", "url": format!("{rx}/x"), "events": ["task.created"]})),
    )
    .await
    .unwrap();
    assert_eq!(status, 409, "a code another process saved is taken: {taken}");

    // 200 events, accepted alternately by both.
    const EVENTS: u64 = 200;
    for n in 1..=EVENTS {
        let api = if n % 2 == 0 { &a.url } else { &b.url };
        let event = json!({"id": format!("evt_{n:05}"), "type": "task.created", "data": {"n": n}});
        let (status, accepted) = common::call(&http, api, &token, Method::POST, "/v1/events", Some(event)).await.unwrap();
        assert_eq!(status, 202, "{accepted}");
        assert_eq!(accepted["deliveries"].as_array().map(Vec::len), Some(2), "{accepted}");
    }
    let count = || arrivals.lock().unwrap().len();
    until(Duration::from_secs(60), || format!("{} of {} deliveries arrived", count(), 2 * EVENTS), || count() >= 2 * EVENTS as usize).await;
    let got = arrivals.lock().unwrap().clone();
    for path in ["/orders", "/ledger"] {
        let mut numbers: Vec<u64> = got.iter().filter(|(p, ..)| p == path).map(|(_, n, ..)| *n).collect();
        if path == "/orders" {
            assert_eq!(numbers, (1..=EVENTS).collect::<Vec<_>>(), "the sequential webhook receives them in acceptance order");
        }
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=EVENTS).collect::<Vec<_>>(), "{path} receives each event exactly once");
    }
    assert!(got.iter().all(|(_, n, id, complete)| *complete && *id == format!("evt_{n:05}")), "signed, with the header and the event id");

    // Either process reads every attempt, whichever worker made it. A receiver has a request
    // a moment before its worker has recorded the attempt: wait for the last records.
    let deadline = Instant::now() + Duration::from_secs(30);
    for code in ["orders", "ledger"] {
        loop {
            let (_, page) =
                common::call(&http, &a.url, &token, Method::GET, &format!("/v1/webhooks/{code}/logs?limit=1"), None).await.unwrap();
            if page["total"].as_u64() >= Some(EVENTS) {
                break;
            }
            assert!(Instant::now() < deadline, "{code}'s attempts were not all recorded: {page}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    for api in [&a.url, &b.url] {
        for code in ["orders", "ledger"] {
            let (status, page) =
                common::call(&http, api, &token, Method::GET, &format!("/v1/webhooks/{code}/logs?limit=500"), None).await.unwrap();
            assert_eq!(status, 200, "{page}");
            assert_eq!(page["total"].as_u64(), Some(EVENTS), "{code} through {api}");
            let ids: HashSet<&str> = page["attempts"].as_array().unwrap().iter().filter_map(|a| a["event_id"].as_str()).collect();
            assert_eq!(ids.len(), EVENTS as usize, "{code} through {api}");
            let last = page["attempts"].as_array().unwrap().iter().find(|a| a["event_id"] == "evt_00200").unwrap();
            assert_eq!((last["result"].as_str(), last["status_code"].as_u64()), (Some("success"), Some(200)), "{last}");
            assert!(
                last["request"]["body"].as_str().is_some_and(|b| b.contains(r#""data":{"n":200}"#)),
                "the payload sent is logged: {last}"
            );
            assert!(!page.to_string().contains(HEADER_VALUE), "header values are masked in the logs");
        }
        let (status, page) = common::call(&http, api, &token, Method::GET, "/v1/logs?event_id=evt_00007", None).await.unwrap();
        assert_eq!((status, page["total"].as_u64()), (200, Some(2)), "{page}");
    }

    // The health figures count every worker's attempts, whichever process is asked.
    let (status, all) = common::call(&http, &a.url, &token, Method::GET, "/v1/stats?window=1h", None).await.unwrap();
    assert_eq!(status, 200, "{all}");
    assert_eq!((all["attempts"].as_u64(), all["failed"].as_u64(), all["waiting"].as_u64()), (Some(2 * EVENTS), Some(0), Some(0)), "{all}");
    let series: u64 = all["series"].as_array().unwrap().iter().map(|p| p["succeeded"].as_u64().unwrap()).sum();
    assert_eq!((series, all["series"].as_array().unwrap().len()), (2 * EVENTS, 60), "a point a minute over the hour: {all}");
    assert!(all["p50_ms"].as_u64().is_some() && all["p95_ms"].as_u64() >= all["p50_ms"].as_u64(), "{all}");
    let (status, one) = common::call(&http, &b.url, &token, Method::GET, "/v1/webhooks/ledger/stats", None).await.unwrap();
    assert_eq!(status, 200, "{one}");
    assert_eq!(
        (one["attempts"].as_u64(), one["status"].as_str(), one["window"].as_str()),
        (Some(EVENTS), Some("active"), Some("24h")),
        "{one}"
    );
    // Every tenth answer of the ledger took 400 ms: the slowest 5 % are those.
    assert!(one["p95_ms"].as_u64().is_some_and(|p| p >= 400), "{one}");

    // The logs' export streams every worker's attempts, newest first.
    let export = http.get(format!("{}/v1/logs/export?webhook=ledger&format=ndjson", b.url)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(export.status(), 200);
    let lines: Vec<serde_json::Value> =
        export.text().await.unwrap().lines().map(|l| serde_json::from_str(l).expect("an attempt a line")).collect();
    assert_eq!(lines.len(), EVENTS as usize);
    let ids: Vec<u64> = lines.iter().map(|l| l["id"].as_str().unwrap().trim_start_matches("att_").parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    assert!(lines.iter().all(|l| l["webhook_code"] == "ledger" && l["request"]["body"].is_string()), "{:?}", lines[0]);

    // A direct delivery: its header value sealed until it is delivered, then gone.
    let direct = json!({"url": format!("{rx}/direct"), "type": "task.created", "data": {"n": 1},
                        "headers": [{"name": "X-Team", "value": HEADER_VALUE}]});
    let (status, body) = common::call(&http, &a.url, &token, Method::POST, "/v1/deliveries", Some(direct)).await.unwrap();
    assert_eq!(status, 202, "{body}");
    let directs = || arrivals.lock().unwrap().iter().filter(|(p, ..)| p == "/direct").count();
    until(Duration::from_secs(30), || "the direct delivery did not arrive".into(), || directs() == 1).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left: i64 =
            client(&url).await.query_one("SELECT COUNT(*) FROM secrets WHERE account LIKE 'direct/%'", &[]).await.unwrap().get(0);
        if left == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the direct delivery's header value outlived it");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, page) =
        common::call(&http, &b.url, &token, Method::GET, "/v1/webhooks/ledger/logs?status_code=200&event_type=task.created&limit=1", None)
            .await
            .unwrap();
    assert_eq!((status, page["total"].as_u64()), (200, Some(EVENTS)), "the filters of a numeric and a text column: {page}");

    // A token regenerated through one process is the only one either takes.
    let (status, fresh) = common::call(&http, &a.url, &token, Method::POST, "/v1/token/regenerate", Some(json!({}))).await.unwrap();
    assert_eq!(status, 200, "{fresh}");
    let fresh = fresh["token"].as_str().unwrap().to_string();
    assert_eq!(token_cli(&[]), fresh);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, _) = common::call(&http, &b.url, &token, Method::GET, "/v1/webhooks", None).await.unwrap();
        if status == 401 {
            break;
        }
        assert!(Instant::now() < deadline, "the other process still takes the old token");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, _) = common::call(&http, &b.url, &fresh, Method::GET, "/v1/webhooks", None).await.unwrap();
    assert_eq!(status, 200);

    // Edited through one, used by every worker from the next event on; the code stays.
    let patch = json!({"url": format!("{rx}/orders-v2"), "headers": [{"name": "X-Team"}]});
    let (status, edited) = common::call(&http, &b.url, &fresh, Method::PATCH, "/v1/webhooks/orders", Some(patch)).await.unwrap();
    assert_eq!((status, edited["url"].as_str()), (200, Some(format!("{rx}/orders-v2").as_str())), "{edited}");
    let (status, frozen) =
        common::call(&http, &a.url, &fresh, Method::PATCH, "/v1/webhooks/orders", Some(json!({"code": "renamed"}))).await.unwrap();
    assert_eq!(status, 409, "{frozen}");
    for (n, api) in [(EVENTS + 1, &a.url), (EVENTS + 2, &b.url)] {
        let event = json!({"id": format!("evt_{n:05}"), "type": "task.created", "data": {"n": n}});
        let (status, accepted) = common::call(&http, api, &fresh, Method::POST, "/v1/events", Some(event)).await.unwrap();
        assert_eq!(status, 202, "{accepted}");
    }
    let moved = || arrivals.lock().unwrap().iter().filter(|(p, ..)| p == "/orders-v2").count();
    until(Duration::from_secs(30), || format!("{} of 2 events reached the new URL", moved()), || moved() >= 2).await;
    let v2: Vec<(u64, bool)> =
        arrivals.lock().unwrap().iter().filter(|(p, ..)| p == "/orders-v2").map(|(_, n, _, complete)| (*n, *complete)).collect();
    assert_eq!(v2, [(EVENTS + 1, true), (EVENTS + 2, true)], "in order, the header value kept");

    // A logged delivery sent again through either process goes to the webhook as it is now,
    // with the same event id; one that has succeeded is not waiting for a retry.
    let (_, page) = common::call(&http, &a.url, &fresh, Method::GET, "/v1/logs?event_id=evt_00007", None).await.unwrap();
    let first = page["attempts"].as_array().unwrap().iter().find(|a| a["webhook_code"] == "orders").unwrap().clone();
    let delivery = first["delivery_id"].as_str().unwrap();
    let (status, body) =
        common::call(&http, &b.url, &fresh, Method::POST, &format!("/v1/deliveries/{delivery}/retry"), None).await.unwrap();
    assert_eq!(status, 409, "{body}");
    let (status, resent) =
        common::call(&http, &a.url, &fresh, Method::POST, &format!("/v1/deliveries/{delivery}/resend"), None).await.unwrap();
    assert_eq!(status, 202, "{resent}");
    let again = || arrivals.lock().unwrap().iter().filter(|(p, n, ..)| p == "/orders-v2" && *n == 7).count();
    until(Duration::from_secs(30), || "the resent delivery did not arrive".into(), || again() == 1).await;
    assert!(arrivals.lock().unwrap().iter().any(|(p, n, id, _)| p == "/orders-v2" && *n == 7 && id == "evt_00007"));

    // The signing secret, read and rotated through either process.
    let (status, before) = common::call(&http, &a.url, &fresh, Method::GET, "/v1/webhooks/orders/secret", None).await.unwrap();
    assert_eq!(status, 200, "{before}");
    assert!(before["secret"].as_str().is_some_and(|s| s.starts_with("whsec_")) && before["previous_secret_until"].is_null(), "{before}");
    let (status, rotated) = common::call(&http, &b.url, &fresh, Method::POST, "/v1/webhooks/orders/secret/rotate", None).await.unwrap();
    assert_eq!(status, 200, "{rotated}");
    assert!(rotated["secret"] != before["secret"] && rotated["previous_secret_until"].is_string(), "{rotated}");
    let (_, after) = common::call(&http, &a.url, &fresh, Method::GET, "/v1/webhooks/orders/secret", None).await.unwrap();
    assert_eq!(after["secret"], rotated["secret"]);
    let (status, config) = common::call(&http, &b.url, &fresh, Method::GET, "/v1/config?include_secrets=true", None).await.unwrap();
    assert_eq!(status, 200, "{config}");
    let exported = config["webhooks"].as_array().unwrap().iter().find(|w| w["code"] == "orders").unwrap();
    assert_eq!((&exported["secret"], exported["headers"][0]["value"].as_str()), (&rotated["secret"], Some(HEADER_VALUE)), "{config}");

    // Test, through either process: sent at once, signed, with the stored header, and logged
    // with its badge for every process to read.
    let (status, tested) = common::call(&http, &b.url, &fresh, Method::POST, "/v1/webhooks/orders/test", None).await.unwrap();
    assert_eq!(status, 200, "{tested}");
    assert_eq!((tested["result"].as_str(), tested["status_code"].as_u64()), (Some("success"), Some(200)), "{tested}");
    let test_id = tested["event_id"].as_str().unwrap().to_string();
    assert!(
        arrivals.lock().unwrap().iter().any(|(p, n, id, complete)| p == "/orders-v2" && *n == 0 && *id == test_id && *complete),
        "the sample arrived, signed, with the header"
    );
    let (_, page) = common::call(&http, &a.url, &fresh, Method::GET, &format!("/v1/logs?event_id={test_id}"), None).await.unwrap();
    let logged = &page["attempts"][0];
    assert_eq!((logged["id"].as_str(), logged["test"].as_bool()), (tested["attempt_id"].as_str(), Some(true)), "{page}");
    assert!(logged["request"]["body"].as_str().is_some_and(|b| b.contains(r#""test":true"#)), "{logged}");

    // Recover through one process what failed for good while an endpoint was down: delivered
    // again in acceptance order by the workers; a second recover finds nothing.
    let body = json!({"name": "Relay", "url": "http://127.0.0.1:1/down", "events": ["task.created"],
                      "delivery": {"attempts": 1, "ordering": "sequential", "timeout_ms": 2000}});
    let (status, relay) = common::call(&http, &a.url, &fresh, Method::POST, "/v1/webhooks", Some(body)).await.unwrap();
    assert_eq!(status, 201, "{relay}");
    let since = hookdesk_engine::model::time::format_ms(hookdesk_engine::model::time::now_ms() - 600_000);
    for n in 301..=303 {
        let event = json!({"id": format!("evt_{n:05}"), "type": "task.created", "data": {"n": n}});
        let (status, accepted) = common::call(&http, &a.url, &fresh, Method::POST, "/v1/events", Some(event)).await.unwrap();
        assert_eq!(status, 202, "{accepted}");
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, page) = common::call(&http, &b.url, &fresh, Method::GET, "/v1/webhooks/relay/logs?result=failed", None).await.unwrap();
        if page["total"].as_u64() == Some(3) {
            break;
        }
        assert!(Instant::now() < deadline, "the relay's 3 failures were not logged: {page}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let patch = json!({"url": format!("{rx}/relay")});
    let (status, _) = common::call(&http, &b.url, &fresh, Method::PATCH, "/v1/webhooks/relay", Some(patch)).await.unwrap();
    assert_eq!(status, 200);
    let window = json!({"since": since});
    let (status, recovered) =
        common::call(&http, &b.url, &fresh, Method::POST, "/v1/webhooks/relay/recover", Some(window.clone())).await.unwrap();
    assert_eq!((status, recovered["deliveries"].as_u64()), (202, Some(3)), "{recovered}");
    let relayed = || arrivals.lock().unwrap().iter().filter(|(p, ..)| p == "/relay").map(|(_, n, ..)| *n).collect::<Vec<_>>();
    until(Duration::from_secs(30), || format!("recovered so far: {:?}", relayed()), || relayed().len() >= 3).await;
    assert_eq!(relayed(), [301, 302, 303], "in acceptance order");
    let (status, again) = common::call(&http, &a.url, &fresh, Method::POST, "/v1/webhooks/relay/recover", Some(window)).await.unwrap();
    assert_eq!((status, again["deliveries"].as_u64()), (202, Some(0)), "{again}");
    let out = Command::new(BIN).args(["recover", "relay", "--since", "10m", "--database-url", &url]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.starts_with("Nothing to recover: no delivery to relay failed"), "{said}");
    let (status, _) = common::call(&http, &a.url, &fresh, Method::DELETE, "/v1/webhooks/relay", None).await.unwrap();
    assert_eq!(status, 204);

    // Deleted through one, gone for the other, its secrets with it.
    let (status, _) = common::call(&http, &b.url, &fresh, Method::DELETE, "/v1/webhooks/ledger", None).await.unwrap();
    assert_eq!(status, 204);
    let (_, listed) = common::call(&http, &a.url, &fresh, Method::GET, "/v1/webhooks", None).await.unwrap();
    let codes: Vec<&str> = listed.as_array().unwrap().iter().filter_map(|w| w["code"].as_str()).collect();
    assert_eq!(codes, ["orders"], "{listed}");
    let secrets: i64 =
        client(&url).await.query_one("SELECT COUNT(*) FROM secrets WHERE account LIKE 'webhook/%'", &[]).await.unwrap().get(0);
    assert_eq!(secrets, 3, "the signing secret, the previous one and the header of the webhook left");

    // A NUL in the data (escaped, as JSON has it) is stored as sent; in a filter it is refused.
    let odd = json!({"id": "evt_nul", "type": "task.created", "data": {"a\u{0}b": "x"}});
    let (status, accepted) = common::call(&http, &a.url, &fresh, Method::POST, "/v1/events", Some(odd)).await.unwrap();
    assert_eq!(status, 202, "{accepted}");
    let (status, refused) = common::call(&http, &b.url, &fresh, Method::GET, "/v1/logs?event_type=a%00b", None).await.unwrap();
    assert_eq!((status, refused["error"]["code"].as_str()), (400, Some("bad_request")), "{refused}");

    // The tokens, like every secret, are in the database only sealed.
    let pg_bin = std::env::var("HOOKDESK_TEST_PG_BIN").expect("scripts/test-env.sh --postgres says where pg_dump is");
    let dump = Command::new(format!("{pg_bin}/pg_dump")).arg(&url).output().unwrap();
    assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
    let dump = String::from_utf8(dump.stdout).unwrap();
    assert!(dump.contains("evt_00007"), "the dump holds the data");
    let revealed = [before["secret"].as_str().unwrap(), rotated["secret"].as_str().unwrap()];
    for secret in [token.as_str(), fresh.as_str(), HEADER_VALUE, key.to_base64().as_str(), revealed[0], revealed[1]] {
        assert!(!dump.contains(secret), "the database holds a secret in the clear");
    }
}
