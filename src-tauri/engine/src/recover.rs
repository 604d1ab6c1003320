//! **Recover**: after an endpoint was down, every event whose latest delivery to a webhook
//! failed within a window gets a new delivery, in acceptance order. Run twice, the second
//! run finds nothing: the first one's deliveries are the latest now.

use crate::error::{Error, Result};
use crate::model::DeliveryId;
use crate::model::WebhookStatus;
use crate::model::time::{format_ms, now_ms};
use crate::{Engine, delivery::QueueKey, store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// When the failures to bring back ended: from `since`, up to `until` (now when left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct RecoverWindow {
    /// RFC 3339, e.g. `2026-12-01T08:00:00Z`.
    #[schema(format = DateTime)]
    pub since: String,
    #[serde(default)]
    #[ts(optional)]
    #[schema(format = DateTime)]
    pub until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct Recovered {
    /// New deliveries queued, one per event.
    #[ts(type = "number")]
    pub deliveries: u64,
    /// The first and last of them (their ids run on between): to follow or cancel them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub first: Option<DeliveryId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last: Option<DeliveryId>,
}

/// Where a recover's deliveries stand: "N of M delivered".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct RecoverProgress {
    #[ts(type = "number")]
    pub succeeded: u64,
    /// Their attempts used up again (or withdrawn after an attempt, by a cancel).
    #[ts(type = "number")]
    pub failed: u64,
    /// Still to be delivered.
    #[ts(type = "number")]
    pub waiting: u64,
}

impl RecoverWindow {
    /// The window in Unix ms, checked: a start before its end, neither in the future, and
    /// nothing from before the logs' retention (those deliveries are gone).
    pub(crate) fn bounds(&self, retention_days: u32) -> Result<(i64, i64)> {
        let now = now_ms();
        let parse = |field: &str, text: &str| {
            crate::model::time::parse_rfc3339_ms(text)
                .ok_or_else(|| Error::invalid(field, format!("{field}: “{text}” is not an RFC 3339 time such as 2026-12-01T08:00:00Z.")))
        };
        let since = parse("since", &self.since)?;
        let until = match &self.until {
            Some(text) => parse("until", text)?,
            // The end is exclusive: "now" takes in what ended in this very millisecond.
            None => now + 1,
        };
        if since > now {
            return Err(Error::invalid("since", "since is in the future: nothing has failed there yet."));
        }
        if until <= since {
            return Err(Error::invalid("until", "until must be after since."));
        }
        let kept_from = now - i64::from(retention_days) * 24 * 3600 * 1000;
        if since < kept_from {
            return Err(Error::invalid(
                "since",
                format!(
                    "since is before what the logs keep ({retention_days} days, from {}): choose a later time, or keep logs longer in Settings.",
                    format_ms(kept_from)
                ),
            ));
        }
        Ok((since, until.min(now + 1)))
    }
}

impl Engine {
    /// How many events a recover over this window would deliver again (for the confirmation).
    pub async fn recoverable(&self, id_or_code: &str, window: &RecoverWindow) -> Result<u64> {
        let (webhook_id, since, until) = self.recover_target(id_or_code, window).await?;
        self.db().read(move |conn| store::deliveries::recoverable_count(conn, &webhook_id, since, until)).await
    }

    /// Queues a new delivery of every event whose latest delivery to the webhook failed in
    /// the window, in acceptance order. Found and queued in one write, so that two recovers
    /// at once do not deliver an event twice.
    pub async fn recover(&self, id_or_code: &str, window: &RecoverWindow) -> Result<Recovered> {
        let (webhook_id, since, until) = self.recover_target(id_or_code, window).await?;
        let max_attempts = self.route(&webhook_id).map(|w| w.delivery.attempts).ok_or_else(|| crate::webhooks::not_found(id_or_code))?;
        let cx = self.cx().clone();
        let key = QueueKey::Webhook(webhook_id.clone());
        let ids = self
            .db()
            .write_then(
                move |conn| store::deliveries::recover(conn, &webhook_id, since, until, max_attempts, now_ms()),
                move |ids: &Vec<i64>| cx.enqueue(ids.iter().map(|id| (key.clone(), *id, None))),
            )
            .await?;
        Ok(recovered(&ids))
    }

    /// How far the deliveries of a recover have come.
    pub async fn recover_progress(&self, id_or_code: &str, recovered: &Recovered) -> Result<RecoverProgress> {
        let Some((first, last)) = batch(recovered) else { return Ok(RecoverProgress { succeeded: 0, failed: 0, waiting: 0 }) };
        let webhook_id = self.webhook_row(id_or_code).await?.id;
        let (succeeded, failed, waiting) =
            self.db().read(move |conn| store::deliveries::batch_states(conn, &webhook_id, first, last)).await?;
        Ok(RecoverProgress { succeeded, failed, waiting })
    }

    /// Cancels a recover: its deliveries that have not started are taken back (the ones
    /// under way finish), and their events stay failed, for a later recover to find. Returns
    /// how many were taken back.
    pub async fn cancel_recover(&self, id_or_code: &str, recovered: &Recovered) -> Result<u64> {
        let Some((first, last)) = batch(recovered) else { return Ok(0) };
        let webhook_id = self.webhook_row(id_or_code).await?.id;
        let key = QueueKey::Webhook(webhook_id);
        let ids = self.scheduler().withdraw(self.cx(), &key, first, last);
        if ids.is_empty() {
            return Ok(0);
        }
        let taken = ids.clone();
        let now = now_ms();
        if let Err(e) = self.db().write(move |conn| store::deliveries::withdraw(conn, &taken, now)).await {
            // Still pending in the database: back into the queue, so that nothing is stranded.
            self.enqueue(ids.into_iter().map(|id| (key.clone(), id, None)));
            return Err(e);
        }
        Ok(ids.len() as u64)
    }

    async fn recover_target(&self, id_or_code: &str, window: &RecoverWindow) -> Result<(crate::model::WebhookId, i64, i64)> {
        let row = self.webhook_row(id_or_code).await?;
        may_recover(&row)?;
        let (since, until) = window.bounds(self.settings().await?.log_retention_days)?;
        Ok((row.id, since, until))
    }
}

/// A deactivated webhook is activated before its failed deliveries are recovered.
pub(crate) fn may_recover(row: &crate::store::webhooks::WebhookRow) -> Result<()> {
    if row.status == WebhookStatus::Disabled {
        return Err(Error::Conflict(format!(
            "The webhook {} is deactivated: activate it first, then recover its failed deliveries.",
            row.code
        )));
    }
    Ok(())
}

/// What a recover made: how many deliveries, and the range of their ids.
pub(crate) fn recovered(ids: &[i64]) -> Recovered {
    Recovered { deliveries: ids.len() as u64, first: ids.first().copied().map(DeliveryId), last: ids.last().copied().map(DeliveryId) }
}

/// The id range of a recover's deliveries.
pub(crate) fn batch(recovered: &Recovered) -> Option<(i64, i64)> {
    Some((recovered.first?.0, recovered.last?.0))
}
