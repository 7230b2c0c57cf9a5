//! A factory line in a world of imps: fixture and DUTs on one clock against the
//! `MemoryCloud`, running the teaching firmware in `samples/`.

use impish_factory::cloud::{
    Code, ContentType, DeviceId, GroupId, GroupType, Happening, NewAccount, NewGroup, WebhookEvent,
};
use impish_factory::hardware::i2c::RegisterMap;
use impish_factory::hardware::script;
use impish_factory::imp::http::HttpRequest;
use impish_factory::imp::identity::{Identity, ImpType};
use impish_factory::timing::FactoryTiming;
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
/// samples deployed to each, and a blessing webhook; the factory's default delays
/// without jitter: the token 0.3 s, connecting 3 s, enrolling 0.5 s, downloading 1.5 s,
/// the bless round trip 0.6 s, the restart into the application 2 s after blessing.
fn line() -> Line {
    let mut world = World::default();
    world.set_timing(FactoryTiming { jitter: 0.0, ..FactoryTiming::default() }, 0);
    let cloud = world.cloud_mut();
    let account = cloud.create_account(NewAccount::new("maker", "unbond-key")).expect("account");
    let product = cloud.create_product(account, "Thermometer").expect("product");
    let factory = cloud.create_group(NewGroup::new(product, "factory", GroupType::Factory)).expect("factory");
    let dut_group = cloud.create_group(NewGroup::new(product, "dut", GroupType::Dut)).expect("dut");
    let production =
        cloud.create_group(NewGroup::new(product, "production", GroupType::Production)).expect("production");
    cloud.set_targets(factory, dut_group, production).expect("targets");
    let t0 = Duration::ZERO;
    let fixture_code = code(sample("factory/fixture.device.nut"), sample("factory/fixture.agent.nut"));
    cloud.deploy(factory, fixture_code.into(), t0).expect("fixture code");
    let dut_code = code(sample("factory/dut.device.nut"), sample("factory/dut.agent.nut"));
    cloud.deploy(dut_group, dut_code.into(), t0).expect("DUT code");
    let app_code = code(sample("app/app.device.nut"), sample("app/app.agent.nut"));
    cloud.deploy(production, app_code.into(), t0).expect("application code");
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
            // The token arrives at 2.55 s, the flash ends at 6.55 s; the unit connects
            // (3 s), enrols (0.5 s), downloads the DUT code (1.5 s) and restarts.
            "good 00:10.050 [Status] Factory BlinkUp: enrolled into devicegroup-2 by fixture 23000c2a69000f1e",
            "good 00:11.550 [Status] Restarting into new code",
            "good 00:11.550 [Status] Agent restarted: reload.",
            "good 00:11.550 [Status] Device connected",
            "good 00:12.150 [Device] Blessed",
            "fixture 00:12.150 [Device] DUT 23000c2a69000d07 PASSED",
            // Two seconds after the bless callback; no agent starts (none until an
            // end user activates the unit).
            "good 00:14.150 [Status] Restarting into new code",
            "good 00:14.150 [Device] Application started on 23000c2a69000d07",
            "good 00:14.150 [Status] Device connected",
            "fixture 00:20.250 [Device] Sending factory BlinkUp",
            "faulty 00:28.050 [Status] Factory BlinkUp: enrolled into devicegroup-2 by fixture 23000c2a69000f1e",
            "faulty 00:29.550 [Status] Restarting into new code",
            "faulty 00:29.550 [Status] Agent restarted: reload.",
            "faulty 00:29.550 [Device] ERROR: test failed: sensor id: sensor does not answer (i2c error -2)",
            "faulty 00:29.550 [Device] ERROR: test failed: temperature: no temperature reading",
            "faulty 00:29.550 [Status] Device connected",
            "faulty 00:30.150 [Device] Not blessed",
            "fixture 00:30.150 [Device] DUT 23000c2a69000d08 FAILED",
            "fixture 00:40.250 [Device] Sending factory BlinkUp",
            "good 00:48.050 [Status] Factory BlinkUp refused: device 23000c2a69000d07 is blessed: \
             a production device cannot be factory BlinkUp'd again",
        ]
    );
    // The good unit: flashing during the BlinkUp, green for 3 s after it, solid green
    // once blessed (the second BlinkUp changes nothing); the faulty one turns red as
    // soon as it reports failed tests.
    assert_eq!(colours(&world, good), [(2550, "flashing"), (6550, "green"), (9550, "off"), (12_150, "green")]);
    assert_eq!(
        colours(&world, faulty),
        [(20_550, "flashing"), (24_550, "green"), (27_550, "off"), (29_550, "red")],
        "server.bless(false): red at once"
    );
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
    assert_eq!(trace[..3], [(2_550_000, 0.0), (2_550_000, 1.0), (2_557_042, 0.0)]);
    assert_eq!(trace[569], (20_550_000, 1.0));
    drop(board);
    let cloud = world.cloud();
    let blessings: Vec<_> = cloud
        .events()
        .expect("events")
        .iter()
        .filter_map(|e| match &e.what {
            Happening::Webhook { event: WebhookEvent::Blessing, url, payload, .. } => {
                Some((e.at.as_millis(), url.clone(), payload[0].1.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(blessings, [(11_550, "http://mes.test/blessed".to_string(), good_id.clone())]);
    assert_eq!(cloud.device(&DeviceId::new(&good_id)).map(|d| (d.blessed, d.group)), Ok((true, Some(production))));
    assert_eq!(cloud.device(&DeviceId::new(&faulty_id)).map(|d| (d.blessed, d.group)), Ok((false, Some(dut_group))));
}

/// A blessed unit has no agent until an end user activates it: the application's agent
/// does not start, and the DUT's factory agent, cut off from its device, runs on for
/// 24 h after the device left the DUT group, then stops.
#[test]
fn a_blessed_unit_has_no_agent_and_its_factory_agent_stops_after_24_hours() {
    let Line { mut world, fixture, .. } = line();
    let good = unit(&mut world, "good", 0x0c2a_6900_0d07, true);
    world.place_dut(fixture, Some(good));
    press_button(&mut world, fixture, 2.0);
    world.run_for(Duration::from_secs(20));
    let left_dut_group = Duration::from_millis(14_150);
    assert!(log_of(&world).contains(&"good 00:14.150 [Device] Application started on 23000c2a69000d07".to_string()));
    // The factory agent answers its URL (it has no request handler); the application's
    // agent, which would serve its readings, never started.
    let request = HttpRequest { method: "GET".into(), url: "/".into(), headers: Vec::new(), body: Vec::new() };
    world.imp_mut(good).schedule_request(Duration::from_secs(30), request);
    world.run_for(Duration::from_secs(20));
    let answer = log_of(&world).into_iter().find(|l| l.contains("GET / answered")).expect("answered");
    assert_eq!(answer, "good 00:30.000 [Status] GET / answered 404: no http.onrequest handler");
    let day = Duration::from_secs(24 * 3600);
    world.run_until(Some(left_dut_group + day - Duration::from_millis(1)));
    assert!(world.imp(good).agent_running(), "a DUT's factory agent lives 24 h after its device left");
    world.run_until(Some(left_dut_group + day + Duration::from_millis(1)));
    assert!(!world.imp(good).agent_running());
    let stopped = world.log().into_iter().find(|l| l.line.message.starts_with("Agent stopped")).expect("stopped");
    assert_eq!(stopped.line.at, left_dut_group + day);
    assert!(world.imp(fixture).agent_running(), "the fixture's agent runs on");
}

/// An agent whose device stays offline for the agent's lifetime stops ("Agents have a
/// 30-day lifespan when their device is offline"), and restarts when the device is
/// back; a shorter absence changes nothing.
#[test]
fn an_agent_stops_when_its_device_stays_away_for_its_lifetime_and_restarts_when_it_is_back() {
    let mut world = World::default();
    let lifetime = Duration::from_secs(100);
    world.set_timing(FactoryTiming { agent_lifetime: lifetime, ..FactoryTiming::default() }, 0);
    let cloud = world.cloud_mut();
    let account = cloud.create_account(NewAccount::new("maker", "unbond-key")).expect("account");
    let product = cloud.create_product(account, "Sensor").expect("product");
    let group = cloud.create_group(NewGroup::new(product, "dev", GroupType::Development)).expect("group");
    let app = code("server.log(\"device up\");".into(), "server.log(\"agent up\");".into());
    cloud.deploy(group, app.into(), Duration::ZERO).expect("code");
    let imp = world.add_imp("sensor", Identity::from_mac(ImpType::Imp005, 0x0c2a_6900_0a01), Some(group)).expect("imp");
    for (at, outage) in [(10, 50), (200, 300)] {
        let input = script::parse(&format!("network down at {at} s for {outage} s")).expect("script");
        world.schedule_input(imp, input.into_iter().next().expect("one input")).expect("input");
    }
    world.run_until(Some(Duration::from_secs(1000)));
    let agent_lines: Vec<String> =
        log_of(&world).into_iter().filter(|l| l.contains("Agent") || l.contains("agent up")).collect();
    assert_eq!(
        agent_lines,
        [
            "sensor 00:00.000 [Status] Agent restarted: reload.",
            "sensor 00:00.000 [Agent] agent up",
            // Away 200 s to 500 s: the agent stops after 100 s; the imp, asleep after a
            // minute of trying, retries at 800 s and connects.
            "sensor 05:00.000 [Status] Agent stopped: its device has been gone for its lifetime",
            "sensor 13:20.000 [Status] Agent restarted: reload.",
            "sensor 13:20.000 [Agent] agent up",
        ]
    );
    assert!(world.imp(imp).agent_running());
}
