//! A huge or endless response is read only up to the 64 KiB kept in the log: the engine's
//! memory does not grow with it. A test binary of its own, so that nothing else runs in the
//! process whose peak memory it reads (the system allocator, as in the other tests).

#[path = "it/utils/mod.rs"]
#[allow(dead_code)]
mod utils;

use hookdesk_engine::model::attempt::AttemptResult;
use hookdesk_engine::model::log_filter::{LogFilter, LogScope};
use serde_json::json;
use std::time::Duration;
use utils::receiver::{Reply, TestReceiver};
use utils::{event, eventually, hook, started_engine};

/// This process's resident memory (`VmRSS:`) or its peak since the last reset (`VmHWM:`), in KiB.
fn memory_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap_or_else(|| panic!("no {field} in /proc/self/status"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_and_endless_responses_leave_memory_flat() {
    let t = started_engine().await;
    let rx = TestReceiver::start().await;
    let w = t.create_webhook(hook("Big", &rx.url, 1)).await.unwrap();
    let mut n = 0;
    let mut deliver = async |reply: Reply| {
        rx.set_default(reply);
        t.accept_event(event("task.created", json!({}))).await.unwrap();
        n += 1;
        eventually(Duration::from_secs(10), "the attempt", || async {
            (t.count_logs(LogScope::Webhook(w.id.clone()), LogFilter::default()).await.unwrap() == n).then_some(())
        })
        .await;
        let a = t.logs(LogScope::Webhook(w.id.clone()), LogFilter::default(), 1, 0).await.unwrap().remove(0);
        assert_eq!(a.result, AttemptResult::Success, "read up to the cap, not to the timeout: {:?}", a.error);
        t.attempt(a.id.attempt().unwrap()).await.unwrap().attempt.response.expect("a response")
    };
    // The baseline: responses of exactly the size kept, which warm up everything on the way.
    for _ in 0..3 {
        let kept = deliver(Reply::Body(64 * 1024)).await;
        assert_eq!((kept.body.len(), kept.truncated), (64 * 1024, false));
    }
    let before = memory_kib("VmRSS:");
    // Resets the peak (VmHWM) to the current resident size.
    std::fs::write("/proc/self/clear_refs", "5").unwrap();

    for reply in [Reply::Body(100 * 1024 * 1024), Reply::Endless, Reply::Body(100 * 1024 * 1024), Reply::Endless] {
        let what = format!("{reply:?}");
        let response = deliver(reply).await;
        assert_eq!((response.body.len(), response.truncated), (64 * 1024, true), "{what}: kept up to the cap, marked truncated");
    }
    let peak = memory_kib("VmHWM:");
    let pushed = rx.streamed_bytes();
    assert!(pushed < 64 * 1024 * 1024, "the receiver pushed {pushed} bytes into the sockets: the rest was never read");
    let growth_mib = peak.saturating_sub(before) as f64 / 1024.0;
    assert!(growth_mib < 4.0, "Two 100 MiB and two endless responses raised the peak memory by {growth_mib:.1} MiB");
}
