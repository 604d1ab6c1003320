//! `hookdesk serve` under the faults a fault probe found: a keyring that goes away, clients
//! that stall or hold idle sockets, a restart with many webhooks, SIGTERM with attempts under
//! way. Nothing acknowledged is lost, nothing hangs, and the process stays small.

#![cfg(unix)]

mod common;
#[path = "../engine/tests/it/utils/receiver.rs"]
#[allow(dead_code)]
mod receiver;

use common::{PrivateKeyring, Serve, ServeOptions, call};
use receiver::{Reply, TestReceiver};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const TOKEN: &str = "hdk_faults_test_token";

async fn post(serve: &Serve, path: &str, body: Value) -> (u16, Value) {
    call(&hookdesk_engine::net::local_client(), &serve.url, TOKEN, reqwest::Method::POST, path, Some(body)).await.unwrap()
}

async fn get(serve: &Serve, path: &str) -> Value {
    let (status, body) = call(&hookdesk_engine::net::local_client(), &serve.url, TOKEN, reqwest::Method::GET, path, None).await.unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    body
}

async fn create_webhook(serve: &Serve, body: Value) -> Value {
    let (status, w) = post(serve, "/v1/webhooks", body).await;
    assert_eq!(status, 201, "{w}");
    w
}

async fn emit(serve: &Serve, n: usize) -> String {
    let (status, body) = post(serve, "/v1/events", json!({"type": "task.created", "data": {"n": n}})).await;
    assert_eq!(status, 202, "{body}");
    body["event_id"].as_str().unwrap().to_string()
}

/// Polls the logs until `total` attempts are recorded.
async fn logged(serve: &Serve, path: &str, total: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let page = get(serve, path).await;
        if page["total"].as_u64() == Some(total) {
            return page;
        }
        assert!(Instant::now() < deadline, "expected {total} attempts, the logs say {}", page["total"]);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How the Secret Service is out of reach.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outage {
    /// Its daemon is gone.
    Gone,
    /// Its daemon holds its name but answers nothing (stopped with SIGSTOP): a hung keyring,
    /// or one showing an unlock prompt nobody sees.
    Hung,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_wait_for_a_missing_keyring_and_go_out_in_order_when_it_is_back() {
    deliveries_wait_for_the_keyring(Outage::Gone, "not reachable").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_wait_for_a_keyring_that_does_not_answer_and_go_out_in_order_when_it_does() {
    let said = format!("did not answer within {} s", hookdesk_engine::secrets::KEYRING_DEADLINE.as_secs());
    deliveries_wait_for_the_keyring(Outage::Hung, &said).await;
}

async fn deliveries_wait_for_the_keyring(outage: Outage, said: &str) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let mut keyring = PrivateKeyring::start();
    // The same address and directories across the daemon's restarts.
    let env = keyring.env();
    let options = || ServeOptions { env: env.clone(), ..Default::default() };
    let rx = TestReceiver::start().await;
    let serve = Serve::start_with(dir.path(), Some(TOKEN), &log, options());
    create_webhook(
        &serve,
        json!({"name": "Orders", "url": rx.url, "events": ["task.created"], "headers": [{"name": "X-Key", "value": "key-9f3a77"}],
               "delivery": {"attempts": 3, "retry": {"kind": "fixed", "delay_ms": 100}, "pause_after_failures": 1}}),
    )
    .await;
    serve.terminate(Duration::from_secs(20));

    // Started again while the Secret Service is out of reach: nothing of the webhook's is cached.
    match outage {
        Outage::Gone => keyring.stop_daemon(),
        Outage::Hung => keyring.freeze_daemon(),
    }
    let serve = Serve::start_with(dir.path(), Some(TOKEN), &log, options());
    let mut sent = Vec::new();
    for n in 0..5 {
        sent.push(emit(&serve, n).await);
    }
    let deadline = Instant::now() + hookdesk_engine::secrets::KEYRING_DEADLINE + Duration::from_secs(10);
    let webhook = loop {
        let w = get(&serve, "/v1/webhooks/orders").await;
        if w["held_by"].is_string() {
            break w;
        }
        assert!(Instant::now() < deadline, "the webhook never said why its deliveries wait: {w}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let held_by = webhook["held_by"].as_str().unwrap();
    assert!(held_by.starts_with("Waiting for the keyring: ") && held_by.contains(said), "{held_by}");
    assert_eq!(webhook["status"], "active", "not paused: nothing failed, nothing was sent");
    rx.assert_silent(Duration::from_secs(2)).await;
    assert_eq!(get(&serve, "/v1/logs").await["total"], 0, "no attempt was used up");

    match outage {
        Outage::Gone => keyring.start_daemon(),
        Outage::Hung => keyring.thaw_daemon(),
    }
    let back = Instant::now();
    let got = rx.take(5, Duration::from_secs(20)).await;
    eprintln!("after the keyring came back, the 5 held deliveries arrived within {:?}", back.elapsed());
    assert_eq!(got.iter().map(|r| r.event_id()).collect::<Vec<_>>(), sent, "in acceptance order");
    assert!(got.iter().all(|r| r.header("x-key") == "key-9f3a77"));
    let page = logged(&serve, "/v1/logs", 5).await;
    assert!(page["attempts"].as_array().unwrap().iter().all(|a| a["result"] == "success" && a["attempt"] == 1), "{page}");
    assert!(get(&serve, "/v1/webhooks/orders").await["held_by"].is_null());
    serve.terminate(Duration::from_secs(20));
}

/// Reads until the server closes the connection (or the deadline passes): how long it took.
fn closed_within(tcp: &mut TcpStream, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    tcp.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match tcp.read(&mut buf) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => return None,
            Err(_) => return Some(started.elapsed()),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stalls_is_cut_off_and_does_not_hold_up_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path(), Some(TOKEN), &dir.path().join("serve.log"));
    let addr = serve.url.trim_start_matches("http://").to_string();
    let mut half_headers = TcpStream::connect(&addr).unwrap();
    half_headers.write_all(b"POST /v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Le").unwrap();
    let closed = tokio::task::spawn_blocking(move || closed_within(&mut half_headers, Duration::from_secs(20))).await.unwrap();
    let closed = closed.expect("a request whose headers never end is cut off");
    eprintln!("half-sent headers were cut off after {closed:?}");
    assert_eq!(get(&serve, "/v1/health").await["status"], "ok");

    // Stalled clients at SIGTERM: the process ends anyway, at once.
    let mut stalled = TcpStream::connect(&addr).unwrap();
    stalled.write_all(b"GET /v1/health HTTP/1.1\r\nHost: loc").unwrap();
    let idle = TcpStream::connect(&addr).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let took = serve.terminate(Duration::from_secs(5));
    eprintln!("SIGTERM with two stalled clients connected: stopped in {took:?}");
    drop((stalled, idle));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sockets_beyond_the_open_files_limit_do_not_starve_the_api() {
    // This process holds 1,100 sockets itself.
    let _ = rlimit::increase_nofile_limit(4096);
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start_with(
        dir.path(),
        Some(TOKEN),
        &dir.path().join("serve.log"),
        ServeOptions { open_files: Some(1024), ..Default::default() },
    );
    let addr = serve.url.trim_start_matches("http://").to_string();
    let idle: Vec<TcpStream> = (0..1100).map(|_| TcpStream::connect(&addr).expect("connect")).collect();
    let started = Instant::now();
    assert_eq!(get(&serve, "/v1/health").await["status"], "ok");
    emit(&serve, 1).await;
    eprintln!("with 1,100 idle sockets, health and an event were answered in {:?}", started.elapsed());

    // Count what the server still holds open: the rest it closed to make room.
    let held = tokio::task::spawn_blocking(move || {
        let mut idle = idle;
        let open = idle.iter_mut().map(|tcp| closed_within(tcp, Duration::from_millis(1)).is_none()).filter(|open| *open).count();
        (open, idle)
    })
    .await
    .unwrap();
    let (open, idle) = held;
    eprintln!("the server held {open} of 1,100 idle connections at its limit");
    assert!(open > 0 && open <= 512, "held {open}");
    assert!(serve.log_text().contains("its limit"), "the limit is logged");

    // Idle connections are closed by the server after the header timeout.
    let all_closed = tokio::task::spawn_blocking(move || {
        let mut idle = idle;
        idle.iter_mut().all(|tcp| closed_within(tcp, Duration::from_secs(20)).is_some())
    })
    .await
    .unwrap();
    assert!(all_closed, "every idle connection was closed");
    serve.terminate(Duration::from_secs(20));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_attempts_under_way_finish_so_none_is_made_twice() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Delay(Duration::from_millis(1500), 200));
    let serve = Serve::start(dir.path(), Some(TOKEN), &log);
    create_webhook(
        &serve,
        json!({"name": "Slow", "url": rx.url, "events": ["task.created"],
               "delivery": {"attempts": 3, "ordering": "parallel", "concurrency": 8, "retry": {"kind": "fixed", "delay_ms": 100}}}),
    )
    .await;
    for n in 0..8 {
        emit(&serve, n).await;
    }
    rx.take(8, Duration::from_secs(10)).await;
    // All eight are in flight now.
    let took = serve.terminate(Duration::from_secs(15));
    eprintln!("SIGTERM with 8 attempts under way: stopped in {took:?}");
    rx.set_default(Reply::Status(200));
    let serve = Serve::start(dir.path(), Some(TOKEN), &log);
    let page = logged(&serve, "/v1/logs", 8).await;
    assert!(page["attempts"].as_array().unwrap().iter().all(|a| a["result"] == "success"), "{page}");
    rx.assert_silent(Duration::from_secs(2)).await;
    serve.terminate(Duration::from_secs(20));
}

/// The most threads the process had while `until` was pending, sampled from /proc.
async fn peak_threads<F: std::future::Future>(pid: u32, until: F) -> (usize, F::Output) {
    let watching = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let watching = watching.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while watching.load(std::sync::atomic::Ordering::SeqCst) {
                if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                    && let Some(n) = status.lines().find_map(|l| l.strip_prefix("Threads:")).and_then(|n| n.trim().parse().ok())
                {
                    peak = peak.max(n);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            peak
        })
    };
    let out = until.await;
    watching.store(false, std::sync::atomic::Ordering::SeqCst);
    (sampler.join().unwrap(), out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_with_hundreds_of_webhooks_reads_the_keyring_a_few_at_a_time() {
    const WEBHOOKS: usize = 300;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Status(500));
    let serve = Serve::start(dir.path(), Some(TOKEN), &log);
    for i in 0..WEBHOOKS {
        create_webhook(
            &serve,
            json!({"name": format!("Hook {i}"), "url": rx.url, "events": ["task.created"],
                   "headers": [{"name": "X-Key", "value": format!("key-{i}")}],
                   "delivery": {"attempts": 3, "retry": {"kind": "fixed", "delay_ms": 60000}, "pause_after_failures": 0}}),
        )
        .await;
    }
    emit(&serve, 0).await;
    // Each webhook's first attempt failed; the retries are due in a minute.
    rx.take(WEBHOOKS, Duration::from_secs(30)).await;
    logged(&serve, "/v1/logs", WEBHOOKS as u64).await;
    serve.terminate(Duration::from_secs(20));
    {
        let conn = rusqlite::Connection::open(dir.path().join("hookdesk.db")).unwrap();
        conn.execute("UPDATE deliveries SET next_attempt_at = 0 WHERE state = 'pending'", []).unwrap();
    }
    rx.set_default(Reply::Status(200));
    let serve = Serve::start(dir.path(), Some(TOKEN), &log);
    let (peak, _) = peak_threads(serve.pid(), rx.take(WEBHOOKS, Duration::from_secs(60))).await;
    eprintln!("restart with {WEBHOOKS} webhooks and as many due deliveries: at most {peak} threads");
    assert!(peak <= 40, "{peak} threads: the keyring and the database are read a few at a time");
    serve.terminate(Duration::from_secs(20));
}
