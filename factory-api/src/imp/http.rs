//! Agent HTTP as data: the requests agents make and answer, and the client that
//! reaches URLs outside the simulation.
//!
//! Requests to an agent URL of the simulation never leave it: the runtime routes them
//! to that agent's `http.onrequest` as events. Anything else goes through an
//! `HttpClient`, which is off by default (`NoHttp`), so a run never touches the
//! network unless asked to. A refused or failed request answers with status code 0
//! (the imp reports transport failures as codes below 100) and the reason as its body.

use std::time::Duration;

/// Status code of a request that never reached a server.
pub const NO_RESPONSE: u16 = 0;

/// Status code of a request that got no answer in time: libcurl's
/// `CURLE_OPERATION_TIMEDOUT` (the imp reports transport errors as libcurl codes).
pub const TIMED_OUT: u16 = 28;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// Upper-case verb, as `request.method` shows it.
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A request that failed before any server answered.
    pub fn failed(why: &str) -> HttpResponse {
        HttpResponse { status: NO_RESPONSE, headers: Vec::new(), body: why.as_bytes().to_vec() }
    }

    /// A request that got no answer before its timeout.
    pub fn timed_out() -> HttpResponse {
        HttpResponse { status: TIMED_OUT, headers: Vec::new(), body: b"Operation timed out".to_vec() }
    }
}

/// Reaches URLs outside the simulation.
pub trait HttpClient {
    fn send(&mut self, request: &HttpRequest) -> HttpResponse;
}

/// The default: outside HTTP is off.
pub struct NoHttp;

impl HttpClient for NoHttp {
    fn send(&mut self, request: &HttpRequest) -> HttpResponse {
        HttpResponse::failed(&format!("outside HTTP is off in this simulation: {} {}", request.method, request.url))
    }
}

/// Real requests over plain HTTP, with a bounded timeout.
pub struct UreqClient {
    agent: ureq::Agent,
}

impl UreqClient {
    pub fn new(timeout: Duration) -> UreqClient {
        let config = ureq::Agent::config_builder().timeout_global(Some(timeout)).http_status_as_error(false).build();
        UreqClient { agent: config.into() }
    }
}

impl HttpClient for UreqClient {
    fn send(&mut self, request: &HttpRequest) -> HttpResponse {
        let mut builder = ureq::http::Request::builder().method(request.method.as_str()).uri(&request.url);
        for (k, v) in &request.headers {
            builder = builder.header(k, v);
        }
        let result = builder
            .body(request.body.clone())
            .map_err(|e| e.to_string())
            .and_then(|r| self.agent.run(r).map_err(|e| e.to_string()));
        match result {
            Ok(mut response) => {
                let headers = response
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                    .collect();
                let status = response.status().as_u16();
                match response.body_mut().read_to_vec() {
                    Ok(body) => HttpResponse { status, headers, body },
                    Err(e) => HttpResponse::failed(&e.to_string()),
                }
            }
            Err(why) => HttpResponse::failed(&why),
        }
    }
}

/// What an agent's `http.onrequest` handler sees of a request to its URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    pub method: String,
    /// From the `/` after the agent's id, without the query (`/` at least).
    pub path: String,
    /// The query string, still URL-encoded.
    pub query: String,
    /// Keys in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Incoming {
    /// `request` as the agent at `agent_url` receives it, if the URL is that agent's.
    pub fn for_agent(request: &HttpRequest, agent_url: &str) -> Option<Incoming> {
        let rest = request.url.strip_prefix(agent_url)?;
        if !(rest.is_empty() || rest.starts_with(['/', '?'])) {
            return None;
        }
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        Some(Incoming {
            method: request.method.clone(),
            path: if path.is_empty() { "/".into() } else { path.into() },
            query: query.into(),
            headers: request.headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect(),
            body: request.body.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(url: &str) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            url: url.into(),
            headers: vec![("X-Test".into(), "1".into())],
            body: vec![],
        }
    }

    #[test]
    fn requests_to_an_agent_url_are_split_into_path_and_query() {
        let base = "https://agent.electricimp.com/abc";
        let incoming = Incoming::for_agent(&get("https://agent.electricimp.com/abc/status?x=1&y=2"), base);
        let incoming = incoming.expect("the agent's URL");
        assert_eq!((incoming.path.as_str(), incoming.query.as_str()), ("/status", "x=1&y=2"));
        assert_eq!(incoming.headers, vec![("x-test".to_string(), "1".to_string())]);
        assert_eq!(Incoming::for_agent(&get(base), base).map(|i| i.path), Some("/".into()));
        assert!(Incoming::for_agent(&get("https://agent.electricimp.com/abcdef"), base).is_none());
    }

    #[test]
    fn outside_http_is_off_by_default() {
        let response = NoHttp.send(&get("http://example.com/"));
        assert_eq!(response.status, NO_RESPONSE);
        assert!(String::from_utf8_lossy(&response.body).contains("outside HTTP is off"));
    }
}
