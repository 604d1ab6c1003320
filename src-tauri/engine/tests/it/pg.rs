//! The team-mode store on a real PostgreSQL server (a throwaway one started by
//! `scripts/test-env.sh --postgres`, as `make test` does): each test on a database of its own.

use hookdesk_engine::ErrorKind;
use hookdesk_engine::store::pg::{MIGRATIONS, PgStore};

/// A client of a database, to arrange rows the engine would have written.
pub(super) async fn client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("the test server answers");
    tokio::spawn(connection);
    client
}

/// A migrated fresh database: its URL and a client of it.
async fn migrated() -> (String, tokio_postgres::Client) {
    let url = fresh_database().await;
    PgStore::connect(&url).await.unwrap().migrate().await.unwrap();
    let c = client(&url).await;
    (url, c)
}

/// A webhook whose delivery settings are `{"ordering": ordering, "concurrency": 8}`.
async fn webhook(c: &tokio_postgres::Client, id: &str, ordering: &str, status: &str) {
    c.execute(
        "INSERT INTO webhooks (id, code, name, url, events, filters, header_names, delivery, status, created_at, updated_at)
         VALUES ($1, $1, $1, 'https://hooks.example.com/in', '[]', '{}', '[]', $2, $3, 0, 0)",
        &[&id, &format!(r#"{{"ordering":"{ordering}","concurrency":8}}"#), &status],
    )
    .await
    .unwrap();
}

/// `n` due deliveries of new events to `webhook` (None: direct), oldest first.
async fn deliveries(c: &tokio_postgres::Client, webhook: Option<&str>, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for _ in 0..n {
        let seq: i64 = c
            .query_one(
                "INSERT INTO events (id, type, occurred_at, data, fingerprint, accepted_at) VALUES ($1, 'task.created', 0, '{}', '', 0) RETURNING seq",
                &[&format!("evt_{}", ulid::Ulid::new())],
            )
            .await
            .unwrap()
            .get(0);
        let url = webhook.is_none().then_some("https://partner.example/in");
        let id: i64 = c
            .query_one(
                "INSERT INTO deliveries (event_seq, webhook_id, kind, url, state, max_attempts, next_attempt_at, created_at)
                 VALUES ($1, $2, 'event', $3, 'pending', 3, 0, 0) RETURNING id",
                &[&seq, &webhook, &url],
            )
            .await
            .unwrap()
            .get(0);
        ids.push(id);
    }
    ids
}

const LEASE: i64 = 30_000;

/// Two workers' stores on one database, as two `serve` processes would have.
async fn workers(url: &str) -> (PgStore, PgStore) {
    (PgStore::connect(url).await.unwrap(), PgStore::connect(url).await.unwrap())
}

#[tokio::test]
async fn two_workers_claiming_at_once_never_share_a_delivery_and_miss_none() {
    let (url, c) = migrated().await;
    webhook(&c, "orders", "parallel", "active").await;
    let all = deliveries(&c, Some("orders"), 200).await;
    let (a, b) = workers(&url).await;
    // Each worker claims, attempts (here: ends at once) and claims again, until nothing is left.
    let drain = |store: PgStore, worker: &'static str| async move {
        let mut got = Vec::new();
        loop {
            let batch = store.claim_due(worker, 1_000, 5, LEASE).await.unwrap();
            if batch.is_empty() {
                return got;
            }
            for id in &batch {
                assert!(store.finish(worker, *id, true, 1_000).await.unwrap());
            }
            got.extend(batch);
        }
    };
    let (got_a, got_b) = tokio::join!(drain(a, "worker-a"), drain(b, "worker-b"));
    let mut both: Vec<i64> = got_a.iter().chain(&got_b).copied().collect();
    both.sort_unstable();
    assert_eq!(both, all, "every delivery claimed exactly once");
}

#[tokio::test]
async fn a_sequential_webhook_is_leased_one_delivery_at_a_time_in_order() {
    let (url, c) = migrated().await;
    webhook(&c, "ledger", "sequential", "active").await;
    webhook(&c, "paused", "parallel", "paused").await;
    let ids = deliveries(&c, Some("ledger"), 3).await;
    deliveries(&c, Some("paused"), 2).await;
    let direct = deliveries(&c, None, 1).await;
    let (a, b) = workers(&url).await;
    // The sequential webhook's oldest, and the direct one; nothing of the paused webhook.
    assert_eq!(a.claim_due("worker-a", 1_000, 10, LEASE).await.unwrap(), [ids[0], direct[0]]);
    assert_eq!(b.claim_due("worker-b", 1_000, 10, LEASE).await.unwrap(), Vec::<i64>::new(), "the next waits for the first");
    assert!(a.finish("worker-a", ids[0], true, 1_100).await.unwrap());
    assert_eq!(b.claim_due("worker-b", 1_200, 10, LEASE).await.unwrap(), [ids[1]], "then the next, on any worker");
}

#[tokio::test]
async fn a_lease_that_runs_out_is_taken_by_another_worker_and_the_first_cannot_end_it() {
    let (url, c) = migrated().await;
    webhook(&c, "orders", "parallel", "active").await;
    let ids = deliveries(&c, Some("orders"), 1).await;
    let (a, b) = workers(&url).await;
    assert_eq!(a.claim_due("worker-a", 1_000, 10, 1_000).await.unwrap(), ids);
    assert!(b.claim_due("worker-b", 1_500, 10, LEASE).await.unwrap().is_empty(), "leased to a");
    // a died (or stalled) with it: once the lease has run out, b takes it.
    assert_eq!(b.claim_due("worker-b", 2_001, 10, LEASE).await.unwrap(), ids);
    assert!(!a.finish("worker-a", ids[0], true, 2_100).await.unwrap(), "a's lease is gone");
    assert!(b.finish("worker-b", ids[0], true, 2_200).await.unwrap());
    let state: String = c.query_one("SELECT state FROM deliveries WHERE id = $1", &[&ids[0]]).await.unwrap().get(0);
    assert_eq!(state, "succeeded");
}

/// A fresh, empty database on the test server; its URL.
pub(super) async fn fresh_database() -> String {
    let server = std::env::var("HOOKDESK_TEST_DATABASE_URL")
        .expect("these tests need a PostgreSQL server: run them through `make test` or scripts/test-env.sh --postgres");
    let client = client(&server).await;
    let name = format!("hookdesk_{}", ulid::Ulid::new().to_string().to_lowercase());
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    let base = server.rsplit_once('/').unwrap().0;
    format!("{base}/{name}")
}

#[tokio::test]
async fn two_workers_starting_together_apply_each_migration_once() {
    let url = fresh_database().await;
    let (a, b) = workers(&url).await;
    assert_eq!(a.version().await.unwrap(), 0);
    let (ran_a, ran_b) = tokio::join!(a.migrate(), b.migrate());
    assert_eq!(ran_a.unwrap() + ran_b.unwrap(), MIGRATIONS.len() as u32, "each version once, by one of them");
    assert_eq!(b.version().await.unwrap(), MIGRATIONS.last().unwrap().0);
    assert_eq!(a.migrate().await.unwrap(), 0, "a later start finds nothing to do");
    let tables = a.tables().await.unwrap();
    for t in [
        "attempts",
        "deliveries",
        "event_types",
        "events",
        "schema_migrations",
        "secrets",
        "settings",
        "stats_hour",
        "stats_minute",
        "webhooks",
    ] {
        assert!(tables.iter().any(|x| x == t), "{t} in {tables:?}");
    }
}

#[tokio::test]
async fn a_server_that_cannot_be_reached_or_a_bad_url_says_so() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let e = PgStore::connect(&format!("postgres://hookdesk@127.0.0.1:{port}/hookdesk")).await.err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert!(e.to_string().contains("cannot be reached"), "{e}");
    let e = PgStore::connect("mysql://nope").await.err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    let missing = fresh_database().await.replace("hookdesk_", "missing_");
    let e = PgStore::connect(&missing).await.err().unwrap();
    assert!(e.to_string().contains("does not exist"), "the server's own words: {e}");
}

#[tokio::test]
async fn a_server_that_accepts_connections_and_never_answers_is_reported_after_the_connect_timeout() {
    // Takes the connection and keeps it open, silent, as a hung server or a wrong port would.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let e = PgStore::connect(&format!("postgres://hookdesk@127.0.0.1:{port}/hookdesk")).await.err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
    assert!(e.to_string().contains("did not answer within 10 s"), "{e}");
}

#[tokio::test]
async fn two_workers_claiming_a_sequential_webhook_at_once_take_its_deliveries_one_by_one_in_order() {
    let (url, c) = migrated().await;
    webhook(&c, "ledger", "sequential", "active").await;
    let ids = deliveries(&c, Some("ledger"), 12).await;
    let (a, b) = workers(&url).await;
    let mut order = Vec::new();
    for round in 0..ids.len() as i64 {
        let now = 1_000 + round;
        let (got_a, got_b) = tokio::join!(a.claim_due("worker-a", now, 5, LEASE), b.claim_due("worker-b", now, 5, LEASE));
        let (got_a, got_b) = (got_a.unwrap(), got_b.unwrap());
        assert_eq!(got_a.len() + got_b.len(), 1, "round {round}: one delivery leased at a time ({got_a:?}, {got_b:?})");
        let (worker, store, id) = if got_a.is_empty() { ("worker-b", &b, got_b[0]) } else { ("worker-a", &a, got_a[0]) };
        assert!(store.finish(worker, id, true, now).await.unwrap());
        order.push(id);
    }
    assert_eq!(order, ids, "in acceptance order");
}

#[tokio::test]
async fn a_parallel_webhook_has_at_most_its_concurrency_leased_across_all_workers() {
    let (url, c) = migrated().await;
    c.execute(
        "INSERT INTO webhooks (id, code, name, url, events, filters, header_names, delivery, status, created_at, updated_at)
         VALUES ('bulk', 'bulk', 'Bulk', 'https://hooks.example.com/in', '[]', '{}', '[]', '{\"ordering\":\"parallel\",\"concurrency\":3}', 'active', 0, 0)",
        &[],
    )
    .await
    .unwrap();
    let ids = deliveries(&c, Some("bulk"), 10).await;
    let (a, b) = workers(&url).await;
    let (got_a, got_b) = tokio::join!(a.claim_due("worker-a", 1_000, 10, LEASE), b.claim_due("worker-b", 1_000, 10, LEASE));
    let (got_a, got_b) = (got_a.unwrap(), got_b.unwrap());
    assert_eq!(got_a.len() + got_b.len(), 3, "three at once in all ({got_a:?} {got_b:?})");
    assert!(
        b.claim_due("worker-b", 1_000, 10, LEASE).await.unwrap().is_empty()
            && a.claim_due("worker-a", 1_000, 10, LEASE).await.unwrap().is_empty()
    );
    // One ends: one more may go, the oldest waiting.
    let (worker, store, done) = if got_a.is_empty() { ("worker-b", &b, got_b[0]) } else { ("worker-a", &a, got_a[0]) };
    assert!(store.finish(worker, done, true, 1_100).await.unwrap());
    assert_eq!(b.claim_due("worker-b", 1_200, 10, LEASE).await.unwrap(), [ids[3]]);
}

#[tokio::test]
async fn secrets_are_stored_sealed_and_a_wrong_key_says_so_and_changes_nothing() {
    use hookdesk_engine::sealed::SecretKey;
    let (url, c) = migrated().await;
    let store = PgStore::connect(&url).await.unwrap();
    let key = SecretKey::generate();
    let account = "webhook/orders/header/authorization";
    store.set_secret(&key, account, "Bearer tok_live_4f9a8b7c", 1).await.unwrap();
    // Nowhere in the table in plain text: a dump of it holds only the sealed value.
    let raw: String = c.query_one("SELECT sealed FROM secrets WHERE account = $1", &[&account]).await.unwrap().get(0);
    assert!(raw.starts_with("hdk1:") && !raw.contains("tok_live"), "{raw}");
    assert_eq!(store.secret(&key, account).await.unwrap().unwrap().as_str(), "Bearer tok_live_4f9a8b7c");

    let wrong = SecretKey::generate();
    let e = store.secret(&wrong, account).await.unwrap_err();
    assert!(e.to_string().contains("another key"), "{e}");
    let after: String = c.query_one("SELECT sealed FROM secrets WHERE account = $1", &[&account]).await.unwrap().get(0);
    assert_eq!(after, raw, "nothing overwritten");

    store.set_secret(&key, account, "Bearer rotated", 2).await.unwrap();
    assert_eq!(store.secret(&key, account).await.unwrap().unwrap().as_str(), "Bearer rotated");
    store.delete_secret(account).await.unwrap();
    assert!(store.secret(&key, account).await.unwrap().is_none());
}

#[tokio::test]
async fn a_change_one_worker_announces_reaches_another_that_listens() {
    let (url, _c) = migrated().await;
    let (a, b) = workers(&url).await;
    let mut changes = b.listen("hookdesk_changes").await.unwrap();
    a.notify("hookdesk_changes", "webhook:orders").await.unwrap();
    let got = tokio::time::timeout(std::time::Duration::from_secs(5), changes.next()).await.expect("in time");
    assert_eq!(got.as_deref(), Some("webhook:orders"));
    assert_eq!(a.notify("Robert'); DROP TABLE webhooks; --", "x").await.unwrap_err().kind(), ErrorKind::Invalid);
}

#[tokio::test]
async fn failures_counted_on_two_workers_at_once_pause_the_webhook_once() {
    let (url, c) = migrated().await;
    webhook(&c, "flaky", "parallel", "active").await;
    let (a, b) = workers(&url).await;
    let fail = |store: PgStore| async move {
        let mut paused = 0;
        for _ in 0..4 {
            if store.count_result("flaky", false, 4, "Paused after 4 consecutive failed deliveries.", 5).await.unwrap().paused {
                paused += 1;
            }
        }
        paused
    };
    let (pa, pb) = tokio::join!(fail(a.clone()), fail(b.clone()));
    assert_eq!(pa + pb, 1, "exactly one worker paused it");
    let row = c.query_one("SELECT consecutive_failures, status FROM webhooks WHERE id = 'flaky'", &[]).await.unwrap();
    assert_eq!((row.get::<_, i32>(0), row.get::<_, String>(1)), (8, "paused".to_string()), "every failure counted");
    let reset = a.count_result("flaky", true, 4, "", 6).await.unwrap();
    assert_eq!(reset, hookdesk_engine::store::pg::Counted { consecutive_failures: 0, paused: false });
}

#[tokio::test]
async fn a_job_that_must_run_once_runs_on_one_worker_at_a_time() {
    let (url, _c) = migrated().await;
    let (a, b) = workers(&url).await;
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let holder = tokio::spawn(async move {
        a.run_exclusive("prune_logs", async move {
            started_tx.send(()).unwrap();
            release_rx.await.unwrap();
            "pruned by a"
        })
        .await
        .unwrap()
    });
    started_rx.await.unwrap();
    assert_eq!(b.run_exclusive("prune_logs", async { "pruned by b" }).await.unwrap(), None, "a is running it");
    assert_eq!(b.run_exclusive("expire_secrets", async { 1 }).await.unwrap(), Some(1), "another job is free");
    release_tx.send(()).unwrap();
    assert_eq!(holder.await.unwrap(), Some("pruned by a"));
    assert_eq!(b.run_exclusive("prune_logs", async { "pruned by b" }).await.unwrap(), Some("pruned by b"), "free again");
}

#[tokio::test]
async fn a_renewed_lease_holds_and_a_retry_goes_back_to_the_queue_for_any_worker_when_due() {
    let (url, c) = migrated().await;
    webhook(&c, "orders", "parallel", "active").await;
    let ids = deliveries(&c, Some("orders"), 1).await;
    let (a, b) = workers(&url).await;
    assert_eq!(a.claim_due("worker-a", 1_000, 5, 1_000).await.unwrap(), ids);
    // A long attempt: a renews before its lease runs out, and b cannot take it after the first end.
    assert_eq!(a.renew("worker-a", &ids, 5_000).await.unwrap(), ids);
    assert!(b.claim_due("worker-b", 2_500, 5, LEASE).await.unwrap().is_empty());
    assert!(b.renew("worker-b", &ids, 9_000).await.unwrap().is_empty(), "not b's to renew");
    // The attempt failed; the next is due at 10 s, on whichever worker claims it then.
    assert!(a.retry_later("worker-a", ids[0], 1, 10_000).await.unwrap());
    assert!(b.claim_due("worker-b", 9_999, 5, LEASE).await.unwrap().is_empty(), "not due yet");
    assert_eq!(b.claim_due("worker-b", 10_000, 5, LEASE).await.unwrap(), ids);
    let made: i32 = c.query_one("SELECT attempts_made FROM deliveries WHERE id = $1", &[&ids[0]]).await.unwrap().get(0);
    assert_eq!(made, 1, "the attempt a made is counted");
    assert!(!a.retry_later("worker-a", ids[0], 2, 20_000).await.unwrap(), "a holds it no longer");
}

/// An event as the Events API makes one, with a caller's id and content fingerprint.
fn event_row(id: &str, fingerprint: &str) -> hookdesk_engine::store::events::EventRow {
    hookdesk_engine::store::events::EventRow {
        seq: 0,
        id: id.into(),
        event_type: "task.created".into(),
        occurred_at: 1_000,
        data: r#"{"task":{"id":7,"name":"Ünïcödé"}}"#.into(),
        workflow: Some("wf_1".into()),
        survey: None,
        group: None,
        fingerprint: fingerprint.into(),
        accepted_at: 1_000,
        summary: "Ünïcödé".into(),
    }
}

#[tokio::test]
async fn an_accepted_event_makes_one_delivery_per_webhook_and_its_id_is_accepted_once() {
    use hookdesk_engine::store::pg::NewDelivery;
    let (url, c) = migrated().await;
    for id in ["orders", "billing"] {
        webhook(&c, id, "sequential", "active").await;
    }
    let (a, b) = workers(&url).await;
    let to = [NewDelivery { webhook_id: "orders", max_attempts: 5 }, NewDelivery { webhook_id: "billing", max_attempts: 2 }];
    let e = event_row("evt_same", "fp1");
    // Two workers accept the same caller id at the same moment: one event, one set of deliveries.
    let (first, second) = tokio::join!(a.accept_event(&e, &to, 1_000), b.accept_event(&e, &to, 1_000));
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(first.duplicate, !second.duplicate, "exactly one of them wrote it: {first:?} {second:?}");
    assert_eq!(first.deliveries, second.deliveries, "both answer the same deliveries");
    let codes: Vec<&str> = first.deliveries.iter().map(|(_, code)| code.as_str()).collect();
    assert_eq!(codes, ["orders", "billing"]);
    let counts: (i64, i64) = {
        let r = c.query_one("SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM deliveries)", &[]).await.unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!(counts, (1, 2));
    let stored = c.query_one("SELECT data, workflow, summary FROM events", &[]).await.unwrap();
    assert_eq!(stored.get::<_, &str>(0), e.data, "the data exactly as the caller wrote it");
    assert_eq!((stored.get::<_, Option<&str>>(1), stored.get::<_, &str>(2)), (Some("wf_1"), "Ünïcödé"));
    let maxes: Vec<i32> = c.query("SELECT max_attempts FROM deliveries ORDER BY id", &[]).await.unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(maxes, [5, 2]);
    // The same id with other content is refused and writes nothing.
    let err = a.accept_event(&event_row("evt_same", "fp2"), &to, 2_000).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(err.to_string().contains("evt_same"), "{err}");
    let events: i64 = c.query_one("SELECT COUNT(*) FROM events", &[]).await.unwrap().get(0);
    assert_eq!(events, 1);
    // A webhook deleted after the deliveries were planned gets none; the others still do.
    c.execute("DELETE FROM webhooks WHERE id = 'billing'", &[]).await.unwrap();
    let later = a.accept_event(&event_row("evt_later", "fp3"), &to, 3_000).await.unwrap();
    assert_eq!(later.deliveries.iter().map(|(_, code)| code.as_str()).collect::<Vec<_>>(), ["orders"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_accepted_at_once_share_commits_and_each_gets_its_own_answer() {
    use hookdesk_engine::store::pg::NewDelivery;
    let (url, c) = migrated().await;
    for id in ["orders", "billing"] {
        webhook(&c, id, "sequential", "active").await;
    }
    let store = PgStore::connect(&url).await.unwrap();
    let to = [NewDelivery { webhook_id: "orders", max_attempts: 3 }, NewDelivery { webhook_id: "billing", max_attempts: 3 }];
    let xacts = || async {
        let stats = client(&url).await;
        stats.query_one("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", &[]).await.unwrap().get::<_, i64>(0)
    };
    let before = xacts().await;
    // 300 at once: 200 new ids, 50 of them sent again (a retrying caller), and 50 of them
    // sent with other content, which of the two comes first being up to the race.
    let id_of = |i: usize| {
        format!(
            "evt_{:03}",
            if i < 200 {
                i
            } else if i < 250 {
                i - 200
            } else {
                i - 150
            }
        )
    };
    let calls = (0..300).map(|i| {
        let (store, to) = (store.clone(), &to);
        let e = event_row(&id_of(i), if i < 250 { format!("fp{}", i % 200) } else { "other content".into() }.as_str());
        async move { (i, store.accept_event(&e, to, 5_000).await) }
    });
    let answers = futures_util::future::join_all(calls).await;
    let mut by_id: std::collections::HashMap<String, Vec<(i64, String)>> = Default::default();
    let mut refused: std::collections::HashMap<String, usize> = Default::default();
    for (i, answer) in &answers {
        match answer {
            Ok(a) => {
                assert_eq!(a.deliveries.len(), 2, "call {i}: {a:?}");
                let first = by_id.entry(id_of(*i)).or_insert_with(|| a.deliveries.clone());
                assert_eq!(first, &a.deliveries, "call {i}: a repeat answers the first acceptance's deliveries");
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Conflict, "call {i}: {e}");
                *refused.entry(id_of(*i)).or_default() += 1;
            }
        }
    }
    assert_eq!(by_id.len(), 200, "every id was accepted once");
    assert_eq!(refused.len(), 50, "each id sent with two contents was refused once: {refused:?}");
    assert!(refused.keys().all(|id| ("evt_100".."evt_150").contains(&id.as_str())), "{refused:?}");
    let counted: (i64, i64) = {
        let r = c.query_one("SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM deliveries)", &[]).await.unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!(counted, (200, 400), "each event once, with its two deliveries");
    // Within a webhook, delivery ids follow the events' acceptance order.
    let out_of_order: i64 = c
        .query_one(
            "SELECT COUNT(*) FROM (SELECT e.seq, lag(e.seq) OVER (ORDER BY d.id) AS before FROM deliveries d
             JOIN events e ON e.seq = d.event_seq WHERE d.webhook_id = 'orders') t WHERE before > seq",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(out_of_order, 0);
    // The statistics are flushed when a backend goes idle and at most once a second.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut commits = xacts().await - before;
    while commits < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        commits = xacts().await - before;
    }
    assert!((2..150).contains(&commits), "300 accepted events took {commits} commits: they were not grouped");
}

#[tokio::test]
async fn an_attempt_is_recorded_with_its_delivery_moved_on_and_a_lost_lease_keeps_the_record_only() {
    use hookdesk_engine::store::pg::{AfterAttempt, AttemptRecord};
    let (url, c) = migrated().await;
    webhook(&c, "orders", "parallel", "active").await;
    let ids = deliveries(&c, Some("orders"), 2).await;
    let (a, b) = workers(&url).await;
    assert_eq!(a.claim_due("worker-a", 1_000, 5, 1_000).await.unwrap(), ids);
    let failed = AttemptRecord {
        webhook_id: Some("orders"),
        event_type: "task.created",
        attempt: 1,
        max_attempts: 3,
        succeeded: false,
        status_code: Some(503),
        error_kind: None,
        error: Some("HTTP 503 Service Unavailable"),
        duration_ms: 12,
        executed_at: 1_100,
        request_url: "https://hooks.example.com/in",
        request_headers: r#"{"webhook-id":"evt_1"}"#,
        response_headers: Some(r#"{"retry-after":"10"}"#),
        response_body: Some(b"down \xff for maintenance"),
        response_truncated: false,
        test: false,
    };
    // The first failed and goes again at 10 s; the second succeeded.
    assert!(a.record_attempt("worker-a", ids[0], &failed, AfterAttempt::RetryAt(10_000)).await.unwrap());
    let ok = AttemptRecord { succeeded: true, status_code: Some(200), error: None, response_body: Some(b"ok"), ..failed.clone() };
    assert!(a.record_attempt("worker-a", ids[1], &ok, AfterAttempt::Ended { succeeded: true, at: 1_200 }).await.unwrap());
    let states: Vec<(String, i32, i64, Option<String>)> = c
        .query("SELECT state, attempts_made, next_attempt_at, leased_by FROM deliveries ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert_eq!(states, [("pending".into(), 1, 10_000, None), ("succeeded".into(), 1, 0, None)]);
    let logged =
        c.query_one("SELECT result, status_code, error, response_body FROM attempts WHERE delivery_id = $1", &[&ids[0]]).await.unwrap();
    assert_eq!(logged.get::<_, &str>(0), "failed");
    assert_eq!(logged.get::<_, Option<i32>>(1), Some(503));
    assert_eq!(logged.get::<_, Option<&str>>(2), Some("HTTP 503 Service Unavailable"));
    assert_eq!(logged.get::<_, Option<Vec<u8>>>(3).unwrap(), b"down \xff for maintenance", "the body byte for byte");
    // a's lease of the retry runs out while it attempts; b takes it. a's late record is kept,
    // but the delivery stays b's: b's own attempt decides where it goes.
    assert_eq!(a.claim_due("worker-a", 10_000, 5, 1_000).await.unwrap(), [ids[0]]);
    assert_eq!(b.claim_due("worker-b", 11_001, 5, LEASE).await.unwrap(), [ids[0]]);
    let late = AttemptRecord { attempt: 2, executed_at: 10_100, ..ok.clone() };
    assert!(!a.record_attempt("worker-a", ids[0], &late, AfterAttempt::Ended { succeeded: true, at: 11_500 }).await.unwrap());
    let (state, leased_by): (String, Option<String>) = {
        let r = c.query_one("SELECT state, leased_by FROM deliveries WHERE id = $1", &[&ids[0]]).await.unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!((state.as_str(), leased_by.as_deref()), ("pending", Some("worker-b")));
    let attempts: i64 = c.query_one("SELECT COUNT(*) FROM attempts WHERE delivery_id = $1", &[&ids[0]]).await.unwrap().get(0);
    assert_eq!(attempts, 2, "the request a sent is in the log");
}
