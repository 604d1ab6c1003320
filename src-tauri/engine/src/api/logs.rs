//! `GET /v1/logs` and `GET /v1/webhooks/{id}/logs`.

use super::error::{ApiError, ErrorBody};
use crate::Engine;
use crate::model::attempt::Attempt;
use crate::store::attempts::{LogFilter, LogScope, ResultFilter};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// 1–500, default 50.
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    /// `success`, `failed` or `retrying`.
    pub result: Option<ResultFilter>,
    pub event_type: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LogPage {
    /// Newest first.
    pub attempts: Vec<Attempt>,
    /// Attempts matching the filters.
    pub total: u64,
    pub limit: u32,
    pub offset: u32,
}

async fn page(engine: &Engine, scope: LogScope, q: LogQuery) -> Result<Json<LogPage>, ApiError> {
    let filter = LogFilter { result: q.result, event_type: q.event_type, ..Default::default() };
    let limit = q.limit.unwrap_or(50).clamp(1, crate::logs::MAX_PAGE);
    let offset = q.offset.unwrap_or(0);
    let (attempts, total) = engine.logs_page(scope, filter, limit, offset).await?;
    Ok(Json(LogPage { attempts, total, limit, offset }))
}

/// Every attempt
#[utoipa::path(get, path = "/v1/logs", tag = "logs", params(LogQuery), responses((status = 200, body = LogPage)))]
pub async fn all(State(engine): State<Engine>, Query(q): Query<LogQuery>) -> Result<Json<LogPage>, ApiError> {
    page(&engine, LogScope::All, q).await
}

/// A webhook's attempts
#[utoipa::path(get, path = "/v1/webhooks/{id}/logs", tag = "logs", params(("id" = String, Path, description = "id or code"), LogQuery),
    responses((status = 200, body = LogPage), (status = 404, body = ErrorBody)))]
pub async fn of_webhook(
    State(engine): State<Engine>,
    Path(id): Path<String>,
    Query(q): Query<LogQuery>,
) -> Result<Json<LogPage>, ApiError> {
    let w = engine.get_webhook(&id).await?;
    page(&engine, LogScope::Webhook(w.id), q).await
}
