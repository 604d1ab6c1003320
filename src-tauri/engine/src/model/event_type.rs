//! An event type as the catalog lists it, and a custom one as the user writes it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct EventType {
    /// `entity.action`, e.g. `task.created`.
    pub name: String,
    /// The group it is listed under: User, Task, Survey, Element, or Custom.
    pub entity: String,
    /// A human label: "Task created".
    pub label: String,
    pub description: String,
    /// A realistic `data` object sent by **Test**.
    #[schema(value_type = Object)]
    #[ts(type = "Record<string, unknown>")]
    pub sample: Value,
    /// The sample as written: a custom type keeps the user's text and key order; a built-in
    /// one is its sample pretty-printed.
    pub sample_text: String,
    pub builtin: bool,
}

/// A custom type as the user writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct CustomEventTypeInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// A JSON object, or the text of one (kept as written, key order included).
    #[schema(value_type = Object)]
    #[ts(type = "Record<string, unknown> | string")]
    pub sample: Value,
}
