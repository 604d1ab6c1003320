//! A real HTTP receiver on `127.0.0.1:0` that hands every request to the test and answers
//! as the test scripts it: status, delay, body size, redirect, reset, hang.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How the receiver answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    Status(u16),
    /// A status with extra response headers.
    WithHeaders(u16, Vec<(&'static str, String)>),
    /// Waits, then answers with the status.
    Delay(Duration, u16),
    /// 200 with a body of this many bytes, streamed in 64 KiB chunks.
    Body(u64),
    /// 302 to this path on the same receiver.
    Redirect(&'static str),
    /// 200 with a chunked body that never ends.
    Endless,
    /// Holds each of the first `n` requests until all `n` have arrived (so they were in flight
    /// together), then answers with the status; later requests are answered at once. After
    /// 10 s without the `n`th, answers 500.
    Gate(usize, u16),
    /// 200 as httpbin's /anything does: the request's headers as JSON in the body, and each
    /// request header again as an `x-echo-<name>` response header.
    Echo,
    /// Drops the connection without answering.
    Reset,
    /// Never answers.
    Hang,
}

/// A request as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }

    /// The `id` of the event in the body.
    pub fn event_id(&self) -> String {
        self.json()["id"].as_str().unwrap_or_default().to_string()
    }
}

struct Shared {
    script: Mutex<VecDeque<Reply>>,
    default: Mutex<Reply>,
    tx: mpsc::UnboundedSender<Received>,
    /// Bytes of streamed bodies the receiver managed to hand to the socket.
    streamed: Arc<AtomicU64>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// Requests that reached a [`Reply::Gate`].
    gate_arrivals: AtomicUsize,
}

/// Counts a request as in flight until it is answered (or its connection dropped).
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(shared: &'a Shared) -> Self {
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

pub struct TestReceiver {
    pub url: String,
    rx: tokio::sync::Mutex<mpsc::UnboundedReceiver<Received>>,
    shared: Arc<Shared>,
}

impl TestReceiver {
    pub async fn start() -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            script: Mutex::new(VecDeque::new()),
            default: Mutex::new(Reply::Status(200)),
            tx,
            streamed: Arc::new(AtomicU64::new(0)),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            gate_arrivals: AtomicUsize::new(0),
        });
        let app = axum::Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the receiver");
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url: format!("http://{addr}/hook"), rx: tokio::sync::Mutex::new(rx), shared }
    }

    /// Answers the next requests with these replies, in order, then with the default.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.shared.script.lock().unwrap().extend(replies);
    }

    pub fn set_default(&self, reply: Reply) {
        *self.shared.default.lock().unwrap() = reply;
    }

    pub fn streamed_bytes(&self) -> u64 {
        self.shared.streamed.load(Ordering::SeqCst)
    }

    /// The most requests it has had in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    /// The next request, waiting at most `within`.
    pub async fn next(&self, within: Duration) -> Option<Received> {
        tokio::time::timeout(within, self.rx.lock().await.recv()).await.ok().flatten()
    }

    /// Exactly the next `n` requests, or a panic naming how many came.
    pub async fn take(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left).await {
                Some(r) => out.push(r),
                None => panic!("expected {n} requests within {within:?}, got {}", out.len()),
            }
        }
        out
    }

    /// Asserts that nothing arrives for `quiet`.
    pub async fn assert_silent(&self, quiet: Duration) {
        if let Some(r) = self.next(quiet).await {
            panic!("expected no request, got one for {} ({})", r.path, String::from_utf8_lossy(&r.body));
        }
    }
}

async fn handle(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let _in_flight = InFlight::enter(&shared);
    let reply = shared.script.lock().unwrap().pop_front().unwrap_or_else(|| shared.default.lock().unwrap().clone());
    let status = |s: u16| StatusCode::from_u16(s).unwrap();
    let echoed = match reply {
        Reply::Echo => Some(headers.clone()),
        _ => None,
    };
    let _ = shared.tx.send(Received { path: uri.path().to_string(), headers, body, at: Instant::now() });
    match reply {
        Reply::Echo => {
            let headers = echoed.unwrap_or_default();
            let as_json: serde_json::Map<String, serde_json::Value> =
                headers.iter().map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_str().unwrap_or_default().into()))).collect();
            let mut r = (status(200), axum::Json(serde_json::json!({"headers": as_json}))).into_response();
            for (k, v) in headers.iter() {
                if let Ok(name) = axum::http::HeaderName::from_bytes(format!("x-echo-{k}").as_bytes()) {
                    r.headers_mut().insert(name, v.clone());
                }
            }
            r
        }
        Reply::Status(s) => (status(s), "ok").into_response(),
        Reply::WithHeaders(s, extra) => {
            let mut r = (status(s), "see headers").into_response();
            for (k, v) in extra {
                r.headers_mut().insert(k, v.parse().unwrap());
            }
            r
        }
        Reply::Delay(d, s) => {
            tokio::time::sleep(d).await;
            (status(s), "late").into_response()
        }
        Reply::Body(size) => {
            static CHUNK: [u8; 65536] = [b'x'; 65536];
            let streamed = shared.streamed.clone();
            let chunks = size.div_ceil(CHUNK.len() as u64);
            let stream = futures_util::stream::iter(0..chunks).map(move |i| {
                let len = if i + 1 == chunks { (size - i * CHUNK.len() as u64) as usize } else { CHUNK.len() };
                streamed.fetch_add(len as u64, Ordering::SeqCst);
                Ok::<_, std::io::Error>(Bytes::from_static(&CHUNK[..len]))
            });
            Response::builder().status(200).header("content-length", size.to_string()).body(Body::from_stream(stream)).unwrap()
        }
        Reply::Endless => {
            static CHUNK: [u8; 65536] = [b'y'; 65536];
            let streamed = shared.streamed.clone();
            let stream = futures_util::stream::repeat_with(move || {
                streamed.fetch_add(CHUNK.len() as u64, Ordering::SeqCst);
                Ok::<_, std::io::Error>(Bytes::from_static(&CHUNK))
            });
            Response::builder().status(200).body(Body::from_stream(stream)).unwrap()
        }
        Reply::Gate(n, s) => {
            let arrived = shared.gate_arrivals.fetch_add(1, Ordering::SeqCst) + 1;
            if arrived <= n {
                let deadline = Instant::now() + Duration::from_secs(10);
                while shared.gate_arrivals.load(Ordering::SeqCst) < n {
                    if Instant::now() > deadline {
                        return (status(500), "the gate never filled").into_response();
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
            (status(s), "through the gate").into_response()
        }
        Reply::Redirect(to) => Response::builder().status(302).header("location", to).body(Body::empty()).unwrap(),
        // Unwinding the connection's task drops the socket without an answer; resume_unwind
        // skips the panic hook, so nothing is printed.
        Reply::Reset => std::panic::resume_unwind(Box::new("reset by the test receiver")),
        Reply::Hang => std::future::pending().await,
    }
}

use futures_util::StreamExt as _;
