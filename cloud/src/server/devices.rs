//! `/devices`: list, get, rename, remove from the account, restart, and their logs.

use super::resources;
use super::{Reply, Request, Response, Server};
use impish_factory::cloud::*;
use serde_json::{json, Value};

impl Server {
    fn render_device(&self, d: &Device) -> Value {
        let group = d.group.and_then(|g| self.cloud.group(g).ok());
        resources::device(d, group.as_ref())
    }

    pub(super) fn devices(&mut self, request: &Request, account: AccountId, path: &[&str]) -> Reply {
        match (request.method.as_str(), path) {
            ("GET", []) => {
                let devices = self.cloud.devices(account)?;
                let rendered = devices.iter().map(|d| self.render_device(d));
                let data = rendered.filter(|d| resources::passes(d, &request.query)).collect();
                Ok(Response::ok(resources::page(data, &request.query, "/devices")))
            }
            ("GET", [id]) => Ok(Response::ok(json!({ "data": self.render_device(&self.own_device(account, id)?) }))),
            ("PATCH", [id]) => {
                let d = self.own_device(account, id)?;
                if let Some(name) = request.attribute("name")? {
                    self.cloud.rename_device(&d.id, &name)?;
                }
                Ok(Response::ok(json!({ "data": self.render_device(&self.cloud.device(&d.id)?) })))
            }
            ("DELETE", [id]) => {
                let d = self.own_device(account, id)?;
                self.cloud.remove_device(&d.id)?;
                Ok(Response::no_content())
            }
            ("POST", [id, "restart" | "conditional_restart"]) => {
                self.own_device(account, id)?;
                Ok(Response::no_content())
            }
            ("GET", [id, "logs"]) => {
                let d = self.own_device(account, id)?;
                // Newest first, as impCentral pages a device's history.
                let logs: Vec<Value> = self.cloud.logs_of(&d.id)?.iter().rev().map(resources::log).collect();
                Ok(Response::ok(resources::page(logs, &request.query, &format!("/devices/{id}/logs"))))
            }
            _ => Err(self.no_route(request)),
        }
    }
}
