//! The HTTP side: requests as the handlers see them, responses, and serving: every
//! connection is read on a thread of its own (`connection`), so one a client keeps open
//! idle holds up nothing else, and a few serving threads answer the requests, each with
//! a `Server` on a store connection of its own, so a slow request (a webhook POST
//! waiting for its receiver) holds up only its own thread.

use super::connection::{converse, Job, Outcome};
use super::error::ApiError;
use super::logstream::StoreOpener;
use super::Server;
use serde_json::Value;
use std::net::TcpListener;
use std::sync::mpsc::{channel, Receiver};
use std::sync::Mutex;

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
    pub fn serve(&self, mut server: Server, workers: usize, open: &StoreOpener) -> Result<(), String> {
        let (jobs, queue) = channel::<Job>();
        let queue = Mutex::new(queue);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                // A failed accept (the client gave up, too many open files) loses only
                // that connection.
                for stream in self.0.incoming().flatten() {
                    let jobs = jobs.clone();
                    std::thread::spawn(move || converse(stream, jobs));
                }
            });
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

/// Answers the requests the connections queue, one at a time.
fn serve_on(server: &mut Server, queue: &Mutex<Receiver<Job>>) {
    loop {
        // One thread waits at the queue at a time; a thread that panicked held no job.
        let job = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).recv();
        let Ok(Job { request, reply }) = job else { return };
        let refusal = |e: ApiError| Outcome::Respond(Response { status: e.status, body: Some(e.body()) });
        let outcome = match request {
            Err(e) => refusal(e),
            // A log stream takes the connection over.
            Ok(request) => match server.stream_request(&request) {
                Some(Ok(feeder)) => Outcome::Stream(feeder),
                Some(Err(e)) => refusal(e),
                None => server.handle(&request).map_or_else(refusal, Outcome::Respond),
            },
        };
        // A client that went away is nothing to report.
        let _ = reply.send(outcome);
    }
}
