//! `/v1/webhooks`: list, create, read, update, delete, test, secret.

use super::backend::Backend;
use super::error::{ApiBody, ApiError, ApiJson, ErrorBody};
use crate::model::{Webhook, WebhookInput};
use crate::recover::{RecoverWindow, Recovered};
use crate::test_event::{TestRequest, TestResult};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

/// List webhooks
#[utoipa::path(get, path = "/v1/webhooks", tag = "webhooks", responses((status = 200, body = Vec<Webhook>)))]
pub async fn list(State(backend): State<Backend>) -> Result<Json<Vec<Webhook>>, ApiError> {
    Ok(Json(match backend {
        Backend::Local(engine) => engine.list_webhooks().await?,
        Backend::Team(team) => crate::team_admin::webhooks(team.store()).await?,
    }))
}

/// Create a webhook
///
/// Same rules as the panel. Header values are given in plain text and stored in the OS
/// keyring; `secret` is generated when left out.
#[utoipa::path(post, path = "/v1/webhooks", tag = "webhooks", request_body = WebhookInput,
    responses((status = 201, body = Webhook), (status = 409, body = ErrorBody, description = "The code is taken"), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(backend): State<Backend>,
    ApiJson(input): ApiJson<WebhookInput>,
) -> Result<(StatusCode, Json<Webhook>), ApiError> {
    let created = match backend {
        Backend::Local(engine) => engine.create_webhook(input).await?,
        Backend::Team(team) => crate::team_admin::create_webhook(team.store(), team.key(), input).await?,
    };
    Ok((StatusCode::CREATED, Json(created)))
}

/// Read a webhook
#[utoipa::path(get, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path, description = "id or code")),
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody)))]
pub async fn get(State(backend): State<Backend>, Path(id): Path<String>) -> Result<Json<Webhook>, ApiError> {
    Ok(Json(match backend {
        Backend::Local(engine) => engine.get_webhook(&id).await?,
        Backend::Team(team) => crate::team_admin::webhook(team.store(), &id).await?,
    }))
}

/// Update a webhook
///
/// A JSON merge patch. The code is immutable (409). `{"active": true}` reactivates a
/// disabled or paused webhook and releases its held deliveries in order.
#[utoipa::path(patch, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path, description = "id or code")),
    request_body(content = Object, description = "Fields of a webhook to change"),
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch(
    State(backend): State<Backend>,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> Result<Json<Webhook>, ApiError> {
    Ok(Json(match backend {
        Backend::Local(engine) => engine.patch_webhook(&id, patch).await?,
        Backend::Team(team) => crate::team_admin::patch_webhook(team.store(), team.key(), &id, patch).await?,
    }))
}

/// Delete a webhook
///
/// Its queue and logs go with it, and its secrets leave the keyring.
#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path, description = "id or code")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(State(backend): State<Backend>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    match backend {
        Backend::Local(engine) => engine.delete_webhook(&id).await?,
        Backend::Team(team) => crate::team_admin::delete_webhook(team.store(), &id).await?,
    }
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
pub async fn test(State(backend): State<Backend>, Path(id): Path<String>, ApiBody(body): ApiBody) -> Result<Json<TestResult>, ApiError> {
    let body: TestBody = if body.is_empty() { TestBody::default() } else { super::error::parse(&body)? };
    let w = match &backend {
        Backend::Local(engine) => engine.get_webhook(&id).await?,
        Backend::Team(team) => crate::team_admin::webhook(team.store(), &id).await?,
    };
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
    let request = TestRequest { webhook_id: Some(w.id), input, event_type };
    Ok(Json(match backend {
        Backend::Local(engine) => engine.send_test(request).await?,
        Backend::Team(team) => team.send_test(request).await?,
    }))
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
pub async fn secret(State(backend): State<Backend>, Path(id): Path<String>) -> Result<Json<SecretBody>, ApiError> {
    let (secret, previous_secret_until) = match backend {
        Backend::Local(engine) => {
            let w = engine.get_webhook(&id).await?;
            (engine.signing_secret(&w.id).await?, w.previous_secret_until)
        }
        Backend::Team(team) => crate::team_admin::signing_secret(team.store(), team.key(), &id).await?,
    };
    Ok(Json(SecretBody { secret, previous_secret_until }))
}

/// Rotate the signing secret
///
/// The previous secret keeps signing, alongside the new one, for 24 hours.
#[utoipa::path(post, path = "/v1/webhooks/{id}/secret/rotate", tag = "webhooks", params(("id" = String, Path, description = "id or code")),
    responses((status = 200, body = SecretBody), (status = 404, body = ErrorBody)))]
pub async fn rotate(State(backend): State<Backend>, Path(id): Path<String>) -> Result<Json<SecretBody>, ApiError> {
    let (secret, previous_secret_until) = match backend {
        Backend::Local(engine) => {
            let w = engine.rotate_secret(&id).await?;
            (engine.signing_secret(&w.id).await?, w.previous_secret_until)
        }
        Backend::Team(team) => {
            let w = crate::team_admin::rotate_secret(team.store(), team.key(), &id).await?;
            crate::team_admin::signing_secret(team.store(), team.key(), &w.id).await?
        }
    };
    Ok(Json(SecretBody { secret, previous_secret_until }))
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
    State(backend): State<Backend>,
    Path(id): Path<String>,
    ApiJson(window): ApiJson<RecoverWindow>,
) -> Result<(StatusCode, Json<Recovered>), ApiError> {
    Ok((
        StatusCode::ACCEPTED,
        Json(match backend {
            Backend::Local(engine) => engine.recover(&id, &window).await?,
            Backend::Team(team) => crate::team_admin::recover(team.store(), &id, &window).await?,
        }),
    ))
}
