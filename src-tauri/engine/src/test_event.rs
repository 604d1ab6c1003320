//! **Test**: a realistic sample event sent at once to the URL in the form, saved or not,
//! with the form's headers and secret. For a saved webhook it is logged with a test badge.

use crate::catalog::Catalog;
use crate::delivery::dispatch;
use crate::delivery::outcome::{self, AttemptRecord, Decision};
use crate::delivery::target;
use crate::error::{Error, FieldError, Result};
use crate::model::attempt::{AttemptResult, AttemptSummary};
use crate::model::event::{envelope, new_event_id};
use crate::model::time::now_ms;
use crate::model::{AttemptId, DeliveryId, DeliveryKind, DeliveryState, LogRowId};
use crate::model::{WebhookInput, suggest_code};
use crate::store::attempts::NewAttempt;
use crate::store::deliveries::{DeliveryRow, NewDelivery};
use crate::store::events::EventRow;
use crate::store::webhooks::WebhookRow;
use crate::{Engine, Notice, store};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use ts_rs::TS;

/// How much of the response the inline result shows.
const EXCERPT: usize = 2048;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TestRequest {
    /// The saved webhook the form edits, if any: its stored header values and secret fill
    /// in what the form leaves masked, and the test is logged under it.
    #[ts(optional)]
    pub webhook_id: Option<crate::model::WebhookId>,
    pub input: WebhookInput,
    /// The trigger type whose sample is sent.
    pub event_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct TestResult {
    pub result: AttemptResult,
    pub status_code: Option<u16>,
    #[ts(type = "number")]
    pub duration_ms: u64,
    pub error_kind: Option<crate::model::attempt::AttemptErrorKind>,
    pub error: Option<String>,
    /// The first 2 KiB of the response body.
    pub response_excerpt: String,
    pub response_truncated: bool,
    pub event_id: String,
    /// The log row, when the webhook is saved.
    pub attempt_id: Option<crate::model::AttemptId>,
}

/// Puts the first listed filter value where a sample of that entity carries it.
fn apply_filters(sample: &mut serde_json::Value, event_type: &str, workflow: Option<&str>, survey: Option<&str>, group: Option<&str>) {
    let entity = event_type.split('.').next().unwrap_or_default();
    let Some(obj) = sample.get_mut(entity).and_then(|v| v.as_object_mut()) else { return };
    for (key, value) in [("workflow", workflow), ("survey", survey), ("group", group)] {
        if let Some(v) = value
            && obj.contains_key(key)
        {
            obj.insert(key.to_string(), serde_json::Value::String(v.to_string()));
        }
    }
}

/// A Test as it goes out, whichever store the webhook is in: the form checked, the sample
/// event built and its body.
pub(crate) struct PreparedTest {
    /// The form's headers: a value as typed, or `None` where the stored one is used.
    headers: Vec<(String, Option<String>)>,
    url: String,
    timeout_ms: u32,
    secret: Option<String>,
    /// The sample event, logged with the attempt for a saved webhook.
    pub event: EventRow,
    pub body: String,
}

/// Checks what Test needs of the form (`saved`: the webhook it edits) and builds the sample.
pub(crate) fn prepare_test(req: TestRequest, saved: Option<&WebhookRow>, catalog: &Catalog, now: i64) -> Result<PreparedTest> {
    let mut input = req.input;
    input.normalize();
    let sample_type = catalog
        .get(&req.event_type)
        .ok_or_else(|| Error::invalid("event_type", format!("{} is not in the event catalog.", req.event_type)))?;
    let known: Vec<String> = saved.map(|w| w.header_names.clone()).unwrap_or_default();
    let errors: Vec<FieldError> = input
        .validate(catalog, &known)
        .errors
        .into_iter()
        .filter(|e| e.field == "url" || e.field.starts_with("headers") || e.field == "secret" || e.field == "delivery.timeout_ms")
        .collect();
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let first = |list: &[String]| list.first().cloned();
    let is = |prefix: &str| req.event_type.starts_with(prefix);
    let workflow = if is("task.") { first(&input.filters.workflow) } else { None };
    let survey = if is("survey.") { first(&input.filters.survey) } else { None };
    let group = if is("survey.") { first(&input.filters.group) } else { None };
    let mut sample = sample_type.sample.clone();
    apply_filters(&mut sample, &req.event_type, workflow.as_deref(), survey.as_deref(), group.as_deref());
    let data = serde_json::to_string(&sample)?;
    let event_id = new_event_id();
    let code = saved.map(|w| w.code.clone()).or(input.code.clone()).unwrap_or_else(|| suggest_code(&input.name));
    let hook_id = saved.map(|w| w.id.to_string()).unwrap_or_default();
    let body = envelope(
        &event_id,
        &req.event_type,
        now,
        true,
        Some((&hook_id, &code)),
        workflow.as_deref(),
        survey.as_deref(),
        group.as_deref(),
        &data,
    );
    let summary = crate::model::payload_summary::payload_summary(&data);
    Ok(PreparedTest {
        headers: input.headers.iter().map(|h| (h.name.clone(), h.new_value().map(String::from))).collect(),
        url: input.url,
        timeout_ms: input.delivery.timeout_ms,
        secret: input.secret,
        event: EventRow {
            seq: 0,
            id: event_id,
            event_type: req.event_type,
            occurred_at: now,
            data,
            workflow,
            survey,
            group,
            fingerprint: String::new(),
            accepted_at: now,
            summary,
        },
        body,
    })
}

impl PreparedTest {
    /// Where it goes: the form's values, with the stored ones (from `s`) for what it leaves masked.
    pub(crate) fn target(&self, s: &impl target::SecretSource, saved: Option<&WebhookRow>) -> Result<dispatch::Target> {
        target::test_target(s, saved, &self.url, self.timeout_ms, &self.headers, self.secret.as_deref())
    }

    /// Sends it, and says how it went as the form shows it; for a saved webhook, also the
    /// log rows to record (the summary, and the attempt of a one-attempt test delivery).
    pub(crate) async fn send(
        &self,
        client: &reqwest::Client,
        policy: &crate::net::NetworkPolicy,
        target: &dispatch::Target,
        saved: Option<&WebhookRow>,
    ) -> (TestResult, Option<(AttemptSummary, NewAttempt)>) {
        let sent = dispatch::send(client, policy, target, &self.event.id, &self.body).await;
        let mask = target.secret_mask();
        let decision = if sent.succeeded() { Decision::Succeeded } else { Decision::Failed };
        let response = sent.response.clone();
        let (error_kind, error) = sent.error_in_words(&mask);
        let result = TestResult {
            result: if sent.succeeded() { AttemptResult::Success } else { AttemptResult::Failed },
            status_code: sent.status(),
            duration_ms: sent.duration_ms,
            error_kind,
            error,
            response_excerpt: response
                .as_ref()
                .map(|r| mask.text(&String::from_utf8_lossy(&r.body[..r.body.len().min(EXCERPT)])))
                .unwrap_or_default(),
            response_truncated: response.as_ref().is_some_and(|r| r.truncated || r.body.len() > EXCERPT),
            event_id: self.event.id.clone(),
            attempt_id: None,
        };
        let Some(w) = saved else { return (result, None) };
        let delivery = DeliveryRow {
            id: 0,
            webhook_id: Some(w.id.clone()),
            kind: DeliveryKind::Test,
            url: None,
            header_names: vec![],
            body: self.body.clone(),
            state: DeliveryState::Pending,
            attempts_made: 0,
            max_attempts: 1,
            next_attempt_at: self.event.occurred_at,
            event_id: self.event.id.clone(),
            event_type: self.event.event_type.clone(),
            payload_summary: self.event.summary.clone(),
        };
        let record = AttemptRecord {
            delivery: &delivery,
            webhook_code: Some(w.code.clone()),
            attempt_no: 1,
            sent,
            mask,
            decision,
            consecutive_failures: None,
            exhausted: None,
        };
        let row = outcome::summary(&record, 0);
        let attempt = outcome::new_attempt(&record, &row);
        (result, Some((row, attempt)))
    }
}

impl Engine {
    pub async fn send_test(&self, req: TestRequest) -> Result<TestResult> {
        let saved = match &req.webhook_id {
            Some(id) => Some(self.webhook_row(id).await?),
            None => None,
        };
        let catalog = self.catalog().await?;
        let test = Arc::new(prepare_test(req, saved.as_ref(), &catalog, now_ms())?);
        let (t, stored) = (test.clone(), saved.clone());
        let target = self.blocking(move |e| t.target(&**e.secrets(), stored.as_ref())).await?;
        let (mut result, log) = test.send(&self.client(), self.policy(), &target, saved.as_ref()).await;
        let Some((mut row, mut attempt)) = log else { return Ok(result) };

        // Logged under the saved webhook: the event, a one-attempt test delivery, its attempt.
        let (event, body, now) = (test.event.clone(), test.body.clone(), attempt.executed_at);
        let webhook_id = attempt.webhook_id.clone();
        let state = if attempt.success { DeliveryState::Succeeded } else { DeliveryState::Failed };
        let summary = self
            .db()
            .write(move |conn| {
                let seq = store::events::insert(conn, &event)?;
                let id = store::deliveries::insert(
                    conn,
                    &NewDelivery {
                        event_seq: seq,
                        webhook_id: webhook_id.as_deref(),
                        kind: DeliveryKind::Test,
                        url: None,
                        header_names: None,
                        body: Some(&body),
                        max_attempts: 1,
                        now,
                    },
                )?;
                attempt.delivery_id = id;
                row.delivery_id = DeliveryId(id);
                let attempt_id = AttemptId(store::attempts::record(conn, &attempt, 1, state, now)?);
                row.id = LogRowId::Attempt(attempt_id);
                Ok((attempt_id, row))
            })
            .await?;
        let (attempt_id, summary) = summary;
        result.attempt_id = Some(attempt_id);
        self.notify(Notice::AttemptRecorded { attempt: Box::new(summary) });
        Ok(result)
    }
}
