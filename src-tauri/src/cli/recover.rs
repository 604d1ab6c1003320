//! `hookdesk recover CODE --since 2h`: every event whose latest delivery to the webhook
//! failed in the window is delivered again, in acceptance order.

use super::client::{ApiClient, segment};
use super::{CliResult, Failure};
use hookdesk_engine::model::time::{format_ms, now_ms, parse_rfc3339_ms};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct RecoverArgs {
    /// The webhook's code or id.
    code: String,
    /// From when: an age (`90m`, `2h`, `3d`) or an RFC 3339 time (`2026-12-01T08:00:00Z`).
    #[arg(long, value_parser = parse_when)]
    since: String,
    /// Up to when (default: now), in the same forms.
    #[arg(long, value_parser = parse_when)]
    until: Option<String>,
    #[command(flatten)]
    team: super::worker::TeamDatabase,
}

/// An age back from now, or an RFC 3339 time, as RFC 3339.
fn parse_when(text: &str) -> Result<String, String> {
    if parse_rfc3339_ms(text).is_some() {
        return Ok(text.to_string());
    }
    let unit_ms = |u: &str| match u {
        "s" => Some(1_000),
        "m" => Some(60_000),
        "h" => Some(3_600_000),
        "d" => Some(86_400_000),
        _ => None,
    };
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    match (number.parse::<i64>(), unit_ms(unit)) {
        (Ok(n), Some(ms)) if n > 0 => Ok(format_ms(now_ms() - n.saturating_mul(ms))),
        _ => Err(format!("“{text}” is neither an age such as 2h or 3d nor an RFC 3339 time such as 2026-12-01T08:00:00Z")),
    }
}

pub async fn run(args: RecoverArgs, data_dir: &Path) -> CliResult {
    let mut body = serde_json::json!({ "since": args.since });
    if let Some(until) = &args.until {
        body["until"] = until.clone().into();
    }
    let recovered = match &args.team.database_url {
        Some(url) => {
            let store = super::worker::TeamDatabase::open(url).await?;
            let window = hookdesk_engine::recover::RecoverWindow { since: args.since.clone(), until: args.until.clone() };
            serde_json::to_value(hookdesk_engine::team_admin::recover(&store, &args.code, &window).await?)?
        }
        None => ApiClient::discover(data_dir)?.post(&format!("/v1/webhooks/{}/recover", segment(&args.code)), &body).await?,
    };
    let n = recovered["deliveries"].as_u64().ok_or_else(|| Failure("The instance gave no count of deliveries.".into()))?;
    match n {
        0 => println!("Nothing to recover: no delivery to {} failed since {}.", args.code, args.since),
        1 => println!("1 failed delivery to {} is being delivered again.", args.code),
        n => println!("{n} failed deliveries to {} are being delivered again, in their original order.", args.code),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_age_or_a_time() {
        assert_eq!(parse_when("2026-12-01T08:00:00Z").unwrap(), "2026-12-01T08:00:00Z");
        let two_hours_ago = parse_rfc3339_ms(&parse_when("2h").unwrap()).unwrap();
        assert!((now_ms() - 2 * 3_600_000 - two_hours_ago).abs() < 5_000);
        for bad in ["", "2", "h", "0h", "-2h", "2w", "yesterday"] {
            assert!(parse_when(bad).is_err(), "{bad:?}");
        }
    }
}
