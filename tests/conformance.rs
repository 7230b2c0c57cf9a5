//! The conformance suite, run as the reference's runner does it: every
//! `tests/conformance/NAME.nut` through `impish run --profile squirrel`, stdout compared
//! byte for byte with `NAME.out`, and for `NAME.err` the uncaught-error line found in
//! stderr. Programs we do not pass yet are listed, with the reason, in
//! `tests/conformance-gaps.txt`; a listed program that starts passing fails the test
//! too, so the list only ever shrinks.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(10);

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

/// `NAME` → reason, from the gaps file (`NAME: reason` lines, `#` comments).
fn known_gaps() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance-gaps.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|line| !line.is_empty())
        .map(|line| match line.split_once(':') {
            Some((name, reason)) => (name.trim().to_string(), reason.trim().to_string()),
            None => (line.to_string(), String::new()),
        })
        .collect()
}

/// Runs one program; `Err` says how it failed.
fn run_program(nut: &Path) -> Result<(), String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_impish"))
        .args(["run", "--profile", "squirrel"])
        .arg(nut)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start impish: {e}"))?;
    let (mut out, mut err) = (child.stdout.take(), child.stderr.take());
    let readers = std::thread::spawn(move || {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        if let Some(out) = out.as_mut() {
            let _ = out.read_to_end(&mut stdout);
        }
        if let Some(err) = err.as_mut() {
            let _ = err.read_to_end(&mut stderr);
        }
        (stdout, stderr)
    });
    let started = Instant::now();
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {}s", LIMIT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let (stdout, stderr) = readers.join().map_err(|_| "output reader failed".to_string())?;
    let expected = std::fs::read(nut.with_extension("out")).map_err(|e| format!("no .out: {e}"))?;
    if stdout != expected {
        return Err(format!(
            "stdout differs\n--- expected\n{}\n--- got\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        ));
    }
    if let Ok(err_file) = std::fs::read_to_string(nut.with_extension("err")) {
        let wanted = err_file.lines().next().unwrap_or_default();
        if wanted.is_empty() || !String::from_utf8_lossy(&stderr).contains(wanted) {
            return Err(format!(
                "expected uncaught error {wanted:?}, stderr was:\n{}",
                String::from_utf8_lossy(&stderr)
            ));
        }
    }
    Ok(())
}

#[test]
fn conformance_suite() {
    let gaps = known_gaps();
    let mut programs: Vec<PathBuf> = std::fs::read_dir(suite_dir())
        .expect("tests/conformance exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "nut"))
        .collect();
    programs.sort();
    let (mut passed, mut failures, mut fixed) = (0, Vec::new(), Vec::new());
    for nut in &programs {
        let name = nut.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        match (run_program(nut), gaps.contains_key(&name)) {
            (Ok(()), false) => passed += 1,
            (Ok(()), true) => fixed.push(name),
            (Err(why), false) => failures.push(format!("FAIL {name}: {why}")),
            (Err(_), true) => {}
        }
    }
    let unknown: Vec<&String> =
        gaps.keys().filter(|g| !programs.iter().any(|p| p.file_stem().is_some_and(|s| s == g.as_str()))).collect();
    println!("{passed} passed, {} failed, {} known gaps", failures.len(), gaps.len() - fixed.len());
    assert!(unknown.is_empty(), "tests/conformance-gaps.txt names programs that do not exist: {unknown:?}");
    assert!(fixed.is_empty(), "these now pass: remove them from tests/conformance-gaps.txt: {fixed:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(programs.len(), 75, "the suite has 75 programs");
}
