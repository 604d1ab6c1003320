//! The desktop on a team database (a real PostgreSQL server, real loopback receivers): what
//! the panel reads and does there, whichever process wrote it, and the window told of changes
//! made elsewhere.

use super::pg::fresh_database;
use super::utils::receiver::TestReceiver;
use super::utils::{header, input};
use hookdesk_engine::model::AttemptId;
use hookdesk_engine::model::attempt::AttemptResult;
use hookdesk_engine::model::event::EventInput;
use hookdesk_engine::model::log_filter::{LogFilter, LogScope};
use hookdesk_engine::model::{LogRowId, WebhookStatus};
use hookdesk_engine::notice::Notice;
use hookdesk_engine::sealed::SecretKey;
use hookdesk_engine::store::pg::PgStore;
use hookdesk_engine::team_admin as team;
use hookdesk_engine::team_desk::{DeskOptions, TeamDesk};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn options(id: &str) -> DeskOptions {
    DeskOptions { worker_id: id.into(), allow_private: true }
}

fn task(n: usize) -> EventInput {
    serde_json::from_value(serde_json::json!({"id": format!("evt_desk_{n}"), "type": "task.created", "data": {"n": n}})).unwrap()
}

/// Polls `read` until `done` holds for its value, for at most 20 s.
async fn until<T: std::fmt::Debug, F: Future<Output = T>>(what: &str, mut read: impl FnMut() -> F, done: impl Fn(&T) -> bool) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let value = read().await;
        if done(&value) {
            return value;
        }
        assert!(Instant::now() < deadline, "{what}: still {value:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for the window's next notice.
async fn notice(rx: &mut tokio::sync::broadcast::Receiver<Notice>) -> Notice {
    tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.expect("a notice within 10 s").expect("the desk is open")
}

#[tokio::test]
async fn a_desktop_on_a_team_database_shows_and_delivers_what_another_process_configured_and_hears_of_its_changes() {
    let url = fresh_database().await;
    let key = SecretKey::generate();
    let desk = TeamDesk::connect(&url, key.clone(), options("desktop-test")).await.unwrap();
    assert_eq!(desk.worker_id(), "desktop-test");
    let mut notices = desk.subscribe();
    // Another process on the same database (a `serve`, another desktop).
    let other = PgStore::connect(&url).await.unwrap();
    let rx = TestReceiver::start().await;
    let form =
        hookdesk_engine::model::WebhookInput { url: rx.url.clone(), headers: vec![header("X-Team", "desk-7f3a")], ..input("Orders") };
    let orders = team::create_webhook(&other, &key, form).await.unwrap();
    assert!(matches!(notice(&mut notices).await, Notice::Missed), "a webhook created elsewhere makes the window read again");

    let store = desk.store();
    let listed = team::webhooks(store).await.unwrap();
    assert_eq!(listed.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(), ["orders"]);
    assert_eq!(team::reveal_header(store, desk.key(), &orders.code, "x-team").await.unwrap(), "desk-7f3a");
    // The form check knows the team's codes: a second "Orders" is offered orders_2, and
    // taking orders is refused with the owner's name.
    let check = team::check_webhook(store, input("Orders"), None).await.unwrap();
    assert_eq!(check.suggested_code.as_deref(), Some("orders_2"));
    let clash = team::check_webhook(store, hookdesk_engine::model::WebhookInput { code: Some("orders".into()), ..input("Orders") }, None)
        .await
        .unwrap();
    let message = &clash.validation.errors.iter().find(|e| e.field == "code").expect("a code error").message;
    assert!(message.contains("“Orders”") && message.contains("orders_2"), "{message}");

    // Events accepted by the other process are delivered by this computer's worker (the only
    // one running), and their attempts read back as the Logs tab shows them.
    for n in 0..3 {
        team::accept_event(&other, task(n)).await.unwrap();
    }
    let got = rx.take(3, Duration::from_secs(20)).await;
    assert_eq!(got.iter().map(|r| r.event_id()).collect::<Vec<_>>(), ["evt_desk_0", "evt_desk_1", "evt_desk_2"]);
    assert!(got.iter().all(|r| r.headers["x-team"] == "desk-7f3a"), "the header value was opened with the team's key");
    let scope = LogScope::Webhook(orders.id.clone());
    let rows = until(
        "three attempts logged",
        || team::log_rows(store, scope.clone(), LogFilter::default(), 50, 0),
        |rows| rows.as_ref().is_ok_and(|r| r.len() == 3),
    )
    .await
    .unwrap();
    assert!(rows.iter().all(|r| r.result == AttemptResult::Success && r.webhook_code.as_deref() == Some("orders")));
    assert_eq!(rows.iter().map(|r| r.event_id.as_str()).collect::<Vec<_>>(), ["evt_desk_2", "evt_desk_1", "evt_desk_0"], "newest first");
    assert_eq!(team::count_logs(store, scope.clone(), LogFilter::default()).await.unwrap(), 3);
    let filtered = LogFilter { event_id: Some("evt_desk_1".into()), ..LogFilter::default() };
    assert_eq!(team::count_logs(store, scope.clone(), filtered).await.unwrap(), 1);
    let LogRowId::Attempt(newest) = rows[0].id else { panic!("an attempt row: {:?}", rows[0].id) };
    let detail = team::attempt(store, newest).await.unwrap();
    assert!(detail.attempt.request.body.contains("evt_desk_2"), "{}", detail.attempt.request.body);
    assert_eq!(detail.attempt.request.headers.get("X-Team").map(String::as_str), Some(hookdesk_engine::model::MASK), "masked in the log");
    assert_eq!(detail.delivery_attempts.len(), 1);
    assert_eq!(team::attempt(store, AttemptId(newest.0 + 1000)).await.unwrap_err().kind(), hookdesk_engine::ErrorKind::NotFound);
    let activity = team::activity(store).await.unwrap();
    let mine = &activity[&orders.id];
    assert_eq!(mine.last_attempt.as_ref().map(|a| a.event_id.as_str()), Some("evt_desk_2"));
    let bars = team::health_bars(store).await.unwrap();
    assert_eq!(bars[&orders.id].succeeded.iter().sum::<u32>(), 3);
    assert_eq!(bars[&orders.id].succeeded.len(), 24);

    // Switched off from the list, it takes no events; switched on, it takes them again.
    let off = team::set_webhooks_active(store, desk.key(), vec![orders.id.clone()], false).await.unwrap();
    assert_eq!(off[0].status, WebhookStatus::Disabled);
    assert!(team::accept_event(&other, task(3)).await.unwrap().deliveries.is_empty());
    let on = team::set_webhooks_active(store, desk.key(), vec![orders.id.clone()], true).await.unwrap();
    assert_eq!(on[0].status, WebhookStatus::Active);

    // With this computer's worker stopped (the app closed), events wait as PENDING rows; the
    // next desktop to connect delivers them.
    desk.close().await;
    team::accept_event(&other, task(4)).await.unwrap();
    let queued = team::queued_logs(&other, scope.clone(), LogFilter::default(), 50).await.unwrap();
    assert_eq!(queued.total, 1);
    assert_eq!(queued.rows[0].event_id, "evt_desk_4");
    assert_eq!(queued.rows[0].result, AttemptResult::Pending);
    assert_eq!(team::activity(&other).await.unwrap()[&orders.id].queued, 1);
    rx.assert_silent(Duration::from_millis(300)).await;
    let again = TeamDesk::connect(&url, key, options("desktop-again")).await.unwrap();
    assert_eq!(rx.take(1, Duration::from_secs(20)).await[0].event_id(), "evt_desk_4");
    again.close().await;
}

#[tokio::test]
async fn a_desktop_with_another_key_is_refused_and_changes_nothing() {
    let url = fresh_database().await;
    let key = SecretKey::generate();
    let first = TeamDesk::connect(&url, key.clone(), options("desktop-a")).await.unwrap();
    let other = PgStore::connect(&url).await.unwrap();
    team::create_webhook(&other, &key, input("Orders")).await.unwrap();
    let wrong = TeamDesk::connect(&url, SecretKey::generate(), options("desktop-b")).await.unwrap_err();
    assert!(wrong.to_string().contains("not this team database's key"), "{wrong}");
    // The team's secrets still open with its key.
    assert!(team::signing_secret(&other, &key, "orders").await.is_ok());
    first.close().await;
    let unreachable = TeamDesk::connect("postgres://hookdesk@127.0.0.1:1/none", key.clone(), options("desktop-c")).await.unwrap_err();
    assert!(unreachable.to_string().contains("Connection refused"), "{unreachable}");
    let _: Arc<TeamDesk> = TeamDesk::connect(&url, key, options("desktop-d")).await.unwrap();
}

/// The last hour, as the Recover dialog's default window.
fn last_hour() -> hookdesk_engine::recover::RecoverWindow {
    let since = hookdesk_engine::model::time::format_ms(hookdesk_engine::model::time::now_ms() - 3_600_000);
    hookdesk_engine::recover::RecoverWindow { since, until: None }
}

#[tokio::test]
async fn recover_bulk_resend_curl_and_export_work_on_a_team_database_as_on_a_desktop() {
    use super::utils::receiver::Reply;
    let url = fresh_database().await;
    let key = SecretKey::generate();
    let desk = TeamDesk::connect(&url, key.clone(), options("desktop-1")).await.unwrap();
    let store = desk.store().clone();
    let rx = TestReceiver::start().await;
    rx.set_default(Reply::Status(500));
    let delivery = hookdesk_engine::model::DeliverySettings { attempts: 1, ..Default::default() };
    let form = hookdesk_engine::model::WebhookInput {
        url: rx.url.clone(),
        headers: vec![header("X-Team", "desk-9c1e")],
        delivery,
        ..input("Ledger")
    };
    let ledger = team::create_webhook(&store, &key, form).await.unwrap();
    for n in 0..3 {
        team::accept_event(&store, task(n)).await.unwrap();
    }
    rx.take(3, Duration::from_secs(20)).await;
    let scope = LogScope::Webhook(ledger.id.clone());
    let failed = LogFilter { result: Some(hookdesk_engine::model::log_filter::ResultFilter::DeliveryFailed), ..LogFilter::default() };
    until("three failed deliveries", || team::count_logs(&store, scope.clone(), failed.clone()), |n| matches!(n, Ok(3))).await.unwrap();
    assert_eq!(team::recoverable(&store, "ledger", &last_hour()).await.unwrap(), 3);

    // With no worker running, a recover's deliveries can all be taken back, and their events
    // are still there to recover.
    desk.close().await;
    let recovered = team::recover(&store, "ledger", &last_hour()).await.unwrap();
    assert_eq!(recovered.deliveries, 3);
    let waiting = team::recover_progress(&store, "ledger", &recovered).await.unwrap();
    assert_eq!((waiting.succeeded, waiting.failed, waiting.waiting), (0, 0, 3));
    assert_eq!(team::cancel_recover(&store, "ledger", &recovered).await.unwrap(), 3);
    assert_eq!(team::recoverable(&store, "ledger", &last_hour()).await.unwrap(), 3);

    // Recovered for real: delivered again in acceptance order, progress followed to the end.
    rx.set_default(Reply::Status(200));
    let desk = TeamDesk::connect(&url, key.clone(), options("desktop-2")).await.unwrap();
    let recovered = team::recover(&store, "ledger", &last_hour()).await.unwrap();
    let again = rx.take(3, Duration::from_secs(20)).await;
    assert_eq!(again.iter().map(|r| r.event_id()).collect::<Vec<_>>(), ["evt_desk_0", "evt_desk_1", "evt_desk_2"]);
    until("the recover succeeded", || team::recover_progress(&store, "ledger", &recovered), |p| p.as_ref().is_ok_and(|p| p.succeeded == 3))
        .await
        .unwrap();

    // Resend selected and all matching: oldest event first; what matches is counted first.
    let rows = team::log_rows(&store, scope.clone(), LogFilter::default(), 50, 0).await.unwrap();
    let of = |event: &str| rows.iter().filter(|r| r.event_id == event).map(|r| r.delivery_id).collect::<Vec<_>>();
    let picked = [of("evt_desk_2")[0], of("evt_desk_0")[0]];
    let resent = team::resend_deliveries(&store, picked.to_vec()).await.unwrap();
    assert_eq!((resent.deliveries, resent.skipped), (2, 0));
    assert_eq!(rx.take(2, Duration::from_secs(20)).await.iter().map(|r| r.event_id()).collect::<Vec<_>>(), ["evt_desk_0", "evt_desk_2"]);
    let one_event = LogFilter { event_id: Some("evt_desk_1".into()), ..LogFilter::default() };
    assert_eq!(team::count_resendable(&store, scope.clone(), one_event.clone()).await.unwrap(), 2, "the failed delivery and its recover");
    assert_eq!(team::resend_matching(&store, scope.clone(), one_event).await.unwrap().deliveries, 2);
    assert_eq!(rx.take(2, Duration::from_secs(20)).await.iter().map(|r| r.event_id()).collect::<Vec<_>>(), ["evt_desk_1", "evt_desk_1"]);

    // Copy as cURL: masked without secrets; with them, the team's header value and a signature.
    let LogRowId::Attempt(newest) = rows[0].id else { panic!("an attempt row") };
    let masked = team::curl_command(&store, desk.key(), newest, false).await.unwrap();
    assert!(masked.contains(hookdesk_engine::model::MASK) && !masked.contains("desk-9c1e"), "{masked}");
    let signed = team::curl_command(&store, desk.key(), newest, true).await.unwrap();
    assert!(signed.contains("desk-9c1e") && signed.contains("webhook-signature"), "{signed}");

    // Export selected: only the picked attempt, whole, into the file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("picked.ndjson");
    let export = hookdesk_engine::export::LogExport::of_team(store.clone(), LogScope::All, LogFilter::default(), Default::default());
    assert_eq!(export.only(vec![newest]).write_to(&path).await.unwrap(), 1);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(text.contains(&rows[0].event_id), "{text}");
    desk.close().await;
}
