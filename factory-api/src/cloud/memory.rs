//! `MemoryCloud`: impCentral's factory rules over in-memory state, deterministic (ids,
//! tokens and agent URLs derive from counters and device ids, never from randomness).
//!
//! Faults can be injected, so a line simulation can show what a flaky cloud does to its
//! yield: `fail_next_bless` makes the cloud fail one device's next bless request.

use super::rules::*;
use super::*;
use std::collections::{BTreeMap, HashMap, HashSet};

struct Token {
    fixture: DeviceId,
    factory_group: GroupId,
    used_by: Option<DeviceId>,
}

#[derive(Default)]
pub struct MemoryCloud {
    accounts: Vec<Account>,
    credentials: BTreeMap<String, Credential>,
    products: BTreeMap<ProductId, Product>,
    next_product: u32,
    groups: BTreeMap<GroupId, DeviceGroup>,
    next_group: u32,
    deployments: BTreeMap<DeploymentId, Deployment>,
    next_deployment: u32,
    devices: BTreeMap<DeviceId, Device>,
    webhooks: BTreeMap<WebhookId, Webhook>,
    next_webhook: u32,
    tokens: HashMap<String, Token>,
    events: Vec<CloudEvent>,
    logs: Vec<LogEntry>,
    sink: Option<Box<dyn WebhookSink>>,
    /// Devices whose next bless request the cloud fails.
    failing_blessings: HashSet<DeviceId>,
}

impl MemoryCloud {
    /// An empty cloud, with no accounts.
    pub fn new() -> MemoryCloud {
        MemoryCloud::default()
    }

    fn group_mut(&mut self, id: GroupId) -> Result<&mut DeviceGroup, CloudError> {
        self.groups.get_mut(&id).ok_or(CloudError::UnknownGroup(id))
    }

    fn group_ref(&self, id: GroupId) -> Result<&DeviceGroup, CloudError> {
        self.groups.get(&id).ok_or(CloudError::UnknownGroup(id))
    }

    fn device_ref(&self, id: &DeviceId) -> Result<&Device, CloudError> {
        self.devices.get(id).ok_or_else(|| CloudError::UnknownDevice(id.clone()))
    }

    fn device_mut(&mut self, id: &DeviceId) -> Result<&mut Device, CloudError> {
        self.devices.get_mut(id).ok_or_else(|| CloudError::UnknownDevice(id.clone()))
    }

    fn account_of_group(&self, group: &DeviceGroup) -> Result<AccountId, CloudError> {
        self.products.get(&group.product).map(|p| p.account).ok_or(CloudError::UnknownProduct(group.product))
    }

    fn record(&mut self, at: SimTime, what: Happening) {
        self.events.push(CloudEvent { at, what });
    }

    /// Fires every webhook of `group` for `event`, in the order they were added, and
    /// delivers them when a sink is set.
    fn fire(&mut self, group: GroupId, event: WebhookEvent, payload: Vec<(String, String)>, at: SimTime) {
        let hooks: Vec<Webhook> =
            self.webhooks.values().filter(|w| w.group == group && w.event == event).cloned().collect();
        for hook in hooks {
            let delivery = self.sink.as_mut().map(|sink| {
                let body = hook.content_type.body(&payload);
                sink.post(&hook.url, hook.content_type, &body)
            });
            let happening =
                Happening::Webhook { webhook: hook.id, url: hook.url, event, payload: payload.clone(), delivery };
            self.record(at, happening);
        }
    }

    /// Makes the cloud fail `device`'s next bless request (a fault to inject): the
    /// request changes nothing and the firmware's callback sees `false`.
    pub fn fail_next_bless(&mut self, device: &DeviceId) {
        self.failing_blessings.insert(device.clone());
    }

    /// Delivers fired webhooks through `sink` from now on.
    pub fn deliver_webhooks(&mut self, sink: Box<dyn WebhookSink>) {
        self.sink = Some(sink);
    }

    fn group_of(&self, device: &DeviceId) -> Result<Option<&DeviceGroup>, CloudError> {
        let d = self.device_ref(device)?;
        Ok(d.group.and_then(|g| self.groups.get(&g)))
    }

    /// The factory group whose production target a DUT of `dut_group` is blessed into:
    /// the one of the fixture that enrolled it, else any targeting its DUT group.
    fn factory_for(&self, fixture: Option<&DeviceId>, dut_group: GroupId) -> Result<&DeviceGroup, CloudError> {
        let of_fixture = fixture
            .and_then(|f| self.devices.get(f))
            .and_then(|f| f.group)
            .and_then(|g| self.groups.get(&g))
            .filter(|g| g.dut_target == Some(dut_group));
        match of_fixture {
            Some(f) => Ok(f),
            None => self
                .groups
                .values()
                .find(|g| g.dut_target == Some(dut_group))
                .ok_or(CloudError::MissingTarget(dut_group, "factory")),
        }
    }
}

impl DeviceCloud for MemoryCloud {
    fn register_device(&mut self, device: NewDevice) -> Result<(), CloudError> {
        if self.devices.contains_key(&device.id) {
            return Err(CloudError::DuplicateDevice(device.id));
        }
        if let Some(account) = device.account {
            self.account(account)?;
        }
        let NewDevice { id, mac, imp_type, name, account } = device;
        let agent_url = agent_url_for(&id);
        let device = Device {
            id: id.clone(),
            mac,
            imp_type,
            name,
            account,
            agent_url,
            group: None,
            blessed: false,
            fixture: None,
            enrolled_at: None,
        };
        self.devices.insert(id, device);
        Ok(())
    }

    fn assign(&mut self, device: &DeviceId, group: GroupId, now: SimTime) -> Result<(), CloudError> {
        let g = self.group_ref(group)?;
        let account = self.account_of_group(g)?;
        check_assignment(self.device_ref(device)?, g, account)?;
        let d = self.device_mut(device)?;
        d.group = Some(group);
        d.account = Some(account);
        self.record(now, Happening::Assigned { device: device.clone(), group });
        Ok(())
    }

    fn factory_token(&mut self, fixture: &DeviceId, now: SimTime) -> Result<String, CloudError> {
        let group = match self.group_of(fixture)? {
            Some(g) if g.kind.is_factory() => g,
            _ => return Err(CloudError::NotAFactoryFixture(fixture.clone())),
        };
        if group.dut_target.is_none() {
            return Err(CloudError::MissingTarget(group.id, "DUT"));
        }
        let factory_group = group.id;
        let token = enrolment_token(fixture, self.tokens.len() as u64 + 1);
        self.tokens.insert(token.clone(), Token { fixture: fixture.clone(), factory_group, used_by: None });
        self.record(now, Happening::TokenIssued { fixture: fixture.clone() });
        Ok(token)
    }

    fn enrol(&mut self, token: &str, dut: &DeviceId, now: SimTime) -> Result<Enrolment, CloudError> {
        let t = self.tokens.get(token).ok_or(CloudError::UnknownToken)?;
        if let Some(user) = &t.used_by {
            return Err(CloudError::TokenAlreadyUsed(user.clone()));
        }
        if self.device_ref(dut)?.blessed {
            return Err(CloudError::AlreadyBlessed(dut.clone()));
        }
        let (fixture, factory_group) = (t.fixture.clone(), t.factory_group);
        let group = self.group_ref(factory_group)?.dut_target.ok_or(CloudError::MissingTarget(factory_group, "DUT"))?;
        let deployment = self.group_ref(group)?.current_deployment;
        let f = self.device_ref(&fixture)?;
        let (fixture_agent_url, account) = (f.agent_url.clone(), f.account);
        if let Some(t) = self.tokens.get_mut(token) {
            t.used_by = Some(dut.clone());
        }
        let d = self.device_mut(dut)?;
        d.group = Some(group);
        d.fixture = Some(fixture.clone());
        d.account = account;
        d.enrolled_at = Some(now);
        self.record(now, Happening::Enrolled { device: dut.clone(), fixture: fixture.clone(), group });
        Ok(Enrolment { group, fixture, fixture_agent_url, deployment })
    }

    fn bless(&mut self, dut: &DeviceId, passed: bool, now: SimTime) -> Result<BlessOutcome, CloudError> {
        if self.device_ref(dut)?.blessed {
            return Err(CloudError::AlreadyBlessed(dut.clone()));
        }
        let dut_group = match self.group_of(dut)? {
            Some(g) if g.kind.is_dut() => g.id,
            _ => return Err(CloudError::NotADut(dut.clone())),
        };
        if self.failing_blessings.remove(dut) {
            self.record(now, Happening::BlessRequestFailed { device: dut.clone() });
            return Err(CloudError::RequestFailed { device: dut.clone(), request: "bless" });
        }
        if !passed {
            self.record(now, Happening::BlessFailed { device: dut.clone() });
            return Ok(BlessOutcome::TestsFailed);
        }
        let factory = self.factory_for(self.device_ref(dut)?.fixture.as_ref(), dut_group)?;
        let production = factory.production_target.ok_or(CloudError::MissingTarget(factory.id, "production"))?;
        let target = self.group_ref(production)?;
        let (load_code_after_blessing, deployment) = (target.load_code_after_blessing, target.current_deployment);
        let d = self.device_mut(dut)?;
        d.group = Some(production);
        d.blessed = true;
        let payload = blessing_payload(d);
        self.record(now, Happening::Blessed { device: dut.clone(), group: production });
        self.fire(production, WebhookEvent::Blessing, payload, now);
        Ok(BlessOutcome::Blessed { production_group: production, load_code_after_blessing, deployment })
    }

    fn activate(&mut self, device: &DeviceId, now: SimTime) -> Result<(), CloudError> {
        let group = match self.group_of(device)? {
            Some(g) if g.kind.is_production() => g.id,
            _ => return Err(CloudError::NotAProductionDevice(device.clone())),
        };
        self.record(now, Happening::Activated { device: device.clone() });
        let payload = vec![("device_id".into(), device.to_string())];
        self.fire(group, WebhookEvent::Blinkup, payload, now);
        Ok(())
    }

    fn log(&mut self, entry: LogEntry) -> Result<(), CloudError> {
        self.logs.push(entry);
        Ok(())
    }

    fn group(&self, group: GroupId) -> Result<DeviceGroup, CloudError> {
        self.group_ref(group).cloned()
    }

    fn device(&self, device: &DeviceId) -> Result<Device, CloudError> {
        self.device_ref(device).cloned()
    }

    fn devices_in(&self, group: GroupId) -> Result<Vec<Device>, CloudError> {
        Ok(self.devices.values().filter(|d| d.group == Some(group)).cloned().collect())
    }

    fn deployment(&self, deployment: DeploymentId) -> Result<Deployment, CloudError> {
        self.deployments.get(&deployment).cloned().ok_or(CloudError::UnknownDeployment(deployment))
    }

    fn events(&self) -> Result<Vec<CloudEvent>, CloudError> {
        Ok(self.events.clone())
    }

    fn take_history(&mut self) -> Option<Vec<CloudEvent>> {
        self.logs = Vec::new();
        Some(std::mem::take(&mut self.events))
    }
}

impl CloudBackend for MemoryCloud {
    fn create_account(&mut self, account: NewAccount) -> Result<AccountId, CloudError> {
        if self.accounts.iter().any(|a| a.name == account.name) {
            return Err(CloudError::DuplicateAccount(account.name));
        }
        let id = AccountId(self.accounts.len() as u32 + 1);
        let NewAccount { name, password_hash, unbond_key } = account;
        self.accounts.push(Account { id, name, password_hash, unbond_key });
        Ok(id)
    }

    fn account(&self, account: AccountId) -> Result<Account, CloudError> {
        let index = (account.0 as usize).checked_sub(1).ok_or(CloudError::UnknownAccount(account))?;
        self.accounts.get(index).cloned().ok_or(CloudError::UnknownAccount(account))
    }

    fn account_named(&self, name: &str) -> Result<Option<Account>, CloudError> {
        Ok(self.accounts.iter().find(|a| a.name == name).cloned())
    }

    fn add_credential(&mut self, credential: Credential) -> Result<(), CloudError> {
        self.account(credential.account)?;
        self.credentials.insert(credential.token.clone(), credential);
        Ok(())
    }

    fn credential(&self, token: &str) -> Result<Option<Credential>, CloudError> {
        Ok(self.credentials.get(token).cloned())
    }

    fn credentials(&self, account: AccountId, kind: CredentialKind) -> Result<Vec<Credential>, CloudError> {
        Ok(self.credentials.values().filter(|c| c.account == account && c.kind == kind).cloned().collect())
    }

    fn remove_credential(&mut self, token: &str) -> Result<bool, CloudError> {
        Ok(self.credentials.remove(token).is_some())
    }

    fn create_product(&mut self, account: AccountId, name: &str) -> Result<ProductId, CloudError> {
        self.account(account)?;
        self.next_product += 1;
        let id = ProductId(self.next_product);
        self.products.insert(id, Product { id, account, name: name.into(), description: String::new() });
        Ok(id)
    }

    fn product(&self, product: ProductId) -> Result<Product, CloudError> {
        self.products.get(&product).cloned().ok_or(CloudError::UnknownProduct(product))
    }

    fn products(&self, account: AccountId) -> Result<Vec<Product>, CloudError> {
        Ok(self.products.values().filter(|p| p.account == account).cloned().collect())
    }

    fn update_product(
        &mut self,
        product: ProductId,
        name: Option<&str>,
        description: Option<&str>,
    ) -> Result<(), CloudError> {
        let p = self.products.get_mut(&product).ok_or(CloudError::UnknownProduct(product))?;
        if let Some(name) = name {
            p.name = name.into();
        }
        if let Some(description) = description {
            p.description = description.into();
        }
        Ok(())
    }

    fn delete_product(&mut self, product: ProductId) -> Result<(), CloudError> {
        self.product(product)?;
        if self.groups.values().any(|g| g.product == product) {
            return Err(CloudError::ProductNotEmpty(product));
        }
        self.products.remove(&product);
        Ok(())
    }

    fn create_group(&mut self, spec: NewGroup) -> Result<GroupId, CloudError> {
        self.product(spec.product)?;
        if self.groups.values().any(|g| g.product == spec.product && g.name == spec.name) {
            return Err(CloudError::DuplicateGroupName { product: spec.product, name: spec.name });
        }
        self.next_group += 1;
        let id = GroupId(self.next_group);
        let NewGroup { product, name, kind, description, load_code_after_blessing } = spec;
        let group = DeviceGroup {
            id,
            product,
            name,
            kind,
            description,
            load_code_after_blessing,
            dut_target: None,
            production_target: None,
            current_deployment: None,
            min_supported_deployment: None,
        };
        self.groups.insert(id, group);
        Ok(id)
    }

    fn update_group(&mut self, group: GroupId, changes: GroupChanges) -> Result<(), CloudError> {
        let g = self.group_ref(group)?;
        if let Some(name) = &changes.name {
            if self.groups.values().any(|o| o.id != group && o.product == g.product && &o.name == name) {
                return Err(CloudError::DuplicateGroupName { product: g.product, name: name.clone() });
            }
        }
        if let Some(d) = changes.min_supported_deployment {
            if self.deployment(d)?.group != group {
                return Err(CloudError::DeploymentOfOtherGroup(d, group));
            }
        }
        let g = self.group_mut(group)?;
        let GroupChanges { name, description, load_code_after_blessing, min_supported_deployment } = changes;
        g.name = name.unwrap_or(std::mem::take(&mut g.name));
        g.description = description.unwrap_or(std::mem::take(&mut g.description));
        g.load_code_after_blessing = load_code_after_blessing.unwrap_or(g.load_code_after_blessing);
        g.min_supported_deployment = min_supported_deployment.or(g.min_supported_deployment);
        Ok(())
    }

    fn set_targets(&mut self, factory: GroupId, dut: GroupId, production: GroupId) -> Result<(), CloudError> {
        check_targets(self.group_ref(factory)?, self.group_ref(dut)?, self.group_ref(production)?)?;
        let f = self.group_mut(factory)?;
        f.dut_target = Some(dut);
        f.production_target = Some(production);
        Ok(())
    }

    fn delete_group(&mut self, group: GroupId) -> Result<(), CloudError> {
        self.group_ref(group)?;
        if self.devices.values().any(|d| d.group == Some(group)) {
            return Err(CloudError::GroupNotEmpty(group));
        }
        self.groups.remove(&group);
        for g in self.groups.values_mut() {
            if g.dut_target == Some(group) {
                g.dut_target = None;
            }
            if g.production_target == Some(group) {
                g.production_target = None;
            }
        }
        self.webhooks.retain(|_, w| w.group != group);
        Ok(())
    }

    fn deploy(&mut self, group: GroupId, deployment: NewDeployment, now: SimTime) -> Result<DeploymentId, CloudError> {
        self.group_ref(group)?;
        self.next_deployment += 1;
        let id = DeploymentId(self.next_deployment);
        let NewDeployment { code, tags, flagged, origin, description } = deployment;
        let sha = code.sha();
        let deployment = Deployment { id, group, code, tags, flagged, origin, description, sha, created_at: now };
        self.deployments.insert(id, deployment);
        self.group_mut(group)?.current_deployment = Some(id);
        self.record(now, Happening::Deployed { group, deployment: id });
        self.fire(group, WebhookEvent::Deployment, deployment_payload(group, id), now);
        Ok(id)
    }

    fn update_deployment(&mut self, deployment: DeploymentId, changes: DeploymentChanges) -> Result<(), CloudError> {
        let d = self.deployments.get_mut(&deployment).ok_or(CloudError::UnknownDeployment(deployment))?;
        let DeploymentChanges { tags, flagged, description } = changes;
        d.tags = tags.unwrap_or(std::mem::take(&mut d.tags));
        d.flagged = flagged.unwrap_or(d.flagged);
        d.description = description.unwrap_or(std::mem::take(&mut d.description));
        Ok(())
    }

    fn delete_deployment(&mut self, deployment: DeploymentId) -> Result<(), CloudError> {
        if self.deployment(deployment)?.flagged {
            return Err(CloudError::DeploymentFlagged(deployment));
        }
        self.deployments.remove(&deployment);
        for g in self.groups.values_mut() {
            if g.current_deployment == Some(deployment) {
                g.current_deployment = None;
            }
            if g.min_supported_deployment == Some(deployment) {
                g.min_supported_deployment = None;
            }
        }
        Ok(())
    }

    fn add_webhook(
        &mut self,
        group: GroupId,
        event: WebhookEvent,
        url: &str,
        content_type: ContentType,
    ) -> Result<WebhookId, CloudError> {
        self.group_ref(group)?;
        self.next_webhook += 1;
        let id = WebhookId(self.next_webhook);
        self.webhooks.insert(id, Webhook { id, group, event, url: url.into(), content_type });
        Ok(id)
    }

    fn update_webhook(&mut self, webhook: WebhookId, changes: WebhookChanges) -> Result<(), CloudError> {
        let w = self.webhooks.get_mut(&webhook).ok_or(CloudError::UnknownWebhook(webhook))?;
        w.url = changes.url.unwrap_or(std::mem::take(&mut w.url));
        w.content_type = changes.content_type.unwrap_or(w.content_type);
        Ok(())
    }

    fn delete_webhook(&mut self, webhook: WebhookId) -> Result<(), CloudError> {
        self.webhooks.remove(&webhook).map(|_| ()).ok_or(CloudError::UnknownWebhook(webhook))
    }

    fn rename_device(&mut self, device: &DeviceId, name: &str) -> Result<(), CloudError> {
        self.device_mut(device)?.name = name.into();
        Ok(())
    }

    fn remove_device(&mut self, device: &DeviceId) -> Result<(), CloudError> {
        if self.device_ref(device)?.group.is_some() {
            return Err(CloudError::DeviceAssigned(device.clone()));
        }
        self.device_mut(device)?.account = None;
        Ok(())
    }

    fn unassign(&mut self, device: &DeviceId, unbond_key: Option<&str>, now: SimTime) -> Result<(), CloudError> {
        let d = self.device_ref(device)?;
        let account = d.account.map(|a| self.account(a)).transpose()?;
        check_unbond_key(d, account.as_ref(), unbond_key)?;
        let d = self.device_mut(device)?;
        let previous = d.group.take();
        d.blessed = false;
        if let Some(group) = previous {
            self.record(now, Happening::Unassigned { device: device.clone(), group });
        }
        Ok(())
    }

    fn groups(&self, product: ProductId) -> Result<Vec<DeviceGroup>, CloudError> {
        Ok(self.groups.values().filter(|g| g.product == product).cloned().collect())
    }

    fn devices(&self, account: AccountId) -> Result<Vec<Device>, CloudError> {
        Ok(self.devices.values().filter(|d| d.account == Some(account)).cloned().collect())
    }

    fn assigned_devices(&self) -> Result<Vec<Device>, CloudError> {
        Ok(self.devices.values().filter(|d| d.group.is_some()).cloned().collect())
    }

    fn deployments(&self, group: GroupId) -> Result<Vec<Deployment>, CloudError> {
        Ok(self.deployments.values().filter(|d| d.group == group).cloned().collect())
    }

    fn webhook(&self, webhook: WebhookId) -> Result<Webhook, CloudError> {
        self.webhooks.get(&webhook).cloned().ok_or(CloudError::UnknownWebhook(webhook))
    }

    fn webhooks(&self, group: GroupId) -> Result<Vec<Webhook>, CloudError> {
        Ok(self.webhooks.values().filter(|w| w.group == group).cloned().collect())
    }

    fn logs(&self) -> Result<Vec<LogEntry>, CloudError> {
        Ok(self.logs.clone())
    }

    fn logs_of(&self, device: &DeviceId) -> Result<Vec<LogEntry>, CloudError> {
        Ok(self.logs.iter().filter(|l| &l.device == device).cloned().collect())
    }
}

/// The rules every backend shares are tested once for all in impish-cloud's backend
/// suite; these are the memory cloud's own features.
#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const T0: SimTime = Duration::ZERO;

    /// A cloud with a factory line; (cloud, DUT group, production group, fixture, unit).
    fn line() -> (MemoryCloud, GroupId, GroupId, DeviceId, DeviceId) {
        let mut cloud = MemoryCloud::new();
        let account = cloud.create_account(NewAccount::new("maker", "key")).expect("account");
        let product = cloud.create_product(account, "Sensor").expect("product");
        let factory = cloud.create_group(NewGroup::new(product, "Line 1", GroupType::Factory)).expect("factory");
        let dut = cloud.create_group(NewGroup::new(product, "DUTs", GroupType::Dut)).expect("dut");
        let production = cloud.create_group(NewGroup::new(product, "Shipped", GroupType::Production)).expect("prod");
        cloud.set_targets(factory, dut, production).expect("targets");
        let [fixture, unit] = [1, 2].map(|n: u32| {
            let mac = format!("0c2a69{n:06x}");
            let id = DeviceId::new(&format!("5000{mac}"));
            let new = NewDevice { id: id.clone(), mac, imp_type: "imp005".into(), name: String::new(), account: None };
            cloud.register_device(new).expect("new device");
            id
        });
        cloud.assign(&fixture, factory, T0).expect("fixture assigned");
        let token = cloud.factory_token(&fixture, T0).expect("token");
        cloud.enrol(&token, &unit, T0).expect("enrolled");
        (cloud, dut, production, fixture, unit)
    }

    /// (url, body) of each POST.
    type Posts = std::rc::Rc<std::cell::RefCell<Vec<(String, Vec<u8>)>>>;

    /// Records what it is asked to post and answers 200.
    struct Recorder(Posts);

    impl WebhookSink for Recorder {
        fn post(&mut self, url: &str, _: ContentType, body: &[u8]) -> Result<u16, String> {
            self.0.borrow_mut().push((url.to_string(), body.to_vec()));
            Ok(200)
        }
    }

    #[test]
    fn fired_webhooks_are_delivered_when_a_sink_is_set() {
        let (mut cloud, _, production, _, unit) = line();
        let posted = Posts::default();
        cloud.deliver_webhooks(Box::new(Recorder(std::rc::Rc::clone(&posted))));
        cloud.add_webhook(production, WebhookEvent::Blessing, "http://line.test/b", ContentType::Form).expect("hook");
        cloud.bless(&unit, true, T0).expect("blessed");
        let imp_id = cloud.device(&unit).map(|d| d.imp_id()).expect("unit");
        let expected_body = format!("device_id={unit}&imp_id={imp_id}").into_bytes();
        assert_eq!(*posted.borrow(), vec![("http://line.test/b".to_string(), expected_body)]);
        let delivery = cloud.events().expect("events").iter().find_map(|e| match &e.what {
            Happening::Webhook { delivery, .. } => delivery.clone(),
            _ => None,
        });
        assert_eq!(delivery, Some(Ok(200)));
    }

    #[test]
    fn an_injected_bless_failure_fails_one_request_and_moves_nothing() {
        let (mut cloud, dut, production, _, unit) = line();
        cloud.fail_next_bless(&unit);
        let failed = CloudError::RequestFailed { device: unit.clone(), request: "bless" };
        assert_eq!(cloud.bless(&unit, true, T0), Err(failed));
        assert_eq!(cloud.device(&unit).map(|d| (d.blessed, d.group)), Ok((false, Some(dut))));
        let last = cloud.events().expect("events").last().map(|e| e.what.clone());
        assert_eq!(last, Some(Happening::BlessRequestFailed { device: unit.clone() }));
        assert!(
            matches!(cloud.bless(&unit, true, T0), Ok(BlessOutcome::Blessed { production_group, .. }) if production_group == production)
        );
    }
}
