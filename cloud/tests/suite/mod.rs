//! The backend suite: impCentral's rules, written once against `CloudBackend` and run
//! on every backend (`backend_suite!` makes one `#[test]` per function for a backend).

use impish_factory::cloud::*;
use std::time::Duration;

const T0: SimTime = Duration::ZERO;
pub const UNBOND_KEY: &str = "unbond-secret";

/// Runs every suite function on a fresh backend from `$make` (an expression of a type
/// that derefs to a `CloudBackend`).
macro_rules! backend_suite {
    ($make:expr) => {
        backend_suite!(@tests $make;
            accounts_are_unique_by_name,
            credentials_are_kept_per_account_and_kind,
            products_belong_to_their_account_and_are_deleted_empty,
            groups_of_all_seven_kinds_keep_their_attributes,
            targets_must_match_the_factory_group_kind_and_product,
            deployments_keep_code_tags_flag_origin_and_sha,
            a_dut_goes_from_factory_blinkup_to_production_and_fires_one_blessing_webhook,
            tokens_are_single_use_and_only_for_fixtures,
            an_unblessed_dut_may_be_blinked_up_again_a_blessed_one_may_not,
            production_is_reached_only_by_blessing_and_left_only_with_the_unbond_key,
            devices_of_another_account_cannot_be_assigned,
            groups_with_devices_cannot_be_deleted,
            webhooks_are_listed_and_deleted,
            logs_are_kept_per_device_in_order,
            devices_are_renamed_and_removed_when_unassigned,
        );
    };
    (@tests $make:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let mut cloud = $make;
                suite::$name(&mut *cloud);
            }
        )*
    };
}

pub struct Line {
    pub account: AccountId,
    pub factory: GroupId,
    pub dut: GroupId,
    pub production: GroupId,
    pub fixture: DeviceId,
}

/// Registers device `n` (in no account).
pub fn device(cloud: &mut dyn CloudBackend, n: u32) -> DeviceId {
    let mac = format!("0c2a69{n:06x}");
    let id = DeviceId::new(&format!("5000{mac}"));
    let new = NewDevice { id: id.clone(), mac, imp_type: "imp005".into(), name: format!("unit {n}"), account: None };
    cloud.register_device(new).expect("new device");
    id
}

/// An account with a product, a factory group targeting a DUT and a production group,
/// and a fixture assigned to the factory group.
pub fn line(cloud: &mut dyn CloudBackend) -> Line {
    let account = cloud.create_account(NewAccount::new("maker", UNBOND_KEY)).expect("account");
    let product = cloud.create_product(account, "Sensor").expect("product");
    let factory = cloud.create_group(NewGroup::new(product, "Line 1", GroupType::Factory)).expect("factory");
    let dut = cloud.create_group(NewGroup::new(product, "DUTs", GroupType::Dut)).expect("dut");
    let production = cloud.create_group(NewGroup::new(product, "Shipped", GroupType::Production)).expect("prod");
    cloud.set_targets(factory, dut, production).expect("targets");
    let fixture = device(cloud, 1);
    cloud.assign(&fixture, factory, T0).expect("fixture assigned");
    Line { account, factory, dut, production, fixture }
}

fn code(device: &str) -> Code {
    Code { device: device.into(), agent: format!("// agent of {device}").into() }
}

fn secs(s: u64) -> SimTime {
    Duration::from_secs(s)
}

pub fn accounts_are_unique_by_name(cloud: &mut dyn CloudBackend) {
    let spec = NewAccount { name: "ann".into(), password_hash: "$argon2id$x".into(), unbond_key: "k1".into() };
    let ann = cloud.create_account(spec.clone()).expect("account");
    assert_eq!(cloud.create_account(spec), Err(CloudError::DuplicateAccount("ann".into())));
    let bob = cloud.create_account(NewAccount::new("bob", "k2")).expect("account");
    assert_ne!(ann, bob);
    let found = cloud.account_named("ann").expect("lookup").expect("ann exists");
    assert_eq!((found.id, found.password_hash.as_str(), found.unbond_key.as_str()), (ann, "$argon2id$x", "k1"));
    assert_eq!(cloud.account(bob).map(|a| a.name), Ok("bob".to_string()));
    assert_eq!(cloud.account_named("carol"), Ok(None));
    assert_eq!(cloud.account(AccountId(999)), Err(CloudError::UnknownAccount(AccountId(999))));
}

pub fn credentials_are_kept_per_account_and_kind(cloud: &mut dyn CloudBackend) {
    let ann = cloud.create_account(NewAccount::new("ann", "k")).expect("account");
    let bob = cloud.create_account(NewAccount::new("bob", "k")).expect("account");
    let credential = |token: &str, account, kind| Credential {
        token: token.into(),
        account,
        kind,
        description: format!("{token}'s"),
    };
    for (token, account, kind) in [
        ("r1", ann, CredentialKind::RefreshToken),
        ("k1", ann, CredentialKind::LoginKey),
        ("k2", ann, CredentialKind::LoginKey),
        ("k3", bob, CredentialKind::LoginKey),
    ] {
        cloud.add_credential(credential(token, account, kind)).expect("kept");
    }
    let orphan = credential("x", AccountId(999), CredentialKind::LoginKey);
    assert_eq!(cloud.add_credential(orphan), Err(CloudError::UnknownAccount(AccountId(999))));
    assert_eq!(cloud.credential("k2"), Ok(Some(credential("k2", ann, CredentialKind::LoginKey))));
    assert_eq!(cloud.credential("nope"), Ok(None));
    let keys = cloud.credentials(ann, CredentialKind::LoginKey).expect("keys");
    assert_eq!(keys.iter().map(|c| c.token.as_str()).collect::<Vec<_>>(), ["k1", "k2"]);
    assert_eq!(cloud.remove_credential("k1"), Ok(true));
    assert_eq!(cloud.remove_credential("k1"), Ok(false));
    assert_eq!(cloud.credentials(ann, CredentialKind::LoginKey).map(|k| k.len()), Ok(1));
    assert_eq!(cloud.credentials(ann, CredentialKind::RefreshToken).map(|k| k.len()), Ok(1));
}

pub fn products_belong_to_their_account_and_are_deleted_empty(cloud: &mut dyn CloudBackend) {
    let ann = cloud.create_account(NewAccount::new("ann", "k")).expect("account");
    let bob = cloud.create_account(NewAccount::new("bob", "k")).expect("account");
    let a = cloud.create_product(ann, "Lamp").expect("product");
    let b = cloud.create_product(bob, "Kettle").expect("product");
    assert_eq!(cloud.create_product(AccountId(999), "x"), Err(CloudError::UnknownAccount(AccountId(999))));
    assert_eq!(cloud.products(ann).expect("list").iter().map(|p| p.id).collect::<Vec<_>>(), [a]);
    cloud.update_product(a, Some("Lamp 2"), Some("a better lamp")).expect("update");
    cloud.update_product(a, None, None).expect("no change");
    let p = cloud.product(a).expect("product");
    assert_eq!((p.account, p.name.as_str(), p.description.as_str()), (ann, "Lamp 2", "a better lamp"));
    let g = cloud.create_group(NewGroup::new(b, "dev", GroupType::Development)).expect("group");
    assert_eq!(cloud.delete_product(b), Err(CloudError::ProductNotEmpty(b)));
    cloud.delete_group(g).expect("delete group");
    cloud.delete_product(b).expect("delete product");
    assert_eq!(cloud.product(b), Err(CloudError::UnknownProduct(b)));
    assert_eq!(cloud.products(bob), Ok(vec![]));
}

pub fn groups_of_all_seven_kinds_keep_their_attributes(cloud: &mut dyn CloudBackend) {
    let account = cloud.create_account(NewAccount::new("ann", "k")).expect("account");
    let product = cloud.create_product(account, "Lamp").expect("product");
    let mut ids = Vec::new();
    for kind in GroupType::ALL {
        let spec = NewGroup {
            description: format!("the {kind} group"),
            load_code_after_blessing: kind != GroupType::Production,
            ..NewGroup::new(product, kind.name(), kind)
        };
        ids.push(cloud.create_group(spec).expect("group"));
    }
    let duplicate = NewGroup::new(product, "dut", GroupType::Development);
    assert_eq!(cloud.create_group(duplicate), Err(CloudError::DuplicateGroupName { product, name: "dut".into() }));
    assert_eq!(
        cloud.create_group(NewGroup::new(ProductId(999), "x", GroupType::Development)),
        Err(CloudError::UnknownProduct(ProductId(999)))
    );
    let groups = cloud.groups(product).expect("groups");
    assert_eq!(groups.iter().map(|g| g.kind).collect::<Vec<_>>(), GroupType::ALL);
    let production = &groups[6];
    assert_eq!((production.id, production.name.as_str()), (ids[6], "production"));
    assert_eq!(production.description, "the production group");
    assert!(!production.load_code_after_blessing && groups[2].load_code_after_blessing);
    assert_eq!((production.current_deployment, production.min_supported_deployment), (None, None));

    let d1 = cloud.deploy(ids[6], code("v1").into(), T0).expect("deploy");
    let changes = GroupChanges {
        name: Some("shipped".into()),
        load_code_after_blessing: Some(true),
        min_supported_deployment: Some(d1),
        ..GroupChanges::default()
    };
    cloud.update_group(ids[6], changes).expect("update");
    let g = cloud.group(ids[6]).expect("group");
    assert_eq!((g.name.as_str(), g.description.as_str()), ("shipped", "the production group"));
    assert!(g.load_code_after_blessing);
    assert_eq!((g.current_deployment, g.min_supported_deployment), (Some(d1), Some(d1)));
    let rename = GroupChanges { name: Some("dut".into()), ..GroupChanges::default() };
    assert_eq!(cloud.update_group(ids[6], rename), Err(CloudError::DuplicateGroupName { product, name: "dut".into() }));
    let foreign = GroupChanges { min_supported_deployment: Some(d1), ..GroupChanges::default() };
    assert_eq!(cloud.update_group(ids[0], foreign), Err(CloudError::DeploymentOfOtherGroup(d1, ids[0])));
}

pub fn targets_must_match_the_factory_group_kind_and_product(cloud: &mut dyn CloudBackend) {
    let Line { account, factory, dut, production, .. } = line(cloud);
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
    let other = cloud.create_product(account, "Other").expect("product");
    let foreign = cloud.create_group(NewGroup::new(other, "DUTs", GroupType::Dut)).expect("group");
    assert_eq!(cloud.set_targets(factory, foreign, production), Err(CloudError::TargetInOtherProduct(foreign)));
    assert_eq!(cloud.group(factory).map(|g| g.dut_target), Ok(Some(dut)), "refusals change nothing");
    let pre = cloud.create_group(NewGroup::new(other, "Test line", GroupType::PreFactory)).expect("group");
    assert!(matches!(cloud.set_targets(pre, foreign, production), Err(CloudError::TargetTypeMismatch { .. })));
    assert_eq!(cloud.set_targets(dut, dut, production), Err(CloudError::TargetsOnlyOnFactoryGroups(GroupType::Dut)));
    assert_eq!(cloud.group(factory).map(|g| g.production_target), Ok(Some(production)));
}

pub fn deployments_keep_code_tags_flag_origin_and_sha(cloud: &mut dyn CloudBackend) {
    let Line { dut, production, .. } = line(cloud);
    let spec = NewDeployment {
        code: code("app()"),
        tags: vec!["v1".into(), "release".into()],
        flagged: true,
        origin: "impt".into(),
        description: "first".into(),
    };
    let first = cloud.deploy(production, spec, secs(5)).expect("deploy");
    let second = cloud.deploy(production, code("app2()").into(), secs(6)).expect("deploy");
    let other = cloud.deploy(dut, code("dut()").into(), secs(7)).expect("deploy");
    let d = cloud.deployment(first).expect("deployment");
    assert_eq!((d.group, d.code.clone(), d.flagged), (production, code("app()"), true));
    assert_eq!(
        (d.tags.clone(), d.origin.as_str(), d.description.as_str()),
        (vec!["v1".into(), "release".into()], "impt", "first")
    );
    assert_eq!((d.sha.len(), d.sha.clone(), d.created_at), (64, code("app()").sha(), secs(5)));
    assert_ne!(d.sha, code("app2()").sha());
    let listed: Vec<_> = cloud.deployments(production).expect("list").iter().map(|d| d.id).collect();
    assert_eq!(listed, [first, second]);
    assert_eq!(cloud.group(production).map(|g| g.current_deployment), Ok(Some(second)));

    assert_eq!(cloud.delete_deployment(first), Err(CloudError::DeploymentFlagged(first)));
    let unflag = DeploymentChanges { flagged: Some(false), tags: Some(vec![]), ..DeploymentChanges::default() };
    cloud.update_deployment(first, unflag).expect("unflag");
    let d = cloud.deployment(first).expect("deployment");
    assert_eq!((d.flagged, d.tags.len(), d.description.as_str()), (false, 0, "first"));
    cloud.delete_deployment(first).expect("delete");
    cloud.delete_deployment(second).expect("delete the current one");
    assert_eq!(cloud.deployment(first), Err(CloudError::UnknownDeployment(first)));
    assert_eq!(cloud.group(production).map(|g| g.current_deployment), Ok(None));
    assert_eq!(cloud.deployments(dut).map(|d| d.len()), Ok(1));
    assert_eq!(cloud.deploy(GroupId(999), code("x").into(), T0), Err(CloudError::UnknownGroup(GroupId(999))));
    let deployed: Vec<_> = cloud
        .events()
        .expect("events")
        .into_iter()
        .filter_map(|e| match e.what {
            Happening::Deployed { deployment, .. } => Some(deployment),
            _ => None,
        })
        .collect();
    assert_eq!(deployed, [first, second, other]);
}

pub fn a_dut_goes_from_factory_blinkup_to_production_and_fires_one_blessing_webhook(cloud: &mut dyn CloudBackend) {
    let Line { account, factory, dut, production, fixture, .. } = line(cloud);
    cloud
        .add_webhook(production, WebhookEvent::Blessing, "http://127.0.0.1:9/blessed", ContentType::Json)
        .expect("hook");
    let dut_fw = cloud.deploy(dut, code("dut()").into(), T0).expect("deploy");
    let app = cloud.deploy(production, code("app()").into(), T0).expect("deploy");
    let unit = device(cloud, 2);

    let token = cloud.factory_token(&fixture, secs(1)).expect("token");
    let enrolment = cloud.enrol(&token, &unit, secs(2)).expect("enrolled");
    assert_eq!(enrolment.group, dut);
    assert_eq!(enrolment.fixture, fixture);
    assert_eq!(enrolment.deployment, Some(dut_fw));
    assert_eq!(enrolment.fixture_agent_url, cloud.device(&fixture).map(|f| f.agent_url).expect("fixture"));
    let d = cloud.device(&unit).expect("unit");
    assert_eq!((d.account, d.enrolled_at, d.fixture.clone()), (Some(account), Some(secs(2)), Some(fixture.clone())));

    assert_eq!(cloud.bless(&unit, false, secs(3)), Ok(BlessOutcome::TestsFailed));
    assert_eq!(cloud.device(&unit).map(|d| d.group), Ok(Some(dut)));

    let outcome = cloud.bless(&unit, true, secs(4)).expect("blessed");
    assert_eq!(
        outcome,
        BlessOutcome::Blessed { production_group: production, load_code_after_blessing: true, deployment: Some(app) }
    );
    let d = cloud.device(&unit).expect("unit");
    assert!(d.blessed);
    assert_eq!(d.group, Some(production));
    let events = cloud.events().expect("events");
    let hooks: Vec<_> = events.iter().filter(|e| matches!(e.what, Happening::Webhook { .. })).collect();
    assert_eq!(hooks.len(), 1);
    let Happening::Webhook { payload, event, .. } = &hooks[0].what else { unreachable!() };
    assert_eq!(*event, WebhookEvent::Blessing);
    assert_eq!(payload[0], ("device_id".to_string(), unit.to_string()));
    assert_eq!(payload[1].0, "imp_id");
    assert_ne!(payload[1].1, d.mac);
    assert_eq!(hooks[0].at, secs(4));
    let mut assigned: Vec<_> = cloud.assigned_devices().expect("devices").into_iter().map(|d| d.id).collect();
    assigned.sort();
    let mut expected = vec![fixture.clone(), unit.clone()];
    expected.sort();
    assert_eq!(assigned, expected, "the devices in groups");
    assert_eq!(cloud.devices_in(factory).expect("devices").iter().map(|d| d.id.clone()).collect::<Vec<_>>(), [fixture]);
    let in_production: Vec<_> = cloud.devices_in(production).expect("devices").into_iter().map(|d| d.id).collect();
    assert_eq!(in_production, std::slice::from_ref(&unit));
    let whats: Vec<_> = events
        .into_iter()
        .map(|e| e.what)
        .filter(|w| !matches!(w, Happening::Deployed { .. } | Happening::Webhook { .. } | Happening::Assigned { .. }))
        .collect();
    assert_eq!(
        whats,
        [
            Happening::TokenIssued { fixture: enrolment.fixture.clone() },
            Happening::Enrolled { device: unit.clone(), fixture: enrolment.fixture, group: dut },
            Happening::BlessFailed { device: unit.clone() },
            Happening::Blessed { device: unit, group: production },
        ]
    );
}

pub fn tokens_are_single_use_and_only_for_fixtures(cloud: &mut dyn CloudBackend) {
    let Line { fixture, .. } = line(cloud);
    let (a, b) = (device(cloud, 2), device(cloud, 3));
    let token = cloud.factory_token(&fixture, T0).expect("token");
    let second = cloud.factory_token(&fixture, T0).expect("token");
    assert_ne!(token, second);
    cloud.enrol(&token, &a, T0).expect("first use");
    let before = cloud.events().expect("events").len();
    assert_eq!(cloud.enrol(&token, &b, T0), Err(CloudError::TokenAlreadyUsed(a.clone())));
    assert_eq!(cloud.enrol("forged", &b, T0), Err(CloudError::UnknownToken));
    assert_eq!(cloud.factory_token(&b, T0), Err(CloudError::NotAFactoryFixture(b.clone())));
    assert_eq!(cloud.events().expect("events").len(), before, "refusals record nothing");
    assert_eq!(cloud.device(&b).map(|d| d.group), Ok(None));
}

pub fn an_unblessed_dut_may_be_blinked_up_again_a_blessed_one_may_not(cloud: &mut dyn CloudBackend) {
    let Line { fixture, .. } = line(cloud);
    let unit = device(cloud, 2);
    for _ in 0..2 {
        let token = cloud.factory_token(&fixture, T0).expect("token");
        cloud.enrol(&token, &unit, T0).expect("re-enrolment of an unblessed DUT");
    }
    cloud.bless(&unit, true, T0).expect("blessed");
    assert_eq!(
        cloud.bless(&unit, true, T0),
        Err(CloudError::AlreadyBlessed(unit.clone())),
        "a second bless is refused"
    );
    let token = cloud.factory_token(&fixture, T0).expect("token");
    assert_eq!(cloud.enrol(&token, &unit, T0), Err(CloudError::AlreadyBlessed(unit.clone())));
    assert_eq!(cloud.bless(&fixture, true, T0), Err(CloudError::NotADut(fixture.clone())));
    assert_eq!(cloud.activate(&fixture, T0), Err(CloudError::NotAProductionDevice(fixture.clone())));
    cloud.activate(&unit, T0).expect("a blessed device is activated by its end user");
}

pub fn production_is_reached_only_by_blessing_and_left_only_with_the_unbond_key(cloud: &mut dyn CloudBackend) {
    let Line { factory, production, dut, fixture, .. } = line(cloud);
    let unit = device(cloud, 2);
    assert_eq!(cloud.assign(&unit, production, T0), Err(CloudError::ManualAssignment(GroupType::Production)));
    assert_eq!(cloud.assign(&unit, dut, T0), Err(CloudError::ManualAssignment(GroupType::Dut)));
    let token = cloud.factory_token(&fixture, T0).expect("token");
    cloud.enrol(&token, &unit, T0).expect("enrolled");
    cloud.bless(&unit, true, T0).expect("blessed");
    assert_eq!(cloud.assign(&unit, factory, T0), Err(CloudError::UnbondKeyRequired(unit.clone())));
    assert_eq!(cloud.unassign(&unit, None, T0), Err(CloudError::UnbondKeyRequired(unit.clone())));
    assert_eq!(cloud.unassign(&unit, Some("guess"), T0), Err(CloudError::WrongUnbondKey));
    assert_eq!(cloud.device(&unit).map(|d| (d.blessed, d.group)), Ok((true, Some(production))));
    cloud.unassign(&unit, Some(UNBOND_KEY), T0).expect("unbonded");
    assert_eq!(cloud.device(&unit).map(|d| (d.blessed, d.group)), Ok((false, None)));
    let token = cloud.factory_token(&fixture, T0).expect("token");
    cloud.enrol(&token, &unit, T0).expect("an unbonded device goes through the factory again");
}

pub fn devices_of_another_account_cannot_be_assigned(cloud: &mut dyn CloudBackend) {
    let Line { account, factory, fixture, .. } = line(cloud);
    let other = cloud.create_account(NewAccount::new("rival", "k")).expect("account");
    let theirs = cloud.create_product(other, "Theirs").expect("product");
    let their_group = cloud.create_group(NewGroup::new(theirs, "dev", GroupType::Development)).expect("group");
    assert_eq!(cloud.device(&fixture).map(|d| d.account), Ok(Some(account)), "assignment claims a new device");
    cloud.unassign(&fixture, None, T0).expect("unassigned");
    assert_eq!(cloud.assign(&fixture, their_group, T0), Err(CloudError::DeviceOfOtherAccount(fixture.clone())));
    cloud.assign(&fixture, factory, T0).expect("back to its own account's group");
    let new = NewDevice {
        id: DeviceId::new("5000aabbccddeeff"),
        mac: "aabbccddeeff".into(),
        imp_type: "imp004m".into(),
        name: "theirs".into(),
        account: Some(other),
    };
    cloud.register_device(new.clone()).expect("device of another account");
    assert_eq!(cloud.register_device(new.clone()), Err(CloudError::DuplicateDevice(new.id.clone())));
    let listed: Vec<_> = cloud.devices(other).expect("devices").into_iter().map(|d| (d.id, d.imp_type)).collect();
    assert_eq!(listed, [(new.id.clone(), "imp004m".to_string())]);
    assert_eq!(cloud.devices(account).map(|d| d.len()), Ok(1));
    let d = cloud.device(&new.id).expect("device");
    assert_eq!((d.mac.as_str(), d.agent_id().len(), d.agent_url.ends_with(d.agent_id())), ("aabbccddeeff", 12, true));
}

pub fn groups_with_devices_cannot_be_deleted(cloud: &mut dyn CloudBackend) {
    let Line { factory, dut, fixture, .. } = line(cloud);
    cloud.add_webhook(factory, WebhookEvent::Deployment, "http://x/", ContentType::Form).expect("hook");
    assert_eq!(cloud.delete_group(factory), Err(CloudError::GroupNotEmpty(factory)));
    cloud.unassign(&fixture, None, T0).expect("unassigned");
    cloud.delete_group(factory).expect("deleted");
    assert_eq!(cloud.group(factory), Err(CloudError::UnknownGroup(factory)));
    assert_eq!(cloud.webhooks(factory), Ok(vec![]));
    cloud.delete_group(dut).expect("a target without its factory group");
}

pub fn webhooks_are_listed_and_deleted(cloud: &mut dyn CloudBackend) {
    let Line { production, dut, .. } = line(cloud);
    let a = cloud.add_webhook(production, WebhookEvent::Blessing, "http://mes/a", ContentType::Json).expect("hook");
    let b = cloud.add_webhook(production, WebhookEvent::Blinkup, "http://mes/b", ContentType::Form).expect("hook");
    cloud.add_webhook(dut, WebhookEvent::Deployment, "http://mes/c", ContentType::Json).expect("hook");
    let listed = cloud.webhooks(production).expect("hooks");
    assert_eq!(listed.iter().map(|w| w.id).collect::<Vec<_>>(), [a, b]);
    let w = cloud.webhook(b).expect("hook");
    assert_eq!(
        (w.group, w.event, w.url.as_str(), w.content_type),
        (production, WebhookEvent::Blinkup, "http://mes/b", ContentType::Form)
    );
    let moved = WebhookChanges { url: Some("http://mes/b2".into()), content_type: None };
    cloud.update_webhook(b, moved).expect("moved");
    let json = WebhookChanges { url: None, content_type: Some(ContentType::Json) };
    cloud.update_webhook(b, json).expect("now JSON");
    let w = cloud.webhook(b).expect("hook");
    assert_eq!((w.url.as_str(), w.content_type, w.event), ("http://mes/b2", ContentType::Json, WebhookEvent::Blinkup));
    assert_eq!(
        cloud.update_webhook(WebhookId(999), WebhookChanges::default()),
        Err(CloudError::UnknownWebhook(WebhookId(999)))
    );
    cloud.delete_webhook(a).expect("deleted");
    assert_eq!(cloud.delete_webhook(a), Err(CloudError::UnknownWebhook(a)));
    assert_eq!(cloud.webhook(a), Err(CloudError::UnknownWebhook(a)));
    assert_eq!(cloud.webhooks(production).map(|w| w.len()), Ok(1));
    assert_eq!(
        cloud.add_webhook(GroupId(999), WebhookEvent::Blessing, "x", ContentType::Json),
        Err(CloudError::UnknownGroup(GroupId(999)))
    );
}

pub fn logs_are_kept_per_device_in_order(cloud: &mut dyn CloudBackend) {
    let (a, b) = (device(cloud, 1), device(cloud, 2));
    let entries = [
        (&a, LogKind::Status, "Device connected"),
        (&b, LogKind::ServerLog, "hello"),
        (&a, LogKind::AgentError, "ERROR: oops"),
        (&a, LogKind::ServerLog, "tick"),
    ];
    for (i, (device, kind, message)) in entries.iter().enumerate() {
        let entry = LogEntry {
            at: Duration::from_millis(i as u64 * 250),
            device: (*device).clone(),
            kind: *kind,
            message: message.to_string(),
        };
        cloud.log(entry).expect("logged");
    }
    let of_a: Vec<_> =
        cloud.logs_of(&a).expect("logs").into_iter().map(|l| (l.at.as_millis(), l.kind, l.message)).collect();
    assert_eq!(
        of_a,
        [
            (0, LogKind::Status, "Device connected".to_string()),
            (500, LogKind::AgentError, "ERROR: oops".into()),
            (750, LogKind::ServerLog, "tick".into())
        ]
    );
    assert_eq!(cloud.logs().map(|l| l.len()), Ok(4));
}

pub fn devices_are_renamed_and_removed_when_unassigned(cloud: &mut dyn CloudBackend) {
    let Line { account, fixture, .. } = line(cloud);
    cloud.rename_device(&fixture, "bench fixture").expect("renamed");
    assert_eq!(cloud.device(&fixture).map(|d| d.name), Ok("bench fixture".to_string()));
    assert_eq!(cloud.remove_device(&fixture), Err(CloudError::DeviceAssigned(fixture.clone())));
    cloud.unassign(&fixture, None, T0).expect("unassigned");
    cloud.remove_device(&fixture).expect("removed");
    assert_eq!(cloud.devices(account), Ok(vec![]));
    let ghost = DeviceId::new("5000000000000000");
    assert_eq!(cloud.rename_device(&ghost, "x"), Err(CloudError::UnknownDevice(ghost)));
}
