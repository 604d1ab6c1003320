//! Ready-to-run `curl` commands: an attempt replayed (**Copy as cURL**), and the Events API
//! example on the Settings page.

use crate::delivery::dispatch::build_headers;
use crate::delivery::target;
use crate::error::{Error, Result};
use crate::model::MASK;
use crate::{Engine, store};

/// Quotes for a POSIX shell: everything inside single quotes, `'` as `'\''`.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn command(url: &str, headers: &[(String, String)], body: &str) -> String {
    let mut out = format!("curl -X POST {}", shell_quote(url));
    for (name, value) in headers {
        out.push_str(&format!(" \\\n  -H {}", shell_quote(&format!("{name}: {value}"))));
    }
    out.push_str(&format!(" \\\n  --data-raw {}", shell_quote(body)));
    out
}

impl Engine {
    /// An attempt as a `curl` command. Without secrets, header values are masked and the
    /// logged signature is shown. With secrets, the header values come from the keyring and
    /// the request is signed afresh (same `webhook-id`, a new timestamp), so a receiver that
    /// verifies signatures accepts it when it is run.
    pub async fn curl_command(&self, attempt_id: &str, include_secrets: bool) -> Result<String> {
        let attempt = self.attempt(attempt_id).await?.attempt;
        let req = attempt.request;
        if !include_secrets {
            let headers: Vec<(String, String)> = req.headers.into_iter().collect();
            return Ok(command(&req.url, &headers, &req.body));
        }
        let Some(webhook_id) = attempt.summary.webhook_id else {
            let custom = req.headers.iter().any(|(_, v)| v == MASK);
            if custom {
                return Err(Error::Conflict(
                    "A direct delivery's header values are discarded once it ends; they cannot be included.".into(),
                ));
            }
            return Ok(command(&req.url, &req.headers.into_iter().collect::<Vec<_>>(), &req.body));
        };
        let row = self
            .db()
            .read(move |conn| store::webhooks::get(conn, &webhook_id))
            .await?
            .ok_or_else(|| Error::NotFound("The webhook of this attempt was deleted.".into()))?;
        let mut t = self.blocking(move |e| target::webhook_target(e, &row)).await?;
        t.url = req.url.clone();
        let timestamp = crate::model::time::now_ms() / 1000;
        let (headers, _) = build_headers(&t, &attempt.summary.event_id, timestamp, &req.body);
        Ok(command(&req.url, &headers, &req.body))
    }

    /// The Settings page's example: a `curl` that posts an event to this Events API.
    pub async fn events_api_example(&self, include_token: bool) -> Result<Option<String>> {
        let Some(addr) = self.api_addr().await else { return Ok(None) };
        let token = if include_token { self.api_token().await? } else { MASK.to_string() };
        let headers =
            vec![("Authorization".to_string(), format!("Bearer {token}")), ("Content-Type".to_string(), "application/json".to_string())];
        let body =
            r#"{"type": "task.created", "workflow": "purchase_orders", "data": {"task": {"id": "42", "name": "Purchase order #42"}}}"#;
        Ok(Some(command(&format!("http://{addr}/v1/events"), &headers, body)))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn quotes_survive_the_shell() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        let out =
            std::process::Command::new("sh").arg("-c").arg(format!("printf %s {}", shell_quote("a'b \"c\" $HOME \\n"))).output().unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), "a'b \"c\" $HOME \\n");
    }
}
