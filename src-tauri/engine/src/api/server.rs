//! The Events API's HTTP server: an accept loop over hyper's HTTP/1 connections, because
//! `axum::serve` has no header or body read timeouts, no cap on connections and no shutdown
//! deadline, and one stalled or idle client must never hold the API or the process.
//!
//! - A request's headers must arrive within [`HEADER_READ_TIMEOUT`]; the same timer closes a
//!   keep-alive connection that stays idle that long after its last answer.
//! - Each chunk of a body must arrive within [`BODY_READ_TIMEOUT`] of the previous one.
//! - At most [`Limits::max_connections`] connections are open. At the cap the connection
//!   that has been quiet the longest is closed to make room; when every one is busy with a
//!   request, the newcomer is answered 503 and closed at once, never queued.
//! - On shutdown every connection finishes the exchange it is in, within a deadline.

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long connections get to finish their exchange when the API stops.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// How long a connection closed to make room gets to finish writing an answer.
const EVICTION_GRACE: Duration = Duration::from_millis(200);
/// The most connections, however many files the process may open.
const MAX_CONNECTIONS: usize = 1024;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
}

impl Limits {
    /// Raises the soft open-files limit to the hard one (the usual soft 1,024 is low for a
    /// server) and allows connections up to half of it, leaving the rest to the database,
    /// the deliveries' own connections and the keyring.
    pub fn for_this_process() -> Self {
        let files = raise_open_files_limit();
        Self { max_connections: usize::try_from(files / 2).unwrap_or(MAX_CONNECTIONS).clamp(16, MAX_CONNECTIONS) }
    }
}

#[cfg(unix)]
fn raise_open_files_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!("could not raise the open-files limit: {e}");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft).unwrap_or(1024)
        }
    }
}

#[cfg(not(unix))]
fn raise_open_files_limit() -> u64 {
    (MAX_CONNECTIONS * 2) as u64
}

/// One open connection, as the accept loop sees it.
struct Tracked {
    /// Requests being answered on it.
    busy: Arc<AtomicUsize>,
    /// When it last started or finished a request (or was accepted).
    quiet_since: Arc<Mutex<Instant>>,
    evict: CancellationToken,
}

#[derive(Default)]
struct Connections {
    open: Mutex<HashMap<u64, Tracked>>,
    next: AtomicU64,
}

impl Connections {
    fn len(&self) -> usize {
        self.open.lock().expect("connections").len()
    }

    /// Closes the connection quiet the longest with no request in progress; `false` when
    /// every connection is busy.
    fn evict_quietest(&self) -> bool {
        let open = self.open.lock().expect("connections");
        let quietest = open
            .values()
            .filter(|c| c.busy.load(Ordering::SeqCst) == 0 && !c.evict.is_cancelled())
            .min_by_key(|c| *c.quiet_since.lock().expect("quiet since"));
        match quietest {
            Some(c) => {
                c.evict.cancel();
                true
            }
            None => false,
        }
    }
}

/// Counts a request as in progress on its connection until it has been answered.
struct Busy {
    busy: Arc<AtomicUsize>,
    quiet_since: Arc<Mutex<Instant>>,
}

impl Busy {
    fn enter(busy: &Arc<AtomicUsize>, quiet_since: &Arc<Mutex<Instant>>) -> Self {
        busy.fetch_add(1, Ordering::SeqCst);
        *quiet_since.lock().expect("quiet since") = Instant::now();
        Self { busy: busy.clone(), quiet_since: quiet_since.clone() }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        *self.quiet_since.lock().expect("quiet since") = Instant::now();
        self.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

const REFUSAL: &str = "{\"error\":{\"code\":\"too_many_connections\",\"message\":\"The Events API has as many connections as it allows, all busy; try again in a moment.\"}}";

/// Answers an over-limit connection without reading from it, and closes it.
fn refuse(tcp: TcpStream) {
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n{REFUSAL}",
        REFUSAL.len()
    );
    // Never waits: a client that does not read simply gets the close.
    let _ = tcp.try_write(answer.as_bytes());
}

/// Serves `app` until `stop` is cancelled, then lets the connections finish within
/// [`SHUTDOWN_GRACE`].
pub async fn serve(listener: TcpListener, app: Router, stop: CancellationToken, limits: Limits, tls: Option<tokio_rustls::TlsAcceptor>) {
    let connections = Arc::new(Connections::default());
    let finishing = CancellationToken::new();
    let mut tasks = JoinSet::new();
    let mut warned_at: Option<Instant> = None;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.cancelled() => break,
        };
        while tasks.try_join_next().is_some() {}
        let tcp = match accepted {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                // Out of file descriptors, most likely: make room rather than spin.
                tracing::warn!("the Events API could not accept a connection: {e}");
                connections.evict_quietest();
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(50)) => continue,
                    _ = stop.cancelled() => break,
                }
            }
        };
        if connections.len() >= limits.max_connections {
            if warned_at.is_none_or(|at| at.elapsed() > Duration::from_secs(10)) {
                tracing::warn!(
                    "the Events API has {} connections, its limit: closing the quietest to make room for new ones",
                    limits.max_connections
                );
                warned_at = Some(Instant::now());
            }
            if !connections.evict_quietest() {
                refuse(tcp);
                continue;
            }
        }
        let _ = tcp.set_nodelay(true);
        let id = connections.next.fetch_add(1, Ordering::Relaxed);
        let tracked = Tracked {
            busy: Arc::new(AtomicUsize::new(0)),
            quiet_since: Arc::new(Mutex::new(Instant::now())),
            evict: CancellationToken::new(),
        };
        let (busy, quiet_since, evict) = (tracked.busy.clone(), tracked.quiet_since.clone(), tracked.evict.clone());
        connections.open.lock().expect("connections").insert(id, tracked);
        let (app, finishing, connections, tls) = (app.clone(), finishing.clone(), connections.clone(), tls.clone());
        tasks.spawn(async move {
            match tls {
                // The handshake has the header read's deadline: a client that never finishes
                // it holds a connection no longer than one that never sends its headers.
                Some(acceptor) => match tokio::time::timeout(HEADER_READ_TIMEOUT, acceptor.accept(tcp)).await {
                    Ok(Ok(stream)) => serve_connection(stream, app, busy, quiet_since, evict, finishing).await,
                    Ok(Err(e)) => tracing::debug!("a TLS handshake with the Events API failed: {e}"),
                    Err(_) => tracing::debug!("a TLS handshake with the Events API took too long"),
                },
                None => serve_connection(tcp, app, busy, quiet_since, evict, finishing).await,
            }
            connections.open.lock().expect("connections").remove(&id);
        });
    }
    drop(listener);
    finishing.cancel();
    let finished = tokio::time::timeout(SHUTDOWN_GRACE, async { while tasks.join_next().await.is_some() {} }).await;
    if finished.is_err() {
        tracing::warn!("{} Events API connection(s) did not finish within {SHUTDOWN_GRACE:?}; closed them", tasks.len());
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
    }
}

async fn serve_connection<S>(
    tcp: S,
    app: Router,
    busy: Arc<AtomicUsize>,
    quiet_since: Arc<Mutex<Instant>>,
    evict: CancellationToken,
    finishing: CancellationToken,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let in_progress = busy.clone();
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let guard = Busy::enter(&busy, &quiet_since);
        let req = req.map(|body| Body::new(tower_http::timeout::TimeoutBody::new(BODY_READ_TIMEOUT, body)));
        let app = app.clone();
        async move {
            let response = app.oneshot(req).await;
            drop(guard);
            response
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    let conn = builder.serve_connection(TokioIo::new(tcp), service);
    tokio::pin!(conn);
    let evicted = tokio::select! {
        _ = conn.as_mut() => return,
        _ = evict.cancelled() => true,
        _ = finishing.cancelled() => false,
    };
    // With no request in progress there is nothing to finish: a client that sent half its
    // headers, or nothing, is not waited for.
    if in_progress.load(Ordering::SeqCst) == 0 && !evicted {
        return;
    }
    // Ends keep-alive: an idle connection closes now, a busy one after its answer.
    conn.as_mut().graceful_shutdown();
    // A request may have begun since the connection was picked as quiet: let it finish.
    if evicted && in_progress.load(Ordering::SeqCst) == 0 {
        let _ = tokio::time::timeout(EVICTION_GRACE, conn).await;
    } else {
        let _ = conn.await;
    }
}
