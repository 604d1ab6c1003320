//! What every request must pass before a route runs: a loopback `Host` (against DNS
//! rebinding), the bearer token (except `/v1/health`), and JSON bodies.

use super::backend::Backend;
use super::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

/// `localhost`, `127.0.0.1` or `[::1]`, with an optional numeric port and nothing else:
/// `localhost:1@evil.com` and `localhost:abc` are not loopback names.
fn is_loopback_host(host: &str) -> bool {
    host_name(host).is_some_and(|name| matches!(name.to_ascii_lowercase().as_str(), "localhost" | "127.0.0.1" | "::1"))
}

/// A Host header's name, without its port; `None` when it is not a name and a numeric port.
fn host_name(host: &str) -> Option<&str> {
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((name, "")) => (name, None),
            Some((name, after)) => match after.strip_prefix(':') {
                Some(port) => (name, Some(port)),
                None => return None,
            },
            None => return None,
        },
        None => match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok());
    port_ok.then_some(name)
}

/// A loopback name, or one of the public names the API was started with (`--public-host`).
fn is_allowed_host(host: &str, public: &[String]) -> bool {
    is_loopback_host(host) || host_name(host).is_some_and(|name| public.iter().any(|p| p.eq_ignore_ascii_case(name)))
}

pub async fn guard(State(engine): State<Backend>, req: Request, next: Next) -> Response {
    let mut hosts = req.headers().get_all(header::HOST).iter();
    let host = hosts.next().and_then(|h| h.to_str().ok()).unwrap_or_default();
    // Two Host headers could each be read by a different party: refuse the ambiguity.
    if hosts.next().is_some() || !is_allowed_host(host, &engine.public_hosts()) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden_host",
            "The Host header must name a loopback address (localhost, 127.0.0.1 or [::1]) or a name the API was started with (--public-host).",
        )
        .into_response();
    }
    if req.uri().path() != "/v1/health" {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        let token = match engine.api_token().await {
            Ok(t) => t,
            Err(e) => return ApiError::from(e).into_response(),
        };
        if given.is_empty() || !bool::from(given.trim().as_bytes().ct_eq(token.as_bytes())) {
            let mut response = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Send the Events API token as Authorization: Bearer <token> (see Settings, or run `hookdesk token`).",
            )
            .into_response();
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            return response;
        }
    }
    let has_body = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).is_some_and(|v| v != "0")
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    if has_body && matches!(*req.method(), Method::POST | Method::PATCH | Method::PUT) {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Send the body as application/json.")
                .into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_loopback_hosts_pass() {
        for ok in ["localhost", "localhost:7717", "127.0.0.1:7717", "[::1]:7717", "[::1]", "LOCALHOST"] {
            assert!(super::is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:7717",
            "127.0.0.1.evil.example",
            "",
            "localhost.evil.example:80",
            "[::2]:7717",
            "localhost:1@evil.com",
            "localhost:abc",
            "localhost:",
            "localhost:99999",
            "[::1]x",
            "[::1]:",
            "127.0.0.1:80:80",
        ] {
            assert!(!super::is_loopback_host(bad), "{bad}");
        }
        let public = ["hookdesk.example.com".to_string()];
        assert!(super::is_allowed_host("hookdesk.example.com:7717", &public) && super::is_allowed_host("HOOKDESK.example.com", &public));
        assert!(!super::is_allowed_host("hookdesk.example.com.evil.example", &public));
        assert!(!super::is_allowed_host("hookdesk.example.com:1@evil.com", &public));
    }
}
