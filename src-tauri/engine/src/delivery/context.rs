//! What the delivery pipeline works with, and nothing else of the engine: the database, the
//! secrets, the HTTP client and network policy, the notices, the routes, the scheduler and
//! the tasks it spawns. The [`crate::Engine`] holds one and lends it out; the Events API,
//! the settings and the instance lock stay outside.

use super::{Queued, Scheduler};
use crate::instance::InstanceLock;
use crate::matching::Routes;
use crate::model::Webhook;
use crate::net::{self, NetworkPolicy};
use crate::notice::Notice;
use crate::secrets::Secrets;
use crate::store::Db;
use crate::store::webhooks::WebhookRow;
use std::future::Future;
use std::sync::{Arc, OnceLock, RwLock};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub(crate) struct Context {
    pub(crate) db: Db,
    pub(crate) secrets: Arc<Secrets>,
    pub(crate) policy: NetworkPolicy,
    pub(crate) scheduler: Scheduler,
    client: RwLock<reqwest::Client>,
    notices: broadcast::Sender<Notice>,
    routes: RwLock<Arc<Routes>>,
    runtime: OnceLock<tokio::runtime::Handle>,
    tasks: TaskTracker,
    /// Shutdown has begun: nothing new starts; attempts under way may finish.
    draining: CancellationToken,
    /// Everything stops now, attempts under way too.
    cancel: CancellationToken,
    /// The data directory's lock: held while anything may still write to its database.
    pub(crate) lock: InstanceLock,
}

impl Drop for Context {
    fn drop(&mut self) {
        self.db.close();
    }
}

impl Context {
    pub(crate) fn new(db: Db, secrets: Arc<Secrets>, policy: NetworkPolicy, routes: Routes, lock: InstanceLock) -> Self {
        let (notices, _) = broadcast::channel(4096);
        Self {
            db,
            secrets,
            client: RwLock::new(net::delivery_client(&policy)),
            policy,
            scheduler: Scheduler::default(),
            notices,
            routes: RwLock::new(Arc::new(routes)),
            runtime: OnceLock::new(),
            tasks: TaskTracker::new(),
            draining: CancellationToken::new(),
            cancel: CancellationToken::new(),
            lock,
        }
    }

    /// The runtime background work goes to, from the first call within one.
    pub(crate) fn set_runtime(&self, handle: tokio::runtime::Handle) {
        let _ = self.runtime.set(handle);
    }

    pub(crate) fn client(&self) -> reqwest::Client {
        self.client.read().expect("client").clone()
    }

    /// A new HTTP client for deliveries, after the network policy changed.
    pub(crate) fn renew_client(&self) {
        *self.client.write().expect("client") = net::delivery_client(&self.policy);
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }

    pub(crate) fn notify(&self, notice: Notice) {
        let _ = self.notices.send(notice);
    }

    /// Runs keyring work (it crosses D-Bus) off the async runtime's threads.
    pub(crate) async fn with_secrets<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Secrets) -> crate::Result<R> + Send + 'static,
    ) -> crate::Result<R> {
        let secrets = self.secrets.clone();
        tokio::task::spawn_blocking(move || f(&secrets)).await.map_err(crate::Error::interrupted)?
    }

    /// New deliveries, committed; called in commit order.
    pub(crate) fn enqueue(self: &Arc<Self>, items: impl IntoIterator<Item = Queued>) {
        self.scheduler.enqueue(self, items);
    }

    /// A webhook as the window and the API see it, with what holds its deliveries (which
    /// only the running engine knows).
    pub(crate) fn webhook_view(&self, row: &WebhookRow) -> Webhook {
        let mut view = row.view();
        view.held_by = self.scheduler.held_by(&super::QueueKey::Webhook(row.id.clone()));
        view
    }

    /// Tells the window a webhook's new state.
    pub(crate) fn webhook_changed(&self, row: &WebhookRow) {
        self.notify(Notice::WebhookChanged { webhook: Box::new(self.webhook_view(row)) });
    }

    pub(crate) fn route(&self, webhook_id: &str) -> Option<Arc<WebhookRow>> {
        self.routes.read().expect("routes").by_id.get(webhook_id).cloned()
    }

    pub(crate) fn routes(&self) -> Arc<Routes> {
        self.routes.read().expect("routes").clone()
    }

    /// Drops a deleted webhook from the routes at once, before they are re-read.
    pub(crate) fn forget_route(&self, webhook_id: &str) {
        let mut routes = self.routes.write().expect("routes");
        if routes.by_id.contains_key(webhook_id) {
            let mut by_id = routes.by_id.clone();
            by_id.remove(webhook_id);
            *routes = Arc::new(Routes { by_id });
        }
    }

    /// Re-reads the webhooks after a change and lets the delivery queues follow: a webhook
    /// that became active releases its held deliveries; one deleted loses its queue.
    pub(crate) async fn config_changed(self: &Arc<Self>) {
        let db = self.db.clone();
        match tokio::task::spawn_blocking(move || Routes::load(&db)).await {
            Ok(Ok(routes)) => {
                let routes = Arc::new(routes);
                *self.routes.write().expect("routes") = routes.clone();
                self.scheduler.sync(self, &routes);
            }
            Ok(Err(e)) => tracing::error!("the webhooks could not be re-read after a change: {e}"),
            Err(e) => tracing::error!("the webhooks could not be re-read after a change: {e}"),
        }
    }

    /// Spawns background work the engine tracks; it stops as soon as shutdown begins.
    pub(crate) fn spawn<F>(&self, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.spawn_until(self.draining.clone(), fut);
    }

    /// Spawns a delivery's work: it watches [`Context::draining`] itself, to let an attempt
    /// under way finish, and is stopped only when the grace is over.
    pub(crate) fn spawn_delivery<F>(&self, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.spawn_until(self.cancel.clone(), fut);
    }

    fn spawn_until<F>(&self, stop: CancellationToken, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let task = async move {
            tokio::select! {
                _ = fut => {}
                _ = stop.cancelled() => {}
            }
        };
        match self.runtime.get().cloned().or_else(|| tokio::runtime::Handle::try_current().ok()) {
            Some(handle) => {
                self.tasks.spawn_on(task, &handle);
            }
            None => tracing::error!("a background task could not start: no runtime"),
        }
    }

    /// Cancelled when everything must stop at once.
    pub(crate) fn cancelled(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Cancelled when shutdown begins.
    pub(crate) fn draining(&self) -> CancellationToken {
        self.draining.clone()
    }

    pub(crate) fn is_draining(&self) -> bool {
        self.draining.is_cancelled()
    }

    /// Stops the tasks: attempts under way get `grace` to finish, then everything is told to
    /// stop and gets `grace` again. Never longer: a task stuck where it cannot hear the stop
    /// (a keyring or disk that does not answer) must not keep the app from quitting; what it
    /// was doing is made again at the next start. `false` when the grace was not enough.
    pub(crate) async fn stop_tasks(&self, grace: std::time::Duration) -> bool {
        self.draining.cancel();
        self.tasks.close();
        let in_time = tokio::time::timeout(grace, self.tasks.wait()).await.is_ok();
        self.cancel.cancel();
        if !in_time && tokio::time::timeout(grace, self.tasks.wait()).await.is_err() {
            tracing::warn!("{} background tasks did not stop within {grace:?} of being told to; left behind", self.tasks.len());
        }
        in_time
    }
}
