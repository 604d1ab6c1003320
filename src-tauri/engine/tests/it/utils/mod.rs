//! Shared test fixtures.

use hookdesk_engine::model::{HeaderInput, WebhookInput};
use hookdesk_engine::{Engine, EngineOptions};
use tempfile::TempDir;

/// An engine on a fresh data directory, removed when dropped.
pub struct TestEngine {
    pub engine: Engine,
    pub dir: TempDir,
}

impl std::ops::Deref for TestEngine {
    type Target = Engine;
    fn deref(&self) -> &Engine {
        &self.engine
    }
}

pub fn open_engine() -> TestEngine {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Engine::open(EngineOptions::new(dir.path(), "the engine tests")).expect("engine opens");
    let status = engine.keyring_status();
    assert!(
        status.available,
        "these tests need a Secret Service; run them through `make test` or scripts/test-env.sh ({})",
        status.message
    );
    TestEngine { engine, dir }
}

/// A valid webhook form.
pub fn input(name: &str) -> WebhookInput {
    WebhookInput {
        code: None,
        name: name.into(),
        url: "https://hooks.example.com/in".into(),
        description: String::new(),
        events: vec!["task.created".into()],
        filters: Default::default(),
        active: true,
        headers: vec![],
        secret: None,
        delivery: Default::default(),
    }
}

pub fn header(name: &str, value: &str) -> HeaderInput {
    HeaderInput { name: name.into(), value: Some(value.into()) }
}

/// Every byte of the database: the main file, its WAL and its shared-memory index.
pub fn database_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(b) = std::fs::read(dir.join(format!("hookdesk.db{suffix}"))) {
            bytes.extend(b);
        }
    }
    assert!(!bytes.is_empty(), "the database files exist");
    bytes
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

// Shared with the `memory` test and the app's `serve` test, each of which uses a part.
#[allow(dead_code)]
pub mod receiver;

use hookdesk_engine::model::event::EventInput;
use hookdesk_engine::model::{DeliverySettings, Ordering, RetryPolicy};
use std::time::{Duration, Instant};

/// An engine whose workers run.
pub async fn started_engine() -> TestEngine {
    let t = open_engine();
    t.engine.start().await.expect("engine starts");
    t
}

/// Retries in milliseconds so tests exercise them quickly.
pub fn fast_delivery(attempts: u32) -> DeliverySettings {
    DeliverySettings {
        timeout_ms: 3000,
        attempts,
        retry: RetryPolicy::Fixed { delay_ms: 100 },
        ordering: Ordering::Sequential,
        concurrency: 1,
        pause_after_failures: 0,
    }
}

/// A webhook form for `task.created` to `url`, with fast retries.
pub fn hook(name: &str, url: &str, attempts: u32) -> WebhookInput {
    let mut form = input(name);
    form.url = url.to_string();
    form.delivery = fast_delivery(attempts);
    form
}

pub fn event(event_type: &str, data: serde_json::Value) -> EventInput {
    EventInput {
        id: None,
        event_type: event_type.into(),
        occurred_at: None,
        data: hookdesk_engine::model::event::raw_data(&data),
        workflow: None,
        survey: None,
        group: None,
    }
}

/// Polls `check` until it yields a value or the deadline passes.
pub async fn eventually<T, F, Fut>(within: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if Instant::now() > deadline {
            panic!("timed out after {within:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
