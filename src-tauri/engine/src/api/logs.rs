//! `GET /v1/logs` and `GET /v1/webhooks/{id}/logs`.

use super::error::{ApiError, ErrorBody};
use crate::Engine;
use crate::model::attempt::Attempt;
use crate::model::log_filter::{LogFilter, LogScope, ResultFilter};
use crate::model::patterns::EVENT_TYPE_MAX;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// How many attempts, default 50.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// How many of the newest matching attempts to skip.
    #[param(minimum = 0, maximum = 2147483647)]
    pub offset: Option<u32>,
    /// `pending` matches no attempt (queued deliveries have none yet); `delivery_failed` is the
    /// last attempt of each delivery that failed for good.
    #[param(inline)]
    pub result: Option<ResultFilter>,
    /// Exactly this event type.
    #[param(max_length = 128)]
    pub event_type: Option<String>,
}

/// Bounds the schema states; a value outside them is a 400, never silently clamped.
fn check(q: &LogQuery) -> Result<(), ApiError> {
    let bad = |field: &str, message: String| {
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, "bad_request", format!("{field}: {message}"));
        e.fields.push(crate::error::FieldError::new(field, message));
        Err(e)
    };
    if let Some(limit) = q.limit
        && !(1..=crate::logs::MAX_PAGE).contains(&limit)
    {
        return bad("limit", format!("give 1–{} attempts per page, not {limit}.", crate::logs::MAX_PAGE));
    }
    if let Some(offset) = q.offset
        && offset > i32::MAX as u32
    {
        return bad("offset", format!("at most {}.", i32::MAX));
    }
    if let Some(t) = &q.event_type
        && t.chars().count() > EVENT_TYPE_MAX
    {
        return bad("event_type", format!("an event type is at most {EVENT_TYPE_MAX} characters."));
    }
    Ok(())
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
    check(&q)?;
    let filter = LogFilter { result: q.result, event_type: q.event_type, ..Default::default() };
    let limit = q.limit.unwrap_or(50);
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
