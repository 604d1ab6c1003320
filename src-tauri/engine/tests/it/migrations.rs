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
    assert_eq!(
        table_names(&conn),
        ["attempts", "deliveries", "event_types", "events", "settings", "stats_hour", "stats_minute", "webhooks"]
    );
}

#[test]
fn an_upgrade_counts_the_attempts_already_logged_in_the_health_rollup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hookdesk.db");
    let now = hookdesk_engine::model::time::now_ms();
    {
        // A file of the release before the rollup: one webhook, three attempts an hour ago,
        // one of them a Test, and one from ten days ago (outside every window).
        let mut conn = Connection::open(&path).unwrap();
        assert_eq!(migrations::apply(&mut conn, Some(3)).unwrap(), 3);
        conn.execute_batch(&format!(
            "INSERT INTO webhooks (id, code, name, url, events, filters, header_names, delivery, status, created_at, updated_at)
             VALUES ('65f1c0a2e4b0a1b2c3d4e5f6', 'orders', 'Orders', 'https://a.example.com/', '[\"task.created\"]',
                     '{{\"workflow\":[],\"survey\":[],\"group\":[]}}', '[]', '{{}}', 'active', 1, 1);
             INSERT INTO events (id, type, occurred_at, data, fingerprint, accepted_at) VALUES ('evt_1', 'task.created', 1, '{{}}', '', 1);
             INSERT INTO deliveries (event_seq, webhook_id, kind, state, attempts_made, max_attempts, next_attempt_at, created_at, ended_at)
                 VALUES (1, '65f1c0a2e4b0a1b2c3d4e5f6', 'event', 'succeeded', 2, 3, 1, 1, 1);
             INSERT INTO attempts (delivery_id, webhook_id, event_type, attempt, max_attempts, result, duration_ms, executed_at, test, request_url, request_headers)
                 VALUES (1, '65f1c0a2e4b0a1b2c3d4e5f6', 'task.created', 1, 3, 'failed', 900, {hour_ago}, 0, 'https://a.example.com/', '{{}}'),
                        (1, '65f1c0a2e4b0a1b2c3d4e5f6', 'task.created', 2, 3, 'success', 30, {hour_ago}, 0, 'https://a.example.com/', '{{}}'),
                        (1, '65f1c0a2e4b0a1b2c3d4e5f6', 'task.created', 1, 1, 'success', 5, {hour_ago}, 1, 'https://a.example.com/', '{{}}'),
                        (1, '65f1c0a2e4b0a1b2c3d4e5f6', 'task.created', 1, 1, 'success', 5, {old}, 0, 'https://a.example.com/', '{{}}');",
            hour_ago = now - 3_600_000,
            old = now - 10 * 86_400_000,
        ))
        .unwrap();
    }
    let engine = Engine::open(EngineOptions::new(dir.path(), "test")).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(engine.webhook_stats("orders", hookdesk_engine::stats::StatsWindow::Week)).unwrap();
    assert_eq!((s.attempts, s.succeeded, s.failed), (2, 1, 1), "the two real attempts of the week");
    assert_eq!((s.p50_ms, s.p95_ms), (Some(30), Some(900)));
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

/// Opens the data directory, expecting a refusal that names the database file, and checks
/// that the file is byte for byte as it was and that SQLite made nothing beside it.
fn refused_untouched(dir: &std::path::Path) -> String {
    let path = dir.join("hookdesk.db");
    let before = std::fs::read(&path).unwrap();
    let err = Engine::open(EngineOptions::new(dir, "test")).err().expect("refused");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "the message names the file: {message}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file is untouched");
    for suffix in ["-wal", "-journal"] {
        assert!(!dir.join(format!("hookdesk.db{suffix}")).exists(), "no hookdesk.db{suffix} was made");
    }
    message
}

#[test]
fn a_file_from_a_newer_hookdesk_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    {
        // A rollback-journal file, as SQLite makes by default: switching it to WAL before
        // refusing it would change its header.
        let mut conn = Connection::open(dir.path().join("hookdesk.db")).unwrap();
        migrations::apply(&mut conn, None).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let message = refused_untouched(dir.path());
    assert!(message.contains("newer Hookdesk") && message.contains("schema 999"), "{message}");
}

#[test]
fn an_sqlite_file_of_another_program_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = Connection::open(dir.path().join("hookdesk.db")).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');").unwrap();
    }
    let message = refused_untouched(dir.path());
    assert!(message.contains("did not create") && message.contains("Move"), "{message}");
    let conn = Connection::open(dir.path().join("hookdesk.db")).unwrap();
    assert_eq!(table_names(&conn), ["notes"], "no table of ours was added");
}

#[test]
fn an_empty_or_foreign_file_is_refused_not_recreated() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hookdesk.db"), b"").unwrap();
    let message = refused_untouched(dir.path());
    assert!(message.contains("empty (0 bytes)") && message.contains("Move"), "{message}");
    std::fs::write(dir.path().join("hookdesk.db"), b"name,url\norders,https://example.com\n").unwrap();
    let message = refused_untouched(dir.path());
    assert!(message.contains("not an SQLite database"), "{message}");
}

#[test]
fn a_damaged_database_is_named_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    drop(Engine::open(EngineOptions::new(dir.path(), "test")).unwrap());
    let path = dir.path().join("hookdesk.db");
    // Keep the header (it is ours) and wreck the schema page after it.
    let mut bytes = std::fs::read(&path).unwrap();
    for b in &mut bytes[100..4096] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Engine::open(EngineOptions::new(dir.path(), "test")).err().expect("refused");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()) && message.contains("damaged"), "{message}");
    assert!(message.contains("restore it from a backup") && message.contains(".recover"), "{message}");
}

#[test]
fn a_database_made_by_a_crash_during_creation_is_started_afresh() {
    let dir = tempfile::tempdir().unwrap();
    // What a crash between creating and naming a new database leaves: a staging file.
    std::fs::write(dir.path().join("hookdesk.db.new"), b"half").unwrap();
    drop(Engine::open(EngineOptions::new(dir.path(), "test")).unwrap());
    assert!(!dir.path().join("hookdesk.db.new").exists());
    let conn = Connection::open(dir.path().join("hookdesk.db")).unwrap();
    assert_eq!(migrations::current_version(&conn).unwrap(), MIGRATIONS.len() as u32);
}
