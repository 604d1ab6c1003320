//! Health, the token, and the configuration file.

use super::backend::Backend;
use super::error::{ApiError, ApiJson, ErrorBody};
use crate::transfer::{ConfigExport, ImportReport};
use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
}

/// Liveness (no token needed)
#[utoipa::path(get, path = "/v1/health", tag = "admin", security(()), responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION") })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenBody {
    pub token: String,
}

/// Regenerate the token
///
/// The old token stops working at once.
#[utoipa::path(post, path = "/v1/token/regenerate", tag = "admin", responses((status = 200, body = TokenBody), (status = 409, body = ErrorBody, description = "The token comes from HOOKDESK_TOKEN")))]
pub async fn regenerate_token(State(backend): State<Backend>) -> Result<Json<TokenBody>, ApiError> {
    let token = match backend {
        Backend::Local(engine) => engine.regenerate_token().await?,
        Backend::Team(team) => team.regenerate_token().await?,
    };
    Ok(Json(TokenBody { token }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Include header values and signing secrets in plain text.
    #[serde(default)]
    pub include_secrets: bool,
}

/// Export the configuration
#[utoipa::path(get, path = "/v1/config", tag = "admin", params(ExportQuery), responses((status = 200, body = ConfigExport)))]
pub async fn export(State(backend): State<Backend>, Query(q): Query<ExportQuery>) -> Result<Json<ConfigExport>, ApiError> {
    Ok(Json(match backend {
        Backend::Local(engine) => engine.export_config(q.include_secrets).await?,
        Backend::Team(team) => crate::team_admin::export_config(team.store(), q.include_secrets.then(|| team.key())).await?,
    }))
}

/// Import a configuration
///
/// Creates webhooks, or updates those whose code exists. Everything is checked first.
#[utoipa::path(post, path = "/v1/config/import", tag = "admin", request_body(content = ConfigExport, description = "An export"),
    responses((status = 200, body = ImportReport), (status = 422, body = ErrorBody)))]
pub async fn import(State(backend): State<Backend>, ApiJson(file): ApiJson<ConfigExport>) -> Result<Json<ImportReport>, ApiError> {
    Ok(Json(match backend {
        Backend::Local(engine) => engine.import_config(file).await?,
        Backend::Team(team) => crate::team_admin::import_config(team.store(), team.key(), file).await?,
    }))
}
