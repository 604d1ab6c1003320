//! **Copy as cURL**: the copied command, run in a shell, makes the receiver get the same
//! request again, and with secrets it verifies whenever it is run.

use crate::utils::receiver::{Received, TestReceiver};
use crate::utils::{TestEngine, event, eventually, header, hook, started_engine};
use hookdesk_engine::model::MASK;
use hookdesk_engine::model::Webhook;
use hookdesk_engine::model::attempt::AttemptSummary;
use hookdesk_engine::model::log_filter::{LogFilter, LogScope};
use hookdesk_engine::signing::{SigningSecret, verify};
use serde_json::json;
use std::time::Duration;

const WITHIN: Duration = Duration::from_secs(10);

/// Runs a copied command as a user pasting it into `shell` would; `clock` is what
/// `date +%s` says (a stand-in `date` on the PATH), or the real clock.
async fn run_in_shell(shell: &'static str, command: String, clock: Option<i64>) {
    tokio::task::spawn_blocking(move || {
        let shim = tempfile::tempdir().unwrap();
        let mut path = std::env::var("PATH").unwrap_or_default();
        if let Some(seconds) = clock {
            let date = shim.path().join("date");
            std::fs::write(&date, format!("#!/bin/sh\necho {seconds}\n")).unwrap();
            std::fs::set_permissions(&date, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
            path = format!("{}:{path}", shim.path().display());
        }
        // On the shell's input, as pasted: as an argument it could exceed the 128 KiB limit.
        let mut child = std::process::Command::new(shell)
            .env("PATH", path)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the shell runs");
        let script = format!("{command} --silent --show-error --fail --output /dev/null\n");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), script.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "the command failed: {}", String::from_utf8_lossy(&out.stderr));
    })
    .await
    .unwrap();
}

struct Delivered {
    webhook: Webhook,
    event_id: String,
    received: Received,
    attempt: AttemptSummary,
}

/// A webhook with an Authorization header, and one event delivered to it and logged.
async fn deliver(t: &TestEngine, rx: &TestReceiver, authorization: &str, data: serde_json::Value) -> Delivered {
    let mut form = hook("Orders", &rx.url, 1);
    form.headers = vec![header("Authorization", authorization)];
    let webhook = t.create_webhook(form).await.unwrap();
    let event_id = t.accept_event(event("task.created", data)).await.unwrap().event_id;
    let received = rx.take(1, WITHIN).await.remove(0);
    let attempt = eventually(WITHIN, "the logged attempt", || async {
        t.logs(LogScope::Webhook(webhook.id.clone()), LogFilter::default(), 10, 0).await.unwrap().into_iter().next()
    })
    .await;
    Delivered { webhook, event_id, received, attempt }
}

#[tokio::test]
async fn copy_as_curl_with_secrets_replays_a_request_that_verifies_whenever_it_is_run() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    // Quotes, dollars, backticks, backslashes, newlines and accents must reach the receiver
    // untouched, and a body larger than one shell argument may be (128 KiB on Linux) too.
    let data = json!({"task": {"id": 9, "note": "it's \"quoted\" $HOME `id` \\n %s\nÓrdenes ✓", "pad": "x".repeat(200 * 1024)}});
    let Delivered { webhook: w, event_id, received: original, attempt } = deliver(&t, &rx, "Bearer curl-secret-1", data).await;

    // During a rotation both secrets sign, as a real delivery would.
    let old = SigningSecret::parse(&t.signing_secret(&w.id).await.unwrap()).unwrap();
    t.rotate_secret(&w.id).await.unwrap();
    let new = SigningSecret::parse(&t.signing_secret(&w.id).await.unwrap()).unwrap();
    let command = t.curl_command(attempt.id.attempt().unwrap(), true).await.unwrap();
    assert!(!command.contains(MASK), "with secrets nothing is masked:\n{command}");

    // Run a day after it was copied, as far as the command can tell.
    let later = hookdesk_engine::model::time::now_ms() / 1000 + 86_400;
    run_in_shell("bash", command.clone(), Some(later)).await;
    let replay = rx.take(1, WITHIN).await.remove(0);
    assert_eq!(replay.body, original.body, "the exact bytes sent the first time");
    assert_eq!(replay.header("webhook-id"), event_id);
    assert_eq!(replay.header("webhook-timestamp"), later.to_string(), "signed at the time it runs");
    assert_eq!(replay.header("authorization"), "Bearer curl-secret-1");
    assert_eq!(replay.header("content-type"), "application/json");
    for (name, secret) in [("old", &old), ("new", &new)] {
        assert!(
            verify(secret, replay.header("webhook-signature"), &event_id, later, &replay.body),
            "the {name} secret verifies the replay"
        );
    }

    // Run now, in a plain POSIX sh: the official verifier, which checks the timestamp too,
    // accepts it.
    run_in_shell("sh", command, None).await;
    let now = rx.take(1, WITHIN).await.remove(0);
    let current = t.signing_secret(&w.id).await.unwrap();
    standardwebhooks::Webhook::new(&current).unwrap().verify(&now.body, &now.headers).expect("the official verifier accepts it");
}

#[tokio::test]
async fn copy_as_curl_without_secrets_masks_them() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    let Delivered { webhook: w, attempt, .. } = deliver(&t, &rx, "Bearer curl-secret-2", json!({"task": {"id": 10}})).await;
    let command = t.curl_command(attempt.id.attempt().unwrap(), false).await.unwrap();
    assert!(command.contains("| curl -X POST"), "{command}");
    assert!(command.contains(&format!("Authorization: {MASK}")), "{command}");
    assert!(!command.contains("curl-secret-2"));
    let secret = SigningSecret::parse(&t.signing_secret(&w.id).await.unwrap()).unwrap();
    assert!(!command.contains(&secret.hex_key()), "no signing key");
}
