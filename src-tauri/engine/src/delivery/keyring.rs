//! Deliveries and the keyring: their secrets are read a few at a time (a restart with
//! thousands of webhooks must not start a thread per delivery), and while the keyring cannot
//! be reached at all, one shared pause holds every delivery that needs it, so that only a
//! few reads a second go to a keyring that is not there, and all go ahead the moment one
//! read works again.

use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::{Notify, Semaphore, SemaphorePermit};

/// At most this many keyring reads at once.
const READS_AT_ONCE: usize = 4;
/// The first and the longest pause after the keyring was found unreachable.
const FIRST_PAUSE: Duration = Duration::from_millis(250);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

struct Outage {
    until: Instant,
    pause: Duration,
    /// What the last read said.
    cause: String,
}

pub(crate) struct KeyringGate {
    reads: Semaphore,
    outage: Mutex<Option<Outage>>,
    /// Woken when the keyring works again, or something a waiting delivery may need changed
    /// (a webhook was saved with new secrets).
    pub(crate) changed: Notify,
}

impl Default for KeyringGate {
    fn default() -> Self {
        Self { reads: Semaphore::new(READS_AT_ONCE), outage: Mutex::new(None), changed: Notify::new() }
    }
}

impl KeyringGate {
    pub async fn permit(&self) -> SemaphorePermit<'_> {
        self.reads.acquire().await.expect("the keyring semaphore is never closed")
    }

    /// Until when reads should not be tried, and why, if the keyring was unreachable lately.
    pub fn paused(&self) -> Option<(Instant, String)> {
        let outage = self.outage.lock().expect("keyring outage");
        outage.as_ref().filter(|o| o.until > Instant::now()).map(|o| (o.until, o.cause.clone()))
    }

    /// A read found the keyring unreachable: pause every read, a little longer each time.
    pub fn unreachable(&self, cause: &str) {
        let mut outage = self.outage.lock().expect("keyring outage");
        let pause = outage.as_ref().map(|o| (o.pause * 2).min(LONGEST_PAUSE)).unwrap_or(FIRST_PAUSE);
        *outage = Some(Outage { until: Instant::now() + pause, pause, cause: cause.to_string() });
    }

    /// A read worked: if the keyring had been unreachable, everyone waiting goes ahead now.
    pub fn reachable(&self) {
        if self.outage.lock().expect("keyring outage").take().is_some() {
            self.changed.notify_waiters();
        }
    }
}
