//! `hookdesk logs CODE`: a webhook's attempts, newest first, from the running instance or a
//! team database (`--database-url`).

use super::CliResult;
use super::client::{ApiClient, segment};
use serde_json::Value;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    code: String,
    /// How many attempts (1–500).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=500))]
    limit: u32,
    /// Print the API's JSON, with requests and responses.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    team: super::worker::TeamDatabase,
}

pub async fn run(args: LogsArgs, data_dir: &Path) -> CliResult {
    let page = match &args.team.database_url {
        Some(url) => {
            let store = super::worker::TeamDatabase::open(url).await?;
            hookdesk_engine::team_admin::logs(&store, &args.code, args.limit).await?
        }
        None => ApiClient::discover(data_dir)?.get(&format!("/v1/webhooks/{}/logs?limit={}", segment(&args.code), args.limit)).await?,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&page)?);
        return Ok(());
    }
    let rows = page["attempts"].as_array().cloned().unwrap_or_default();
    if rows.is_empty() {
        println!("No deliveries logged for {} yet.", args.code);
        return Ok(());
    }
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    println!("{:24}  {:8}  {:7}  {:7}  {:>8}  {:16}  EVENT", "EXECUTED (UTC)", "RESULT", "STATUS", "ATTEMPT", "DURATION", "TYPE");
    for a in &rows {
        let status = a["status_code"].as_u64().map(|c| c.to_string()).unwrap_or_else(|| s(&a["error_kind"]));
        let mut result = s(&a["result"]).to_uppercase();
        if a["test"].as_bool() == Some(true) {
            result.push_str(" (test)");
        }
        println!(
            "{:24}  {:8}  {:7}  {:7}  {:>6}ms  {:16}  {}",
            s(&a["executed_at"]),
            result,
            status,
            format!("{}/{}", a["attempt"], a["attempts"]),
            a["duration_ms"].as_u64().unwrap_or(0),
            s(&a["event_type"]),
            s(&a["event_id"])
        );
    }
    println!("{} of {} attempts shown.", rows.len(), page["total"]);
    Ok(())
}
