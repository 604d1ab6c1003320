//! The health rollup (`stats_minute`, `stats_hour`): attempts counted per scope, minute or
//! hour, and latency bucket as they are recorded, so that a week of health is a few thousand
//! rows at a million attempts.

use crate::error::Result;
use rusqlite::{Connection, params};

/// The scope of direct deliveries (no webhook) and of all deliveries together.
pub const DIRECT: &str = "";
pub const ALL: &str = "*";

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 3_600_000;

/// The steps of a decade from 10 ms up (times 1, 10, … 10,000).
const MANTISSAS: [u64; 16] = [10, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90];
/// The last bucket starts here and has no end.
const LAST_BUCKET: u64 = 900_000;

/// `ms` (10 or more) as a two-digit mantissa and its power of ten: 3,456 → (34, 100).
fn decade(ms: u64) -> (u64, u64) {
    let mut p = 1;
    while ms / p >= 100 {
        p *= 10;
    }
    (ms / p, p)
}

/// The lower bound of the latency bucket of `ms`: every ms below 10, then 16 steps a decade
/// (at most a quarter as wide as its start). `migrations/stats_rebuild.sql` lists the same buckets.
pub fn bucket_of(ms: u64) -> u64 {
    if ms < 10 {
        return ms;
    }
    if ms >= LAST_BUCKET {
        return LAST_BUCKET;
    }
    let (m, p) = decade(ms);
    MANTISSAS.iter().rev().find(|&&step| step <= m).expect("10 ≤ m < 100") * p
}

/// The first duration past the bucket that starts at `lower`.
pub fn bucket_end(lower: u64) -> u64 {
    if lower < 10 {
        return lower + 1;
    }
    if lower >= LAST_BUCKET {
        return u64::MAX;
    }
    let (m, p) = decade(lower);
    MANTISSAS.iter().find(|&&step| step > m).map_or(100 * p, |step| step * p)
}

/// Adds to a row of the minute (or hour) rollup; written out once each, as this runs with
/// every attempt.
const ADD_MINUTE: &str = "INSERT INTO stats_minute (scope, at, latency_ms, succeeded, failed, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT (scope, at, latency_ms) DO UPDATE SET succeeded = succeeded + excluded.succeeded,
         failed = failed + excluded.failed, duration_ms = duration_ms + excluded.duration_ms";
const ADD_HOUR: &str = "INSERT INTO stats_hour (scope, at, latency_ms, succeeded, failed, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT (scope, at, latency_ms) DO UPDATE SET succeeded = succeeded + excluded.succeeded,
         failed = failed + excluded.failed, duration_ms = duration_ms + excluded.duration_ms";

/// Counts one recorded attempt (not a Test) in its webhook's scope and in all, by minute
/// and by hour.
pub fn add(conn: &Connection, webhook_id: Option<&str>, executed_at: i64, duration_ms: u64, success: bool) -> Result<()> {
    let latency = bucket_of(duration_ms) as i64;
    let (ok, failed) = if success { (1, 0) } else { (0, 1) };
    let duration = duration_ms.min(i64::MAX as u64) as i64;
    let scope = webhook_id.unwrap_or(DIRECT);
    for (sql, step) in [(ADD_MINUTE, MINUTE_MS), (ADD_HOUR, HOUR_MS)] {
        let mut stmt = conn.prepare_cached(sql)?;
        let at = executed_at - executed_at.rem_euclid(step);
        stmt.execute(params![scope, at, latency, ok, failed, duration])?;
        stmt.execute(params![ALL, at, latency, ok, failed, duration])?;
    }
    Ok(())
}

/// One row of the rollup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub at: i64,
    pub latency_ms: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub duration_ms: u64,
}

/// A scope's rows from `from` on, by minute (`hourly` false) or by hour.
pub fn buckets(conn: &Connection, scope: &str, from: i64, hourly: bool) -> Result<Vec<Bucket>> {
    let table = if hourly { "stats_hour" } else { "stats_minute" };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT at, latency_ms, succeeded, failed, duration_ms FROM {table} WHERE scope = ?1 AND at >= ?2 ORDER BY at"
    ))?;
    let rows = stmt.query_map(params![scope, from], |r| {
        Ok(Bucket {
            at: r.get(0)?,
            latency_ms: r.get::<_, i64>(1)?.max(0) as u64,
            succeeded: r.get::<_, i64>(2)?.max(0) as u64,
            failed: r.get::<_, i64>(3)?.max(0) as u64,
            duration_ms: r.get::<_, i64>(4)?.max(0) as u64,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Each webhook's attempts per hour from `from` on: (webhook, hour, succeeded, failed).
pub fn hourly_per_webhook(conn: &Connection, from: i64) -> Result<Vec<(crate::model::WebhookId, i64, u64, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT scope, at, SUM(succeeded), SUM(failed) FROM stats_hour WHERE at >= ?1 AND scope NOT IN ('', '*') GROUP BY scope, at",
    )?;
    let rows =
        stmt.query_map([from], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.max(0) as u64, r.get::<_, i64>(3)?.max(0) as u64)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Deletes the rollup older than `cutoff` (a few rows: minutes and hours, not attempts).
pub fn delete_before(conn: &Connection, cutoff: i64) -> Result<u64> {
    let minutes = conn.prepare_cached("DELETE FROM stats_minute WHERE at < ?1")?.execute([cutoff])?;
    let hours = conn.prepare_cached("DELETE FROM stats_hour WHERE at < ?1")?.execute([cutoff])?;
    Ok((minutes + hours) as u64)
}

/// Rebuilds the rollup from the attempts of the last 8 days, as the migration that added it
/// did (and a benchmark that writes attempts straight into their table needs).
pub fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute_batch(include_str!("../../migrations/stats_rebuild.sql"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_tile_the_durations_each_at_most_a_quarter_of_its_start_wide() {
        let mut lower = 0;
        let mut count = 0;
        while lower < LAST_BUCKET {
            let end = bucket_end(lower);
            assert!(end > lower);
            assert_eq!(bucket_of(lower), lower, "{lower} starts its bucket");
            assert_eq!(bucket_of(end - 1), lower, "{} is in the bucket of {lower}", end - 1);
            if lower >= 10 {
                assert!((end - lower) * 4 <= lower, "[{lower}, {end}) is at most 25 % wide");
            }
            lower = end;
            count += 1;
        }
        // 10 single ms and 16 steps for each of 5 decades: the last one has no end.
        assert_eq!((count, lower), (89, LAST_BUCKET));
        assert_eq!(bucket_end(LAST_BUCKET), u64::MAX);
        assert_eq!(bucket_of(5_000_000), LAST_BUCKET);
    }
}
