//! When the next attempt happens: the webhook's schedule, or the receiver's `Retry-After`
//! on 429 and 503, bounded by twice the scheduled delay.

use crate::model::RetryPolicy;
use std::time::Duration;
use time::OffsetDateTime;

/// Parses `Retry-After` as delay-seconds or an HTTP-date, relative to `now`.
pub fn parse_retry_after(value: &str, now: OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let fmt = time::macros::format_description!("[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT");
    let at = time::PrimitiveDateTime::parse(value, &fmt).ok()?.assume_utc();
    Some(Duration::try_from(at - now).unwrap_or(Duration::ZERO))
}

/// The delay before the attempt after attempt number `attempts_made`.
pub fn next_delay(policy: &RetryPolicy, attempts_made: u32, status: Option<u16>, retry_after: Option<&str>) -> Duration {
    let scheduled = policy.delay(attempts_made);
    let asked = match status {
        Some(429 | 503) => retry_after.and_then(|v| parse_retry_after(v, OffsetDateTime::now_utc())),
        _ => None,
    };
    match asked {
        Some(d) => d.min(scheduled * 2),
        None => scheduled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_within_twice_the_schedule() {
        let fixed = RetryPolicy::Fixed { delay_ms: 10_000 };
        assert_eq!(next_delay(&fixed, 1, Some(429), Some("3")), Duration::from_secs(3));
        assert_eq!(next_delay(&fixed, 1, Some(503), Some("3600")), Duration::from_secs(20), "bounded");
        assert_eq!(next_delay(&fixed, 1, Some(500), Some("3")), Duration::from_secs(10), "only for 429 and 503");
        assert_eq!(next_delay(&fixed, 1, Some(429), Some("soon")), Duration::from_secs(10), "unparseable: the schedule");
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        assert_eq!(parse_retry_after("Tue, 14 Nov 2023 22:13:25 GMT", now), Some(Duration::from_secs(5)));
    }
}
