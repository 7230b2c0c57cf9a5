//! `impish line --cloud`: the sample line run twice against one kept SQLite cloud set
//! up as the Production Guide does (product, factory group with DUT and production
//! targets, three deployments, a fixture assigned), two lines (two processes, two
//! factory groups) at once against one PostgreSQL cloud, and lines against a running
//! `impish cloud serve` over its API (`--cloud http://...`), one of them while the
//! server is killed with SIGKILL and restarted. The production group then holds
//! exactly the units the reports say were blessed, each blessed once. Over the API, a
//! slow webhook receiver holds up no bless, and still gets each blessing once, in order;
//! one that is down while the units are blessed, and slow once up, gets every blessing
//! (at least once) though the server is killed twice meanwhile.

mod serve;

use impish_cloud::credentials::Credentials;
use impish_cloud::remote::RemoteCloud;
use impish_cloud::{store, PostgresCloud, SqliteCloud};
use impish_factory::cloud::*;
use impish_factory::imp::identity::ImpType;
use serde_json::{json, Value};
use serve::Serve;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSWORD: &str = "line password";

fn sample(path: &str) -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn code(device: &str, agent: &str) -> NewDeployment {
    Code { device: sample(device).into(), agent: sample(agent).into() }.into()
}

/// The cloud as impt would leave it, with a factory group (and fixture) per name in
/// `lines`, all blessing into one production group, which it returns.
fn set_up(cloud: &mut dyn CloudBackend, lines: &[&str]) -> GroupId {
    let account = store::add_account(cloud, "maker", PASSWORD, "key").expect("account");
    let product = cloud.create_product(account, "Thermometer").expect("product");
    let production = cloud.create_group(NewGroup::new(product, "Shipped", GroupType::Production)).expect("group");
    let dut = cloud.create_group(NewGroup::new(product, "Line DUTs", GroupType::Dut)).expect("group");
    let t0 = Duration::ZERO;
    cloud.deploy(dut, code("factory/dut.device.nut", "factory/dut.agent.nut"), t0).expect("deploy");
    cloud.deploy(production, code("app/app.device.nut", "app/app.agent.nut"), t0).expect("deploy");
    for name in lines {
        let factory = cloud.create_group(NewGroup::new(product, name, GroupType::Factory)).expect("group");
        cloud.set_targets(factory, dut, production).expect("targets");
        cloud.deploy(factory, code("factory/fixture.device.nut", "factory/fixture.agent.nut"), t0).expect("deploy");
        let fixture = store::add_device(cloud, ImpType::Imp005, Some(name), Some(account)).expect("fixture");
        cloud.assign(&fixture, factory, t0).expect("fixture assigned");
    }
    production
}

/// `impish line` on the sample line against `db` with `factory` as its fixtures' group.
fn line_command(db: &str, factory: &str, report: &Path) -> Command {
    let line = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/factory/line.toml");
    let mut command = Command::new(env!("CARGO_BIN_EXE_impish"));
    command.arg("line").arg(line).args(["--cloud", db, "--factory-dg", factory, "--quiet", "--json"]).arg(report);
    command.env("IMPT_USER", "maker").env("IMPT_PASSWORD", PASSWORD).env_remove("IMPT_LOGINKEY");
    command
}

/// How many units a finished line's report says it blessed.
fn blessed(output: std::process::Output, report: &Path) -> u64 {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "impish line --cloud failed: {stderr}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(report).expect("report")).expect("JSON");
    report["summary"]["blessed"].as_u64().expect("blessed count")
}

/// Runs the sample line against the cloud; how many units its report says it blessed.
fn run_line(db: &str, report: &Path) -> u64 {
    blessed(line_command(db, "Line fixtures", report).output().expect("impish line"), report)
}

/// Checks that the production group holds exactly `count` units, each blessed once.
fn check_production(cloud: &dyn CloudBackend, production: GroupId, count: u64) {
    let shipped = cloud.devices_in(production).expect("devices");
    assert_eq!(shipped.len() as u64, count, "exactly the blessed units are in production");
    assert!(shipped.iter().all(|d| d.blessed && d.account.is_some()));
    let blessings =
        cloud.events().expect("events").iter().filter(|e| matches!(e.what, Happening::Blessed { .. })).count();
    assert_eq!(blessings as u64, count, "each blessed once");
}

#[test]
fn a_line_blesses_into_a_kept_cloud() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cloud.db");
    let production = set_up(&mut SqliteCloud::open_file(&path).expect("cloud"), &["Line fixtures"]);
    let db = format!("sqlite:{}", path.display());
    let unix_now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock");
    let started = unix_now();
    let first = run_line(&db, &dir.path().join("first.json"));
    let second = run_line(&db, &dir.path().join("second.json"));
    assert!(first > 30 && second > 30, "the sample line blesses most units: {first}, {second}");
    let cloud = SqliteCloud::open_file(&path).expect("cloud");
    check_production(&cloud, production, first + second);
    // Stamped in real time from each run's start (plus the simulated line time, under an
    // hour for the sample line), not from 1970.
    let latest = unix_now() + Duration::from_secs(3600);
    for event in cloud.events().expect("events").iter().filter(|e| matches!(e.what, Happening::Blessed { .. })) {
        assert!(event.at >= started && event.at <= latest, "a blessing at {:?}, the runs from {started:?}", event.at);
    }
}

/// The machine's PostgreSQL server (see impish-cloud's tests) without and with a schema
/// of the test's own as the connection's search path.
fn postgres_urls(schema: &str) -> (String, String) {
    let base =
        std::env::var("IMPISH_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let separator = if base.contains('?') { '&' } else { '?' };
    let in_schema = format!("{base}{separator}options=-csearch_path%3D{schema}");
    (base, in_schema)
}

#[test]
fn two_lines_on_two_hosts_share_a_postgres_cloud() {
    let schema = format!("impish_lines_{}", std::process::id());
    let (base, url) = postgres_urls(&schema);
    let mut cloud = PostgresCloud::connect(&base, Some(&schema))
        .unwrap_or_else(|e| panic!("PostgreSQL is needed for this test (CI starts it): {e}"));
    let production = set_up(&mut cloud, &["Line A", "Line B"]);
    let dir = tempfile::tempdir().expect("temporary directory");
    let reports = [dir.path().join("a.json"), dir.path().join("b.json")];
    let lines: Vec<_> = ["Line A", "Line B"]
        .iter()
        .zip(&reports)
        .map(|(factory, report)| line_command(&url, factory, report).spawn().expect("impish line"))
        .collect();
    let counts: Vec<u64> = lines
        .into_iter()
        .zip(&reports)
        .map(|(line, report)| blessed(line.wait_with_output().expect("a finished line"), report))
        .collect();
    assert!(counts.iter().all(|&c| c > 30), "each line blesses most of its units: {counts:?}");
    check_production(&cloud, production, counts.iter().sum());
    let _ = postgres::Client::connect(&base, postgres::NoTls)
        .and_then(|mut c| c.batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE")));
}

#[test]
fn a_line_against_a_cloud_needs_the_account_credentials() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cloud.db");
    set_up(&mut SqliteCloud::open_file(&path).expect("cloud"), &["Line fixtures"]);
    let line = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/factory/line.toml");
    let output = Command::new(env!("CARGO_BIN_EXE_impish"))
        .arg("line")
        .arg(line)
        .args(["--cloud", &format!("sqlite:{}", path.display()), "--factory-dg", "Line fixtures", "--quiet"])
        .env("IMPT_USER", "maker")
        .env("IMPT_PASSWORD", "guess")
        .env_remove("IMPT_LOGINKEY")
        .output()
        .expect("impish line");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("wrong user or password"));
}

/// The device ids of the units a finished line's report says it blessed.
fn blessed_units(output: std::process::Output, report: &Path) -> BTreeSet<String> {
    let count = blessed(output, report);
    let report: Value = serde_json::from_slice(&std::fs::read(report).expect("report")).expect("JSON");
    let units = report["units"].as_array().expect("units");
    let ids: BTreeSet<String> = (units.iter().filter(|u| u["blessed"] == json!(true)))
        .map(|u| u["device_id"].as_str().expect("a device id").to_string())
        .collect();
    assert_eq!(ids.len() as u64, count, "the summary counts the blessed units");
    ids
}

/// The ids of the devices in `group`, as the API lists them to the account.
fn listed_devices(endpoint: &str, group: GroupId) -> BTreeSet<String> {
    let agent = ureq::Agent::new_with_defaults();
    let login = json!({ "id": "maker", "password": PASSWORD }).to_string();
    let mut grant = agent.post(format!("{endpoint}/auth")).send(login).expect("login");
    let grant: Value = serde_json::from_str(&grant.body_mut().read_to_string().expect("body")).expect("JSON");
    let token = grant["access_token"].as_str().expect("an access token");
    let mut ids = BTreeSet::new();
    let mut next = Some(format!("/devices?filter[devicegroup.id]={group}"));
    while let Some(path) = next {
        let mut page = agent
            .get(format!("{endpoint}{path}"))
            .header("Authorization", format!("Bearer {token}"))
            .call()
            .expect("a page of devices");
        let page: Value = serde_json::from_str(&page.body_mut().read_to_string().expect("body")).expect("JSON");
        for device in page["data"].as_array().expect("devices") {
            assert_eq!(device["attributes"]["blessed"], json!(true), "a production device is blessed");
            ids.insert(device["id"].as_str().expect("an id").to_string());
        }
        next = page["links"]["next"].as_str().map(str::to_string);
    }
    ids
}

/// How many times the cloud kept in `path` blessed each unit it blessed.
fn blessings(path: &Path) -> Vec<DeviceId> {
    let cloud = SqliteCloud::open_file(path).expect("cloud");
    let events = cloud.events().expect("events");
    let blessed = events.into_iter().filter_map(|e| match e.what {
        Happening::Blessed { device, .. } => Some(device),
        _ => None,
    });
    blessed.collect()
}

/// A kept SQLite cloud set up for the sample line, served with access tokens that
/// last `token_lifetime` seconds: its file, its production group and the server.
fn served_cloud(dir: &Path, token_lifetime: u64) -> (std::path::PathBuf, GroupId, Serve) {
    let path = dir.join("cloud.db");
    let production = set_up(&mut SqliteCloud::open_file(&path).expect("cloud"), &["Line fixtures"]);
    let server = Serve::start(&format!("sqlite:{}", path.display()), token_lifetime);
    (path, production, server)
}

/// Checks that the production group the API lists holds exactly `units`, each blessed once.
fn check_listed(server: &Serve, path: &Path, production: GroupId, units: &BTreeSet<String>) {
    assert!(units.len() > 30, "the sample line blesses most units: {}", units.len());
    assert_eq!(&listed_devices(&server.endpoint, production), units, "production lists exactly the blessed units");
    let blessed = blessings(path);
    let once: BTreeSet<String> = blessed.iter().map(|d| d.to_string()).collect();
    assert_eq!(blessed.len(), once.len(), "no unit is blessed twice");
    assert_eq!(&once, units, "the cloud blessed exactly the units the report says");
}

#[test]
fn a_line_over_the_api_blesses_exactly_its_units() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // Access tokens last a second: the line renews its own many times.
    let (path, production, server) = served_cloud(dir.path(), 1);
    let report = dir.path().join("line.json");
    let output = line_command(&server.endpoint, "Line fixtures", &report).output().expect("impish line");
    let units = blessed_units(output, &report);
    check_listed(&server, &path, production, &units);
}

#[test]
fn a_line_over_the_api_survives_its_server_being_killed() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (path, production, mut server) = served_cloud(dir.path(), 3600);
    let report = dir.path().join("line.json");
    let line = line_command(&server.endpoint, "Line fixtures", &report).spawn().expect("impish line");
    // Killed after the 5th and the 20th blessing, each time back half a second later.
    for after in [5, 20] {
        let deadline = Instant::now() + Duration::from_secs(120);
        while blessings(&path).len() < after {
            assert!(Instant::now() < deadline, "the line blesses {after} units");
            std::thread::sleep(Duration::from_millis(100));
        }
        server.kill();
        std::thread::sleep(Duration::from_millis(500));
        server.restart();
    }
    let units = blessed_units(line.wait_with_output().expect("a finished line"), &report);
    check_listed(&server, &path, production, &units);
}

/// How long the slow webhook receiver takes to answer each POST.
const SLOW: Duration = Duration::from_millis(400);

/// Reads one webhook POST from `stream`, notes its unit and answers it `SLOW`ly (a POST
/// cut short by a killed server is not noted, and its answer goes nowhere).
fn answer_slowly(stream: TcpStream, answered: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream);
    let head: Vec<String> = reader.by_ref().lines().map_while(Result::ok).take_while(|h| !h.is_empty()).collect();
    let length = head.iter().find_map(|h| h.to_ascii_lowercase().strip_prefix("content-length:").map(str::to_string));
    let Some(length) = length else { return };
    let mut body = vec![0; length.trim().parse().expect("a length")];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let event: Value = serde_json::from_slice(&body).expect("a JSON body");
    answered.lock().expect("answered").push(event["device_id"].as_str().expect("a device id").to_string());
    std::thread::sleep(SLOW);
    let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let _ = reader.get_mut().write_all(answer);
}

/// Waits (a minute at most) until `answered` holds webhooks of `count` units.
fn await_answered(answered: &Mutex<Vec<String>>, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while answered.lock().expect("answered").iter().collect::<BTreeSet<_>>().len() < count {
        assert!(Instant::now() < deadline, "{count} webhooks reach the receiver");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_slow_webhook_receiver_holds_up_no_bless() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cloud.db");
    let receiver = TcpListener::bind("127.0.0.1:0").expect("a loopback listener");
    let url = format!("http://{}/blessed", receiver.local_addr().expect("an address"));
    let mut cloud = SqliteCloud::open_file(&path).expect("cloud");
    let production = set_up(&mut cloud, &["Line fixtures"]);
    cloud.add_webhook(production, WebhookEvent::Blessing, &url, ContentType::Json).expect("webhook");
    drop(cloud);
    let answered = Arc::new(Mutex::new(Vec::new()));
    let answering = Arc::clone(&answered);
    std::thread::spawn(move || receiver.incoming().flatten().for_each(|stream| answer_slowly(stream, &answering)));
    let server = Serve::start(&format!("sqlite:{}", path.display()), 3600);
    let report = dir.path().join("line.json");
    let started = Instant::now();
    let output = line_command(&server.endpoint, "Line fixtures", &report).output().expect("impish line");
    let line_took = started.elapsed();
    let units = blessed_units(output, &report);
    // Blesses that waited for the receiver would take the line SLOW each at least.
    let waiting = SLOW * units.len() as u32;
    assert!(line_took < waiting, "the line took {line_took:?}: its blesses waited for the receiver");
    let deadline = Instant::now() + waiting + Duration::from_secs(30);
    while answered.lock().expect("answered").len() < units.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let in_order: Vec<String> = blessings(&path).iter().map(|d| d.to_string()).collect();
    assert_eq!(*answered.lock().expect("answered"), in_order, "each blessing's webhook once, in order");
    assert_eq!(in_order.iter().cloned().collect::<BTreeSet<_>>(), units);
}

#[test]
fn blessing_webhooks_outlive_a_down_receiver_and_killed_servers() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cloud.db");
    // A free port with nothing listening on it yet: posts to it are refused.
    let address = TcpListener::bind("127.0.0.1:0").expect("a loopback listener").local_addr().expect("an address");
    let mut cloud = SqliteCloud::open_file(&path).expect("cloud");
    let production = set_up(&mut cloud, &["Line fixtures"]);
    cloud
        .add_webhook(production, WebhookEvent::Blessing, &format!("http://{address}/blessed"), ContentType::Json)
        .expect("webhook");
    drop(cloud);
    let mut server = Serve::start(&format!("sqlite:{}", path.display()), 3600);
    let report = dir.path().join("line.json");
    let output = line_command(&server.endpoint, "Line fixtures", &report).output().expect("impish line");
    let units = blessed_units(output, &report);
    assert!(units.len() > 3, "the line blesses several units");
    // Every blessing's webhook is still waiting for the receiver when the server dies.
    server.kill();
    server.restart();
    let receiver = TcpListener::bind(address).expect("the receiver's port again");
    let answered = Arc::new(Mutex::new(Vec::new()));
    let answering = Arc::clone(&answered);
    std::thread::spawn(move || receiver.incoming().flatten().for_each(|stream| answer_slowly(stream, &answering)));
    // Killed again while the slow receiver is being posted the first few.
    await_answered(&answered, 2);
    server.kill();
    server.restart();
    await_answered(&answered, units.len());
    let answered: BTreeSet<String> = answered.lock().expect("answered").iter().cloned().collect();
    assert_eq!(answered, units, "every blessed unit's webhook arrived (at least once)");
}

/// Whether a request was refused as "not found".
fn not_found<T>(result: Result<T, CloudError>) -> bool {
    matches!(result, Err(CloudError::Refused { status: 404, .. }))
}

#[test]
fn the_imps_channel_acts_only_for_the_accounts_devices() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cloud.db");
    let mut kept = SqliteCloud::open_file(&path).expect("cloud");
    let production = set_up(&mut kept, &["Line fixtures"]);
    store::add_account(&mut kept, "rival", PASSWORD, "rival key").expect("a second account");
    let server = Serve::start(&format!("sqlite:{}", path.display()), 3600);
    let connect = |user: &str| {
        let credentials = Credentials::Password { user: user.into(), password: PASSWORD.into() };
        RemoteCloud::connect(&server.endpoint, credentials, Duration::from_secs(5)).expect("logged in")
    };
    let (mut maker, mut rival) = (connect("maker"), connect("rival"));
    let factory = maker.group_named("Line fixtures").expect("the factory group");
    let fixture = maker.devices_in(factory).expect("devices").remove(0).id;
    let unit = DeviceId::new("23000c2a69000777");
    let new_unit = NewDevice {
        id: unit.clone(),
        mac: "0c2a69000777".into(),
        imp_type: "imp005".into(),
        name: "unit".into(),
        account: None,
    };
    let t = Duration::ZERO;

    assert!(rival.group_named("Line fixtures").is_err(), "another account's group is not found");
    assert_eq!(rival.device(&fixture), Err(CloudError::UnknownDevice(fixture.clone())));
    assert!(not_found(rival.factory_token(&fixture, t)), "no tokens for another account's fixture");
    maker.register_device(new_unit).expect("a unit appears");
    let token = maker.factory_token(&fixture, t).expect("a token");
    let stolen = rival.enrol(&token, &unit, t);
    let unknown = CloudError::UnknownToken.to_string();
    assert!(matches!(&stolen, Err(CloudError::Refused { detail, .. }) if *detail == unknown), "{stolen:?}");
    let enrolment = maker.enrol(&token, &unit, t).expect("enrolled");
    assert_eq!(enrolment.fixture, fixture);
    assert!(not_found(rival.bless(&unit, true, t)), "another account's unit cannot be blessed");
    assert!(not_found(rival.log(LogEntry {
        at: t,
        device: unit.clone(),
        kind: LogKind::ServerLog,
        message: "x".into()
    })));
    let outcome = maker.bless(&unit, true, t).expect("blessed");
    assert!(matches!(outcome, BlessOutcome::Blessed { production_group, .. } if production_group == production));
    assert!(not_found(rival.activate(&unit, t)), "another account's unit cannot be activated");
    maker.activate(&unit, t).expect("an end user activates the blessed unit");
    let again = maker.bless(&unit, true, t);
    assert!(matches!(again, Err(CloudError::Refused { status: 409, .. })), "a second bless is refused: {again:?}");
    let blessings: Vec<_> =
        maker.events().expect("events").into_iter().filter(|e| matches!(e.what, Happening::Blessed { .. })).collect();
    assert_eq!(blessings.len(), 1);
    assert_eq!(listed_devices(&server.endpoint, production), BTreeSet::from([unit.to_string()]));
}
