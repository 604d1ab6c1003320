//! Configuration operations: webhooks, their secrets, custom event types, import and export.

pub mod event_types;
pub mod transfer;
pub mod webhooks;

pub use transfer::{ConfigExport, ExportedWebhook, ImportReport};
pub use webhooks::FormCheck;
