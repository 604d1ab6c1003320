//! Recover: the failed deliveries of a window come back once, in acceptance order.

use crate::utils::receiver::{Reply, TestReceiver};
use crate::utils::{event, eventually, hook, started_engine};
use hookdesk_engine::model::DeliveryKind;
use hookdesk_engine::model::attempt::AttemptResult;
use hookdesk_engine::model::log_filter::{LogFilter, LogScope, ResultFilter};
use hookdesk_engine::model::time::{format_ms, now_ms};
use hookdesk_engine::recover::RecoverWindow;
use serde_json::json;
use std::time::Duration;

const WITHIN: Duration = Duration::from_secs(10);

fn since(ms: i64) -> RecoverWindow {
    RecoverWindow { since: format_ms(ms), until: None }
}

/// Waits until the webhook's logs hold `n` FAILED attempts.
async fn failed_attempts(t: &crate::utils::TestEngine, webhook: &hookdesk_engine::model::WebhookId, n: usize) {
    let filter = LogFilter { result: Some(ResultFilter::Failed), ..LogFilter::default() };
    eventually(WITHIN, &format!("{n} failed attempts"), || async {
        (t.count_logs(LogScope::Webhook(webhook.clone()), filter.clone()).await.unwrap() == n as u64).then_some(())
    })
    .await;
}

#[tokio::test]
async fn the_failures_of_a_window_are_delivered_again_once_in_order() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Status(500));
    let w = t.create_webhook(hook("Orders", &rx.url, 1)).await.unwrap();

    // One failure before the window…
    let before = t.accept_event(event("task.created", json!({"n": 0}))).await.unwrap();
    failed_attempts(&t, &w.id, 1).await;
    let start = now_ms() + 1;
    while now_ms() <= start {
        tokio::task::yield_now().await;
    }
    // …three in it, and one delivery that succeeded.
    let mut failed = Vec::new();
    for n in 1..=3 {
        failed.push(t.accept_event(event("task.created", json!({"n": n}))).await.unwrap().event_id);
    }
    failed_attempts(&t, &w.id, 4).await;
    rx.set_default(Reply::Status(200));
    t.accept_event(event("task.created", json!({"n": 4}))).await.unwrap();
    rx.take(5, WITHIN).await;

    assert_eq!(t.recoverable(&w.code, &since(start)).await.unwrap(), 3, "the count the confirmation shows");
    assert_eq!(t.recover(&w.code, &since(start)).await.unwrap().deliveries, 3);
    let again = rx.take(3, WITHIN).await;
    assert_eq!(again.iter().map(|r| r.event_id()).collect::<Vec<_>>(), failed, "the failed events, in acceptance order");
    assert!(!again.iter().any(|r| r.event_id() == before.event_id), "nothing from before the window");
    rx.assert_silent(Duration::from_millis(300)).await;

    // The new deliveries are the latest now: a second recover finds nothing.
    assert_eq!(t.recover(&w.code, &since(start)).await.unwrap().deliveries, 0);
    let rows = eventually(WITHIN, "three successful resends", || async {
        let rows = t.logs(LogScope::Webhook(w.id.clone()), LogFilter::default(), 10, 0).await.unwrap();
        (rows.iter().filter(|r| r.kind == DeliveryKind::Resend && r.result == AttemptResult::Success).count() == 3).then_some(rows)
    })
    .await;
    assert_eq!(rows.len(), 8, "five first attempts and three resends");
    assert_eq!(t.recoverable(&w.code, &since(start)).await.unwrap(), 0);
}

#[tokio::test]
async fn two_recovers_at_once_deliver_each_event_once() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Status(500));
    let w = t.create_webhook(hook("Orders", &rx.url, 1)).await.unwrap();
    let start = now_ms() - 1;
    for n in 0..5 {
        t.accept_event(event("task.created", json!({"n": n}))).await.unwrap();
    }
    failed_attempts(&t, &w.id, 5).await;
    rx.take(5, WITHIN).await;
    rx.set_default(Reply::Status(200));
    let window = since(start);
    let (a, b) = tokio::join!(t.recover(&w.id, &window), t.recover(&w.id, &window));
    let (a, b) = (a.unwrap().deliveries, b.unwrap().deliveries);
    assert_eq!(a + b, 5, "each failed event once between them ({a} + {b})");
    rx.take(5, WITHIN).await;
    rx.assert_silent(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn a_window_that_cannot_be_recovered_says_why() {
    let t = started_engine().await;
    let w = t.create_webhook(hook("Orders", "http://127.0.0.1:9/", 1)).await.unwrap();
    let now = now_ms();
    let field_of = |e: hookdesk_engine::Error| e.fields().first().map(|f| f.field.clone());

    let backwards = RecoverWindow { since: format_ms(now - 60_000), until: Some(format_ms(now - 120_000)) };
    assert_eq!(field_of(t.recover(&w.id, &backwards).await.unwrap_err()).as_deref(), Some("until"));
    let garbled = RecoverWindow { since: "yesterday".into(), until: None };
    assert_eq!(field_of(t.recover(&w.id, &garbled).await.unwrap_err()).as_deref(), Some("since"));
    let future = since(now + 3_600_000);
    assert_eq!(field_of(t.recover(&w.id, &future).await.unwrap_err()).as_deref(), Some("since"));
    // Older than the logs keep (30 days by default): those deliveries are gone.
    let err = t.recover(&w.id, &since(now - 31 * 24 * 3_600_000)).await.unwrap_err();
    assert!(err.to_string().contains("30 days") || err.fields()[0].message.contains("30 days"), "{err}");

    t.set_webhooks_active(vec![w.id.clone()], false).await.unwrap();
    let err = t.recover(&w.id, &since(now - 60_000)).await.unwrap_err();
    assert_eq!(err.kind(), hookdesk_engine::ErrorKind::Conflict, "{err}");
    assert!(err.to_string().contains("activate it first"));
    assert_eq!(t.recover("nope", &since(now - 60_000)).await.unwrap_err().kind(), hookdesk_engine::ErrorKind::NotFound);
}

#[tokio::test]
async fn a_cancelled_recover_takes_back_what_has_not_started_and_a_later_one_finds_it() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Status(500));
    let w = t.create_webhook(hook("Orders", &rx.url, 1)).await.unwrap();
    let start = now_ms() - 1;
    let mut events = Vec::new();
    for n in 0..5 {
        events.push(t.accept_event(event("task.created", json!({"n": n}))).await.unwrap().event_id);
    }
    failed_attempts(&t, &w.id, 5).await;
    rx.take(5, WITHIN).await;

    // The first redelivery is on its way (sequential: the others wait behind it).
    rx.set_default(Reply::Delay(Duration::from_millis(400), 200));
    let recovered = t.recover(&w.code, &since(start)).await.unwrap();
    assert_eq!(recovered.deliveries, 5);
    let progress = t.recover_progress(&w.code, &recovered).await.unwrap();
    assert_eq!(progress.succeeded + progress.failed + progress.waiting, 5, "{progress:?}");
    let first = rx.take(1, WITHIN).await;
    assert_eq!(first[0].event_id(), events[0]);

    assert_eq!(t.cancel_recover(&w.code, &recovered).await.unwrap(), 4, "the four not started");
    let done = eventually(WITHIN, "the one under way ends", || async {
        let p = t.recover_progress(&w.code, &recovered).await.unwrap();
        (p.waiting == 0).then_some(p)
    })
    .await;
    assert_eq!((done.succeeded, done.failed), (1, 0), "the one under way finished; the four taken back are gone");
    rx.assert_silent(Duration::from_millis(600)).await;
    assert_eq!(t.cancel_recover(&w.code, &recovered).await.unwrap(), 0, "nothing left to take back");

    // Their events stay failed: the next recover brings exactly those back, in order.
    rx.set_default(Reply::Status(200));
    assert_eq!(t.recoverable(&w.code, &since(start)).await.unwrap(), 4);
    assert_eq!(t.recover(&w.code, &since(start)).await.unwrap().deliveries, 4);
    let again = rx.take(4, WITHIN).await;
    assert_eq!(again.iter().map(|r| r.event_id()).collect::<Vec<_>>(), events[1..]);
    // Nothing stranded: no delivery of the webhook stays pending (an attempt under way
    // counts as pending until it is recorded, hence the wait).
    eventually(WITHIN, "nothing stranded in the queue", || async { (t.activity().await.unwrap()[&w.id].queued == 0).then_some(()) }).await;
}

#[tokio::test]
async fn resend_all_matching_sends_each_delivery_of_the_view_again_in_acceptance_order() {
    let t = started_engine().await;
    let (rx, other_rx) = (TestReceiver::start().await, TestReceiver::start().await);
    rx.set_default(Reply::Status(500));
    let w = t.create_webhook(hook("Orders", &rx.url, 2)).await.unwrap();
    t.create_webhook(hook("Billing", &other_rx.url, 1)).await.unwrap();
    let mut events = Vec::new();
    for n in 0..3 {
        events.push(t.accept_event(event("task.created", json!({"n": n}))).await.unwrap());
    }
    rx.take(6, WITHIN).await;
    other_rx.take(3, WITHIN).await;
    failed_attempts(&t, &w.id, 6).await;
    let scope = LogScope::Webhook(w.id.clone());
    let failed = LogFilter { result: Some(ResultFilter::Failed), ..LogFilter::default() };
    // Six failed attempts, but three deliveries: each goes again once.
    assert_eq!(t.count_resendable(scope.clone(), failed.clone()).await.unwrap(), 3);
    assert_eq!(t.count_resendable(LogScope::All, LogFilter::default()).await.unwrap(), 6);

    rx.set_default(Reply::Status(200));
    let resent = t.resend_matching(scope.clone(), failed).await.unwrap();
    assert_eq!((resent.deliveries, resent.skipped), (3, 0));
    let got: Vec<String> = rx.take(3, WITHIN).await.iter().map(|r| r.event_id()).collect();
    assert_eq!(got, events.iter().map(|e| e.event_id.clone()).collect::<Vec<_>>(), "in acceptance order");
    other_rx.assert_silent(Duration::from_millis(300)).await;

    // Resend selected: picked newest first and twice, sent once each, oldest event first.
    let to_orders = |e: &hookdesk_engine::ingest::Accepted| e.deliveries.iter().find(|d| d.webhook_code == "orders").unwrap().id;
    let picked = vec![to_orders(&events[2]), to_orders(&events[0]), to_orders(&events[2])];
    let resent = t.resend_deliveries(picked).await.unwrap();
    assert_eq!((resent.deliveries, resent.skipped), (2, 0));
    let got: Vec<String> = rx.take(2, WITHIN).await.iter().map(|r| r.event_id()).collect();
    assert_eq!(got, [events[0].event_id.clone(), events[2].event_id.clone()]);
    let rows = eventually(WITHIN, "the resends logged", || async {
        let rows = t.logs(scope.clone(), LogFilter::default(), 50, 0).await.unwrap();
        (rows.len() == 11).then_some(rows)
    })
    .await;
    assert!(rows[..5].iter().all(|r| r.kind == DeliveryKind::Resend && r.result == AttemptResult::Success));

    // A delivery that no longer exists is skipped, not an error.
    let gone = t.resend_deliveries(vec![hookdesk_engine::model::DeliveryId(999_999)]).await.unwrap();
    assert_eq!((gone.deliveries, gone.skipped), (0, 1));
}
