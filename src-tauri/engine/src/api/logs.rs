//! `GET /v1/logs` and `GET /v1/webhooks/{id}/logs`.

use super::backend::Backend;
use super::error::{ApiError, ErrorBody};
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
    #[param(max_length = 128, pattern = "^[^\\x00]*$")]
    pub event_type: Option<String>,
    /// Only attempts answered with this HTTP status.
    #[param(minimum = 100, maximum = 599)]
    pub status_code: Option<u16>,
    /// Only this event's attempts (its id: the `webhook-id` receivers see).
    #[param(max_length = 128, pattern = "^[^\\x00]*$")]
    pub event_id: Option<String>,
}

/// The filter bounds the schema states, shared by the logs and the export.
fn check_filters(event_type: Option<&str>, status_code: Option<u16>, event_id: Option<&str>) -> Result<(), ApiError> {
    // No event type or id holds one, and a team database's text cannot hold it (the schema says so).
    for (field, value) in [("event_type", event_type), ("event_id", event_id)] {
        if value.is_some_and(|v| v.contains('\0')) {
            return Err(bad_query(field, format!("{field} holds a NUL character; no event's does.")));
        }
    }
    if let Some(t) = event_type
        && t.chars().count() > EVENT_TYPE_MAX
    {
        return Err(bad_query("event_type", format!("an event type is at most {EVENT_TYPE_MAX} characters.")));
    }
    if let Some(code) = status_code
        && !(100..=599).contains(&code)
    {
        return Err(bad_query("status_code", format!("an HTTP status is 100–599, not {code}.")));
    }
    if let Some(id) = event_id
        && id.chars().count() > crate::model::event::EVENT_ID_MAX_LEN
    {
        return Err(bad_query("event_id", format!("an event id is at most {} characters.", crate::model::event::EVENT_ID_MAX_LEN)));
    }
    Ok(())
}

/// Bounds the schema states; a value outside them is a 400, never silently clamped.
fn check(q: &LogQuery) -> Result<(), ApiError> {
    if let Some(limit) = q.limit
        && !(1..=crate::logs::MAX_PAGE).contains(&limit)
    {
        return Err(bad_query("limit", format!("give 1–{} attempts per page, not {limit}.", crate::logs::MAX_PAGE)));
    }
    if let Some(offset) = q.offset
        && offset > i32::MAX as u32
    {
        return Err(bad_query("offset", format!("at most {}.", i32::MAX)));
    }
    check_filters(q.event_type.as_deref(), q.status_code, q.event_id.as_deref())
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

async fn page(backend: &Backend, scope: LogScope, q: LogQuery) -> Result<Json<LogPage>, ApiError> {
    check(&q)?;
    let filter =
        LogFilter { result: q.result, event_type: q.event_type, status_code: q.status_code, event_id: q.event_id, ..Default::default() };
    let limit = q.limit.unwrap_or(50);
    let offset = q.offset.unwrap_or(0);
    let (attempts, total) = match backend {
        Backend::Local(engine) => engine.logs_page(scope, filter, limit, offset).await?,
        Backend::Team(team) => crate::team_admin::logs_page(team.store(), scope, filter, limit, offset).await?,
    };
    Ok(Json(LogPage { attempts, total, limit, offset }))
}

/// Every attempt
#[utoipa::path(get, path = "/v1/logs", tag = "logs", params(LogQuery), responses((status = 200, body = LogPage)))]
pub async fn all(State(backend): State<Backend>, Query(q): Query<LogQuery>) -> Result<Json<LogPage>, ApiError> {
    page(&backend, LogScope::All, q).await
}

/// A webhook's attempts
#[utoipa::path(get, path = "/v1/webhooks/{id}/logs", tag = "logs", params(("id" = String, Path, description = "id or code"), LogQuery),
    responses((status = 200, body = LogPage), (status = 404, body = ErrorBody)))]
pub async fn of_webhook(
    State(backend): State<Backend>,
    Path(id): Path<String>,
    Query(q): Query<LogQuery>,
) -> Result<Json<LogPage>, ApiError> {
    let w = match &backend {
        Backend::Local(engine) => engine.get_webhook(&id).await?,
        Backend::Team(team) => crate::team_admin::webhook(team.store(), &id).await?,
    };
    page(&backend, LogScope::Webhook(w.id), q).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogExportQuery {
    /// `ndjson` (default: an attempt a line, as `GET /v1/logs` gives it), `csv` or `har` (HAR 1.2).
    #[param(inline)]
    pub format: Option<crate::export::ExportFormat>,
    /// A webhook's id or code; every delivery when left out.
    #[param(max_length = 64)]
    pub webhook: Option<String>,
    #[param(inline)]
    pub result: Option<ResultFilter>,
    /// Exactly this event type.
    #[param(max_length = 128, pattern = "^[^\\x00]*$")]
    pub event_type: Option<String>,
    /// RFC 3339: attempts made at or after it.
    #[param(format = DateTime)]
    pub since: Option<String>,
    /// RFC 3339: attempts made before it.
    #[param(format = DateTime)]
    pub until: Option<String>,
    /// Only attempts answered with this HTTP status.
    #[param(minimum = 100, maximum = 599)]
    pub status_code: Option<u16>,
    /// Only this event's attempts.
    #[param(max_length = 128, pattern = "^[^\\x00]*$")]
    pub event_id: Option<String>,
}

fn bad_query(field: &str, message: String) -> ApiError {
    let mut e = ApiError::new(StatusCode::BAD_REQUEST, "bad_request", format!("{field}: {message}"));
    e.fields.push(crate::error::FieldError::new(field, message));
    e
}

/// Export attempts
///
/// The attempts a Logs view shows, newest first, streamed as they are read: NDJSON, CSV or
/// HAR 1.2, with secret values masked as in the logs. Attempts made after the export began
/// are not in it.
#[utoipa::path(get, path = "/v1/logs/export", tag = "logs", operation_id = "export_logs", params(LogExportQuery),
    responses(
        (status = 200, description = "The attempts, in the format asked for", content(
            (String = "application/x-ndjson"),
            (String = "text/csv"),
            (Object = "application/json"),
        )),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn export(State(backend): State<Backend>, Query(q): Query<LogExportQuery>) -> Result<axum::response::Response, ApiError> {
    use crate::model::time::parse_rfc3339_ms;
    check_filters(q.event_type.as_deref(), q.status_code, q.event_id.as_deref())?;
    let time = |field: &str, value: &Option<String>| match value {
        None => Ok(None),
        Some(v) => parse_rfc3339_ms(v)
            .map(Some)
            .ok_or_else(|| bad_query(field, format!("give an RFC 3339 time such as 2026-12-01T08:00:00Z, not '{v}'."))),
    };
    // A window that ends before it starts holds nothing: an empty export, as a filter is.
    let (from_ms, to_ms) = (time("since", &q.since)?, time("until", &q.until)?);
    let scope = match (&q.webhook, &backend) {
        (Some(w), Backend::Local(engine)) => LogScope::Webhook(engine.get_webhook(w).await?.id),
        (Some(w), Backend::Team(team)) => LogScope::Webhook(crate::team_admin::webhook(team.store(), w).await?.id),
        (None, _) => LogScope::All,
    };
    let format = q.format.unwrap_or_default();
    let filter = LogFilter {
        result: q.result,
        event_type: q.event_type,
        from_ms,
        to_ms,
        status_code: q.status_code,
        event_id: q.event_id,
        ..Default::default()
    };
    let export = match backend {
        Backend::Local(engine) => engine.export_logs(scope, filter, format),
        Backend::Team(team) => crate::export::LogExport::of_team(team.store().clone(), scope, filter, format),
    };
    // A failure after the first bytes cannot change the status: the body ends unfinished
    // (the connection is cut), which no client takes for a complete export.
    let chunks = futures_util::stream::unfold(export, |mut export| async move {
        match export.next_chunk().await {
            Ok(Some(bytes)) => Some((Ok::<_, crate::Error>(axum::body::Bytes::from(bytes)), export)),
            Ok(None) => None,
            Err(e) => {
                tracing::warn!("a logs export stopped: {e}");
                Some((Err(e), export))
            }
        }
    });
    let name = format!("attachment; filename=\"hookdesk-logs.{}\"", format.extension());
    axum::response::Response::builder()
        .header(axum::http::header::CONTENT_TYPE, format.content_type())
        .header(axum::http::header::CONTENT_DISPOSITION, name)
        .body(axum::body::Body::from_stream(chunks))
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))
}
