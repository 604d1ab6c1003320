//! The team-mode store on a real PostgreSQL server (a throwaway one started by
//! `scripts/test-env.sh --postgres`, as `make test` does): each test on a database of its own.

use hookdesk_engine::ErrorKind;
use hookdesk_engine::store::pg::{MIGRATIONS, PgStore};

/// A fresh, empty database on the test server; its URL.
async fn fresh_database() -> String {
    let server = std::env::var("HOOKDESK_TEST_DATABASE_URL")
        .expect("these tests need a PostgreSQL server: run them through `make test` or scripts/test-env.sh --postgres");
    let (client, connection) = tokio_postgres::connect(&server, tokio_postgres::NoTls).await.expect("the test server answers");
    tokio::spawn(connection);
    let name = format!("hookdesk_{}", ulid::Ulid::new().to_string().to_lowercase());
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    let base = server.rsplit_once('/').unwrap().0;
    format!("{base}/{name}")
}

#[tokio::test]
async fn two_workers_starting_together_apply_each_migration_once() {
    let url = fresh_database().await;
    let (a, b) = (PgStore::connect(&url).await.unwrap(), PgStore::connect(&url).await.unwrap());
    assert_eq!(a.version().await.unwrap(), 0);
    let (ran_a, ran_b) = tokio::join!(a.migrate(), b.migrate());
    assert_eq!(ran_a.unwrap() + ran_b.unwrap(), MIGRATIONS.len() as u32, "each version once, by one of them");
    assert_eq!(b.version().await.unwrap(), MIGRATIONS.last().unwrap().0);
    assert_eq!(a.migrate().await.unwrap(), 0, "a later start finds nothing to do");
    let tables = a.tables().await.unwrap();
    for t in [
        "attempts",
        "deliveries",
        "event_types",
        "events",
        "schema_migrations",
        "secrets",
        "settings",
        "stats_hour",
        "stats_minute",
        "webhooks",
    ] {
        assert!(tables.iter().any(|x| x == t), "{t} in {tables:?}");
    }
}

#[tokio::test]
async fn a_server_that_cannot_be_reached_or_a_bad_url_says_so() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let e = PgStore::connect(&format!("postgres://hookdesk@127.0.0.1:{port}/hookdesk")).await.err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert!(e.to_string().contains("cannot be reached"), "{e}");
    let e = PgStore::connect("mysql://nope").await.err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    let missing = fresh_database().await.replace("hookdesk_", "missing_");
    let e = PgStore::connect(&missing).await.err().unwrap();
    assert!(e.to_string().contains("does not exist"), "the server's own words: {e}");
}
