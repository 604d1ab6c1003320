//! `hookdesk webhooks list|show|export|import`.

use super::client::{ApiClient, segment};
use super::{CliResult, Failure};
use clap::Subcommand;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// One line per webhook: code, status, triggers, URL.
    List {
        #[command(flatten)]
        team: super::worker::TeamDatabase,
    },
    /// A webhook's settings as JSON (header values masked).
    Show {
        code: String,
        #[command(flatten)]
        team: super::worker::TeamDatabase,
    },
    /// The configuration as JSON, to FILE or stdout.
    Export {
        file: Option<PathBuf>,
        /// Include header values and signing secrets in plain text.
        #[arg(long)]
        include_secrets: bool,
        #[command(flatten)]
        team: super::worker::TeamDatabase,
        #[command(flatten)]
        key: super::worker::TeamKey,
    },
    /// Create or update webhooks from an export (into a team database with --database-url).
    Import {
        file: PathBuf,
        #[command(flatten)]
        team: super::worker::TeamDatabase,
        #[command(flatten)]
        key: super::worker::TeamKey,
    },
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

pub async fn run(cmd: WebhooksCommand, data_dir: &Path) -> CliResult {
    let team = match &cmd {
        WebhooksCommand::List { team }
        | WebhooksCommand::Show { team, .. }
        | WebhooksCommand::Export { team, .. }
        | WebhooksCommand::Import { team, .. } => team.database_url.clone(),
    };
    if let Some(url) = team {
        let store = super::worker::TeamDatabase::open(&url).await?;
        match cmd {
            WebhooksCommand::List { .. } => print_list(&serde_json::to_value(hookdesk_engine::team_admin::webhooks(&store).await?)?),
            WebhooksCommand::Show { code, .. } => {
                println!("{}", serde_json::to_string_pretty(&hookdesk_engine::team_admin::webhook(&store, &code).await?)?)
            }
            WebhooksCommand::Import { file, key, .. } => {
                let export = serde_json::from_str(&read_file(&file)?)
                    .map_err(|e| Failure(format!("{} is not a Hookdesk configuration file: {e}", file.display())))?;
                let key = key.key(&store).await?;
                let report = hookdesk_engine::team_admin::import_config(&store, &key, export).await?;
                print_import(&serde_json::to_value(report)?);
            }
            WebhooksCommand::Export { file, include_secrets, key, .. } => {
                let key = if include_secrets { Some(key.key(&store).await?) } else { None };
                let export = hookdesk_engine::team_admin::export_config(&store, key.as_ref()).await?;
                write_export(&serde_json::to_value(export)?, file.as_deref(), include_secrets)?;
            }
        }
        return Ok(());
    }
    let api = ApiClient::discover(data_dir)?;
    match cmd {
        WebhooksCommand::List { .. } => print_list(&api.get("/v1/webhooks").await?),
        WebhooksCommand::Show { code, .. } => {
            let w = api.get(&format!("/v1/webhooks/{}", segment(&code))).await?;
            println!("{}", serde_json::to_string_pretty(&w)?);
        }
        WebhooksCommand::Export { file, include_secrets, .. } => {
            let export = api.get(&format!("/v1/config?include_secrets={include_secrets}")).await?;
            write_export(&export, file.as_deref(), include_secrets)?;
        }
        WebhooksCommand::Import { file, .. } => {
            let body: Value =
                serde_json::from_str(&read_file(&file)?).map_err(|e| Failure(format!("{} is not JSON: {e}", file.display())))?;
            print_import(&api.post("/v1/config/import", &body).await?);
        }
    }
    Ok(())
}

fn read_file(file: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(file).map_err(|e| Failure(format!("cannot read {}: {e}", file.display())))
}

/// What an import did, from its report.
fn print_import(report: &Value) {
    let list = |k: &str| report[k].as_array().map(|a| a.iter().map(s).collect::<Vec<_>>().join(", ")).unwrap_or_default();
    println!("Created: {}", if list("created").is_empty() { "none".into() } else { list("created") });
    println!("Updated: {}", if list("updated").is_empty() { "none".into() } else { list("updated") });
    for w in report["warnings"].as_array().into_iter().flatten() {
        eprintln!("warning: {}", s(w));
    }
}

/// One line per webhook of a list as the API gives it.
fn print_list(list: &Value) {
    let rows = list.as_array().cloned().unwrap_or_default();
    if rows.is_empty() {
        println!("No webhooks yet. Create one in the app, or POST /v1/webhooks.");
        return;
    }
    let width = rows.iter().map(|w| s(&w["code"]).len()).max().unwrap_or(4).max(4);
    println!("{:width$}  {:8}  {:40}  URL", "CODE", "STATUS", "TRIGGERS");
    for w in rows {
        let events: Vec<&str> = w["events"].as_array().map(|e| e.iter().map(s).collect()).unwrap_or_default();
        println!("{:width$}  {:8}  {:40}  {}", s(&w["code"]), s(&w["status"]), events.join(","), s(&w["url"]));
    }
}

/// An export, to `file` (readable by its owner only when it holds secrets) or stdout.
fn write_export(export: &Value, file: Option<&Path>, include_secrets: bool) -> CliResult {
    let text = serde_json::to_string_pretty(export)?;
    if include_secrets {
        eprintln!("warning: {}", hookdesk_engine::transfer::SECRETS_WARNING);
    }
    match file {
        Some(path) => {
            hookdesk_engine::transfer::write_export_file(path, &(text + "\n"), include_secrets)
                .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
            let n = export["webhooks"].as_array().map(Vec::len).unwrap_or(0);
            println!("Exported {n} webhook{} to {}.", if n == 1 { "" } else { "s" }, path.display());
        }
        None => println!("{text}"),
    }
    Ok(())
}
