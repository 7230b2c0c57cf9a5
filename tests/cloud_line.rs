//! `impish line --cloud`: the sample line run twice against one kept SQLite cloud set
//! up as the Production Guide does (product, factory group with DUT and production
//! targets, three deployments, a fixture assigned). The production group then holds
//! exactly the units the two reports say were blessed, each blessed once.

use impish_cloud::{store, SqliteCloud};
use impish_factory::cloud::*;
use impish_factory::imp::identity::ImpType;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const PASSWORD: &str = "line password";

fn sample(path: &str) -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn code(device: &str, agent: &str) -> NewDeployment {
    Code { device: sample(device).into(), agent: sample(agent).into() }.into()
}

/// The cloud as impt would leave it; the production group.
fn set_up(path: &Path) -> GroupId {
    let mut cloud = SqliteCloud::open_file(path).expect("cloud");
    let account = store::add_account(&mut cloud, "maker", PASSWORD, "key").expect("account");
    let product = cloud.create_product(account, "Thermometer").expect("product");
    let production = cloud.create_group(NewGroup::new(product, "Shipped", GroupType::Production)).expect("group");
    let dut = cloud.create_group(NewGroup::new(product, "Line DUTs", GroupType::Dut)).expect("group");
    let factory = cloud.create_group(NewGroup::new(product, "Line fixtures", GroupType::Factory)).expect("group");
    cloud.set_targets(factory, dut, production).expect("targets");
    let t0 = Duration::ZERO;
    cloud.deploy(factory, code("factory/fixture.device.nut", "factory/fixture.agent.nut"), t0).expect("deploy");
    cloud.deploy(dut, code("factory/dut.device.nut", "factory/dut.agent.nut"), t0).expect("deploy");
    cloud.deploy(production, code("app/app.device.nut", "app/app.agent.nut"), t0).expect("deploy");
    let fixture = store::add_device(&mut cloud, ImpType::Imp005, Some("fixture"), Some(account)).expect("fixture");
    cloud.assign(&fixture, factory, t0).expect("fixture assigned");
    production
}

/// Runs the sample line against the cloud; how many units its report says it blessed.
fn run_line(db: &str, report: &Path) -> u64 {
    let line = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/factory/line.toml");
    let output = Command::new(env!("CARGO_BIN_EXE_impish"))
        .arg("line")
        .arg(line)
        .args(["--cloud", db, "--factory-dg", "Line fixtures", "--quiet", "--json"])
        .arg(report)
        .env("IMPT_USER", "maker")
        .env("IMPT_PASSWORD", PASSWORD)
        .output()
        .expect("impish line");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "impish line --cloud failed: {stderr}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(report).expect("report")).expect("JSON");
    report["summary"]["blessed"].as_u64().expect("blessed count")
}

#[test]
fn a_line_blesses_into_a_kept_cloud() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cloud.db");
    let production = set_up(&path);
    let db = format!("sqlite:{}", path.display());
    let first = run_line(&db, &dir.path().join("first.json"));
    let second = run_line(&db, &dir.path().join("second.json"));
    assert!(first > 30 && second > 30, "the sample line blesses most units: {first}, {second}");

    let cloud = SqliteCloud::open_file(&path).expect("cloud");
    let shipped = cloud.devices_in(production).expect("devices");
    assert_eq!(shipped.len() as u64, first + second, "exactly the blessed units are in production");
    assert!(shipped.iter().all(|d| d.blessed && d.account.is_some()));
    let blessings =
        cloud.events().expect("events").iter().filter(|e| matches!(e.what, Happening::Blessed { .. })).count();
    assert_eq!(blessings as u64, first + second, "each blessed once");
}

#[test]
fn a_line_against_a_cloud_needs_the_account_credentials() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cloud.db");
    set_up(&path);
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
