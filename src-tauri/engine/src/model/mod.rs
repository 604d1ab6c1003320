//! The data the engine works with, and the rules it keeps.

pub mod attempt;
pub mod code;
pub mod delivery;
pub mod delivery_settings;
pub mod event;
pub mod event_type;
pub mod ids;
pub mod log_filter;
pub mod object_id;
pub mod operational;
pub mod patterns;
pub mod payload_summary;
pub mod time;
pub mod webhook;

pub use code::{is_valid_code, suggest_code, unique_code};
pub use delivery::{DeliveryKind, DeliveryState};
pub use delivery_settings::{DeliverySettings, Ordering, RetryPolicy};
pub use ids::{AttemptId, DeliveryId, LogRowId, WebhookId};
pub use object_id::new_object_id;
pub use webhook::*;
