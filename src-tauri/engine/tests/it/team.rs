//! Team mode's workers on a real PostgreSQL server and real loopback receivers: two workers
//! share one queue, events accepted through either reach each webhook exactly once, a
//! sequential webhook in acceptance order, with secrets opened from the database; a worker
//! killed mid-attempt loses nothing; failures counted across workers pause the webhook.

use super::pg::{client, fresh_database};
use super::utils::receiver::{Reply, TestReceiver};
use hookdesk_engine::model::{DeliverySettings, Ordering, RetryPolicy, WebhookStatus};
use hookdesk_engine::sealed::SecretKey;
use hookdesk_engine::secrets::account;
use hookdesk_engine::store::events::EventRow;
use hookdesk_engine::store::pg::{NewDelivery, PgStore};
use hookdesk_engine::store::webhooks::WebhookRow;
use hookdesk_engine::team::{TeamWorker, WorkerOptions};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// Base64 of 32 bytes, as the panel generates them.
const SECRET: &str = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const HEADER_VALUE: &str = "team-header-value-7f3a";

fn settings(ordering: Ordering, attempts: u32, pause_after_failures: u32) -> DeliverySettings {
    DeliverySettings {
        timeout_ms: 1_000,
        attempts,
        retry: RetryPolicy::Fixed { delay_ms: 100 },
        ordering,
        concurrency: 8,
        pause_after_failures,
    }
}

/// A webhook for `task.created` with one custom header, its header value and signing secret
/// sealed in the database.
async fn webhook(store: &PgStore, key: &SecretKey, code: &str, url: &str, delivery: DeliverySettings) -> WebhookRow {
    let w = WebhookRow { header_names: vec!["X-Team".into()], ..WebhookRow::new(code, url, &["task.created"], delivery, 0) };
    store.insert_webhook(&w).await.unwrap();
    store.set_secret(key, &account::signing_secret(&w.id), SECRET, 0).await.unwrap();
    store.set_secret(key, &account::header(&w.id, "X-Team"), HEADER_VALUE, 0).await.unwrap();
    w
}

fn event(n: usize) -> EventRow {
    EventRow {
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
    }
}

/// Accepts events `range` through the stores in turn, each to every webhook of `to`.
async fn accept(stores: &[&PgStore], range: std::ops::Range<usize>, to: &[&WebhookRow]) {
    let deliveries: Vec<NewDelivery> = to.iter().map(|w| NewDelivery { webhook_id: &w.id, max_attempts: w.delivery.attempts }).collect();
    for n in range {
        let store = stores[n % stores.len()];
        let accepted = store.accept_event(&event(n), &deliveries, hookdesk_engine::model::time::now_ms()).await.unwrap();
        assert_eq!(accepted.deliveries.len(), to.len());
    }
}

fn options(id: &str, margin: Duration) -> WorkerOptions {
    WorkerOptions { margin, allow_private: true, ..WorkerOptions::new(id) }
}

/// A running worker; stopped (as `serve` stops) by `stop`, or killed by aborting its task.
struct Running {
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

async fn start(url: &str, key: &Arc<SecretKey>, options: WorkerOptions) -> Running {
    let worker = TeamWorker::new(PgStore::connect(url).await.unwrap(), key.clone(), options);
    let stop = CancellationToken::new();
    let task = tokio::spawn(worker.run(stop.clone()));
    Running { stop, task }
}

impl Running {
    async fn stop(self) {
        self.stop.cancel();
        self.task.await.unwrap();
    }

    /// Gone at once, as with SIGKILL: nothing under way is recorded, no lease handed back.
    async fn kill(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

async fn migrated_store() -> (String, PgStore, Arc<SecretKey>) {
    let url = fresh_database().await;
    let store = PgStore::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    (url, store, Arc::new(SecretKey::generate()))
}

#[tokio::test]
async fn two_workers_deliver_events_accepted_through_either_exactly_once_and_a_sequential_webhook_in_order() {
    let (url, a, key) = migrated_store().await;
    let b = PgStore::connect(&url).await.unwrap();
    let (ledger_rx, orders_rx) = (TestReceiver::start().await, TestReceiver::start().await);
    // Configured through a; b reads and uses it.
    let ledger = webhook(&a, &key, "ledger", &ledger_rx.url, settings(Ordering::Sequential, 3, 0)).await;
    let orders = webhook(&a, &key, "orders", &orders_rx.url, settings(Ordering::Parallel, 3, 0)).await;
    assert_eq!(b.webhooks().await.unwrap().iter().map(|w| w.code.as_str()).collect::<Vec<_>>(), ["ledger", "orders"]);
    let margin = Duration::from_secs(5);
    let (wa, wb) = (start(&url, &key, options("worker-a", margin)).await, start(&url, &key, options("worker-b", margin)).await);
    accept(&[&a, &b], 0..200, &[&ledger, &orders]).await;

    let in_order = ledger_rx.take(200, Duration::from_secs(60)).await;
    let expected: Vec<String> = (0..200).map(|n| event(n).id).collect();
    assert_eq!(in_order.iter().map(|r| r.event_id()).collect::<Vec<_>>(), expected, "the sequential webhook in acceptance order");
    let mut any_order: Vec<String> = orders_rx.take(200, Duration::from_secs(60)).await.iter().map(|r| r.event_id()).collect();
    any_order.sort();
    assert_eq!(any_order, expected, "the parallel webhook: every event once");
    ledger_rx.assert_silent(Duration::from_millis(700)).await;
    orders_rx.assert_silent(Duration::ZERO).await;

    // Signed with the sealed secret, the header's value opened from the database.
    let first = &in_order[0];
    assert_eq!(first.header("webhook-id"), "evt_00000");
    assert_eq!(first.header("x-team"), HEADER_VALUE);
    standardwebhooks::Webhook::new(SECRET).unwrap().verify(&first.body, &first.headers).expect("the official verifier accepts it");
    let body = first.json();
    assert_eq!((body["type"].as_str(), body["data"]["n"].as_i64()), (Some("task.created"), Some(0)));

    wa.stop().await;
    wb.stop().await;
    let c = client(&url).await;
    let row = c
        .query_one(
            "SELECT COUNT(*) FILTER (WHERE state = 'succeeded'), COUNT(*), (SELECT COUNT(*) FROM attempts),
                    COUNT(*) FILTER (WHERE leased_by IS NOT NULL) FROM deliveries",
            &[],
        )
        .await
        .unwrap();
    let counts: (i64, i64, i64, i64) = (row.get(0), row.get(1), row.get(2), row.get(3));
    assert_eq!(counts, (400, 400, 400, 0), "every delivery succeeded, one attempt each, no lease left");
    let logged: i64 =
        c.query_one("SELECT COUNT(*) FROM attempts WHERE request_headers LIKE $1", &[&format!("%{HEADER_VALUE}%")]).await.unwrap().get(0);
    assert_eq!(logged, 0, "no header value in the logs");
}

#[tokio::test]
async fn a_delivery_held_by_a_killed_worker_is_made_by_another_once_its_lease_runs_out() {
    let (url, store, key) = migrated_store().await;
    let rx = TestReceiver::start().await;
    let hook = webhook(&store, &key, "ledger", &rx.url, settings(Ordering::Sequential, 3, 0)).await;
    // The first request is never answered: the worker dies while it waits.
    rx.script([Reply::Hang]);
    let margin = Duration::from_millis(500);
    let a = start(&url, &key, options("worker-a", margin)).await;
    accept(&[&store], 0..2, &[&hook]).await;
    let sent = rx.next(Duration::from_secs(10)).await.expect("worker a sends the first");
    let sent_at = Instant::now();
    a.kill().await;

    let b = start(&url, &key, options("worker-b", margin)).await;
    let again = rx.take(2, Duration::from_secs(15)).await;
    assert_eq!(again[0].header("webhook-id"), sent.header("webhook-id"), "the same event, the same webhook-id");
    assert_eq!(again[1].event_id(), event(1).id, "then the next, in order");
    // The lease (the attempt's 1 s timeout plus the margin) kept it from b until then.
    assert!(sent_at.elapsed() >= Duration::from_secs(1), "taken over only once the lease had run out");
    rx.assert_silent(Duration::from_millis(500)).await;
    b.stop().await;

    let c = client(&url).await;
    let states: Vec<(String, i32)> = c
        .query("SELECT state, attempts_made FROM deliveries ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(states, [("succeeded".into(), 1), ("succeeded".into(), 1)], "the killed attempt left no record");
}

#[tokio::test]
async fn failures_counted_across_workers_pause_the_webhook_and_resuming_releases_the_rest_in_order() {
    let (url, store, key) = migrated_store().await;
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Status(500));
    // One attempt each, paused at the third failed delivery in a row.
    let hook = webhook(&store, &key, "ledger", &rx.url, settings(Ordering::Sequential, 1, 3)).await;
    let margin = Duration::from_secs(5);
    let (wa, wb) = (start(&url, &key, options("worker-a", margin)).await, start(&url, &key, options("worker-b", margin)).await);
    accept(&[&store], 0..5, &[&hook]).await;

    let failed = rx.take(3, Duration::from_secs(20)).await;
    assert_eq!(failed.iter().map(|r| r.event_id()).collect::<Vec<_>>(), [event(0).id, event(1).id, event(2).id]);
    rx.assert_silent(Duration::from_millis(1_500)).await;
    let paused = store.webhook(&hook.id).await.unwrap().unwrap();
    assert_eq!((paused.status, paused.consecutive_failures), (WebhookStatus::Paused, 3));
    let reason = paused.status_reason.unwrap_or_default();
    assert!(reason.starts_with("Paused after 3 consecutive failed deliveries (the last: "), "{reason}");

    rx.set_default(Reply::Status(200));
    assert!(store.resume(&hook.id, 0).await.unwrap());
    let rest = rx.take(2, Duration::from_secs(20)).await;
    assert_eq!(rest.iter().map(|r| r.event_id()).collect::<Vec<_>>(), [event(3).id, event(4).id], "held, then released in order");
    let resumed = store.webhook(&hook.id).await.unwrap().unwrap();
    assert_eq!((resumed.status, resumed.consecutive_failures), (WebhookStatus::Active, 0));
    wa.stop().await;
    wb.stop().await;
}

/// An event as the Events API or `hookdesk emit` takes it.
fn emitted(event_type: &str, data: &str, workflow: Option<&str>) -> hookdesk_engine::model::event::EventInput {
    let body =
        serde_json::json!({"type": event_type, "data": serde_json::from_str::<serde_json::Value>(data).unwrap(), "workflow": workflow});
    serde_json::from_str(&body.to_string()).unwrap()
}

#[tokio::test]
async fn a_desktop_export_imports_into_a_team_database_sealed_and_events_there_are_routed_as_on_the_desktop() {
    use hookdesk_engine::team_admin;
    let desktop = super::transfer::configured().await;
    let export = desktop.export_config(true).await.unwrap();
    let (url, store, key) = migrated_store().await;

    let report = team_admin::import_config(&store, &key, export.clone()).await.unwrap();
    assert_eq!(
        (report.created.clone(), report.updated.len(), report.event_types),
        (vec!["ordenes_de_compra".to_string(), "surveys".to_string()], 0, 1)
    );
    let orders = store.webhook("ordenes_de_compra").await.unwrap().expect("imported");
    let surveys = store.webhook("surveys").await.unwrap().expect("imported");
    assert_eq!((orders.status, surveys.status), (WebhookStatus::Active, WebhookStatus::Disabled));
    assert_eq!(orders.events, ["task.created", "task.updated", "invoice.paid"]);
    assert_eq!(orders.filters.workflow, ["purchase_orders"]);
    let opened = |account: String| {
        let (store, key) = (store.clone(), key.clone());
        async move { store.secret(&key, &account).await.unwrap().map(|v| v.to_string()) }
    };
    assert_eq!(opened(account::header(&orders.id, "Authorization")).await.as_deref(), Some("Bearer export-me-not"));
    assert_eq!(opened(account::signing_secret(&orders.id)).await, Some(desktop.signing_secret("ordenes_de_compra").await.unwrap()));
    let stored = client(&url).await.query("SELECT sealed FROM secrets", &[]).await.unwrap();
    assert!(stored.iter().all(|r| !r.get::<_, &str>(0).contains("export-me-not")), "header values are sealed");

    // A file without secrets updates in place and keeps the stored values.
    let mut plain = desktop.export_config(false).await.unwrap();
    plain.webhooks[0].url = "https://partner.example/v2".into();
    let again = team_admin::import_config(&store, &key, plain.clone()).await.unwrap();
    assert_eq!((again.created.len(), again.updated.len()), (0, 2));
    let updated = store.webhook("ordenes_de_compra").await.unwrap().unwrap();
    assert_eq!((updated.id.clone(), updated.url.as_str()), (orders.id.clone(), "https://partner.example/v2"));
    assert_eq!(opened(account::header(&orders.id, "Authorization")).await.as_deref(), Some("Bearer export-me-not"));
    assert_eq!(opened(account::signing_secret(&orders.id)).await, Some(desktop.signing_secret("ordenes_de_compra").await.unwrap()));

    // A file with a broken webhook is refused whole: nothing of it is written.
    plain.webhooks[0].url = "https://partner.example/v3".into();
    plain.webhooks[1].events = vec!["no.such_type".into()];
    let err = team_admin::import_config(&store, &key, plain).await.unwrap_err();
    assert!(err.to_string().contains("surveys"), "{err}");
    assert_eq!(store.webhook("ordenes_de_compra").await.unwrap().unwrap().url, "https://partner.example/v2");

    // Events go where the desktop would send them: by type and workflow, not to a disabled one.
    let routed = |t: &'static str, workflow: Option<&'static str>| {
        let store = store.clone();
        async move {
            let a = team_admin::accept_event(&store, emitted(t, r#"{"task": {"id": 1}}"#, workflow)).await.unwrap();
            a.deliveries.into_iter().map(|d| d.webhook_code).collect::<Vec<_>>()
        }
    };
    assert_eq!(routed("task.created", Some("purchase_orders")).await, ["ordenes_de_compra"]);
    assert!(routed("task.created", Some("payroll")).await.is_empty());
    assert!(routed("survey.created", None).await.is_empty(), "the disabled webhook gets nothing");
    let invalid = team_admin::accept_event(&store, emitted("not a type", "{}", None)).await.unwrap_err();
    assert_eq!(invalid.kind(), hookdesk_engine::ErrorKind::Invalid, "{invalid}");
}

#[tokio::test]
async fn housekeeping_removes_what_ended_before_the_retention_and_expired_previous_secrets_only() {
    let (url, store, key) = migrated_store().await;
    let c = client(&url).await;
    let w = webhook(&store, &key, "orders", "https://hooks.example.com/in", settings(Ordering::Sequential, 3, 0)).await;
    accept(&[&store], 0..4, &[&w]).await;
    let day = 86_400_000_i64;
    let now = hookdesk_engine::model::time::now_ms();
    // evt_00000: ended 31 days ago (gone, with its attempt); evt_00001: ended 29 days ago
    // (kept); evt_00002: pending since 40 days (kept: not ended); evt_00003: new.
    for (n, state, ended) in [(0, "succeeded", Some(now - 31 * day)), (1, "failed", Some(now - 29 * day)), (2, "pending", None)] {
        c.execute(
            "UPDATE deliveries SET state = $2, ended_at = $3 FROM events e WHERE e.seq = deliveries.event_seq AND e.id = $1",
            &[&format!("evt_{n:05}"), &state, &ended],
        )
        .await
        .unwrap();
        c.execute("UPDATE events SET accepted_at = $2 WHERE id = $1", &[&format!("evt_{n:05}"), &(now - 40 * day)]).await.unwrap();
    }
    c.execute(
        "INSERT INTO attempts (delivery_id, webhook_id, event_type, attempt, max_attempts, result, duration_ms, executed_at, request_url, request_headers)
         SELECT d.id, d.webhook_id, 'task.created', 1, 3, 'success', 5, $1, 'https://hooks.example.com/in', '{}' FROM deliveries d",
        &[&(now - 31 * day)],
    )
    .await
    .unwrap();
    // A previous secret whose 24 hours are over, and another webhook's still running.
    let rotated = webhook(&store, &key, "billing", "https://hooks.example.com/b", settings(Ordering::Parallel, 3, 0)).await;
    for (id, until) in [(&w.id, now - 1), (&rotated.id, now + day)] {
        store.set_secret(&key, &account::previous_signing_secret(id), "whsec_old", 0).await.unwrap();
        c.execute("UPDATE webhooks SET previous_secret_until = $2 WHERE id = $1", &[&id.as_str(), &until]).await.unwrap();
    }

    let done = hookdesk_engine::team::housekeeping(&store, now).await.unwrap();
    assert_eq!((done.deliveries, done.events, done.previous_secrets), (1, 1, 1));
    let events: Vec<String> = c.query("SELECT id FROM events ORDER BY id", &[]).await.unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(events, ["evt_00001", "evt_00002", "evt_00003"]);
    let attempts: i64 = c.query_one("SELECT COUNT(*) FROM attempts", &[]).await.unwrap().get(0);
    assert_eq!(attempts, 3, "the pruned delivery's attempt went with it");
    assert!(store.secret(&key, &account::previous_signing_secret(&w.id)).await.unwrap().is_none());
    assert!(store.secret(&key, &account::previous_signing_secret(&rotated.id)).await.unwrap().is_some());
    assert_eq!(store.webhook("orders").await.unwrap().unwrap().previous_secret_until, None);

    // A shorter retention set for the team applies at the next round.
    c.execute("INSERT INTO settings (key, value) VALUES ('log_retention_days', '7')", &[]).await.unwrap();
    let done = hookdesk_engine::team::housekeeping(&store, now).await.unwrap();
    assert_eq!((done.deliveries, done.events), (1, 1), "the delivery that ended 29 days ago, and its event");
}

/// Passes bytes from one side of a connection to the other, holding them while `frozen`.
async fn pipe(
    mut from: impl tokio::io::AsyncRead + Unpin,
    mut to: impl tokio::io::AsyncWrite + Unpin,
    mut frozen: tokio::sync::watch::Receiver<bool>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0; 16 * 1024];
    while let Ok(n) = from.read(&mut buf).await {
        if n == 0 || frozen.wait_for(|frozen| !*frozen).await.is_err() || to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

/// A TCP proxy to the test server that can stop passing bytes on, as a frozen or partitioned
/// database server does (the connections stay open; nothing answers).
async fn freezable_proxy(to: String) -> (String, tokio::sync::watch::Sender<bool>) {
    let (frozen, watch) = tokio::sync::watch::channel(false);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = tokio::net::TcpStream::connect(&to).await else { continue };
            let ((cr, cw), (sr, sw)) = (client.into_split(), server.into_split());
            tokio::spawn(pipe(cr, sw, watch.clone()));
            tokio::spawn(pipe(sr, cw, watch.clone()));
        }
    });
    (at, frozen)
}

#[tokio::test]
async fn a_team_database_that_stops_answering_gets_a_503_that_says_so_within_the_deadline() {
    use hookdesk_engine::api::{ApiListen, ApiServer, Backend, TeamApi, TeamApiOptions};
    let (url, _direct, key) = migrated_store().await;
    let (rest, db) = url.rsplit_once('/').unwrap();
    let server = rest.rsplit_once('@').unwrap().1.to_string();
    let (proxy, frozen) = freezable_proxy(server).await;
    let store = PgStore::connect(&format!("postgres://hookdesk@{proxy}/{db}")).await.unwrap();
    let options =
        TeamApiOptions { token_override: Some("hdk_deadline".into()), deadline: Duration::from_millis(800), ..TeamApiOptions::default() };
    let api = TeamApi::new(store, key, options);
    let server = ApiServer::start(Backend::Team(api), &ApiListen::loopback(0), CancellationToken::new()).await.unwrap();
    let http = reqwest::Client::new();
    let list = || http.get(format!("{}/v1/webhooks", server.url())).bearer_auth("hdk_deadline").timeout(Duration::from_secs(10)).send();
    assert_eq!(list().await.unwrap().status(), 200);

    frozen.send(true).unwrap();
    let asked = Instant::now();
    let answer = list().await.unwrap();
    let waited = asked.elapsed();
    assert_eq!(answer.status(), 503);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("did not answer within"), "{body}");
    assert!(waited < Duration::from_secs(5), "answered at the deadline, not at the client's timeout: {waited:?}");

    // Answering again, the database serves the next requests.
    frozen.send(false).unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while list().await.unwrap().status() != 200 {
        assert!(Instant::now() < deadline, "the API did not recover once the database answered again");
    }
    server.stop().await;
}
