//! `/v1/webhooks`: list, create, read, update, delete, test, secret.

use super::error::{ApiBody, ApiError, ApiJson, ErrorBody};
use crate::Engine;
use crate::model::{Webhook, WebhookInput};
use crate::recover::{RecoverWindow, Recovered};
use crate::test_event::{TestRequest, TestResult};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

/// List webhooks
#[utoipa::path(get, path = "/v1/webhooks", tag = "webhooks", responses((status = 200, body = Vec<Webhook>)))]
pub async fn list(State(engine): State<Engine>) -> Result<Json<Vec<Webhook>>, ApiError> {
    Ok(Json(engine.list_webhooks().await?))
}

/// Create a webhook
///
/// Same rules as the panel. Header values are given in plain text and stored in the OS
/// keyring; `secret` is generated when left out.
#[utoipa::path(post, path = "/v1/webhooks", tag = "webhooks", request_body = WebhookInput,
    responses((status = 201, body = Webhook), (status = 409, body = ErrorBody, description = "The code is taken"), (status = 422, body = ErrorBody)))]
pub async fn create(State(engine): State<Engine>, ApiJson(input): ApiJson<WebhookInput>) -> Result<(StatusCode, Json<Webhook>), ApiError> {
    Ok((StatusCode::CREATED, Json(engine.create_webhook(input).await?)))
}

/// Read a webhook
#[utoipa::path(get, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path, description = "id or code")),
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody)))]
pub async fn get(State(engine): State<Engine>, Path(id): Path<String>) -> Result<Json<Webhook>, ApiError> {
    Ok(Json(engine.get_webhook(&id).await?))
}

/// Update a webhook
///
/// A JSON merge patch. The code is immutable (409). `{"active": true}` reactivates a
/// disabled or paused webhook and releases its held deliveries in order.
#[utoipa::path(patch, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path, description = "id or code")),
    request_body(content = Object, description = "Fields of a webhook to change"),
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch(
    State(engine): State<Engine>,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> Result<Json<Webhook>, ApiError> {
    Ok(Json(engine.patch_webhook(&id, patch).await?))
}

/// Delete a webhook
///
/// Its queue and logs go with it, and its secrets leave the keyring.
#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path, description = "id or code")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(State(engine): State<Engine>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    engine.delete_webhook(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestBody {
    /// The sample's event type; defaults to the webhook's first trigger.
    #[serde(rename = "type", default)]
    pub event_type: Option<String>,
}

/// Send a test event
///
/// A sample event of one of the webhook's triggers, sent at once with its saved settings and
/// logged with the test badge.
#[utoipa::path(post, path = "/v1/webhooks/{id}/test", tag = "webhooks", params(("id" = String, Path, description = "id or code")),
    request_body(content = TestBody, description = "Optional"), responses((status = 200, body = TestResult), (status = 404, body = ErrorBody)))]
pub async fn test(State(engine): State<Engine>, Path(id): Path<String>, ApiBody(body): ApiBody) -> Result<Json<TestResult>, ApiError> {
    let body: TestBody = if body.is_empty() { TestBody::default() } else { super::error::parse(&body)? };
    let w = engine.get_webhook(&id).await?;
    let event_type = body.event_type.unwrap_or_else(|| w.events.first().cloned().unwrap_or_default());
    let input = WebhookInput {
        code: Some(w.code.clone()),
        name: w.name.clone(),
        url: w.url.clone(),
        description: w.description.clone(),
        events: w.events.clone(),
        filters: w.filters.clone(),
        active: w.active,
        headers: w.headers.iter().map(|h| crate::model::HeaderInput { name: h.name.clone(), value: None }).collect(),
        secret: None,
        delivery: w.delivery.clone(),
    };
    Ok(Json(engine.send_test(TestRequest { webhook_id: Some(w.id), input, event_type }).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SecretBody {
    pub secret: String,
    /// During a rotation: until when the previous secret also signs.
    pub previous_secret_until: Option<String>,
}

/// Read the signing secret
#[utoipa::path(get, path = "/v1/webhooks/{id}/secret", tag = "webhooks", params(("id" = String, Path, description = "id or code")),
    responses((status = 200, body = SecretBody), (status = 404, body = ErrorBody)))]
pub async fn secret(State(engine): State<Engine>, Path(id): Path<String>) -> Result<Json<SecretBody>, ApiError> {
    let w = engine.get_webhook(&id).await?;
    Ok(Json(SecretBody { secret: engine.signing_secret(&w.id).await?, previous_secret_until: w.previous_secret_until }))
}

/// Rotate the signing secret
///
/// The previous secret keeps signing, alongside the new one, for 24 hours.
#[utoipa::path(post, path = "/v1/webhooks/{id}/secret/rotate", tag = "webhooks", params(("id" = String, Path, description = "id or code")),
    responses((status = 200, body = SecretBody), (status = 404, body = ErrorBody)))]
pub async fn rotate(State(engine): State<Engine>, Path(id): Path<String>) -> Result<Json<SecretBody>, ApiError> {
    let w = engine.rotate_secret(&id).await?;
    Ok(Json(SecretBody { secret: engine.signing_secret(&w.id).await?, previous_secret_until: w.previous_secret_until }))
}

/// Recover failed deliveries
///
/// Every event whose latest delivery to this webhook failed (its attempts used up, or
/// refused with 410) and ended within the window gets a new delivery, in acceptance order.
/// A second recover of the same window finds nothing: the new deliveries are the latest.
#[utoipa::path(post, path = "/v1/webhooks/{id}/recover", tag = "webhooks", params(("id" = String, Path, description = "id or code")),
    request_body = RecoverWindow,
    responses((status = 202, body = Recovered), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "The webhook is deactivated"), (status = 422, body = ErrorBody)))]
pub async fn recover(
    State(engine): State<Engine>,
    Path(id): Path<String>,
    ApiJson(window): ApiJson<RecoverWindow>,
) -> Result<(StatusCode, Json<Recovered>), ApiError> {
    Ok((StatusCode::ACCEPTED, Json(engine.recover(&id, &window).await?)))
}
