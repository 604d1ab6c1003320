//! What follows an attempt (success, retry, failure, or 410 Gone), and its record in the logs.

use super::dispatch::Sent;
use crate::model::RetryPolicy;
use crate::model::attempt::{AttemptResult, AttemptSummary};
use crate::model::time::{format_ms, now_ms};
use crate::model::{AttemptId, DeliveryId, DeliveryKind, DeliveryState, LogRowId};
use crate::store::attempts::NewAttempt;
use crate::store::deliveries::DeliveryRow;
use crate::{Notice, store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Succeeded,
    /// Try again at this time (unix ms).
    Retry(i64),
    /// The attempts are used up.
    Failed,
    /// 410 Gone: the delivery ends and the webhook is deactivated.
    Gone,
}

impl Decision {
    pub fn ends(self) -> bool {
        !matches!(self, Decision::Retry(_))
    }

    pub fn delivery_state(self) -> DeliveryState {
        match self {
            Decision::Succeeded => DeliveryState::Succeeded,
            Decision::Retry(_) => DeliveryState::Pending,
            Decision::Failed | Decision::Gone => DeliveryState::Failed,
        }
    }
}

pub fn decide(sent: &Sent, attempt_no: u32, max_attempts: u32, retry: &RetryPolicy) -> Decision {
    if sent.succeeded() {
        return Decision::Succeeded;
    }
    let status = sent.status();
    if status == Some(410) {
        return Decision::Gone;
    }
    if attempt_no >= max_attempts {
        return Decision::Failed;
    }
    let retry_after = sent.response.as_ref().and_then(|r| r.header("retry-after"));
    let delay = super::retry::next_delay(retry, attempt_no, status, retry_after);
    Decision::Retry(now_ms() + delay.as_millis() as i64)
}

/// Everything the record of one attempt needs.
pub struct AttemptRecord<'a> {
    pub delivery: &'a DeliveryRow,
    pub webhook_code: Option<String>,
    pub attempt_no: u32,
    pub sent: Sent,
    /// The secret values sent (custom header values): masked wherever the response echoes them.
    pub mask: crate::mask::SecretMask,
    pub decision: Decision,
    /// The webhook's consecutive failed deliveries after this one, when it counts.
    pub consecutive_failures: Option<u32>,
    /// The report of a delivery that used up its attempts, written with the attempt.
    pub(crate) exhausted: Option<super::operational::Operational>,
}

pub(crate) fn summary(r: &AttemptRecord, id: i64) -> AttemptSummary {
    let (error_kind, error) = r.sent.error_in_words(&r.mask);
    AttemptSummary {
        id: LogRowId::Attempt(AttemptId(id)),
        delivery_id: DeliveryId(r.delivery.id),
        event_id: r.delivery.event_id.clone(),
        event_type: r.delivery.event_type.clone(),
        webhook_id: r.delivery.webhook_id.clone(),
        webhook_code: r.webhook_code.clone(),
        attempt: r.attempt_no,
        attempts: r.delivery.max_attempts,
        result: match r.decision {
            Decision::Succeeded => AttemptResult::Success,
            Decision::Retry(_) => AttemptResult::Retrying,
            _ => AttemptResult::Failed,
        },
        status_code: r.sent.status(),
        error_kind,
        error,
        duration_ms: r.sent.duration_ms,
        executed_at: format_ms(r.sent.executed_at_ms),
        test: r.delivery.kind == DeliveryKind::Test,
        kind: r.delivery.kind,
        url: r.sent.request_url.clone(),
        payload_summary: r.delivery.payload_summary.clone(),
        delivery_state: r.decision.delivery_state(),
        delivery_attempts: r.attempt_no,
        next_attempt_at: match r.decision {
            Decision::Retry(at) => Some(format_ms(at)),
            _ => None,
        },
    }
}

pub(crate) fn new_attempt(r: &AttemptRecord, s: &AttemptSummary) -> NewAttempt {
    let response = r.sent.response.as_ref();
    // A receiver that echoes the request (httpbin-style) must not put a secret in the logs.
    let mask = &r.mask;
    NewAttempt {
        delivery_id: r.delivery.id,
        webhook_id: r.delivery.webhook_id.clone(),
        event_type: r.delivery.event_type.clone(),
        attempt: r.attempt_no,
        max_attempts: r.delivery.max_attempts,
        success: r.decision == Decision::Succeeded,
        status_code: s.status_code,
        error_kind: s.error_kind,
        error: s.error.clone(),
        duration_ms: r.sent.duration_ms,
        executed_at: r.sent.executed_at_ms,
        test: s.test,
        request_url: r.sent.request_url.clone(),
        request_headers: r.sent.request_headers.clone(),
        response_headers: response.map(|x| x.headers.iter().map(|(k, v)| (k.clone(), mask.text(v))).collect()),
        response_body: response.map(|x| mask.bytes(&x.body)),
        response_truncated: response.is_some_and(|x| x.truncated),
    }
}

/// Writes the attempt and the delivery's new state in one transaction, without making the
/// worker wait; the window hears of the attempt once it is committed.
pub(crate) fn record(cx: &std::sync::Arc<super::Context>, r: AttemptRecord) {
    let mut row = summary(&r, 0);
    let attempt = new_attempt(&r, &row);
    let attempts_made = r.attempt_no;
    let state = r.decision.delivery_state();
    let next_at = match r.decision {
        Decision::Retry(at) => at,
        _ => r.delivery.next_attempt_at,
    };
    let counter = r.consecutive_failures.zip(r.delivery.webhook_id.clone());
    // The window hears of a used-up delivery (the app may show a desktop notification).
    let used_up = r.exhausted.as_ref().zip(r.delivery.webhook_id.clone()).map(|(report, webhook_id)| Notice::DeliveryExhausted {
        webhook_id,
        code: report.webhook.code.clone(),
        event_type: r.delivery.event_type.clone(),
        reason: report.reason.clone(),
    });
    let exhausted = r.exhausted.map(|report| (report, cx.routes()));
    let after = cx.clone();
    cx.db.write_detached(
        "A delivery attempt",
        move |conn| {
            row.id = LogRowId::Attempt(AttemptId(store::attempts::record(conn, &attempt, attempts_made, state, next_at)?));
            if let Some((failures, webhook)) = counter {
                store::webhooks::set_consecutive_failures(conn, &webhook, failures)?;
            }
            let queued = match exhausted {
                Some((report, routes)) => super::operational::write(conn, &routes, report, now_ms())?,
                None => vec![],
            };
            Ok((row, queued))
        },
        move |(summary, queued): &(AttemptSummary, Vec<super::Queued>)| {
            after.notify(Notice::AttemptRecorded { attempt: Box::new(summary.clone()) });
            if let Some(notice) = used_up {
                after.notify(notice);
            }
            after.enqueue(queued.iter().cloned());
        },
    );
}
