//! What a log row tells a reader: the delivery's outcome beside its attempt, the payload in a
//! line, where it went, when a retry is due; and that a Test says nothing of real deliveries.

use crate::utils::receiver::{Reply, TestReceiver};
use crate::utils::{event, eventually, hook, started_engine};
use hookdesk_engine::model::DeliveryState;
use hookdesk_engine::model::attempt::AttemptResult;
use hookdesk_engine::model::log_filter::{LogFilter, LogScope, ResultFilter};
use hookdesk_engine::model::{Ordering, RetryPolicy, WebhookStatus};
use hookdesk_engine::test_event::TestRequest;
use serde_json::json;
use std::time::{Duration, Instant};

const WITHIN: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_failed_attempt_of_a_delivery_that_then_succeeded_says_so() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.script([Reply::Status(503)]);
    let w = t.create_webhook(hook("Orders", &rx.url, 3)).await.unwrap();
    t.accept_event(event("task.created", json!({"task": {"id": 42, "name": "Pay the invoice"}}))).await.unwrap();
    rx.take(2, WITHIN).await;
    let scope = LogScope::Webhook(w.id.clone());
    let rows = eventually(WITHIN, "both attempts", || async {
        let rows = t.logs(scope.clone(), LogFilter::default(), 10, 0).await.unwrap();
        (rows.len() == 2).then_some(rows)
    })
    .await;
    let (second, first) = (&rows[0], &rows[1]);
    assert_eq!((first.result, first.delivery_state, first.delivery_attempts), (AttemptResult::Failed, DeliveryState::Succeeded, 2));
    assert_eq!(first.error.as_deref(), Some("HTTP 503 Service Unavailable"));
    assert_eq!((second.result, second.delivery_state), (AttemptResult::Success, DeliveryState::Succeeded));
    assert_eq!(first.payload_summary, "task.id: 42 · task.name: Pay the invoice");
    assert_eq!(first.url, rx.url);

    // "Failed attempts" lists the first; "failed deliveries" nothing: no delivery failed.
    let failed = |result| {
        let scope = scope.clone();
        let t = &t;
        async move { t.logs(scope, LogFilter { result: Some(result), ..Default::default() }, 10, 0).await.unwrap() }
    };
    assert_eq!(failed(ResultFilter::Failed).await.len(), 1);
    assert!(failed(ResultFilter::DeliveryFailed).await.is_empty());

    rx.set_default(Reply::Status(500));
    t.accept_event(event("task.created", json!({}))).await.unwrap();
    rx.take(3, WITHIN).await;
    let gone = eventually(WITHIN, "the failed delivery", || async {
        let rows = failed(ResultFilter::DeliveryFailed).await;
        (rows.len() == 1).then_some(rows)
    })
    .await;
    assert_eq!((gone[0].attempt, gone[0].delivery_state), (3, DeliveryState::Failed), "one row per failed delivery: its last attempt");
}

#[tokio::test]
async fn retry_now_makes_the_next_attempt_at_once() {
    let t = started_engine().await;
    for ordering in [Ordering::Sequential, Ordering::Parallel] {
        let rx = TestReceiver::start().await;
        rx.script([Reply::Status(500)]);
        let mut form = hook(&format!("Slow retry {ordering:?}"), &rx.url, 2);
        form.delivery.retry = RetryPolicy::Fixed { delay_ms: 120_000 };
        form.delivery.ordering = ordering;
        form.delivery.concurrency = 4;
        let w = t.create_webhook(form).await.unwrap();
        t.accept_event(event("task.created", json!({}))).await.unwrap();
        rx.take(1, WITHIN).await;
        let row = eventually(WITHIN, "the retrying row", || async {
            t.logs(LogScope::Webhook(w.id.clone()), LogFilter::default(), 1, 0)
                .await
                .unwrap()
                .pop()
                .filter(|r| r.result == AttemptResult::Retrying)
        })
        .await;
        assert!(row.next_attempt_at.is_some(), "a retrying row says when the retry is due");
        let asked = Instant::now();
        t.retry_now(row.delivery_id).await.unwrap();
        rx.take(1, Duration::from_secs(5)).await;
        assert!(asked.elapsed() < Duration::from_secs(5), "{ordering:?}: not after the two minutes");
        let done = eventually(WITHIN, "the delivery to end", || async {
            let rows = t.logs(LogScope::Webhook(w.id.clone()), LogFilter::default(), 1, 0).await.unwrap();
            rows.into_iter().next().filter(|r| r.result == AttemptResult::Success)
        })
        .await;
        let err = t.retry_now(done.delivery_id).await.unwrap_err();
        assert_eq!(err.kind(), hookdesk_engine::ErrorKind::Conflict, "{err}");
        // The queue goes on: the deliveries after it are made.
        for n in 0..3 {
            t.accept_event(event("task.created", json!({"n": n}))).await.unwrap();
        }
        assert_eq!(rx.take(3, WITHIN).await.len(), 3, "{ordering:?}: the queue moves on after a Retry now");
    }
}

#[tokio::test]
async fn a_test_leaves_the_webhooks_last_result_and_status_alone() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    let mut form = hook("Orders", &rx.url, 1);
    form.delivery.pause_after_failures = 1;
    let w = t.create_webhook(form.clone()).await.unwrap();
    t.accept_event(event("task.created", json!({}))).await.unwrap();
    rx.take(1, WITHIN).await;
    let real = eventually(WITHIN, "the real attempt", || async { t.activity().await.unwrap().remove(&w.id)?.last_attempt }).await;

    // A Test of a URL typed into the form, never saved, that fails.
    let mut typed = form.clone();
    typed.url = "http://127.0.0.1:9/nothing-listens".into();
    let test = t.send_test(TestRequest { webhook_id: Some(w.id.clone()), input: typed, event_type: "task.created".into() }).await.unwrap();
    assert_eq!(test.result, AttemptResult::Failed);
    let activity = t.activity().await.unwrap().remove(&w.id).unwrap();
    assert_eq!(activity.last_attempt.map(|a| a.id), Some(real.id), "the last delivery is still the real one");
    let after = t.get_webhook(&w.id).await.unwrap();
    assert_eq!((after.status, after.active), (WebhookStatus::Active, true), "one failed Test pauses nothing");

    let scope = LogScope::Webhook(w.id.clone());
    assert_eq!(t.logs(scope.clone(), LogFilter::default(), 10, 0).await.unwrap().len(), 2, "the test is in the logs");
    let without = t.logs(scope, LogFilter { exclude_tests: Some(true), ..Default::default() }, 10, 0).await.unwrap();
    assert_eq!(without.len(), 1, "and the filter can hide it");
    assert!(!without[0].test);
}

#[tokio::test]
async fn an_event_id_finds_its_deliveries_to_every_webhook_and_a_status_its_attempts() {
    let t = started_engine().await;
    let (ok_rx, bad_rx) = (TestReceiver::start().await, TestReceiver::start().await);
    bad_rx.set_default(Reply::Status(422));
    t.create_webhook(hook("Orders", &ok_rx.url, 1)).await.unwrap();
    t.create_webhook(hook("Billing", &bad_rx.url, 1)).await.unwrap();
    let first = t.accept_event(event("task.created", json!({"n": 1}))).await.unwrap();
    t.accept_event(event("task.created", json!({"n": 2}))).await.unwrap();
    ok_rx.take(2, WITHIN).await;
    bad_rx.take(2, WITHIN).await;
    eventually(WITHIN, "four attempts", || async { (t.count_logs(LogScope::All, LogFilter::default()).await.unwrap() == 4).then_some(()) })
        .await;

    let of_event = LogFilter { event_id: Some(format!(" {} ", first.event_id)), ..Default::default() };
    let rows = t.logs(LogScope::All, of_event.clone(), 50, 0).await.unwrap();
    let mut codes: Vec<_> = rows.iter().map(|r| (r.event_id.clone(), r.webhook_code.clone().unwrap())).collect();
    codes.sort();
    assert_eq!(codes, [(first.event_id.clone(), "billing".to_string()), (first.event_id.clone(), "orders".to_string())]);
    let unknown = LogFilter { event_id: Some("evt_nothing_like_it".into()), ..Default::default() };
    assert_eq!(t.count_logs(LogScope::All, unknown).await.unwrap(), 0);

    let refused = LogFilter { status_code: Some(422), ..Default::default() };
    let rows = t.logs(LogScope::All, refused.clone(), 50, 0).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.status_code == Some(422) && r.webhook_code.as_deref() == Some("billing")));
    assert_eq!(t.count_logs(LogScope::All, LogFilter { status_code: Some(422), ..of_event }).await.unwrap(), 1);
    // Queued deliveries have no status: a status filter shows none of them.
    assert_eq!(t.queued_logs(LogScope::All, refused, 50).await.unwrap().total, 0);
}
