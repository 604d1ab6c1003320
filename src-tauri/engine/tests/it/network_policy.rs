//! With "allow private and loopback targets" off, non-public addresses are refused at
//! connect time, after DNS resolution; with it on, loopback works.

use crate::utils::receiver::TestReceiver;
use crate::utils::{event, eventually, hook, started_engine};
use hookdesk_engine::model::log_filter::{LogFilter, LogScope};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn private_targets_are_refused_when_the_policy_is_off() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    let port = rx.url.rsplit(':').next().unwrap().split('/').next().unwrap().to_string();
    t.set_allow_private(false);
    let targets = [
        ("Loopback", rx.url.clone()),
        ("Name for loopback", format!("http://localhost:{port}/hook")),
        ("IPv6 loopback", format!("http://[::1]:{port}/hook")),
        ("Mapped loopback", format!("http://[::ffff:127.0.0.1]:{port}/hook")),
        ("Private", "http://10.20.30.40/hook".to_string()),
        ("Link local", "http://169.254.169.254/latest/meta-data".to_string()),
        ("Unspecified", format!("http://0.0.0.0:{port}/hook")),
    ];
    let mut ids = Vec::new();
    for (name, url) in &targets {
        ids.push(t.create_webhook(hook(name, url, 1)).await.unwrap().id);
    }
    let accepted = t.accept_event(event("task.created", json!({}))).await.unwrap();
    assert_eq!(accepted.deliveries.len(), targets.len());
    for (id, (name, _)) in ids.iter().zip(&targets) {
        let a = eventually(Duration::from_secs(10), name, || async {
            t.logs(LogScope::Webhook(id.clone()), LogFilter::default(), 1, 0).await.unwrap().pop()
        })
        .await;
        assert_eq!(a.error_kind.map(|k| k.as_str()), Some("blocked"), "{name}: {:?}", a.error);
        let error = a.error.unwrap();
        assert!(error.starts_with("Blocked: private address (") && error.contains("Allow private and loopback targets"), "{name}: {error}");
    }
    rx.assert_silent(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn loopback_is_delivered_when_the_policy_is_on() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    t.set_allow_private(false);
    t.set_allow_private(true);
    let port = rx.url.rsplit(':').next().unwrap().split('/').next().unwrap().to_string();
    t.create_webhook(hook("By name", &format!("http://localhost:{port}/hook"), 1)).await.unwrap();
    t.accept_event(event("task.created", json!({}))).await.unwrap();
    assert_eq!(rx.take(1, Duration::from_secs(10)).await[0].path, "/hook");
}
