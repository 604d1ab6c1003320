//! Emits Hookdesk's own events ([`crate::model::operational`]) in the transaction that made
//! the change they report, so a pause, a deactivation or a used-up delivery is never
//! recorded without its event, even when the process is killed right after.

use super::Queued;
use super::fanout;
use crate::error::Result;
use crate::matching::{EventKey, Routes};
use crate::model::event::new_event_id;
use crate::model::operational::{self as op, By, ExhaustedDelivery, OperationalData, WebhookRef};
use crate::model::payload_summary::payload_summary;
use crate::store::attempts::LastOf;
use crate::store::events::EventRow;
use crate::store::webhooks::WebhookRow;
use crate::store::{self, Connection};

/// One operational event, before it is written.
pub(crate) struct Operational {
    pub event_type: &'static str,
    pub webhook: WebhookRef,
    pub by: By,
    pub reason: String,
    pub delivery: Option<ExhaustedDelivery>,
}

impl Operational {
    pub(crate) fn about(w: &WebhookRow, event_type: &'static str, by: By, reason: impl Into<String>) -> Self {
        Self {
            event_type,
            webhook: WebhookRef { id: w.id.to_string(), code: w.code.clone(), name: w.name.clone() },
            by,
            reason: reason.into(),
            delivery: None,
        }
    }
}

/// Writes the event, and a delivery to each webhook subscribed to it but the one it is
/// about, in the caller's transaction; returns what to queue once it commits. Nothing is
/// written when no other webhook subscribes.
pub(crate) fn write(conn: &Connection, routes: &Routes, op: Operational, now: i64) -> Result<Vec<Queued>> {
    let about = op.webhook.id.clone();
    let key = EventKey { event_type: op.event_type, workflow: None, survey: None, group: None };
    let targets = fanout::targets(routes, &key, Some(&about));
    if targets.is_empty() {
        return Ok(vec![]);
    }
    let last_attempt = match &op.delivery {
        Some(d) => store::attempts::last(conn, LastOf::Delivery(d.id))?,
        None => store::attempts::last(conn, LastOf::Webhook(&about))?,
    };
    let data = OperationalData { webhook: op.webhook, by: op.by, reason: op.reason, delivery: op.delivery, last_attempt };
    // Strings, numbers and options only: it always serialises.
    let data = serde_json::to_string(&data).unwrap_or_else(|_| "{}".into());
    let row = EventRow {
        seq: 0,
        id: new_event_id(),
        event_type: op.event_type.to_string(),
        occurred_at: now,
        summary: payload_summary(&data),
        data,
        workflow: None,
        survey: None,
        group: None,
        fingerprint: String::new(),
        accepted_at: now,
    };
    let plan = fanout::plan(&targets, &row);
    let seq = store::events::insert(conn, &row)?;
    Ok(fanout::insert(conn, seq, &row, plan, now)?.into_iter().map(|(_, q)| q).collect())
}

/// Whether a delivery that used up its attempts is reported: a webhook's real deliveries
/// are, but not a Test, and not an operational event's own (a chain of reports between two
/// failing webhooks would never end).
pub(crate) fn reports_exhaustion(d: &store::deliveries::DeliveryRow) -> bool {
    d.webhook_id.is_some()
        && matches!(d.kind, crate::model::DeliveryKind::Event | crate::model::DeliveryKind::Resend)
        && !op::is_operational(&d.event_type)
}
