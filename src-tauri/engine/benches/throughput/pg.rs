//! Team mode on PostgreSQL (`throughput --only pg`; needs HOOKDESK_TEST_DATABASE_URL, which
//! `scripts/test-env.sh --postgres` sets): how fast the team store accepts events next to a
//! raw batched insert of the same rows, and how fast one and two team workers deliver next to
//! the loopback baseline, each pair measured in the same round on the same server.
//!
//! The Events API does not run on PostgreSQL yet, so ingestion is measured at the store:
//! `PgStore::accept_event`, the call the API will make, 32 at a time.

use super::{CONCURRENCY, INGEST_CONCURRENCY, ROUNDS, Report, Sink, cpu_seconds, loopback_baseline, median, payload};
use hookdesk_engine::model::{DeliverySettings, Ordering, RetryPolicy};
use hookdesk_engine::sealed::SecretKey;
use hookdesk_engine::secrets::account;
use hookdesk_engine::store::events::EventRow;
use hookdesk_engine::store::pg::{NewDelivery, PgStore};
use hookdesk_engine::store::webhooks::WebhookRow;
use hookdesk_engine::team::{TeamWorker, WorkerOptions};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::time::Instant;
use tokio_util::sync::CancellationToken;

const PG_INGEST_EVENTS: usize = 10_000;
/// Events for 20 sequential webhooks: 20 deliveries in flight, as in the loopback baseline.
const PG_DELIVERY_EVENTS: usize = 500;

async fn client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("the benchmark's server answers");
    tokio::spawn(connection);
    client
}

/// A new, migrated database on the benchmark's server.
async fn database(server: &str) -> (String, PgStore) {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = format!("bench_{}_{}", std::process::id(), NEXT.fetch_add(1, AtomicOrdering::SeqCst));
    client(server).await.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
    let store = PgStore::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    (url, store)
}

async fn drop_database(server: &str, url: &str) {
    let name = url.rsplit_once('/').unwrap().1;
    client(server).await.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)")).await.unwrap();
}

fn event(n: usize, data: &str) -> EventRow {
    EventRow {
        seq: 0,
        id: format!("evt_{n:06}"),
        event_type: "task.created".into(),
        occurred_at: 1_700_000_000_000,
        data: data.to_string(),
        workflow: None,
        survey: None,
        group: None,
        fingerprint: format!("fp{n}"),
        accepted_at: 1_700_000_000_000,
        summary: format!("Task {n}"),
    }
}

/// A sequential webhook for `task.created` with a sealed signing secret and header value,
/// as the bench's SQLite webhooks have.
async fn webhook(store: &PgStore, key: &SecretKey, i: usize, url: &str) -> WebhookRow {
    let delivery = DeliverySettings {
        timeout_ms: 10_000,
        attempts: 3,
        retry: RetryPolicy::Fixed { delay_ms: 100 },
        ordering: Ordering::Sequential,
        concurrency: 1,
        pause_after_failures: 0,
    };
    let w = WebhookRow {
        name: format!("Bench {i}"),
        header_names: vec!["Authorization".into()],
        ..WebhookRow::new(&format!("bench_{i}"), url, &["task.created"], delivery, 0)
    };
    store.insert_webhook(&w).await.unwrap();
    store.set_secret(key, &account::signing_secret(&w.id), "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", 0).await.unwrap();
    store.set_secret(key, &account::header(&w.id, "Authorization"), "Bearer bench", 0).await.unwrap();
    w
}

/// Accepts events `0..n` for `to` through `store`, `concurrency` calls at a time.
async fn accept_all(store: &PgStore, to: &[WebhookRow], n: usize, concurrency: usize) {
    let data: Arc<Vec<String>> = Arc::new((0..n).map(|i| payload(i).to_string()).collect());
    let to: Arc<Vec<(String, u32)>> = Arc::new(to.iter().map(|w| (w.id.to_string(), w.delivery.attempts)).collect());
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (store, data, to, next) = (store.clone(), data.clone(), to.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let deliveries: Vec<NewDelivery> =
                to.iter().map(|(id, attempts)| NewDelivery { webhook_id: id, max_attempts: *attempts }).collect();
            loop {
                let i = next.fetch_add(1, AtomicOrdering::SeqCst) as usize;
                if i >= data.len() {
                    break;
                }
                let accepted = store.accept_event(&event(i, &data[i]), &deliveries, hookdesk_engine::model::time::now_ms()).await.unwrap();
                assert_eq!(accepted.deliveries.len(), deliveries.len());
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

/// Events per second through `PgStore::accept_event`, each with one delivery.
async fn ingest_round(server: &str) -> f64 {
    let (url, store) = database(server).await;
    let key = SecretKey::generate();
    let hook = webhook(&store, &key, 0, "http://127.0.0.1:9/never").await;
    let cpu = cpu_seconds();
    let started = Instant::now();
    accept_all(&store, &[hook], PG_INGEST_EVENTS, INGEST_CONCURRENCY).await;
    let wall = started.elapsed().as_secs_f64();
    eprintln!(
        "  (pg ingest: {:.0}/s at {:.0}% CPU, server included)",
        PG_INGEST_EVENTS as f64 / wall,
        (cpu_seconds() - cpu) / wall * 100.0
    );
    drop(store);
    drop_database(server, &url).await;
    PG_INGEST_EVENTS as f64 / wall
}

/// The same rows (event + one delivery, same schema and indexes) written by one connection
/// as fast as the same durability allows at the same concurrency: INGEST_CONCURRENCY events
/// per transaction, each batch two statements (events, then their deliveries).
async fn raw_insert_round(server: &str) -> f64 {
    let (url, store) = database(server).await;
    let key = SecretKey::generate();
    let hook = webhook(&store, &key, 0, "http://127.0.0.1:9/never").await;
    drop(store);
    let mut db = client(&url).await;
    let data: Vec<String> = (0..PG_INGEST_EVENTS).map(|i| payload(i).to_string()).collect();
    let events = db
        .prepare(
            "INSERT INTO events (id, type, occurred_at, data, fingerprint, accepted_at, summary)
             SELECT id, 'task.created', 1700000000000, data, fp, 1700000000000, summary
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, data, fp, summary) RETURNING seq",
        )
        .await
        .unwrap();
    let deliveries = db
        .prepare(
            "INSERT INTO deliveries (event_seq, webhook_id, kind, state, max_attempts, next_attempt_at, created_at)
             SELECT seq, $2, 'event', 'pending', 3, 0, 0 FROM unnest($1::bigint[]) AS t(seq)",
        )
        .await
        .unwrap();
    let hook_id = hook.id.to_string();
    let started = Instant::now();
    for chunk in (0..PG_INGEST_EVENTS).collect::<Vec<_>>().chunks(INGEST_CONCURRENCY) {
        let ids: Vec<String> = chunk.iter().map(|i| format!("evt_{i:06}")).collect();
        let bodies: Vec<&str> = chunk.iter().map(|&i| data[i].as_str()).collect();
        let fps: Vec<String> = chunk.iter().map(|i| format!("fp{i}")).collect();
        let summaries: Vec<String> = chunk.iter().map(|i| format!("Task {i}")).collect();
        let tx = db.transaction().await.unwrap();
        let seqs: Vec<i64> = tx.query(&events, &[&ids, &bodies, &fps, &summaries]).await.unwrap().iter().map(|r| r.get(0)).collect();
        tx.execute(&deliveries, &[&seqs, &hook_id]).await.unwrap();
        tx.commit().await.unwrap();
    }
    let per_s = PG_INGEST_EVENTS as f64 / started.elapsed().as_secs_f64();
    drop(db);
    drop_database(server, &url).await;
    per_s
}

/// Deliveries per second by `workers` team workers (one process, a pool each, as separate
/// processes would have) of events already accepted for 20 sequential webhooks, counted when
/// the receiver has them all; and the write transactions per delivery.
async fn delivery_round(server: &str, workers: usize) -> (f64, f64) {
    let (url, store) = database(server).await;
    let key = Arc::new(SecretKey::generate());
    let sink = Sink::start(false).await;
    let mut hooks = Vec::new();
    for i in 0..CONCURRENCY {
        hooks.push(webhook(&store, &key, i, &sink.url).await);
    }
    accept_all(&store, &hooks, PG_DELIVERY_EVENTS, INGEST_CONCURRENCY).await;
    let total = (PG_DELIVERY_EVENTS * CONCURRENCY) as u64;
    let stats = client(&url).await;
    // Each write transaction takes a transaction id (read-only ones take none): the ids used
    // between two readings, less the reading's own, are the writes of the workers.
    let xid = || async { stats.query_one("SELECT pg_current_xact_id()::text::bigint", &[]).await.unwrap().get::<_, i64>(0) };
    let before = xid().await;
    let stop = CancellationToken::new();
    let cpu = cpu_seconds();
    let started = Instant::now();
    let mut running = Vec::new();
    for w in 0..workers {
        let options = WorkerOptions { allow_private: true, ..WorkerOptions::new(format!("bench-{w}")) };
        let worker = TeamWorker::new(PgStore::connect(&url).await.unwrap(), key.clone(), options);
        running.push(tokio::spawn(worker.run(stop.clone())));
    }
    sink.wait_for(total).await;
    let wall = started.elapsed().as_secs_f64();
    eprintln!(
        "  (pg delivery, {workers} worker{}: {:.0}/s at {:.0}% CPU, server included)",
        if workers == 1 { "" } else { "s" },
        total as f64 / wall,
        (cpu_seconds() - cpu) / wall * 100.0
    );
    // Every attempt is recorded before its delivery counts as done: wait for the queue to empty.
    let pending =
        || async { stats.query_one("SELECT COUNT(*) FROM deliveries WHERE state = 'pending'", &[]).await.unwrap().get::<_, i64>(0) };
    while pending().await > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    stop.cancel();
    for r in running {
        r.await.unwrap();
    }
    let after = xid().await;
    let per_delivery = (after - before - 1) as f64 / total as f64;
    drop((stats, store));
    drop_database(server, &url).await;
    (total as f64 / wall, per_delivery)
}

pub(super) async fn pg(report: &mut Report, body: &str) {
    let Ok(server) = std::env::var("HOOKDESK_TEST_DATABASE_URL") else {
        eprintln!("  (pg: skipped, HOOKDESK_TEST_DATABASE_URL is not set; scripts/test-env.sh --postgres sets it)");
        return;
    };
    let durability = {
        let c = client(&server).await;
        let setting = |name: &'static str| {
            let c = &c;
            async move { c.query_one(&format!("SHOW {name}"), &[]).await.unwrap().get::<_, String>(0) }
        };
        format!("fsync={}, synchronous_commit={}", setting("fsync").await, setting("synchronous_commit").await)
    };
    let (mut ingests, mut raws, mut ingest_ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let ingest = ingest_round(&server).await;
        let raw = raw_insert_round(&server).await;
        ingests.push(ingest);
        raws.push(raw);
        ingest_ratios.push(ingest / raw);
    }
    report.add(
        "pg_ingest_per_s",
        median(ingests),
        "/s",
        format!(
            "{PG_INGEST_EVENTS} events through PgStore::accept_event, {INGEST_CONCURRENCY} at a time, {durability} (median of {ROUNDS})"
        ),
    );
    report.add(
        "pg_raw_insert_per_s",
        median(raws),
        "/s",
        format!("the same rows, {INGEST_CONCURRENCY} events per transaction from one connection (median of {ROUNDS})"),
    );
    report.add("pg_ingest_ratio", median(ingest_ratios), "", "pg ingest / raw batched insert, each round's own (target ≥ 0.50)");

    for workers in [1, 2] {
        let (mut rates, mut ratios, mut commits) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let baseline = loopback_baseline(body).await;
            let (rate, per_delivery) = delivery_round(&server, workers).await;
            rates.push(rate);
            ratios.push(rate / baseline);
            commits.push(per_delivery);
        }
        let (rate, ratio, tx) = if workers == 1 {
            ("pg_delivery_per_s", "pg_delivery_ratio", "pg_writes_per_delivery")
        } else {
            ("pg_delivery_2w_per_s", "pg_delivery_2w_ratio", "pg_writes_per_delivery_2w")
        };
        report.add(
            rate,
            median(rates),
            "/s",
            format!(
                "{workers} team worker(s): {} events to 20 sequential webhooks, {} deliveries, all recorded (median of {ROUNDS})",
                PG_DELIVERY_EVENTS,
                PG_DELIVERY_EVENTS * CONCURRENCY
            ),
        );
        report.add(ratio, median(ratios), "", "pg delivery / loopback baseline, each round's own (target ≥ 0.25)");
        report.add(tx, median(commits), "", "write transactions per delivery (its claim's share, lease renewal, record)");
    }
}
