//! `hookdesk emit TYPE`: post an event to the running instance, or accept it into a team
//! database (`--database-url`), where the team's workers deliver it.

use super::client::ApiClient;
use super::{CliResult, Failure};
use serde_json::{Value, json};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct EmitArgs {
    /// The event type, e.g. task.created.
    #[arg(value_name = "TYPE")]
    event_type: String,
    /// The data object as JSON, or @FILE to read it from a file (- for stdin).
    #[arg(long, value_name = "JSON|@FILE")]
    data: Option<String>,
    #[arg(long)]
    workflow: Option<String>,
    #[arg(long)]
    survey: Option<String>,
    #[arg(long)]
    group: Option<String>,
    /// Your own event id: a repeated id is accepted once.
    #[arg(long)]
    id: Option<String>,
    #[command(flatten)]
    team: super::worker::TeamDatabase,
}

fn read_data(arg: Option<&str>) -> Result<Value, Failure> {
    let text = match arg {
        None => return Ok(json!({})),
        Some("@-") => std::io::read_to_string(std::io::stdin()).map_err(|e| Failure(format!("cannot read the data from stdin: {e}")))?,
        Some(a) if a.starts_with('@') => std::fs::read_to_string(&a[1..]).map_err(|e| Failure(format!("cannot read {}: {e}", &a[1..])))?,
        Some(a) => a.to_string(),
    };
    serde_json::from_str(&text).map_err(|e| Failure(format!("--data is not valid JSON: {e}")))
}

pub async fn run(args: EmitArgs, data_dir: &Path) -> CliResult {
    let data = read_data(args.data.as_deref())?;
    let mut body = json!({"type": args.event_type, "data": data});
    for (key, value) in [("workflow", &args.workflow), ("survey", &args.survey), ("group", &args.group), ("id", &args.id)] {
        if let Some(v) = value {
            body[key] = json!(v);
        }
    }
    let accepted = match &args.team.database_url {
        Some(url) => {
            let input = serde_json::from_str(&body.to_string()).map_err(|e| Failure(format!("the event is not valid: {e}")))?;
            let store = super::worker::TeamDatabase::open(url).await?;
            serde_json::to_value(hookdesk_engine::team_admin::accept_event(&store, input).await?)?
        }
        None => ApiClient::discover(data_dir)?.post("/v1/events", &body).await?,
    };
    let deliveries = accepted["deliveries"].as_array().cloned().unwrap_or_default();
    let list: Vec<String> = deliveries
        .iter()
        .map(|d| format!("{} ({})", d["webhook_code"].as_str().unwrap_or_default(), d["id"].as_str().unwrap_or_default()))
        .collect();
    let event_id = accepted["event_id"].as_str().unwrap_or_default();
    match list.len() {
        0 => println!("Accepted {event_id}: no active webhook takes {} with these filters, so nothing is sent.", args.event_type),
        n => println!("Accepted {event_id} → {n} deliver{}: {}", if n == 1 { "y" } else { "ies" }, list.join(", ")),
    }
    Ok(())
}
