//! The Events API: local HTTP (axum) on 127.0.0.1 only, bearer token, loopback `Host`, JSON
//! bodies, no CORS. The OpenAPI document is generated from these handlers.

pub mod admin;
pub mod error;
pub mod events;
mod guard;
pub mod logs;
pub mod server;
pub mod webhooks;

use crate::error::{Error, Result};
use crate::{Engine, Notice};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use base64::Engine as _;
use rand::RngCore;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use utoipa::OpenApi;

/// The largest request body: a 1 MiB `data` object plus its envelope.
pub const BODY_LIMIT: usize = 1024 * 1024 + 64 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hookdesk Events API",
        description = "Local programs hand events to Hookdesk, which delivers them to webhooks: signed (Standard Webhooks), in order, retried and logged. Listens on 127.0.0.1 only; every request but /v1/health needs `Authorization: Bearer <token>`."
    ),
    paths(
        admin::health, events::post_event, events::post_delivery, events::resend, events::retry,
        webhooks::list, webhooks::create, webhooks::get, webhooks::patch, webhooks::delete, webhooks::test, webhooks::secret, webhooks::rotate,
        logs::all, logs::of_webhook, admin::regenerate_token, admin::export, admin::import, openapi
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "events", description = "Events in, deliveries out"), (name = "webhooks"), (name = "logs"), (name = "admin"))
)]
pub struct ApiDoc;

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

/// This document
#[utoipa::path(get, path = "/v1/openapi.json", tag = "admin", responses((status = 200, description = "OpenAPI 3.1", body = Object)))]
pub async fn openapi() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

pub fn router(engine: Engine) -> Router {
    Router::new()
        .route("/v1/health", get(admin::health))
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/events", post(events::post_event))
        .route("/v1/deliveries", post(events::post_delivery))
        .route("/v1/deliveries/{id}/resend", post(events::resend))
        .route("/v1/deliveries/{id}/retry", post(events::retry))
        .route("/v1/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/v1/webhooks/{id}", get(webhooks::get).patch(webhooks::patch).delete(webhooks::delete))
        .route("/v1/webhooks/{id}/test", post(webhooks::test))
        .route("/v1/webhooks/{id}/logs", get(logs::of_webhook))
        .route("/v1/webhooks/{id}/secret", get(webhooks::secret))
        .route("/v1/webhooks/{id}/secret/rotate", post(webhooks::rotate))
        .route("/v1/logs", get(logs::all))
        .route("/v1/token/regenerate", post(admin::regenerate_token))
        .route("/v1/config", get(admin::export))
        .route("/v1/config/import", post(admin::import))
        .fallback(|| async { error::ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "No such route; see /v1/openapi.json.") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(engine.clone(), guard::guard))
        .layer(axum::middleware::from_fn(error::json_errors))
        .with_state(engine)
}

/// A running Events API server.
pub struct ApiServer {
    pub addr: SocketAddr,
    stop: CancellationToken,
    done: tokio::task::JoinHandle<()>,
}

/// A fresh token: `hdk_` + 32 random bytes, URL-safe base64.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("hdk_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

impl Engine {
    /// Starts the Events API on `127.0.0.1:port` (0 picks a free port) and records its
    /// address in the lock file for the CLI. Replaces a server already running.
    pub async fn start_api(&self, port: u16) -> Result<SocketAddr> {
        self.stop_api().await;
        // The token exists before anyone is told where the API is (the CLI reads it).
        self.api_token().await?;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await.map_err(|e| {
            Error::Io(format!("The Events API cannot listen on 127.0.0.1:{port}: {e}. Choose another port in Settings or with --port."))
        })?;
        let addr = listener.local_addr()?;
        // Stops with stop_api, or when the engine starts shutting down.
        let stop = self.draining().child_token();
        let done = tokio::spawn(server::serve(listener, router(self.clone()), stop.clone(), server::Limits::for_this_process()));
        *self.inner.api.lock().await = Some(ApiServer { addr, stop, done });
        self.instance_lock().set_api_url(Some(format!("http://{addr}")))?;
        self.notify(Notice::SettingsChanged);
        tracing::info!("Events API listening on http://{addr}");
        Ok(addr)
    }

    pub async fn stop_api(&self) {
        let server = self.inner.api.lock().await.take();
        if let Some(server) = server {
            server.stop.cancel();
            let _ = server.done.await;
            let _ = self.instance_lock().set_api_url(None);
            self.notify(Notice::SettingsChanged);
        }
    }

    /// Where the Events API listens, if it runs.
    pub async fn api_addr(&self) -> Option<SocketAddr> {
        self.inner.api.lock().await.as_ref().map(|s| s.addr)
    }

    /// Uses this token instead of the keyring's (`HOOKDESK_TOKEN`, for headless use).
    pub fn set_token_override(&self, token: String) -> Result<()> {
        *self.inner.token.write().expect("token") = Some(Arc::from(token));
        self.instance_lock().set_token_from_env(true)
    }

    /// The Events API token: from memory, else the keyring (created on first use).
    pub async fn api_token(&self) -> Result<String> {
        if let Some(t) = self.inner.token.read().expect("token").as_ref() {
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
        *self.inner.token.write().expect("token") = Some(Arc::from(token.as_str()));
        Ok(token)
    }

    /// A new token in the keyring; the old one stops working at once.
    pub async fn regenerate_token(&self) -> Result<String> {
        if self.inner.lock.owner().token_from_env {
            return Err(Error::Conflict("This instance takes its token from HOOKDESK_TOKEN; change it there.".into()));
        }
        let token = new_token();
        let t = token.clone();
        self.blocking(move |e| e.secrets().set(crate::secrets::account::API_TOKEN, &t)).await?;
        *self.inner.token.write().expect("token") = Some(Arc::from(token.as_str()));
        self.notify(Notice::SettingsChanged);
        Ok(token)
    }
}
