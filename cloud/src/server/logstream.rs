//! Log streams (`impt log stream`): `POST /logstream` opens one, `PUT` and `DELETE
//! /logstream/ID/DEVICE` choose its devices, and `GET /logstream/ID` (no token: the id
//! is the secret, as impCentral's EventSource client sends none) is a server-sent event
//! stream of their new log lines. Each stream is fed by a thread of its own with its own
//! connection to the store, polling it, so lines logged by any process (a line running
//! against the same cloud) reach it.

use super::auth::new_token;
use super::{resources, ApiError, Reply, Request, Response, Server};
use impish_factory::cloud::{AccountId, CloudBackend, CloudError, DeviceId};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a stream looks for new lines.
const POLL: Duration = Duration::from_millis(200);
/// How often an idle stream sends a comment, to notice a client that went away.
const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// Opens a connection of a stream's own to the cloud's store.
pub type StoreOpener = Arc<dyn Fn() -> Result<Box<dyn CloudBackend>, CloudError> + Send + Sync>;

struct LogStream {
    account: AccountId,
    /// Its devices' ids (text: the map is shared between threads), each with how many
    /// of its lines it had when added (those are not sent).
    devices: Vec<(String, usize)>,
}

/// The open streams, shared with their feeding threads.
#[derive(Clone, Default)]
pub struct LogStreams(Arc<Mutex<HashMap<String, LogStream>>>);

impl LogStreams {
    fn with<T>(&self, change: impl FnOnce(&mut HashMap<String, LogStream>) -> T) -> T {
        // A feeding thread that panicked cannot have left a stream half-changed.
        let mut streams = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        change(&mut streams)
    }
}

impl Server {
    pub(super) fn log_streams(&mut self, request: &Request, account: AccountId, path: &[&str]) -> Reply {
        match (request.method.as_str(), path) {
            ("POST", []) => {
                let id = new_token();
                self.shared.streams.with(|s| s.insert(id.clone(), LogStream { account, devices: Vec::new() }));
                Ok(Response::created(json!({ "data": { "type": "logstream", "id": id } })))
            }
            ("PUT", [id, device]) => {
                let d = self.own_device(account, device)?;
                let already = self.cloud.logs_of(&d.id)?.len();
                self.change_devices(account, id, |devices| devices.push((d.id.to_string(), already)), device)
            }
            ("DELETE", [id, device]) => self.change_devices(account, id, |_| {}, device),
            ("DELETE", [id]) => match self.shared.streams.with(|s| s.remove(*id)) {
                Some(_) => Ok(Response::no_content()),
                None => Err(ApiError::not_found("log stream", id)),
            },
            _ => Err(self.no_route(request)),
        }
    }

    /// Takes `device` off the account's stream `id`, then lets `change` add what it will.
    fn change_devices(
        &self,
        account: AccountId,
        id: &str,
        change: impl FnOnce(&mut Vec<(String, usize)>),
        device: &str,
    ) -> Result<Response, ApiError> {
        let changed = self.shared.streams.with(|s| match s.get_mut(id).filter(|l| l.account == account) {
            Some(stream) => {
                stream.devices.retain(|(known, _)| known != device);
                change(&mut stream.devices);
                true
            }
            None => false,
        });
        match changed {
            true => Ok(Response::no_content()),
            false => Err(ApiError::not_found("log stream", id)),
        }
    }

    /// The stream `GET /logstream/ID` asks for, if that is what `request` is: a feeder to
    /// run on the request's connection.
    pub(super) fn stream_request(&self, request: &Request) -> Option<Result<Feeder, ApiError>> {
        let [first, id] = request.segments.as_slice() else { return None };
        if request.method != "GET" || first != "logstream" {
            return None;
        }
        let found = self.shared.streams.with(|s| s.contains_key(id.as_str()));
        Some(match (&self.shared.log_source, found) {
            (Some(open), true) => {
                Ok(Feeder { id: id.clone(), streams: self.shared.streams.clone(), open: open.clone() })
            }
            (None, _) => {
                Err(ApiError::new(501, "NotImplemented", "Not Implemented", "this server keeps no log streams"))
            }
            (_, false) => Err(ApiError::not_found("log stream", id)),
        })
    }
}

/// Feeds one stream's new log lines to its client.
pub struct Feeder {
    id: String,
    streams: LogStreams,
    open: StoreOpener,
}

impl Feeder {
    /// Sends the stream's events, a batch at a time, through `send` until it says the
    /// client went away (the stream goes with it) or the stream is closed.
    pub fn run(self, send: impl FnMut(String) -> bool) {
        self.feed(send);
        self.streams.with(|s| s.remove(&self.id));
    }

    fn feed(&self, mut send: impl FnMut(String) -> bool) {
        let Ok(cloud) = (self.open)() else { return };
        let mut sent: HashMap<String, usize> = HashMap::new();
        let mut quiet_since = Instant::now();
        loop {
            let Some(devices) = self.streams.with(|s| s.get(&self.id).map(|l| l.devices.clone())) else { return };
            let mut events = String::new();
            for (device, already) in devices {
                let Ok(logs) = cloud.logs_of(&DeviceId::new(&device)) else { continue };
                let from = *sent.get(&device).unwrap_or(&already);
                for entry in logs.iter().skip(from) {
                    events.push_str(&format!("event: message\ndata: {}\n\n", resources::log(entry)));
                }
                sent.insert(device, logs.len().max(from));
            }
            if events.is_empty() && quiet_since.elapsed() >= KEEP_ALIVE {
                events.push_str(": still here\n\n");
            }
            if !events.is_empty() {
                quiet_since = Instant::now();
                if !send(events) {
                    return;
                }
            }
            std::thread::sleep(POLL);
        }
    }
}
