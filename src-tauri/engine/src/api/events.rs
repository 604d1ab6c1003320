//! `POST /v1/events` and `POST /v1/deliveries`.

use super::backend::Backend;
use super::error::{ApiError, ApiJson, ErrorBody};
use crate::ingest::{Accepted, DirectDeliveryInput};
use crate::model::event::EventInput;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;

/// Accept an event
///
/// Commits the event and one delivery per matching active (or paused) webhook to disk, then
/// answers 202. A repeated `id` with the same content is accepted once and answered alike.
#[utoipa::path(post, path = "/v1/events", tag = "events", request_body = EventInput,
    responses((status = 202, body = Accepted), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_event(
    State(backend): State<Backend>,
    ApiJson(input): ApiJson<EventInput>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let accepted = match backend {
        Backend::Local(engine) => engine.accept_event(input).await?,
        Backend::Team(team) => crate::team_admin::accept_event(team.store(), input).await?,
    };
    Ok((StatusCode::ACCEPTED, Json(accepted)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryCreated {
    pub delivery_id: crate::model::DeliveryId,
}

/// Deliver once to a URL
///
/// A one-off delivery without a saved webhook, logged under "Direct deliveries". Header
/// values are kept in the OS keyring until the delivery ends.
#[utoipa::path(post, path = "/v1/deliveries", tag = "events", request_body = DirectDeliveryInput,
    responses((status = 202, body = DeliveryCreated), (status = 422, body = ErrorBody)))]
pub async fn post_delivery(
    State(backend): State<Backend>,
    ApiJson(input): ApiJson<DirectDeliveryInput>,
) -> Result<(StatusCode, Json<DeliveryCreated>), ApiError> {
    let delivery_id = match backend {
        Backend::Local(engine) => engine.deliver_direct(input).await?,
        Backend::Team(team) => crate::team_admin::deliver_direct(team.store(), team.key(), input).await?,
    };
    Ok((StatusCode::ACCEPTED, Json(DeliveryCreated { delivery_id })))
}

/// Resend a delivery
///
/// A new delivery of the same event to the webhook's current configuration.
#[utoipa::path(post, path = "/v1/deliveries/{id}/resend", tag = "events", params(("id" = String, Path, description = "dlv_…")),
    responses((status = 202, body = DeliveryCreated), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn resend(State(backend): State<Backend>, Path(id): Path<String>) -> Result<(StatusCode, Json<DeliveryCreated>), ApiError> {
    let id = crate::model::DeliveryId::find(&id)?;
    let delivery_id = match backend {
        Backend::Local(engine) => engine.resend(id).await?,
        Backend::Team(team) => crate::team_admin::resend(team.store(), id).await?,
    };
    Ok((StatusCode::ACCEPTED, Json(DeliveryCreated { delivery_id })))
}

/// Retry a delivery now
///
/// A delivery waiting for its next attempt makes it at once (with the same `webhook-id`).
#[utoipa::path(post, path = "/v1/deliveries/{id}/retry", tag = "events", params(("id" = String, Path, description = "dlv_…")),
    responses((status = 202, description = "The attempt is under way"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn retry(State(backend): State<Backend>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let id = crate::model::DeliveryId::find(&id)?;
    match backend {
        Backend::Local(engine) => engine.retry_now(id).await?,
        Backend::Team(team) => crate::team_admin::retry_now(team.store(), id).await?,
    }
    Ok(StatusCode::ACCEPTED)
}
