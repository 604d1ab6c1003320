//! Ready-to-run `curl` commands: an attempt replayed (**Copy as cURL**), and the Events API
//! example on the Settings page.

use crate::delivery::dispatch::build_headers;
use crate::delivery::target;
use crate::error::{Error, Result};
use crate::model::MASK;
use crate::model::WebhookId;
use crate::model::attempt::{Attempt, RequestLog};
use crate::signing::SigningSecret;
use crate::{Engine, store};

/// Quotes for a POSIX shell: everything inside single quotes, `'` as `'\''`.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Where a command's body comes from; both hold a shell word (already quoted).
enum Data {
    /// `--data-raw WORD`: short bodies, as people write them.
    Argument(String),
    /// `printf '%s' WORD | curl … --data-binary @-`: any size. Linux limits one argument to
    /// 128 KiB and event data may be 1 MiB; `printf` is a shell builtin, which has no limit.
    Stdin(String),
}

/// `curl -X POST URL -H …` with one header (a shell word) per line.
fn curl(url: &str, headers: &[String], data: Data) -> String {
    let mut out = String::new();
    if let Data::Stdin(body) = &data {
        out.push_str(&format!("printf '%s' {body} | "));
    }
    out.push_str(&format!("curl -X POST {}", shell_quote(url)));
    for header in headers {
        out.push_str(&format!(" \\\n  -H {header}"));
    }
    match data {
        Data::Argument(body) => out.push_str(&format!(" \\\n  --data-raw {body}")),
        Data::Stdin(_) => out.push_str(" \\\n  --data-binary @-"),
    }
    out
}

fn header_word(name: &str, value: &str) -> String {
    shell_quote(&format!("{name}: {value}"))
}

/// The request exactly as logged: secret header values masked, the signature of its time.
fn as_logged(req: &RequestLog) -> String {
    let headers: Vec<String> = req.headers.iter().map(|(name, value)| header_word(name, value)).collect();
    curl(&req.url, &headers, Data::Stdin(shell_quote(&req.body)))
}

/// A request that signs itself when it runs. Standard Webhooks receivers refuse a timestamp
/// more than five minutes away from their clock, so a signature made at copy time would
/// expire; instead the shell takes the time and computes the HMAC (with `openssl`) at run time.
/// `headers` are the request's headers without the signature; `webhook-timestamp` is replaced.
fn self_signing_command(url: &str, msg_id: &str, headers: &[(String, String)], secrets: &[SigningSecret], body: &str) -> String {
    // No comment line: interactive zsh would run `#` as a command.
    let mut out = format!("body={}\n", shell_quote(body));
    out.push_str("ts=$(date +%s)\n");
    out.push_str(&format!(
        "hookdesk_sign() {{ printf '%s.%s.%s' {} \"$ts\" \"$body\" | openssl dgst -sha256 -mac HMAC -macopt \"hexkey:$1\" -binary | base64; }}\n",
        shell_quote(msg_id)
    ));
    let signature = secrets.iter().map(|s| format!("v1,$(hookdesk_sign {})", s.hex_key())).collect::<Vec<_>>().join(" ");
    let mut words = Vec::with_capacity(headers.len() + 1);
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("webhook-timestamp") {
            words.push("\"webhook-timestamp: $ts\"".to_string());
            if !secrets.is_empty() {
                words.push(format!("\"webhook-signature: {signature}\""));
            }
        } else {
            words.push(header_word(name, value));
        }
    }
    out.push_str(&curl(url, &words, Data::Stdin("\"$body\"".into())));
    out
}

/// What an attempt's `curl` command needs, on either store: `Ok` the command as logged
/// (without secrets, or nothing secret to include), `Err` the webhook whose secrets sign it.
pub(crate) fn curl_needs(attempt: &Attempt, include_secrets: bool) -> Result<std::result::Result<String, WebhookId>> {
    let req = &attempt.request;
    match &attempt.summary.webhook_id {
        Some(id) if include_secrets => Ok(Err(id.clone())),
        None if include_secrets && req.headers.values().any(|v| v == MASK) => {
            Err(Error::Conflict("A direct delivery's header values are discarded once it ends; they cannot be included.".into()))
        }
        // Without secrets, or a direct delivery without secret headers: as it was sent.
        _ => Ok(Ok(as_logged(req))),
    }
}

pub(crate) fn webhook_deleted() -> Error {
    Error::NotFound("The webhook of this attempt was deleted.".into())
}

/// The command that sends `attempt` again to its logged URL with the webhook's current header
/// values (`t`), signing it when it runs.
pub(crate) fn signed_command(attempt: &Attempt, mut t: crate::delivery::dispatch::Target) -> String {
    let req = &attempt.request;
    t.url = req.url.clone();
    let secrets = std::mem::take(&mut t.signing);
    let (headers, _) = build_headers(&t, &attempt.summary.event_id, 0, &req.body);
    self_signing_command(&req.url, &attempt.summary.event_id, &headers, &secrets, &req.body)
}

impl Engine {
    /// An attempt as a `curl` command. Without secrets, header values are masked and the
    /// logged signature is shown. With secrets, the header values come from the keyring and
    /// the command signs the request when it runs (same `webhook-id`, the time of the run),
    /// so a receiver that verifies signatures accepts it whenever it is run.
    pub async fn curl_command(&self, attempt_id: crate::model::AttemptId, include_secrets: bool) -> Result<String> {
        let attempt = self.attempt(attempt_id).await?.attempt;
        let webhook_id = match curl_needs(&attempt, include_secrets)? {
            Ok(as_logged) => return Ok(as_logged),
            Err(webhook_id) => webhook_id,
        };
        let row = self.db().read(move |conn| store::webhooks::get(conn, &webhook_id)).await?.ok_or_else(webhook_deleted)?;
        let t = self.blocking(move |e| target::webhook_target(&**e.secrets(), &row)).await?;
        Ok(signed_command(&attempt, t))
    }

    /// The Settings page's example: a `curl` that posts an event to this Events API.
    pub async fn events_api_example(&self, include_token: bool) -> Result<Option<String>> {
        let Some(addr) = self.api_addr().await else { return Ok(None) };
        let token = if include_token { self.api_token().await? } else { MASK.to_string() };
        let headers = [header_word("Authorization", &format!("Bearer {token}")), header_word("Content-Type", "application/json")];
        let body =
            r#"{"type": "task.created", "workflow": "purchase_orders", "data": {"task": {"id": "42", "name": "Purchase order #42"}}}"#;
        Ok(Some(curl(&format!("http://{addr}/v1/events"), &headers, Data::Argument(shell_quote(body)))))
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
