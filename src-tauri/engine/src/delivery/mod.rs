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
use crate::store::deliveries::DeliveryRow;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A queue per webhook; `None` is the queue of direct deliveries.
pub(crate) type QueueKey = Option<String>;

/// Direct deliveries have no webhook settings; they run this many at once.
const DIRECT_CONCURRENCY: usize = 16;
/// A queue keeps the rows of this many fresh deliveries in memory, so a worker need not read
/// them back; beyond that (a held backlog) only ids are kept and rows are read when due.
const ROWS_IN_MEMORY: usize = 256;

/// A delivery to queue: its id and, when just accepted, its row.
pub(crate) type Queued = (QueueKey, i64, Option<Arc<DeliveryRow>>);

#[derive(Debug)]
struct Queue {
    /// Deliveries waiting to start, by id = acceptance order, with their rows when fresh.
    waiting: BTreeMap<i64, Option<Arc<DeliveryRow>>>,
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
        None => Queue { waiting: BTreeMap::new(), running: 0, limit: DIRECT_CONCURRENCY, open: true, failures: 0 },
        Some(id) => {
            let w = routes.by_id.get(id);
            Queue {
                waiting: BTreeMap::new(),
                running: 0,
                limit: w.map(|w| w.delivery.max_in_flight()).unwrap_or(1),
                open: w.is_some_and(|w| w.status == WebhookStatus::Active),
                failures: w.map(|w| w.consecutive_failures).unwrap_or(0),
            }
        }
    })
}

impl Scheduler {
    /// New deliveries, committed; called in commit order. The window hears that queues grew.
    pub fn enqueue(&self, engine: &Engine, items: impl IntoIterator<Item = Queued>) {
        let routes = engine.routes();
        let mut touched = Vec::new();
        {
            let mut queues = self.queues.lock().expect("queues");
            for (key, id, row) in items {
                let q = queue_for(&mut queues, &key, &routes);
                let row = row.filter(|_| q.waiting.len() < ROWS_IN_MEMORY);
                q.waiting.entry(id).or_insert(row);
                if !touched.contains(&key) {
                    touched.push(key);
                }
            }
        }
        if !touched.is_empty() {
            engine.notify(crate::Notice::DeliveriesQueued);
        }
        for key in touched {
            self.pump(engine, &key);
        }
    }

    /// Rebuilds the queues from the pending rows and starts delivering.
    pub fn start(&self, engine: &Engine, pending: Vec<Queued>) {
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
                let Some((id, row)) = q.waiting.pop_first() else { break };
                q.running += 1;
                to_start.push((id, row));
            }
        }
        for (id, row) in to_start {
            engine.spawn(run::run(engine.clone(), key.clone(), id, row));
        }
    }

    /// A delivery stopped running; `requeue` puts it back (its webhook was switched off).
    /// Returns the delivery the caller should run next in the same task, if the queue allows
    /// one: cheaper than spawning a task per delivery.
    pub fn finished(&self, engine: &Engine, key: &QueueKey, id: i64, requeue: bool) -> Option<(i64, Option<Arc<DeliveryRow>>)> {
        let next = {
            let mut queues = self.queues.lock().expect("queues");
            let q = queues.get_mut(key)?;
            // Its row may be stale now (attempts made): read it again when it runs.
            if requeue {
                q.running = q.running.saturating_sub(1);
                q.waiting.insert(id, None);
                None
            } else if q.open && q.running <= q.limit {
                // The slot passes straight to the next delivery.
                let next = q.waiting.pop_first();
                if next.is_none() {
                    q.running = q.running.saturating_sub(1);
                }
                next
            } else {
                q.running = q.running.saturating_sub(1);
                None
            }
        };
        self.pump(engine, key);
        next
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

    /// Counts a delivery's end; returns the new count of consecutive failures, and whether
    /// it changed.
    pub fn count_result(&self, key: &QueueKey, success: bool) -> (u32, bool) {
        let mut queues = self.queues.lock().expect("queues");
        let Some(q) = queues.get_mut(key) else { return (0, false) };
        let before = q.failures;
        q.failures = if success { 0 } else { q.failures + 1 };
        (q.failures, q.failures != before)
    }

    /// Holds a queue at once (paused or disabled by the engine).
    pub fn close(&self, key: &QueueKey) {
        if let Some(q) = self.queues.lock().expect("queues").get_mut(key) {
            q.open = false;
        }
    }
}
