//! The things impCentral keeps: products, device groups, deployments, devices,
//! webhooks, and the record of what happened to them.

use super::webhook::ContentType;
use super::SimTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::rc::Rc;

macro_rules! numeric_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub struct $name(pub u32);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

numeric_id!(AccountId, "account-");
numeric_id!(ProductId, "product-");
numeric_id!(GroupId, "devicegroup-");
numeric_id!(DeploymentId, "deployment-");
numeric_id!(WebhookId, "webhook-");

/// An imp's device ID: 16 lower-case hex digits, the last 12 its MAC.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DeviceId(pub Rc<str>);

impl DeviceId {
    pub fn new(id: &str) -> DeviceId {
        DeviceId(id.into())
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The seven kinds of device group; the `Pre` kinds are the test-zone twins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GroupType {
    Development,
    PreFactory,
    PreDut,
    PreProduction,
    Factory,
    Dut,
    Production,
}

impl GroupType {
    /// The name impt uses (`impt dg create --dg-type`).
    pub fn name(self) -> &'static str {
        match self {
            GroupType::Development => "development",
            GroupType::PreFactory => "pre-factory",
            GroupType::PreDut => "pre-dut",
            GroupType::PreProduction => "pre-production",
            GroupType::Factory => "factory",
            GroupType::Dut => "dut",
            GroupType::Production => "production",
        }
    }

    /// The type name in impCentral's API.
    pub fn api_name(self) -> &'static str {
        match self {
            GroupType::Development => "development_devicegroup",
            GroupType::PreFactory => "pre_factoryfixture_devicegroup",
            GroupType::PreDut => "pre_dut_devicegroup",
            GroupType::PreProduction => "pre_production_devicegroup",
            GroupType::Factory => "factoryfixture_devicegroup",
            GroupType::Dut => "dut_devicegroup",
            GroupType::Production => "production_devicegroup",
        }
    }

    /// Every kind, for parsing names.
    pub const ALL: [GroupType; 7] = [
        GroupType::Development,
        GroupType::PreFactory,
        GroupType::PreDut,
        GroupType::PreProduction,
        GroupType::Factory,
        GroupType::Dut,
        GroupType::Production,
    ];

    /// The kind whose `api_name` is `name`.
    pub fn from_api_name(name: &str) -> Option<GroupType> {
        GroupType::ALL.into_iter().find(|k| k.api_name() == name)
    }

    pub fn is_factory(self) -> bool {
        matches!(self, GroupType::Factory | GroupType::PreFactory)
    }

    pub fn is_dut(self) -> bool {
        matches!(self, GroupType::Dut | GroupType::PreDut)
    }

    pub fn is_production(self) -> bool {
        matches!(self, GroupType::Production | GroupType::PreProduction)
    }

    /// The DUT and production group kinds a factory group of this kind may target:
    /// a test-zone factory targets test-zone groups, a real one real groups.
    pub fn targets(self) -> Option<(GroupType, GroupType)> {
        match self {
            GroupType::Factory => Some((GroupType::Dut, GroupType::Production)),
            GroupType::PreFactory => Some((GroupType::PreDut, GroupType::PreProduction)),
            _ => None,
        }
    }

    /// Why devices cannot be placed in this kind of group by hand, if they cannot.
    pub fn how_devices_arrive(self) -> &'static str {
        match self {
            GroupType::Dut | GroupType::PreDut => "DUTs arrive by factory BlinkUp",
            GroupType::Production | GroupType::PreProduction => "production devices arrive by blessing",
            _ => "devices may be assigned",
        }
    }
}

impl fmt::Display for GroupType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A login of impCentral; everything else belongs to one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    pub name: String,
    /// The password as a PHC string (the server hashes; backends only store).
    pub password_hash: String,
    /// The key that takes this account's devices out of production.
    pub unbond_key: String,
}

impl NewAccount {
    /// An account nobody logs in to, as a simulated line's.
    pub fn new(name: &str, unbond_key: &str) -> NewAccount {
        NewAccount { name: name.into(), password_hash: String::new(), unbond_key: unbond_key.into() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub password_hash: String,
    pub unbond_key: String,
}

/// What a kept token lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// Trades for new access tokens (given at login).
    RefreshToken,
    /// Logs in without a password (made by the account's owner).
    LoginKey,
}

impl CredentialKind {
    pub fn name(self) -> &'static str {
        match self {
            CredentialKind::RefreshToken => "refresh_token",
            CredentialKind::LoginKey => "login_key",
        }
    }

    pub fn from_name(name: &str) -> Option<CredentialKind> {
        [CredentialKind::RefreshToken, CredentialKind::LoginKey].into_iter().find(|k| k.name() == name)
    }
}

/// A long-lived token of an account, kept so that logins survive a server restart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    pub token: String,
    pub account: AccountId,
    pub kind: CredentialKind,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    pub id: ProductId,
    pub account: AccountId,
    pub name: String,
    pub description: String,
}

/// The attributes a new device group is created with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewGroup {
    pub product: ProductId,
    pub name: String,
    pub kind: GroupType,
    pub description: String,
    /// Production kinds only: restart blessed devices into the production firmware.
    pub load_code_after_blessing: bool,
}

impl NewGroup {
    pub fn new(product: ProductId, name: &str, kind: GroupType) -> NewGroup {
        NewGroup { product, name: name.into(), kind, description: String::new(), load_code_after_blessing: true }
    }
}

/// A change to a device group's attributes; `None` leaves one as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub load_code_after_blessing: Option<bool>,
    pub min_supported_deployment: Option<DeploymentId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceGroup {
    pub id: GroupId,
    pub product: ProductId,
    pub name: String,
    pub kind: GroupType,
    pub description: String,
    pub load_code_after_blessing: bool,
    pub dut_target: Option<GroupId>,
    pub production_target: Option<GroupId>,
    pub current_deployment: Option<DeploymentId>,
    /// Devices running an older deployment must update before they run.
    pub min_supported_deployment: Option<DeploymentId>,
}

/// Device and agent firmware.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    pub device: Rc<str>,
    pub agent: Rc<str>,
}

impl Code {
    /// The SHA-256 of the agent and device code (hex), as a deployment reports it.
    pub fn sha(&self) -> String {
        let mut hash = Sha256::new();
        hash.update(self.agent.as_bytes());
        hash.update([0]);
        hash.update(self.device.as_bytes());
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// What a build is deployed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDeployment {
    pub code: Code,
    pub tags: Vec<String>,
    /// A flagged deployment cannot be deleted.
    pub flagged: bool,
    /// Where the code came from (impt says "impt").
    pub origin: String,
    pub description: String,
}

impl From<Code> for NewDeployment {
    fn from(code: Code) -> NewDeployment {
        NewDeployment { code, tags: Vec::new(), flagged: false, origin: String::new(), description: String::new() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    pub id: DeploymentId,
    pub group: GroupId,
    pub code: Code,
    pub tags: Vec<String>,
    pub flagged: bool,
    pub origin: String,
    pub description: String,
    /// `code.sha()`.
    pub sha: String,
    pub created_at: SimTime,
}

/// A change to a deployment's attributes; `None` leaves one as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeploymentChanges {
    pub tags: Option<Vec<String>>,
    pub flagged: Option<bool>,
    pub description: Option<String>,
}

/// An imp as it first appears: in an account (a fixture BlinkUp'd by the mobile app)
/// or in none (a DUT, which joins its fixture's account when it enrols).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDevice {
    pub id: DeviceId,
    /// 12 lower-case hex digits.
    pub mac: String,
    pub imp_type: String,
    pub name: String,
    pub account: Option<AccountId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: DeviceId,
    pub mac: String,
    pub imp_type: String,
    pub name: String,
    pub account: Option<AccountId>,
    /// The agent's URL; requests to it reach the device's agent.
    pub agent_url: String,
    pub group: Option<GroupId>,
    /// Set by blessing; cleared only by unbonding.
    pub blessed: bool,
    /// The fixture whose BlinkUp enrolled this device, if any.
    pub fixture: Option<DeviceId>,
    /// When it last enrolled by factory BlinkUp.
    pub enrolled_at: Option<SimTime>,
}

impl Device {
    /// The agent's id: the last part of its URL.
    pub fn agent_id(&self) -> &str {
        self.agent_url.rsplit('/').next().unwrap_or_default()
    }

    /// The `imp_id` a blessing webhook reports: derived from the MAC, not equal to it.
    pub fn imp_id(&self) -> String {
        format!("{:016x}", super::rules::digest(&self.mac))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WebhookEvent {
    Blessing,
    Blinkup,
    Deployment,
}

impl WebhookEvent {
    pub fn name(self) -> &'static str {
        match self {
            WebhookEvent::Blessing => "blessing",
            WebhookEvent::Blinkup => "blinkup",
            WebhookEvent::Deployment => "deployment",
        }
    }

    pub fn from_name(name: &str) -> Option<WebhookEvent> {
        [WebhookEvent::Blessing, WebhookEvent::Blinkup, WebhookEvent::Deployment].into_iter().find(|e| e.name() == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    pub id: WebhookId,
    pub group: GroupId,
    pub event: WebhookEvent,
    pub url: String,
    pub content_type: ContentType,
}

/// A change to a webhook; `None` leaves an attribute as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub content_type: Option<ContentType>,
}

/// Something that happened in the cloud, at a simulated time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudEvent {
    pub at: SimTime,
    pub what: Happening,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Happening {
    Assigned {
        device: DeviceId,
        group: GroupId,
    },
    Unassigned {
        device: DeviceId,
        group: GroupId,
    },
    Deployed {
        group: GroupId,
        deployment: DeploymentId,
    },
    TokenIssued {
        fixture: DeviceId,
    },
    Enrolled {
        device: DeviceId,
        fixture: DeviceId,
        group: GroupId,
    },
    Blessed {
        device: DeviceId,
        group: GroupId,
    },
    BlessFailed {
        device: DeviceId,
    },
    /// The cloud failed a bless request (an injected fault): nothing moved.
    BlessRequestFailed {
        device: DeviceId,
    },
    Activated {
        device: DeviceId,
    },
    /// A webhook fired with these fields; `delivery` is the HTTP status of its POST, or
    /// why it failed, when the cloud delivers webhooks at all.
    Webhook {
        webhook: WebhookId,
        url: String,
        event: WebhookEvent,
        payload: Vec<(String, String)>,
        delivery: Option<Result<u16, String>>,
    },
}

/// The kinds of log line impCentral shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LogKind {
    ServerLog,
    ServerError,
    AgentLog,
    AgentError,
    Status,
}

impl LogKind {
    pub fn name(self) -> &'static str {
        match self {
            LogKind::ServerLog => "server.log",
            LogKind::ServerError => "server.error",
            LogKind::AgentLog => "agent.log",
            LogKind::AgentError => "agent.error",
            LogKind::Status => "status",
        }
    }

    pub fn from_name(name: &str) -> Option<LogKind> {
        [LogKind::ServerLog, LogKind::ServerError, LogKind::AgentLog, LogKind::AgentError, LogKind::Status]
            .into_iter()
            .find(|k| k.name() == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub at: SimTime,
    pub device: DeviceId,
    pub kind: LogKind,
    pub message: String,
}

impl fmt::Display for Happening {
    /// One line for a line report's event list.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Happening::Assigned { device, group } => write!(f, "{device} assigned to {group}"),
            Happening::Unassigned { device, group } => write!(f, "{device} unassigned from {group}"),
            Happening::Deployed { group, deployment } => write!(f, "{deployment} deployed to {group}"),
            Happening::TokenIssued { fixture } => write!(f, "factory enrolment token issued to fixture {fixture}"),
            Happening::Enrolled { device, fixture, group } => {
                write!(f, "{device} enrolled into {group} by fixture {fixture}")
            }
            Happening::Blessed { device, group } => write!(f, "{device} blessed into {group}"),
            Happening::BlessFailed { device } => write!(f, "{device} failed its tests: not blessed"),
            Happening::BlessRequestFailed { device } => write!(f, "{device}'s bless request failed in the cloud"),
            Happening::Activated { device } => write!(f, "{device} activated"),
            Happening::Webhook { webhook, url, event, .. } => {
                write!(f, "{webhook} ({}) fired: POST {url}", event.name())
            }
        }
    }
}
