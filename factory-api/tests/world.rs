//! A factory line in a world of imps: fixture and DUTs on one clock against the
//! `MemoryCloud`, running the teaching firmware in `samples/`.

use impish_factory::cloud::{Code, ContentType, DeviceId, GroupId, GroupType, Happening, NewGroup, WebhookEvent};
use impish_factory::hardware::i2c::RegisterMap;
use impish_factory::hardware::script;
use impish_factory::imp::identity::{Identity, ImpType};
use impish_factory::world::{ImpId, World};
use std::time::Duration;

fn sample(path: &str) -> String {
    let full = format!("{}/../samples/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn code(device: String, agent: String) -> Code {
    Code { device: device.into(), agent: agent.into() }
}

struct Line {
    world: World,
    dut_group: GroupId,
    production: GroupId,
    fixture: ImpId,
}

/// A product with a factory group (the fixture's), its DUT and production targets, the
/// samples deployed to each, and a blessing webhook.
fn line() -> Line {
    let mut world = World::default();
    let cloud = world.cloud_mut();
    let product = cloud.create_product("Thermometer").expect("product");
    let factory = cloud.create_group(NewGroup::new(product, "factory", GroupType::Factory)).expect("factory");
    let dut_group = cloud.create_group(NewGroup::new(product, "dut", GroupType::Dut)).expect("dut");
    let production =
        cloud.create_group(NewGroup::new(product, "production", GroupType::Production)).expect("production");
    cloud.set_targets(factory, dut_group, production).expect("targets");
    let t0 = Duration::ZERO;
    let fixture_code = code(sample("factory/fixture.device.nut"), sample("factory/fixture.agent.nut"));
    cloud.deploy(factory, fixture_code, t0).expect("fixture code");
    let dut_code = code(sample("factory/dut.device.nut"), sample("factory/dut.agent.nut"));
    cloud.deploy(dut_group, dut_code, t0).expect("DUT code");
    let app_code = code(sample("app/app.device.nut"), sample("app/app.agent.nut"));
    cloud.deploy(production, app_code, t0).expect("application code");
    cloud.add_webhook(production, WebhookEvent::Blessing, "http://mes.test/blessed", ContentType::Json).expect("hook");
    let identity = Identity::from_mac(ImpType::Imp005, 0x0c2a_6900_0f1e);
    let fixture = world.add_imp("fixture", identity, Some(factory)).expect("fixture");
    Line { world, dut_group, production, fixture }
}

/// A unit on the test jig: pinA wired to pinB, and (when `sensor`) the temperature
/// sensor at 0xBE reading 25.00 °C.
fn unit(world: &mut World, name: &str, mac: u64, sensor: bool) -> ImpId {
    let id = world.add_imp(name, Identity::from_mac(ImpType::Imp005, mac), None).expect("unit");
    let imp = world.imp_mut(id);
    let mut board = imp.board_mut();
    assert!(board.wire("pinA", "pinB", Duration::ZERO));
    if sensor {
        let registers = RegisterMap::new(&[(0x0f, 0xbc), (0x2a, 0xc4), (0x2b, 0x09)]);
        board.i2c_bus("i2c0").expect("i2c0").attach(0xbe, Box::new(registers));
    }
    drop(board);
    id
}

fn press_button(world: &mut World, fixture: ImpId, at: f64) {
    for input in script::parse(&format!("press pinC at {at} s for 0.2 s")).expect("script") {
        world.schedule_input(fixture, input).expect("pinC");
    }
}

/// The log without the date and the device ids' common prefix, for golden comparison.
fn log_of(world: &World) -> Vec<String> {
    world.log().iter().map(|l| l.to_string().replacen("2026-01-01 00:", "", 1).replacen(" +00:00", "", 1)).collect()
}

fn colours(world: &World, imp: ImpId) -> Vec<(u128, &'static str)> {
    world.imp(imp).status_led().timeline().iter().map(|c| (c.at.as_millis(), c.color.name())).collect()
}

#[test]
fn fixture_and_duts_through_the_memory_cloud() {
    let Line { mut world, dut_group, production, fixture } = line();
    let good = unit(&mut world, "good", 0x0c2a_6900_0d07, true);
    let faulty = unit(&mut world, "faulty", 0x0c2a_6900_0d08, false);
    let good_id = world.imp(good).identity().device_id.clone();
    let faulty_id = world.imp(faulty).identity().device_id.clone();

    world.place_dut(fixture, Some(good));
    press_button(&mut world, fixture, 2.0);
    world.run_for(Duration::from_secs(20));
    world.place_dut(fixture, Some(faulty));
    press_button(&mut world, fixture, 20.0);
    world.run_for(Duration::from_secs(20));
    world.place_dut(fixture, Some(good));
    press_button(&mut world, fixture, 40.0);
    world.run_for(Duration::from_secs(20));

    assert_eq!(
        log_of(&world),
        [
            "fixture 00:00.000 [Status] Agent restarted: reload.",
            "fixture 00:00.000 [Agent] Fixture agent listening at https://agent.electricimp.com/0560e65585d7",
            "fixture 00:00.000 [Device] Fixture ready: 23000c2a69000f1e",
            "fixture 00:00.000 [Status] Device connected",
            // Units in no group have no code and no agent until BlinkUp enrols them.
            "good 00:00.000 [Status] Device connected",
            "faulty 00:00.000 [Status] Device connected",
            "fixture 00:02.250 [Device] Sending factory BlinkUp",
            "good 00:06.450 [Status] Factory BlinkUp: enrolled into group-2 by fixture 23000c2a69000f1e",
            "good 00:06.450 [Status] Restarting into new code",
            "good 00:06.450 [Status] Agent restarted: reload.",
            "good 00:06.450 [Status] Device connected",
            "good 00:06.650 [Device] Blessed",
            "fixture 00:06.650 [Device] DUT 23000c2a69000d07 PASSED",
            "good 00:08.650 [Status] Restarting into new code",
            "good 00:08.650 [Status] Agent restarted: reload.",
            "good 00:08.650 [Device] Application started on 23000c2a69000d07",
            "good 00:08.650 [Status] Device connected",
            "fixture 00:20.250 [Device] Sending factory BlinkUp",
            "faulty 00:24.450 [Status] Factory BlinkUp: enrolled into group-2 by fixture 23000c2a69000f1e",
            "faulty 00:24.450 [Status] Restarting into new code",
            "faulty 00:24.450 [Status] Agent restarted: reload.",
            "faulty 00:24.450 [Device] ERROR: test failed: sensor id: sensor does not answer (i2c error -2)",
            "faulty 00:24.450 [Device] ERROR: test failed: temperature: no temperature reading",
            "faulty 00:24.450 [Status] Device connected",
            "faulty 00:24.650 [Device] Not blessed",
            "fixture 00:24.650 [Device] DUT 23000c2a69000d08 FAILED",
            "fixture 00:40.250 [Device] Sending factory BlinkUp",
            "good 00:44.450 [Status] Factory BlinkUp refused: device 23000c2a69000d07 is blessed: \
             a production device cannot be factory BlinkUp'd again",
        ]
    );
    // The good unit: flashing during the BlinkUp, green at enrolment, solid green once
    // blessed (the second BlinkUp changes nothing); the faulty one turns red as soon as
    // it reports failed tests, cutting its green short.
    assert_eq!(colours(&world, good), [(2450, "flashing"), (6450, "green")]);
    assert_eq!(colours(&world, faulty), [(20_450, "flashing"), (24_450, "red")], "failed tests: red at once");
    assert!(world.imp(good).network().cleared.len() == 1, "blessed units ship unconfigured");
    assert_eq!(world.imp(good).network().wifi_ssid.as_deref(), Some("FactoryNet"));
    assert!(world.imp(faulty).network().cleared.is_empty());
    // The label went to the printer on uart0, for the passing unit only.
    let label = world.imp(fixture).board().uart("uart0").expect("uart0").sent_bytes();
    assert_eq!(label, b"DEVICE 23000c2a69000d07\r\nMAC 0c2a69000d07\r\n\x0c");
    // Three BlinkUps at 142 Hz for 4 s each, lit high: dark at first, then 568 bits of
    // alternating light each, one every 1/142 s.
    let fixture_imp = world.imp(fixture);
    let board = fixture_imp.board();
    let trace: Vec<(u128, f32)> =
        board.pin("pinM").expect("pinM").trace().iter().map(|c| (c.at.as_micros(), c.level)).collect();
    assert_eq!(trace.len(), 1 + 3 * 568);
    assert_eq!(trace[..3], [(2_450_000, 0.0), (2_450_000, 1.0), (2_457_042, 0.0)]);
    assert_eq!(trace[569], (20_450_000, 1.0));
    drop(board);
    let cloud = world.cloud();
    let blessings: Vec<_> = cloud
        .events()
        .iter()
        .filter_map(|e| match &e.what {
            Happening::Webhook { event: WebhookEvent::Blessing, url, payload, .. } => {
                Some((e.at.as_millis(), url.clone(), payload[0].1.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(blessings, [(6450, "http://mes.test/blessed".to_string(), good_id.clone())]);
    assert_eq!(cloud.device(&DeviceId::new(&good_id)).map(|d| (d.blessed, d.group)), Ok((true, Some(production))));
    assert_eq!(cloud.device(&DeviceId::new(&faulty_id)).map(|d| (d.blessed, d.group)), Ok((false, Some(dut_group))));
}
