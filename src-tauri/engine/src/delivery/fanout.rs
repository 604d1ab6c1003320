//! An accepted event's deliveries: one per webhook that wants it, written in the event's
//! transaction and handed to the queues once it commits. The Events API's events and
//! Hookdesk's own operational events both go out this way.

use super::{QueueKey, Queued};
use crate::error::Result;
use crate::matching::{EventKey, Routes};
use crate::model::event::envelope;
use crate::model::{DeliveryKind, DeliveryState, WebhookId};
use crate::store::deliveries::{DeliveryRow, NewDelivery};
use crate::store::events::EventRow;
use crate::store::webhooks::WebhookRow;
use crate::store::{self, Connection};
use std::sync::Arc;

/// A delivery to be written: where it goes and the body it sends there.
pub(crate) struct Planned {
    pub webhook_id: WebhookId,
    pub code: String,
    pub body: String,
    pub max_attempts: u32,
}

/// The webhooks that want an event of this key, in code order; never `except`, the webhook
/// an operational event is about.
pub(crate) fn targets(routes: &Routes, key: &EventKey, except: Option<&str>) -> Vec<Arc<WebhookRow>> {
    let mut out = routes.matching(key);
    out.retain(|w| except != Some(w.id.as_str()));
    out
}

/// The routing key of a stored event.
pub(crate) fn key_of(event: &EventRow) -> EventKey<'_> {
    EventKey {
        event_type: &event.event_type,
        workflow: event.workflow.as_deref(),
        survey: event.survey.as_deref(),
        group: event.group.as_deref(),
    }
}

/// A delivery of `event` to each target, with the body each is sent.
pub(crate) fn plan(targets: &[Arc<WebhookRow>], event: &EventRow) -> Vec<Planned> {
    targets
        .iter()
        .map(|w| Planned {
            body: envelope(
                &event.id,
                &event.event_type,
                event.occurred_at,
                false,
                Some((&w.id, &w.code)),
                event.workflow.as_deref(),
                event.survey.as_deref(),
                event.group.as_deref(),
                &event.data,
            ),
            webhook_id: w.id.clone(),
            code: w.code.clone(),
            max_attempts: w.delivery.attempts,
        })
        .collect()
}

/// Writes the planned deliveries of the event stored as `seq`; returns each one's webhook
/// code and what to queue once the transaction commits. A webhook deleted since the plan
/// was made gets none.
pub(crate) fn insert(conn: &Connection, seq: i64, event: &EventRow, plan: Vec<Planned>, now: i64) -> Result<Vec<(String, Queued)>> {
    let mut out = Vec::with_capacity(plan.len());
    for p in plan {
        let new = NewDelivery {
            event_seq: seq,
            webhook_id: Some(&p.webhook_id),
            kind: DeliveryKind::Event,
            url: None,
            header_names: None,
            body: None,
            max_attempts: p.max_attempts,
            now,
        };
        let Some(id) = store::deliveries::insert_if_webhook_exists(conn, &new)? else {
            continue;
        };
        // The worker gets the row in hand instead of reading it back.
        let row = DeliveryRow {
            id,
            webhook_id: Some(p.webhook_id.clone()),
            kind: DeliveryKind::Event,
            url: None,
            header_names: vec![],
            body: p.body,
            state: DeliveryState::Pending,
            attempts_made: 0,
            max_attempts: p.max_attempts,
            next_attempt_at: now,
            event_id: event.id.clone(),
            event_type: event.event_type.clone(),
            payload_summary: event.summary.clone(),
        };
        out.push((p.code, (QueueKey::Webhook(p.webhook_id), id, Some(Arc::new(row)))));
    }
    Ok(out)
}
