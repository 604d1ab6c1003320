//! The schema is created on a fresh file and upgraded in place on an existing one.

use hookdesk_engine::store::migrations::{self, MIGRATIONS};
use hookdesk_engine::{Engine, EngineOptions};
use rusqlite::Connection;

fn table_names(conn: &Connection) -> Vec<String> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn a_fresh_file_gets_every_migration_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(EngineOptions::new(dir.path(), "test")).unwrap();
    drop(engine);
    let conn = Connection::open(dir.path().join("hookdesk.db")).unwrap();
    assert_eq!(migrations::current_version(&conn).unwrap(), MIGRATIONS.len() as u32);
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(table_names(&conn), ["attempts", "deliveries", "event_types", "events", "settings", "webhooks"]);
}

#[test]
fn an_existing_file_is_upgraded_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hookdesk.db");
    {
        // A file as the first release wrote it: only the configuration schema, one webhook.
        let mut conn = Connection::open(&path).unwrap();
        assert_eq!(migrations::apply(&mut conn, Some(1)).unwrap(), 1);
        conn.execute(
            "INSERT INTO webhooks (id, code, name, url, events, filters, header_names, delivery, status, created_at, updated_at)
             VALUES ('65f1c0a2e4b0a1b2c3d4e5f6', 'orders', 'Orders', 'https://a.example.com/', '[\"task.created\"]',
                     '{\"workflow\":[],\"survey\":[],\"group\":[]}', '[]', '{}', 'active', 1, 1)",
            [],
        )
        .unwrap();
        assert!(!table_names(&conn).contains(&"deliveries".to_string()));
    }
    let engine = Engine::open(EngineOptions::new(dir.path(), "test")).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let w = rt.block_on(engine.get_webhook("orders")).unwrap();
    assert_eq!((w.name.as_str(), w.delivery.attempts), ("Orders", 3), "old row readable, missing delivery settings defaulted");
    drop(engine);
    let conn = Connection::open(&path).unwrap();
    assert_eq!(migrations::current_version(&conn).unwrap(), MIGRATIONS.len() as u32);
    assert!(table_names(&conn).contains(&"deliveries".to_string()));
}

#[test]
fn a_file_from_a_newer_hookdesk_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = Connection::open(dir.path().join("hookdesk.db")).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let err = Engine::open(EngineOptions::new(dir.path(), "test")).err().expect("refused");
    assert!(err.to_string().contains("newer Hookdesk"), "{err}");
}
