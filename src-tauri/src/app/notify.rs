//! Desktop notifications: the OS notification when a webhook pauses, its endpoint deactivates
//! it (410 Gone), or a delivery uses up its attempts; at most one per webhook every few
//! minutes, and none when Settings turns them off. Clicking one brings the window forward on
//! that webhook's Logs.
//!
//! Shown with notify-rust directly, the crate tauri-plugin-notification wraps: the plugin's
//! desktop side drops the notification's handle, so a click on one could never be answered.

use hookdesk_engine::model::WebhookId;
use hookdesk_engine::{Engine, Notice};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tauri::Emitter;

/// The window opens a webhook's Logs on this event (its payload is the webhook id).
pub const OPEN_LOGS_EVENT: &str = "hookdesk:open-logs";
/// After a notification about a webhook, the next about it waits this long.
pub const QUIET: Duration = Duration::from_secs(5 * 60);

/// What one notification says, and whose Logs a click opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub webhook_id: WebhookId,
    pub title: String,
    pub body: String,
}

/// The alert a notice calls for, if any; `name` is the webhook's, when known.
pub fn alert_for(notice: &Notice, name: Option<&str>) -> Option<Alert> {
    let (webhook_id, title, body) = match notice {
        Notice::WebhookPaused { webhook_id, code, reason } => {
            (webhook_id, format!("Webhook “{}” paused", name.unwrap_or(code)), reason.clone())
        }
        Notice::WebhookDisabled { webhook_id, code, reason } => {
            (webhook_id, format!("Webhook “{}” deactivated", name.unwrap_or(code)), reason.clone())
        }
        Notice::DeliveryExhausted { webhook_id, code, event_type, reason } => {
            (webhook_id, format!("A {event_type} delivery to “{}” failed", name.unwrap_or(code)), reason.clone())
        }
        _ => return None,
    };
    Some(Alert { webhook_id: webhook_id.clone(), title, body })
}

/// One notification per webhook per [`QUIET`].
#[derive(Debug, Default)]
pub struct RateLimit {
    last: HashMap<WebhookId, Instant>,
}

impl RateLimit {
    pub fn allow(&mut self, webhook_id: &WebhookId, now: Instant) -> bool {
        match self.last.get(webhook_id) {
            Some(at) if now.duration_since(*at) < QUIET => false,
            _ => {
                self.last.insert(webhook_id.clone(), now);
                true
            }
        }
    }
}

/// Shows a notification for each engine notice that calls for one.
pub fn listen(app: tauri::AppHandle, engine: &Engine) {
    let mut rx = engine.subscribe();
    let engine = engine.clone();
    tauri::async_runtime::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        let mut limit = RateLimit::default();
        loop {
            let notice = match rx.recv().await {
                Ok(notice) => notice,
                // Alerts lost in a burst stay lost: the window's toasts and list still say it.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            };
            // Named by its code until its name is read: most notices call for none.
            let Some(alert) = alert_for(&notice, None) else { continue };
            match engine.settings().await {
                Ok(s) if !s.desktop_notifications => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!("the settings could not be read; notifying anyway: {e}"),
            }
            if !limit.allow(&alert.webhook_id, Instant::now()) {
                continue;
            }
            let alert = match engine.get_webhook(&alert.webhook_id).await {
                Ok(w) => alert_for(&notice, Some(&w.name)).unwrap_or(alert),
                Err(_) => alert,
            };
            show(app.clone(), alert);
        }
    });
}

/// Shows the notification and waits on its own thread for a click (or for it to close).
fn show(app: tauri::AppHandle, alert: Alert) {
    let spawned = std::thread::Builder::new().name("notification".into()).spawn(move || {
        let mut n = notify_rust::Notification::new();
        n.appname("Hookdesk").summary(&alert.title).body(&alert.body).icon("dialog-warning");
        // `default` is the action a click on the notification itself invokes.
        n.action("default", "Open logs");
        match n.show() {
            Ok(handle) => wait_for_click(handle, move || {
                super::show_main_window(&app);
                let _ = app.emit(OPEN_LOGS_EVENT, alert.webhook_id.to_string());
            }),
            Err(e) => tracing::warn!("the desktop notification “{}” could not be shown: {e}", alert.title),
        }
    });
    if let Err(e) = spawned {
        tracing::warn!("no thread for a desktop notification: {e}");
    }
}

#[cfg(any(all(unix, not(target_os = "macos")), windows))]
fn wait_for_click(handle: notify_rust::NotificationHandle, clicked: impl FnOnce()) {
    handle.wait_for_action(|action| {
        if action == "default" {
            clicked();
        }
    });
}

/// macOS reports no clicks to an unbundled app: the notification only informs.
#[cfg(target_os = "macos")]
fn wait_for_click(_handle: notify_rust::NotificationHandle, _clicked: impl FnOnce()) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_notification_per_webhook_per_quiet_period() {
        let (a, b) = (WebhookId::stored("a".into()), WebhookId::stored("b".into()));
        let mut limit = RateLimit::default();
        let t0 = Instant::now();
        assert!(limit.allow(&a, t0));
        assert!(!limit.allow(&a, t0 + Duration::from_secs(60)), "a second one about a within the quiet period");
        assert!(limit.allow(&b, t0 + Duration::from_secs(60)), "another webhook is not held back");
        assert!(limit.allow(&a, t0 + QUIET), "once the quiet period is over");
    }

    #[test]
    fn each_alert_names_the_webhook_and_says_why() {
        let id = WebhookId::stored("65f1d0aae4b0a1b2c3d4eaaa".into());
        let paused = Notice::WebhookPaused { webhook_id: id.clone(), code: "orders".into(), reason: "Paused after 5 …".into() };
        assert_eq!(
            alert_for(&paused, Some("Orders")),
            Some(Alert { webhook_id: id.clone(), title: "Webhook “Orders” paused".into(), body: "Paused after 5 …".into() })
        );
        let used_up = Notice::DeliveryExhausted {
            webhook_id: id.clone(),
            code: "orders".into(),
            event_type: "task.created".into(),
            reason: "The delivery used up its 3 attempts.".into(),
        };
        assert_eq!(alert_for(&used_up, None).unwrap().title, "A task.created delivery to “orders” failed");
        assert_eq!(alert_for(&Notice::Missed, None), None);
    }
}
