//! How a webhook's deliveries are attempted: timeout, attempts, retry schedule, ordering,
//! and when to pause. Defaults suit most users; the API takes milliseconds so scripts and
//! tests can exercise retries quickly, the panel shows seconds.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

pub const TIMEOUT_MS_RANGE: (u32, u32) = (100, 60_000);
pub const ATTEMPTS_RANGE: (u32, u32) = (1, 20);
pub const DELAY_MS_RANGE: (u64, u64) = (100, 86_400_000);
pub const CONCURRENCY_RANGE: (u32, u32) = (1, 64);
pub const PAUSE_AFTER_RANGE: (u32, u32) = (0, 1000);
/// At most this many delays in an exponential schedule.
pub const SCHEDULE_MAX: usize = 20;

/// The exponential preset: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
pub const EXPONENTIAL_PRESET_MS: [u64; 7] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[ts(export)]
pub struct DeliverySettings {
    /// Per attempt, 100–60000 ms (the panel offers 1–60 s).
    #[serde(deserialize_with = "integral::number")]
    pub timeout_ms: u32,
    /// First try plus retries, 1–20.
    #[serde(deserialize_with = "integral::number")]
    pub attempts: u32,
    pub retry: RetryPolicy,
    pub ordering: Ordering,
    /// Deliveries in flight at once when `ordering` is `parallel` (1–64); sequential is always 1.
    #[serde(deserialize_with = "integral::number")]
    pub concurrency: u32,
    /// Consecutive failed deliveries before the webhook is paused; 0 never pauses.
    #[serde(deserialize_with = "integral::number")]
    pub pause_after_failures: u32,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            timeout_ms: 30_000,
            attempts: 3,
            retry: RetryPolicy::Fixed { delay_ms: 30_000 },
            ordering: Ordering::Sequential,
            concurrency: 1,
            pause_after_failures: 10,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[ts(export)]
pub enum RetryPolicy {
    /// The same delay between every two attempts.
    Fixed {
        #[ts(type = "number")]
        #[serde(deserialize_with = "integral::number")]
        delay_ms: u64,
    },
    /// Delay before retry n is `schedule_ms[n-1]` (the last repeats), with ±20 % jitter.
    Exponential {
        #[ts(type = "Array<number>")]
        #[serde(deserialize_with = "integral::numbers")]
        schedule_ms: Vec<u64>,
    },
}

impl RetryPolicy {
    pub fn exponential_preset() -> Self {
        RetryPolicy::Exponential { schedule_ms: EXPONENTIAL_PRESET_MS.to_vec() }
    }

    /// The nominal delay before the attempt that follows attempt number `attempts_made` (1-based),
    /// without jitter.
    pub fn nominal_delay(&self, attempts_made: u32) -> Duration {
        let ms = match self {
            RetryPolicy::Fixed { delay_ms } => *delay_ms,
            RetryPolicy::Exponential { schedule_ms } => {
                let i = (attempts_made.max(1) as usize - 1).min(schedule_ms.len().saturating_sub(1));
                schedule_ms.get(i).copied().unwrap_or(DELAY_MS_RANGE.0)
            }
        };
        Duration::from_millis(ms)
    }

    /// The delay to wait, with jitter for the exponential schedule so that many failing
    /// deliveries do not retry in lockstep.
    pub fn delay(&self, attempts_made: u32) -> Duration {
        let nominal = self.nominal_delay(attempts_made);
        match self {
            RetryPolicy::Fixed { .. } => nominal,
            RetryPolicy::Exponential { .. } => {
                let factor: f64 = rand::random_range(0.8..1.2);
                nominal.mul_f64(factor)
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Ordering {
    /// The next delivery starts only after the previous one has ended.
    Sequential,
    /// Up to `concurrency` deliveries at once.
    Parallel,
}

impl DeliverySettings {
    /// Checks every range; `prefix` is the field path (`delivery`).
    pub fn validate(&self, prefix: &str, errors: &mut Vec<FieldError>) {
        fn range(errors: &mut Vec<FieldError>, field: String, value: u64, (lo, hi): (u64, u64), unit: &str) {
            if value < lo || value > hi {
                errors.push(FieldError::new(field, format!("Must be between {lo} and {hi}{unit}.")));
            }
        }
        let wide = |(lo, hi): (u32, u32)| (u64::from(lo), u64::from(hi));
        range(errors, format!("{prefix}.timeout_ms"), self.timeout_ms.into(), wide(TIMEOUT_MS_RANGE), " ms");
        range(errors, format!("{prefix}.attempts"), self.attempts.into(), wide(ATTEMPTS_RANGE), "");
        range(errors, format!("{prefix}.concurrency"), self.concurrency.into(), wide(CONCURRENCY_RANGE), "");
        range(errors, format!("{prefix}.pause_after_failures"), self.pause_after_failures.into(), wide(PAUSE_AFTER_RANGE), "");
        match &self.retry {
            RetryPolicy::Fixed { delay_ms } => range(errors, format!("{prefix}.retry.delay_ms"), *delay_ms, DELAY_MS_RANGE, " ms"),
            RetryPolicy::Exponential { schedule_ms } => {
                if schedule_ms.is_empty() || schedule_ms.len() > SCHEDULE_MAX {
                    errors
                        .push(FieldError::new(format!("{prefix}.retry.schedule_ms"), format!("Give between 1 and {SCHEDULE_MAX} delays.")));
                }
                for (i, d) in schedule_ms.iter().enumerate() {
                    range(errors, format!("{prefix}.retry.schedule_ms[{i}]"), *d, DELAY_MS_RANGE, " ms");
                }
            }
        }
    }

    /// How many deliveries may be in flight at once.
    pub fn max_in_flight(&self) -> usize {
        match self.ordering {
            Ordering::Sequential => 1,
            Ordering::Parallel => self.concurrency.max(1) as usize,
        }
    }
}

/// JSON Schema's `integer` is any number without a fractional part, so `5.0` is read as 5
/// (generated clients and JavaScript write integers either way); `5.5` is refused.
pub mod integral {
    use serde::de::{Deserializer, Error, Unexpected, Visitor};
    use std::fmt;

    struct Whole(u64);

    impl<'de> serde::Deserialize<'de> for Whole {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = u64;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a whole number")
                }
                fn visit_u64<E: Error>(self, v: u64) -> Result<u64, E> {
                    Ok(v)
                }
                fn visit_i64<E: Error>(self, v: i64) -> Result<u64, E> {
                    u64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &"a whole number of 0 or more"))
                }
                fn visit_f64<E: Error>(self, v: f64) -> Result<u64, E> {
                    // 2^64 is the first f64 past u64::MAX.
                    if v.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&v) {
                        Ok(v as u64)
                    } else {
                        Err(E::invalid_value(Unexpected::Float(v), &"a whole number of 0 or more"))
                    }
                }
            }
            d.deserialize_any(V).map(Whole)
        }
    }

    fn fit<T: TryFrom<u64>, E: Error>(n: u64) -> Result<T, E> {
        T::try_from(n).map_err(|_| E::invalid_value(Unexpected::Unsigned(n), &"a smaller number"))
    }

    pub fn number<'de, D: Deserializer<'de>, T: TryFrom<u64>>(d: D) -> Result<T, D::Error> {
        let Whole(n) = serde::Deserialize::deserialize(d)?;
        fit(n)
    }

    pub fn numbers<'de, D: Deserializer<'de>, T: TryFrom<u64>>(d: D) -> Result<Vec<T>, D::Error> {
        let all: Vec<Whole> = serde::Deserialize::deserialize(d)?;
        all.into_iter().map(|Whole(n)| fit(n)).collect()
    }
}
