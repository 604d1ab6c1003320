//! Events in: accepting an event (durably, idempotently), one-off direct deliveries, and
//! resending a logged delivery.

use crate::delivery::{QueueKey, fanout};
use crate::error::{Error, FieldError, Result};
use crate::model::DeliveryId;
use crate::model::DeliveryKind;
use crate::model::event::{EventInput, envelope, is_valid_event_type, new_event_id};
use crate::model::log_filter::{LogFilter, LogScope};
use crate::model::payload_summary::payload_summary;
use crate::model::time::{now_ms, parse_rfc3339_ms};
use crate::secrets::account;
use crate::store::deliveries::{DeliverySource, NewDelivery};
use crate::store::events::EventRow;
use crate::{Engine, store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// The answer to an accepted event: `202 {"event_id", "deliveries"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct Accepted {
    pub event_id: String,
    pub deliveries: Vec<AcceptedDelivery>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct AcceptedDelivery {
    pub id: DeliveryId,
    pub webhook_code: String,
}

/// What a bulk resend did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Resent {
    /// New deliveries queued.
    #[ts(type = "number")]
    pub deliveries: u64,
    /// Asked for but not sent again (deleted since, or a direct delivery with headers).
    #[ts(type = "number")]
    pub skipped: u64,
}

/// A one-off delivery to a URL without a saved webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct DirectDeliveryInput {
    pub url: String,
    /// `[{"name", "value"}]`, the shape webhooks take (an object of name → value is taken
    /// too); the values are kept in the OS keyring while the delivery is pending.
    #[serde(default)]
    #[ts(as = "Vec<DirectHeader>")]
    #[schema(value_type = Vec<DirectHeader>)]
    pub headers: DirectHeaders,
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(default = "empty_object")]
    #[schema(value_type = Object)]
    #[ts(type = "Record<string, unknown>")]
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct DirectHeader {
    pub name: String,
    pub value: String,
}

/// A direct delivery's headers, written either way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DirectHeaders(pub Vec<DirectHeader>);

impl<'de> Deserialize<'de> for DirectHeaders {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListOrMap;
        impl<'de> serde::de::Visitor<'de> for ListOrMap {
            type Value = DirectHeaders;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of {name, value}")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(h) = seq.next_element::<DirectHeader>()? {
                    out.push(h);
                }
                Ok(DirectHeaders(out))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((name, value)) = map.next_entry::<String, String>()? {
                    out.push(DirectHeader { name, value });
                }
                Ok(DirectHeaders(out))
            }
        }
        d.deserialize_any(ListOrMap)
    }
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(Default::default())
}

/// Tells a repeated event from a reused id with different content.
fn fingerprint(input: &EventInput, data: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        Some(input.event_type.as_str()),
        input.occurred_at.as_deref(),
        input.workflow.as_deref(),
        input.survey.as_deref(),
        input.group.as_deref(),
    ] {
        h.update(part.unwrap_or("\u{0}").as_bytes());
        h.update([0xff]);
    }
    h.update(data.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The event row an accepted event is stored as, on either store: validated, with its id
/// (the caller's or a new one), summary and, for a caller's id, the fingerprint that tells a
/// repeat from a reused id.
pub(crate) fn event_row(input: EventInput, now: i64) -> Result<EventRow> {
    let data = input.validate().map_err(Error::Invalid)?;
    let occurred_at = input.occurred_at.as_deref().and_then(parse_rfc3339_ms).unwrap_or(now);
    let caller_id = input.id.is_some();
    Ok(EventRow {
        summary: payload_summary(&data),
        seq: 0,
        // Only a caller's id can repeat, so only then is the content compared.
        fingerprint: if caller_id { fingerprint(&input, &data) } else { String::new() },
        id: input.id.clone().unwrap_or_else(new_event_id),
        event_type: input.event_type,
        occurred_at,
        data,
        workflow: input.workflow,
        survey: input.survey,
        group: input.group,
        accepted_at: now,
    })
}

/// What the writer returns: the answer, and the deliveries to queue.
struct Committed {
    accepted: Accepted,
    queued: Vec<crate::delivery::Queued>,
}

/// A direct delivery as either store takes it: the input checked, its event, body and headers.
pub(crate) struct Direct {
    pub event: EventRow,
    pub url: String,
    /// The headers' values, kept secret until the delivery ends.
    pub headers: Vec<(String, String)>,
    /// The headers' names, as JSON.
    pub names: String,
    pub body: String,
}

/// Checks a direct delivery (its URL and headers by the webhook form's rules) and builds it.
pub(crate) fn direct_delivery(input: DirectDeliveryInput, now: i64) -> Result<Direct> {
    let mut errors = Vec::new();
    let form = crate::model::WebhookInput {
        code: None,
        name: "direct".into(),
        url: crate::model::webhook::trimmed_url(&input.url),
        description: String::new(),
        events: vec![],
        filters: Default::default(),
        active: true,
        headers: input.headers.0.iter().map(|h| crate::model::HeaderInput { name: h.name.clone(), value: Some(h.value.clone()) }).collect(),
        secret: None,
        delivery: Default::default(),
    };
    let check = form.validate(&crate::catalog::Catalog::new(vec![]), &[]);
    errors.extend(check.errors.into_iter().filter(|e| e.field == "url" || e.field.starts_with("headers")));
    if !is_valid_event_type(&input.event_type) {
        errors.push(FieldError::new("type", format!("'{}' is not an event type: use entity.action, e.g. task.created.", input.event_type)));
    }
    let event = EventInput {
        id: None,
        event_type: input.event_type.clone(),
        occurred_at: None,
        data: crate::model::event::raw_data(&input.data),
        workflow: None,
        survey: None,
        group: None,
    };
    let data = match event.validate() {
        Ok(d) => d,
        Err(e) => {
            errors.extend(e.into_iter().filter(|f| f.field == "data"));
            String::new()
        }
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let event_id = new_event_id();
    let headers: Vec<(String, String)> =
        input.headers.0.into_iter().map(|h| (h.name.trim().to_string(), h.value.trim().to_string())).collect();
    let body = envelope(&event_id, &input.event_type, now, false, None, None, None, None, &data);
    let names = serde_json::to_string(&headers.iter().map(|(n, _)| n).collect::<Vec<_>>())?;
    let event = EventRow {
        summary: payload_summary(&data),
        seq: 0,
        fingerprint: String::new(),
        id: event_id,
        event_type: input.event_type,
        occurred_at: now,
        data,
        workflow: None,
        survey: None,
        group: None,
        accepted_at: now,
    };
    Ok(Direct { event, url: form.url, headers, names, body })
}

impl Engine {
    /// Accepts an event: the event and one delivery per matching webhook are committed to
    /// disk in one transaction before this returns. A repeated caller id answers the same.
    pub async fn accept_event(&self, input: EventInput) -> Result<Accepted> {
        let now = now_ms();
        let caller_id = input.id.is_some();
        let row = event_row(input, now)?;
        let plan = fanout::plan(&fanout::targets(&self.routes(), &fanout::key_of(&row), None), &row);
        let engine = self.clone();
        let committed = self
            .db()
            .write_then(
                move |conn| {
                    if caller_id && let Some((seq, fp)) = store::events::find(conn, &row.id)? {
                        if fp != row.fingerprint {
                            return Err(store::events::reused_id(&row.id));
                        }
                        let deliveries = store::deliveries::of_event(conn, seq)?
                            .into_iter()
                            .map(|(id, code)| AcceptedDelivery { id: DeliveryId(id), webhook_code: code.unwrap_or_default() })
                            .collect();
                        return Ok(Committed { accepted: Accepted { event_id: row.id, deliveries }, queued: vec![] });
                    }
                    let seq = store::events::insert(conn, &row)?;
                    let (deliveries, queued) = fanout::insert(conn, seq, &row, plan, now)?
                        .into_iter()
                        .map(|(code, q)| (AcceptedDelivery { id: DeliveryId(q.1), webhook_code: code }, q))
                        .unzip();
                    Ok(Committed { accepted: Accepted { event_id: row.id, deliveries }, queued })
                },
                move |c: &Committed| engine.enqueue(c.queued.iter().cloned()),
            )
            .await?;
        Ok(committed.accepted)
    }

    /// A one-off delivery to a URL, logged under "Direct deliveries".
    pub async fn deliver_direct(&self, input: DirectDeliveryInput) -> Result<DeliveryId> {
        let Direct { event: row, url, headers, names, body } = direct_delivery(input, now_ms())?;
        let (eid, now) = (row.id.clone(), row.accepted_at);
        let values = headers;
        self.blocking(move |e| {
            for (name, value) in &values {
                e.secrets().set(&account::direct_header(&eid, name), value)?;
            }
            Ok(())
        })
        .await?;
        let target = url.clone();
        let engine = self.clone();
        let id = self
            .db()
            .write_then(
                move |conn| {
                    let seq = store::events::insert(conn, &row)?;
                    store::deliveries::insert(
                        conn,
                        &NewDelivery {
                            event_seq: seq,
                            webhook_id: None,
                            kind: DeliveryKind::Direct,
                            url: Some(&url),
                            header_names: Some(&names),
                            body: Some(&body),
                            max_attempts: crate::model::DeliverySettings::default().attempts,
                            now,
                        },
                    )
                },
                move |id: &i64| engine.enqueue([(QueueKey::direct(&target), *id, None)]),
            )
            .await?;
        Ok(DeliveryId(id))
    }

    /// **Retry now**: a delivery waiting for its next attempt makes it at once.
    pub async fn retry_now(&self, delivery: DeliveryId) -> Result<()> {
        let id = delivery.0;
        let now = now_ms();
        let due = self.db().write(move |conn| store::deliveries::due_now(conn, id, now)).await?;
        if !due {
            return Err(Error::Conflict(format!(
                "The delivery {delivery} is not waiting for a retry: it has ended, or its first attempt is still to come."
            )));
        }
        self.scheduler().retry_now(id);
        Ok(())
    }

    /// How a logged delivery goes again: its kind and attempts, or why it cannot.
    fn resend_plan(&self, source: &DeliverySource) -> Result<(DeliveryKind, u32)> {
        match &source.webhook_id {
            Some(w) => {
                let route = self.route(w).ok_or_else(|| Error::NotFound("The webhook of this delivery was deleted.".into()))?;
                Ok((DeliveryKind::Resend, route.delivery.attempts))
            }
            None if source.header_names.as_deref().is_some_and(|n| n != "[]") => Err(Error::Conflict(
                "A direct delivery's header values are discarded once it ends, so it cannot be resent; post it again to /v1/deliveries."
                    .into(),
            )),
            None => Ok((DeliveryKind::Direct, crate::model::DeliverySettings::default().attempts)),
        }
    }

    /// New deliveries of these sources' events, in one transaction, queued in the order given.
    async fn resend_sources(&self, plan: Vec<(DeliverySource, DeliveryKind, u32)>) -> Result<Vec<i64>> {
        let now = now_ms();
        let engine = self.clone();
        let keys: Vec<QueueKey> = plan.iter().map(|(s, ..)| QueueKey::of(s.webhook_id.as_ref(), s.url.as_deref())).collect();
        self.db()
            .write_then(
                move |conn| {
                    plan.iter()
                        .map(|(s, kind, max_attempts)| {
                            store::deliveries::insert(
                                conn,
                                &NewDelivery {
                                    event_seq: s.event_seq,
                                    webhook_id: s.webhook_id.as_deref(),
                                    kind: *kind,
                                    url: s.url.as_deref(),
                                    header_names: s.header_names.as_deref(),
                                    body: s.body.as_deref(),
                                    max_attempts: *max_attempts,
                                    now,
                                },
                            )
                        })
                        .collect::<Result<Vec<i64>>>()
                },
                move |ids: &Vec<i64>| engine.enqueue(keys.into_iter().zip(ids.iter()).map(|(key, id)| (key, *id, None))),
            )
            .await
    }

    /// A new delivery of a logged delivery's event to its webhook's current configuration.
    pub async fn resend(&self, delivery: DeliveryId) -> Result<DeliveryId> {
        let id = delivery.0;
        let source = self.db().read(move |conn| store::deliveries::source_of(conn, id)).await?;
        let Some(source) = source else {
            return Err(DeliveryId::not_found(&delivery.to_string()));
        };
        let (kind, max_attempts) = self.resend_plan(&source)?;
        let ids = self.resend_sources(vec![(source, kind, max_attempts)]).await?;
        Ok(DeliveryId(ids[0]))
    }

    /// **Resend selected**: a new delivery of each of these deliveries' events, in the order
    /// the events were accepted (so an ordered webhook gets them as it first did). Those that
    /// cannot go again (deleted, or a direct delivery whose header values are gone) are
    /// counted as skipped.
    pub async fn resend_deliveries(&self, mut deliveries: Vec<DeliveryId>) -> Result<Resent> {
        deliveries.sort_by_key(|d| d.0);
        deliveries.dedup();
        let wanted = deliveries.len() as u64;
        let mut sources = self
            .db()
            .read(move |conn| {
                deliveries.iter().filter_map(|d| store::deliveries::source_of(conn, d.0).transpose()).collect::<Result<Vec<_>>>()
            })
            .await?;
        sources.sort_by_key(|s| s.event_seq);
        let plan: Vec<_> =
            sources.into_iter().filter_map(|s| self.resend_plan(&s).ok().map(|(kind, attempts)| (s, kind, attempts))).collect();
        let sent = self.resend_sources(plan).await?.len() as u64;
        Ok(Resent { deliveries: sent, skipped: wanted.saturating_sub(sent) })
    }

    /// How many deliveries **Resend all matching** would send again: those with an attempt
    /// in the Logs view (Tests aside).
    pub async fn count_resendable(&self, scope: LogScope, filter: LogFilter) -> Result<u64> {
        self.db().read(move |conn| store::logs::count_deliveries(conn, &scope, &filter)).await
    }

    /// **Resend all matching**: [`Engine::resend_deliveries`] of every delivery with an
    /// attempt in the Logs view.
    pub async fn resend_matching(&self, scope: LogScope, filter: LogFilter) -> Result<Resent> {
        let ids = self.db().read(move |conn| store::logs::deliveries(conn, &scope, &filter)).await?;
        self.resend_deliveries(ids).await
    }
}
