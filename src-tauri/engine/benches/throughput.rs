//! `make bench`: what Hookdesk delivers, how fast it accepts, and how fast its logs read,
//! each throughput next to a baseline measured in the same run on the same machine with the
//! same payload. Prints a table, then one `name=value` line per figure.
//!
//! Usage: `throughput [--dataset DIR]` — with `--dataset`, the million-attempt data directory
//! for the logs figures is kept there (the footprint benchmark opens the app on it).
//! Needs a Secret Service, and for the team-mode figures a PostgreSQL server (run it through
//! `scripts/test-env.sh --postgres`, as `make bench` does).

use axum::body::Bytes;
use hookdesk_engine::model::event::EventInput;
use hookdesk_engine::model::log_filter::{LogFilter, LogScope};
use hookdesk_engine::model::{DeliverySettings, Ordering, RetryPolicy, WebhookInput};
use hookdesk_engine::stats::StatsWindow;
use hookdesk_engine::{Engine, EngineOptions};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

#[path = "throughput/pg.rs"]
mod pg;

// The same allocator as the hookdesk binary, so the figures are the app's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CONCURRENCY: usize = 20;
const ROUNDS: usize = 3;
const DELIVERY_EVENTS: usize = 60_000;
const SEQUENTIAL_EVENTS: usize = 5_000;
const INGEST_EVENTS: usize = 20_000;
const INGEST_CONCURRENCY: usize = 32;
const LOG_ATTEMPTS: usize = 1_000_000;
const RECOVER_EVENTS: usize = 10_000;

struct Figure {
    name: &'static str,
    value: f64,
    unit: &'static str,
    note: String,
}

#[derive(Default)]
struct Report(Vec<Figure>);

impl Report {
    fn add(&mut self, name: &'static str, value: f64, unit: &'static str, note: impl Into<String>) {
        let note = note.into();
        eprintln!("  {name:24} {value:>12.2} {unit:6} {note}");
        self.0.push(Figure { name, value, unit, note });
    }
}

/// A minimal receiver: answers 200 at once, counts, and wakes the benchmark at a target.
struct Sink {
    url: String,
    count: Arc<AtomicU64>,
    target: Arc<AtomicU64>,
    done: Arc<Notify>,
    order: Arc<std::sync::Mutex<Vec<u64>>>,
}

impl Sink {
    async fn start(record_order: bool) -> Sink {
        let count = Arc::new(AtomicU64::new(0));
        let target = Arc::new(AtomicU64::new(u64::MAX));
        let done = Arc::new(Notify::new());
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (c, t, d, o) = (count.clone(), target.clone(), done.clone(), order.clone());
        let app = axum::Router::new().fallback(move |body: Bytes| {
            let (c, t, d, o) = (c.clone(), t.clone(), d.clone(), o.clone());
            async move {
                if record_order && let Some(n) = sequence_number(&body) {
                    o.lock().unwrap().push(n);
                }
                if c.fetch_add(1, AtomicOrdering::SeqCst) + 1 == t.load(AtomicOrdering::SeqCst) {
                    d.notify_one();
                }
                "ok"
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Sink { url, count, target, done, order }
    }

    /// Waits until `n` requests have arrived in all.
    async fn wait_for(&self, n: u64) {
        self.target.store(n, AtomicOrdering::SeqCst);
        while self.count.load(AtomicOrdering::SeqCst) < n {
            let _ = tokio::time::timeout(Duration::from_millis(200), self.done.notified()).await;
        }
    }
}

/// The `"n"` the benchmark put in each event's data.
fn sequence_number(body: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(body).ok()?;
    let at = text.find("\"seq\":")? + 6;
    text[at..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// A realistic event: the catalog's task sample, with a sequence number.
fn payload(n: usize) -> serde_json::Value {
    static SAMPLE: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    let mut data = SAMPLE
        .get_or_init(|| hookdesk_engine::catalog::builtin_types().into_iter().find(|t| t.name == "task.created").unwrap().sample)
        .clone();
    data["seq"] = serde_json::json!(n);
    data
}

fn webhook(name: &str, url: &str, workflow: Option<String>, ordering: Ordering) -> WebhookInput {
    let mut filters = hookdesk_engine::model::Filters::default();
    filters.workflow.extend(workflow);
    WebhookInput {
        code: None,
        name: name.into(),
        url: url.into(),
        description: String::new(),
        events: vec!["task.created".into()],
        filters,
        active: true,
        headers: vec![hookdesk_engine::model::HeaderInput { name: "Authorization".into(), value: Some("Bearer bench".into()) }],
        secret: None,
        delivery: DeliverySettings {
            timeout_ms: 10_000,
            attempts: 3,
            retry: RetryPolicy::Fixed { delay_ms: 100 },
            ordering,
            concurrency: if ordering == Ordering::Parallel { 8 } else { 1 },
            pause_after_failures: 0,
        },
    }
}

async fn engine(dir: &std::path::Path) -> Engine {
    let d = dir.to_path_buf();
    tokio::task::spawn_blocking(move || Engine::open(EngineOptions::new(d, "hookdesk bench")).expect("engine opens")).await.unwrap()
}

/// CPU seconds this process has used (user + system), to tell CPU-bound from waiting.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Raw POSTs from one keep-alive client to a minimal receiver, CONCURRENCY at a time.
async fn loopback_baseline(body: &str) -> f64 {
    let sink = Sink::start(false).await;
    let client = hookdesk_engine::net::local_client();
    let n = DELIVERY_EVENTS;
    let next = Arc::new(AtomicU64::new(0));
    let cpu = cpu_seconds();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, next, url, body) = (client.clone(), next.clone(), sink.url.clone(), body.to_string());
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, AtomicOrdering::SeqCst) < n as u64 {
                let r = client.post(&url).header("content-type", "application/json").body(body.clone()).send().await.unwrap();
                r.bytes().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let wall = started.elapsed().as_secs_f64();
    eprintln!("  (loopback: {:.0}% CPU)", (cpu_seconds() - cpu) / wall * 100.0);
    n as f64 / wall
}

/// Posts `events` to the Events API, `concurrency` at a time; returns each request's latency.
async fn post_events(base: &str, token: &str, events: Vec<serde_json::Value>, concurrency: usize) -> Vec<f64> {
    let client = hookdesk_engine::net::local_client();
    let queue = Arc::new(std::sync::Mutex::new(events.into_iter().map(|e| e.to_string()).collect::<Vec<_>>()));
    let latencies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, queue, latencies, url, token) =
            (client.clone(), queue.clone(), latencies.clone(), format!("{base}/v1/events"), token.to_string());
        tasks.push(tokio::spawn(async move {
            loop {
                let Some(body) = queue.lock().unwrap().pop() else { break };
                let t = Instant::now();
                let r = client.post(&url).bearer_auth(&token).header("content-type", "application/json").body(body).send().await.unwrap();
                assert_eq!(r.status().as_u16(), 202, "{}", r.text().await.unwrap_or_default());
                r.bytes().await.unwrap();
                latencies.lock().unwrap().push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    Arc::try_unwrap(latencies).unwrap().into_inner().unwrap()
}

/// Events in through the Events API, each delivered to all 20 webhooks (one delivery in
/// flight per webhook: 20 at a time, as in the baseline), every attempt recorded. Returns
/// deliveries per second, counted when the receiver has them all.
async fn delivery() -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    engine.start().await.unwrap();
    let addr = engine.start_api(0).await.unwrap();
    let token = engine.api_token().await.unwrap();
    let sink = Sink::start(false).await;
    for i in 0..CONCURRENCY {
        engine.create_webhook(webhook(&format!("Bench {i}"), &sink.url, None, Ordering::Sequential)).await.unwrap();
    }
    let events: Vec<_> =
        (0..DELIVERY_EVENTS / CONCURRENCY).map(|n| serde_json::json!({"type": "task.created", "data": payload(n)})).collect();
    let cpu = cpu_seconds();
    let started = Instant::now();
    post_events(&format!("http://{addr}"), &token, events, CONCURRENCY).await;
    sink.wait_for(DELIVERY_EVENTS as u64).await;
    let wall = started.elapsed().as_secs_f64();
    eprintln!("  (delivery: {:.0}/s at {:.0}% CPU)", DELIVERY_EVENTS as f64 / wall, (cpu_seconds() - cpu) / wall * 100.0);
    // Every attempt is recorded, as in production: the logs must hold them all.
    while engine.count_logs(LogScope::All, LogFilter::default()).await.unwrap() < DELIVERY_EVENTS as u64 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    engine.shutdown().await;
    DELIVERY_EVENTS as f64 / wall
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

/// `task.created` with the benchmark payload `n` (its number tells the receiver the order).
fn numbered_event(n: usize) -> EventInput {
    EventInput {
        id: None,
        event_type: "task.created".into(),
        occurred_at: None,
        data: hookdesk_engine::model::event::raw_data(&payload(n)),
        workflow: None,
        survey: None,
        group: None,
    }
}

/// One sequential webhook drains its queue, strictly in order.
async fn sequential(report: &mut Report) {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let sink = Sink::start(true).await;
    engine.create_webhook(webhook("Sequential", &sink.url, None, Ordering::Sequential)).await.unwrap();
    // Queue everything before the workers start, then time the drain alone.
    for n in 0..SEQUENTIAL_EVENTS {
        engine.accept_event(numbered_event(n)).await.unwrap();
    }
    let started = Instant::now();
    engine.start().await.unwrap();
    sink.wait_for(SEQUENTIAL_EVENTS as u64).await;
    let per_s = SEQUENTIAL_EVENTS as f64 / started.elapsed().as_secs_f64();
    let order = sink.order.lock().unwrap().clone();
    assert!(
        order.len() == SEQUENTIAL_EVENTS && order.windows(2).all(|w| w[0] < w[1]),
        "the sequential webhook received its events out of order"
    );
    report.add(
        "sequential_per_s",
        per_s,
        "/s",
        format!("{SEQUENTIAL_EVENTS} queued events drained in order by one webhook (target ≥ 1000)"),
    );
    engine.shutdown().await;
}

/// An endpoint down for a while: RECOVER_EVENTS deliveries to one sequential webhook fail
/// (connection refused, one attempt each); the endpoint comes back; one recover queues them
/// all again. Reports how long the recover call takes and the rate until the receiver has
/// them all, strictly in their original order.
async fn recover(report: &mut Report) {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    engine.start().await.unwrap();
    let mut form = webhook("Recover", "http://127.0.0.1:9/down", None, Ordering::Sequential);
    form.delivery.attempts = 1;
    let w = engine.create_webhook(form).await.unwrap();
    let since = hookdesk_engine::model::time::format_ms(hookdesk_engine::model::time::now_ms() - 60_000);
    for n in 0..RECOVER_EVENTS {
        engine.accept_event(numbered_event(n)).await.unwrap();
    }
    let failed = LogFilter { result: Some(hookdesk_engine::model::log_filter::ResultFilter::DeliveryFailed), ..LogFilter::default() };
    while engine.count_logs(LogScope::Webhook(w.id.clone()), failed.clone()).await.unwrap() < RECOVER_EVENTS as u64 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sink = Sink::start(true).await;
    engine.patch_webhook(&w.id, serde_json::json!({"url": sink.url})).await.unwrap();
    let window = hookdesk_engine::recover::RecoverWindow { since, until: None };
    let started = Instant::now();
    let recovered = engine.recover(&w.id, &window).await.unwrap();
    let call_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(recovered.deliveries, RECOVER_EVENTS as u64, "every failed delivery is recovered");
    sink.wait_for(RECOVER_EVENTS as u64).await;
    let per_s = RECOVER_EVENTS as f64 / started.elapsed().as_secs_f64();
    let order = sink.order.lock().unwrap().clone();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "the recovered events arrived out of order");
    report.add("recover_call_ms", call_ms, "ms", format!("one recover finding and queueing {RECOVER_EVENTS} failed deliveries"));
    report.add(
        "recover_per_s",
        per_s,
        "/s",
        format!("{RECOVER_EVENTS} recovered deliveries from the call until the receiver has them all, in order"),
    );
    engine.shutdown().await;
}

/// `POST /v1/events` at full durability (each 202 after its commit reached the disk) against
/// raw SQLite inserts of the same rows with the same durability, batched as well as that
/// durability allows at the same concurrency (one transaction per INGEST_CONCURRENCY events).
/// Each round measures both, one right after the other; the medians are reported.
async fn ingest(report: &mut Report) {
    let (mut rates, mut baselines, mut ratios, mut latencies) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let (per_s, mut round) = ingest_round().await;
        let baseline = sqlite_baseline(INGEST_EVENTS, INGEST_CONCURRENCY);
        rates.push(per_s);
        baselines.push(baseline);
        ratios.push(per_s / baseline);
        latencies.append(&mut round);
    }
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
    report.add(
        "ingest_per_s",
        median(rates),
        "/s",
        format!("{INGEST_EVENTS} events, {INGEST_CONCURRENCY} clients, synchronous=FULL (median of {ROUNDS})"),
    );
    report.add("ingest_p50_ms", percentile(&latencies, 0.5), "ms", "");
    report.add("ingest_p99_ms", percentile(&latencies, 0.99), "ms", "");
    report.add(
        "sqlite_baseline_per_s",
        median(baselines),
        "/s",
        format!("raw inserts of event + delivery, {INGEST_CONCURRENCY} per transaction, synchronous=FULL (median of {ROUNDS})"),
    );
    report.add("ingest_ratio", median(ratios), "", "ingest / SQLite baseline, each round's own (target ≥ 0.50)");
}

/// One round of ingestion: events per second and each request's latency.
async fn ingest_round() -> (f64, Vec<f64>) {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    // Not started: the deliveries are written but not sent, so only ingestion is measured.
    let addr = engine.start_api(0).await.unwrap();
    let token = engine.api_token().await.unwrap();
    engine.create_webhook(webhook("Ingest", "http://127.0.0.1:9/never", None, Ordering::Sequential)).await.unwrap();
    let events: Vec<_> = (0..INGEST_EVENTS).map(|n| serde_json::json!({"type": "task.created", "data": payload(n)})).collect();
    let cpu = cpu_seconds();
    let started = Instant::now();
    let latencies = post_events(&format!("http://{addr}"), &token, events, INGEST_CONCURRENCY).await;
    let wall = started.elapsed().as_secs_f64();
    let per_s = INGEST_EVENTS as f64 / wall;
    eprintln!("  (ingest: {per_s:.0}/s at {:.0}% CPU)", (cpu_seconds() - cpu) / wall * 100.0);
    engine.shutdown().await;
    (per_s, latencies)
}

fn sqlite_baseline(n: usize, batch: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rusqlite::Connection::open(dir.path().join("baseline.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    hookdesk_engine::store::migrations::apply(&mut conn, None).unwrap();
    let data: Vec<String> = (0..n).map(|i| payload(i).to_string()).collect();
    let started = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(batch) {
        let tx = conn.transaction().unwrap();
        {
            let mut ev = tx
                .prepare_cached(
                    "INSERT INTO events (id, type, occurred_at, data, fingerprint, accepted_at) VALUES (?1, 'task.created', 0, ?2, '', 0)",
                )
                .unwrap();
            let mut dl = tx
                .prepare_cached(
                    "INSERT INTO deliveries (event_seq, webhook_id, kind, state, max_attempts, next_attempt_at, created_at) VALUES (?1, NULL, 'event', 'pending', 3, 0, 0)",
                )
                .unwrap();
            for &i in chunk {
                ev.execute(rusqlite::params![format!("evt_{i}"), data[i]]).unwrap();
                dl.execute(rusqlite::params![tx.last_insert_rowid()]).unwrap();
            }
        }
        tx.commit().unwrap();
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// A million attempts in one webhook's logs; then the newest page, plain and filtered.
async fn logs(report: &mut Report, dataset: Option<std::path::PathBuf>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = dataset.unwrap_or_else(|| tmp.path().to_path_buf());
    let engine = engine(&dir).await;
    let existing = engine.count_logs(LogScope::All, LogFilter::default()).await.unwrap();
    let id = if existing >= LOG_ATTEMPTS as u64 {
        engine.get_webhook("logs").await.unwrap().id
    } else {
        let mut form = webhook("Logs", "https://hooks.example.com/logs", None, Ordering::Sequential);
        form.events = vec!["task.created".into(), "task.updated".into(), "user.created".into(), "survey.created".into()];
        let w = engine.create_webhook(form).await.unwrap();
        let started = Instant::now();
        fill_logs(&engine, &w.id).await;
        // Written straight into the table, the attempts are rolled up as the migration does.
        engine.db().write(hookdesk_engine::store::stats::rebuild).await.unwrap();
        eprintln!("  (wrote {LOG_ATTEMPTS} attempts in {:.1} s)", started.elapsed().as_secs_f64());
        w.id
    };
    let time = |filter: LogFilter| {
        let engine = engine.clone();
        let id = id.clone();
        async move {
            let mut runs = Vec::new();
            for _ in 0..30 {
                let t = Instant::now();
                let page = engine.logs(LogScope::Webhook(id.clone()), filter.clone(), 50, 0).await.unwrap();
                runs.push(t.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(page.len(), 50);
            }
            runs.sort_by(|a, b| a.partial_cmp(b).unwrap());
            percentile(&runs, 0.5)
        }
    };
    let first = time(LogFilter::default()).await;
    let filtered = time(LogFilter { event_type: Some("user.created".into()), ..Default::default() }).await;
    report.add("logs_first_page_ms", first, "ms", format!("newest 50 of {LOG_ATTEMPTS} attempts, median of 30 (target ≤ 10)"));
    report.add("logs_filtered_page_ms", filtered, "ms", "newest 50 user.created attempts, median of 30 (target ≤ 50)");

    // Health over the same million attempts: one a second, so 86,400 in the last day and
    // 604,800 in the last week.
    for (window, name) in [(StatsWindow::Day, "stats_24h_ms"), (StatsWindow::Week, "stats_7d_ms")] {
        let mut runs = Vec::new();
        let mut attempts = 0;
        for _ in 0..30 {
            let t = Instant::now();
            let stats = engine.webhook_stats(&id, window).await.unwrap();
            runs.push(t.elapsed().as_secs_f64() * 1000.0);
            attempts = stats.attempts;
        }
        assert!(attempts > 80_000, "the window holds the dataset's attempts ({attempts})");
        runs.sort_by(|a, b| a.partial_cmp(b).unwrap());
        report.add(
            name,
            percentile(&runs, 0.5),
            "ms",
            format!("a webhook's health over {attempts} of {LOG_ATTEMPTS} attempts, median of 30 (target ≤ 20)"),
        );
    }
    export(report, &engine, &id).await;
    drop(engine);
}

/// Peak and current resident memory (kB) of this process, from /proc (Linux).
fn memory_kb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| status.lines().find(|l| l.starts_with(name))?.split_whitespace().nth(1)?.parse().ok();
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

/// The million attempts exported as NDJSON to a file, against a baseline: one SQL scan of
/// the same rows writing their stored columns to a file, which is what any export reads and
/// writes at the least. The peak memory is the rise of the process's peak RSS (reset first).
async fn export(report: &mut Report, engine: &Engine, id: &hookdesk_engine::model::WebhookId) {
    use hookdesk_engine::export::ExportFormat;
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let base_path = tmp.path().join("baseline.bin");
    let path = base_path.clone();
    let started = Instant::now();
    let rows = engine
        .db()
        .read(move |conn| {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
            let mut stmt = conn.prepare(
                "SELECT a.id, a.request_url, a.request_headers, a.response_headers, a.response_body, e.id, e.data
                 FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN events e ON e.seq = d.event_seq ORDER BY a.id DESC",
            )?;
            let mut rows = stmt.query([])?;
            let mut n = 0u64;
            while let Some(r) = rows.next()? {
                for i in [1, 2, 3, 5, 6] {
                    out.write_all(r.get_ref(i)?.as_bytes().unwrap_or_default()).unwrap();
                }
                out.write_all(r.get_ref(4)?.as_blob().unwrap_or_default()).unwrap();
                out.write_all(b"\n").unwrap();
                n += 1;
            }
            out.flush().unwrap();
            Ok(n)
        })
        .await
        .unwrap();
    let baseline = rows as f64 / started.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&base_path);

    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = memory_kb();
    let path = tmp.path().join("logs.ndjson");
    let started = Instant::now();
    let n = engine.export_logs_to_file(LogScope::Webhook(id.clone()), LogFilter::default(), ExportFormat::Ndjson, &path).await.unwrap();
    let per_s = n as f64 / started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    assert_eq!(n, rows, "every attempt exported");
    report.add("export_baseline_per_s", baseline, "/s", format!("one SQL scan of the {rows} attempts writing their columns to a file"));
    report.add("export_ndjson_per_s", per_s, "/s", format!("{n} attempts in full to a {} MB NDJSON file", size / 1_000_000));
    report.add("export_ratio", per_s / baseline, "", "export / scan baseline (target ≥ 0.25)");
    if let (Some((_, rss)), Some((peak, _))) = (before, memory_kb()) {
        report.add("export_peak_mb", peak.saturating_sub(rss) as f64 / 1024.0, "MB", "rise of the peak RSS over the export (target ≤ 64)");
    }
}

/// Writes LOG_ATTEMPTS attempts (four per delivery, a delivery per event) straight into the
/// tables, in large transactions.
async fn fill_logs(engine: &Engine, webhook_id: &str) {
    let types = ["task.created", "task.updated", "user.created", "survey.created"];
    let per_batch = 50_000;
    for batch in 0..(LOG_ATTEMPTS / per_batch) {
        let id = webhook_id.to_string();
        engine
            .db()
            .write(move |conn| {
                let data = payload(0).to_string();
                let headers = r#"{"content-type":"application/json","user-agent":"Hookdesk/0.1.0","webhook-id":"evt","webhook-signature":"v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=","webhook-timestamp":"1700000000","Authorization":"••••••"}"#;
                let mut ev = conn.prepare_cached("INSERT INTO events (id, type, occurred_at, data, fingerprint, accepted_at) VALUES (?1, ?2, ?3, ?4, '', ?3)")?;
                let mut dl = conn.prepare_cached(
                    "INSERT INTO deliveries (event_seq, webhook_id, kind, state, attempts_made, max_attempts, next_attempt_at, created_at, ended_at)
                     VALUES (?1, ?2, 'event', 'succeeded', 4, 4, ?3, ?3, ?3)",
                )?;
                let mut at = conn.prepare_cached(
                    "INSERT INTO attempts (delivery_id, webhook_id, event_type, attempt, max_attempts, result, status_code, error_kind, error, duration_ms,
                                           executed_at, test, request_url, request_headers, response_headers, response_body, response_truncated)
                     VALUES (?1, ?2, ?3, ?4, 4, ?5, ?6, ?7, ?8, ?11, ?9, 0, 'https://hooks.example.com/logs', ?10, '{\"content-type\":\"text/plain\"}', X'6f6b', 0)",
                )?;
                let now = hookdesk_engine::model::time::now_ms();
                for i in 0..per_batch / 4 {
                    let n = batch * per_batch / 4 + i;
                    let t = types[n % types.len()];
                    let when = now - (LOG_ATTEMPTS as i64 - n as i64 * 4) * 1000;
                    ev.execute(rusqlite::params![format!("evt_bench_{n}"), t, when, data])?;
                    dl.execute(rusqlite::params![conn.last_insert_rowid(), id, when])?;
                    let delivery = conn.last_insert_rowid();
                    for a in 1..=4u32 {
                        let ok = a == 4;
                        at.execute(rusqlite::params![
                            delivery,
                            id,
                            t,
                            a,
                            if ok { "success" } else { "failed" },
                            if ok { 200 } else { 503 },
                            if ok { None } else { Some("http") },
                            if ok { None } else { Some("HTTP 503") },
                            when + i64::from(a),
                            headers,
                            // Spread over the latency buckets, as real endpoints are.
                            5 + (n as i64 * 7919 + i64::from(a) * 104_729) % 900
                        ])?;
                    }
                }
                Ok(())
            })
            .await
            .unwrap();
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut dataset = None;
    let mut only: Option<String> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--dataset" => dataset = args.next().map(std::path::PathBuf::from),
            // One part alone, for profiling: delivery, sequential, ingest, recover, logs, pg.
            "--only" => only = args.next(),
            "--bench" => {}
            other => eprintln!("ignoring argument {other}"),
        }
    }
    let mut report = Report::default();
    eprintln!("Hookdesk throughput benchmarks ({} cores)", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let body = {
        let data = payload(0).to_string();
        format!(
            r#"{{"id":"evt_01JBENCH","type":"task.created","timestamp":"2026-11-24T06:00:00.000Z","test":false,"webhook":{{"id":"6b0530f9dc4c2eb95e19e6fe","code":"bench_0"}},"data":{data}}}"#
        )
    };
    let run = |part: &str| only.as_deref().is_none_or(|o| o == part);
    // Shared machines are noisy: each round measures the baseline and then the delivery
    // right after it, and the medians are reported.
    if run("delivery") {
        let (mut baselines, mut deliveries, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let baseline = loopback_baseline(&body).await;
            baselines.push(baseline);
            let d = delivery().await;
            deliveries.push(d);
            ratios.push(d / baseline);
        }
        report.add(
            "loopback_baseline_per_s",
            median(baselines),
            "/s",
            format!("raw POSTs of {} bytes, {CONCURRENCY} at a time, reqwest → axum (median of {ROUNDS})", body.len()),
        );
        report.add(
            "delivery_per_s",
            median(deliveries),
            "/s",
            format!(
                "{} events via the API, each to 20 webhooks: {DELIVERY_EVENTS} deliveries, all logged (median of {ROUNDS})",
                DELIVERY_EVENTS / CONCURRENCY
            ),
        );
        report.add("delivery_ratio", median(ratios), "", "delivery / loopback baseline, each round's own (target ≥ 0.30)");
    }
    if run("sequential") {
        sequential(&mut report).await;
    }
    if run("ingest") {
        ingest(&mut report).await;
    }
    if run("recover") {
        recover(&mut report).await;
    }
    if run("pg") {
        pg::pg(&mut report, &body).await;
    }
    if run("logs") {
        logs(&mut report, dataset).await;
    }
    println!("{:24} {:>12} {:6} what", "figure", "value", "unit");
    for f in &report.0 {
        println!("{:24} {:>12.2} {:6} {}", f.name, f.value, f.unit, f.note);
    }
    println!();
    for f in &report.0 {
        println!("{}={:.2}", f.name, f.value);
    }
}
