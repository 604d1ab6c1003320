//! Finding and calling the running instance's Events API: `HOOKDESK_URL` and `HOOKDESK_TOKEN`,
//! else the data directory's lock file (address) and the keyring (token).

use super::Failure;
use hookdesk_engine::secrets::{Secrets, account};
use serde_json::Value;
use std::path::Path;

pub struct ApiClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

/// The token of a data directory, from the keyring.
pub fn keyring_token(data_dir: &Path) -> Result<Option<String>, Failure> {
    let Some(instance) = hookdesk_engine::instance::instance_id(data_dir)? else { return Ok(None) };
    Ok(Secrets::new(&instance).get(account::API_TOKEN)?.map(|t| t.to_string()))
}

impl ApiClient {
    pub fn discover(data_dir: &Path) -> Result<Self, Failure> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let (base, owner) = match env("HOOKDESK_URL") {
            Some(url) => (url, None),
            None => {
                let owner = hookdesk_engine::instance::running_owner(data_dir).ok_or_else(|| {
                    Failure(format!(
                        "no Hookdesk is running for {}; open the app or start `hookdesk serve`, or set HOOKDESK_URL and HOOKDESK_TOKEN",
                        data_dir.display()
                    ))
                })?;
                let url = owner
                    .api_url
                    .clone()
                    .ok_or_else(|| Failure(format!("{} runs without its Events API; switch it on in Settings", owner.describe())))?;
                (url, Some(owner))
            }
        };
        let token = match env("HOOKDESK_TOKEN") {
            Some(t) => t,
            None if owner.as_ref().is_some_and(|o| o.token_from_env) => {
                return Err(Failure("the running instance takes its token from HOOKDESK_TOKEN; set the same variable here".into()));
            }
            None => keyring_token(data_dir)?
                .ok_or_else(|| Failure("no Events API token was found in the keyring; set HOOKDESK_TOKEN".into()))?,
        };
        Ok(Self { base: base.trim_end_matches('/').to_string(), token, http: hookdesk_engine::net::local_client() })
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Result<Value, Failure> {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(b) = body {
            request = request.header("content-type", "application/json").body(b.to_string());
        }
        let response = request.send().await.map_err(|e| self.unanswered(e, "cannot reach Hookdesk"))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| self.unanswered(e, "Hookdesk's answer could not be read"))?;
        let value: Value = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        if status.is_success() {
            return Ok(value);
        }
        let mut message =
            value["error"]["message"].as_str().map(str::to_string).unwrap_or_else(|| format!("Hookdesk answered HTTP {status}"));
        if let Some(fields) = value["error"]["fields"].as_array().filter(|f| f.len() > 1) {
            for f in fields {
                message.push_str(&format!(
                    "\n  {}: {}",
                    f["field"].as_str().unwrap_or_default(),
                    f["message"].as_str().unwrap_or_default()
                ));
            }
        }
        Err(Failure(message))
    }

    /// A failed call, saying when the instance is there but does not answer.
    fn unanswered(&self, e: reqwest::Error, what: &str) -> Failure {
        use hookdesk_engine::net::{LOCAL_CONNECT_TIMEOUT, LOCAL_READ_TIMEOUT};
        if e.is_connect() && e.is_timeout() {
            Failure(format!("Hookdesk at {} accepted no connection within {} s", self.base, LOCAL_CONNECT_TIMEOUT.as_secs()))
        } else if e.is_timeout() {
            Failure(format!(
                "Hookdesk at {} did not answer within {} s; it may be stuck, see its log",
                self.base,
                LOCAL_READ_TIMEOUT.as_secs()
            ))
        } else {
            Failure(format!("{what} at {}: {e}", self.base))
        }
    }

    pub async fn get(&self, path: &str) -> Result<Value, Failure> {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, Failure> {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }
}

/// A path segment, escaped.
pub fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
