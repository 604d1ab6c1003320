//! The delivery pipeline: the scheduler decides what may start (ordering, concurrency,
//! held queues), [`run`] drives one delivery through its attempts, [`dispatch`] makes one
//! HTTP attempt, [`outcome`] decides what follows and records it, [`retry`] times retries.
//!
//! The queue is the `deliveries` table; the scheduler keeps only ids in memory, in
//! acceptance order, and is rebuilt from the table at start.

mod context;
pub mod dispatch;
pub(crate) mod fanout;
mod keyring;
pub(crate) mod operational;
pub mod outcome;
pub mod retry;
mod run;
pub(crate) mod target;

use crate::matching::Routes;
use crate::model::{Ordering as DeliveryOrdering, WebhookStatus};
use crate::store::deliveries::DeliveryRow;
pub(crate) use context::Context;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// Which queue a delivery waits in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum QueueKey {
    /// A webhook's queue, by webhook id.
    Webhook(crate::model::WebhookId),
    /// Direct deliveries, one queue per target origin, so a slow target holds up no other.
    Direct(String),
}

impl std::fmt::Display for QueueKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueueKey::Webhook(id) => write!(f, "webhook {id}"),
            QueueKey::Direct(origin) => write!(f, "direct deliveries to {origin}"),
        }
    }
}

impl QueueKey {
    /// The queue of a delivery: its webhook's, or for a direct one, its target's.
    pub fn of(id: Option<&crate::model::WebhookId>, url: Option<&str>) -> Self {
        match id {
            Some(id) => QueueKey::Webhook(id.clone()),
            None => QueueKey::direct(url.unwrap_or_default()),
        }
    }

    /// The queue of direct deliveries to `url`'s scheme, host and port.
    pub fn direct(url: &str) -> Self {
        let origin = url::Url::parse(url).map(|u| u.origin().ascii_serialization()).unwrap_or_else(|_| url.to_string());
        QueueKey::Direct(origin)
    }

    pub fn webhook_id(&self) -> Option<&str> {
        match self {
            QueueKey::Webhook(id) => Some(id),
            QueueKey::Direct(_) => None,
        }
    }
}

/// Direct deliveries to one target origin run this many at once.
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
    /// Deliveries started and not yet ended. In an ordered queue that includes one waiting
    /// for its next attempt; in an unordered one that waits without a slot ([`Scheduler::later`]).
    running: usize,
    limit: usize,
    /// Deliveries start only after the one before has ended (a sequential webhook).
    ordered: bool,
    /// The webhook is active; a paused or disabled webhook holds its queue.
    open: bool,
    /// Consecutive failed deliveries, for pausing.
    failures: u32,
    /// Why the queue is waiting although open: its secrets cannot be read from the keyring.
    held_by: Option<String>,
    /// Deliveries not ended: waiting, running, or waiting for a retry without a slot.
    pending: usize,
}

/// How a delivery stopped running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Finish {
    /// Succeeded, failed for good, or gone.
    Ended,
    /// Waits for its next attempt without a slot ([`Scheduler::retry_later`]).
    Later,
    /// Back into the queue: its webhook was switched off, or its row could not be read.
    Requeue,
}

pub(crate) struct Scheduler {
    queues: Mutex<HashMap<QueueKey, Queue>>,
    started: AtomicBool,
    /// Deliveries of unordered queues waiting for their next attempt, by (due time, id).
    later: Mutex<BTreeMap<(i64, i64), QueueKey>>,
    later_changed: Notify,
    /// Deliveries of ordered queues sleeping until their retry, to wake for **Retry now**.
    sleeping: Mutex<HashMap<i64, Arc<Notify>>>,
    pub(crate) keyring: keyring::KeyringGate,
}

impl Default for Scheduler {
    fn default() -> Self {
        Self {
            queues: Mutex::default(),
            started: AtomicBool::new(false),
            later: Mutex::default(),
            later_changed: Notify::new(),
            sleeping: Mutex::default(),
            keyring: keyring::KeyringGate::default(),
        }
    }
}

/// The queue lengths of `keys` as the window is told them: one per webhook queue, and one
/// for all direct deliveries together, however many of their queues are among the keys.
fn lengths(queues: &HashMap<QueueKey, Queue>, keys: &[QueueKey]) -> Vec<crate::Notice> {
    let mut notices = Vec::new();
    let mut direct_told = false;
    for key in keys {
        match key {
            QueueKey::Webhook(id) => notices.push(crate::Notice::QueueChanged {
                webhook_id: Some(id.clone()),
                queued: queues.get(key).map_or(0, |q| q.pending as u64),
            }),
            QueueKey::Direct(_) if !direct_told => {
                direct_told = true;
                let queued = queues.iter().filter(|(k, _)| k.webhook_id().is_none()).map(|(_, q)| q.pending as u64).sum();
                notices.push(crate::Notice::QueueChanged { webhook_id: None, queued });
            }
            QueueKey::Direct(_) => {}
        }
    }
    notices
}

fn queue_for<'a>(queues: &'a mut HashMap<QueueKey, Queue>, key: &QueueKey, routes: &Routes) -> &'a mut Queue {
    queues.entry(key.clone()).or_insert_with(|| {
        let empty = |limit, ordered, open, failures| Queue {
            waiting: BTreeMap::new(),
            running: 0,
            limit,
            ordered,
            open,
            failures,
            held_by: None,
            pending: 0,
        };
        match key {
            QueueKey::Direct(_) => empty(DIRECT_CONCURRENCY, false, true, 0),
            QueueKey::Webhook(id) => {
                let w = routes.by_id.get(id);
                empty(
                    w.map(|w| w.delivery.max_in_flight()).unwrap_or(1),
                    w.is_none_or(|w| w.delivery.ordering == DeliveryOrdering::Sequential),
                    w.is_some_and(|w| w.status == WebhookStatus::Active),
                    w.map(|w| w.consecutive_failures).unwrap_or(0),
                )
            }
        }
    })
}

impl Scheduler {
    /// New deliveries, committed; called in commit order. The window hears that queues grew.
    pub fn enqueue(&self, cx: &Arc<Context>, items: impl IntoIterator<Item = Queued>) {
        let touched = self.add(cx, items, true);
        self.announce(cx, &touched);
        for key in touched {
            self.pump(cx, &key);
        }
    }

    /// Tells the window how many deliveries the queues wait with now.
    pub(crate) fn announce(&self, cx: &Context, keys: &[QueueKey]) {
        let notices = lengths(&self.queues.lock().expect("queues"), keys);
        for notice in notices {
            cx.notify(notice);
        }
    }

    /// Puts deliveries into their queues; `fresh` ones are new to the queue (counted as
    /// pending), the others come back from waiting for a retry.
    fn add(&self, cx: &Arc<Context>, items: impl IntoIterator<Item = Queued>, fresh: bool) -> Vec<QueueKey> {
        let routes = cx.routes();
        let mut touched = Vec::new();
        let mut queues = self.queues.lock().expect("queues");
        for (key, id, row) in items {
            // Its webhook was deleted meanwhile (a retry coming due, a race with the delete):
            // its row went with it.
            if key.webhook_id().is_some_and(|w| !routes.by_id.contains_key(w)) {
                continue;
            }
            let q = queue_for(&mut queues, &key, &routes);
            let row = row.filter(|_| q.waiting.len() < ROWS_IN_MEMORY);
            if let std::collections::btree_map::Entry::Vacant(slot) = q.waiting.entry(id) {
                slot.insert(row);
                q.pending += usize::from(fresh);
            }
            if !touched.contains(&key) {
                touched.push(key);
            }
        }
        touched
    }

    /// Rebuilds the queues from the pending rows and starts delivering.
    pub fn start(&self, cx: &Arc<Context>, pending: Vec<Queued>) {
        self.started.store(true, Ordering::SeqCst);
        self.enqueue(cx, pending);
        let keys: Vec<QueueKey> = self.queues.lock().expect("queues").keys().cloned().collect();
        for key in keys {
            self.pump(cx, &key);
        }
        let c = cx.clone();
        cx.spawn(async move { c.scheduler.release_later(&c).await });
    }

    /// Starts as many waiting deliveries as the queue allows.
    pub fn pump(&self, cx: &Arc<Context>, key: &QueueKey) {
        if !self.started.load(Ordering::SeqCst) || cx.is_draining() {
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
            cx.spawn_delivery(run::run(cx.clone(), key.clone(), id, row));
        }
    }

    /// A delivery stopped running. Returns the delivery the caller should run next in the
    /// same task, if the queue allows one: cheaper than spawning a task per delivery.
    pub fn finished(&self, cx: &Arc<Context>, key: &QueueKey, id: i64, how: Finish) -> Option<(i64, Option<Arc<DeliveryRow>>)> {
        let requeue = how == Finish::Requeue;
        let (next, told) = {
            let mut queues = self.queues.lock().expect("queues");
            let q = queues.get_mut(key)?;
            if how == Finish::Ended {
                q.pending = q.pending.saturating_sub(1);
            }
            // Its row may be stale now (attempts made): read it again when it runs.
            let next = if requeue {
                q.running = q.running.saturating_sub(1);
                q.waiting.insert(id, None);
                None
            } else if q.open && q.running <= q.limit && !cx.is_draining() {
                // The slot passes straight to the next delivery.
                let next = q.waiting.pop_first();
                if next.is_none() {
                    q.running = q.running.saturating_sub(1);
                }
                next
            } else {
                q.running = q.running.saturating_sub(1);
                None
            };
            // Direct queues come and go with their targets.
            if matches!(key, QueueKey::Direct(_)) && q.running == 0 && q.waiting.is_empty() && q.pending == 0 {
                queues.remove(key);
            }
            // Counted under the lock already held: an ended delivery changes its queue's length.
            let told = if how == Finish::Ended { lengths(&queues, std::slice::from_ref(key)) } else { Vec::new() };
            (next, told)
        };
        for notice in told {
            cx.notify(notice);
        }
        self.pump(cx, key);
        next
    }

    /// An unordered queue's delivery waits for its next attempt at `due` without a slot.
    pub fn retry_later(&self, key: &QueueKey, id: i64, due: i64) {
        self.later.lock().expect("later").insert((due, id), key.clone());
        self.later_changed.notify_one();
    }

    /// A delivery of an ordered queue sleeps until its retry: what wakes it early.
    pub fn sleeping(&self, id: i64) -> Arc<Notify> {
        self.sleeping.lock().expect("sleeping").entry(id).or_default().clone()
    }

    pub fn awake(&self, id: i64) {
        self.sleeping.lock().expect("sleeping").remove(&id);
    }

    /// **Retry now**: the delivery's next attempt starts at once, wherever it waits.
    pub fn retry_now(&self, id: i64) {
        if let Some(waker) = self.sleeping.lock().expect("sleeping").get(&id) {
            waker.notify_one();
            return;
        }
        let mut later = self.later.lock().expect("later");
        if let Some(key) = later.keys().find(|(_, d)| *d == id).copied() {
            let queue = later.remove(&key).expect("just found");
            later.insert((crate::model::time::now_ms(), id), queue);
            self.later_changed.notify_one();
        }
    }

    /// Puts deliveries whose next attempt is due back into their queues.
    async fn release_later(&self, cx: &Arc<Context>) {
        loop {
            let now = crate::model::time::now_ms();
            let (due, next) = {
                let mut later = self.later.lock().expect("later");
                let mut due = Vec::new();
                while let Some(entry) = later.first_entry() {
                    if entry.key().0 > now {
                        break;
                    }
                    let ((_, id), key) = entry.remove_entry();
                    due.push((key, id, None));
                }
                (due, later.keys().next().map(|(at, _)| *at))
            };
            if !due.is_empty() {
                for key in self.add(cx, due, false) {
                    self.pump(cx, &key);
                }
            }
            let wait = next.map(|at| Duration::from_millis((at - now).max(1) as u64)).unwrap_or(Duration::from_secs(3600));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.later_changed.notified() => {}
            }
        }
    }

    /// Follows the webhooks after a configuration change.
    pub fn sync(&self, cx: &Arc<Context>, routes: &Routes) {
        let mut reopened = Vec::new();
        {
            let mut queues = self.queues.lock().expect("queues");
            queues.retain(|key, _| key.webhook_id().is_none_or(|id| routes.by_id.contains_key(id)));
            for (key, q) in queues.iter_mut() {
                let Some(w) = key.webhook_id().and_then(|id| routes.by_id.get(id)) else { continue };
                let open = w.status == WebhookStatus::Active;
                if open && !q.open {
                    q.failures = 0;
                }
                q.open = open;
                q.limit = w.delivery.max_in_flight();
                q.ordered = w.delivery.ordering == DeliveryOrdering::Sequential;
                reopened.push(key.clone());
            }
        }
        // A saved webhook may carry the secrets a held delivery was waiting for.
        self.keyring.changed.notify_waiters();
        for key in reopened {
            self.pump(cx, &key);
        }
    }

    /// Whether the queue's deliveries must wait for the one before.
    pub fn is_ordered(&self, key: &QueueKey) -> bool {
        self.queues.lock().expect("queues").get(key).is_none_or(|q| q.ordered)
    }

    /// Records why an open queue cannot deliver (`None`: it can again); `true` if it changed.
    pub fn set_held_by(&self, key: &QueueKey, reason: Option<String>) -> bool {
        let mut queues = self.queues.lock().expect("queues");
        let Some(q) = queues.get_mut(key) else { return false };
        let changed = q.held_by != reason;
        q.held_by = reason;
        changed
    }

    /// Why a queue waits for something other than its webhook's activation, if it does.
    pub fn held_by(&self, key: &QueueKey) -> Option<String> {
        self.queues.lock().expect("queues").get(key).and_then(|q| q.held_by.clone())
    }

    /// The queues waiting for something other than their webhook's activation, and why.
    pub fn holds(&self) -> HashMap<QueueKey, String> {
        self.queues.lock().expect("queues").iter().filter_map(|(k, q)| q.held_by.clone().map(|r| (k.clone(), r))).collect()
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

    /// Takes the deliveries `first..=last` that wait to start out of their queue (those
    /// running or waiting for a retry go on); returns their ids. They are no longer pending.
    pub fn withdraw(&self, cx: &Context, key: &QueueKey, first: i64, last: i64) -> Vec<i64> {
        let (ids, told) = {
            let mut queues = self.queues.lock().expect("queues");
            let Some(q) = queues.get_mut(key) else { return Vec::new() };
            let ids: Vec<i64> = q.waiting.range(first..=last).map(|(id, _)| *id).collect();
            for id in &ids {
                q.waiting.remove(id);
            }
            q.pending = q.pending.saturating_sub(ids.len());
            (ids, lengths(&queues, std::slice::from_ref(key)))
        };
        for notice in told {
            cx.notify(notice);
        }
        ids
    }

    /// Holds a queue at once (paused or disabled by the engine).
    pub fn close(&self, key: &QueueKey) {
        if let Some(q) = self.queues.lock().expect("queues").get_mut(key) {
            q.open = false;
        }
    }
}
