//! `/products`: list, create, get, update, delete.

use super::resources;
use super::{ApiError, Reply, Request, Response, Server};
use impish_factory::cloud::AccountId;
use serde_json::json;

impl Server {
    pub(super) fn products(&mut self, request: &Request, account: AccountId, path: &[&str]) -> Reply {
        match (request.method.as_str(), path) {
            ("GET", []) => {
                let all = self.cloud.products(account)?;
                let data =
                    all.iter().map(resources::product).filter(|p| resources::passes(p, &request.query)).collect();
                Ok(Response::ok(resources::page(data, &request.query, "/products")))
            }
            ("POST", []) => {
                let name = request.attribute("name")?.ok_or_else(|| ApiError::bad_request("a product needs a name"))?;
                if self.cloud.products(account)?.iter().any(|p| p.name == name) {
                    return Err(ApiError::new(409, "Conflict", "Conflict", format!("a product named {name:?} exists")));
                }
                let id = self.cloud.create_product(account, &name)?;
                if let Some(description) = request.attribute("description")? {
                    self.cloud.update_product(id, None, Some(&description))?;
                }
                Ok(Response::created(json!({ "data": resources::product(&self.cloud.product(id)?) })))
            }
            ("GET", [id]) => Ok(Response::ok(json!({ "data": resources::product(&self.own_product(account, id)?) }))),
            ("PATCH", [id]) => {
                let product = self.own_product(account, id)?;
                let (name, description) = (request.attribute("name")?, request.attribute("description")?);
                self.cloud.update_product(product.id, name.as_deref(), description.as_deref())?;
                Ok(Response::ok(json!({ "data": resources::product(&self.cloud.product(product.id)?) })))
            }
            ("DELETE", [id]) => {
                let product = self.own_product(account, id)?;
                self.cloud.delete_product(product.id)?;
                Ok(Response::no_content())
            }
            _ => Err(self.no_route(request)),
        }
    }
}
