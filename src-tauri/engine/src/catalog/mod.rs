//! The event type catalog: built-in types with realistic samples for **Test**, plus the
//! custom types a user adds (saved and removed in [`custom`]).

pub mod custom;

use crate::model::EventTypeLookup;
pub use crate::model::event_type::{CustomEventTypeInput, EventType};
use serde_json::{Value, json};

const USER_ID: &str = "65f1c0a2e4b0a1b2c3d4e5f6";
const ACTOR: &str = "65f1bf10e4b0a1b2c3d4e001";

fn user_sample(action: &str) -> Value {
    let mut user = json!({
        "id": USER_ID,
        "email": "ana.perez@example.com",
        "name": { "first": "Ana", "last": "Pérez" },
        "job_title": "Procurement analyst",
        "phone": "+56 9 8765 4321",
        "is_active": true,
        "created_at": "2026-11-02T14:05:11.000Z",
        "updated_at": "2026-11-24T09:30:00.000Z"
    });
    match action {
        "updated" => {
            user["job_title"] = json!("Procurement lead");
            json!({ "user": user, "changed": ["job_title"], "actor": ACTOR })
        }
        "deleted" => json!({ "user": { "id": USER_ID, "email": "ana.perez@example.com" }, "actor": ACTOR }),
        "logout" => {
            json!({ "user": { "id": USER_ID, "email": "ana.perez@example.com" }, "session": { "id": "sess_8f2c1e", "started_at": "2026-11-24T08:12:40.000Z", "ended_at": "2026-11-24T10:02:17.000Z", "device": "web" } })
        }
        _ => json!({ "user": user, "actor": ACTOR }),
    }
}

fn task_sample(action: &str) -> Value {
    let mut task = json!({
        "id": "65f1c3d9e4b0a1b2c3d4e777",
        "serial": 1042,
        "name": "Purchase order #1042 — 40 safety helmets",
        "workflow": "purchase_orders",
        "state": "pending_approval",
        "priority": "normal",
        "assignee": { "id": USER_ID, "name": "Ana Pérez", "email": "ana.perez@example.com" },
        "fields": { "supplier": "Andes Industrial Supply", "amount": 1860.5, "currency": "USD" },
        "due_date": "2026-12-01T17:00:00.000Z",
        "created_at": "2026-11-24T09:41:03.000Z",
        "updated_at": "2026-11-24T09:41:03.000Z"
    });
    match action {
        "updated" => {
            task["state"] = json!("approved");
            task["updated_at"] = json!("2026-11-24T11:15:48.000Z");
            json!({ "task": task, "changed": ["state"], "previous": { "state": "pending_approval" }, "actor": ACTOR })
        }
        "deleted" => json!({ "task": { "id": "65f1c3d9e4b0a1b2c3d4e777", "serial": 1042, "workflow": "purchase_orders" }, "actor": ACTOR }),
        _ => json!({ "task": task, "actor": ACTOR }),
    }
}

fn survey_sample(action: &str) -> Value {
    let survey = json!({
        "id": "65f1c5aae4b0a1b2c3d4e888",
        "survey": "site_inspection",
        "group": "north_region",
        "title": "Site inspection — Warehouse 3",
        "answers": [
            { "question": "fire_extinguishers_ok", "type": "boolean", "value": true },
            { "question": "issues_found", "type": "text", "value": "Emergency exit sign flickering" },
            { "question": "score", "type": "number", "value": 8 }
        ],
        "submitted_by": { "id": USER_ID, "name": "Ana Pérez" },
        "submitted_at": "2026-11-24T10:20:00.000Z"
    });
    match action {
        "deleted" => {
            json!({ "survey": { "id": "65f1c5aae4b0a1b2c3d4e888", "survey": "site_inspection", "group": "north_region" }, "actor": ACTOR })
        }
        "updated" => json!({ "survey": survey, "changed": ["answers"], "actor": ACTOR }),
        _ => json!({ "survey": survey, "actor": ACTOR }),
    }
}

fn element_sample(action: &str) -> Value {
    let element = json!({
        "id": "65f1c7b2e4b0a1b2c3d4e999",
        "collection": "suppliers",
        "code": "andes_industrial",
        "name": "Andes Industrial Supply",
        "properties": { "tax_id": "76.123.456-7", "country": "CL", "rating": 4.6 },
        "created_at": "2026-10-01T12:00:00.000Z",
        "updated_at": "2026-11-24T08:00:00.000Z"
    });
    match action {
        "deleted" => {
            json!({ "element": { "id": "65f1c7b2e4b0a1b2c3d4e999", "collection": "suppliers", "code": "andes_industrial" }, "actor": ACTOR })
        }
        "updated" => json!({ "element": element, "changed": ["properties.rating"], "actor": ACTOR }),
        _ => json!({ "element": element, "actor": ACTOR }),
    }
}

/// A realistic `data` of one of Hookdesk's own events, built from the structs the engine sends.
fn operational_sample(event_type: &str) -> Value {
    use crate::model::attempt::AttemptResult;
    use crate::model::operational::{self as op, By, ExhaustedDelivery, LastAttempt, OperationalData, WebhookRef};
    let failed = LastAttempt {
        event_id: "evt_01KB3Q7Z4M8X2N6P0R5T9V1W3Y".into(),
        event_type: "task.created".into(),
        attempt: 5,
        attempts: 5,
        result: AttemptResult::Failed,
        status_code: Some(503),
        error: Some("503 Service Unavailable".into()),
        duration_ms: 212,
        executed_at: "2026-11-24T10:42:07.118Z".into(),
    };
    let (by, reason, delivery, last) = match event_type {
        op::PAUSED => (By::Engine, "Paused after 5 consecutive failed deliveries (the last: 503 Service Unavailable).", None, Some(failed)),
        op::DISABLED => (
            By::Endpoint,
            "The endpoint answered 410 Gone on 2026-11-24 10:42:07; Hookdesk deactivated this webhook.",
            None,
            Some(LastAttempt { status_code: Some(410), error: Some("410 Gone".into()), attempt: 1, ..failed }),
        ),
        op::ACTIVATED => (By::User, "Activated by the user.", None, Some(failed)),
        _ => (
            By::Engine,
            "The delivery used up its 5 attempts (the last: 503 Service Unavailable).",
            Some(ExhaustedDelivery { id: 1042, event_id: failed.event_id.clone(), event_type: failed.event_type.clone(), attempts: 5 }),
            Some(failed),
        ),
    };
    let data = OperationalData {
        webhook: WebhookRef { id: "65f1d0aae4b0a1b2c3d4eaaa".into(), code: "erp_orders".into(), name: "ERP orders".into() },
        by,
        reason: reason.into(),
        delivery,
        last_attempt: last,
    };
    serde_json::to_value(data).unwrap_or_default()
}

fn operational_types() -> impl Iterator<Item = EventType> {
    use crate::model::operational as op;
    op::TYPES.into_iter().map(|name| {
        let (label, description) = match name {
            op::PAUSED => ("Webhook paused", "Hookdesk paused a webhook after consecutive failed deliveries; its queue is held."),
            op::DISABLED => ("Webhook disabled", "A webhook was deactivated: by the user, or because its endpoint answered 410 Gone."),
            op::ACTIVATED => ("Webhook activated", "A paused or deactivated webhook was activated again; its held deliveries resume."),
            _ => ("Delivery exhausted", "A delivery used up its attempts without success."),
        };
        let sample = operational_sample(name);
        EventType {
            name: name.to_string(),
            entity: "Hookdesk".into(),
            label: label.into(),
            description: format!("{description} Emitted by Hookdesk; never sent to the webhook it is about."),
            sample_text: serde_json::to_string_pretty(&sample).unwrap_or_default(),
            sample,
            builtin: true,
        }
    })
}

/// An entity's type prefix, its group name, its actions, and its sample builder.
type EntitySpec = (&'static str, &'static str, &'static [&'static str], fn(&str) -> Value);

/// The built-in types, in catalog order.
pub fn builtin_types() -> Vec<EventType> {
    let mut out = Vec::new();
    let entities: [EntitySpec; 4] = [
        ("user", "User", &["created", "updated", "deleted", "logout"], user_sample),
        ("task", "Task", &["created", "updated", "deleted"], task_sample),
        ("survey", "Survey", &["created", "updated", "deleted"], survey_sample),
        ("element", "Element", &["created", "updated", "deleted"], element_sample),
    ];
    for (prefix, entity, actions, sample) in entities {
        for action in actions {
            let (label, description) = match *action {
                "logout" => (format!("{entity} logout"), format!("A {prefix} signed out.")),
                _ => {
                    let past = match *action {
                        "created" => "created",
                        "updated" => "updated",
                        _ => "deleted",
                    };
                    let filter = match prefix {
                        "task" => " Filterable by workflow.",
                        "survey" => " Filterable by survey and group.",
                        _ => "",
                    };
                    (format!("{entity} {past}"), format!("A {prefix} was {past}.{filter}"))
                }
            };
            out.push(EventType {
                name: format!("{prefix}.{action}"),
                entity: entity.to_string(),
                label,
                description,
                sample_text: serde_json::to_string_pretty(&sample(action)).unwrap_or_default(),
                sample: sample(action),
                builtin: true,
            });
        }
    }
    out.extend(operational_types());
    out
}

/// Built-in and custom types together.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub types: Vec<EventType>,
}

impl Catalog {
    pub fn new(custom: Vec<EventType>) -> Self {
        let mut types = builtin_types();
        types.extend(custom);
        Self { types }
    }

    pub fn get(&self, name: &str) -> Option<&EventType> {
        self.types.iter().find(|t| t.name == name)
    }
}

impl EventTypeLookup for Catalog {
    fn is_known(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_has_the_seventeen_types_with_object_samples() {
        let types = builtin_types();
        let names: Vec<_> = types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "user.created",
                "user.updated",
                "user.deleted",
                "user.logout",
                "task.created",
                "task.updated",
                "task.deleted",
                "survey.created",
                "survey.updated",
                "survey.deleted",
                "element.created",
                "element.updated",
                "element.deleted",
                "hookdesk.webhook.paused",
                "hookdesk.webhook.disabled",
                "hookdesk.webhook.activated",
                "hookdesk.delivery.exhausted"
            ]
        );
        assert!(types.iter().all(|t| t.sample.is_object() && crate::model::event::is_valid_event_type(&t.name)));
        assert_eq!(types[4].label, "Task created");
        let paused = &types[13].sample;
        assert_eq!(paused["webhook"]["code"], "erp_orders");
        assert_eq!(paused["last_attempt"]["status_code"], 503);
        assert!(types[16].sample["delivery"]["attempts"] == 5 && paused.get("delivery").is_none());
    }
}
