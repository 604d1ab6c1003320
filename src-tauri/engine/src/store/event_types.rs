//! The `event_types` table: custom event types and their sample payloads.

use crate::error::Result;
use crate::model::event_type::EventType;
use rusqlite::{Connection, params};

pub fn list(conn: &Connection) -> Result<Vec<EventType>> {
    let mut stmt = conn.prepare_cached("SELECT name, description, sample FROM event_types ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (name, description, sample) = row?;
        out.push(custom(name, description, sample)?);
    }
    Ok(out)
}

/// A custom type as stored (in SQLite or a team database): its sample kept as written.
pub(crate) fn custom(name: String, description: String, sample: String) -> Result<EventType> {
    Ok(EventType {
        label: name.clone(),
        name,
        entity: "Custom".into(),
        description,
        sample: serde_json::from_str(&sample)?,
        sample_text: sample,
        builtin: false,
    })
}

pub fn upsert(conn: &Connection, name: &str, description: &str, sample: &str, now: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO event_types (name, description, sample, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET description = excluded.description, sample = excluded.sample",
    )?
    .execute(params![name, description, sample, now])?;
    Ok(())
}

pub fn delete(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn.prepare_cached("DELETE FROM event_types WHERE name = ?1")?.execute([name])? > 0)
}
