//! One client's HTTP/1.1 connection, on a thread of its own for as long as the client
//! keeps it open: its requests are read (httparse reads each head; bodies come with a
//! `Content-Length` or chunked), handed to the serving threads one at a time, and their answers
//! written back; a log stream takes the connection over. A connection quiet for
//! `IDLE` is closed.

use super::error::ApiError;
use super::http::{Request, Response};
use super::logstream::Feeder;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc::{channel, Sender};
use std::time::Duration;

/// The most a request body may hold (deployments carry source code).
const MAX_BODY: usize = 16 << 20;
/// The most a request head (request line and headers) may hold.
const MAX_HEAD: usize = 64 << 10;
const MAX_HEADERS: usize = 64;
/// How long a connection may wait for its next request.
const IDLE: Duration = Duration::from_secs(60);

/// What a serving thread makes of a request.
pub enum Outcome {
    Respond(Response),
    /// The connection becomes this log stream.
    Stream(Feeder),
}

/// A request for the serving threads, and where its outcome goes.
pub struct Job {
    pub request: Result<Request, ApiError>,
    pub reply: Sender<Outcome>,
}

/// A request as read: its parts, or the error to answer before closing.
struct Incoming {
    request: Result<Request, ApiError>,
    keep_alive: bool,
}

/// Serves `stream`'s requests through `jobs` until the client closes it, goes quiet or
/// sends something that is not HTTP/1.1.
pub fn converse(stream: TcpStream, jobs: Sender<Job>) {
    let _ = stream.set_read_timeout(Some(IDLE));
    // Answers go out whole as soon as written (a log stream's lines too).
    let _ = stream.set_nodelay(true);
    let Ok(reading) = stream.try_clone() else { return };
    let (mut reader, mut writer) = (BufReader::new(reading), stream);
    while let Some(read) = read_request(&mut reader, &mut writer) {
        let (reply, outcome) = channel();
        if jobs.send(Job { request: read.request, reply }).is_err() {
            return;
        }
        match outcome.recv() {
            Ok(Outcome::Respond(response)) => {
                if write_response(&mut writer, response, read.keep_alive).is_err() || !read.keep_alive {
                    return;
                }
            }
            Ok(Outcome::Stream(feeder)) => return feeder.run(Box::new(writer)),
            Err(_) => return,
        }
    }
}

/// The next request, or `None` when the connection is over.
fn read_request(reader: &mut BufReader<TcpStream>, writer: &mut TcpStream) -> Option<Incoming> {
    let head = read_head(reader)?;
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let Ok(httparse::Status::Complete(_)) = parsed.parse(&head) else {
        let _ = write_response(writer, refusal(ApiError::bad_request("malformed HTTP request")), false);
        return None;
    };
    let (method, path) = (parsed.method.unwrap_or_default().to_string(), parsed.path.unwrap_or_default().to_string());
    let headers: Vec<(String, String)> = (parsed.headers.iter())
        .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).trim().to_string()))
        .collect();
    let header =
        |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.to_ascii_lowercase());
    let keep_alive = match (parsed.version, header("Connection")) {
        (_, Some(c)) if c.contains("close") => false,
        (Some(1), _) => true,
        (_, Some(c)) => c.contains("keep-alive"),
        _ => false,
    };
    let chunked = header("Transfer-Encoding").is_some_and(|t| t.ends_with("chunked"));
    let length = header("Content-Length").map_or(Some(0), |l| l.parse::<usize>().ok());
    let Some(length) = length.filter(|&l| l <= MAX_BODY) else {
        let _ = write_response(writer, refusal(ApiError::bad_request("a bad or too large Content-Length")), false);
        return None;
    };
    if header("Expect").is_some_and(|e| e == "100-continue") {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").ok()?;
    }
    let body = match chunked {
        true => read_chunked(reader)?,
        false => {
            let mut body = vec![0; length];
            reader.read_exact(&mut body).ok()?;
            body
        }
    };
    Some(Incoming { request: Request::new(&method, &path, headers, &body), keep_alive })
}

/// The request line and headers, through the blank line that ends them (`None` at the
/// end of the connection, after a quiet `IDLE`, or for an oversized head).
fn read_head(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    loop {
        let start = head.len();
        let read = reader.by_ref().take((MAX_HEAD - start) as u64).read_until(b'\n', &mut head).ok()?;
        let line = &head[start..];
        match (read, line) {
            (0, _) => return None,
            // Blank lines before a request are allowed (RFC 9112 §2.2).
            (_, b"\r\n" | b"\n") if start == 0 => head.clear(),
            (_, b"\r\n" | b"\n") => return Some(head),
            _ if head.len() >= MAX_HEAD => return None,
            _ => {}
        }
    }
}

/// A chunked body (RFC 9112 §7.1): chunks, each its size in hex on a line of its own,
/// up to a chunk of size 0 and the trailer lines (ignored); `None` if malformed or over
/// `MAX_BODY`.
fn read_chunked(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        reader.by_ref().take(1024).read_line(&mut line).ok()?;
        let size = line.split(';').next().map(str::trim).and_then(|s| usize::from_str_radix(s, 16).ok())?;
        if size == 0 {
            break;
        }
        if body.len() + size > MAX_BODY {
            return None;
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..]).ok()?;
        let mut end = [0; 2];
        reader.read_exact(&mut end).ok().filter(|()| &end == b"\r\n")?;
    }
    // Trailer lines, up to the blank line.
    loop {
        line.clear();
        if reader.by_ref().take(MAX_HEAD as u64).read_line(&mut line).ok()? == 0 || line.trim().is_empty() {
            return Some(body);
        }
    }
}

fn refusal(e: ApiError) -> Response {
    Response { status: e.status, body: Some(e.body()) }
}

fn write_response(writer: &mut TcpStream, response: Response, keep_alive: bool) -> std::io::Result<()> {
    let reason = ureq::http::StatusCode::from_u16(response.status).ok().and_then(|s| s.canonical_reason());
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, reason.unwrap_or_default());
    let body = response.body.map(|b| b.to_string()).unwrap_or_default();
    if response.status != 204 {
        head.push_str(&format!("Content-Type: application/vnd.api+json\r\nContent-Length: {}\r\n", body.len()));
    }
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    head.push_str(&body);
    // One write: split in two, Nagle's algorithm would hold the body back for an ACK.
    writer.write_all(head.as_bytes())?;
    writer.flush()
}
