//! API errors as `{"error": {"code", "message", "fields"?}}` with a fitting status, and a
//! JSON body extractor that answers malformed bodies in that same form.

use crate::error::{Error, FieldError};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// `unauthorized`, `forbidden_host`, `unsupported_media_type`, `payload_too_large`,
    /// `bad_json`, `bad_request`, `request_timeout`, `method_not_allowed`, `invalid`,
    /// `not_found`, `conflict`, `keyring`, `insufficient_storage`, `too_many_connections`,
    /// `unavailable` (the database cannot be reached, or did not answer in time), `internal`.
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), fields: vec![] }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let (status, code) = match &e {
            Error::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            Error::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Error::Conflict(_) | Error::Taken(_) => (StatusCode::CONFLICT, "conflict"),
            Error::Keyring(_) | Error::KeyringUnreachable(_) => (StatusCode::INTERNAL_SERVER_ERROR, "keyring"),
            Error::DiskFull(_) => (StatusCode::INSUFFICIENT_STORAGE, "insufficient_storage"),
            Error::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        Self { status, code, message: e.to_string(), fields: e.fields().to_vec() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: ErrorDetail { code: self.code, message: self.message, fields: self.fields } };
        (self.status, axum::Json(body)).into_response()
    }
}

/// A JSON body: broken JSON is 400, JSON of the wrong shape is 422, too big is 413, a body
/// that stops arriving is 408.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let ApiBody(bytes) = ApiBody::from_request(req, state).await?;
        parse(&bytes).map(ApiJson)
    }
}

/// The raw body, read with the same rules as [`ApiJson`].
pub struct ApiBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Bytes::from_request(req, state).await.map(ApiBody).map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else if timed_out(&rejection) {
                ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "request_timeout",
                    format!(
                        "The body stopped arriving: nothing came for {} s. Send the whole body (as many bytes as Content-Length says).",
                        super::server::BODY_READ_TIMEOUT.as_secs()
                    ),
                )
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_json", rejection.body_text())
            }
        })
    }
}

fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = c.source();
    }
    false
}

/// Gives every error answer the JSON error shape: the rejections of axum's own extractors
/// and router (a bad path or query string, a method the route does not take) are plain text
/// or empty.
pub async fn json_errors(req: Request, next: axum::middleware::Next) -> Response {
    let method = req.method().clone();
    let response = next.run(req).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 16 * 1024).await.unwrap_or_default();
    let said = String::from_utf8_lossy(&text).trim().to_string();
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", format!("This route does not take {method}; see /v1/openapi.json for what it takes."))
        }
        StatusCode::NOT_FOUND => ("not_found", "No such route; see /v1/openapi.json.".to_string()),
        StatusCode::PAYLOAD_TOO_LARGE => return too_large().into_response(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "Send the body as application/json.".to_string()),
        StatusCode::REQUEST_TIMEOUT => ("request_timeout", "The request did not arrive in time.".to_string()),
        s if s.is_client_error() => {
            ("bad_request", if said.is_empty() { "The request is malformed.".to_string() } else { format!("{said}.") })
        }
        _ => ("internal", if said.is_empty() { "Something went wrong inside Hookdesk.".to_string() } else { said }),
    };
    let mut answer = ApiError::new(status, code, message).into_response();
    // Keep what the original answer told the client beyond its body (Allow on a 405).
    for (name, value) in parts.headers.iter() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            answer.headers_mut().insert(name.clone(), value.clone());
        }
    }
    answer
}

pub fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", format!("The body is larger than {} bytes.", super::BODY_LIMIT))
}

/// Parses a JSON body; a value of the wrong shape names its field
/// (`headers: invalid type: string "x", expected a list of {name, value}`).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let bad_json = |e: serde_json::Error| ApiError::new(StatusCode::BAD_REQUEST, "bad_json", format!("The body is not valid JSON: {e}."));
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let rejection = e.into_inner();
        match rejection.classify() {
            serde_json::error::Category::Data => {
                let field = if path.is_empty() || path == "." { "body".to_string() } else { path };
                let message = format!("{field}: {rejection}.");
                let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", format!("The body does not fit: {message}"));
                err.fields.push(FieldError::new(field, message));
                err
            }
            _ => bad_json(rejection),
        }
    })?;
    de.end().map_err(bad_json)?;
    // serde reads a struct from a list too (`[]` would be a body of defaults): every body of
    // the API is an object.
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        let message = "body: the body is a JSON object ({…}), not a list or a single value.".to_string();
        let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", format!("The body does not fit: {message}"));
        err.fields.push(FieldError::new("body", message));
        return Err(err);
    }
    Ok(value)
}
