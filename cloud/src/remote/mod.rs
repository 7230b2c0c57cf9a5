//! `RemoteCloud`: the `DeviceCloud` of an `impish cloud serve` reached over HTTP
//! (`impish line --cloud http://HOST:PORT/v5`).
//!
//! What a line reads — its factory group, the group's targets, their current
//! deployments, its fixture — comes through the public impCentral v5 API, as impt sees
//! it. What the line's imps do — appear, ask for enrolment tokens, enrol, get blessed,
//! log — goes through the server's `/impish/devices` routes, impish's stand-in for the
//! channel real imps have to the cloud. Webhooks are the server's to fire.
//!
//! The server may go away (`kill -9`) and come back: every request waits for it (see
//! `Session`). A request sent again may already have been done the first time; for
//! the acts that cannot be done twice the server's "already" answer (409) to a request
//! sent again means it was done, and the first answer is rebuilt from the cloud: a unit
//! is never blessed twice, and a blessing that landed is never reported as refused.

mod session;

pub use session::Session;

use crate::credentials::Credentials;
use crate::server::resources::parse_id;
use impish_factory::cloud::*;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::rc::Rc;
use std::time::{Duration, UNIX_EPOCH};

/// The conflict status: what an act already done answers when asked again.
const CONFLICT: u16 = 409;

pub struct RemoteCloud {
    session: Session,
    /// What this cloud was asked to do and did, in order (the line's report lists them).
    events: Vec<CloudEvent>,
}

/// `value` as `T` (an answer in the shape the server's routes give).
fn decode<T: DeserializeOwned>(value: Value) -> Result<T, CloudError> {
    serde_json::from_value(value)
        .map_err(|e| CloudError::Refused { status: 200, detail: format!("unreadable answer: {e}") })
}

fn unreadable(what: &str) -> CloudError {
    CloudError::Refused { status: 200, detail: format!("unreadable {what} in the cloud's answer") }
}

/// The numeric id of a JSON:API id (`devicegroup-3`).
fn number(prefix: &str, id: &Value) -> Result<u32, CloudError> {
    id.as_str().and_then(|id| parse_id(prefix, id)).ok_or_else(|| unreadable(prefix))
}

/// The numeric id of an optional relationship.
fn related(resource: &Value, name: &str, prefix: &str) -> Result<Option<u32>, CloudError> {
    match &resource["relationships"][name]["id"] {
        Value::Null => Ok(None),
        id => number(prefix, id).map(Some),
    }
}

fn text(resource: &Value, attribute: &str) -> String {
    resource["attributes"][attribute].as_str().unwrap_or_default().to_string()
}

impl RemoteCloud {
    /// Logs in to the API at `endpoint` (`http://HOST:PORT/v5`); requests wait up to
    /// `patience` for a server that is down.
    pub fn connect(endpoint: &str, credentials: Credentials, patience: Duration) -> Result<RemoteCloud, CloudError> {
        Ok(RemoteCloud { session: Session::open(endpoint, credentials, patience)?, events: Vec::new() })
    }

    /// The answer to `method path`, when it succeeded.
    fn ask(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, CloudError> {
        let answer = self.session.call(method, path, body)?;
        match answer.succeeded() {
            true => Ok(answer.body),
            false => Err(answer.refusal()),
        }
    }

    /// The entity `GET path` answers (a JSON:API document's `data`, or the whole body
    /// of the imps' channel), or `missing` when it is not found.
    fn get(&self, path: &str, missing: CloudError) -> Result<Value, CloudError> {
        let mut answer = self.session.call("GET", path, None)?;
        match (answer.succeeded(), answer.status) {
            (true, _) if answer.body["data"].is_object() => Ok(answer.body["data"].take()),
            (true, _) => Ok(answer.body),
            (false, 404) => Err(missing),
            _ => Err(answer.refusal()),
        }
    }

    /// A device act; `Ok(None)` when the server says it was done already and an earlier
    /// sending of this request went unanswered (so it was that sending that did it).
    fn act(&mut self, path: &str, body: &Value) -> Result<Option<Value>, CloudError> {
        let answer = self.session.call("POST", path, Some(body))?;
        match (answer.succeeded(), answer.status, answer.resent) {
            (true, _, _) => Ok(Some(answer.body)),
            (false, CONFLICT, true) => Ok(None),
            _ => Err(answer.refusal()),
        }
    }

    fn record(&mut self, at: SimTime, what: Happening) {
        self.events.push(CloudEvent { at, what });
    }

    /// Every resource of a list, following its pages.
    fn list(&self, path: &str) -> Result<Vec<Value>, CloudError> {
        let mut items = Vec::new();
        let mut next = Some(path.to_string());
        while let Some(path) = next {
            let page = self.ask("GET", &path, None)?;
            items.extend(page["data"].as_array().cloned().unwrap_or_default());
            next = page["links"]["next"].as_str().map(str::to_string);
        }
        Ok(items)
    }

    /// The id of the account's device group named `name`.
    pub fn group_named(&self, name: &str) -> Result<GroupId, CloudError> {
        let query: String = form_urlencoded::Serializer::new(String::new()).append_pair("filter[name]", name).finish();
        let groups = self.list(&format!("/devicegroups?{query}"))?;
        let group = groups.first().ok_or_else(|| CloudError::Refused {
            status: 404,
            detail: format!("the account has no device group named {name:?}"),
        })?;
        Ok(GroupId(number("devicegroup", &group["id"])?))
    }
}

impl DeviceCloud for RemoteCloud {
    fn register_device(&mut self, device: NewDevice) -> Result<(), CloudError> {
        let body = serde_json::to_value(&device).map_err(|e| CloudError::Storage(e.to_string()))?;
        self.act("/impish/devices", &body).map(drop)
    }

    fn assign(&mut self, device: &DeviceId, group: GroupId, now: SimTime) -> Result<(), CloudError> {
        let body = json!({ "data": [{ "type": "device", "id": device.to_string() }] });
        self.ask("POST", &format!("/devicegroups/{group}/relationships/devices"), Some(&body))?;
        self.record(now, Happening::Assigned { device: device.clone(), group });
        Ok(())
    }

    fn factory_token(&mut self, fixture: &DeviceId, now: SimTime) -> Result<String, CloudError> {
        let answer = self.ask("POST", &format!("/impish/devices/{fixture}/factory_token"), Some(&json!({})))?;
        let token = answer["token"].as_str().ok_or_else(|| unreadable("token"))?.to_string();
        self.record(now, Happening::TokenIssued { fixture: fixture.clone() });
        Ok(token)
    }

    fn enrol(&mut self, token: &str, dut: &DeviceId, now: SimTime) -> Result<Enrolment, CloudError> {
        let enrolment = match self.act(&format!("/impish/devices/{dut}/enrol"), &json!({ "token": token }))? {
            Some(answer) => decode(answer)?,
            None => {
                // The token went to this unit the first time: the enrolment it made.
                let d = self.device(dut)?;
                let (group, fixture) = d.group.zip(d.fixture).ok_or_else(|| unreadable("enrolment"))?;
                let fixture_agent_url = self.device(&fixture)?.agent_url;
                let deployment = self.group(group)?.current_deployment;
                Enrolment { group, fixture, fixture_agent_url, deployment }
            }
        };
        let (fixture, group) = (enrolment.fixture.clone(), enrolment.group);
        self.record(now, Happening::Enrolled { device: dut.clone(), fixture, group });
        Ok(enrolment)
    }

    fn bless(&mut self, dut: &DeviceId, passed: bool, now: SimTime) -> Result<BlessOutcome, CloudError> {
        let outcome = match self.act(&format!("/impish/devices/{dut}/bless"), &json!({ "passed": passed }))? {
            Some(answer) => decode(answer)?,
            None => {
                // The first request blessed the unit: its answer, from where it is now.
                let production_group = self.device(dut)?.group.ok_or_else(|| unreadable("production group"))?;
                let target = self.group(production_group)?;
                let (load_code_after_blessing, deployment) =
                    (target.load_code_after_blessing, target.current_deployment);
                BlessOutcome::Blessed { production_group, load_code_after_blessing, deployment }
            }
        };
        let what = match outcome {
            BlessOutcome::Blessed { production_group, .. } => {
                Happening::Blessed { device: dut.clone(), group: production_group }
            }
            BlessOutcome::TestsFailed => Happening::BlessFailed { device: dut.clone() },
        };
        self.record(now, what);
        Ok(outcome)
    }

    fn activate(&mut self, device: &DeviceId, now: SimTime) -> Result<(), CloudError> {
        self.ask("POST", &format!("/impish/devices/{device}/activate"), Some(&json!({})))?;
        self.record(now, Happening::Activated { device: device.clone() });
        Ok(())
    }

    fn log(&mut self, entry: LogEntry) -> Result<(), CloudError> {
        let body = serde_json::to_value(&entry).map_err(|e| CloudError::Storage(e.to_string()))?;
        self.ask("POST", &format!("/impish/devices/{}/logs", entry.device), Some(&body)).map(drop)
    }

    fn group(&self, group: GroupId) -> Result<DeviceGroup, CloudError> {
        let g = &self.get(&format!("/devicegroups/{group}"), CloudError::UnknownGroup(group))?;
        Ok(DeviceGroup {
            id: GroupId(number("devicegroup", &g["id"])?),
            product: ProductId(related(g, "product", "product")?.ok_or_else(|| unreadable("product"))?),
            name: text(g, "name"),
            kind: g["type"].as_str().and_then(GroupType::from_api_name).ok_or_else(|| unreadable("group type"))?,
            description: text(g, "description"),
            // Only production groups show it; the others keep the default.
            load_code_after_blessing: g["attributes"]["load_code_after_blessing"].as_bool().unwrap_or(true),
            dut_target: related(g, "dut_target", "devicegroup")?.map(GroupId),
            production_target: related(g, "production_target", "devicegroup")?.map(GroupId),
            current_deployment: related(g, "current_deployment", "deployment")?.map(DeploymentId),
            min_supported_deployment: related(g, "min_supported_deployment", "deployment")?.map(DeploymentId),
        })
    }

    fn device(&self, device: &DeviceId) -> Result<Device, CloudError> {
        decode(self.get(&format!("/impish/devices/{device}"), CloudError::UnknownDevice(device.clone()))?)
    }

    fn devices_in(&self, group: GroupId) -> Result<Vec<Device>, CloudError> {
        let listed = self.list(&format!("/devices?filter%5Bdevicegroup.id%5D={group}"))?;
        let ids = listed.iter().map(|d| d["id"].as_str().map(DeviceId::new).ok_or_else(|| unreadable("device id")));
        ids.map(|id| self.device(&id?)).collect()
    }

    fn deployment(&self, deployment: DeploymentId) -> Result<Deployment, CloudError> {
        let d = &self.get(&format!("/deployments/{deployment}"), CloudError::UnknownDeployment(deployment))?;
        let created_at = humantime::parse_rfc3339(&text(d, "created_at")).map_err(|_| unreadable("created_at"))?;
        let tags = d["attributes"]["tags"].as_array().into_iter().flatten();
        Ok(Deployment {
            id: DeploymentId(number("deployment", &d["id"])?),
            group: GroupId(related(d, "devicegroup", "devicegroup")?.ok_or_else(|| unreadable("device group"))?),
            code: Code { device: Rc::from(text(d, "device_code")), agent: Rc::from(text(d, "agent_code")) },
            tags: tags.filter_map(|t| t.as_str().map(str::to_string)).collect(),
            flagged: d["attributes"]["flagged"].as_bool().unwrap_or(false),
            origin: text(d, "origin"),
            description: text(d, "description"),
            sha: text(d, "sha"),
            created_at: created_at.duration_since(UNIX_EPOCH).unwrap_or_default(),
        })
    }

    fn events(&self) -> Result<Vec<CloudEvent>, CloudError> {
        Ok(self.events.clone())
    }
}
