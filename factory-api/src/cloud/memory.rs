//! `MemoryCloud`: impCentral's factory rules over in-memory state, deterministic (ids,
//! tokens and agent URLs derive from counters and device ids, never from randomness).
//!
//! Faults can be injected, so a line simulation can show what a flaky cloud does to its
//! yield: `fail_next_bless` makes the cloud fail one device's next bless request.

use super::*;
use std::collections::{BTreeMap, HashMap, HashSet};

struct Product {
    _name: String,
}

struct Token {
    fixture: DeviceId,
    factory_group: GroupId,
    used_by: Option<DeviceId>,
}

pub struct MemoryCloud {
    unbond_key: String,
    products: Vec<Product>,
    groups: BTreeMap<GroupId, DeviceGroup>,
    next_group: u32,
    deployments: Vec<Deployment>,
    devices: BTreeMap<DeviceId, Device>,
    webhooks: Vec<Webhook>,
    tokens: HashMap<String, Token>,
    events: Vec<CloudEvent>,
    logs: Vec<LogEntry>,
    sink: Option<Box<dyn WebhookSink>>,
    /// Devices whose next bless request the cloud fails.
    failing_blessings: HashSet<DeviceId>,
}

/// Agent URLs live under this host; the runtime routes requests to them locally.
pub const AGENT_URL_BASE: &str = "https://agent.electricimp.com/";

impl MemoryCloud {
    /// An empty account whose unbond ("unblessing") key is `unbond_key`.
    pub fn new(unbond_key: &str) -> MemoryCloud {
        MemoryCloud {
            unbond_key: unbond_key.into(),
            products: Vec::new(),
            groups: BTreeMap::new(),
            next_group: 1,
            deployments: Vec::new(),
            devices: BTreeMap::new(),
            webhooks: Vec::new(),
            tokens: HashMap::new(),
            events: Vec::new(),
            logs: Vec::new(),
            sink: None,
            failing_blessings: HashSet::new(),
        }
    }

    fn group_mut(&mut self, id: GroupId) -> Result<&mut DeviceGroup, CloudError> {
        self.groups.get_mut(&id).ok_or(CloudError::UnknownGroup(id))
    }

    fn device_mut(&mut self, id: &DeviceId) -> Result<&mut Device, CloudError> {
        self.devices.get_mut(id).ok_or_else(|| CloudError::UnknownDevice(id.clone()))
    }

    fn record(&mut self, at: SimTime, what: Happening) {
        self.events.push(CloudEvent { at, what });
    }

    /// Fires every webhook of `group` for `event`, in the order they were added, and
    /// delivers them when a sink is set.
    fn fire(&mut self, group: GroupId, event: WebhookEvent, payload: Vec<(String, String)>, at: SimTime) {
        let hooks: Vec<Webhook> =
            self.webhooks.iter().filter(|w| w.group == group && w.event == event).cloned().collect();
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

    /// Checks that `target` exists, is of kind `expected` and belongs to `product`.
    fn check_target(
        &self,
        factory: &DeviceGroup,
        target: GroupId,
        role: &'static str,
        expected: GroupType,
    ) -> Result<(), CloudError> {
        let t = self.group(target)?;
        if t.kind != expected {
            return Err(CloudError::TargetTypeMismatch { group: factory.kind, role, expected, actual: t.kind });
        }
        if t.product != factory.product {
            return Err(CloudError::TargetInOtherProduct(target));
        }
        Ok(())
    }

    fn group_of(&self, device: &DeviceId) -> Result<Option<&DeviceGroup>, CloudError> {
        let d = self.device(device)?;
        Ok(d.group.and_then(|g| self.groups.get(&g)))
    }
}

/// A short stable hex digest, for agent ids and tokens.
fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

impl CloudBackend for MemoryCloud {
    fn create_product(&mut self, name: &str) -> Result<ProductId, CloudError> {
        self.products.push(Product { _name: name.into() });
        Ok(ProductId(self.products.len() as u32))
    }

    fn create_group(&mut self, spec: NewGroup) -> Result<GroupId, CloudError> {
        if spec.product.0 == 0 || spec.product.0 as usize > self.products.len() {
            return Err(CloudError::UnknownProduct(spec.product));
        }
        if self.groups.values().any(|g| g.product == spec.product && g.name == spec.name) {
            return Err(CloudError::DuplicateGroupName { product: spec.product, name: spec.name });
        }
        let id = GroupId(self.next_group);
        self.next_group += 1;
        self.groups.insert(
            id,
            DeviceGroup {
                id,
                product: spec.product,
                name: spec.name,
                kind: spec.kind,
                load_code_after_blessing: spec.load_code_after_blessing,
                dut_target: None,
                production_target: None,
                current_deployment: None,
            },
        );
        Ok(id)
    }

    fn set_targets(&mut self, factory: GroupId, dut: GroupId, production: GroupId) -> Result<(), CloudError> {
        let f = self.group(factory)?;
        let (dut_kind, production_kind) = f.kind.targets().ok_or(CloudError::TargetsOnlyOnFactoryGroups(f.kind))?;
        self.check_target(f, dut, "DUT", dut_kind)?;
        self.check_target(f, production, "production", production_kind)?;
        let f = self.group_mut(factory)?;
        f.dut_target = Some(dut);
        f.production_target = Some(production);
        Ok(())
    }

    fn delete_group(&mut self, group: GroupId) -> Result<(), CloudError> {
        self.group(group)?;
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
        self.webhooks.retain(|w| w.group != group);
        Ok(())
    }

    fn deploy(&mut self, group: GroupId, code: Code, now: SimTime) -> Result<DeploymentId, CloudError> {
        self.group(group)?;
        let id = DeploymentId(self.deployments.len() as u32 + 1);
        self.deployments.push(Deployment { id, group, code });
        self.group_mut(group)?.current_deployment = Some(id);
        self.record(now, Happening::Deployed { group, deployment: id });
        let payload = vec![("devicegroup_id".into(), group.to_string()), ("deployment_id".into(), id.to_string())];
        self.fire(group, WebhookEvent::Deployment, payload, now);
        Ok(id)
    }

    fn add_webhook(
        &mut self,
        group: GroupId,
        event: WebhookEvent,
        url: &str,
        content_type: ContentType,
    ) -> Result<WebhookId, CloudError> {
        self.group(group)?;
        let id = WebhookId(self.webhooks.len() as u32 + 1);
        self.webhooks.push(Webhook { id, group, event, url: url.into(), content_type });
        Ok(id)
    }

    fn register_device(&mut self, device: NewDevice) -> Result<(), CloudError> {
        if self.devices.contains_key(&device.id) {
            return Err(CloudError::DuplicateDevice(device.id));
        }
        let agent_url = format!("{AGENT_URL_BASE}{:012x}", digest(&device.id.0) & 0xffff_ffff_ffff);
        self.devices.insert(
            device.id.clone(),
            Device {
                id: device.id,
                mac: device.mac,
                imp_type: device.imp_type,
                agent_url,
                group: None,
                blessed: false,
                fixture: None,
            },
        );
        Ok(())
    }

    fn assign(&mut self, device: &DeviceId, group: GroupId, now: SimTime) -> Result<(), CloudError> {
        let kind = self.group(group)?.kind;
        if kind.is_dut() || kind.is_production() {
            return Err(CloudError::ManualAssignment(kind));
        }
        if self.device(device)?.blessed {
            return Err(CloudError::UnbondKeyRequired(device.clone()));
        }
        self.device_mut(device)?.group = Some(group);
        self.record(now, Happening::Assigned { device: device.clone(), group });
        Ok(())
    }

    fn unassign(&mut self, device: &DeviceId, unbond_key: Option<&str>, now: SimTime) -> Result<(), CloudError> {
        let d = self.device(device)?;
        if d.blessed {
            match unbond_key {
                None => return Err(CloudError::UnbondKeyRequired(device.clone())),
                Some(key) if key != self.unbond_key => return Err(CloudError::WrongUnbondKey),
                Some(_) => {}
            }
        }
        let d = self.device_mut(device)?;
        let previous = d.group.take();
        d.blessed = false;
        if let Some(group) = previous {
            self.record(now, Happening::Unassigned { device: device.clone(), group });
        }
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
        let token = format!("{:016x}{:016x}", digest(&fixture.0), self.tokens.len() as u64 + 1);
        self.tokens.insert(token.clone(), Token { fixture: fixture.clone(), factory_group, used_by: None });
        self.record(now, Happening::TokenIssued { fixture: fixture.clone() });
        Ok(token)
    }

    fn enrol(&mut self, token: &str, dut: &DeviceId, now: SimTime) -> Result<Enrolment, CloudError> {
        let t = self.tokens.get(token).ok_or(CloudError::UnknownToken)?;
        if let Some(user) = &t.used_by {
            return Err(CloudError::TokenAlreadyUsed(user.clone()));
        }
        if self.device(dut)?.blessed {
            return Err(CloudError::AlreadyBlessed(dut.clone()));
        }
        let (fixture, factory_group) = (t.fixture.clone(), t.factory_group);
        let group = self.group(factory_group)?.dut_target.ok_or(CloudError::MissingTarget(factory_group, "DUT"))?;
        let deployment = self.group(group)?.current_deployment;
        let fixture_agent_url = self.device(&fixture)?.agent_url.clone();
        if let Some(t) = self.tokens.get_mut(token) {
            t.used_by = Some(dut.clone());
        }
        let d = self.device_mut(dut)?;
        d.group = Some(group);
        d.fixture = Some(fixture.clone());
        self.record(now, Happening::Enrolled { device: dut.clone(), fixture: fixture.clone(), group });
        Ok(Enrolment { group, fixture, fixture_agent_url, deployment })
    }

    fn bless(&mut self, dut: &DeviceId, passed: bool, now: SimTime) -> Result<BlessOutcome, CloudError> {
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
        // The production target is the one of the factory group that enrolled the DUT.
        let fixture = self.device(dut)?.fixture.clone();
        let factory = fixture
            .as_ref()
            .and_then(|f| self.devices.get(f))
            .and_then(|f| f.group)
            .and_then(|g| self.groups.get(&g))
            .filter(|g| g.dut_target == Some(dut_group));
        let factory = match factory {
            Some(f) => f,
            // Fall back to any factory group targeting this DUT group.
            None => self
                .groups
                .values()
                .find(|g| g.dut_target == Some(dut_group))
                .ok_or(CloudError::MissingTarget(dut_group, "factory"))?,
        };
        let production = factory.production_target.ok_or(CloudError::MissingTarget(factory.id, "production"))?;
        let target = self.group(production)?;
        let (load_code_after_blessing, deployment) = (target.load_code_after_blessing, target.current_deployment);
        let d = self.device_mut(dut)?;
        d.group = Some(production);
        d.blessed = true;
        let payload = vec![("device_id".into(), d.id.to_string()), ("imp_id".into(), d.imp_id())];
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

    fn log(&mut self, entry: LogEntry) {
        self.logs.push(entry);
    }

    fn group(&self, group: GroupId) -> Result<&DeviceGroup, CloudError> {
        self.groups.get(&group).ok_or(CloudError::UnknownGroup(group))
    }

    fn device(&self, device: &DeviceId) -> Result<&Device, CloudError> {
        self.devices.get(device).ok_or_else(|| CloudError::UnknownDevice(device.clone()))
    }

    fn deployment(&self, deployment: DeploymentId) -> Option<&Deployment> {
        self.deployments.get((deployment.0 as usize).checked_sub(1)?)
    }

    fn devices_in(&self, group: GroupId) -> Vec<&Device> {
        self.devices.values().filter(|d| d.group == Some(group)).collect()
    }

    fn events(&self) -> &[CloudEvent] {
        &self.events
    }

    fn logs(&self) -> &[LogEntry] {
        &self.logs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const T0: SimTime = Duration::ZERO;

    struct Line {
        cloud: MemoryCloud,
        factory: GroupId,
        dut: GroupId,
        production: GroupId,
        fixture: DeviceId,
    }

    fn device(cloud: &mut MemoryCloud, n: u32) -> DeviceId {
        let mac = format!("0c2a69{n:06x}");
        let id = DeviceId::new(&format!("5000{mac}"));
        cloud.register_device(NewDevice { id: id.clone(), mac, imp_type: "imp005".into() }).expect("new device");
        id
    }

    fn line() -> Line {
        let mut cloud = MemoryCloud::new("unbond-secret");
        let product = cloud.create_product("Sensor").expect("product");
        let factory = cloud.create_group(NewGroup::new(product, "Line 1", GroupType::Factory)).expect("factory");
        let dut = cloud.create_group(NewGroup::new(product, "DUTs", GroupType::Dut)).expect("dut");
        let production = cloud.create_group(NewGroup::new(product, "Shipped", GroupType::Production)).expect("prod");
        cloud.set_targets(factory, dut, production).expect("targets");
        let fixture = device(&mut cloud, 1);
        cloud.assign(&fixture, factory, T0).expect("fixture assigned");
        Line { cloud, factory, dut, production, fixture }
    }

    #[test]
    fn targets_must_match_the_factory_group_kind_and_product() {
        let Line { mut cloud, factory, dut, production, .. } = line();
        let err = cloud.set_targets(factory, production, dut).expect_err("swapped targets");
        assert_eq!(
            err,
            CloudError::TargetTypeMismatch {
                group: GroupType::Factory,
                role: "DUT",
                expected: GroupType::Dut,
                actual: GroupType::Production
            }
        );
        let other = cloud.create_product("Other").expect("product");
        let foreign = cloud.create_group(NewGroup::new(other, "DUTs", GroupType::Dut)).expect("group");
        assert_eq!(cloud.set_targets(factory, foreign, production), Err(CloudError::TargetInOtherProduct(foreign)));
        assert_eq!(cloud.group(factory).map(|g| g.dut_target), Ok(Some(dut)), "refusals change nothing");
        let pre = cloud.create_group(NewGroup::new(other, "Test line", GroupType::PreFactory)).expect("group");
        assert!(matches!(cloud.set_targets(pre, foreign, production), Err(CloudError::TargetTypeMismatch { .. })));
        assert_eq!(
            cloud.set_targets(dut, dut, production),
            Err(CloudError::TargetsOnlyOnFactoryGroups(GroupType::Dut))
        );
    }

    #[test]
    fn a_dut_goes_from_factory_blinkup_to_production_and_fires_one_blessing_webhook() {
        let Line { mut cloud, factory, dut, production, fixture } = line();
        cloud
            .add_webhook(production, WebhookEvent::Blessing, "http://127.0.0.1:9/blessed", ContentType::Json)
            .expect("hook");
        let dut_fw = cloud.deploy(dut, Code { device: "dut()".into(), agent: "".into() }, T0).expect("deploy");
        let app = cloud.deploy(production, Code { device: "app()".into(), agent: "".into() }, T0).expect("deploy");
        let unit = device(&mut cloud, 2);

        let token = cloud.factory_token(&fixture, Duration::from_secs(1)).expect("token");
        let enrolment = cloud.enrol(&token, &unit, Duration::from_secs(2)).expect("enrolled");
        assert_eq!(enrolment.group, dut);
        assert_eq!(enrolment.fixture, fixture);
        assert_eq!(enrolment.deployment, Some(dut_fw));
        assert_eq!(enrolment.fixture_agent_url, cloud.device(&fixture).map(|f| f.agent_url.clone()).expect("fixture"));

        assert_eq!(cloud.bless(&unit, false, Duration::from_secs(3)), Ok(BlessOutcome::TestsFailed));
        assert_eq!(cloud.device(&unit).map(|d| d.group), Ok(Some(dut)));

        let outcome = cloud.bless(&unit, true, Duration::from_secs(4)).expect("blessed");
        assert_eq!(
            outcome,
            BlessOutcome::Blessed {
                production_group: production,
                load_code_after_blessing: true,
                deployment: Some(app)
            }
        );
        let d = cloud.device(&unit).expect("unit");
        assert!(d.blessed);
        assert_eq!(d.group, Some(production));
        let hooks: Vec<_> = cloud.events().iter().filter(|e| matches!(e.what, Happening::Webhook { .. })).collect();
        assert_eq!(hooks.len(), 1);
        let Happening::Webhook { payload, event, .. } = &hooks[0].what else { unreachable!() };
        assert_eq!(*event, WebhookEvent::Blessing);
        assert_eq!(payload[0], ("device_id".to_string(), unit.to_string()));
        assert_eq!(payload[1].0, "imp_id");
        assert_ne!(payload[1].1, d.mac);
        assert_eq!(hooks[0].at, Duration::from_secs(4));
        assert!(cloud.devices_in(factory).iter().all(|d| d.id == fixture));
    }

    #[test]
    fn tokens_are_single_use_and_only_for_fixtures() {
        let Line { mut cloud, fixture, .. } = line();
        let (a, b) = (device(&mut cloud, 2), device(&mut cloud, 3));
        let token = cloud.factory_token(&fixture, T0).expect("token");
        cloud.enrol(&token, &a, T0).expect("first use");
        let before = cloud.events().len();
        assert_eq!(cloud.enrol(&token, &b, T0), Err(CloudError::TokenAlreadyUsed(a.clone())));
        assert_eq!(cloud.enrol("forged", &b, T0), Err(CloudError::UnknownToken));
        assert_eq!(cloud.factory_token(&b, T0), Err(CloudError::NotAFactoryFixture(b.clone())));
        assert_eq!(cloud.events().len(), before, "refusals record nothing");
        assert_eq!(cloud.device(&b).map(|d| d.group), Ok(None));
    }

    #[test]
    fn an_unblessed_dut_may_be_blinked_up_again_a_blessed_one_may_not() {
        let Line { mut cloud, fixture, .. } = line();
        let unit = device(&mut cloud, 2);
        for _ in 0..2 {
            let token = cloud.factory_token(&fixture, T0).expect("token");
            cloud.enrol(&token, &unit, T0).expect("re-enrolment of an unblessed DUT");
        }
        cloud.bless(&unit, true, T0).expect("blessed");
        let token = cloud.factory_token(&fixture, T0).expect("token");
        assert_eq!(cloud.enrol(&token, &unit, T0), Err(CloudError::AlreadyBlessed(unit.clone())));
        assert_eq!(cloud.bless(&fixture, true, T0), Err(CloudError::NotADut(fixture.clone())));
        assert_eq!(cloud.activate(&fixture, T0), Err(CloudError::NotAProductionDevice(fixture.clone())));
        cloud.activate(&unit, T0).expect("a blessed device is activated by its end user");
    }

    #[test]
    fn production_is_reached_only_by_blessing_and_left_only_with_the_unbond_key() {
        let Line { mut cloud, factory, production, dut, fixture } = line();
        let unit = device(&mut cloud, 2);
        assert_eq!(cloud.assign(&unit, production, T0), Err(CloudError::ManualAssignment(GroupType::Production)));
        assert_eq!(cloud.assign(&unit, dut, T0), Err(CloudError::ManualAssignment(GroupType::Dut)));
        let token = cloud.factory_token(&fixture, T0).expect("token");
        cloud.enrol(&token, &unit, T0).expect("enrolled");
        cloud.bless(&unit, true, T0).expect("blessed");
        assert_eq!(cloud.assign(&unit, factory, T0), Err(CloudError::UnbondKeyRequired(unit.clone())));
        assert_eq!(cloud.unassign(&unit, None, T0), Err(CloudError::UnbondKeyRequired(unit.clone())));
        assert_eq!(cloud.unassign(&unit, Some("guess"), T0), Err(CloudError::WrongUnbondKey));
        assert_eq!(cloud.device(&unit).map(|d| (d.blessed, d.group)), Ok((true, Some(production))));
        cloud.unassign(&unit, Some("unbond-secret"), T0).expect("unbonded");
        assert_eq!(cloud.device(&unit).map(|d| (d.blessed, d.group)), Ok((false, None)));
        let token = cloud.factory_token(&fixture, T0).expect("token");
        cloud.enrol(&token, &unit, T0).expect("an unbonded device goes through the factory again");
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
        let Line { mut cloud, production, fixture, .. } = line();
        let posted = Posts::default();
        cloud.deliver_webhooks(Box::new(Recorder(std::rc::Rc::clone(&posted))));
        cloud.add_webhook(production, WebhookEvent::Blessing, "http://line.test/b", ContentType::Form).expect("hook");
        let unit = device(&mut cloud, 2);
        let token = cloud.factory_token(&fixture, T0).expect("token");
        cloud.enrol(&token, &unit, T0).expect("enrolled");
        cloud.bless(&unit, true, T0).expect("blessed");
        let imp_id = cloud.device(&unit).map(Device::imp_id).expect("unit");
        let expected_body = format!("device_id={unit}&imp_id={imp_id}").into_bytes();
        assert_eq!(*posted.borrow(), vec![("http://line.test/b".to_string(), expected_body)]);
        let delivery = cloud.events().iter().find_map(|e| match &e.what {
            Happening::Webhook { delivery, .. } => delivery.clone(),
            _ => None,
        });
        assert_eq!(delivery, Some(Ok(200)));
    }

    #[test]
    fn an_injected_bless_failure_fails_one_request_and_moves_nothing() {
        let Line { mut cloud, dut, production, fixture, .. } = line();
        let unit = device(&mut cloud, 2);
        let token = cloud.factory_token(&fixture, T0).expect("token");
        cloud.enrol(&token, &unit, T0).expect("enrolled");
        cloud.fail_next_bless(&unit);
        let failed = CloudError::RequestFailed { device: unit.clone(), request: "bless" };
        assert_eq!(cloud.bless(&unit, true, T0), Err(failed));
        assert_eq!(cloud.device(&unit).map(|d| (d.blessed, d.group)), Ok((false, Some(dut))));
        let last = cloud.events().last().map(|e| e.what.clone());
        assert_eq!(last, Some(Happening::BlessRequestFailed { device: unit.clone() }));
        assert!(
            matches!(cloud.bless(&unit, true, T0), Ok(BlessOutcome::Blessed { production_group, .. }) if production_group == production)
        );
    }

    #[test]
    fn groups_with_devices_cannot_be_deleted() {
        let Line { mut cloud, factory, fixture, .. } = line();
        assert_eq!(cloud.delete_group(factory), Err(CloudError::GroupNotEmpty(factory)));
        cloud.unassign(&fixture, None, T0).expect("unassigned");
        cloud.delete_group(factory).expect("deleted");
        assert_eq!(cloud.group(factory), Err(CloudError::UnknownGroup(factory)));
    }
}
