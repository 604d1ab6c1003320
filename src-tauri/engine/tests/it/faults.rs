//! Faults the engine lives through without losing, leaking or hanging anything: a webhook
//! deleted while its events arrive, targets that hang or fail, receivers that echo secrets,
//! a full disk, the last handle dropped by the database writer itself.

use crate::utils::receiver::{Reply, TestReceiver};
use crate::utils::{TestEngine, contains, database_bytes, event, eventually, header, hook, open_engine, started_engine};
use hookdesk_engine::ErrorKind;
use hookdesk_engine::ingest::DirectDeliveryInput;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const WITHIN: Duration = Duration::from_secs(10);

fn direct(url: &str) -> DirectDeliveryInput {
    DirectDeliveryInput { url: url.to_string(), headers: Default::default(), event_type: "task.created".into(), data: json!({}) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_keep_being_accepted_while_a_webhook_of_their_type_is_deleted() {
    let t = Arc::new(started_engine().await);
    let rx = TestReceiver::start().await;
    // Headers make the delete slow (their keyring entries go too): a wide window for a race.
    let mut doomed = hook("Doomed", &rx.url, 1);
    doomed.headers = vec![header("X-One", "value-one"), header("X-Two", "value-two"), header("X-Three", "value-three")];
    let doomed = t.create_webhook(doomed).await.unwrap();
    let kept_rx = TestReceiver::start().await;
    let kept = t.create_webhook(hook("Kept", &kept_rx.url, 1)).await.unwrap();

    let deleting = Arc::new(AtomicBool::new(true));
    let sender = {
        let (t, deleting) = (t.clone(), deleting.clone());
        tokio::spawn(async move {
            let mut accepted = Vec::new();
            // Before, during and a little after the delete.
            while deleting.load(Ordering::SeqCst) || accepted.len() < 50 {
                let a = t.accept_event(event("task.created", json!({"n": accepted.len()}))).await;
                accepted.push(a.unwrap_or_else(|e| panic!("event {} refused while a webhook was deleted: {e}", accepted.len())));
            }
            accepted
        })
    };
    // Events are flowing to both when the delete starts.
    rx.take(5, WITHIN).await;
    t.delete_webhook(&doomed.id).await.unwrap();
    deleting.store(false, Ordering::SeqCst);
    let accepted = sender.await.unwrap();
    assert!(accepted.iter().all(|a| a.deliveries.iter().any(|d| d.webhook_code == kept.code)), "every event went to the other webhook");
    let got = kept_rx.take(accepted.len(), WITHIN * 3).await;
    assert_eq!(got.len(), accepted.len());
}

#[tokio::test]
async fn a_hanging_target_holds_up_no_direct_delivery_to_another() {
    let t = started_engine().await;
    let hanging = TestReceiver::start().await;
    hanging.set_default(Reply::Hang);
    let healthy = TestReceiver::start().await;
    // More than one target's share of slots, all stuck for their whole timeout.
    for _ in 0..20 {
        t.deliver_direct(direct(&hanging.url)).await.unwrap();
    }
    hanging.take(16, WITHIN).await;
    let started = Instant::now();
    t.deliver_direct(direct(&healthy.url)).await.unwrap();
    healthy.take(1, Duration::from_secs(3)).await;
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_direct_delivery_waiting_for_its_retry_holds_no_slot() {
    let t = started_engine().await;
    let failing = TestReceiver::start().await;
    failing.set_default(Reply::Status(500));
    // The default retry waits 30 s: twenty first attempts come long before any retry, and
    // only if the sixteen that wait for a retry do not keep their slots meanwhile.
    for _ in 0..20 {
        t.deliver_direct(direct(&failing.url)).await.unwrap();
    }
    let got = failing.take(20, WITHIN).await;
    let mut ids: Vec<String> = got.iter().map(|r| r.header("webhook-id").to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20, "twenty different deliveries, each on its first attempt");
}

#[tokio::test]
async fn header_values_a_receiver_echoes_are_masked_in_the_logs_and_on_disk() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Echo);
    let secret = "sk_live_echo_7Qx9\"quoted";
    let mut form = hook("Echo", &rx.url, 1);
    form.headers = vec![header("X-Api-Key", secret), header("Authorization", "Bearer tok_echo_51c2a9")];
    let w = t.create_webhook(form.clone()).await.unwrap();
    t.accept_event(event("task.created", json!({}))).await.unwrap();
    let got = rx.take(1, WITHIN).await.remove(0);
    assert_eq!(got.header("x-api-key"), secret, "the real value was sent");
    let test = t
        .send_test(hookdesk_engine::test_event::TestRequest {
            webhook_id: Some(w.id.clone()),
            input: form,
            event_type: "task.created".into(),
        })
        .await
        .unwrap();
    assert!(!test.response_excerpt.contains("sk_live_echo") && test.response_excerpt.contains("x-api-key"), "{}", test.response_excerpt);
    let scope = hookdesk_engine::model::log_filter::LogScope::Webhook(w.id.clone());
    let rows = eventually(WITHIN, "both attempts logged", || async {
        let rows = t.logs(scope.clone(), Default::default(), 10, 0).await.unwrap();
        (rows.len() == 2).then_some(rows)
    })
    .await;
    for row in rows {
        let detail = t.attempt(row.id.attempt().unwrap()).await.unwrap().attempt;
        let shown = serde_json::to_string(&detail).unwrap();
        for needle in ["sk_live_echo", "tok_echo_51c2a9"] {
            assert!(!shown.contains(needle), "{needle} in a logged attempt: {shown}");
        }
        assert!(shown.contains("x-echo-x-api-key"), "the echoed header is still there, masked: {shown}");
    }
    let TestEngine { engine, dir } = t;
    engine.shutdown().await;
    drop(engine);
    let bytes = database_bytes(dir.path());
    for needle in ["sk_live_echo", "tok_echo_51c2a9"] {
        assert!(!contains(&bytes, needle), "{needle} is in the database files");
    }
}

#[cfg(unix)]
#[test]
fn the_data_directory_and_its_files_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    let engine = hookdesk_engine::Engine::open(hookdesk_engine::EngineOptions::new(&dir, "test")).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    for name in ["hookdesk.db", "hookdesk.db-wal", "hookdesk.db-shm", "hookdesk.lock"] {
        assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
    }
    drop(engine);

    // A directory from an earlier release, files 0644 in a 0755 directory, is tightened.
    for name in ["hookdesk.db", "hookdesk.lock"] {
        std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let engine = hookdesk_engine::Engine::open(hookdesk_engine::EngineOptions::new(&dir, "test")).unwrap();
    assert_eq!(mode(&dir), 0o700);
    for name in ["hookdesk.db", "hookdesk.db-wal", "hookdesk.lock"] {
        assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
    }
    drop(engine);
}

#[tokio::test]
async fn a_full_disk_refuses_the_event_with_a_sentence_that_names_the_file() {
    let t = open_engine();
    // SQLite's own page limit gives the same SQLITE_FULL as a full file system.
    let pages: i64 = t.db().write(|c| Ok(c.query_row("PRAGMA page_count", [], |r| r.get(0))?)).await.unwrap();
    t.db().write(move |c| Ok(c.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| r.get::<_, i64>(0))?)).await.unwrap();
    let big = json!({"blob": "x".repeat(200_000)});
    let err = t.accept_event(event("task.created", big)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DiskFull, "{err}");
    let message = err.to_string();
    assert!(message.contains(&t.dir.path().join("hookdesk.db").display().to_string()) && message.contains("Free some space"), "{message}");
}

#[tokio::test]
async fn the_engine_can_be_dropped_by_the_database_writer_itself() {
    let TestEngine { engine, dir } = open_engine();
    let db = engine.db().clone();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let written = db
        .write_then(
            |conn| hookdesk_engine::store::settings::set(conn, "last_words", "on disk"),
            move |_| {
                // The last handle, dropped inside an after-commit hook on the writer thread.
                drop(engine);
                let _ = tx.send(std::thread::current().name().map(str::to_string));
            },
        )
        .await;
    written.expect("the write was answered: the writer did not panic");
    assert_eq!(rx.await.unwrap().as_deref(), Some("hookdesk-db-writer"), "the hook ran on the writer thread");
    drop(db);
    // The lock was released with the engine, and the commit is on disk.
    let again = eventually(WITHIN, "the data directory to be free", || async {
        hookdesk_engine::Engine::open(hookdesk_engine::EngineOptions::new(dir.path(), "test")).ok()
    })
    .await;
    let value = again.db().read(|c| hookdesk_engine::store::settings::get(c, "last_words")).await.unwrap();
    assert_eq!(value.as_deref(), Some("on disk"));
}
