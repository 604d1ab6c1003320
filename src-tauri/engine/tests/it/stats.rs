//! Health: the figures of a window, from the rollup kept with each attempt.

use crate::utils::receiver::{Reply, TestReceiver};
use crate::utils::{event, eventually, hook, started_engine};
use hookdesk_engine::model::log_filter::{LogFilter, LogScope};
use hookdesk_engine::model::time::now_ms;
use hookdesk_engine::model::{DeliveryState, Webhook, WebhookId, WebhookStatus};
use hookdesk_engine::stats::StatsWindow;
use hookdesk_engine::store::attempts::{NewAttempt, record};
use hookdesk_engine::store::stats;
use serde_json::json;
use std::time::Duration;

const WITHIN: Duration = Duration::from_secs(10);

/// Records attempts of known durations for `webhook`, through the path deliveries take,
/// on the delivery `delivery` (any existing one: only the attempts' webhook counts).
async fn record_attempts(t: &crate::utils::TestEngine, delivery: i64, webhook: &WebhookId, attempts: Vec<(i64, u64, bool, bool)>) {
    let webhook = webhook.clone();
    t.db()
        .write(move |conn| {
            for (executed_at, duration_ms, success, test) in attempts {
                let a = NewAttempt {
                    delivery_id: delivery,
                    webhook_id: Some(webhook.clone()),
                    event_type: "task.created".into(),
                    attempt: 1,
                    max_attempts: 1,
                    success,
                    status_code: Some(if success { 200 } else { 503 }),
                    error_kind: None,
                    error: None,
                    duration_ms,
                    executed_at,
                    test,
                    request_url: "https://hooks.example.com/".into(),
                    request_headers: Default::default(),
                    response_headers: None,
                    response_body: None,
                    response_truncated: false,
                };
                record(conn, &a, 1, DeliveryState::Succeeded, executed_at)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

/// Two webhooks: "Real", to the receiver, and "Fixture", deactivated, for attempts recorded
/// by hand. One event is delivered to Real (delivery 1), and its attempt logged: the receiver
/// has the request before the engine records it, and a read in between would miss it.
async fn real_and_fixture(t: &crate::utils::TestEngine, rx: &TestReceiver) -> (Webhook, Webhook) {
    let real = t.create_webhook(hook("Real", &rx.url, 1)).await.unwrap();
    let fixture = t.create_webhook(hook("Fixture", "http://127.0.0.1:9/", 1)).await.unwrap();
    // Active, it would get the event too, and fail on its own in the middle of the test.
    t.set_webhooks_active(vec![fixture.id.clone()], false).await.unwrap();
    t.accept_event(event("task.created", json!({}))).await.unwrap();
    rx.take(1, WITHIN).await;
    eventually(WITHIN, "the real attempt logged", || async {
        (t.count_logs(LogScope::All, LogFilter::default()).await.unwrap() == 1).then_some(())
    })
    .await;
    (real, t.get_webhook(&fixture.id).await.unwrap())
}

#[tokio::test]
async fn the_figures_of_each_window_match_a_hand_computed_fixture() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    let (real, fixture) = real_and_fixture(&t, &rx).await;
    let now = now_ms();
    // Ten minutes ago: 10 × 12 ms and 6 × 150 ms that succeeded, 2 × 700 ms and 2 × 3 s
    // that failed, and a Test (never counted). Sorted, the 10th of 20 is 12 ms (p50) and the
    // 19th is 3,000 ms (p95).
    let recent = now - 10 * 60_000;
    let mut attempts = Vec::new();
    attempts.extend((0..10).map(|_| (recent, 12, true, false)));
    attempts.extend((0..6).map(|_| (recent, 150, true, false)));
    attempts.extend((0..2).map(|_| (recent, 700, false, false)));
    attempts.extend((0..2).map(|_| (recent, 3000, false, false)));
    attempts.push((recent, 5, true, true));
    // Two hours ago (in 24 h, not 1 h) and two days ago (in 7 d only): 40 ms each.
    attempts.push((now - 2 * 3_600_000, 40, true, false));
    attempts.push((now - 2 * 86_400_000, 40, true, false));
    record_attempts(&t, 1, &fixture.id, attempts).await;

    let hour = t.webhook_stats(&fixture.code, StatsWindow::Hour).await.unwrap();
    assert_eq!((hour.attempts, hour.succeeded, hour.failed), (20, 16, 4));
    assert_eq!(hour.success_rate, Some(0.8));
    assert_eq!((hour.p50_ms, hour.p95_ms), (Some(12), Some(3000)));
    assert_eq!(hour.status, Some(WebhookStatus::Disabled));
    assert_eq!(hour.series.len(), 60, "a point a minute");
    let busy: Vec<_> = hour.series.iter().filter(|p| p.succeeded + p.failed > 0).collect();
    assert_eq!(busy.len(), 1, "one minute had attempts");
    assert_eq!((busy[0].succeeded, busy[0].failed, busy[0].p95_ms), (16, 4, Some(3000)));
    assert_eq!(hookdesk_engine::model::time::parse_rfc3339_ms(&busy[0].at), Some(recent - recent % 60_000));

    let day = t.webhook_stats(&fixture.id, StatsWindow::Day).await.unwrap();
    assert_eq!((day.attempts, day.succeeded, day.failed, day.series.len()), (21, 17, 4, 96));
    // Sorted 12 × 10, 40, 150 × 6, …: the p50 rank is ⌈10.5⌉ = 11, the 40 ms one.
    assert_eq!(day.p50_ms, Some(40));
    let week = t.webhook_stats(&fixture.id, StatsWindow::Week).await.unwrap();
    assert_eq!((week.attempts, week.succeeded, week.series.len()), (22, 18, 168));
    assert_eq!(week.p95_ms, Some(3000), "⌈20.9⌉ = 21st of 22 is a 3 s one");

    // All webhooks: the fixture's and the real delivery.
    let all = t.stats(StatsWindow::Hour).await.unwrap();
    assert_eq!((all.attempts, all.succeeded), (21, 17));
    assert_eq!(all.status, None);
    let real_stats = t.webhook_stats(&real.code, StatsWindow::Hour).await.unwrap();
    assert_eq!((real_stats.attempts, real_stats.succeeded, real_stats.waiting), (1, 1, 0));

    // The list's bars: each webhook's last 24 hours, hour by hour.
    let bars = t.health_bars().await.unwrap();
    assert_eq!(bars[&fixture.id].succeeded.iter().sum::<u32>(), 17);
    assert_eq!(bars[&fixture.id].failed.iter().sum::<u32>(), 4);
    assert_eq!(bars[&fixture.id].succeeded.len(), 24);
    assert_eq!(*bars[&real.id].succeeded.last().unwrap(), 1, "the real attempt is in the current hour");
}

#[tokio::test]
async fn a_rebuilt_rollup_is_the_one_kept_with_each_attempt() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    let (_, fixture) = real_and_fixture(&t, &rx).await;
    let now = now_ms();
    // Every bucket edge, and a ms each side of it, in the last hour.
    let durations: Vec<u64> =
        (0..2_000_000u64).filter(|&d| stats::bucket_of(d) == d).flat_map(|d| [d.saturating_sub(1), d, d + 1]).collect();
    let attempts = durations.iter().enumerate().map(|(i, &d)| (now - (i as i64 % 50) * 60_000, d, i % 3 != 0, false)).collect();
    record_attempts(&t, 1, &fixture.id, attempts).await;
    let scope = fixture.id.to_string();
    let read = move |conn: &rusqlite::Connection| -> hookdesk_engine::Result<Vec<_>> {
        let mut all = Vec::new();
        for scope in [scope.as_str(), stats::ALL] {
            all.push(stats::buckets(conn, scope, 0, false)?);
            all.push(stats::buckets(conn, scope, 0, true)?);
        }
        Ok(all)
    };
    let kept = t.db().read(read.clone()).await.unwrap();
    assert!(kept[0].len() > 200, "{} rows", kept[0].len());
    t.db().write(stats::rebuild).await.unwrap();
    let rebuilt = t.db().read(read).await.unwrap();
    assert_eq!(rebuilt, kept);
}

#[tokio::test]
async fn a_paused_webhook_shows_its_failures_and_what_it_holds() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Status(500));
    let mut form = hook("Orders", &rx.url, 1);
    form.delivery.pause_after_failures = 2;
    let w = t.create_webhook(form).await.unwrap();
    for n in 0..3 {
        t.accept_event(event("task.created", json!({"n": n}))).await.unwrap();
    }
    let s = eventually(WITHIN, "paused with one held", || async {
        let s = t.webhook_stats(&w.code, StatsWindow::Hour).await.unwrap();
        (s.status == Some(WebhookStatus::Paused) && s.waiting == 1).then_some(s)
    })
    .await;
    assert_eq!((s.attempts, s.succeeded, s.failed, s.success_rate), (2, 0, 2, Some(0.0)));
    assert!(s.p50_ms.is_some());
    let all = t.stats(StatsWindow::Day).await.unwrap();
    assert_eq!((all.attempts, all.waiting), (2, 1));
}
