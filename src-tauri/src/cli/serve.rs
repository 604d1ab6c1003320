//! `hookdesk serve`: the engine and the Events API without a window.

use super::{CliResult, Failure};
use hookdesk_engine::api::{ApiListen, ApiServer, Backend, TeamApi, TeamApiOptions};
use hookdesk_engine::settings::DEFAULT_API_PORT;
use hookdesk_engine::team::{TeamWorker, WorkerOptions};
use hookdesk_engine::{Engine, EngineOptions};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The Events API port (default: the one in Settings, 7717); 0 picks a free one.
    #[arg(long)]
    port: Option<u16>,
    /// Let deliveries reach loopback and private addresses (off by default here).
    #[arg(long)]
    allow_private_targets: bool,
    /// Listen on this address instead of 127.0.0.1 (e.g. 0.0.0.0:7717, for a team): only with
    /// --tls-cert and --tls-key, so that the token never crosses the network in clear.
    #[arg(long, value_name = "ADDR:PORT")]
    listen: Option<std::net::SocketAddr>,
    /// The certificate chain (PEM) the Events API answers HTTPS with.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// A name clients reach the API by (the Host header it accepts besides loopback names); repeatable.
    #[arg(long = "public-host", value_name = "NAME")]
    public_hosts: Vec<String>,
    /// Serve a team database (PostgreSQL) instead of the data directory: this process takes
    /// events for the team and delivers its queue, as one of any number of workers.
    #[arg(long, env = "HOOKDESK_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database_url: Option<String>,
    #[command(flatten)]
    key: super::worker::TeamKey,
    /// With --database-url: names this worker in the leases it holds (default: the host name
    /// and process id).
    #[arg(long = "worker-id", value_name = "NAME", requires = "database_url")]
    worker_id: Option<String>,
}

pub async fn run(args: ServeArgs, data_dir: PathBuf) -> CliResult {
    let listen_at = args.listen;
    // Refused before anything starts: an address beyond loopback needs TLS.
    if let Some(addr) = listen_at {
        hookdesk_engine::api::ApiListen { addr, tls: args.tls_cert.clone().zip(args.tls_key.clone()), public_hosts: vec![] }.check()?;
    }
    if let Some(url) = args.database_url.clone() {
        return run_team(args, &url).await;
    }
    let options = EngineOptions { allow_private_default: false, ..EngineOptions::new(&data_dir, "hookdesk serve") };
    let engine = tokio::task::spawn_blocking(move || Engine::open(options)).await.map_err(|e| Failure(e.to_string()))??;
    if args.allow_private_targets {
        engine.set_allow_private(true);
    }
    if let Some(token) = std::env::var("HOOKDESK_TOKEN").ok().filter(|t| !t.is_empty()) {
        engine.set_token_override(token)?;
    } else {
        engine.api_token().await?;
    }
    engine.start().await?;
    let port = match args.port {
        Some(p) => p,
        None => engine.settings().await?.events_api_port,
    };
    let listen = hookdesk_engine::api::ApiListen {
        addr: listen_at.unwrap_or_else(|| std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, port))),
        tls: args.tls_cert.zip(args.tls_key),
        public_hosts: args.public_hosts,
    };
    engine.start_api_on(listen).await?;
    let url = engine.api_url().await.unwrap_or_default();
    println!("Hookdesk is serving the Events API on {url} (data directory {}). Press Ctrl+C to stop.", data_dir.display());
    wait_for_stop().await;
    tracing::info!("stopping: attempts under way may finish, for up to {:?}", hookdesk_engine::SHUTDOWN_GRACE);
    // Shutting down stops the Events API too; both are bounded, so a stalled client or a
    // hanging endpoint cannot keep the process alive.
    engine.shutdown().await;
    engine.stop_api().await;
    Ok(())
}

/// `serve --database-url`: the Events API of a team database and one of its workers, in one
/// process. The token is the team's (sealed in the database) unless HOOKDESK_TOKEN is set.
async fn run_team(args: ServeArgs, url: &str) -> CliResult {
    let key = args.key.configured("a team `serve`")?;
    let store = super::worker::TeamDatabase::open(url).await?;
    store.check_key(&key, hookdesk_engine::model::time::now_ms()).await?;
    let key = Arc::new(key);
    let token = std::env::var("HOOKDESK_TOKEN").ok().filter(|t| !t.is_empty());
    let options = TeamApiOptions {
        token_override: token,
        public_hosts: args.public_hosts.clone(),
        allow_private: args.allow_private_targets,
        ..TeamApiOptions::default()
    };
    let api = TeamApi::new(store.clone(), key.clone(), options);
    api.token().await?;
    let stop = tokio_util::sync::CancellationToken::new();
    tokio::spawn(api.clone().follow_changes(stop.clone()));
    let options = WorkerOptions {
        allow_private: args.allow_private_targets,
        ..WorkerOptions::new(args.worker_id.unwrap_or_else(super::worker::default_id))
    };
    let id = options.id.clone();
    let working = tokio::spawn(TeamWorker::new(store, key, options).run(stop.clone()));
    let listen = ApiListen {
        addr: args
            .listen
            .unwrap_or_else(|| std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, args.port.unwrap_or(DEFAULT_API_PORT)))),
        tls: args.tls_cert.zip(args.tls_key),
        public_hosts: args.public_hosts,
    };
    let server = match ApiServer::start(Backend::Team(api), &listen, stop.child_token()).await {
        Ok(server) => server,
        Err(e) => {
            stop.cancel();
            let _ = working.await;
            return Err(e.into());
        }
    };
    println!("Hookdesk is serving the team database's Events API on {} as worker {id}. Press Ctrl+C to stop.", server.url());
    wait_for_stop().await;
    tracing::info!("stopping: attempts under way may finish, for up to {:?}", hookdesk_engine::SHUTDOWN_GRACE);
    server.stop().await;
    stop.cancel();
    working.await.map_err(|e| Failure(e.to_string()))?;
    Ok(())
}

pub(super) async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
