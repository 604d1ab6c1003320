//! Deliveries against real receivers on loopback: signatures, retries, ordering, pausing,
//! and hostile receivers.

use crate::utils::receiver::{Reply, TestReceiver};
use crate::utils::{event, eventually, hook, started_engine};
use hookdesk_engine::model::attempt::AttemptResult;
use hookdesk_engine::model::log_filter::{LogFilter, LogScope};
use hookdesk_engine::model::{Ordering, WebhookStatus};
use serde_json::json;
use std::time::Duration;

const WITHIN: Duration = Duration::from_secs(10);

#[tokio::test]
async fn signatures_verify_with_the_standard_webhooks_library_and_retries_keep_the_id() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.script([Reply::Status(500), Reply::Status(503)]);
    let w = t.create_webhook(hook("Orders", &rx.url, 3)).await.unwrap();
    let secret = t.signing_secret(&w.id).await.unwrap();
    let verifier = standardwebhooks::Webhook::new(&secret).unwrap();

    let accepted = t.accept_event(event("task.created", json!({"task": {"id": 7}}))).await.unwrap();
    assert_eq!(accepted.deliveries.len(), 1);
    assert_eq!(accepted.deliveries[0].webhook_code, "orders");
    let tries = rx.take(3, WITHIN).await;
    for r in &tries {
        verifier.verify(&r.body, &r.headers).expect("the official verifier accepts every attempt");
        assert_eq!(r.header("webhook-id"), accepted.event_id, "the same webhook-id on every retry");
        assert_eq!(r.header("content-type"), "application/json");
        assert!(r.header("user-agent").starts_with("Hookdesk/"));
        let ts: i64 = r.header("webhook-timestamp").parse().unwrap();
        assert!((ts - hookdesk_engine::model::time::now_ms() / 1000).abs() < 30, "a fresh timestamp");
    }
    assert_eq!(tries[0].body, tries[2].body, "the body is the same bytes every time");
    let body = tries[0].json();
    assert_eq!(
        (body["id"].as_str(), body["type"].as_str(), body["test"].as_bool()),
        (Some(accepted.event_id.as_str()), Some("task.created"), Some(false))
    );
    assert_eq!(body["webhook"], json!({"id": w.id, "code": "orders"}));
    assert_eq!(body["data"], json!({"task": {"id": 7}}));

    // A tampered body does not verify.
    let mut tampered = tries[2].body.to_vec();
    tampered[10] ^= 1;
    assert!(verifier.verify(&tampered, &tries[2].headers).is_err());

    let logs = eventually(WITHIN, "three logged attempts", || async {
        let l = t.logs(LogScope::Webhook(w.id.clone()), LogFilter::default(), 10, 0).await.unwrap();
        (l.len() == 3 && l[0].result == AttemptResult::Success).then_some(l)
    })
    .await;
    assert_eq!(logs.iter().map(|a| (a.attempt, a.status_code)).collect::<Vec<_>>(), [(3, Some(200)), (2, Some(503)), (1, Some(500))]);
    assert_eq!(logs[2].result, AttemptResult::Failed);
}

#[tokio::test]
async fn during_a_rotation_both_secrets_sign() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    let w = t.create_webhook(hook("Orders", &rx.url, 1)).await.unwrap();
    let old = t.signing_secret(&w.id).await.unwrap();
    t.rotate_secret(&w.id).await.unwrap();
    let new = t.signing_secret(&w.id).await.unwrap();
    t.accept_event(event("task.created", json!({}))).await.unwrap();
    let r = rx.take(1, WITHIN).await.remove(0);
    assert_eq!(r.header("webhook-signature").split(' ').count(), 2);
    standardwebhooks::Webhook::new(&old).unwrap().verify(&r.body, &r.headers).expect("old secret verifies");
    standardwebhooks::Webhook::new(&new).unwrap().verify(&r.body, &r.headers).expect("new secret verifies");
}

#[tokio::test]
async fn used_up_attempts_fail_the_delivery() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Status(500));
    let w = t.create_webhook(hook("Orders", &rx.url, 2)).await.unwrap();
    t.accept_event(event("task.created", json!({}))).await.unwrap();
    rx.take(2, WITHIN).await;
    let logs = eventually(WITHIN, "two failed attempts", || async {
        let l = t.logs(LogScope::Webhook(w.id.clone()), LogFilter::default(), 10, 0).await.unwrap();
        (l.len() == 2 && l[0].result == AttemptResult::Failed).then_some(l)
    })
    .await;
    assert_eq!((logs[0].attempt, logs[0].attempts, logs[0].error.as_deref()), (2, 2, Some("HTTP 500 Internal Server Error")));
    rx.assert_silent(Duration::from_millis(400)).await;
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    let mut form = hook("Orders", &rx.url, 2);
    form.delivery.retry = hookdesk_engine::model::RetryPolicy::Fixed { delay_ms: 20_000 };
    rx.script([Reply::WithHeaders(429, vec![("retry-after", "1".into())])]);
    t.create_webhook(form).await.unwrap();
    t.accept_event(event("task.created", json!({}))).await.unwrap();
    // Within 10 s: the receiver's 1 s, not the 20 s schedule.
    let tries = rx.take(2, WITHIN).await;
    let gap = tries[1].at - tries[0].at;
    assert!(gap >= Duration::from_millis(950), "waited only {gap:?}, not the 1 s asked for");
}

#[tokio::test]
async fn gone_ends_the_delivery_and_deactivates_the_webhook() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Status(410));
    let w = t.create_webhook(hook("Orders", &rx.url, 5)).await.unwrap();
    t.accept_event(event("task.created", json!({}))).await.unwrap();
    rx.take(1, WITHIN).await;
    let after = eventually(WITHIN, "the webhook to be deactivated", || async {
        let w = t.get_webhook(&w.id).await.unwrap();
        (w.status == WebhookStatus::Disabled).then_some(w)
    })
    .await;
    assert!(after.status_reason.unwrap().contains("410 Gone"));
    rx.assert_silent(Duration::from_millis(500)).await;
    // Deactivated means no new deliveries either.
    let accepted = t.accept_event(event("task.created", json!({}))).await.unwrap();
    assert!(accepted.deliveries.is_empty());
}

#[tokio::test]
async fn a_sequential_webhook_keeps_order_while_its_head_is_retried() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.script([Reply::Status(500), Reply::Status(500)]);
    t.create_webhook(hook("Orders", &rx.url, 5)).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(t.accept_event(event("task.created", json!({"n": i}))).await.unwrap().event_id);
    }
    let got: Vec<String> = rx.take(7, WITHIN).await.iter().map(|r| r.event_id()).collect();
    let mut expected = vec![ids[0].clone(), ids[0].clone()];
    expected.extend(ids.iter().cloned());
    assert_eq!(got, expected, "the head is retried before anything behind it is attempted");
}

#[tokio::test]
async fn a_sequential_webhook_never_has_two_requests_in_flight() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Delay(Duration::from_millis(60), 200));
    t.create_webhook(hook("Orders", &rx.url, 1)).await.unwrap();
    for i in 0..4 {
        t.accept_event(event("task.created", json!({"n": i}))).await.unwrap();
    }
    rx.take(4, WITHIN).await;
    assert_eq!(rx.max_in_flight(), 1, "the next started only after the previous ended");
}

#[tokio::test]
async fn a_parallel_webhook_really_runs_in_parallel() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    // The first five are answered only once all five have arrived: they must run together.
    rx.set_default(Reply::Gate(5, 200));
    let mut form = hook("Orders", &rx.url, 1);
    form.delivery.ordering = Ordering::Parallel;
    form.delivery.concurrency = 5;
    let w = t.create_webhook(form).await.unwrap();
    for i in 0..8 {
        t.accept_event(event("task.created", json!({"n": i}))).await.unwrap();
    }
    rx.take(8, WITHIN).await;
    let logs = eventually(WITHIN, "eight logged attempts", || async {
        let l = t.logs(LogScope::Webhook(w.id.clone()), LogFilter::default(), 10, 0).await.unwrap();
        (l.len() == 8).then_some(l)
    })
    .await;
    assert!(logs.iter().all(|a| a.result == AttemptResult::Success), "the gate filled: five were in flight at once");
    assert_eq!(rx.max_in_flight(), 5, "never more than its concurrency");
}

#[tokio::test]
async fn a_dead_webhook_does_not_hold_up_another() {
    let t = started_engine().await;
    let dead = TestReceiver::start().await;
    dead.set_default(Reply::Hang);
    let live = TestReceiver::start().await;
    // Each of its attempts hangs for a minute: far longer than the live one may wait.
    let mut slow = hook("Dead", &dead.url, 3);
    slow.delivery.timeout_ms = 60_000;
    t.create_webhook(slow).await.unwrap();
    t.create_webhook(hook("Live", &live.url, 1)).await.unwrap();
    for i in 0..3 {
        t.accept_event(event("task.created", json!({"n": i}))).await.unwrap();
    }
    dead.take(1, WITHIN).await;
    live.take(3, WITHIN).await;
}

#[tokio::test]
async fn failures_pause_the_webhook_which_keeps_queueing_and_releases_in_order_on_reactivation() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Status(500));
    let mut form = hook("Orders", &rx.url, 1);
    form.delivery.pause_after_failures = 2;
    let w = t.create_webhook(form).await.unwrap();
    let mut notices = t.subscribe();
    for i in 0..2 {
        t.accept_event(event("task.created", json!({"n": i}))).await.unwrap();
    }
    rx.take(2, WITHIN).await;
    let paused = eventually(WITHIN, "the pause", || async {
        let w = t.get_webhook(&w.id).await.unwrap();
        (w.status == WebhookStatus::Paused).then_some(w)
    })
    .await;
    assert!(paused.status_reason.as_deref().unwrap().contains("2 consecutive failed deliveries"));
    assert!(!paused.active);
    // The window hears of the pause (the notice may follow the stored status a moment later).
    tokio::time::timeout(WITHIN, async {
        loop {
            let n = notices.recv().await.expect("notices keep coming");
            if matches!(n, hookdesk_engine::Notice::WebhookPaused { ref code, .. } if code == "orders") {
                break;
            }
        }
    })
    .await
    .expect("a WebhookPaused notice");

    // Paused: events keep queueing, nothing is sent.
    let mut held = Vec::new();
    for i in 0..3 {
        let a = t.accept_event(event("task.created", json!({"held": i}))).await.unwrap();
        assert_eq!(a.deliveries.len(), 1, "a paused webhook keeps queueing");
        held.push(a.event_id);
    }
    rx.assert_silent(Duration::from_millis(500)).await;
    assert_eq!(t.activity().await.unwrap()[&w.id].queued, 3);
    // The Logs tab shows them as PENDING rows, newest first.
    let scope = LogScope::Webhook(w.id.clone());
    let queued = t.queued_logs(scope.clone(), LogFilter::default(), 50).await.unwrap();
    assert_eq!(queued.total, 3);
    assert_eq!(queued.rows.iter().map(|r| r.event_id.clone()).rev().collect::<Vec<_>>(), held);
    assert!(queued.rows.iter().all(|r| r.result == AttemptResult::Pending && r.attempt == 0 && r.attempts == 1));
    let failed_only = LogFilter { result: Some(hookdesk_engine::model::log_filter::ResultFilter::Failed), ..Default::default() };
    assert_eq!(t.queued_logs(scope.clone(), failed_only, 50).await.unwrap().total, 0, "not failed");
    let other_type = LogFilter { event_type: Some("user.created".into()), ..Default::default() };
    assert_eq!(t.queued_logs(scope.clone(), other_type, 50).await.unwrap().total, 0);

    rx.set_default(Reply::Status(200));
    let resumed = t.patch_webhook(&w.id, json!({"active": true})).await.unwrap();
    assert_eq!((resumed.status, resumed.status_reason), (WebhookStatus::Active, None));
    let got: Vec<String> = rx.take(3, WITHIN).await.iter().map(|r| r.event_id()).collect();
    assert_eq!(got, held, "released in acceptance order");
    eventually(WITHIN, "the queue to empty", || async {
        (t.queued_logs(scope.clone(), LogFilter::default(), 50).await.unwrap().total == 0).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_webhook_deactivated_by_the_user_gets_nothing() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    let w = t.create_webhook(hook("Orders", &rx.url, 1)).await.unwrap();
    t.set_webhooks_active(vec![w.id.clone()], false).await.unwrap();
    let a = t.accept_event(event("task.created", json!({}))).await.unwrap();
    assert!(a.deliveries.is_empty());
    rx.assert_silent(Duration::from_millis(400)).await;
}

#[tokio::test]
async fn filters_route_events_to_the_right_webhooks() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    let mut orders = hook("Orders", &rx.url, 1);
    orders.events = vec!["task.created".into(), "survey.created".into()];
    orders.filters.workflow = vec!["purchase_orders".into()];
    orders.filters.group = vec!["north".into()];
    t.create_webhook(orders).await.unwrap();
    let route = |workflow: Option<&str>, event_type: &str, group: Option<&str>| {
        let mut e = event(event_type, json!({}));
        e.workflow = workflow.map(String::from);
        e.group = group.map(String::from);
        e
    };
    let count = |a: hookdesk_engine::ingest::Accepted| a.deliveries.len();
    assert_eq!(count(t.accept_event(route(Some("purchase_orders"), "task.created", None)).await.unwrap()), 1);
    assert_eq!(count(t.accept_event(route(Some("maintenance"), "task.created", None)).await.unwrap()), 0);
    assert_eq!(count(t.accept_event(route(None, "task.created", None)).await.unwrap()), 0);
    assert_eq!(count(t.accept_event(route(None, "survey.created", Some("north"))).await.unwrap()), 1);
    assert_eq!(count(t.accept_event(route(None, "survey.created", Some("south"))).await.unwrap()), 0);
    assert_eq!(count(t.accept_event(route(None, "user.created", None)).await.unwrap()), 0, "not subscribed");
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_its_target_never_hit() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Redirect("/elsewhere"));
    let w = t.create_webhook(hook("Orders", &rx.url, 1)).await.unwrap();
    t.accept_event(event("task.created", json!({}))).await.unwrap();
    let first = rx.take(1, WITHIN).await.remove(0);
    assert_eq!(first.path, "/hook");
    rx.assert_silent(Duration::from_millis(500)).await;
    let a = eventually(WITHIN, "the attempt", || async {
        t.logs(LogScope::Webhook(w.id.clone()), LogFilter::default(), 1, 0).await.unwrap().pop()
    })
    .await;
    assert_eq!((a.status_code, a.error_kind.map(|k| k.as_str())), (Some(302), Some("redirect")));
    assert!(a.error.unwrap().contains("/elsewhere"), "the Location is logged");
}

#[tokio::test]
async fn a_hanging_receiver_ends_at_the_timeout() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Hang);
    let mut form = hook("Orders", &rx.url, 1);
    form.delivery.timeout_ms = 500;
    let w = t.create_webhook(form).await.unwrap();
    t.accept_event(event("task.created", json!({}))).await.unwrap();
    let a = eventually(WITHIN, "the timed-out attempt", || async {
        t.logs(LogScope::Webhook(w.id.clone()), LogFilter::default(), 1, 0).await.unwrap().pop()
    })
    .await;
    assert_eq!((a.error_kind.map(|k| k.as_str()), a.error.as_deref()), (Some("timeout"), Some("timed out after 500 ms")));
    // Ended by the timeout, not by anything later (the generous bound is for busy machines).
    assert!(a.duration_ms >= 500 && a.duration_ms < 5000, "{} ms", a.duration_ms);
}

#[tokio::test]
async fn a_reset_connection_is_a_failed_attempt_that_says_so() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.script([Reply::Reset]);
    let w = t.create_webhook(hook("Orders", &rx.url, 2)).await.unwrap();
    t.accept_event(event("task.created", json!({}))).await.unwrap();
    rx.take(2, WITHIN).await;
    let logs = eventually(WITHIN, "both attempts", || async {
        let l = t.logs(LogScope::Webhook(w.id.clone()), LogFilter::default(), 5, 0).await.unwrap();
        (l.len() == 2).then_some(l)
    })
    .await;
    assert_eq!(logs[1].error_kind.map(|k| k.as_str()), Some("reset"), "{:?}", logs[1].error);
    assert_eq!(logs[0].result, AttemptResult::Success);
}

#[tokio::test]
async fn resend_delivers_the_same_event_again_to_the_current_url() {
    let t = started_engine().await;
    let old = TestReceiver::start().await;
    let new = TestReceiver::start().await;
    old.set_default(Reply::Status(500));
    let w = t.create_webhook(hook("Orders", &old.url, 1)).await.unwrap();
    let accepted = t.accept_event(event("task.created", json!({"n": 1}))).await.unwrap();
    let first = old.take(1, WITHIN).await.remove(0);
    t.patch_webhook(&w.id, json!({"url": new.url})).await.unwrap();
    let again = t.resend(accepted.deliveries[0].id).await.unwrap();
    assert_ne!(again, accepted.deliveries[0].id);
    let second = new.take(1, WITHIN).await.remove(0);
    assert_eq!(second.body, first.body, "the same event");
    assert_eq!(second.header("webhook-id"), accepted.event_id);
}

#[tokio::test]
async fn a_repeated_event_id_is_accepted_once() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    t.create_webhook(hook("Orders", &rx.url, 1)).await.unwrap();
    let mut e = event("task.created", json!({"n": 1}));
    e.id = Some("order-1042-created".into());
    let first = t.accept_event(e.clone()).await.unwrap();
    let second = t.accept_event(e.clone()).await.unwrap();
    assert_eq!(first, second, "answered with the same result");
    rx.take(1, WITHIN).await;
    rx.assert_silent(Duration::from_millis(400)).await;
    e.data = hookdesk_engine::model::event::raw_data(&json!({"n": 2}));
    assert_eq!(t.accept_event(e).await.unwrap_err().kind(), hookdesk_engine::ErrorKind::Conflict);
}

#[tokio::test]
async fn pending_deliveries_survive_a_restart_with_the_same_webhook_id() {
    let dir = tempfile::tempdir().unwrap();
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Status(500));
    let (event_id, first_body) = {
        let engine = hookdesk_engine::Engine::open(hookdesk_engine::EngineOptions::new(dir.path(), "test")).unwrap();
        engine.start().await.unwrap();
        let mut form = hook("Orders", &rx.url, 5);
        form.delivery.retry = hookdesk_engine::model::RetryPolicy::Fixed { delay_ms: 60_000 };
        engine.create_webhook(form).await.unwrap();
        let id =
            engine.accept_event(event("task.created", json!({"task": {"id": 9, "name": "Ünïcödé \"quoted\""}}))).await.unwrap().event_id;
        let first = rx.take(1, WITHIN).await.remove(0);
        engine.shutdown().await;
        (id, first.body)
    };
    rx.set_default(Reply::Status(200));
    let engine = hookdesk_engine::Engine::open(hookdesk_engine::EngineOptions::new(dir.path(), "test")).unwrap();
    // The retry was due in a minute; make it due now, as if the minute had passed.
    engine.db().write(|c| Ok(c.execute("UPDATE deliveries SET next_attempt_at = 0", [])?)).await.unwrap();
    engine.start().await.unwrap();
    let again = rx.take(1, WITHIN).await.remove(0);
    assert_eq!(again.header("webhook-id"), event_id);
    assert_eq!(again.body, first_body, "the body read back from disk is byte for byte the one sent before");
    engine.shutdown().await;
}

/// Waits for the notice that says a webhook's queue holds `queued` deliveries.
async fn queue_length_told(rx: &mut tokio::sync::broadcast::Receiver<hookdesk_engine::Notice>, webhook: &str, queued: u64) {
    let told = async {
        loop {
            match rx.recv().await.expect("notices") {
                hookdesk_engine::Notice::QueueChanged { webhook_id: Some(id), queued: n } if id == webhook && n == queued => return,
                _ => {}
            }
        }
    };
    tokio::time::timeout(WITHIN, told).await.unwrap_or_else(|_| panic!("no queue_changed with {queued} within {WITHIN:?}"));
}

#[tokio::test]
async fn notices_carry_each_queue_length_as_it_changes_and_it_agrees_with_the_database() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.script([Reply::Status(500)]);
    let mut form = hook("Orders", &rx.url, 1);
    form.delivery.pause_after_failures = 1;
    let w = t.create_webhook(form).await.unwrap();
    let mut notices = t.subscribe();
    t.accept_event(event("task.created", json!({"task": {"id": 0}}))).await.unwrap();
    // One delivery, then none once it failed (and paused the webhook).
    queue_length_told(&mut notices, &w.id, 1).await;
    queue_length_told(&mut notices, &w.id, 0).await;
    eventually(WITHIN, "the pause", || async { (t.get_webhook(&w.id).await.unwrap().status == WebhookStatus::Paused).then_some(()) }).await;
    for i in 1..=5 {
        t.accept_event(event("task.created", json!({"task": {"id": i}}))).await.unwrap();
    }
    // Held by the paused webhook: five waiting, as the window is told and the panel reads.
    queue_length_told(&mut notices, &w.id, 5).await;
    assert_eq!(t.activity().await.unwrap()[&w.id].queued, 5);

    // Activated: the window hears of the webhook as it is now, then each delivery that ends
    // takes one off, down to none.
    let mut changes = t.subscribe();
    let on = t.set_webhooks_active(vec![w.id.clone()], true).await.unwrap();
    match changes.recv().await.unwrap() {
        hookdesk_engine::Notice::WebhookChanged { webhook } => assert_eq!(*webhook, on[0]),
        other => panic!("expected webhook_changed first, got {other:?}"),
    }
    rx.take(6, WITHIN).await;
    for left in (0..5).rev() {
        queue_length_told(&mut changes, &w.id, left).await;
    }
    eventually(WITHIN, "no pending delivery in the database", || async {
        (t.activity().await.unwrap().get(&w.id).map_or(0, |a| a.queued) == 0).then_some(())
    })
    .await;
}
