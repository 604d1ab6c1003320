//! The `webhooks` table.

use crate::error::Result;
use crate::model::time::format_ms;
use crate::model::{DeliverySettings, Filters, HeaderView, MASK, Webhook, WebhookId, WebhookStatus};
use rusqlite::{Connection, OptionalExtension, Row, params};

/// A webhook as stored: header names only (their values are in the keyring).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookRow {
    pub id: WebhookId,
    pub code: String,
    pub name: String,
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub filters: Filters,
    pub header_names: Vec<String>,
    pub delivery: DeliverySettings,
    pub status: WebhookStatus,
    pub status_reason: Option<String>,
    pub consecutive_failures: u32,
    pub previous_secret_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl WebhookRow {
    /// A new active webhook named by its code, for `events`, without headers: what a team
    /// database or a test starts from.
    pub fn new(code: &str, url: &str, events: &[&str], delivery: DeliverySettings, now: i64) -> Self {
        Self {
            id: WebhookId::generate(),
            code: code.into(),
            name: code.into(),
            url: url.into(),
            description: String::new(),
            events: events.iter().map(|e| e.to_string()).collect(),
            filters: Filters::default(),
            header_names: vec![],
            delivery,
            status: WebhookStatus::Active,
            status_reason: None,
            consecutive_failures: 0,
            previous_secret_until: None,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn view(&self) -> Webhook {
        Webhook {
            id: self.id.clone(),
            code: self.code.clone(),
            name: self.name.clone(),
            url: self.url.clone(),
            description: self.description.clone(),
            events: self.events.clone(),
            filters: self.filters.clone(),
            active: self.status == WebhookStatus::Active,
            status: self.status,
            status_reason: self.status_reason.clone(),
            headers: self.header_names.iter().map(|n| HeaderView { name: n.clone(), value: MASK.into() }).collect(),
            delivery: self.delivery.clone(),
            previous_secret_until: self.previous_secret_until.map(format_ms),
            created_at: format_ms(self.created_at),
            updated_at: format_ms(self.updated_at),
            held_by: None,
        }
    }
}

const COLUMNS: &str = "id, code, name, url, description, events, filters, header_names, delivery, status, status_reason, \
                       consecutive_failures, previous_secret_until, created_at, updated_at";

fn json_col<T: serde::de::DeserializeOwned>(row: &Row, i: usize) -> rusqlite::Result<T> {
    let text: String = row.get(i)?;
    serde_json::from_str(&text).map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
}

fn from_row(row: &Row) -> rusqlite::Result<WebhookRow> {
    let status: String = row.get(9)?;
    Ok(WebhookRow {
        id: row.get(0)?,
        code: row.get(1)?,
        name: row.get(2)?,
        url: row.get(3)?,
        description: row.get(4)?,
        events: json_col(row, 5)?,
        filters: json_col(row, 6)?,
        header_names: json_col(row, 7)?,
        delivery: json_col(row, 8)?,
        status: WebhookStatus::parse(&status).unwrap_or(WebhookStatus::Disabled),
        status_reason: row.get(10)?,
        consecutive_failures: row.get(11)?,
        previous_secret_until: row.get(12)?,
        created_at: row.get(13)?,
        updated_at: row.get(14)?,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<WebhookRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM webhooks ORDER BY code"))?;
    let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Finds a webhook by its id or its code; an id wins over a code spelled the same.
pub fn get(conn: &Connection, id_or_code: &str) -> Result<Option<WebhookRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM webhooks WHERE id = ?1 OR code = ?1 ORDER BY id = ?1 DESC LIMIT 1"))?
        .query_row([id_or_code], from_row)
        .optional()?)
}

pub fn code_owner(conn: &Connection, code: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached("SELECT id, name FROM webhooks WHERE code = ?1")?
        .query_row([code], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

pub fn insert(conn: &Connection, w: &WebhookRow) -> Result<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO webhooks ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
    ))?
    .execute(params![
        w.id,
        w.code,
        w.name,
        w.url,
        w.description,
        serde_json::to_string(&w.events)?,
        serde_json::to_string(&w.filters)?,
        serde_json::to_string(&w.header_names)?,
        serde_json::to_string(&w.delivery)?,
        w.status.as_str(),
        w.status_reason,
        w.consecutive_failures,
        w.previous_secret_until,
        w.created_at,
        w.updated_at,
    ])?;
    Ok(())
}

/// Rewrites the settings, every column but `id`, `code` and `created_at` (the code is immutable
/// once saved). The failure count is the delivery workers' to keep: a save only resets it,
/// when it makes an inactive webhook active (judged by the status stored at that moment, in
/// case a worker paused it since it was read), and never writes back a count it read earlier.
pub fn update(conn: &Connection, w: &WebhookRow) -> Result<()> {
    conn.prepare_cached(
        "UPDATE webhooks SET name = ?2, url = ?3, description = ?4, events = ?5, filters = ?6, header_names = ?7, delivery = ?8,
         status = ?9, status_reason = ?10, consecutive_failures = CASE WHEN ?9 = 'active' AND status <> 'active' THEN 0 ELSE consecutive_failures END,
         previous_secret_until = ?11, updated_at = ?12 WHERE id = ?1",
    )?
    .execute(params![
        w.id,
        w.name,
        w.url,
        w.description,
        serde_json::to_string(&w.events)?,
        serde_json::to_string(&w.filters)?,
        serde_json::to_string(&w.header_names)?,
        serde_json::to_string(&w.delivery)?,
        w.status.as_str(),
        w.status_reason,
        w.previous_secret_until,
        w.updated_at,
    ])?;
    Ok(())
}

pub fn set_status(conn: &Connection, id: &str, status: WebhookStatus, reason: Option<&str>, now: i64) -> Result<bool> {
    let reset_failures = status == WebhookStatus::Active;
    let n = conn
        .prepare_cached(
            "UPDATE webhooks SET status = ?2, status_reason = ?3, updated_at = ?4,
             consecutive_failures = CASE WHEN ?5 THEN 0 ELSE consecutive_failures END WHERE id = ?1",
        )?
        .execute(params![id, status.as_str(), reason, now, reset_failures])?;
    Ok(n > 0)
}

/// The engine pauses or disables an active webhook (after failures, on 410 Gone); one the
/// user switched off meanwhile stays as the user left it.
pub fn switch_off(conn: &Connection, id: &str, status: WebhookStatus, reason: &str, now: i64) -> Result<bool> {
    let n = conn
        .prepare_cached("UPDATE webhooks SET status = ?2, status_reason = ?3, updated_at = ?4 WHERE id = ?1 AND status = 'active'")?
        .execute(params![id, status.as_str(), reason, now])?;
    Ok(n > 0)
}

pub fn set_consecutive_failures(conn: &Connection, id: &str, failures: u32) -> Result<()> {
    conn.prepare_cached("UPDATE webhooks SET consecutive_failures = ?2 WHERE id = ?1")?.execute(params![id, failures])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.prepare_cached("DELETE FROM webhooks WHERE id = ?1")?.execute([id])? > 0)
}

/// After a rotation: the previous secret still signs until `until`.
pub fn set_previous_secret_until(conn: &Connection, id: &str, until: i64, now: i64) -> Result<()> {
    conn.prepare_cached("UPDATE webhooks SET previous_secret_until = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, until, now])?;
    Ok(())
}

/// The webhooks whose previous secret stopped signing before `now`.
pub fn previous_secret_expired(conn: &Connection, now: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM webhooks WHERE previous_secret_until < ?1")?;
    let ids = stmt.query_map([now], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<Vec<String>>>()?)
}

/// Forgets that a webhook has a previous secret, unless a rotation since set a later time.
pub fn forget_previous_secret(conn: &Connection, id: &str, now: i64) -> Result<()> {
    conn.prepare_cached("UPDATE webhooks SET previous_secret_until = NULL WHERE id = ?1 AND previous_secret_until < ?2")?
        .execute(params![id, now])?;
    Ok(())
}
