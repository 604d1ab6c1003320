//! Custom event types: name, description and a sample payload for **Test**.

use crate::catalog::{CustomEventTypeInput, EventType};
use crate::error::{Error, FieldError, Result};
use crate::model::DESCRIPTION_MAX_CHARS;
use crate::model::event::is_valid_event_type;
use crate::model::time::now_ms;
use crate::{Engine, Notice};

/// The sample as it is stored: text as the user wrote it (checked to be a JSON object), or an
/// object given as JSON. Err: the sentence for the field, with the line and column.
fn sample_text(sample: &serde_json::Value) -> std::result::Result<String, String> {
    const OBJECT: &str = "The sample payload must be a JSON object, e.g. {\"invoice\": {\"id\": 1}}.";
    match sample {
        serde_json::Value::String(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) if v.is_object() => Ok(text.clone()),
            Ok(_) => Err(OBJECT.into()),
            Err(e) => {
                let what = e.to_string();
                // serde_json ends its message with " at line L column C": said first instead.
                let what = what.split(" at line ").next().unwrap_or(&what);
                Err(format!("This is not valid JSON. Line {}, column {}: {what}.", e.line(), e.column()))
            }
        },
        serde_json::Value::Object(_) => serde_json::to_string(sample).map_err(|e| e.to_string()),
        _ => Err(OBJECT.into()),
    }
}

impl Engine {
    /// Adds a custom event type, or replaces the description and sample of one.
    pub async fn save_event_type(&self, input: CustomEventTypeInput) -> Result<EventType> {
        let (name, description, sample) = checked_event_type(&input)?;
        let n = name.clone();
        self.db().write(move |conn| crate::store::event_types::upsert(conn, &n, &description, &sample, now_ms())).await?;
        let catalog = self.catalog().await?;
        let saved = catalog.get(&name).cloned().ok_or_else(|| Error::Database("The saved event type could not be read back.".into()))?;
        self.notify(Notice::CatalogChanged { event_types: catalog.types });
        Ok(saved)
    }

    /// Removes a custom event type; refused while a webhook is subscribed to it.
    pub async fn delete_event_type(&self, name: &str) -> Result<()> {
        let webhooks = self.list_webhooks().await?;
        may_remove(name, webhooks.iter().map(|w| (w.code.as_str(), w.events.as_slice())))?;
        let n = name.to_string();
        if !self.db().write(move |conn| crate::store::event_types::delete(conn, &n)).await? {
            return Err(no_such_type(name));
        }
        // The catalog as it is now: a window that missed it would show a removed type.
        match self.catalog().await {
            Ok(catalog) => self.notify(Notice::CatalogChanged { event_types: catalog.types }),
            Err(e) => {
                tracing::warn!("the event catalog could not be re-read after a removal: {e}");
                self.notify(Notice::Missed);
            }
        }
        Ok(())
    }
}

/// Whether the custom type `name` may be removed: not while a webhook (its code and
/// triggers) is subscribed to it (either store's).
pub(crate) fn may_remove<'a>(name: &str, webhooks: impl Iterator<Item = (&'a str, &'a [String])>) -> Result<()> {
    let users: Vec<&str> = webhooks.filter(|(_, events)| events.iter().any(|e| e == name)).map(|(code, _)| code).collect();
    if !users.is_empty() {
        return Err(Error::Conflict(format!("{name} is a trigger of {}; remove it from those webhooks first.", users.join(", "))));
    }
    Ok(())
}

pub(crate) fn no_such_type(name: &str) -> Error {
    Error::NotFound(format!("There is no custom event type {name}."))
}

/// A custom type as stored, checked: its name, description and sample text (for either store).
pub(crate) fn checked_event_type(input: &CustomEventTypeInput) -> Result<(String, String, String)> {
    let name = input.name.trim().to_string();
    let mut errors = Vec::new();
    if !is_valid_event_type(&name) {
        errors.push(FieldError::new("name", format!("'{name}' is not an event type name: use entity.action, e.g. invoice.paid.")));
    } else if crate::catalog::builtin_types().iter().any(|t| t.name == name) {
        errors.push(FieldError::new("name", format!("{name} is a built-in type; pick another name.")));
    } else if crate::model::operational::is_operational(&name) {
        errors.push(FieldError::new("name", "hookdesk.* names are kept for Hookdesk's own events; pick another name."));
    }
    if input.description.chars().count() > DESCRIPTION_MAX_CHARS {
        errors.push(FieldError::new("description", format!("Description must be at most {DESCRIPTION_MAX_CHARS} characters.")));
    } else if let Some(c) =
        input.description.trim().chars().find(|c| *c != '\n' && *c != '\t' && crate::model::webhook::is_hidden_control(*c))
    {
        // The rule of a webhook's description (the document states it as the same pattern).
        errors.push(FieldError::new(
            "description",
            format!("Description must not contain the invisible control character U+{:04X}.", c as u32),
        ));
    }
    let sample = match sample_text(&input.sample) {
        Ok(text) => text,
        Err(message) => {
            errors.push(FieldError::new("sample", message));
            String::new()
        }
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    Ok((name, input.description.trim().to_string(), sample))
}
