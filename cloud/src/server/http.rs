//! The HTTP side: requests as the handlers see them, responses, and the serving loops:
//! a few threads take requests from one tiny_http listener, each with a `Server` on a
//! store connection of its own, so a slow request (a webhook POST waiting for its
//! receiver) holds up only its own thread.

use super::error::ApiError;
use super::logstream::StoreOpener;
use super::Server;
use serde_json::Value;
use std::io::Read;

/// The most a request body may hold (deployments carry source code).
const MAX_BODY: u64 = 16 << 20;

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

fn reply(request: tiny_http::Request, response: Response) {
    let body = response.body.map(|b| b.to_string()).unwrap_or_default();
    let content_type = "Content-Type: application/vnd.api+json".parse::<tiny_http::Header>();
    let mut out = tiny_http::Response::from_string(body).with_status_code(response.status);
    if let Ok(header) = content_type {
        out = out.with_header(header);
    }
    // A client that went away is nothing to report.
    let _ = request.respond(out);
}

/// A bound listening socket.
pub struct Listener(tiny_http::Server);

impl Listener {
    /// Listens on `address` (`HOST:PORT`; port 0 picks a free one).
    pub fn bind(address: &str) -> Result<Listener, String> {
        tiny_http::Server::http(address).map(Listener).map_err(|e| format!("cannot listen on {address}: {e}"))
    }

    /// The address it listens on, with the port it got.
    pub fn address(&self) -> String {
        match self.0.server_addr().to_ip() {
            Some(address) => address.to_string(),
            None => "(not an IP address)".into(),
        }
    }

    /// Serves requests on `workers` threads (at least one), `server` on this one and on
    /// the others servers sharing its state on store connections `open` makes, until
    /// the socket fails.
    pub fn serve(&self, mut server: Server, workers: usize, open: &StoreOpener) -> Result<(), String> {
        std::thread::scope(|scope| {
            for _ in 1..workers {
                let (shared, open) = (server.shared(), open.clone());
                scope.spawn(move || match open() {
                    Ok(cloud) => self.serve_on(&mut Server::sharing(shared, cloud)),
                    Err(e) => Err(format!("a serving thread cannot open the store: {e}")),
                });
            }
            self.serve_on(&mut server)
        })
    }

    /// Serves requests, one at a time, until the socket fails.
    fn serve_on(&self, server: &mut Server) -> Result<(), String> {
        loop {
            let mut request = self.0.recv().map_err(|e| e.to_string())?;
            let headers = request.headers().iter().map(|h| (h.field.to_string(), h.value.to_string())).collect();
            let (method, url) = (request.method().to_string(), request.url().to_string());
            let mut body = Vec::new();
            let read = request.as_reader().take(MAX_BODY).read_to_end(&mut body);
            let parsed = read
                .map_err(|e| ApiError::bad_request(format!("unreadable body: {e}")))
                .and_then(|_| Request::new(&method, &url, headers, &body));
            // A log stream's connection goes to a thread that feeds it.
            if let Some(feeder) = parsed.as_ref().ok().and_then(|r| server.stream_request(r)) {
                match feeder {
                    Ok(feeder) => {
                        let out = request.into_writer();
                        std::thread::spawn(move || feeder.run(out));
                    }
                    Err(e) => reply(request, Response { status: e.status, body: Some(e.body()) }),
                }
                continue;
            }
            let response = parsed
                .and_then(|r| server.handle(&r))
                .unwrap_or_else(|e| Response { status: e.status, body: Some(e.body()) });
            reply(request, response);
        }
    }
}
