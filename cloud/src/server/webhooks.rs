//! `/webhooks`: a device group's blessing, blinkup and deployment webhooks: list,
//! create, get, update (url, content type), delete.

use super::resources;
use super::{ApiError, Reply, Request, Response, Server};
use impish_factory::cloud::*;
use serde_json::json;

fn content_type(mime: &str) -> Result<ContentType, ApiError> {
    ContentType::from_mime(mime).ok_or_else(|| ApiError::bad_request(format!("unknown content type {mime:?}")))
}

impl Server {
    fn own_webhook(&self, account: AccountId, id: &str) -> Result<(Webhook, DeviceGroup), ApiError> {
        let webhook = resources::parse_id("webhook", id).and_then(|n| self.cloud.webhook(WebhookId(n)).ok());
        let found = webhook.and_then(|w| self.owned_group(account, w.group).map(|g| (w, g)));
        found.ok_or_else(|| ApiError::not_found("webhook", id))
    }

    pub(super) fn webhooks(&mut self, request: &Request, account: AccountId, path: &[&str]) -> Reply {
        match (request.method.as_str(), path) {
            ("GET", []) => {
                let mut data = Vec::new();
                for group in self.account_groups(account)? {
                    for w in self.cloud.webhooks(group.id)? {
                        let rendered = resources::webhook(&w, &group);
                        if resources::passes(&rendered, &request.query) {
                            data.push(rendered);
                        }
                    }
                }
                Ok(Response::ok(resources::page(data, &request.query, "/webhooks")))
            }
            ("POST", []) => {
                let group = self.related_group(request, account)?;
                let event = request.attribute("event")?.unwrap_or_default();
                let event = WebhookEvent::from_name(&event)
                    .ok_or_else(|| ApiError::bad_request(format!("unknown webhook event {event:?}")))?;
                let url = request.attribute("url")?.ok_or_else(|| ApiError::bad_request("a webhook needs a url"))?;
                let content_type = request.attribute("content_type")?.map(|m| content_type(&m)).transpose()?;
                let content_type = content_type.unwrap_or_default();
                let id = self.cloud.add_webhook(group.id, event, &url, content_type)?;
                Ok(Response::created(json!({ "data": resources::webhook(&self.cloud.webhook(id)?, &group) })))
            }
            ("GET", [id]) => {
                let (w, group) = self.own_webhook(account, id)?;
                Ok(Response::ok(json!({ "data": resources::webhook(&w, &group) })))
            }
            ("PATCH", [id]) => {
                let (w, group) = self.own_webhook(account, id)?;
                let content_type = request.attribute("content_type")?.map(|m| content_type(&m)).transpose()?;
                self.cloud.update_webhook(w.id, WebhookChanges { url: request.attribute("url")?, content_type })?;
                Ok(Response::ok(json!({ "data": resources::webhook(&self.cloud.webhook(w.id)?, &group) })))
            }
            ("DELETE", [id]) => {
                let (w, _) = self.own_webhook(account, id)?;
                self.cloud.delete_webhook(w.id)?;
                Ok(Response::no_content())
            }
            _ => Err(self.no_route(request)),
        }
    }
}
