//! Where a delivery goes, resolved at the moment of each attempt: the webhook's current URL,
//! headers (values from the keyring) and signing secrets.

use super::dispatch::Target;
use crate::error::Result;
use crate::model::time::now_ms;
use crate::secrets::account;
use crate::signing::SigningSecret;
use crate::store::deliveries::DeliveryRow;
use crate::store::webhooks::WebhookRow;
use crate::{Engine, Error};
use std::sync::Arc;
use std::time::Duration;

/// The signing secrets in use: the current one, and the previous one during a rotation.
pub(crate) fn signing_secrets(engine: &Engine, w: &WebhookRow) -> Result<Vec<SigningSecret>> {
    let s = engine.secrets();
    let current = s.require(&account::signing_secret(&w.id), "The signing secret")?;
    let mut out =
        vec![SigningSecret::parse(&current).ok_or_else(|| Error::Keyring("The stored signing secret is not a whsec_ key.".into()))?];
    if w.previous_secret_until.is_some_and(|until| until > now_ms())
        && let Some(previous) = s.get(&account::previous_signing_secret(&w.id))?.and_then(|p| SigningSecret::parse(&p))
    {
        out.push(previous);
    }
    Ok(out)
}

/// A webhook's target, with header values from the keyring (cached after the first read).
pub(crate) fn webhook_target(engine: &Engine, w: &WebhookRow) -> Result<Target> {
    let headers = w
        .header_names
        .iter()
        .map(|name| Ok((name.clone(), engine.secrets().require(&account::header(&w.id, name), &format!("The value of header {name}"))?)))
        .collect::<Result<Vec<(String, Arc<str>)>>>()?;
    Ok(Target {
        url: w.url.clone(),
        headers,
        signing: signing_secrets(engine, w)?,
        timeout: Duration::from_millis(u64::from(w.delivery.timeout_ms)),
    })
}

/// The webhook's target when every secret it needs is already cached; `None` means the
/// keyring must be asked (on a blocking thread).
pub(crate) fn cached_webhook_target(engine: &Engine, w: &WebhookRow) -> Option<Target> {
    let s = engine.secrets();
    let headers =
        w.header_names.iter().map(|name| Some((name.clone(), s.cached(&account::header(&w.id, name))?))).collect::<Option<Vec<_>>>()?;
    let mut signing = vec![SigningSecret::parse(&s.cached(&account::signing_secret(&w.id))?)?];
    if w.previous_secret_until.is_some_and(|until| until > now_ms()) {
        signing.push(SigningSecret::parse(&s.cached(&account::previous_signing_secret(&w.id))?)?);
    }
    Some(Target { url: w.url.clone(), headers, signing, timeout: Duration::from_millis(u64::from(w.delivery.timeout_ms)) })
}

/// A direct delivery's target: its own URL and headers, unsigned, default timeout.
pub(crate) fn direct_target(engine: &Engine, d: &DeliveryRow) -> Result<Target> {
    let headers = d
        .header_names
        .iter()
        .map(|name| {
            Ok((
                name.clone(),
                engine.secrets().require(&account::direct_header(&d.event_id, name), &format!("The value of header {name}"))?,
            ))
        })
        .collect::<Result<Vec<(String, Arc<str>)>>>()?;
    Ok(Target {
        url: d.url.clone().unwrap_or_default(),
        headers,
        signing: vec![],
        timeout: Duration::from_millis(u64::from(crate::model::DeliverySettings::default().timeout_ms)),
    })
}
