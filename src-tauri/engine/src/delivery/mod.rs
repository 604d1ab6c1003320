//! The delivery pipeline: the scheduler decides what may start (ordering, concurrency,
//! held queues), [`run`] drives one delivery through its attempts, [`dispatch`] makes one
//! HTTP attempt, [`outcome`] decides what follows and records it, [`retry`] times retries.
//!
//! The queue is the `deliveries` table; the scheduler keeps only ids in memory, in
//! acceptance order, and is rebuilt from the table at start.

pub mod dispatch;
pub mod outcome;
pub mod retry;
mod run;
pub(crate) mod target;

use crate::Engine;
use crate::model::WebhookStatus;
use crate::routes::Routes;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// A queue per webhook; `None` is the queue of direct deliveries.
pub(crate) type QueueKey = Option<String>;

/// Direct deliveries have no webhook settings; they run this many at once.
const DIRECT_CONCURRENCY: usize = 16;

#[derive(Debug)]
struct Queue {
    /// Deliveries waiting to start, by id = acceptance order.
    waiting: BTreeSet<i64>,
    /// Deliveries started and not yet ended (including those waiting for a retry).
    running: usize,
    limit: usize,
    /// The webhook is active; a paused or disabled webhook holds its queue.
    open: bool,
    /// Consecutive failed deliveries, for pausing.
    failures: u32,
}

#[derive(Default)]
pub(crate) struct Scheduler {
    queues: Mutex<HashMap<QueueKey, Queue>>,
    started: AtomicBool,
}

fn queue_for<'a>(queues: &'a mut HashMap<QueueKey, Queue>, key: &QueueKey, routes: &Routes) -> &'a mut Queue {
    queues.entry(key.clone()).or_insert_with(|| match key {
        None => Queue { waiting: BTreeSet::new(), running: 0, limit: DIRECT_CONCURRENCY, open: true, failures: 0 },
        Some(id) => {
            let w = routes.by_id.get(id);
            Queue {
                waiting: BTreeSet::new(),
                running: 0,
                limit: w.map(|w| w.delivery.max_in_flight()).unwrap_or(1),
                open: w.is_some_and(|w| w.status == WebhookStatus::Active),
                failures: w.map(|w| w.consecutive_failures).unwrap_or(0),
            }
        }
    })
}

impl Scheduler {
    /// New deliveries, committed; called in commit order.
    pub fn enqueue(&self, engine: &Engine, items: impl IntoIterator<Item = (QueueKey, i64)>) {
        let routes = engine.routes();
        let mut touched = Vec::new();
        {
            let mut queues = self.queues.lock().expect("queues");
            for (key, id) in items {
                queue_for(&mut queues, &key, &routes).waiting.insert(id);
                if !touched.contains(&key) {
                    touched.push(key);
                }
            }
        }
        for key in touched {
            self.pump(engine, &key);
        }
    }

    /// Rebuilds the queues from the pending rows and starts delivering.
    pub fn start(&self, engine: &Engine, pending: Vec<(QueueKey, i64)>) {
        self.started.store(true, Ordering::SeqCst);
        self.enqueue(engine, pending);
        let keys: Vec<QueueKey> = self.queues.lock().expect("queues").keys().cloned().collect();
        for key in keys {
            self.pump(engine, &key);
        }
    }

    /// Starts as many waiting deliveries as the queue allows.
    pub fn pump(&self, engine: &Engine, key: &QueueKey) {
        if !self.started.load(Ordering::SeqCst) {
            return;
        }
        let mut to_start = Vec::new();
        {
            let mut queues = self.queues.lock().expect("queues");
            let Some(q) = queues.get_mut(key) else { return };
            while q.open && q.running < q.limit {
                let Some(id) = q.waiting.pop_first() else { break };
                q.running += 1;
                to_start.push(id);
            }
        }
        for id in to_start {
            engine.spawn(run::run(engine.clone(), key.clone(), id));
        }
    }

    /// A delivery stopped running; `requeue` puts it back (its webhook was switched off).
    pub fn finished(&self, engine: &Engine, key: &QueueKey, id: i64, requeue: bool) {
        {
            let mut queues = self.queues.lock().expect("queues");
            if let Some(q) = queues.get_mut(key) {
                q.running = q.running.saturating_sub(1);
                if requeue {
                    q.waiting.insert(id);
                }
            }
        }
        self.pump(engine, key);
    }

    /// Follows the webhooks after a configuration change.
    pub fn sync(&self, engine: &Engine, routes: &Routes) {
        let mut reopened = Vec::new();
        {
            let mut queues = self.queues.lock().expect("queues");
            queues.retain(|key, _| key.as_ref().is_none_or(|id| routes.by_id.contains_key(id)));
            for (key, q) in queues.iter_mut() {
                let Some(w) = key.as_ref().and_then(|id| routes.by_id.get(id)) else { continue };
                let open = w.status == WebhookStatus::Active;
                if open && !q.open {
                    q.failures = 0;
                }
                q.open = open;
                q.limit = w.delivery.max_in_flight();
                reopened.push(key.clone());
            }
        }
        for key in reopened {
            self.pump(engine, &key);
        }
    }

    /// Counts a delivery's end; returns the new count of consecutive failures.
    pub fn count_result(&self, key: &QueueKey, success: bool) -> u32 {
        let mut queues = self.queues.lock().expect("queues");
        let Some(q) = queues.get_mut(key) else { return 0 };
        q.failures = if success { 0 } else { q.failures + 1 };
        q.failures
    }

    /// Holds a queue at once (paused or disabled by the engine).
    pub fn close(&self, key: &QueueKey) {
        if let Some(q) = self.queues.lock().expect("queues").get_mut(key) {
            q.open = false;
        }
    }
}
