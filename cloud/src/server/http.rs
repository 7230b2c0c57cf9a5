//! The HTTP side: requests as the handlers see them, responses, and serving. hyper reads
//! and writes every connection on one thread, a small tokio runtime's, where a connection
//! a client keeps open idle is a parked task holding up nothing; a few serving threads
//! answer the requests, each with a `Server` on a blocking store connection of its own, so
//! the handlers stay synchronous, never run on the runtime, and a slow request (a long
//! transaction on a contended store) holds up only its own serving thread.

use super::error::ApiError;
use super::logstream::{Feeder, StoreOpener};
use super::Server;
use bytes::Bytes;
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::StatusCode;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use std::convert::Infallible;
use std::net::TcpListener;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// The most a request body may hold (deployments carry source code).
const MAX_BODY: usize = 16 << 20;
/// How long a connection may wait for its next request's head.
const IDLE: Duration = Duration::from_secs(60);
/// How many event batches a log stream may have ahead of its client.
const STREAM_BACKLOG: usize = 4;

pub struct Request {
    pub method: String,
    /// The path after `/v5`, split at slashes.
    pub segments: Vec<String>,
    pub query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    pub body: Value,
}

impl Request {
    pub fn new(method: &str, url: &str, headers: Vec<(String, String)>, body: &[u8]) -> Result<Request, ApiError> {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let path = path.strip_prefix("/v5").ok_or_else(|| ApiError::route(method, path))?;
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| form_urlencoded::parse(format!("x={s}").as_bytes()).map(|(_, v)| v.into_owned()).collect())
            .collect();
        let query = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let body = match body.iter().all(u8::is_ascii_whitespace) {
            true => Value::Null,
            false => {
                serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("malformed JSON body: {e}")))?
            }
        };
        Ok(Request { method: method.to_ascii_uppercase(), segments, query, headers, body })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// `data` of a JSON:API document.
    pub fn data(&self) -> Result<&Value, ApiError> {
        match &self.body["data"] {
            Value::Null => Err(ApiError::bad_request("the request body has no data")),
            data => Ok(data),
        }
    }

    /// A string attribute of `data`, if present.
    pub fn attribute(&self, name: &str) -> Result<Option<String>, ApiError> {
        match &self.data()?["attributes"][name] {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            _ => Err(ApiError::bad_request(format!("attribute {name} must be a string"))),
        }
    }

    pub fn bool_attribute(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match &self.data()?["attributes"][name] {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(*b)),
            _ => Err(ApiError::bad_request(format!("attribute {name} must be a boolean"))),
        }
    }

    /// The id of `data.relationships.NAME`, if present.
    pub fn relationship(&self, name: &str) -> Result<Option<String>, ApiError> {
        Ok(self.data()?["relationships"][name]["id"].as_str().map(str::to_string))
    }
}

pub struct Response {
    pub status: u16,
    pub body: Option<Value>,
}

impl Response {
    pub fn ok(body: Value) -> Response {
        Response { status: 200, body: Some(body) }
    }

    pub fn created(body: Value) -> Response {
        Response { status: 201, body: Some(body) }
    }

    pub fn no_content() -> Response {
        Response { status: 204, body: None }
    }
}

/// A bound listening socket.
pub struct Listener(TcpListener);

/// A request for the serving threads, and where its outcome goes.
struct Job {
    request: Result<Request, ApiError>,
    reply: oneshot::Sender<Outcome>,
}

/// What a serving thread makes of a request.
enum Outcome {
    Respond(Response),
    /// A log stream: the batches of events its feeding thread sends.
    Stream(mpsc::Receiver<Bytes>),
}

type Body = UnsyncBoxBody<Bytes, Infallible>;

impl Listener {
    /// Listens on `address` (`HOST:PORT`; port 0 picks a free one).
    pub fn bind(address: &str) -> Result<Listener, String> {
        TcpListener::bind(address).map(Listener).map_err(|e| format!("cannot listen on {address}: {e}"))
    }

    /// The address it listens on, with the port it got.
    pub fn address(&self) -> String {
        self.0.local_addr().map_or_else(|e| format!("(unknown: {e})"), |a| a.to_string())
    }

    /// Serves requests on `workers` serving threads (at least one), for good: `server`
    /// on this one, and on the others servers sharing its state on store connections
    /// `open` makes (a thread that cannot open one says so and serves nothing).
    pub fn serve(self, mut server: Server, workers: usize, open: &StoreOpener) -> Result<(), String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| format!("cannot start the connections' runtime: {e}"))?;
        let listener = {
            let _inside = runtime.enter();
            self.0.set_nonblocking(true).and_then(|()| tokio::net::TcpListener::from_std(self.0))
        };
        let listener = listener.map_err(|e| format!("cannot serve the listening socket: {e}"))?;
        let (jobs, queue) = channel::<Job>();
        let queue = Mutex::new(queue);
        std::thread::scope(|scope| {
            scope.spawn(move || runtime.block_on(converse(listener, jobs)));
            for _ in 1..workers {
                let (shared, open, queue) = (server.shared(), open.clone(), &queue);
                scope.spawn(move || match open() {
                    Ok(cloud) => serve_on(&mut Server::sharing(shared, cloud), queue),
                    Err(e) => eprintln!("impish cloud: a serving thread cannot open the store: {e}"),
                });
            }
            serve_on(&mut server, &queue);
            Ok(())
        })
    }
}

/// Accepts connections for good, each a task that hyper drives: keep-alive, request
/// bodies (`Content-Length` or chunked, `Expect: 100-continue`), a connection quiet for
/// `IDLE` closed.
async fn converse(listener: tokio::net::TcpListener, jobs: Sender<Job>) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(IDLE);
    loop {
        // A failed accept (the client gave up, too many open files) loses only that
        // connection; a short pause lets connections close rather than spin.
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        // Answers go out whole as soon as written (a log stream's events too).
        let _ = stream.set_nodelay(true);
        let jobs = jobs.clone();
        let connection =
            http.serve_connection(TokioIo::new(stream), service_fn(move |request| answer(request, jobs.clone())));
        // A connection's end, however it ends, is the client's business.
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
}

/// Reads a request whole, has a serving thread answer it and makes the answer hyper's.
async fn answer(request: hyper::Request<Incoming>, jobs: Sender<Job>) -> Result<hyper::Response<Body>, Infallible> {
    let (reply, outcome) = oneshot::channel();
    let request = read(request).await;
    // No serving thread took the job, or none answered it (one panicked with it).
    let outcome = match jobs.send(Job { request, reply }) {
        Ok(()) => outcome.await.ok(),
        Err(_) => None,
    };
    let unavailable = || ApiError::new(503, "ServiceUnavailable", "Service Unavailable", "no serving thread answered");
    Ok(match outcome.unwrap_or_else(|| Outcome::Respond(refusal(unavailable()))) {
        Outcome::Respond(response) => {
            let body = response.body.as_ref().map(Value::to_string).unwrap_or_default();
            let mut answer = hyper::Response::new(Full::new(Bytes::from(body)).boxed_unsync());
            *answer.status_mut() = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if response.status != 204 {
                answer.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/vnd.api+json"));
            }
            answer
        }
        Outcome::Stream(mut events) => {
            let frames =
                futures_util::stream::poll_fn(move |cx| events.poll_recv(cx).map(|e| e.map(Frame::data).map(Ok)));
            let mut answer = hyper::Response::new(StreamBody::new(frames).boxed_unsync());
            answer.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
            answer.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            answer
        }
    })
}

/// The request as the handlers see it, its body read whole (at most `MAX_BODY`).
async fn read(request: hyper::Request<Incoming>) -> Result<Request, ApiError> {
    let (parts, body) = request.into_parts();
    let body = Limited::new(body, MAX_BODY).collect().await;
    let body = body.map_err(|e| ApiError::bad_request(format!("the request body: {e}")))?.to_bytes();
    let headers = (parts.headers.iter())
        .map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).trim().to_string()))
        .collect();
    let url = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    Request::new(parts.method.as_str(), url, headers, &body)
}

fn refusal(e: ApiError) -> Response {
    Response { status: e.status, body: Some(e.body()) }
}

/// Answers the requests the connections queue, one at a time.
fn serve_on(server: &mut Server, queue: &Mutex<Receiver<Job>>) {
    loop {
        // One thread waits at the queue at a time; a thread that panicked held no job.
        let job = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).recv();
        let Ok(Job { request, reply }) = job else { return };
        let outcome = match request {
            Err(e) => Outcome::Respond(refusal(e)),
            Ok(request) => match server.stream_request(&request) {
                Some(Ok(feeder)) => Outcome::Stream(feed(feeder)),
                Some(Err(e)) => Outcome::Respond(refusal(e)),
                None => Outcome::Respond(server.handle(&request).unwrap_or_else(refusal)),
            },
        };
        // A client that went away is nothing to report.
        let _ = reply.send(outcome);
    }
}

/// Runs a log stream's feeder on a thread of its own (it polls a store connection of its
/// own); the events it sends, until the client goes away and hyper drops the receiver.
fn feed(feeder: Feeder) -> mpsc::Receiver<Bytes> {
    let (events, received) = mpsc::channel(STREAM_BACKLOG);
    std::thread::spawn(move || feeder.run(|batch| events.blocking_send(Bytes::from(batch)).is_ok()));
    received
}
