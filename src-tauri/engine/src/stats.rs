//! **Health**: how a webhook (or all of them) has been doing over the last hour, day or
//! week: attempts, results, latency percentiles, what waits, and a series to draw. Read from
//! the rollup kept with each attempt (`store::stats`), never from the attempts themselves.

use crate::error::Result;
use crate::model::time::{format_ms, now_ms};
use crate::model::{WebhookId, WebhookStatus};
use crate::store::stats::{self as rollup, Bucket, HOUR_MS, MINUTE_MS};
use crate::{Engine, store};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use ts_rs::TS;

/// How long the rollup is kept: the longest window, and a day to spare.
pub(crate) const KEPT_MS: i64 = 8 * 24 * HOUR_MS;

/// The period a Health view covers, ending now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub enum StatsWindow {
    #[serde(rename = "1h")]
    Hour,
    #[default]
    #[serde(rename = "24h")]
    Day,
    #[serde(rename = "7d")]
    Week,
}

impl StatsWindow {
    /// The start of the window's first step, when it ends at `now`.
    pub(crate) fn first(self, now: i64) -> i64 {
        let (step, count) = self.steps();
        now - now.rem_euclid(step) - (count - 1) * step
    }

    /// The series' step, and how many steps the window has.
    pub(crate) fn steps(self) -> (i64, i64) {
        match self {
            StatsWindow::Hour => (MINUTE_MS, 60),
            StatsWindow::Day => (15 * MINUTE_MS, 96),
            StatsWindow::Week => (HOUR_MS, 168),
        }
    }
}

/// One step of the series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct StatsPoint {
    /// The step's start, RFC 3339.
    pub at: String,
    #[ts(type = "number")]
    pub succeeded: u64,
    #[ts(type = "number")]
    pub failed: u64,
    /// `null` when nothing was attempted in the step.
    #[ts(type = "number | null")]
    pub p95_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct Stats {
    pub window: StatsWindow,
    /// Attempts made in the window (Tests aside), and how they ended.
    #[ts(type = "number")]
    pub attempts: u64,
    #[ts(type = "number")]
    pub succeeded: u64,
    #[ts(type = "number")]
    pub failed: u64,
    /// `succeeded / attempts`, 0 to 1; `null` without attempts.
    pub success_rate: Option<f64>,
    /// Latency percentiles, placed at the mean of their bucket (buckets are at most a
    /// quarter of their start wide); `null` without attempts.
    #[ts(type = "number | null")]
    pub p50_ms: Option<u64>,
    #[ts(type = "number | null")]
    pub p95_ms: Option<u64>,
    /// Deliveries not ended yet.
    #[ts(type = "number")]
    pub waiting: u64,
    /// The webhook's status (absent for all webhooks together).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status: Option<WebhookStatus>,
    /// Oldest first, one point per step (a minute over 1 h, 15 minutes over 24 h, an hour
    /// over 7 d), empty steps included.
    pub series: Vec<StatsPoint>,
}

/// A webhook's last 24 hours, hour by hour, oldest first: the list's sparkline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HealthBars {
    pub succeeded: Vec<u32>,
    pub failed: Vec<u32>,
}

/// A latency histogram: per bucket (by lower bound), the count and the durations' sum.
#[derive(Default)]
struct Histogram(BTreeMap<u64, (u64, u64)>);

impl Histogram {
    fn add(&mut self, b: &Bucket) {
        let entry = self.0.entry(b.latency_ms).or_default();
        entry.0 += b.succeeded + b.failed;
        entry.1 += b.duration_ms;
    }

    /// The `q` quantile by nearest rank, placed at its bucket's mean.
    fn percentile(&self, q: f64) -> Option<u64> {
        let total: u64 = self.0.values().map(|(n, _)| n).sum();
        if total == 0 {
            return None;
        }
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (lower, (n, sum)) in &self.0 {
            seen += n;
            if seen >= rank && *n > 0 {
                let mean = (*sum as f64 / *n as f64).round() as u64;
                // The mean lies in its bucket, unless durations were rounded across an edge.
                return Some(mean.clamp(*lower, rollup::bucket_end(*lower).saturating_sub(1)));
            }
        }
        None
    }
}

/// The figures of a window from its rows.
fn compute(window: StatsWindow, rows: &[Bucket], now: i64) -> Stats {
    let (step, count) = window.steps();
    let first = window.first(now);
    let mut all = Histogram::default();
    let mut points: Vec<(u64, u64, Histogram)> = (0..count).map(|_| (0, 0, Histogram::default())).collect();
    let (mut succeeded, mut failed) = (0, 0);
    for b in rows.iter().filter(|b| b.at >= first) {
        let i = ((b.at - first) / step) as usize;
        let Some(point) = points.get_mut(i) else { continue };
        point.0 += b.succeeded;
        point.1 += b.failed;
        point.2.add(b);
        all.add(b);
        succeeded += b.succeeded;
        failed += b.failed;
    }
    let attempts = succeeded + failed;
    Stats {
        window,
        attempts,
        succeeded,
        failed,
        success_rate: (attempts > 0).then(|| succeeded as f64 / attempts as f64),
        p50_ms: all.percentile(0.5),
        p95_ms: all.percentile(0.95),
        waiting: 0,
        status: None,
        series: points
            .iter()
            .enumerate()
            .map(|(i, (s, f, h))| StatsPoint {
                at: format_ms(first + i as i64 * step),
                succeeded: *s,
                failed: *f,
                p95_ms: h.percentile(0.95),
            })
            .collect(),
    }
}

/// A window's figures from attempts counted by step, duration and result, as
/// [`crate::store::pg::PgStore::attempt_counts`] gives them (a team database keeps no rollup):
/// the same buckets, percentiles and series as the local rollup gives.
pub(crate) fn from_counts(window: StatsWindow, counts: &[(i64, u64, bool, u64)], now: i64, waiting: u64) -> Stats {
    let mut buckets: BTreeMap<(i64, u64), Bucket> = BTreeMap::new();
    for &(at, duration_ms, succeeded, n) in counts {
        let latency_ms = rollup::bucket_of(duration_ms);
        let b = buckets.entry((at, latency_ms)).or_insert(Bucket { at, latency_ms, succeeded: 0, failed: 0, duration_ms: 0 });
        if succeeded {
            b.succeeded += n;
        } else {
            b.failed += n;
        }
        b.duration_ms += duration_ms.saturating_mul(n);
    }
    let rows: Vec<Bucket> = buckets.into_values().collect();
    Stats { waiting, ..compute(window, &rows, now) }
}

impl Engine {
    /// A webhook's health over the window.
    pub async fn webhook_stats(&self, id_or_code: &str, window: StatsWindow) -> Result<Stats> {
        let row = self.webhook_row(id_or_code).await?;
        let mut stats = self.stats_of(Some(row.id), window).await?;
        stats.status = Some(row.status);
        Ok(stats)
    }

    /// The health of all deliveries together (direct ones included).
    pub async fn stats(&self, window: StatsWindow) -> Result<Stats> {
        self.stats_of(None, window).await
    }

    async fn stats_of(&self, webhook_id: Option<WebhookId>, window: StatsWindow) -> Result<Stats> {
        let now = now_ms();
        let from = window.first(now);
        self.db()
            .read(move |conn| {
                let tx = conn.unchecked_transaction()?;
                let scope = webhook_id.as_deref().unwrap_or(rollup::ALL);
                let rows = rollup::buckets(&tx, scope, from, window == StatsWindow::Week)?;
                let mut stats = compute(window, &rows, now);
                stats.waiting = store::deliveries::pending_count(&tx, webhook_id.as_deref())?;
                tx.finish()?;
                Ok(stats)
            })
            .await
    }

    /// Every webhook's last 24 hours, hour by hour (webhooks without attempts left out).
    pub async fn health_bars(&self) -> Result<HashMap<WebhookId, HealthBars>> {
        let first = bars_first(now_ms());
        let rows = self.db().read(move |conn| store::stats::hourly_per_webhook(conn, first)).await?;
        Ok(bars_of(first, rows))
    }
}

/// Where the list's 24 hourly bars start: the hour 23 hours before `now`'s.
pub(crate) fn bars_first(now: i64) -> i64 {
    now - now.rem_euclid(HOUR_MS) - 23 * HOUR_MS
}

/// The list's bars from hourly counts from `first` on: `(webhook, hour start, succeeded,
/// failed)` (either store's).
pub(crate) fn bars_of(first: i64, rows: Vec<(WebhookId, i64, u64, u64)>) -> HashMap<WebhookId, HealthBars> {
    let mut out: HashMap<WebhookId, HealthBars> = HashMap::new();
    for (id, at, succeeded, failed) in rows {
        let bars = out.entry(id).or_insert_with(|| HealthBars { succeeded: vec![0; 24], failed: vec![0; 24] });
        let i = ((at - first) / HOUR_MS) as usize;
        if let (Some(s), Some(f)) = (bars.succeeded.get_mut(i), bars.failed.get_mut(i)) {
            *s = u32::try_from(succeeded).unwrap_or(u32::MAX);
            *f = u32::try_from(failed).unwrap_or(u32::MAX);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(at: i64, ms: u64, n: u64) -> Bucket {
        Bucket { at, latency_ms: rollup::bucket_of(ms), succeeded: n, failed: 0, duration_ms: ms * n }
    }

    #[test]
    fn percentiles_by_nearest_rank_land_on_the_durations_when_each_bucket_holds_one() {
        let now = 10 * HOUR_MS + 30_000;
        // 100 attempts: 50 of 10 ms, 45 of 100 ms, 5 of 2,000 ms.
        let rows = [bucket(10 * HOUR_MS, 10, 50), bucket(10 * HOUR_MS, 100, 45), bucket(10 * HOUR_MS, 2000, 5)];
        let s = compute(StatsWindow::Hour, &rows, now);
        assert_eq!((s.attempts, s.p50_ms, s.p95_ms), (100, Some(10), Some(100)));
        let rows = [bucket(10 * HOUR_MS, 10, 49), bucket(10 * HOUR_MS, 100, 45), bucket(10 * HOUR_MS, 2000, 6)];
        let s = compute(StatsWindow::Hour, &rows, now);
        assert_eq!((s.p50_ms, s.p95_ms), (Some(100), Some(2000)));
        assert_eq!(s.series.len(), 60);
        assert_eq!(s.series.last().unwrap().succeeded, 100, "now's minute is the last point");
    }

    #[test]
    fn counted_attempts_give_the_figures_the_rollup_gives() {
        let now = 10 * HOUR_MS + 30_000;
        let minute = 10 * HOUR_MS - MINUTE_MS;
        // The team database's counts (by exact duration) of what the rollup holds by bucket.
        let counts = [(minute, 10, true, 30), (minute, 11, true, 20), (10 * HOUR_MS, 100, true, 45), (10 * HOUR_MS, 2000, false, 5)];
        let rows = [
            Bucket { at: minute, latency_ms: 10, succeeded: 50, failed: 0, duration_ms: 10 * 30 + 11 * 20 },
            bucket(10 * HOUR_MS, 100, 45),
            Bucket { at: 10 * HOUR_MS, latency_ms: rollup::bucket_of(2000), succeeded: 0, failed: 5, duration_ms: 10_000 },
        ];
        let from_counts = from_counts(StatsWindow::Hour, &counts, now, 7);
        assert_eq!(from_counts, Stats { waiting: 7, ..compute(StatsWindow::Hour, &rows, now) });
        assert_eq!((from_counts.attempts, from_counts.failed, from_counts.series[58].succeeded), (100, 5, 50));
    }
}
