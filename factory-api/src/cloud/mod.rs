//! The cloud side of an imp's life: what impCentral decides for a factory line.
//!
//! `CloudBackend` is the boundary the imp runtime talks through: fixtures ask for
//! factory enrolment tokens, DUTs enrol with them and are placed in the fixture group's
//! DUT target, DUTs ask to be blessed and move to the production target, devices log.
//! Administration (products, device groups and their targets, deployments, webhooks,
//! manual assignment and the unbond key) is on the same trait, so a persistent or
//! HTTP-backed implementation can replace the in-memory `MemoryCloud`.
//!
//! Every rule impCentral enforces is a `CloudError`; a refused request changes nothing.

mod entities;
mod memory;
pub mod webhook;

pub use entities::*;
pub use memory::{MemoryCloud, AGENT_URL_BASE};
pub use webhook::{ContentType, HttpSink, WebhookSink};

use std::time::Duration;

/// Simulated time since the simulation started.
pub type SimTime = Duration;

/// A violated impCentral rule. Each names what was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CloudError {
    #[error("no product {0}")]
    UnknownProduct(ProductId),
    #[error("no device group {0}")]
    UnknownGroup(GroupId),
    #[error("no device {0}")]
    UnknownDevice(DeviceId),
    #[error("device {0} is already registered")]
    DuplicateDevice(DeviceId),
    #[error("product {product} already has a device group named {name:?}")]
    DuplicateGroupName { product: ProductId, name: String },
    #[error("only (pre-)factory device groups have DUT and production targets, not a {0} group")]
    TargetsOnlyOnFactoryGroups(GroupType),
    #[error("a {group} group's {role} target must be a {expected} group, not a {actual} group")]
    TargetTypeMismatch { group: GroupType, role: &'static str, expected: GroupType, actual: GroupType },
    #[error("device group {0} belongs to another product")]
    TargetInOtherProduct(GroupId),
    #[error("devices cannot be assigned to a {0} group by hand: {reason}", reason = .0.how_devices_arrive())]
    ManualAssignment(GroupType),
    #[error("device {0} is a production device: it leaves production only with the account's unbond key")]
    UnbondKeyRequired(DeviceId),
    #[error("the unbond key is not this account's")]
    WrongUnbondKey,
    #[error("device group {0} still has devices")]
    GroupNotEmpty(GroupId),
    #[error("device {0} is not a factory fixture (it is in no factory device group)")]
    NotAFactoryFixture(DeviceId),
    #[error("factory device group {0} has no {1} target")]
    MissingTarget(GroupId, &'static str),
    #[error("unknown factory enrolment token")]
    UnknownToken,
    #[error("the factory enrolment token was already used (by {0})")]
    TokenAlreadyUsed(DeviceId),
    #[error("device {0} is blessed: a production device cannot be factory BlinkUp'd again")]
    AlreadyBlessed(DeviceId),
    #[error("device {0} is not a DUT (it is in no DUT device group)")]
    NotADut(DeviceId),
    #[error("device {0} is not a production device")]
    NotAProductionDevice(DeviceId),
    /// An injected fault: the cloud did not serve the request (a server error).
    #[error("the cloud failed device {device}'s {request} request")]
    RequestFailed { device: DeviceId, request: &'static str },
}

/// What a DUT learns when it enrols with a fixture's token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    /// The DUT group the device now belongs to.
    pub group: GroupId,
    /// The fixture that configured it (`imp.configparams.factory_imp_device_id`).
    pub fixture: DeviceId,
    /// The fixture's agent URL (`imp.configparams.factory_fixture_url` in the DUT agent).
    pub fixture_agent_url: String,
    /// The firmware the DUT runs now, if the group has a deployment.
    pub deployment: Option<DeploymentId>,
}

/// The cloud's answer to `server.bless`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlessOutcome {
    /// The device moved to `production_group`; if `load_code_after_blessing`, it should
    /// restart into `deployment` about two seconds after its bless callback.
    Blessed { production_group: GroupId, load_code_after_blessing: bool, deployment: Option<DeploymentId> },
    /// The firmware reported failed tests; the failure was logged, nothing moved.
    TestsFailed,
}

/// impCentral as the imp runtime and the line simulator use it.
pub trait CloudBackend {
    // Administration, as impCentral's API offers it.
    fn create_product(&mut self, name: &str) -> Result<ProductId, CloudError>;
    fn create_group(&mut self, spec: NewGroup) -> Result<GroupId, CloudError>;
    /// Sets a (pre-)factory group's DUT and production targets.
    fn set_targets(&mut self, factory: GroupId, dut: GroupId, production: GroupId) -> Result<(), CloudError>;
    fn delete_group(&mut self, group: GroupId) -> Result<(), CloudError>;
    /// Makes `code` the group's current deployment (devices pick it up when they restart).
    fn deploy(&mut self, group: GroupId, code: Code, now: SimTime) -> Result<DeploymentId, CloudError>;
    fn add_webhook(
        &mut self,
        group: GroupId,
        event: WebhookEvent,
        url: &str,
        content_type: ContentType,
    ) -> Result<WebhookId, CloudError>;
    /// A new imp appears in the account, unassigned.
    fn register_device(&mut self, device: NewDevice) -> Result<(), CloudError>;
    /// Manual assignment, allowed for development and (pre-)factory groups.
    fn assign(&mut self, device: &DeviceId, group: GroupId, now: SimTime) -> Result<(), CloudError>;
    /// Removes a device from its group; a production device needs the unbond key and
    /// becomes a development device again.
    fn unassign(&mut self, device: &DeviceId, unbond_key: Option<&str>, now: SimTime) -> Result<(), CloudError>;

    // What devices ask of the cloud.
    /// A fixture's `server.factoryblinkup`: a single-use enrolment token for one DUT.
    fn factory_token(&mut self, fixture: &DeviceId, now: SimTime) -> Result<String, CloudError>;
    /// A DUT connecting with the token it received by BlinkUp.
    fn enrol(&mut self, token: &str, dut: &DeviceId, now: SimTime) -> Result<Enrolment, CloudError>;
    /// A DUT's `server.bless(passed, ...)`.
    fn bless(&mut self, dut: &DeviceId, passed: bool, now: SimTime) -> Result<BlessOutcome, CloudError>;
    /// End-user activation of a production device (fires `blinkup` webhooks).
    fn activate(&mut self, device: &DeviceId, now: SimTime) -> Result<(), CloudError>;
    fn log(&mut self, entry: LogEntry);

    // What anyone may look at.
    fn group(&self, group: GroupId) -> Result<&DeviceGroup, CloudError>;
    fn device(&self, device: &DeviceId) -> Result<&Device, CloudError>;
    fn deployment(&self, deployment: DeploymentId) -> Option<&Deployment>;
    fn devices_in(&self, group: GroupId) -> Vec<&Device>;
    /// Everything that happened, in order: assignments, tokens, enrolments, blessings,
    /// unbonding, deployments and the webhooks they fired.
    fn events(&self) -> &[CloudEvent];
    fn logs(&self) -> &[LogEntry];
}
