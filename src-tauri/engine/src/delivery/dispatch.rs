//! One HTTP attempt: sign, send, read the response bounded, and classify failures in words.

use crate::model::MASK;
use crate::model::attempt::AttemptErrorKind as Kind;
use crate::net::{BlockedAddress, DnsFailure, NetworkPolicy, USER_AGENT, literal_ip};
use crate::signing::{SigningSecret, signature_header};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most of a response body kept in the log; the read stops there.
pub const RESPONSE_BODY_CAP: usize = 64 * 1024;
const RESPONSE_HEADERS_CAP: usize = 100;

/// Where and how an attempt is sent.
#[derive(Clone)]
pub struct Target {
    pub url: String,
    /// Custom headers with their real values (masked in the log).
    pub headers: Vec<(String, Arc<str>)>,
    /// Empty for direct deliveries, two during a rotation.
    pub signing: Vec<SigningSecret>,
    pub timeout: Duration,
}

/// "HTTP 503 Service Unavailable": the status a failed attempt got, as people read it.
pub fn status_in_words(status: u16) -> String {
    match reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()) {
        Some(reason) => format!("HTTP {status} {reason}"),
        None => format!("HTTP {status}"),
    }
}

impl Target {
    /// Masks the values sent that are secrets (custom header values) wherever they come back.
    pub fn secret_mask(&self) -> crate::mask::SecretMask {
        crate::mask::SecretMask::new(self.headers.iter().map(|(_, v)| &**v))
    }
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Received {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
    pub truncated: bool,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// An attempt's record before it is stored.
#[derive(Debug, Clone)]
pub struct Sent {
    pub request_url: String,
    pub request_headers: BTreeMap<String, String>,
    pub executed_at_ms: i64,
    pub duration_ms: u64,
    pub response: Option<Received>,
    /// `(kind, message)` when no response arrived or reading it failed.
    pub error: Option<(Kind, String)>,
}

impl Sent {
    /// The error kind and sentence of a failed attempt (`None`s for a success), with the
    /// secrets sent masked out of it.
    pub fn error_in_words(&self, mask: &crate::mask::SecretMask) -> (Option<Kind>, Option<String>) {
        match &self.error {
            Some((kind, message)) => (Some(*kind), Some(mask.text(message))),
            None if !self.succeeded() => (Some(Kind::Http), self.status().map(status_in_words)),
            None => (None, None),
        }
    }

    /// What came of it in a few words, for a pause reason: "HTTP 503", "connection refused".
    pub fn summary_for_pause(&self) -> String {
        match (self.status(), &self.error) {
            (Some(status), _) => format!("HTTP {status}"),
            (None, Some((_, message))) => message.clone(),
            (None, None) => "no response".into(),
        }
    }

    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.status().is_some_and(|s| (200..300).contains(&s))
    }
}

/// Seconds, as people say them: "30 s", "1.5 s", "500 ms".
pub fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// The request headers Hookdesk sends, real values first and the log's masked copy second.
pub fn build_headers(target: &Target, msg_id: &str, timestamp: i64, body: &str) -> (Vec<(String, String)>, BTreeMap<String, String>) {
    let mut real: Vec<(String, String)> = vec![
        ("content-type".into(), "application/json".into()),
        ("user-agent".into(), USER_AGENT.into()),
        ("webhook-id".into(), msg_id.into()),
        ("webhook-timestamp".into(), timestamp.to_string()),
    ];
    if !target.signing.is_empty() {
        real.push(("webhook-signature".into(), signature_header(&target.signing, msg_id, timestamp, body.as_bytes())));
    }
    let mut logged: BTreeMap<String, String> = real.iter().cloned().collect();
    for (name, value) in &target.headers {
        // A custom User-Agent replaces ours rather than doubling it.
        real.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        logged.retain(|n, _| !n.eq_ignore_ascii_case(name));
        real.push((name.clone(), value.to_string()));
        logged.insert(name.clone(), MASK.into());
    }
    (real, logged)
}

/// Sends one attempt. Never panics and never returns early: every outcome is a [`Sent`].
pub async fn send(client: &reqwest::Client, policy: &NetworkPolicy, target: &Target, msg_id: &str, body: &str) -> Sent {
    let executed_at_ms = crate::model::time::now_ms();
    let timestamp = executed_at_ms / 1000;
    let (headers, logged) = build_headers(target, msg_id, timestamp, body);
    let started = Instant::now();
    let mut sent =
        Sent { request_url: target.url.clone(), request_headers: logged, executed_at_ms, duration_ms: 0, response: None, error: None };
    let url = match url::Url::parse(&target.url) {
        Ok(u) => u,
        Err(e) => {
            sent.error = Some((Kind::Config, format!("the URL cannot be used: {e}")));
            return sent;
        }
    };
    // The resolver is not asked about IP literals, so the policy checks them here.
    if let Some(ip) = literal_ip(&url)
        && !policy.permits(ip)
    {
        sent.error = Some((Kind::Blocked, BlockedAddress(ip.to_string()).to_string()));
        return sent;
    }
    let mut request = client.post(url).body(body.to_string());
    for (name, value) in &headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let exchange = async {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let mut headers = BTreeMap::new();
        for (name, value) in response.headers().iter().take(RESPONSE_HEADERS_CAP) {
            headers.insert(name.as_str().to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned());
        }
        let (body, truncated, body_error) = read_bounded(response).await;
        Ok::<_, reqwest::Error>((Received { status, headers, body, truncated }, body_error))
    };
    match tokio::time::timeout(target.timeout, exchange).await {
        Ok(Ok((received, body_error))) => {
            if let Some(status) = Some(received.status).filter(|s| (300..400).contains(s)) {
                let location = received.header("location").unwrap_or("(no Location header)");
                sent.error = Some((Kind::Redirect, format!("HTTP {status} redirect to {location} was not followed")));
            } else if let Some(e) = body_error {
                sent.error = Some(classify(&e, target.timeout));
            }
            sent.response = Some(received);
        }
        Ok(Err(e)) => sent.error = Some(classify(&e, target.timeout)),
        Err(_) => sent.error = Some((Kind::Timeout, format!("timed out after {}", human_duration(target.timeout)))),
    }
    sent.duration_ms = started.elapsed().as_millis() as u64;
    sent
}

/// Reads at most [`RESPONSE_BODY_CAP`] bytes; the rest is left unread (the connection is
/// dropped), so a huge or endless body neither grows memory nor holds the worker.
async fn read_bounded(mut response: reqwest::Response) -> (Vec<u8>, bool, Option<reqwest::Error>) {
    let mut body = Vec::new();
    let declared_too_long = response.content_length().is_some_and(|n| n > RESPONSE_BODY_CAP as u64);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = RESPONSE_BODY_CAP - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    return (body, true, None);
                }
                body.extend_from_slice(&chunk);
                if body.len() == RESPONSE_BODY_CAP && declared_too_long {
                    return (body, true, None);
                }
            }
            Ok(None) => return (body, false, None),
            Err(e) => return (body, false, Some(e)),
        }
    }
}

/// Turns a transport error into a kind and a sentence a user can act on.
pub fn classify(err: &reqwest::Error, timeout: Duration) -> (Kind, String) {
    if err.is_timeout() {
        return (Kind::Timeout, format!("timed out after {}", human_duration(timeout)));
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut innermost = err.to_string();
    while let Some(e) = source {
        if let Some(b) = e.downcast_ref::<BlockedAddress>() {
            return (Kind::Blocked, b.to_string());
        }
        if let Some(d) = e.downcast_ref::<DnsFailure>() {
            return (Kind::Dns, format!("DNS: {d}"));
        }
        if let Some(t) = e.downcast_ref::<rustls::Error>() {
            return (Kind::Tls, format!("TLS: {}", describe_tls(t)));
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            match io.kind() {
                ConnectionRefused => return (Kind::Connect, "connection refused".into()),
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => {
                    return (Kind::Reset, "the connection was reset by the receiver".into());
                }
                TimedOut => return (Kind::Timeout, format!("timed out after {}", human_duration(timeout))),
                _ => {}
            }
            if let Some(t) = io.get_ref().and_then(|source| source.downcast_ref::<rustls::Error>()) {
                return (Kind::Tls, format!("TLS: {}", describe_tls(t)));
            }
        }
        innermost = e.to_string();
        source = e.source();
    }
    let lower = innermost.to_ascii_lowercase();
    if lower.contains("connection closed") || lower.contains("connection reset") || lower.contains("incomplete message") {
        return (Kind::Reset, "the connection was reset by the receiver".into());
    }
    if err.is_connect() {
        return (Kind::Connect, format!("could not connect: {innermost}"));
    }
    if err.is_body() || err.is_decode() {
        return (Kind::Body, format!("the response could not be read: {innermost}"));
    }
    (Kind::Http, innermost)
}

fn describe_tls(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => "certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => "certificate is not valid yet".into(),
            C::UnknownIssuer => "certificate is not trusted (unknown issuer)".into(),
            C::NotValidForName | C::NotValidForNameContext { .. } => "certificate is not valid for this host name".into(),
            C::Revoked => "certificate has been revoked".into(),
            C::BadSignature => "certificate has a bad signature".into(),
            other => format!("invalid certificate ({other:?})"),
        },
        other => other.to_string(),
    }
}
