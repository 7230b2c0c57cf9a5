//! A logged-in connection to an impCentral API: it logs in as impt does (`POST /auth`
//! with a user and password, or `POST /auth/token` with a login key), renews its access
//! token when the server refuses it (expired, or forgotten by a restarted server) with
//! the refresh token, else by logging in again, and waits out a server that is down:
//! a request that gets no answer is sent again, with backoff, until the server answers
//! or `patience` runs out.

use crate::credentials::Credentials;
use impish_factory::cloud::CloudError;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::time::{Duration, Instant};

/// The longest a single request may take before it counts as unanswered.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The first wait before a request is sent again; each further one doubles, up to
/// `MAX_BACKOFF`.
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// A server's answer.
pub struct Answer {
    pub status: u16,
    /// The JSON body (null when empty).
    pub body: Value,
    /// An earlier sending of this request went unanswered: it may have been done.
    pub resent: bool,
}

impl Answer {
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The reason an unsuccessful answer gives (impCentral's first error's detail).
    pub fn refusal(&self) -> CloudError {
        let detail = match &self.body["errors"][0]["detail"] {
            Value::String(detail) => detail.clone(),
            _ => format!("the cloud answered {}", self.status),
        };
        CloudError::Refused { status: self.status, detail }
    }
}

#[derive(Default)]
struct Tokens {
    access: Option<String>,
    refresh: Option<String>,
}

pub struct Session {
    /// `http://HOST:PORT/v5`, without a trailing slash.
    endpoint: String,
    credentials: Credentials,
    agent: ureq::Agent,
    tokens: RefCell<Tokens>,
    patience: Duration,
}

impl Session {
    /// Logs in to the API at `endpoint`; requests wait up to `patience` for a server
    /// that does not answer.
    pub fn open(endpoint: &str, credentials: Credentials, patience: Duration) -> Result<Session, CloudError> {
        let config =
            ureq::Agent::config_builder().timeout_global(Some(REQUEST_TIMEOUT)).http_status_as_error(false).build();
        let session = Session {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            credentials,
            agent: config.into(),
            tokens: RefCell::default(),
            patience,
        };
        session.log_in()?;
        Ok(session)
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// `method path` (relative to the endpoint) with the account's access token.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Answer, CloudError> {
        let mut answer = self.send(method, path, true, body)?;
        if answer.status == 401 {
            self.renew()?;
            let resent = answer.resent;
            answer = self.send(method, path, true, body)?;
            answer.resent |= resent;
        }
        Ok(answer)
    }

    /// A new access token for the refresh token, or else by logging in again.
    fn renew(&self) -> Result<(), CloudError> {
        let refresh = self.tokens.borrow_mut().refresh.take();
        if let Some(token) = refresh {
            let answer = self.send("POST", "/auth/token", false, Some(&json!({ "token": token })))?;
            if answer.succeeded() {
                self.tokens.borrow_mut().refresh = Some(token);
                return self.keep(&answer);
            }
        }
        self.log_in()
    }

    fn log_in(&self) -> Result<(), CloudError> {
        let (path, body, what) = match &self.credentials {
            Credentials::Password { user, password } => {
                ("/auth", json!({ "id": user, "password": password }), "IMPT_USER and IMPT_PASSWORD")
            }
            Credentials::LoginKey(key) => ("/auth/token", json!({ "key": key }), "IMPT_LOGINKEY"),
        };
        let answer = self.send("POST", path, false, Some(&body))?;
        if !answer.succeeded() {
            let why = answer.refusal();
            return Err(CloudError::Refused { status: answer.status, detail: format!("{what}: {why}") });
        }
        self.keep(&answer)
    }

    /// Keeps the tokens a login or renewal answered with.
    fn keep(&self, answer: &Answer) -> Result<(), CloudError> {
        let access = answer.body["access_token"].as_str().ok_or_else(|| CloudError::Refused {
            status: answer.status,
            detail: format!("{}: the login answer has no access token", self.endpoint),
        })?;
        let mut tokens = self.tokens.borrow_mut();
        tokens.access = Some(access.to_string());
        if let Some(refresh) = answer.body["refresh_token"].as_str() {
            tokens.refresh = Some(refresh.to_string());
        }
        Ok(())
    }

    /// Sends until the server answers (with backoff), or fails once `patience` has
    /// passed since the first try.
    fn send(&self, method: &str, path: &str, authorized: bool, body: Option<&Value>) -> Result<Answer, CloudError> {
        let started = Instant::now();
        let mut backoff = FIRST_BACKOFF;
        let mut resent = false;
        loop {
            let token = if authorized { self.tokens.borrow().access.clone() } else { None };
            match self.send_once(method, path, token.as_deref(), body) {
                Ok((status, body)) => return Ok(Answer { status, body, resent }),
                Err(why) if started.elapsed() >= self.patience => {
                    return Err(CloudError::Unreachable(format!(
                        "the cloud at {} has not answered {method} {path} for {}: {why}",
                        self.endpoint,
                        humantime::format_duration(self.patience)
                    )))
                }
                Err(_) => {
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    resent = true;
                }
            }
        }
    }

    /// One sending: the status and JSON body, or why no answer came.
    fn send_once(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<(u16, Value), String> {
        let url = format!("{}{path}", self.endpoint);
        let mut request = ureq::http::Request::builder().method(method).uri(&url);
        request = request.header("Content-Type", "application/vnd.api+json");
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let text = body.map(Value::to_string).unwrap_or_default();
        let request = request.body(text).map_err(|e| e.to_string())?;
        let mut response = self.agent.run(request).map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().map_err(|e| e.to_string())?;
        let body = match text.trim().is_empty() {
            true => Value::Null,
            false => serde_json::from_str(&text).map_err(|e| format!("{method} {path}: not JSON: {e}"))?,
        };
        Ok((status, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// A loopback address nothing listens on (yet).
    fn free_address() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback listener");
        listener.local_addr().expect("an address").to_string()
    }

    fn login_key() -> Credentials {
        Credentials::LoginKey("key".into())
    }

    #[test]
    fn a_server_that_never_answers_is_an_error_once_patience_runs_out() {
        let endpoint = format!("http://{}/v5", free_address());
        let started = Instant::now();
        let opened = Session::open(&endpoint, login_key(), Duration::from_millis(300));
        let waited = started.elapsed();
        let Err(CloudError::Unreachable(why)) = opened else { panic!("not unreachable") };
        assert!(
            why.starts_with(&format!("the cloud at {endpoint} has not answered POST /auth/token for 300ms")),
            "{why}"
        );
        assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(5), "{waited:?}");
    }

    #[test]
    fn a_request_waits_for_a_server_that_comes_up_late() {
        let address = free_address();
        let late = address.clone();
        let server = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(400));
            let listener = TcpListener::bind(&late).expect("the address again");
            let (stream, _) = listener.accept().expect("the login");
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let body = r#"{"access_token":"a","expires_in":60}"#;
            let answer = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len());
            reader.get_mut().write_all(answer.as_bytes()).expect("an answer");
        });
        let session = Session::open(&format!("http://{address}/v5"), login_key(), Duration::from_secs(10));
        server.join().expect("the late server");
        assert_eq!(session.map(|s| s.tokens.borrow().access.clone()).ok().flatten(), Some("a".to_string()));
    }
}
