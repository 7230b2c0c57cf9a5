//! `/devicegroups`: the seven kinds, their targets and `load_code_after_blessing`,
//! device assignment (`relationships/devices`, unbonding with `X-Electricimp-Key`),
//! the minimum supported deployment and restarts.

use super::resources;
use super::{now, ApiError, Reply, Request, Response, Server};
use crate::devices::Restart;
use impish_factory::cloud::*;
use serde_json::{json, Value};

/// impt 2.6.1's `device unassign --unbond KEY` never sends the key (its `dg unassign`
/// does), so a production device's refusal says what works.
const NO_KEY_HINT: &str =
    ": `impt device unassign --unbond` (impt 2.6.1) does not send it; `impt dg unassign --dg GROUP --unbond KEY` does";

impl Server {
    /// The targets a request names, completed from `current` (a group's present ones).
    fn targets(
        &self,
        request: &Request,
        account: AccountId,
        current: Option<&DeviceGroup>,
    ) -> Result<Option<(GroupId, GroupId)>, ApiError> {
        let named = |name: &str| -> Result<Option<GroupId>, ApiError> {
            request.relationship(name)?.map(|id| self.own_group(account, &id).map(|g| g.id)).transpose()
        };
        let (dut, production) = (named("dut_target")?, named("production_target")?);
        if dut.is_none() && production.is_none() {
            return Ok(None);
        }
        let dut = dut.or(current.and_then(|g| g.dut_target));
        let production = production.or(current.and_then(|g| g.production_target));
        match (dut, production) {
            (Some(d), Some(p)) => Ok(Some((d, p))),
            _ => Err(ApiError::bad_request("a factory device group needs both a dut_target and a production_target")),
        }
    }

    fn group_document(&self, group: GroupId, account: AccountId) -> Result<Value, ApiError> {
        Ok(json!({ "data": self.render_group(&self.cloud.group(group)?, account) }))
    }

    fn create_group(&mut self, request: &Request, account: AccountId) -> Result<Response, ApiError> {
        let data = request.data()?;
        let kind = data["type"].as_str().and_then(GroupType::from_api_name);
        let kind = kind.ok_or_else(|| ApiError::bad_request(format!("unknown device group type {}", data["type"])))?;
        let product = request
            .relationship("product")?
            .ok_or_else(|| ApiError::bad_request("relationships.product is required"))?;
        let product = self.own_product(account, &product)?;
        let name = request.attribute("name")?.ok_or_else(|| ApiError::bad_request("a device group needs a name"))?;
        let targets = self.targets(request, account, None)?;
        let spec = NewGroup {
            description: request.attribute("description")?.unwrap_or_default(),
            load_code_after_blessing: request.bool_attribute("load_code_after_blessing")?.unwrap_or(true),
            ..NewGroup::new(product.id, &name, kind)
        };
        let id = self.cloud.create_group(spec)?;
        if let Some((dut, production)) = targets {
            if let Err(e) = self.cloud.set_targets(id, dut, production) {
                // Created whole or not at all.
                let _ = self.cloud.delete_group(id);
                return Err(e.into());
            }
        }
        Ok(Response::created(self.group_document(id, account)?))
    }

    fn update_group(
        &mut self,
        request: &Request,
        group: &DeviceGroup,
        account: AccountId,
    ) -> Result<Response, ApiError> {
        let load_code_after_blessing = request.bool_attribute("load_code_after_blessing")?;
        if load_code_after_blessing.is_some() && !group.kind.is_production() {
            return Err(ApiError::bad_request("load_code_after_blessing is for production device groups only"));
        }
        if let Some((dut, production)) = self.targets(request, account, Some(group))? {
            self.cloud.set_targets(group.id, dut, production)?;
        }
        let changes = GroupChanges {
            name: request.attribute("name")?,
            description: request.attribute("description")?,
            load_code_after_blessing,
            min_supported_deployment: None,
        };
        self.cloud.update_group(group.id, changes)?;
        Ok(Response::ok(self.group_document(group.id, account)?))
    }

    /// The device ids of a `{data: [{type: "device", id}]}` body.
    fn device_list(request: &Request) -> Result<Vec<DeviceId>, ApiError> {
        let items =
            request.data()?.as_array().ok_or_else(|| ApiError::bad_request("data must be a list of devices"))?;
        items
            .iter()
            .map(|d| d["id"].as_str().map(DeviceId::new).ok_or_else(|| ApiError::bad_request("a device without an id")))
            .collect()
    }

    pub(super) fn groups(&mut self, request: &Request, account: AccountId, path: &[&str]) -> Reply {
        if let ("GET", []) = (request.method.as_str(), path) {
            let groups = self.account_groups(account)?;
            let rendered = groups.iter().map(|g| self.render_group(g, account));
            let data = rendered.filter(|g| resources::passes(g, &request.query)).collect();
            return Ok(Response::ok(resources::page(data, &request.query, "/devicegroups")));
        }
        if let ("POST", []) = (request.method.as_str(), path) {
            return self.create_group(request, account);
        }
        let Some((id, rest)) = path.split_first() else { return Err(self.no_route(request)) };
        let group = self.own_group(account, id)?;
        match (request.method.as_str(), rest) {
            ("GET", []) => Ok(Response::ok(self.group_document(group.id, account)?)),
            ("PATCH", []) => self.update_group(request, &group, account),
            ("DELETE", []) => {
                self.cloud.delete_group(group.id)?;
                Ok(Response::no_content())
            }
            ("POST", ["restart"] | ["conditional_restart"]) => {
                self.restart(Restart::Group(group.id));
                Ok(Response::no_content())
            }
            ("POST", ["relationships", "devices"]) => {
                for device in Self::device_list(request)? {
                    let d = self.cloud.device(&device).ok().filter(|d| d.account.is_none_or(|a| a == account));
                    let d = d.ok_or_else(|| ApiError::not_found("device", &device.0))?;
                    self.cloud.assign(&d.id, group.id, now())?;
                }
                Ok(Response::no_content())
            }
            ("DELETE", ["relationships", "devices"]) => {
                let key = request.header("X-Electricimp-Key");
                for device in Self::device_list(request)? {
                    let d = self.own_device(account, &device.0)?;
                    if d.group != Some(group.id) {
                        return Err(ApiError::bad_request(format!("device {} is not in this device group", d.id)));
                    }
                    self.cloud.unassign(&d.id, key, now()).map_err(|e| match (e, key) {
                        (e @ CloudError::UnbondKeyRequired(_), None) => ApiError::new(
                            403,
                            "Forbidden",
                            "Forbidden",
                            format!(
                                "{e}, and no key came with the request (the X-Electricimp-Key header){NO_KEY_HINT}"
                            ),
                        ),
                        (e, _) => e.into(),
                    })?;
                }
                Ok(Response::no_content())
            }
            ("PUT", ["relationships", "min_supported_deployment"]) => {
                let id = request.data()?["id"]
                    .as_str()
                    .ok_or_else(|| ApiError::bad_request("a deployment id is required"))?;
                let (deployment, _) = self.own_deployment(account, id)?;
                let changes = GroupChanges { min_supported_deployment: Some(deployment.id), ..GroupChanges::default() };
                self.cloud.update_group(group.id, changes)?;
                Ok(Response::ok(self.group_document(group.id, account)?))
            }
            _ => Err(self.no_route(request)),
        }
    }
}
