//! `/deployments`: builds with their code, tags, flag, origin and sha.

use super::resources;
use super::{now, ApiError, Reply, Request, Response, Server};
use impish_factory::cloud::*;
use serde_json::{json, Value};

/// A `tags` attribute: a list of strings.
fn tags(request: &Request) -> Result<Option<Vec<String>>, ApiError> {
    match &request.data()?["attributes"]["tags"] {
        Value::Null => Ok(None),
        Value::Array(items) => items
            .iter()
            .map(|t| t.as_str().map(str::to_string).ok_or_else(|| ApiError::bad_request("tags must be strings")))
            .collect::<Result<_, _>>()
            .map(Some),
        _ => Err(ApiError::bad_request("tags must be a list")),
    }
}

impl Server {
    fn deployment_document(&self, id: DeploymentId, account: AccountId) -> Result<Value, ApiError> {
        let d = self.cloud.deployment(id)?;
        let group = self.cloud.group(d.group)?;
        Ok(json!({ "data": resources::deployment(&d, &group, account) }))
    }

    pub(super) fn deployments(&mut self, request: &Request, account: AccountId, path: &[&str]) -> Reply {
        match (request.method.as_str(), path) {
            ("GET", []) => {
                let mut data = Vec::new();
                for group in self.account_groups(account)? {
                    for d in self.cloud.deployments(group.id)? {
                        let rendered = resources::deployment(&d, &group, account);
                        if resources::passes(&rendered, &request.query) {
                            data.push(rendered);
                        }
                    }
                }
                // Newest first, as impCentral lists them.
                data.reverse();
                Ok(Response::ok(resources::page(data, &request.query, "/deployments")))
            }
            ("POST", []) => {
                let group = self.related_group(request, account)?;
                let code = |name: &str| request.attribute(name).map(Option::unwrap_or_default);
                let spec = NewDeployment {
                    code: Code { device: code("device_code")?.into(), agent: code("agent_code")?.into() },
                    tags: tags(request)?.unwrap_or_default(),
                    flagged: request.bool_attribute("flagged")?.unwrap_or(false),
                    origin: request.attribute("origin")?.unwrap_or_default(),
                    description: request.attribute("description")?.unwrap_or_default(),
                };
                let id = self.cloud.deploy(group.id, spec, now())?;
                Ok(Response::created(self.deployment_document(id, account)?))
            }
            ("GET", [id]) => {
                let (d, _) = self.own_deployment(account, id)?;
                Ok(Response::ok(self.deployment_document(d.id, account)?))
            }
            ("PATCH", [id]) => {
                let (d, _) = self.own_deployment(account, id)?;
                let changes = DeploymentChanges {
                    tags: tags(request)?,
                    flagged: request.bool_attribute("flagged")?,
                    description: request.attribute("description")?,
                };
                self.cloud.update_deployment(d.id, changes)?;
                Ok(Response::ok(self.deployment_document(d.id, account)?))
            }
            ("DELETE", [id]) => {
                let (d, _) = self.own_deployment(account, id)?;
                self.cloud.delete_deployment(d.id)?;
                Ok(Response::no_content())
            }
            _ => Err(self.no_route(request)),
        }
    }
}
