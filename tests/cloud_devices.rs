//! Simulated devices behind `impish cloud serve`, seen through its HTTP API with a real
//! client: a device assigned to a group runs the group's deployment on real time and
//! its `server.log` lines reach the log API; a group or device restart boots it again;
//! a new deployment restarts it into the new code; `device_online` says it is up. And a
//! webhook whose receiver is slow, or connections a client keeps open idle, hold up no
//! request (not even the one that fired the webhook).

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

mod serve;
use serve::Serve;

const PASSWORD: &str = "device password";
/// The line the first deployment logs when the device powers on (WAKEREASON_POWER_ON)
/// and when a restart reloads its code (WAKEREASON_NEW_SQUIRREL).
const V1_POWER_ON: &str = "server.log hello v1, woken by 0";
const V1_RESTART: &str = "server.log hello v1, woken by 4";

/// The impCentral API at `endpoint`, logged in.
struct Api {
    endpoint: String,
    token: String,
}

impl Api {
    fn login(endpoint: &str, user: &str) -> Api {
        let mut api = Api { endpoint: endpoint.into(), token: String::new() };
        let grant = api.send("POST", "/auth", Some(json!({ "id": user, "password": PASSWORD })));
        api.token = grant["access_token"].as_str().expect("an access token").into();
        api
    }

    /// The answer's JSON (null for 204), after checking it succeeded.
    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.endpoint);
        let auth = format!("Bearer {}", self.token);
        let request = ureq::http::Request::builder().method(method).uri(&url).header("Authorization", auth);
        let request = request.header("Content-Type", "application/vnd.api+json");
        let agent = ureq::Agent::new_with_defaults();
        let sent = match body {
            Some(body) => agent.run(request.body(body.to_string()).expect("a request")),
            None => agent.run(request.body(()).expect("a request")),
        };
        let mut response = sent.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let text = response.body_mut().read_to_string().expect("a body");
        if text.is_empty() {
            return Value::Null;
        }
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method} {path}: {e}: {text}"))
    }

    /// Creates a resource; its id.
    fn create(&self, path: &str, data: Value) -> String {
        let created = self.send("POST", path, Some(json!({ "data": data })));
        created["data"]["id"].as_str().expect("an id").into()
    }

    /// A new product's development group; its id.
    fn bench_group(&self) -> String {
        let product = self.create("/products", json!({ "type": "product", "attributes": { "name": "Lamp" } }));
        let product = json!({ "product": { "type": "product", "id": product } });
        let group =
            json!({ "type": "development_devicegroup", "attributes": { "name": "Bench" }, "relationships": product });
        self.create("/devicegroups", group)
    }

    fn deploy(&self, group: &str, device_code: &str) {
        let relationships = json!({ "devicegroup": { "type": "development_devicegroup", "id": group } });
        let attributes = json!({ "device_code": device_code, "agent_code": "" });
        self.create(
            "/deployments",
            json!({ "type": "deployment", "attributes": attributes, "relationships": relationships }),
        );
    }

    fn online(&self, device: &str) -> Value {
        self.send("GET", &format!("/devices/{device}"), None)["data"]["attributes"]["device_online"].clone()
    }

    /// Waits up to 10 s for the device's `device_online` to read `online`. Presence is
    /// published after each run of the devices, so a log line the run wrote can be
    /// read a moment before the presence it implies.
    fn wait_online(&self, device: &str, online: bool, why: &str) {
        let started = Instant::now();
        while self.online(device) != json!(online) {
            assert!(started.elapsed() < Duration::from_secs(10), "{why}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The device's log entries, newest first.
    fn entries(&self, device: &str) -> Vec<Value> {
        let page = self.send("GET", &format!("/devices/{device}/logs"), None);
        page["data"].as_array().expect("log entries").clone()
    }

    /// The device's log lines (`TYPE MESSAGE`), oldest first.
    fn logs(&self, device: &str) -> Vec<String> {
        let entries = self.entries(device).into_iter().rev();
        entries.map(|e| format!("{} {}", e["type"].as_str().unwrap_or("?"), e["msg"].as_str().unwrap_or("?"))).collect()
    }

    /// Waits (up to 10 s of real time) until the device has logged `line` `times` times;
    /// its log then.
    fn wait_for(&self, device: &str, line: &str, times: usize) -> Vec<String> {
        let started = Instant::now();
        loop {
            let logs = self.logs(device);
            if logs.iter().filter(|l| *l == line).count() >= times {
                return logs;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "no {line:?} x{times} in {logs:#?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn impish(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_impish"))
        .args(args)
        .env("IMPISH_CLOUD_PASSWORD", PASSWORD)
        .output()
        .expect("impish");
    assert!(output.status.success(), "impish {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// A new cloud file (in a folder removed when it is dropped) with the account "maker".
fn cloud_with_maker() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = format!("sqlite:{}", dir.path().join("cloud.db").display());
    impish(&["cloud", "account", "add", "maker", "--db", &db]);
    (dir, db)
}

#[test]
fn assigned_devices_run_their_groups_code() {
    let (_dir, db) = cloud_with_maker();
    let device = impish(&["cloud", "device", "add", "--db", &db, "--type", "imp005", "--account", "maker"]);
    let server = Serve::start(&db, 3600);
    let api = Api::login(&server.endpoint, "maker");

    let group = api.bench_group();
    api.deploy(&group, r#"server.log("hello v1, woken by " + hardware.wakereason());"#);
    assert_eq!(api.online(&device), json!(false), "not assigned: it runs nowhere");

    let devices = json!({ "data": [{ "type": "device", "id": device }] });
    api.send("POST", &format!("/devicegroups/{group}/relationships/devices"), Some(devices));
    let logs = api.wait_for(&device, V1_POWER_ON, 1);
    assert_eq!(logs.iter().filter(|l| l.contains("hello")).count(), 1, "one boot: {logs:#?}");
    api.wait_online(&device, true, "a device that logged is online");
    // Devices run on real time: the line is stamped now, not at the simulation's zero.
    let newest = api.entries(&device)[0]["ts"].as_str().expect("a timestamp").to_string();
    let stamped = humantime::parse_rfc3339(&newest).expect("an RFC 3339 time");
    let age = SystemTime::now().duration_since(stamped).unwrap_or_default();
    assert!(age < Duration::from_secs(30), "logged at {newest}");

    api.send("POST", &format!("/devicegroups/{group}/restart"), None);
    api.wait_for(&device, V1_RESTART, 1);
    api.send("POST", &format!("/devices/{device}/restart"), None);
    api.wait_for(&device, V1_RESTART, 2);

    // `impt log stream`: a log stream of the device receives the new code's lines.
    let stream = api.send("POST", "/logstream", None)["data"]["id"].as_str().expect("a stream id").to_string();
    api.send("PUT", &format!("/logstream/{stream}/{device}"), None);
    // The stream never ends by itself: give up on it (a failed read) after 10 s.
    let config = ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(10))).build();
    let events = ureq::Agent::new_with_config(config).get(format!("{}/logstream/{stream}", server.endpoint));
    let events = events.call().expect("the event stream").into_body().into_reader();
    api.deploy(&group, r#"server.log("hello v2"); server.error("v2 complains");"#);
    let mut lines = BufReader::new(events).lines().map_while(Result::ok);
    let streamed = lines.find(|line| line.contains("hello v2")).expect("the new code's line, streamed");
    assert!(streamed.starts_with("data: ") && streamed.contains(r#""type":"server.log""#), "{streamed}");
    api.wait_for(&device, "server.log hello v2", 1);
    // The code's second line may reach the log a moment after its first (CI saw the
    // log read between the two): waited for in its own right.
    let logs = api.wait_for(&device, "server.error v2 complains", 1);
    assert_eq!(logs.iter().filter(|l| l.contains("hello v1")).count(), 3, "v1 ran no more: {logs:#?}");

    api.send(
        "DELETE",
        &format!("/devicegroups/{group}/relationships/devices"),
        Some(json!({ "data": [{ "type": "device", "id": device }] })),
    );
    api.wait_online(&device, false, "an unassigned device stops");
}

#[test]
fn a_slow_webhook_receiver_holds_up_no_request() {
    let (_dir, db) = cloud_with_maker();
    let server = Serve::start(&db, 3600);
    let api = Api::login(&server.endpoint, "maker");
    let group = api.bench_group();
    // A receiver that takes every connection and never answers: the server's delivery
    // thread waits for it until its 5 s timeout.
    let receiver = TcpListener::bind("127.0.0.1:0").expect("a loopback listener");
    let url = format!("http://{}/deployed", receiver.local_addr().expect("an address"));
    std::thread::spawn(move || {
        let held: Vec<_> = receiver.incoming().take(4).collect();
        std::thread::sleep(Duration::from_secs(30));
        drop(held);
    });
    let relationships = json!({ "devicegroup": { "type": "development_devicegroup", "id": group } });
    let attributes = json!({ "event": "deployment", "url": url, "content_type": "application/json" });
    api.create("/webhooks", json!({ "type": "webhook", "attributes": attributes, "relationships": relationships }));

    let deployer = Api::login(&server.endpoint, "maker");
    let deploying = std::thread::spawn(move || {
        let started = Instant::now();
        deployer.deploy(&group, "server.log(1);");
        started.elapsed()
    });
    std::thread::sleep(Duration::from_millis(500));
    let asked = Instant::now();
    api.send("GET", "/products", None);
    let answered_in = asked.elapsed();
    let deployed_in = deploying.join().expect("the deployment");
    assert!(deployed_in < Duration::from_secs(2), "the deployment did not wait for its webhook: {deployed_in:?}");
    assert!(answered_in < Duration::from_secs(1), "another request answered meanwhile, in {answered_in:?}");
}

#[test]
fn idle_connections_hold_up_no_other_request() {
    let (_dir, db) = cloud_with_maker();
    let server = Serve::start(&db, 3600);
    let address = server.endpoint.trim_start_matches("http://").trim_end_matches("/v5").to_string();
    // Sixteen connections, each answered once and then kept open, quiet (as impt's
    // keep-alive connections are while it waits for another request).
    let idle: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut stream = TcpStream::connect(&address).expect("a connection");
            stream.write_all(b"GET /v5/products HTTP/1.1\r\nHost: impish\r\n\r\n").expect("a request");
            let mut answer = [0; 12];
            stream.read_exact(&mut answer).expect("an answer");
            assert_eq!(&answer, b"HTTP/1.1 401", "no token: unauthorized");
            stream
        })
        .collect();
    let asked = Instant::now();
    let api = Api::login(&server.endpoint, "maker");
    api.send("GET", "/products", None);
    assert!(asked.elapsed() < Duration::from_secs(2), "answered in {:?}", asked.elapsed());
    drop(idle);
}
