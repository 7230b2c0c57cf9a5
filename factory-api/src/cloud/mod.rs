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
pub mod rules;
pub mod webhook;

pub use entities::*;
pub use memory::MemoryCloud;
pub use rules::AGENT_URL_BASE;
pub use webhook::{ContentType, HttpSink, WebhookSink};

use std::time::Duration;

/// Simulated time since the simulation started.
pub type SimTime = Duration;

/// A violated impCentral rule. Each names what was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CloudError {
    #[error("no account {0}")]
    UnknownAccount(AccountId),
    #[error("an account named {0:?} already exists")]
    DuplicateAccount(String),
    #[error("no product {0}")]
    UnknownProduct(ProductId),
    #[error("product {0} still has device groups")]
    ProductNotEmpty(ProductId),
    #[error("no device group {0}")]
    UnknownGroup(GroupId),
    #[error("no deployment {0}")]
    UnknownDeployment(DeploymentId),
    #[error("deployment {0} is flagged: unflag it before deleting it")]
    DeploymentFlagged(DeploymentId),
    #[error("deployment {0} is not one of device group {1}'s")]
    DeploymentOfOtherGroup(DeploymentId, GroupId),
    #[error("no webhook {0}")]
    UnknownWebhook(WebhookId),
    #[error("no device {0}")]
    UnknownDevice(DeviceId),
    #[error("device {0} is already registered")]
    DuplicateDevice(DeviceId),
    #[error("device {0} belongs to another account")]
    DeviceOfOtherAccount(DeviceId),
    #[error("device {0} is assigned to a device group: unassign it first")]
    DeviceAssigned(DeviceId),
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
    /// A production device is neither factory BlinkUp'd nor blessed again.
    #[error("device {0} is blessed: a production device cannot be factory BlinkUp'd again")]
    AlreadyBlessed(DeviceId),
    #[error("device {0} is not a DUT (it is in no DUT device group)")]
    NotADut(DeviceId),
    #[error("device {0} is not a production device")]
    NotAProductionDevice(DeviceId),
    /// An injected fault: the cloud did not serve the request (a server error).
    #[error("the cloud failed device {device}'s {request} request")]
    RequestFailed { device: DeviceId, request: &'static str },
    /// A cloud reached over its API refused the request, for the reason it gave.
    #[error("{detail}")]
    Refused { status: u16, detail: String },
    /// A cloud reached over its API did not answer for too long.
    #[error("{0}")]
    Unreachable(String),
    /// The store behind a persistent cloud failed; nothing was changed.
    #[error("cloud storage failed: {0}")]
    Storage(String),
}

/// What a DUT learns when it enrols with a fixture's token.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BlessOutcome {
    /// The device moved to `production_group`; if `load_code_after_blessing`, it should
    /// restart into `deployment` about two seconds after its bless callback.
    Blessed { production_group: GroupId, load_code_after_blessing: bool, deployment: Option<DeploymentId> },
    /// The firmware reported failed tests; the failure was logged, nothing moved.
    TestsFailed,
}

/// What imps ask of impCentral over their own connection, and what a world of imps
/// reads: the part of the cloud a factory line needs. A line runs on this alone, so it
/// runs on a cloud reached over its API (`impish line --cloud http://...`) as well as on
/// a backend in the same process.
pub trait DeviceCloud {
    // What devices ask of the cloud.
    /// A new imp appears, unassigned.
    fn register_device(&mut self, device: NewDevice) -> Result<(), CloudError>;
    /// Manual assignment, allowed for development and (pre-)factory groups; a device in
    /// no account joins the group's.
    fn assign(&mut self, device: &DeviceId, group: GroupId, now: SimTime) -> Result<(), CloudError>;
    /// A fixture's `server.factoryblinkup`: a single-use enrolment token for one DUT.
    fn factory_token(&mut self, fixture: &DeviceId, now: SimTime) -> Result<String, CloudError>;
    /// A DUT connecting with the token it received by BlinkUp; it joins the fixture's
    /// account.
    fn enrol(&mut self, token: &str, dut: &DeviceId, now: SimTime) -> Result<Enrolment, CloudError>;
    /// A DUT's `server.bless(passed, ...)`.
    fn bless(&mut self, dut: &DeviceId, passed: bool, now: SimTime) -> Result<BlessOutcome, CloudError>;
    /// End-user activation of a production device (fires `blinkup` webhooks).
    fn activate(&mut self, device: &DeviceId, now: SimTime) -> Result<(), CloudError>;
    fn log(&mut self, entry: LogEntry) -> Result<(), CloudError>;

    // What a world reads.
    fn group(&self, group: GroupId) -> Result<DeviceGroup, CloudError>;
    fn device(&self, device: &DeviceId) -> Result<Device, CloudError>;
    fn devices_in(&self, group: GroupId) -> Result<Vec<Device>, CloudError>;
    fn deployment(&self, deployment: DeploymentId) -> Result<Deployment, CloudError>;
    /// Everything that happened, in order: assignments, tokens, enrolments, blessings,
    /// unbonding, deployments and the webhooks they fired (a cloud reached over its API
    /// knows only what it was asked to do and did).
    fn events(&self) -> Result<Vec<CloudEvent>, CloudError>;
    /// Hands over the events recorded since the last call and forgets them and the
    /// devices' logs, for a caller that runs long and reads them as they come (a
    /// simulated line of thousands of units); `None` from a cloud that keeps its history
    /// (a store, a server: read it with `events`).
    fn take_history(&mut self) -> Option<Vec<CloudEvent>> {
        None
    }
}

/// impCentral as the imp runtime, the line simulator and `impish cloud serve` use it.
///
/// Reads return owned values, so a backend may keep its state in a database. Every
/// change is atomic: it happens whole or, with an error, not at all.
pub trait CloudBackend: DeviceCloud {
    // Accounts.
    fn create_account(&mut self, account: NewAccount) -> Result<AccountId, CloudError>;
    fn account(&self, account: AccountId) -> Result<Account, CloudError>;
    fn account_named(&self, name: &str) -> Result<Option<Account>, CloudError>;
    /// Keeps a refresh token or login key (its token is unique).
    fn add_credential(&mut self, credential: Credential) -> Result<(), CloudError>;
    fn credential(&self, token: &str) -> Result<Option<Credential>, CloudError>;
    /// An account's credentials of one kind, by token.
    fn credentials(&self, account: AccountId, kind: CredentialKind) -> Result<Vec<Credential>, CloudError>;
    /// Forgets a credential; whether there was one.
    fn remove_credential(&mut self, token: &str) -> Result<bool, CloudError>;

    // Administration, as impCentral's API offers it.
    fn create_product(&mut self, account: AccountId, name: &str) -> Result<ProductId, CloudError>;
    fn product(&self, product: ProductId) -> Result<Product, CloudError>;
    fn products(&self, account: AccountId) -> Result<Vec<Product>, CloudError>;
    fn update_product(
        &mut self,
        product: ProductId,
        name: Option<&str>,
        description: Option<&str>,
    ) -> Result<(), CloudError>;
    /// Deletes a product that has no device groups left.
    fn delete_product(&mut self, product: ProductId) -> Result<(), CloudError>;
    fn create_group(&mut self, spec: NewGroup) -> Result<GroupId, CloudError>;
    fn update_group(&mut self, group: GroupId, changes: GroupChanges) -> Result<(), CloudError>;
    /// Sets a (pre-)factory group's DUT and production targets.
    fn set_targets(&mut self, factory: GroupId, dut: GroupId, production: GroupId) -> Result<(), CloudError>;
    fn delete_group(&mut self, group: GroupId) -> Result<(), CloudError>;
    /// Makes a new deployment the group's current one (devices pick it up when they
    /// restart).
    fn deploy(&mut self, group: GroupId, deployment: NewDeployment, now: SimTime) -> Result<DeploymentId, CloudError>;
    fn update_deployment(&mut self, deployment: DeploymentId, changes: DeploymentChanges) -> Result<(), CloudError>;
    /// Deletes an unflagged deployment; a group whose current deployment it was has none.
    fn delete_deployment(&mut self, deployment: DeploymentId) -> Result<(), CloudError>;
    fn add_webhook(
        &mut self,
        group: GroupId,
        event: WebhookEvent,
        url: &str,
        content_type: ContentType,
    ) -> Result<WebhookId, CloudError>;
    /// Points a webhook elsewhere or changes how it posts.
    fn update_webhook(&mut self, webhook: WebhookId, changes: WebhookChanges) -> Result<(), CloudError>;
    fn delete_webhook(&mut self, webhook: WebhookId) -> Result<(), CloudError>;
    fn rename_device(&mut self, device: &DeviceId, name: &str) -> Result<(), CloudError>;
    /// Takes an unassigned device out of its account.
    fn remove_device(&mut self, device: &DeviceId) -> Result<(), CloudError>;
    /// Removes a device from its group; a production device needs its account's unbond
    /// key and becomes a development device again.
    fn unassign(&mut self, device: &DeviceId, unbond_key: Option<&str>, now: SimTime) -> Result<(), CloudError>;

    // What anyone may look at.
    fn groups(&self, product: ProductId) -> Result<Vec<DeviceGroup>, CloudError>;
    /// An account's devices, by id.
    fn devices(&self, account: AccountId) -> Result<Vec<Device>, CloudError>;
    /// Every device in a device group (the devices that run code), by id.
    fn assigned_devices(&self) -> Result<Vec<Device>, CloudError>;
    /// A group's deployments, oldest first.
    fn deployments(&self, group: GroupId) -> Result<Vec<Deployment>, CloudError>;
    fn webhook(&self, webhook: WebhookId) -> Result<Webhook, CloudError>;
    fn webhooks(&self, group: GroupId) -> Result<Vec<Webhook>, CloudError>;
    /// Every device's log lines, in the order they arrived.
    fn logs(&self) -> Result<Vec<LogEntry>, CloudError>;
    fn logs_of(&self, device: &DeviceId) -> Result<Vec<LogEntry>, CloudError>;
}
