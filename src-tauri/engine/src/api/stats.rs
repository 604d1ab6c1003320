//! `GET /v1/stats` and `GET /v1/webhooks/{id}/stats`: delivery health over a window.

use super::backend::Backend;
use super::error::{ApiError, ErrorBody};
use crate::stats::{Stats, StatsWindow};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// The last hour, day or week; 24h when left out.
    #[param(inline)]
    pub window: Option<StatsWindow>,
}

/// Health of all deliveries
///
/// Attempts, results, latency percentiles and what waits, over the window, with a series
/// (a point a minute over 1h, every 15 minutes over 24h, an hour over 7d). Direct deliveries
/// are included; Tests are not.
#[utoipa::path(get, path = "/v1/stats", tag = "stats", operation_id = "stats", params(StatsQuery), responses((status = 200, body = Stats)))]
pub async fn all(State(backend): State<Backend>, Query(q): Query<StatsQuery>) -> Result<Json<Stats>, ApiError> {
    let window = q.window.unwrap_or_default();
    Ok(Json(match backend {
        Backend::Local(engine) => engine.stats(window).await?,
        Backend::Team(team) => crate::team_admin::stats(team.store(), None, window).await?,
    }))
}

/// A webhook's health
///
/// As `/v1/stats`, for one webhook, with its status (a paused webhook holds what waits).
#[utoipa::path(get, path = "/v1/webhooks/{id}/stats", tag = "stats", operation_id = "webhook_stats", params(("id" = String, Path, description = "id or code"), StatsQuery),
    responses((status = 200, body = Stats), (status = 404, body = ErrorBody)))]
pub async fn of_webhook(
    State(backend): State<Backend>,
    Path(id): Path<String>,
    Query(q): Query<StatsQuery>,
) -> Result<Json<Stats>, ApiError> {
    let window = q.window.unwrap_or_default();
    Ok(Json(match backend {
        Backend::Local(engine) => engine.webhook_stats(&id, window).await?,
        Backend::Team(team) => crate::team_admin::stats(team.store(), Some(&id), window).await?,
    }))
}
