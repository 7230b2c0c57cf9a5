//! Two lines (two threads, each with its own connection, as two hosts would have)
//! blessing into one production group of a PostgreSQL cloud: every good unit is blessed
//! exactly once and nothing is lost, even when both lines race to bless the same units.

mod pg;

use impish_factory::cloud::*;
use std::sync::Barrier;
use std::time::Duration;

const UNITS_PER_LINE: u32 = 40;

struct Setup {
    factory: GroupId,
    production: GroupId,
}

fn unit(line: u32, n: u32) -> DeviceId {
    DeviceId::new(&format!("5000{line:04x}{n:08x}"))
}

fn register(cloud: &mut dyn CloudBackend, id: &DeviceId, account: Option<AccountId>) {
    let new =
        NewDevice { id: id.clone(), mac: id.0[4..].into(), imp_type: "imp005".into(), name: String::new(), account };
    cloud.register_device(new).expect("device");
}

/// A product whose factory group targets one DUT and one production group, with a
/// blessing webhook, and a fixture for each line.
fn set_up(cloud: &mut dyn CloudBackend) -> Setup {
    let account = cloud.create_account(NewAccount::new("factory", "key")).expect("account");
    let product = cloud.create_product(account, "Kettle").expect("product");
    let factory = cloud.create_group(NewGroup::new(product, "fixtures", GroupType::Factory)).expect("group");
    let dut = cloud.create_group(NewGroup::new(product, "duts", GroupType::Dut)).expect("group");
    let production = cloud.create_group(NewGroup::new(product, "shipped", GroupType::Production)).expect("group");
    cloud.set_targets(factory, dut, production).expect("targets");
    cloud.add_webhook(production, WebhookEvent::Blessing, "http://mes/b", ContentType::Json).expect("hook");
    for line in 1..=2 {
        let fixture = unit(line, 0);
        register(cloud, &fixture, Some(account));
        cloud.assign(&fixture, factory, Duration::ZERO).expect("fixture");
    }
    Setup { factory, production }
}

/// One line: BlinkUp, enrolment and blessing of its own units (one in ten fails its
/// tests), then an attempt to bless every unit of both lines (the other line's too).
fn run_line(schema: &pg::Schema, line: u32, both_done: &Barrier) -> (u32, u32) {
    let mut cloud = schema.connect();
    let fixture = unit(line, 0);
    let mut blessed = 0;
    for n in 1..=UNITS_PER_LINE {
        let id = unit(line, n);
        register(&mut cloud, &id, None);
        let now = Duration::from_millis(u64::from(n) * 100);
        let token = cloud.factory_token(&fixture, now).expect("token");
        cloud.enrol(&token, &id, now).expect("enrolled");
        let passed = n % 10 != 0;
        if let Ok(BlessOutcome::Blessed { .. }) = cloud.bless(&id, passed, now) {
            blessed += 1;
        }
    }
    both_done.wait();
    // Race the other line for the units it failed, retried as passed: one of the two
    // lines blesses each, the other is refused.
    let mut second = 0;
    for other in 1..=2 {
        for n in (10..=UNITS_PER_LINE).step_by(10) {
            match cloud.bless(&unit(other, n), true, Duration::from_secs(60)) {
                Ok(BlessOutcome::Blessed { .. }) => second += 1,
                Ok(BlessOutcome::TestsFailed) => panic!("a passing bless reported failed tests"),
                Err(CloudError::AlreadyBlessed(_)) => {}
                Err(e) => panic!("line {line}: {e}"),
            }
        }
    }
    (blessed, second)
}

#[test]
fn two_lines_bless_every_good_unit_exactly_once() {
    let schema = pg::Schema::fresh();
    let mut cloud = schema.connect();
    let Setup { factory, production } = set_up(&mut cloud);
    let both_done = Barrier::new(2);
    let results: Vec<(u32, u32)> = std::thread::scope(|scope| {
        let lines: Vec<_> = (1..=2)
            .map(|line| {
                scope.spawn({
                    let schema = &schema;
                    let both_done = &both_done;
                    move || run_line(schema, line, both_done)
                })
            })
            .collect();
        lines.into_iter().map(|l| l.join().expect("line thread")).collect()
    });
    let first_pass: u32 = results.iter().map(|r| r.0).sum();
    let retried: u32 = results.iter().map(|r| r.1).sum();
    let failed_per_line = UNITS_PER_LINE / 10;
    assert_eq!(first_pass, 2 * (UNITS_PER_LINE - failed_per_line));
    assert_eq!(retried, 2 * failed_per_line, "each retried unit blessed by exactly one line");

    let shipped = cloud.devices_in(production).expect("devices");
    assert_eq!(shipped.len() as u32, 2 * UNITS_PER_LINE, "every unit of both lines in production");
    assert!(shipped.iter().all(|d| d.blessed));
    let events = cloud.events().expect("events");
    let mut blessings: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.what {
            Happening::Blessed { device, .. } => Some(device.clone()),
            _ => None,
        })
        .collect();
    let hooks = events.iter().filter(|e| matches!(e.what, Happening::Webhook { .. })).count();
    let enrolled = events.iter().filter(|e| matches!(e.what, Happening::Enrolled { .. })).count();
    blessings.sort();
    let total = blessings.len();
    blessings.dedup();
    assert_eq!((total, blessings.len()), (shipped.len(), shipped.len()), "no unit blessed twice");
    assert_eq!(hooks, total, "one blessing webhook per blessing");
    assert_eq!(enrolled as u32, 2 * UNITS_PER_LINE, "no enrolment lost");
    assert_eq!(cloud.devices_in(factory).map(|d| d.len()), Ok(2));
}
