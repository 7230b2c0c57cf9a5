//! Delivering webhooks: when a device group's webhook fires, impCentral POSTs the
//! event's fields to its URL, as JSON (the default) or form-encoded.
//!
//! `MemoryCloud` always records what fired; it POSTs only when given a sink, so a
//! simulation never reaches the network unless asked to.

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ContentType {
    #[default]
    Json,
    Form,
}

impl ContentType {
    pub fn mime(self) -> &'static str {
        match self {
            ContentType::Json => "application/json",
            ContentType::Form => "application/x-www-form-urlencoded",
        }
    }

    /// The content type whose `mime` is `mime`.
    pub fn from_mime(mime: &str) -> Option<ContentType> {
        [ContentType::Json, ContentType::Form].into_iter().find(|c| c.mime() == mime)
    }

    /// The request body for `fields`, in their order.
    pub fn body(self, fields: &[(String, String)]) -> Vec<u8> {
        match self {
            ContentType::Json => {
                let object: serde_json::Map<String, serde_json::Value> =
                    fields.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
                serde_json::Value::Object(object).to_string().into_bytes()
            }
            ContentType::Form => {
                form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish().into_bytes()
            }
        }
    }
}

/// Where fired webhooks go.
pub trait WebhookSink {
    /// POSTs `body` to `url`; the HTTP status, or why it could not be delivered.
    fn post(&mut self, url: &str, content_type: ContentType, body: &[u8]) -> Result<u16, String>;
}

/// Real HTTP POSTs (plain HTTP; a bounded timeout so a dead endpoint cannot stall a run).
pub struct HttpSink {
    agent: ureq::Agent,
}

impl HttpSink {
    pub fn new(timeout: Duration) -> HttpSink {
        let config = ureq::Agent::config_builder().timeout_global(Some(timeout)).http_status_as_error(false).build();
        HttpSink { agent: config.into() }
    }
}

impl WebhookSink for HttpSink {
    fn post(&mut self, url: &str, content_type: ContentType, body: &[u8]) -> Result<u16, String> {
        self.agent
            .post(url)
            .header("Content-Type", content_type.mime())
            .send(body)
            .map(|response| response.status().as_u16())
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;

    fn fields() -> Vec<(String, String)> {
        vec![("device_id".into(), "50000c2a69000002".into()), ("imp_id".into(), "a b&c".into())]
    }

    #[test]
    fn bodies_keep_field_order() {
        assert_eq!(ContentType::Json.body(&fields()), br#"{"device_id":"50000c2a69000002","imp_id":"a b&c"}"#);
        assert_eq!(ContentType::Form.body(&fields()), b"device_id=50000c2a69000002&imp_id=a+b%26c");
    }

    /// One request on a loopback listener, answered 204; returns (request line, body).
    fn serve_once(listener: TcpListener) -> std::thread::JoinHandle<(String, String)> {
        std::thread::spawn(move || {
            let Ok((stream, _)) = listener.accept() else { return Default::default() };
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let mut length = 0;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
                if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = reader.get_mut().write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
            (request_line.trim().to_string(), String::from_utf8_lossy(&body).into_owned())
        })
    }

    #[test]
    fn posts_to_a_loopback_endpoint() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback listener");
        let port = listener.local_addr().expect("address").port();
        let server = serve_once(listener);
        let mut sink = HttpSink::new(Duration::from_secs(5));
        let url = format!("http://127.0.0.1:{port}/hooks/blessing");
        let status = sink.post(&url, ContentType::Json, &ContentType::Json.body(&fields()));
        assert_eq!(status, Ok(204));
        let (request_line, body) = server.join().expect("server thread");
        assert_eq!(request_line, "POST /hooks/blessing HTTP/1.1");
        assert_eq!(body, r#"{"device_id":"50000c2a69000002","imp_id":"a b&c"}"#);
    }

    #[test]
    fn an_unreachable_endpoint_is_an_error_not_a_hang() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback listener");
        let port = listener.local_addr().expect("address").port();
        drop(listener);
        let mut sink = HttpSink::new(Duration::from_secs(2));
        assert!(sink.post(&format!("http://127.0.0.1:{port}/"), ContentType::Form, b"a=1").is_err());
    }
}
