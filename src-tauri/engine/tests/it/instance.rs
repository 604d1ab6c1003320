//! One instance per data directory.

use hookdesk_engine::{Engine, EngineOptions, ErrorKind};

#[test]
fn a_second_instance_is_refused_with_a_message_naming_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let first = Engine::open(EngineOptions::new(dir.path(), "hookdesk serve")).unwrap();
    let err = Engine::open(EngineOptions::new(dir.path(), "the Hookdesk app")).err().expect("second open refused");
    assert_eq!(err.kind(), ErrorKind::AlreadyRunning);
    let message = err.to_string();
    assert!(message.contains("hookdesk serve") && message.contains(&format!("pid {}", std::process::id())), "{message}");
    assert_eq!(hookdesk_engine::instance::running_owner(dir.path()).map(|o| o.program), Some("hookdesk serve".to_string()));
    drop(first);
    assert!(hookdesk_engine::instance::running_owner(dir.path()).is_none());
    Engine::open(EngineOptions::new(dir.path(), "the Hookdesk app")).expect("free again once the first has closed");
}
