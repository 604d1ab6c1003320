//! `hookdesk token [--regenerate]`.

use super::client::{ApiClient, keyring_token};
use super::{CliResult, Failure};
use hookdesk_engine::secrets::{Secrets, account};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// Replace the token; the old one stops working at once.
    #[arg(long)]
    regenerate: bool,
    /// The team database's token (every `serve --database-url` process takes it), instead of
    /// this machine's.
    #[arg(long, env = "HOOKDESK_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database_url: Option<String>,
    #[command(flatten)]
    key: super::worker::TeamKey,
}

pub async fn run(args: TokenArgs, data_dir: &Path) -> CliResult {
    if let Some(url) = &args.database_url {
        let store = super::worker::TeamDatabase::open(url).await?;
        let key = std::sync::Arc::new(args.key.key(&store).await?);
        let api = hookdesk_engine::api::TeamApi::new(store, key, Default::default());
        let token = if args.regenerate { api.regenerate_token().await? } else { api.token().await? };
        println!("{token}");
        return Ok(());
    }
    let running = hookdesk_engine::instance::running_owner(data_dir);
    if running.as_ref().is_some_and(|o| o.token_from_env) {
        return Err(Failure("the running instance takes its token from HOOKDESK_TOKEN; that variable holds it".into()));
    }
    if args.regenerate && running.is_some() {
        let answer = ApiClient::discover(data_dir)?.post("/v1/token/regenerate", &serde_json::json!({})).await?;
        println!("{}", answer["token"].as_str().unwrap_or_default());
        return Ok(());
    }
    let dir = data_dir.to_path_buf();
    let regenerate = args.regenerate;
    let token = tokio::task::spawn_blocking(move || -> Result<String, Failure> {
        if !regenerate && let Some(t) = keyring_token(&dir)? {
            return Ok(t);
        }
        // No instance runs: the keyring is ours to write.
        let instance = hookdesk_engine::instance::instance_id(&dir)?
            .ok_or_else(|| Failure(format!("{} holds no Hookdesk data yet; open the app or run `hookdesk serve` once", dir.display())))?;
        let token = hookdesk_engine::api::new_token();
        Secrets::new(&instance).set(account::API_TOKEN, &token)?;
        Ok(token)
    })
    .await
    .map_err(|e| Failure(e.to_string()))??;
    println!("{token}");
    Ok(())
}
