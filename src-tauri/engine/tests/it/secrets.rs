//! Secrets live in the real OS keyring and never reach the SQLite file.

use crate::utils::{contains, database_bytes, header, input, open_engine};
use hookdesk_engine::secrets::Secrets;
use hookdesk_engine::{Engine, EngineOptions, ErrorKind};

#[test]
fn a_secret_round_trips_through_the_os_keyring() {
    let secrets = Secrets::new(&format!("test-{}", hookdesk_engine::model::new_object_id()));
    assert!(secrets.status().available, "{}", secrets.status().message);
    secrets.set("webhook/x/header/authorization", "Bearer round-trip").unwrap();
    // A second handle has an empty cache, so this read really crosses into the keyring.
    let fresh = Secrets::new(&secrets_namespace(&secrets));
    assert_eq!(fresh.get("webhook/x/header/authorization").unwrap().as_deref(), Some("Bearer round-trip"));
    fresh.delete("webhook/x/header/authorization").unwrap();
    assert_eq!(Secrets::new(&secrets_namespace(&secrets)).get("webhook/x/header/authorization").unwrap(), None);
    fresh.delete("webhook/x/header/authorization").expect("deleting a missing entry is fine");
}

fn secrets_namespace(s: &Secrets) -> String {
    s.namespace().to_string()
}

#[tokio::test]
async fn the_database_files_never_contain_header_values_or_signing_secrets() {
    let t = open_engine();
    let mut form = input("Orders");
    form.headers = vec![header("Authorization", "Bearer db-scan-7f3a9c"), header("X-Api-Key", "key-db-scan-51e2")];
    let w = t.create_webhook(form).await.unwrap();
    let mut edit = input("Orders");
    edit.headers = vec![header("Authorization", "Bearer db-scan-updated-88b1")];
    t.update_webhook(&w.id, edit).await.unwrap();
    t.rotate_secret(&w.id).await.unwrap();
    let mut secrets = vec![t.signing_secret(&w.id).await.unwrap()];
    secrets.extend(t.secrets().get(&hookdesk_engine::secrets::account::previous_signing_secret(&w.id)).unwrap().map(|s| s.to_string()));
    t.export_config(false).await.unwrap();

    let bytes = database_bytes(t.dir.path());
    for needle in ["Bearer db-scan-7f3a9c", "key-db-scan-51e2", "Bearer db-scan-updated-88b1", "db-scan"] {
        assert!(!contains(&bytes, needle), "the database holds {needle:?}");
    }
    for secret in &secrets {
        assert!(!contains(&bytes, secret) && !contains(&bytes, &secret["whsec_".len()..]), "the database holds a signing secret");
    }
    assert!(contains(&bytes, "X-Api-Key") || contains(&bytes, "Authorization"), "the scan reads the real file (header names are stored)");
}

/// Runs the missing-keyring check in a child process whose session bus does not exist.
#[test]
fn without_a_keyring_saving_fails_with_the_cause_and_writes_nothing() {
    if std::env::var_os("HOOKDESK_TEST_CHILD").is_some() {
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "secrets::child_without_keyring", "--nocapture", "--test-threads=1"])
        .env("HOOKDESK_TEST_CHILD", "1")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/hookdesk-test-bus")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("1 passed"), "child failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn child_without_keyring() {
    if std::env::var_os("HOOKDESK_TEST_CHILD").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(EngineOptions::new(dir.path(), "test")).expect("the engine opens without a keyring");
    let status = engine.keyring_status();
    assert!(!status.available);
    assert!(
        status.message.contains("The OS keyring is not reachable") && status.message.contains("hookdesk-test-bus"),
        "{}",
        status.message
    );
    let mut form = input("Orders");
    form.headers = vec![header("Authorization", "Bearer nowhere")];
    let err = engine.create_webhook(form).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Keyring);
    assert!(err.to_string().contains("Nothing was saved"), "{err}");
    assert!(engine.list_webhooks().await.unwrap().is_empty(), "no webhook without its secrets");
    drop(engine);
    assert!(!contains(&database_bytes(dir.path()), "Bearer nowhere"));
}

#[tokio::test]
async fn a_previous_signing_secret_leaves_the_keyring_when_its_24_hours_are_over() {
    let t = open_engine();
    let w = t.create_webhook(input("Orders")).await.unwrap();
    t.rotate_secret(&w.id).await.unwrap();
    let current = t.signing_secret(&w.id).await.unwrap();
    let previous = hookdesk_engine::secrets::account::previous_signing_secret(&w.id);
    assert!(t.secrets().get(&previous).unwrap().is_some(), "kept while it still signs");
    assert_eq!(t.forget_expired_secrets().await.unwrap(), 0, "not yet");

    // A day later, as far as the stored time can tell.
    let id = w.id.clone();
    t.db().write(move |c| Ok(c.execute("UPDATE webhooks SET previous_secret_until = 1 WHERE id = ?1", [id])?)).await.unwrap();
    assert_eq!(t.forget_expired_secrets().await.unwrap(), 1);
    let fresh = Secrets::new(t.secrets().namespace());
    assert_eq!(fresh.get(&previous).unwrap(), None, "gone from the keyring itself, not only the cache");
    assert_eq!(t.signing_secret(&w.id).await.unwrap(), current, "the current secret stays");
    assert_eq!(t.get_webhook(&w.id).await.unwrap().previous_secret_until, None);
}
