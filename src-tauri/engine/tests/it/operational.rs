//! Hookdesk's own events: a pause, a deactivation (by a 410 or by the user), an activation
//! and a used-up delivery become real, signed events for the webhooks that subscribe, and
//! never reach the webhook they are about.

use crate::utils::receiver::{Reply, TestReceiver};
use crate::utils::{event, hook, started_engine};
use hookdesk_engine::ErrorKind;
use hookdesk_engine::model::WebhookInput;
use serde_json::json;
use std::time::Duration;

const WITHIN: Duration = Duration::from_secs(10);
const ALL: [&str; 4] =
    ["hookdesk.webhook.paused", "hookdesk.webhook.disabled", "hookdesk.webhook.activated", "hookdesk.delivery.exhausted"];

/// A webhook for these event types, one attempt each.
fn watcher(name: &str, url: &str, types: &[&str]) -> WebhookInput {
    let mut form = hook(name, url, 1);
    form.events = types.iter().map(|t| t.to_string()).collect();
    form
}

/// Every operational type, and `task.created`.
const TASKS_TOO: [&str; 5] = ["task.created", ALL[0], ALL[1], ALL[2], ALL[3]];

#[tokio::test]
async fn a_pause_and_the_resume_reach_the_watcher_and_never_the_paused_webhook() {
    let t = started_engine().await;
    let (source_rx, watch_rx) = (TestReceiver::start().await, TestReceiver::start().await);
    source_rx.set_default(Reply::Status(503));
    // The source subscribes to operational events too: none about itself may reach it.
    let mut form = watcher("Orders", &source_rx.url, &TASKS_TOO);
    form.delivery.pause_after_failures = 2;
    let source = t.create_webhook(form).await.unwrap();
    // Each failed delivery also used up its one attempt: this watcher hears of the pause only.
    let watch = t.create_webhook(watcher("Chat", &watch_rx.url, &[ALL[0], ALL[2]])).await.unwrap();
    let secret = t.signing_secret(&watch.id).await.unwrap();

    let mut sent = Vec::new();
    for n in 0..2 {
        sent.push(t.accept_event(event("task.created", json!({"n": n}))).await.unwrap().event_id);
    }
    source_rx.take(2, WITHIN).await;
    let report = watch_rx.take(1, WITHIN).await.remove(0);
    standardwebhooks::Webhook::new(&secret).unwrap().verify(&report.body, &report.headers).expect("signed like any event");
    let body = report.json();
    assert_eq!(body["type"], "hookdesk.webhook.paused");
    assert_eq!(body["webhook"]["code"], "chat", "the envelope names the receiving webhook");
    let data = &body["data"];
    assert_eq!(data["webhook"], json!({"id": source.id.to_string(), "code": "orders", "name": "Orders"}));
    assert_eq!(data["by"], "engine");
    assert!(data["reason"].as_str().unwrap().contains("2 consecutive failed deliveries"), "{data}");
    let last = &data["last_attempt"];
    assert_eq!(
        (last["event_id"].as_str(), last["status_code"].as_u64(), last["result"].as_str()),
        (Some(sent[1].as_str()), Some(503), Some("failed"))
    );

    source_rx.set_default(Reply::Status(200));
    t.patch_webhook(&source.id, json!({"active": true})).await.unwrap();
    let resumed = watch_rx.take(1, WITHIN).await.remove(0).json();
    assert_eq!(
        (resumed["type"].as_str(), resumed["data"]["reason"].as_str()),
        (Some("hookdesk.webhook.activated"), Some("Resumed by the user."))
    );
    assert_eq!(resumed["data"]["by"], "user");
    // Nothing about itself came to the source: it is silent once the resume settles.
    source_rx.assert_silent(Duration::from_millis(600)).await;
}

#[tokio::test]
async fn a_used_up_delivery_is_reported_once_and_a_failing_report_makes_no_further_one() {
    let t = started_engine().await;
    let (source_rx, watch_rx) = (TestReceiver::start().await, TestReceiver::start().await);
    source_rx.set_default(Reply::Status(500));
    watch_rx.set_default(Reply::Status(500));
    let mut form = watcher("Orders", &source_rx.url, &TASKS_TOO);
    form.delivery.attempts = 2;
    let source = t.create_webhook(form).await.unwrap();
    // The watcher fails too: its report uses up its one attempt, which must not be
    // reported back to the source (two failing webhooks would report each other forever).
    t.create_webhook(watcher("Chat", &watch_rx.url, &ALL)).await.unwrap();

    let accepted = t.accept_event(event("task.created", json!({"n": 1}))).await.unwrap();
    source_rx.take(2, WITHIN).await;
    let report = watch_rx.take(1, WITHIN).await.remove(0).json();
    assert_eq!(report["type"], "hookdesk.delivery.exhausted");
    let data = &report["data"];
    assert_eq!(data["webhook"]["id"], source.id.to_string());
    assert_eq!(data["delivery"]["id"], accepted.deliveries[0].id.0);
    assert_eq!((data["delivery"]["event_id"].as_str(), data["delivery"]["attempts"].as_u64()), (Some(accepted.event_id.as_str()), Some(2)));
    assert_eq!((data["last_attempt"]["attempt"].as_u64(), data["last_attempt"]["status_code"].as_u64()), (Some(2), Some(500)));
    assert!(data["reason"].as_str().unwrap().starts_with("The delivery used up its 2 attempts"), "{data}");
    source_rx.assert_silent(Duration::from_millis(600)).await;
    watch_rx.assert_silent(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn a_410_and_a_deactivation_by_the_user_are_both_reported_as_disabled() {
    let t = started_engine().await;
    let (gone_rx, other_rx, watch_rx) = (TestReceiver::start().await, TestReceiver::start().await, TestReceiver::start().await);
    gone_rx.set_default(Reply::Status(410));
    let gone = t.create_webhook(hook("Gone", &gone_rx.url, 3)).await.unwrap();
    let other = t.create_webhook(hook("Other", &other_rx.url, 3)).await.unwrap();
    t.create_webhook(watcher("Chat", &watch_rx.url, &ALL)).await.unwrap();

    t.accept_event(event("task.created", json!({}))).await.unwrap();
    other_rx.take(1, WITHIN).await;
    let by_endpoint = watch_rx.take(1, WITHIN).await.remove(0).json();
    assert_eq!((by_endpoint["type"].as_str(), by_endpoint["data"]["by"].as_str()), (Some("hookdesk.webhook.disabled"), Some("endpoint")));
    assert_eq!(by_endpoint["data"]["webhook"]["code"], gone.code);
    assert_eq!(by_endpoint["data"]["last_attempt"]["status_code"], 410);

    t.set_webhooks_active(vec![other.id.clone()], false).await.unwrap();
    let by_user = watch_rx.take(1, WITHIN).await.remove(0).json();
    assert_eq!((by_user["type"].as_str(), by_user["data"]["by"].as_str()), (Some("hookdesk.webhook.disabled"), Some("user")));
    assert_eq!(by_user["data"]["webhook"]["code"], "other");
    // Saving a webhook whose status stays the same says nothing.
    t.set_webhooks_active(vec![other.id.clone()], false).await.unwrap();
    watch_rx.assert_silent(Duration::from_millis(500)).await;
}

#[tokio::test]
async fn only_hookdesk_emits_its_own_types_and_the_catalog_lists_them_with_samples() {
    let t = started_engine().await;
    let refused = t.accept_event(event("hookdesk.webhook.paused", json!({}))).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Invalid);
    assert!(refused.to_string().contains("Hookdesk's own event types"), "{refused}");
    let custom =
        hookdesk_engine::catalog::CustomEventTypeInput { name: "hookdesk.custom".into(), description: String::new(), sample: json!({}) };
    assert_eq!(t.save_event_type(custom).await.unwrap_err().kind(), ErrorKind::Invalid);
    let catalog = t.catalog().await.unwrap();
    for name in ALL {
        let ty = catalog.types.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("{name} in the catalog"));
        assert_eq!(ty.entity, "Hookdesk");
        assert!(ty.sample["webhook"]["code"].is_string() && ty.sample["reason"].is_string(), "{name}: {}", ty.sample);
    }
}
