//! `impish cloud serve`: the impCentral v5 REST API subset that impt and the
//! `imp-central-api` client use, over any `CloudBackend`. Every endpoint but login
//! needs a valid access token, and an account sees only its own entities (another
//! account's are "not found", as if they did not exist).

mod accounts;
mod auth;
mod deployments;
mod devices;
mod error;
mod groups;
mod http;
mod imps;
mod logstream;
mod products;
pub(crate) mod resources;
mod webhooks;

pub use error::ApiError;
pub use http::{Listener, Request, Response};
pub use logstream::StoreOpener;

use crate::devices::{Devices, Presence, Restart};
use auth::Sessions;
use impish_factory::cloud::*;
use resources::parse_id;
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What a request handler answers.
type Reply = Result<Response, ApiError>;

/// The API over one store connection. Several serve one listener, each on a thread and
/// a connection of its own, sharing the rest (`Shared`).
pub struct Server {
    cloud: Box<dyn CloudBackend>,
    shared: Shared,
}

/// What the servers of one listener share.
#[derive(Clone)]
pub struct Shared {
    sessions: Arc<Mutex<Sessions>>,
    streams: logstream::LogStreams,
    /// Where log streams read new lines from (no streams without one).
    log_source: Option<StoreOpener>,
    /// The simulated devices (none: devices never run, as when the store is only kept).
    devices: Option<Arc<Devices>>,
}

/// The cloud's clock: time since the Unix epoch, so what is kept stays in order across
/// restarts.
fn now() -> SimTime {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}

impl Server {
    /// A server on `cloud` whose access tokens last `token_lifetime`.
    pub fn new(cloud: Box<dyn CloudBackend>, token_lifetime: Duration) -> Server {
        let shared = Shared {
            sessions: Arc::new(Mutex::new(Sessions::new(token_lifetime))),
            streams: Default::default(),
            log_source: None,
            devices: None,
        };
        Server { cloud, shared }
    }

    /// Another server like this one (its sessions, streams and devices) on `cloud`.
    pub fn sharing(shared: Shared, cloud: Box<dyn CloudBackend>) -> Server {
        Server { cloud, shared }
    }

    pub fn shared(&self) -> Shared {
        self.shared.clone()
    }

    /// Serves log streams, each reading the store through a connection `open` makes.
    pub fn with_log_streams(mut self, open: StoreOpener) -> Server {
        self.shared.log_source = Some(open);
        self
    }

    /// Runs assigned devices on simulated imps behind the API.
    pub fn with_devices(mut self, devices: Devices) -> Server {
        self.shared.devices = Some(Arc::new(devices));
        self
    }

    fn sessions(&self) -> MutexGuard<'_, Sessions> {
        // Sessions change by single inserts: a panicking holder cannot leave one half-made.
        self.shared.sessions.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn restart(&self, restart: Restart) {
        if let Some(devices) = &self.shared.devices {
            devices.restart(restart);
        }
    }

    fn presence(&self, device: &DeviceId) -> Presence {
        self.shared.devices.as_ref().map(|d| d.presence(device)).unwrap_or_default()
    }

    pub fn handle(&mut self, request: &Request) -> Result<Response, ApiError> {
        let segments: Vec<&str> = request.segments.iter().map(String::as_str).collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("POST", ["auth"]) => return self.login(request),
            ("POST", ["auth", "token"]) => return self.token(request),
            _ => {}
        }
        let account = self.sessions().account_of(request.header("Authorization"))?;
        let rest = segments.get(1..).unwrap_or_default();
        let first = segments.first().copied();
        let reply = match first {
            Some("accounts") => self.accounts(request, account, rest),
            Some("products") => self.products(request, account, rest),
            Some("devicegroups") => self.groups(request, account, rest),
            Some("deployments") => self.deployments(request, account, rest),
            Some("devices") => self.devices(request, account, rest),
            Some("webhooks") => self.webhooks(request, account, rest),
            Some("logstream") => self.log_streams(request, account, rest),
            Some("impish") => self.imps(request, account, rest),
            _ => Err(self.no_route(request)),
        };
        // What devices run may have changed: assignments, deployments, groups.
        let moves_devices = matches!(first, Some("devicegroups" | "deployments" | "devices"));
        if let (Some(devices), true, true) = (&self.shared.devices, moves_devices, request.method != "GET") {
            if reply.is_ok() {
                devices.changed();
            }
        }
        reply
    }

    fn no_route(&self, request: &Request) -> ApiError {
        ApiError::route(&request.method, &format!("/v5/{}", request.segments.join("/")))
    }

    fn own_product(&self, account: AccountId, id: &str) -> Result<Product, ApiError> {
        parse_id("product", id)
            .and_then(|n| self.cloud.product(ProductId(n)).ok())
            .filter(|p| p.account == account)
            .ok_or_else(|| ApiError::not_found("product", id))
    }

    fn own_group(&self, account: AccountId, id: &str) -> Result<DeviceGroup, ApiError> {
        parse_id("devicegroup", id)
            .and_then(|n| self.owned_group(account, GroupId(n)))
            .ok_or_else(|| ApiError::not_found("device group", id))
    }

    /// The group, if it is one of the account's.
    fn owned_group(&self, account: AccountId, group: GroupId) -> Option<DeviceGroup> {
        self.cloud.group(group).ok().filter(|g| self.cloud.product(g.product).is_ok_and(|p| p.account == account))
    }

    fn own_deployment(&self, account: AccountId, id: &str) -> Result<(Deployment, DeviceGroup), ApiError> {
        let deployment = parse_id("deployment", id).and_then(|n| self.cloud.deployment(DeploymentId(n)).ok());
        deployment
            .and_then(|d| self.owned_group(account, d.group).map(|g| (d, g)))
            .ok_or_else(|| ApiError::not_found("deployment", id))
    }

    fn own_device(&self, account: AccountId, id: &str) -> Result<Device, ApiError> {
        self.cloud
            .device(&DeviceId::new(id))
            .ok()
            .filter(|d| d.account == Some(account))
            .ok_or_else(|| ApiError::not_found("device", id))
    }

    /// Every device group of the account's products.
    fn account_groups(&self, account: AccountId) -> Result<Vec<DeviceGroup>, ApiError> {
        let mut groups = Vec::new();
        for p in self.cloud.products(account)? {
            groups.extend(self.cloud.groups(p.id)?);
        }
        Ok(groups)
    }

    fn render_group(&self, group: &DeviceGroup, account: AccountId) -> Value {
        resources::device_group(group, account, |t| self.cloud.group(t).ok())
    }

    /// The device group a request's `relationships.devicegroup` names.
    fn related_group(&self, request: &Request, account: AccountId) -> Result<DeviceGroup, ApiError> {
        let id = request
            .relationship("devicegroup")?
            .ok_or_else(|| ApiError::bad_request("relationships.devicegroup is required"))?;
        self.own_group(account, &id)
    }
}
