//! The agent's `http` table (imp-api.md §2.7): handling requests to the agent's URL,
//! making requests, and the JSON, URL and base64 codecs.
//!
//! `sendasync` queues the request for the run loop, which routes it to an agent of the
//! simulation or to the `HttpClient`; the answer comes back as an event. `sendsync`
//! cannot wait for another agent to run, so it reaches only the client (a request to
//! an agent URL answers with status 0 and says why).

use super::{global_table, method, number, text};
use crate::cloud::AGENT_URL_BASE;
use crate::imp::callbacks::{self, Kind};
use crate::imp::http::{HttpRequest, HttpResponse, Incoming};
use crate::imp::json;
use crate::imp::message::{bytes_of, new_blob};
use crate::imp::shared::{Event, Outgoing, Requester, Side};
use impish_vm::{Args, Fail, Value, Vm};

/// `sendasync`'s timeout when none is given (documented: ten minutes).
const DEFAULT_TIMEOUT_SECONDS: f64 = 600.0;

/// The `NO_TIMEOUT` constant (its value is ours).
pub(crate) const NO_TIMEOUT: f64 = -1.0;

/// Where the response objects' methods live, in the VM's registry.
const RESPONSE_METHODS: &str = "impish.response";

/// The object `http.onrequest` handlers answer through.
struct Response {
    reply: Requester,
    headers: Vec<(String, String)>,
    sent: bool,
}

pub(super) fn install(vm: &mut Vm) {
    let http = global_table(vm, "http");
    method(vm, http, "onrequest", 2, ".c|o", |vm, args, _| {
        callbacks::set(vm, Kind::Request, Value::Int(0), args.get(vm, 1));
        Ok(Value::Null)
    });
    method(vm, http, "agenturl", 1, ".", move |vm, _, c| {
        let url = c.shared.borrow().identity.agent_url.clone();
        Ok(vm.string(&url))
    });
    install_requests(vm, http);
    install_response(vm);
    install_codecs(vm, http);
    super::hash::install(vm, http);
}

/// `http.get/post/put/httpdelete/request` and the request object they return.
fn install_requests(vm: &mut Vm, http: Value) {
    let methods = vm.new_table();
    // Only the natives below hold the request methods, so the collector must not.
    vm.pin(methods);
    // (name, verb, whether it takes a body); `request` names its verb.
    for (name, verb, body) in
        [("get", "GET", false), ("post", "POST", true), ("put", "PUT", true), ("httpdelete", "DELETE", false)]
    {
        let nparams = if body { 4 } else { -2 };
        method(vm, http, name, nparams, ".st|os", move |vm, args, _| {
            let request = request_of(vm, args, verb.to_string(), 1)?;
            Ok(vm.new_userdata(request, Some(methods)))
        });
    }
    method(vm, http, "request", 5, ".sst|os", move |vm, args, _| {
        let verb = text(vm, args.get(vm, 1)).to_ascii_uppercase();
        let request = request_of(vm, args, verb, 2)?;
        Ok(vm.new_userdata(request, Some(methods)))
    });
    // sendasync(done[, stream, timeout]): the whole answer arrives at once; a stream
    // callback gets its body (and `done` an empty one). Without an answer by the timeout
    // (600 s unless given; NO_TIMEOUT: none), `done` gets status 28, libcurl's timeout.
    method(vm, methods, "sendasync", -2, ".cc|on", move |vm, args, c| {
        let request = this_request(vm, args)?;
        let timeout = if args.len() > 3 { number(args.get(vm, 3)) } else { Some(DEFAULT_TIMEOUT_SECONDS) };
        let timeout = match timeout {
            Some(NO_TIMEOUT) => None,
            Some(t) if t >= 0.0 => Some(t),
            _ => return Err(vm.error("sendasync: the timeout must be seconds >= 0, or NO_TIMEOUT")),
        };
        let mut shared = c.shared.borrow_mut();
        let callback = shared.callback_id(Side::Agent);
        let generation = shared.side(Side::Agent).generation;
        shared.outbox.push(Outgoing::Http { request, generation, callback });
        if let Some(seconds) = timeout {
            let timer = shared.scheduler.after(seconds, Event::HttpTimeout { generation, callback });
            shared.http_timeouts.insert(callback, timer);
        }
        drop(shared);
        callbacks::set(vm, Kind::Pending, Value::Int(callback), args.get(vm, 1));
        if args.len() > 2 {
            callbacks::set(vm, Kind::Stream, Value::Int(callback), args.get(vm, 2));
        }
        Ok(Value::Null)
    });
    method(vm, methods, "sendsync", 1, ".", move |vm, args, c| {
        let request = this_request(vm, args)?;
        let response = if request.url.starts_with(AGENT_URL_BASE) {
            HttpResponse::failed("sendsync cannot reach an agent in the simulation; use sendasync")
        } else {
            let client = c.shared.borrow().http_client.clone();
            let response = client.borrow_mut().send(&request);
            response
        };
        Ok(response_table(vm, &response))
    });
}

/// A request from `(url, headers[, body])` at argument `first`.
fn request_of(vm: &mut Vm, args: Args, method: String, first: usize) -> Result<HttpRequest, Fail> {
    let url = text(vm, args.get(vm, first));
    let headers = string_pairs(vm, args.get(vm, first + 1));
    let body =
        if args.len() > first + 2 { bytes_of(vm, args.get(vm, first + 2)).unwrap_or_default() } else { Vec::new() };
    Ok(HttpRequest { method, url, headers, body })
}

fn this_request(vm: &mut Vm, args: Args) -> Result<HttpRequest, Fail> {
    let this = args.this(vm);
    let request = vm.userdata::<HttpRequest>(this).cloned();
    request.ok_or_else(|| vm.error("method called on the wrong object"))
}

/// A table's entries as text pairs, in table order (null gives none).
fn string_pairs(vm: &Vm, table: Value) -> Vec<(String, String)> {
    let Some(entries) = vm.table_entries(vm.resolve(table)) else { return Vec::new() };
    entries.map(|(k, v)| (text(vm, k), text(vm, v))).collect()
}

/// A table of `pairs`, in their order.
fn table_of(vm: &mut Vm, pairs: &[(String, String)]) -> Value {
    let table = vm.new_table();
    for (k, v) in pairs {
        let (k, v) = (vm.string(k), vm.string(v));
        vm.table_set(table, k, v);
    }
    table
}

fn set(vm: &mut Vm, table: Value, key: &str, value: Value) {
    let key = vm.string(key);
    vm.table_set(table, key, value);
}

/// `{statuscode, headers, body}`, as `sendsync` returns and `sendasync` passes on.
pub(crate) fn response_table(vm: &mut Vm, response: &HttpResponse) -> Value {
    let table = vm.new_table();
    set(vm, table, "statuscode", Value::Int(response.status.into()));
    let headers = table_of(vm, &response.headers);
    set(vm, table, "headers", headers);
    let body = vm.bytes(&response.body);
    set(vm, table, "body", body);
    table
}

/// `{method, path, query, headers, body}`, as `http.onrequest` handlers receive it.
pub(crate) fn request_table(vm: &mut Vm, incoming: &Incoming) -> Value {
    let table = vm.new_table();
    let method = vm.string(&incoming.method);
    set(vm, table, "method", method);
    let path = vm.string(&incoming.path);
    set(vm, table, "path", path);
    let query = table_of(vm, &url_decode(&incoming.query));
    set(vm, table, "query", query);
    let headers = table_of(vm, &incoming.headers);
    set(vm, table, "headers", headers);
    let body = vm.bytes(&incoming.body);
    set(vm, table, "body", body);
    table
}

/// A fresh response object that answers to `reply`.
pub(crate) fn new_response(vm: &mut Vm, reply: Requester) -> Value {
    let registry = vm.registry();
    let key = vm.string(RESPONSE_METHODS);
    let methods = vm.table_get(registry, key);
    vm.new_userdata(Response { reply, headers: Vec::new(), sent: false }, methods)
}

fn install_response(vm: &mut Vm) {
    let methods = vm.new_table();
    method(vm, methods, "header", 3, ".ss|n", |vm, args, _| {
        let (k, v) = (text(vm, args.get(vm, 1)), text(vm, args.get(vm, 2)));
        let this = args.this(vm);
        match vm.userdata_mut::<Response>(this) {
            Some(response) => response.headers.push((k.to_ascii_lowercase(), v)),
            None => return Err(vm.error("method called on the wrong object")),
        }
        Ok(Value::Null)
    });
    // A second send on one response does nothing: the first answer has gone.
    method(vm, methods, "send", 3, ".ns|x", move |vm, args, c| {
        let status = number(args.get(vm, 1)).unwrap_or(0.0).clamp(0.0, 999.0) as u16;
        let body = bytes_of(vm, args.get(vm, 2)).unwrap_or_default();
        let this = args.this(vm);
        let Some(response) = vm.userdata_mut::<Response>(this) else {
            return Err(vm.error("method called on the wrong object"));
        };
        if !response.sent {
            response.sent = true;
            let answer = HttpResponse { status, headers: response.headers.clone(), body };
            c.shared.borrow_mut().outbox.push(Outgoing::Reply { to: response.reply.clone(), response: answer });
        }
        Ok(Value::Null)
    });
    let registry = vm.registry();
    let key = vm.string(RESPONSE_METHODS);
    vm.table_set(registry, key, methods);
}

/// Whether `response` (a value from `new_response`) has been answered.
pub(crate) fn response_sent(vm: &Vm, response: Value) -> bool {
    vm.userdata::<Response>(response).is_none_or(|r| r.sent)
}

fn install_codecs(vm: &mut Vm, http: Value) {
    method(vm, http, "jsonencode", -2, "..t", |vm, args, _| {
        let compact = args.len() > 2 && {
            let (settings, key) = (args.get(vm, 2), vm.string("compact"));
            matches!(vm.table_get(settings, key), Some(Value::Bool(true)))
        };
        match json::encode(vm, args.get(vm, 1), compact) {
            Ok(text) => Ok(vm.bytes(&text)),
            Err(why) => Err(vm.error(format!("http.jsonencode: {why}"))),
        }
    });
    method(vm, http, "jsondecode", 2, ".s", |vm, args, _| {
        let text = vm.str_bytes(args.get(vm, 1)).map(<[u8]>::to_vec).unwrap_or_default();
        json::decode(vm, &text)
    });
    method(vm, http, "urlencode", 2, ".t", |vm, args, _| {
        let pairs = string_pairs(vm, args.get(vm, 1));
        Ok(vm.string(&form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()))
    });
    method(vm, http, "urldecode", 2, ".s", |vm, args, _| {
        let text = text(vm, args.get(vm, 1));
        Ok(table_of(vm, &url_decode(&text)))
    });
    method(vm, http, "base64encode", 2, ".s|x", |vm, args, _| {
        let bytes = bytes_of(vm, args.get(vm, 1)).unwrap_or_default();
        Ok(vm.string(&base64_encode(&bytes)))
    });
    method(vm, http, "base64decode", 2, ".s", |vm, args, _| {
        let text = vm.str_bytes(args.get(vm, 1)).map(<[u8]>::to_vec).unwrap_or_default();
        new_blob(vm, &base64_decode(&text))
    });
}

/// `a=1&b=x+y` as pairs; `+` is a space, `%XX` a byte.
fn url_decode(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Standard base64; decoding accepts missing padding and stray low bits.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

fn base64_encode(bytes: &[u8]) -> String {
    base64::Engine::encode(&BASE64, bytes)
}

/// Decodes leniently, as MIME does (RFC 2045 6.8): characters outside the alphabet
/// are ignored and `=` ends the data; a last lone character (too short for a byte) is
/// dropped. Never fails: Rocky's tests send `Authorization: Basic wrong` and, on
/// real agents, get the 401 of a bad password, not the 500 of an exception.
fn base64_decode(text: &[u8]) -> Vec<u8> {
    let is_digit = |c: &u8| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/';
    let mut digits: Vec<u8> = text.iter().take_while(|&&c| c != b'=').filter(|c| is_digit(c)).copied().collect();
    if digits.len() % 4 == 1 {
        digits.pop();
    }
    base64::Engine::decode(&BASE64, digits).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for (plain, coded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg==")] {
            assert_eq!(base64_encode(plain.as_bytes()), coded);
            assert_eq!(base64_decode(coded.as_bytes()), plain.as_bytes());
        }
    }

    /// RFC 2045 6.8's leniency (the imp's is inferred from Rocky's tests, which pass on
    /// real agents with `Basic wrong`): what is decodable is decoded.
    #[test]
    fn base64_decoding_is_lenient() {
        assert_eq!(base64_decode(b"Zm9v\r\nYmFy"), b"foobar", "line breaks ignored");
        assert_eq!(base64_decode(b"Zm9v!YmFy"), b"foobar", "a stray character ignored");
        assert_eq!(base64_decode(b"Zm8=Zm9v"), b"fo", "padding ends the data");
        assert_eq!(base64_decode(b"wrong"), b"\xc2\xba\x27", "a last lone character dropped");
        assert_eq!(base64_decode(b"Zh"), b"f", "stray low bits of the last byte ignored");
        assert_eq!(base64_decode(b"Z"), b"");
    }

    #[test]
    fn url_decoding() {
        let pairs = url_decode("a=1&b=x+y%21&flag&");
        let expected = [("a", "1"), ("b", "x y!"), ("flag", "")];
        assert_eq!(pairs, expected.map(|(k, v)| (k.to_string(), v.to_string())));
        let encoded = form_urlencoded::Serializer::new(String::new()).append_pair("x y", "&z").finish();
        assert_eq!(url_decode(&encoded), [("x y".to_string(), "&z".to_string())]);
    }
}
