//! `kill -9` loses nothing acknowledged: a child process writes to a SQLite cloud and
//! prints each change once its call returned; it is killed mid-work (three times, each
//! time reopening what the last one left), and every acknowledged change must be there.
//!
//! A custom harness, because the child is this same test binary run with `--child`.

use impish_cloud::SqliteCloud;
use impish_factory::cloud::*;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// How many acknowledgements the parent waits for before each kill.
const ACKS_BEFORE_KILL: u64 = 150;

fn unit(n: u64) -> DeviceId {
    DeviceId::new(&format!("5000{n:012x}"))
}

/// Registers units and logs for them, from where the last child stopped, forever.
fn child(path: &Path) -> Result<(), CloudError> {
    let mut cloud = SqliteCloud::open_file(path)?;
    let account = match cloud.account_named("maker")? {
        Some(a) => a.id,
        None => cloud.create_account(NewAccount::new("maker", "key"))?,
    };
    let first = cloud.devices(account)?.len() as u64;
    let mut out = std::io::stdout().lock();
    for n in first.. {
        let id = unit(n);
        let new = NewDevice {
            id: id.clone(),
            mac: format!("{n:012x}"),
            imp_type: "imp005".into(),
            name: format!("unit {n}"),
            account: Some(account),
        };
        cloud.register_device(new)?;
        let at = Duration::from_millis(n);
        cloud.log(LogEntry { at, device: id, kind: LogKind::ServerLog, message: format!("unit {n} up") })?;
        // Acknowledged: both calls returned.
        if writeln!(out, "{n}").and_then(|()| out.flush()).is_err() {
            break;
        }
    }
    Ok(())
}

/// Runs a child until it acknowledged `ACKS_BEFORE_KILL` more changes, kills it with
/// SIGKILL and returns the first and last unit it acknowledged. (A unit registered but
/// not yet logged when the kill came was never acknowledged: the next child goes on
/// after it, so only acknowledged units are checked.)
fn run_and_kill(path: &Path) -> (u64, u64) {
    let exe = std::env::current_exe().expect("own test binary");
    let mut child = Command::new(exe)
        .arg("--child")
        .arg(path)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("child process");
    let stdout = child.stdout.take().expect("child stdout");
    let mut acked = None;
    for (count, line) in BufReader::new(stdout).lines().enumerate() {
        let line = line.expect("child output");
        let n = line.trim().parse::<u64>().expect("an acknowledged unit");
        acked = Some((acked.map_or(n, |(first, _)| first), n));
        if count as u64 + 1 == ACKS_BEFORE_KILL {
            break;
        }
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("child reaped");
    acked.expect("the child acknowledged changes before it was killed")
}

fn durability() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cloud.db");
    let mut acknowledged = Vec::new();
    for round in 1..=3 {
        let (first, last) = run_and_kill(&path);
        acknowledged.push((first, last));
        let cloud = SqliteCloud::open_file(&path).expect("reopened after kill -9");
        let account = cloud.account_named("maker").expect("read").expect("account kept").id;
        let devices = cloud.devices(account).expect("devices");
        assert!(devices.len() as u64 > last, "round {round}: unit {last} was acknowledged, {} kept", devices.len());
        for n in acknowledged.iter().flat_map(|&(a, b)| a..=b) {
            let kept = cloud.device(&unit(n)).expect("acknowledged unit kept");
            assert_eq!(kept.name, format!("unit {n}"));
            let logs = cloud.logs_of(&unit(n)).expect("logs");
            assert_eq!(logs.iter().map(|l| l.message.as_str()).collect::<Vec<_>>(), [format!("unit {n} up")]);
        }
        // One line per acknowledged unit (a unit registered but not logged when a kill
        // came was never acknowledged, and may have none).
        let logged = cloud.logs().expect("logs").len() as u64;
        let acked: u64 = acknowledged.iter().map(|&(a, b)| b - a + 1).sum();
        assert!(logged >= acked, "round {round}: {logged} log lines kept, {acked} units acknowledged");
        eprintln!("round {round}: killed after unit {last}; {} units and {logged} log lines kept", devices.len());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--child") {
        let path = args.get(at + 1).map(Path::new).expect("--child PATH");
        if let Err(e) = child(path) {
            eprintln!("child: {e}");
            std::process::exit(1);
        }
        return;
    }
    durability();
    println!("durability: 1 passed, 0 failed");
}
