//! Custom event types: name, description and a sample payload for **Test**.

use crate::catalog::{CustomEventTypeInput, EventType};
use crate::error::{Error, FieldError, Result};
use crate::model::event::is_valid_event_type;
use crate::model::time::now_ms;
use crate::{Engine, Notice};

impl Engine {
    /// Adds a custom event type, or replaces the description and sample of one.
    pub async fn save_event_type(&self, input: CustomEventTypeInput) -> Result<EventType> {
        let name = input.name.trim().to_string();
        let mut errors = Vec::new();
        if !is_valid_event_type(&name) {
            errors.push(FieldError::new("name", format!("'{name}' is not an event type name: use entity.action, e.g. invoice.paid.")));
        } else if crate::catalog::builtin_types().iter().any(|t| t.name == name) {
            errors.push(FieldError::new("name", format!("{name} is a built-in type; pick another name.")));
        }
        if input.description.chars().count() > 1000 {
            errors.push(FieldError::new("description", "Description must be at most 1000 characters."));
        }
        if !input.sample.is_object() {
            errors.push(FieldError::new("sample", "The sample payload must be a JSON object, e.g. {\"invoice\": {\"id\": 1}}."));
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let sample = serde_json::to_string(&input.sample)?;
        let description = input.description.trim().to_string();
        let n = name.clone();
        self.db().write(move |conn| crate::store::event_types::upsert(conn, &n, &description, &sample, now_ms())).await?;
        self.notify(Notice::CatalogChanged);
        self.catalog().await?.get(&name).cloned().ok_or_else(|| Error::Database("The saved event type could not be read back.".into()))
    }

    /// Removes a custom event type; refused while a webhook is subscribed to it.
    pub async fn delete_event_type(&self, name: &str) -> Result<()> {
        let users: Vec<String> =
            self.list_webhooks().await?.into_iter().filter(|w| w.events.iter().any(|e| e == name)).map(|w| w.code).collect();
        if !users.is_empty() {
            return Err(Error::Conflict(format!("{name} is a trigger of {}; remove it from those webhooks first.", users.join(", "))));
        }
        let n = name.to_string();
        if !self.db().write(move |conn| crate::store::event_types::delete(conn, &n)).await? {
            return Err(Error::NotFound(format!("There is no custom event type {name}.")));
        }
        self.notify(Notice::CatalogChanged);
        Ok(())
    }
}
