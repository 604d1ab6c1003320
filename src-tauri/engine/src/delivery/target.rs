//! Where a delivery goes, resolved at the moment of each attempt: the webhook's current URL,
//! headers (values from the keyring) and signing secrets. **Test** resolves the same way,
//! with the form's values in place of stored ones where it gives them.

use super::dispatch::Target;
use crate::Error;
use crate::error::Result;
use crate::model::time::now_ms;
use crate::secrets::{Secrets, account};
use crate::signing::SigningSecret;
use crate::store::deliveries::DeliveryRow;
use crate::store::webhooks::WebhookRow;
use std::sync::Arc;
use std::time::Duration;

/// Whether the webhook's previous signing secret still signs (a rotation's 24 hours).
pub(crate) fn rotating(w: &WebhookRow) -> bool {
    w.previous_secret_until.is_some_and(|until| until > now_ms())
}

/// Where a target's secret values are read from: the OS keyring ([`Secrets`]), or in team
/// mode the team database's sealed secrets, opened beforehand ([`Opened`]).
pub(crate) trait SecretSource {
    fn get(&self, account: &str) -> Result<Option<Arc<str>>>;
    /// Like `get`, but a missing value is an error naming what is missing and where.
    fn require(&self, account: &str, what: &str) -> Result<Arc<str>>;
}

impl SecretSource for Secrets {
    fn get(&self, account: &str) -> Result<Option<Arc<str>>> {
        Secrets::get(self, account)
    }
    fn require(&self, account: &str, what: &str) -> Result<Arc<str>> {
        Secrets::require(self, account, what)
    }
}

/// Secret values already read from the team database, by account.
pub(crate) struct Opened(pub std::collections::HashMap<String, Arc<str>>);

impl SecretSource for Opened {
    fn get(&self, account: &str) -> Result<Option<Arc<str>>> {
        Ok(self.0.get(account).cloned())
    }
    fn require(&self, account: &str, what: &str) -> Result<Arc<str>> {
        self.get(account)?
            .ok_or_else(|| Error::Keyring(format!("{what} is missing from the team database; set it again in the webhook's settings.")))
    }
}

/// The accounts a webhook's target reads: its header values and signing secrets.
pub(crate) fn accounts_of(w: &WebhookRow) -> Vec<String> {
    let mut out: Vec<String> = w.header_names.iter().map(|name| account::header(&w.id, name)).collect();
    out.push(account::signing_secret(&w.id));
    if rotating(w) {
        out.push(account::previous_signing_secret(&w.id));
    }
    out
}

/// The accounts a direct delivery's target reads: its header values.
pub(crate) fn direct_accounts_of(d: &DeliveryRow) -> Vec<String> {
    d.header_names.iter().map(|name| account::direct_header(&d.event_id, name)).collect()
}

/// A saved webhook's header value, from the keyring.
pub(crate) fn stored_header(s: &impl SecretSource, webhook_id: &str, name: &str) -> Result<Arc<str>> {
    s.require(&account::header(webhook_id, name), &format!("The value of header {name}"))
}

/// A saved webhook's signing secrets: the current one, and during a rotation the previous.
pub(crate) fn stored_signing(s: &impl SecretSource, webhook_id: &str, rotating: bool) -> Result<Vec<SigningSecret>> {
    let current = s.require(&account::signing_secret(webhook_id), "The signing secret")?;
    let mut out =
        vec![SigningSecret::parse(&current).ok_or_else(|| Error::Keyring("The stored signing secret is not a whsec_ key.".into()))?];
    if rotating && let Some(previous) = s.get(&account::previous_signing_secret(webhook_id))?.and_then(|p| SigningSecret::parse(&p)) {
        out.push(previous);
    }
    Ok(out)
}

fn timeout(ms: u32) -> Duration {
    Duration::from_millis(u64::from(ms))
}

/// A webhook's target, with header values from the keyring (cached after the first read).
pub(crate) fn webhook_target(s: &impl SecretSource, w: &WebhookRow) -> Result<Target> {
    let headers = w.header_names.iter().map(|name| Ok((name.clone(), stored_header(s, &w.id, name)?))).collect::<Result<Vec<_>>>()?;
    Ok(Target { url: w.url.clone(), headers, signing: stored_signing(s, &w.id, rotating(w))?, timeout: timeout(w.delivery.timeout_ms) })
}

/// The webhook's target when every secret it needs is already cached; `None` means the
/// keyring must be asked (on a blocking thread).
pub(crate) fn cached_webhook_target(s: &Secrets, w: &WebhookRow) -> Option<Target> {
    let headers =
        w.header_names.iter().map(|name| Some((name.clone(), s.cached(&account::header(&w.id, name))?))).collect::<Option<Vec<_>>>()?;
    let mut signing = vec![SigningSecret::parse(&s.cached(&account::signing_secret(&w.id))?)?];
    if rotating(w) {
        signing.push(SigningSecret::parse(&s.cached(&account::previous_signing_secret(&w.id))?)?);
    }
    Some(Target { url: w.url.clone(), headers, signing, timeout: timeout(w.delivery.timeout_ms) })
}

/// A direct delivery's target: its own URL and headers, unsigned, default timeout.
pub(crate) fn direct_target(s: &impl SecretSource, d: &DeliveryRow) -> Result<Target> {
    let headers = d
        .header_names
        .iter()
        .map(|name| Ok((name.clone(), s.require(&account::direct_header(&d.event_id, name), &format!("The value of header {name}"))?)))
        .collect::<Result<Vec<(String, Arc<str>)>>>()?;
    Ok(Target {
        url: d.url.clone().unwrap_or_default(),
        headers,
        signing: vec![],
        timeout: timeout(crate::model::DeliverySettings::default().timeout_ms),
    })
}

/// What **Test** sends to: the form's URL and timeout; each header's value and the secret
/// as typed, or for a saved webhook where the form leaves them masked, the stored ones.
pub(crate) fn test_target(
    s: &impl SecretSource,
    saved: Option<&WebhookRow>,
    url: &str,
    timeout_ms: u32,
    headers: &[(String, Option<String>)],
    secret: Option<&str>,
) -> Result<Target> {
    let headers = headers
        .iter()
        .map(|(name, typed)| {
            let value: Arc<str> = match (typed, saved) {
                (Some(v), _) => Arc::from(v.as_str()),
                (None, Some(w)) => stored_header(s, &w.id, name)?,
                (None, None) => return Err(Error::invalid("headers", format!("Header {name} has no value."))),
            };
            Ok((name.clone(), value))
        })
        .collect::<Result<Vec<_>>>()?;
    let signing = match (secret, saved) {
        (Some(secret), _) => SigningSecret::parse(secret).into_iter().collect(),
        (None, Some(w)) => stored_signing(s, &w.id, rotating(w))?,
        (None, None) => vec![],
    };
    Ok(Target { url: url.to_string(), headers, signing, timeout: timeout(timeout_ms) })
}
