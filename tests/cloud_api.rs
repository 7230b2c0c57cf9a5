//! `impish cloud serve` driven by a real client: Electric Imp's `imp-central-api` npm
//! package, from tests/cloud/api_client.js (products, groups of all kinds, deployments,
//! webhooks, devices, logs; wrong passwords, expired tokens, foreign entities, unbond
//! keys, log streams). Between its phases a line enrols and blesses units straight into
//! the same SQLite file, as `impish line --cloud` would, while the server runs, and the
//! server is killed with SIGKILL and restarted.
//!
//! Needs node (skipped, loudly, without it) and the package installed under
//! target/npm (`npm install --prefix target/npm imp-central-api@1.7.0`; CI does this) or
//! in the folder `IMPISH_NODE_PATH` names.

use impish_cloud::SqliteCloud;
use impish_factory::cloud::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

mod serve;
use serve::Serve;

const PASSWORD: &str = "correct horse";
const UNBOND_KEY: &str = "unbond-4711";

fn impish() -> Command {
    Command::new(env!("CARGO_BIN_EXE_impish"))
}

fn succeed(output: Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{what} failed:\n{stdout}\n{stderr}");
    stdout
}

/// The folder holding node_modules/imp-central-api, when node is there at all.
fn node_modules() -> Option<PathBuf> {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("\n*** SKIPPED: node is not installed, so imp-central-api cannot drive the server ***\n");
        return None;
    }
    let folder = std::env::var_os("IMPISH_NODE_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/npm/node_modules"));
    assert!(
        folder.join("imp-central-api").is_dir(),
        "imp-central-api is not installed in {}: npm install --prefix target/npm imp-central-api@1.7.0",
        folder.display()
    );
    Some(folder)
}

/// Runs the client's `phase`; the state it printed last.
fn client(phase: &str, modules: &Path, env: &[(&str, &str)]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cloud/api_client.js");
    let output =
        Command::new("node").arg(script).arg(phase).env("NODE_PATH", modules).envs(env.iter().copied()).output();
    let stdout = succeed(output.expect("node"), &format!("imp-central-api {phase}"));
    eprint!("{stdout}");
    stdout.lines().last().unwrap_or_default().to_string()
}

/// A line's work on the cloud file: three DUTs through the fixture, two blessed (one
/// asks twice), one failing its tests; two fixture log lines. The blessed units' ids.
fn run_line(path: &Path, fixture: &DeviceId) -> Vec<String> {
    let mut cloud = SqliteCloud::open_file(path).expect("the server's cloud file");
    let mut blessed = Vec::new();
    for n in 1..=3u64 {
        let mac = format!("0c2a69{n:06x}");
        let id = DeviceId::new(&format!("5000{mac}"));
        let new = NewDevice { id: id.clone(), mac, imp_type: "imp005".into(), name: String::new(), account: None };
        cloud.register_device(new).expect("a DUT");
        let now = Duration::from_secs(n);
        let token = cloud.factory_token(fixture, now).expect("token");
        cloud.enrol(&token, &id, now).expect("enrolled");
        let passed = n != 2;
        let outcome = cloud.bless(&id, passed, now).expect("bless");
        assert_eq!(matches!(outcome, BlessOutcome::Blessed { load_code_after_blessing: false, .. }), passed);
        if passed {
            assert_eq!(cloud.bless(&id, true, now), Err(CloudError::AlreadyBlessed(id.clone())), "a second bless");
            blessed.push(id.to_string());
        }
    }
    for message in ["first", "second"] {
        let entry =
            LogEntry { at: Duration::ZERO, device: fixture.clone(), kind: LogKind::ServerLog, message: message.into() };
        cloud.log(entry).expect("log");
    }
    blessed
}

#[test]
fn imp_central_api_drives_the_server() {
    let Some(modules) = node_modules() else { return };
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cloud.db");
    let db = format!("sqlite:{}", path.display());
    for name in ["maker", "rival"] {
        let add = impish()
            .args(["cloud", "account", "add", name, "--db", &db, "--unbond-key", UNBOND_KEY])
            .env("IMPISH_CLOUD_PASSWORD", PASSWORD)
            .output();
        succeed(add.expect("impish cloud account add"), "account add");
    }
    let add = impish()
        .args(["cloud", "device", "add", "--db", &db, "--type", "imp005", "--name", "fixture", "--account", "maker"])
        .output();
    let fixture = succeed(add.expect("impish cloud device add"), "device add").trim().to_string();
    assert_eq!(fixture.len(), 16, "a device id: {fixture:?}");

    let (server, short) = (Serve::start(&db, 3600), Serve::start(&db, 1));
    let (endpoint, short_endpoint) = (server.endpoint.clone(), short.endpoint.clone());
    let env = [
        ("ENDPOINT", endpoint.as_str()),
        ("SHORT_ENDPOINT", short_endpoint.as_str()),
        ("USER_NAME", "maker"),
        ("RIVAL_NAME", "rival"),
        ("PASSWORD", PASSWORD),
        ("UNBOND_KEY", UNBOND_KEY),
        ("FIXTURE", fixture.as_str()),
        ("WEBHOOK_URL", "http://127.0.0.1:9/blessed"),
    ];
    let state = client("setup", &modules, &env);

    let blessed = run_line(&path, &DeviceId::new(&fixture)).join(",");
    // kill -9 and a restart: what was acknowledged, logins included, is still there.
    drop(server);
    let server = Serve::start(&db, 3600);
    let env: Vec<_> = env
        .into_iter()
        .map(|(k, v)| if k == "ENDPOINT" { (k, server.endpoint.as_str()) } else { (k, v) })
        .chain([("STATE", state.as_str()), ("BLESSED", blessed.as_str())])
        .collect();
    client("after", &modules, &env);
    stream_a_log(&modules, &env, &path, &DeviceId::new(&fixture));
}

/// The client streams the fixture's log; a line logged (by another process's
/// connection, as a line's would be) once it has subscribed reaches it.
fn stream_a_log(modules: &Path, env: &[(&str, &str)], path: &Path, fixture: &DeviceId) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cloud/api_client.js");
    let mut node = Command::new("node")
        .arg(script)
        .arg("stream")
        .env("NODE_PATH", modules)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node");
    let mut stdout = BufReader::new(node.stdout.take().expect("stdout"));
    let mut line = String::new();
    while line.trim() != "READY" {
        line.clear();
        assert!(stdout.read_line(&mut line).expect("client output") > 0, "the client ended before subscribing");
    }
    let mut cloud = SqliteCloud::open_file(path).expect("the server's cloud file");
    let entry =
        LogEntry { at: Duration::ZERO, device: fixture.clone(), kind: LogKind::ServerLog, message: "streamed".into() };
    cloud.log(entry).expect("log");
    let waited = std::time::Instant::now();
    loop {
        if let Some(status) = node.try_wait().expect("client status") {
            assert!(status.success(), "the log stream client failed");
            return;
        }
        if waited.elapsed() > Duration::from_secs(20) {
            let _ = node.kill();
            panic!("the streamed line did not arrive within 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
