//! The Events API: local HTTP (axum) on 127.0.0.1 only, bearer token, loopback `Host`, JSON
//! bodies, no CORS. The OpenAPI document is generated from these handlers.

pub mod admin;
pub mod backend;
mod contract;
pub mod error;
pub mod events;
mod guard;
pub mod logs;
pub mod server;
pub mod stats;
pub mod webhooks;

use crate::error::{Error, Result};
use crate::{Engine, Notice};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
pub use backend::{Backend, TeamApi, TeamApiOptions};
use base64::Engine as _;
use rand::RngCore;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::LazyLock;
use tokio_util::sync::CancellationToken;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest request body: a 1 MiB `data` object plus its envelope.
pub const BODY_LIMIT: usize = 1024 * 1024 + 64 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hookdesk Events API",
        description = "Local programs hand events to Hookdesk, which delivers them to webhooks: signed (Standard Webhooks), in order, retried and logged. Listens on 127.0.0.1 only; every request but /v1/health needs `Authorization: Bearer <token>`. Every error is `{\"error\": {\"code\", \"message\", \"fields\"?}}`."
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "events", description = "Events in, deliveries out"), (name = "webhooks"), (name = "logs"), (name = "stats", description = "Delivery health"), (name = "admin"))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        doc.components.get_or_insert_with(Default::default).add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("The token from Settings or `hookdesk token`")).build(),
            ),
        );
    }
}

/// Every route with its OpenAPI operation, declared together: a handler is routed and
/// documented by the same line, so neither can exist without the other.
fn routes() -> OpenApiRouter<Backend> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(admin::health))
        .routes(routes!(openapi))
        .routes(routes!(events::post_event))
        .routes(routes!(events::post_delivery))
        .routes(routes!(events::resend))
        .routes(routes!(events::retry))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::get, webhooks::patch, webhooks::delete))
        .routes(routes!(webhooks::test))
        .routes(routes!(logs::of_webhook))
        .routes(routes!(webhooks::secret))
        .routes(routes!(webhooks::rotate))
        .routes(routes!(webhooks::recover))
        .routes(routes!(logs::all))
        .routes(routes!(logs::export))
        .routes(routes!(stats::of_webhook))
        .routes(routes!(stats::all))
        .routes(routes!(admin::regenerate_token))
        .routes(routes!(admin::export))
        .routes(routes!(admin::import))
}

/// The OpenAPI document as generated from the routes and completed by [`contract`] (the
/// answers every route shares, the links between operations).
static DOCUMENT: LazyLock<serde_json::Value> = LazyLock::new(|| {
    let (_, doc) = routes().split_for_parts();
    let mut doc = serde_json::to_value(doc).expect("the OpenAPI document serialises");
    contract::complete(&mut doc);
    doc
});

/// The OpenAPI document without the event catalog (for tools and tests that have no engine).
pub fn document() -> serde_json::Value {
    DOCUMENT.clone()
}

/// This document
///
/// The webhook schemas list the event types of this instance's catalog.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "admin", operation_id = "openapi", responses((status = 200, description = "OpenAPI 3.1", body = Object)))]
pub async fn openapi(State(backend): State<Backend>) -> Result<axum::Json<serde_json::Value>, error::ApiError> {
    let catalog = match &backend {
        Backend::Local(engine) => engine.catalog().await?,
        Backend::Team(team) => crate::catalog::Catalog::new(team.store().event_types().await?),
    };
    let names: Vec<String> = catalog.types.into_iter().map(|t| t.name).collect();
    let mut doc = document();
    contract::name_event_types(&mut doc, &names);
    Ok(axum::Json(doc))
}

/// How long a request to a team database's API may wait for the database: a server that
/// stops answering (frozen, partitioned away) gets a 503 that says so, not a hung client.
pub const TEAM_DEADLINE: std::time::Duration = std::time::Duration::from_secs(15);

/// Waits for `work` on the team database for at most [`TEAM_DEADLINE`]: a server that stops
/// answering (frozen, partitioned away) is an error that says so, not a window that waits for
/// ever.
pub async fn within<T>(work: impl std::future::Future<Output = crate::error::Result<T>>) -> crate::error::Result<T> {
    tokio::time::timeout(TEAM_DEADLINE, work).await.unwrap_or_else(|_| Err(unanswered(TEAM_DEADLINE)))
}

/// The error of a team database that did not answer within `deadline`.
fn unanswered(deadline: std::time::Duration) -> Error {
    Error::Unavailable(format!(
        "The team database did not answer within {} s; the request may or may not have been carried out. Try again once it answers.",
        deadline.as_secs()
    ))
}

/// Answers 503 when the team database does not let the route answer within [`TEAM_DEADLINE`].
async fn team_deadline(
    State(backend): State<Backend>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Backend::Team(team) = &backend else { return next.run(req).await };
    let deadline = team.deadline();
    match tokio::time::timeout(deadline, next.run(req)).await {
        Ok(response) => response,
        Err(_) => error::ApiError::from(unanswered(deadline)).into_response(),
    }
}

pub fn router(backend: Backend) -> Router {
    let (router, _) = routes().split_for_parts();
    router
        .layer(axum::middleware::from_fn_with_state(backend.clone(), team_deadline))
        .fallback(|| async { error::ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "No such route; see /v1/openapi.json.") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(backend.clone(), guard::guard))
        .layer(axum::middleware::from_fn(error::json_errors))
        .with_state(backend)
}

/// A running Events API server.
pub struct ApiServer {
    pub addr: SocketAddr,
    /// `http` or `https`.
    scheme: &'static str,
    stop: CancellationToken,
    done: tokio::task::JoinHandle<()>,
}

impl ApiServer {
    /// Starts serving `backend` as `listen` says, until `stop` (or [`ApiServer::stop`]).
    /// An address beyond this machine is refused without TLS: the token would cross the
    /// network in clear.
    pub async fn start(backend: Backend, listen: &ApiListen, stop: CancellationToken) -> Result<Self> {
        listen.check()?;
        let tls = match &listen.tls {
            Some((cert, key)) => Some(tls_acceptor(cert, key)?),
            None => None,
        };
        let listener = tokio::net::TcpListener::bind(listen.addr).await.map_err(|e| {
            Error::Io(format!("The Events API cannot listen on {}: {e}. Choose another port in Settings or with --port.", listen.addr))
        })?;
        let addr = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let done = tokio::spawn(server::serve(listener, router(backend), stop.clone(), server::Limits::for_this_process(), tls));
        tracing::info!("Events API listening on {scheme}://{addr}");
        Ok(Self { addr, scheme, stop, done })
    }

    /// Where clients reach it: `http://127.0.0.1:7717`.
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// Stops accepting, and waits for the requests under way (bounded by the server's deadline).
    pub async fn stop(self) {
        self.stop.cancel();
        let _ = self.done.await;
    }
}

/// A fresh token: `hdk_` + 32 random bytes, URL-safe base64.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("hdk_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Where the Events API listens, and how: loopback over HTTP by default; any other address
/// only over HTTPS (`serve --listen … --tls-cert … --tls-key …`).
#[derive(Debug, Clone)]
pub struct ApiListen {
    pub addr: SocketAddr,
    /// PEM files: the certificate chain, and its private key.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Names besides loopback ones the `Host` header may carry (`hookdesk.example.com`).
    pub public_hosts: Vec<String>,
}

impl ApiListen {
    pub fn loopback(port: u16) -> Self {
        Self { addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)), tls: None, public_hosts: vec![] }
    }

    /// Refuses an address beyond this machine without TLS: the token would cross the
    /// network in clear. (Checked again when the API starts.)
    pub fn check(&self) -> Result<()> {
        if self.tls.is_none() && !self.addr.ip().is_loopback() {
            return Err(Error::invalid(
                "listen",
                format!(
                    "The Events API listens on {} only over HTTPS, so that its token never crosses the network in clear: give --tls-cert and --tls-key (PEM), or listen on 127.0.0.1.",
                    self.addr
                ),
            ));
        }
        Ok(())
    }
}

/// The TLS side of an HTTPS listener, from PEM files.
fn tls_acceptor(cert: &Path, key: &Path) -> Result<tokio_rustls::TlsAcceptor> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |what: &str, path: &Path, e: &dyn std::fmt::Display| Error::invalid(what, format!("{}: {e}.", path.display()));
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| bad("tls_cert", cert, &e))?;
    if chain.is_empty() {
        return Err(bad("tls_cert", cert, &"no certificate in it"));
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| bad("tls_key", key, &e))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Io(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(|e| bad("tls_key", key, &e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

impl Engine {
    /// Starts the Events API on `127.0.0.1:port` (0 picks a free port) and records its
    /// address in the lock file for the CLI. Replaces a server already running.
    pub async fn start_api(&self, port: u16) -> Result<SocketAddr> {
        self.start_api_on(ApiListen::loopback(port)).await
    }

    /// Starts the Events API as `listen` says. An address beyond this machine is refused
    /// without TLS: the token would cross the network in clear.
    pub async fn start_api_on(&self, listen: ApiListen) -> Result<SocketAddr> {
        listen.check()?;
        self.stop_api().await;
        // The token exists before anyone is told where the API is (the CLI reads it).
        self.api_token().await?;
        self.set_public_hosts(listen.public_hosts.clone());
        // Stops with stop_api, or when the engine starts shutting down.
        let server = ApiServer::start(Backend::Local(self.clone()), &listen, self.draining().child_token()).await?;
        let (addr, url) = (server.addr, server.url());
        *self.api_slot().lock().await = Some(server);
        self.instance_lock().set_api_url(Some(url.clone()))?;
        self.notify(Notice::EventsApiChanged { url: Some(url) });
        Ok(addr)
    }

    pub async fn stop_api(&self) {
        let server = self.api_slot().lock().await.take();
        if let Some(server) = server {
            server.stop().await;
            let _ = self.instance_lock().set_api_url(None);
            self.notify(Notice::EventsApiChanged { url: None });
        }
    }

    /// The Events API's base URL (`http://127.0.0.1:7718`), if it runs.
    pub async fn api_url(&self) -> Option<String> {
        self.api_slot().lock().await.as_ref().map(ApiServer::url)
    }

    /// Where the Events API listens, if it runs.
    pub async fn api_addr(&self) -> Option<SocketAddr> {
        self.api_slot().lock().await.as_ref().map(|s| s.addr)
    }

    /// Uses this token instead of the keyring's (`HOOKDESK_TOKEN`, for headless use).
    pub fn set_token_override(&self, token: String) -> Result<()> {
        *self.token_slot().write().expect("token") = Some(Arc::from(token));
        self.instance_lock().set_token_from_env(true)
    }

    /// The Events API token: from memory, else the keyring (created on first use).
    pub async fn api_token(&self) -> Result<String> {
        if let Some(t) = self.token_slot().read().expect("token").as_ref() {
            return Ok(t.to_string());
        }
        let token = self
            .blocking(|e| {
                let account = crate::secrets::account::API_TOKEN;
                match e.secrets().get(account)? {
                    Some(t) => Ok(t.to_string()),
                    None => {
                        let t = new_token();
                        e.secrets().set(account, &t)?;
                        Ok(t)
                    }
                }
            })
            .await?;
        *self.token_slot().write().expect("token") = Some(Arc::from(token.as_str()));
        Ok(token)
    }

    /// A new token in the keyring; the old one stops working at once.
    pub async fn regenerate_token(&self) -> Result<String> {
        if self.instance_lock().owner().token_from_env {
            return Err(Error::Conflict("This instance takes its token from HOOKDESK_TOKEN; change it there.".into()));
        }
        let token = new_token();
        let t = token.clone();
        self.blocking(move |e| e.secrets().set(crate::secrets::account::API_TOKEN, &t)).await?;
        *self.token_slot().write().expect("token") = Some(Arc::from(token.as_str()));
        self.notify(Notice::EventsApiChanged { url: self.api_url().await });
        Ok(token)
    }
}
