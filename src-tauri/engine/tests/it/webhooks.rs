//! Creating, editing, activating and deleting webhooks through the engine.

use crate::utils::{header, input, open_engine};
use hookdesk_engine::ErrorKind;
use hookdesk_engine::model::object_id::is_object_id;
use hookdesk_engine::model::{HeaderInput, MASK, WebhookStatus};

#[tokio::test]
async fn a_created_webhook_reads_back_with_masked_headers_and_an_object_id() {
    let t = open_engine();
    let mut form = input("Orders");
    form.headers = vec![header("Authorization", "Bearer s3cr3t-orders")];
    let w = t.create_webhook(form).await.unwrap();
    assert!(is_object_id(&w.id), "{}", w.id);
    assert_eq!((w.code.as_str(), w.status, w.active), ("orders", WebhookStatus::Active, true));
    assert_eq!(w.headers[0].value, MASK);
    assert_eq!(t.get_webhook("orders").await.unwrap(), w, "found by code");
    assert_eq!(t.get_webhook(&w.id).await.unwrap(), w, "found by id");
    assert_eq!(t.reveal_header(&w.id, "authorization").await.unwrap(), "Bearer s3cr3t-orders");
    let secret = t.signing_secret("orders").await.unwrap();
    assert!(secret.starts_with("whsec_") && hookdesk_engine::signing::SigningSecret::parse(&secret).is_some());
}

#[tokio::test]
async fn the_code_cannot_change_once_saved() {
    let t = open_engine();
    let w = t.create_webhook(input("Orders")).await.unwrap();
    let mut edit = input("Orders renamed");
    edit.code = Some("orders_v2".into());
    let err = t.update_webhook(&w.id, edit).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("Once saved, the Code cannot be modified."), "{err}");
    let err = t.patch_webhook(&w.id, serde_json::json!({"code": "other"})).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    // The live check flags it too, and the stored code is untouched.
    let mut edit = input("Orders");
    edit.code = Some("orders_v2".into());
    let check = t.check_webhook(edit, Some(w.id.clone())).await.unwrap();
    assert!(check.validation.errors.iter().any(|e| e.field == "code"));
    assert_eq!(check.suggested_code, None, "no suggestion once saved");
    assert_eq!(t.get_webhook(&w.id).await.unwrap().code, "orders");

    // Other fields change; sending the same code (or none) is fine.
    let mut edit = input("Orders renamed");
    edit.code = Some("orders".into());
    assert_eq!(t.update_webhook(&w.id, edit).await.unwrap().name, "Orders renamed");
    assert_eq!(
        t.patch_webhook("orders", serde_json::json!({"url": "https://b.example.com/x"})).await.unwrap().url,
        "https://b.example.com/x"
    );
}

#[tokio::test]
async fn header_values_left_out_keep_their_stored_value_and_removed_ones_leave_the_keyring() {
    let t = open_engine();
    let mut form = input("Orders");
    form.headers = vec![header("Authorization", "Bearer one"), header("X-Tenant", "acme")];
    let w = t.create_webhook(form).await.unwrap();

    let mut edit = input("Orders");
    edit.headers = vec![HeaderInput { name: "Authorization".into(), value: Some(MASK.into()) }];
    let saved = t.update_webhook(&w.id, edit).await.unwrap();
    assert_eq!(saved.headers.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(), ["Authorization"]);
    assert_eq!(t.reveal_header(&w.id, "Authorization").await.unwrap(), "Bearer one");
    assert_eq!(t.reveal_header(&w.id, "X-Tenant").await.unwrap_err().kind(), ErrorKind::NotFound);

    // A header that was never stored needs a value.
    let mut edit = input("Orders");
    edit.headers = vec![HeaderInput { name: "X-New".into(), value: None }];
    let err = t.update_webhook(&w.id, edit).await.unwrap_err();
    assert_eq!(err.fields()[0].field, "headers[0].value");
}

#[tokio::test]
async fn deactivating_and_reactivating_several_webhooks() {
    let t = open_engine();
    let a = t.create_webhook(input("Alpha")).await.unwrap();
    let b = t.create_webhook(input("Beta")).await.unwrap();
    let mut notices = t.subscribe();
    let off = t.set_webhooks_active(vec![a.id.clone(), b.id.clone()], false).await.unwrap();
    assert!(
        off.iter()
            .all(|w| w.status == WebhookStatus::Disabled && !w.active && w.status_reason.as_deref() == Some("Deactivated by the user."))
    );
    // The window hears of each webhook as it is now, and needs to ask for nothing.
    for expected in &off {
        match notices.recv().await.unwrap() {
            hookdesk_engine::Notice::WebhookChanged { webhook } => assert_eq!(*webhook, *expected),
            other => panic!("expected webhook_changed, got {other:?}"),
        }
    }
    let on = t.set_webhooks_active(vec![a.id.clone()], true).await.unwrap();
    assert_eq!((on[0].status, on[0].status_reason.as_deref()), (WebhookStatus::Active, None));
    assert_eq!(t.get_webhook(&b.id).await.unwrap().status, WebhookStatus::Disabled);
    // A webhook can also be created inactive.
    let mut form = input("Gamma");
    form.active = false;
    assert_eq!(t.create_webhook(form).await.unwrap().status, WebhookStatus::Disabled);
}

#[tokio::test]
async fn rotating_keeps_the_previous_secret_for_24_hours() {
    let t = open_engine();
    let w = t.create_webhook(input("Orders")).await.unwrap();
    let before = t.signing_secret(&w.id).await.unwrap();
    let rotated = t.rotate_secret(&w.id).await.unwrap();
    let after = t.signing_secret(&w.id).await.unwrap();
    assert_ne!(before, after);
    let until = hookdesk_engine::model::time::parse_rfc3339_ms(rotated.previous_secret_until.as_deref().unwrap()).unwrap();
    let in_24h = hookdesk_engine::model::time::now_ms() + 24 * 3600 * 1000;
    assert!((until - in_24h).abs() < 60_000, "previous secret kept for 24 h");
    let previous = t.secrets().get(&hookdesk_engine::secrets::account::previous_signing_secret(&w.id)).unwrap();
    assert_eq!(previous.as_deref(), Some(before.as_str()));
}

#[tokio::test]
async fn deleting_a_webhook_removes_its_keyring_entries() {
    let t = open_engine();
    let mut form = input("Orders");
    form.headers = vec![header("Authorization", "Bearer gone")];
    let w = t.create_webhook(form).await.unwrap();
    t.delete_webhook("orders").await.unwrap();
    assert_eq!(t.get_webhook(&w.id).await.unwrap_err().kind(), ErrorKind::NotFound);
    use hookdesk_engine::secrets::account;
    assert_eq!(t.secrets().get(&account::signing_secret(&w.id)).unwrap(), None);
    assert_eq!(t.secrets().get(&account::header(&w.id, "Authorization")).unwrap(), None);
}

#[tokio::test]
async fn an_id_wins_over_a_code_spelled_the_same() {
    let t = open_engine();
    let first = t.create_webhook(input("First")).await.unwrap();
    // A 24-hex-digit code is a valid code; it must not shadow the webhook whose id it is.
    // (Guaranteed by the lookup's ORDER BY, not left to the query plan.)
    let mut form = input("Second");
    form.code = Some(first.id.to_string());
    let second = t.create_webhook(form).await.unwrap();
    assert_eq!(t.get_webhook(&first.id).await.unwrap().name, "First");
    assert_eq!(t.get_webhook(&second.id).await.unwrap().name, "Second");
}

#[tokio::test]
async fn a_save_that_fails_in_the_database_leaves_the_keyring_as_it_was() {
    let t = open_engine();
    let mut form = input("Orders");
    form.headers = vec![header("Authorization", "Bearer before")];
    let w = t.create_webhook(form).await.unwrap();
    let secret = t.signing_secret(&w.id).await.unwrap();
    // The database refuses the next update, as a full disk would.
    t.db()
        .write(|c| {
            Ok(c.execute_batch(
                "CREATE TRIGGER refuse BEFORE UPDATE ON webhooks BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
            )?)
        })
        .await
        .unwrap();
    let mut edit = input("Orders");
    edit.headers = vec![header("Authorization", "Bearer after"), header("X-New", "new-value")];
    edit.secret = Some(hookdesk_engine::signing::SigningSecret::generate());
    let err = t.update_webhook(&w.id, edit).await.unwrap_err();
    assert!(err.to_string().contains("full"), "{err}");
    assert_eq!(t.reveal_header(&w.id, "Authorization").await.unwrap(), "Bearer before", "the old value is back");
    assert_eq!(t.signing_secret(&w.id).await.unwrap(), secret, "the old signing secret is back");
    assert_eq!(t.get_webhook(&w.id).await.unwrap().headers.len(), 1);
    let added = hookdesk_engine::secrets::account::header(&w.id, "X-New");
    assert_eq!(t.secrets().get(&added).unwrap(), None, "the new header's entry was removed again");
}
