//! `/webhooks`: a device group's blessing, blinkup and deployment webhooks.

use super::resources;
use super::{ApiError, Request, Response, Server};
use impish_factory::cloud::*;
use serde_json::json;

impl Server {
    fn own_webhook(&self, account: AccountId, id: &str) -> Result<(Webhook, DeviceGroup), ApiError> {
        let webhook = resources::parse_id("webhook", id)
            .and_then(|n| self.cloud.webhook(WebhookId(n)).ok())
            .ok_or_else(|| ApiError::not_found("webhook", id))?;
        let group = self
            .own_group(account, &resources::id_text("devicegroup", webhook.group.0))
            .map_err(|_| ApiError::not_found("webhook", id))?;
        Ok((webhook, group))
    }

    pub(super) fn webhooks(
        &mut self,
        request: &Request,
        account: AccountId,
        path: &[&str],
    ) -> Result<Response, ApiError> {
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
                let content_type = match request.attribute("content_type")? {
                    None => ContentType::Json,
                    Some(mime) => ContentType::from_mime(&mime)
                        .ok_or_else(|| ApiError::bad_request(format!("unknown content type {mime:?}")))?,
                };
                let id = self.cloud.add_webhook(group.id, event, &url, content_type)?;
                Ok(Response::created(json!({ "data": resources::webhook(&self.cloud.webhook(id)?, &group) })))
            }
            ("GET", [id]) => {
                let (w, group) = self.own_webhook(account, id)?;
                Ok(Response::ok(json!({ "data": resources::webhook(&w, &group) })))
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
