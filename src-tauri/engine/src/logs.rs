//! Reading the logs: pages of attempts, one attempt in full, the attempts of a delivery, and
//! each webhook's last result and queue length for the panel.

use crate::delivery::QueueKey;
use crate::error::Result;
use crate::model::AttemptId;
use crate::model::attempt::{Attempt, AttemptSummary};
use crate::model::log_filter::{LogFilter, LogScope};
use crate::{Engine, store};
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;

/// One attempt in full, with the other attempts of its delivery.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AttemptDetail {
    pub attempt: Attempt,
    pub delivery_attempts: Vec<AttemptSummary>,
}

/// Per webhook: the newest attempt and how many deliveries wait.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct WebhookActivity {
    pub last_attempt: Option<AttemptSummary>,
    #[ts(type = "number")]
    pub queued: u64,
}

pub const MAX_PAGE: u32 = 500;

/// Deliveries waiting for their first attempt, shown as PENDING rows above the attempts.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct QueuedLogs {
    /// The newest ones, as many as asked for.
    pub rows: Vec<AttemptSummary>,
    /// All of them that match.
    #[ts(type = "number")]
    pub total: u64,
    /// Why they wait although their webhook is active ("Waiting for the keyring: …").
    pub held_by: Option<String>,
}

impl Engine {
    /// Attempts, newest first.
    pub async fn logs(&self, scope: LogScope, filter: LogFilter, limit: u32, offset: u32) -> Result<Vec<AttemptSummary>> {
        let limit = limit.clamp(1, MAX_PAGE);
        self.db().read(move |conn| store::logs::list(conn, &scope, &filter, limit, offset)).await
    }

    pub async fn count_logs(&self, scope: LogScope, filter: LogFilter) -> Result<u64> {
        self.db().read(move |conn| store::logs::count(conn, &scope, &filter)).await
    }

    /// Deliveries not attempted yet, newest first (one read: rows and total agree).
    pub async fn queued_logs(&self, scope: LogScope, filter: LogFilter, limit: u32) -> Result<QueuedLogs> {
        let limit = limit.clamp(1, MAX_PAGE);
        let holds = self.scheduler().holds();
        let held_by = match &scope {
            LogScope::Webhook(id) => holds.get(&QueueKey::Webhook(id.clone())).cloned(),
            LogScope::Direct => holds.iter().find(|(k, _)| k.webhook_id().is_none()).map(|(_, r)| r.clone()),
            LogScope::All => holds.values().next().cloned(),
        };
        self.db()
            .read(move |conn| {
                let tx = conn.unchecked_transaction()?;
                let rows = store::logs::queued(&tx, &scope, &filter, limit)?;
                let total = store::logs::queued_count(&tx, &scope, &filter)?;
                tx.finish()?;
                Ok(QueuedLogs { rows, total, held_by })
            })
            .await
    }

    /// A page of attempts with their requests and responses (the API's shape), and the
    /// total, read from one snapshot so that they agree.
    pub async fn logs_page(&self, scope: LogScope, filter: LogFilter, limit: u32, offset: u32) -> Result<(Vec<Attempt>, u64)> {
        let limit = limit.clamp(1, MAX_PAGE);
        self.db()
            .read(move |conn| {
                conn.execute_batch("BEGIN")?;
                let page = (|| {
                    let attempts = store::logs::list_full(conn, &scope, &filter, limit, offset)?;
                    Ok((attempts, store::logs::count(conn, &scope, &filter)?))
                })();
                conn.execute_batch("COMMIT")?;
                page
            })
            .await
    }

    pub async fn attempt(&self, n: AttemptId) -> Result<AttemptDetail> {
        let missing = AttemptId::not_found(&n.to_string());
        self.db()
            .read(move |conn| {
                let attempt = store::logs::get(conn, n)?.ok_or(missing)?;
                Ok(AttemptDetail { delivery_attempts: store::logs::of_delivery(conn, attempt.summary.delivery_id)?, attempt })
            })
            .await
    }

    /// The panel's per-webhook activity.
    pub async fn activity(&self) -> Result<HashMap<crate::model::WebhookId, WebhookActivity>> {
        self.db().read(move |conn| Ok(activity_of(store::logs::latest_per_webhook(conn)?, store::deliveries::pending_counts(conn)?))).await
    }
}

/// The panel's per-webhook activity from each webhook's newest attempt and its pending
/// deliveries (either store's).
pub(crate) fn activity_of(
    latest: Vec<AttemptSummary>,
    pending: Vec<(crate::model::WebhookId, u64)>,
) -> HashMap<crate::model::WebhookId, WebhookActivity> {
    let mut out: HashMap<crate::model::WebhookId, WebhookActivity> = HashMap::new();
    for a in latest {
        if let Some(id) = a.webhook_id.clone() {
            out.entry(id).or_default().last_attempt = Some(a);
        }
    }
    for (id, n) in pending {
        out.entry(id).or_default().queued = n;
    }
    out
}
