//! impCentral's errors: an HTTP status and a JSON:API `errors` body, whose first entry's
//! `title` and `detail` the `imp-central-api` client shows as "title: detail".

use impish_factory::cloud::CloudError;
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub title: &'static str,
    pub detail: String,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, title: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError { status, code, title, detail: detail.into() }
    }

    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(400, "InvalidData", "Invalid Data", detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> ApiError {
        ApiError::new(401, "Unauthorized", "Unauthorized", detail)
    }

    pub fn not_found(what: &str, id: &str) -> ApiError {
        ApiError::new(404, "NotFound", "Not Found", format!("{what} {id} not found"))
    }

    pub fn route(method: &str, path: &str) -> ApiError {
        ApiError::new(404, "NotFound", "Not Found", format!("no route for {method} {path}"))
    }

    pub fn body(&self) -> Value {
        json!({ "errors": [{
            "status": self.status.to_string(),
            "code": self.code,
            "title": self.title,
            "detail": self.detail,
        }]})
    }
}

impl From<CloudError> for ApiError {
    /// A refused change is a 409 or 400 as impCentral answers it; a missing entity 404.
    fn from(e: CloudError) -> ApiError {
        use CloudError::*;
        let detail = e.to_string();
        match e {
            UnknownAccount(_) | UnknownProduct(_) | UnknownGroup(_) | UnknownDeployment(_) | UnknownWebhook(_)
            | UnknownDevice(_) => ApiError::new(404, "NotFound", "Not Found", detail),
            WrongUnbondKey | UnbondKeyRequired(_) => ApiError::new(403, "Forbidden", "Forbidden", detail),
            Storage(_) | RequestFailed { .. } => ApiError::new(500, "InternalError", "Internal Server Error", detail),
            DuplicateAccount(_)
            | DuplicateDevice(_)
            | DuplicateGroupName { .. }
            | ProductNotEmpty(_)
            | GroupNotEmpty(_)
            | DeviceAssigned(_)
            | DeploymentFlagged(_)
            | TokenAlreadyUsed(_)
            | AlreadyBlessed(_) => ApiError::new(409, "Conflict", "Conflict", detail),
            _ => ApiError::bad_request(detail),
        }
    }
}
