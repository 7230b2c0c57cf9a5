//! `/impish/devices`: impish's stand-in for the channel between an imp and impCentral.
//!
//! Real imps reach the cloud over a connection of their own, not the public API: they
//! appear, ask for factory enrolment tokens, enrol, are blessed, activated and log. A
//! line running against this server (`impish line --cloud http://...`) simulates its
//! imps itself and does those acts here, as the account whose token it holds: a device
//! it acts for is that account's, or in no account yet (a unit before enrolment), and an
//! enrolment token must be one of the account's fixtures'. Bodies are the cloud's own
//! entities as JSON (impish talks to impish here; nothing else uses these routes).
//!
//! - `POST /impish/devices` (a `NewDevice`, in no account): a new imp appears
//! - `GET /impish/devices/ID`: the whole `Device`, its fixture and enrolment too
//! - `POST /impish/devices/ID/factory_token`: `{"token": ...}` for a fixture
//! - `POST /impish/devices/ID/enrol {"token"}`: the `Enrolment`
//! - `POST /impish/devices/ID/bless {"passed"}`: the `BlessOutcome` (the blessing
//!   webhooks fire here, as impCentral fires them)
//! - `POST /impish/devices/ID/activate`
//! - `POST /impish/devices/ID/logs` (a `LogEntry`)

use super::{now, ApiError, Reply, Request, Response, Server};
use impish_factory::cloud::rules::token_issued_to;
use impish_factory::cloud::*;
use serde::de::DeserializeOwned;
use serde_json::json;

/// The request body as `T`.
fn body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    serde_json::from_value(request.body.clone()).map_err(|e| ApiError::bad_request(format!("malformed body: {e}")))
}

fn reply(value: impl serde::Serialize) -> Reply {
    serde_json::to_value(value).map(Response::ok).map_err(|e| ApiError::bad_request(e.to_string()))
}

impl Server {
    /// A device the account may act for: its own, or one in no account yet.
    fn reachable_device(&self, account: AccountId, id: &str) -> Result<Device, ApiError> {
        let device = self.cloud.device(&DeviceId::new(id)).ok();
        device.filter(|d| d.account.is_none_or(|a| a == account)).ok_or_else(|| ApiError::not_found("device", id))
    }

    pub(super) fn imps(&mut self, request: &Request, account: AccountId, path: &[&str]) -> Reply {
        match (request.method.as_str(), path) {
            ("POST", ["devices"]) => {
                let device = NewDevice { account: None, ..body(request)? };
                self.cloud.register_device(device)?;
                Ok(Response::no_content())
            }
            ("GET", ["devices", id]) => reply(self.reachable_device(account, id)?),
            ("POST", ["devices", id, "factory_token"]) => {
                let fixture = self.own_device(account, id)?;
                Ok(Response::ok(json!({ "token": self.cloud.factory_token(&fixture.id, now())? })))
            }
            ("POST", ["devices", id, "enrol"]) => {
                let dut = self.reachable_device(account, id)?;
                let token = request.body["token"].as_str().unwrap_or_default();
                let fixtures = self.cloud.devices(account)?;
                if !fixtures.iter().any(|f| token_issued_to(token, &f.id)) {
                    return Err(CloudError::UnknownToken.into());
                }
                reply(self.cloud.enrol(token, &dut.id, now())?)
            }
            ("POST", ["devices", id, "bless"]) => {
                let dut = self.own_device(account, id)?;
                let passed = request.body["passed"]
                    .as_bool()
                    .ok_or_else(|| ApiError::bad_request("passed (true or false) is required"))?;
                reply(self.cloud.bless(&dut.id, passed, now())?)
            }
            ("POST", ["devices", id, "activate"]) => {
                let device = self.own_device(account, id)?;
                self.cloud.activate(&device.id, now())?;
                Ok(Response::no_content())
            }
            ("POST", ["devices", id, "logs"]) => {
                let device = self.reachable_device(account, id)?;
                self.cloud.log(LogEntry { device: device.id, ..body(request)? })?;
                Ok(Response::no_content())
            }
            _ => Err(self.no_route(request)),
        }
    }
}
