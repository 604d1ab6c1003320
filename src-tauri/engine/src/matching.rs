//! Which webhooks an event goes to: an in-memory snapshot of the webhooks, rebuilt after
//! every configuration change, so accepting an event reads no configuration from disk.

use crate::error::Result;
use crate::model::WebhookStatus;
use crate::store;
use crate::store::webhooks::WebhookRow;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Default)]
pub(crate) struct Routes {
    pub by_id: HashMap<crate::model::WebhookId, Arc<WebhookRow>>,
}

/// The routing-relevant parts of an event.
pub(crate) struct EventKey<'a> {
    pub event_type: &'a str,
    pub workflow: Option<&'a str>,
    pub survey: Option<&'a str>,
    pub group: Option<&'a str>,
}

fn admits(list: &[String], value: Option<&str>) -> bool {
    list.is_empty() || value.is_some_and(|v| list.iter().any(|x| x == v))
}

/// Whether a webhook wants an event: subscribed to its type, not switched off by the user
/// (a paused webhook keeps queueing), and its filters match.
pub(crate) fn wants(w: &WebhookRow, e: &EventKey) -> bool {
    if w.status == WebhookStatus::Disabled || !w.events.iter().any(|t| t == e.event_type) {
        return false;
    }
    if e.event_type.starts_with("task.") && !admits(&w.filters.workflow, e.workflow) {
        return false;
    }
    if e.event_type.starts_with("survey.") && !(admits(&w.filters.survey, e.survey) && admits(&w.filters.group, e.group)) {
        return false;
    }
    true
}

impl Routes {
    pub fn load(db: &store::Db) -> Result<Self> {
        let rows = db.read_blocking(store::webhooks::list)?;
        Ok(Self { by_id: rows.into_iter().map(|r| (r.id.clone(), Arc::new(r))).collect() })
    }

    /// Matching webhooks, in code order (stable delivery ids for the same event).
    pub fn matching(&self, e: &EventKey) -> Vec<Arc<WebhookRow>> {
        let mut out: Vec<_> = self.by_id.values().filter(|w| wants(w, e)).cloned().collect();
        out.sort_by(|a, b| a.code.cmp(&b.code));
        out
    }
}
