//! Tauri's build step, with an app manifest so that each command needs its own permission
//! (`allow-<command>`) in `capabilities/main.json`.

const COMMANDS: &[&str] = &[
    "app_info",
    "keyring_status",
    "catalog",
    "list_webhooks",
    "get_webhook",
    "check_webhook",
    "create_webhook",
    "update_webhook",
    "set_webhooks_active",
    "delete_webhook",
    "reveal_header",
    "signing_secret",
    "new_signing_secret",
    "rotate_secret",
    "export_config",
    "import_config",
    "send_test",
    "cancel_test",
    "retry_now",
    "list_logs",
    "count_logs",
    "list_queued",
    "get_attempt",
    "resend",
    "curl_command",
    "webhook_activity",
    "engine_settings",
    "update_engine_settings",
    "api_info",
    "api_example",
    "api_token",
    "regenerate_api_token",
    "save_event_type",
    "delete_event_type",
];

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)))
        .expect("the Tauri build step failed");
}
