//! The conformance suite, run as the reference's runner does it: every
//! `tests/conformance/NAME.nut` through `impish run --profile squirrel`, stdout compared
//! byte for byte with `NAME.out`, and for `NAME.err` the uncaught-error line found in
//! stderr. Programs we do not pass yet are listed, with the reason, in
//! `tests/conformance-gaps.txt`; a listed program that starts passing fails the test
//! too, so the list only ever shrinks.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

/// `NAME` → reason, from the gaps file (`NAME: reason` lines, `#` comments). The
/// `[deliberate]` section that ends the file lists chosen differences, not programs.
fn known_gaps() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance-gaps.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .take_while(|line| line.trim() != "[deliberate]")
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|line| !line.is_empty())
        .map(|line| match line.split_once(':') {
            Some((name, reason)) => (name.trim().to_string(), reason.trim().to_string()),
            None => (line.to_string(), String::new()),
        })
        .collect()
}

/// Runs one program; `Err` says how it failed.
fn run_program(nut: &Path, extra: &[&str]) -> Result<(), String> {
    let args = [&["run", "--profile", "squirrel"], extra].concat();
    let run = common::run::run_file(&args, nut, LIMIT)?;
    common::run::check_expected(nut, &run)
}

#[test]
fn conformance_suite() {
    run_suite(&[]);
}

/// The suite again with a collection at every safepoint and no reuse of freed ids:
/// anything the VM forgot to keep alive fails here.
#[test]
fn conformance_suite_under_gc_stress() {
    run_suite(&["--gc-stress"]);
}

fn run_suite(extra: &[&str]) {
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
        match (run_program(nut, extra), gaps.contains_key(&name)) {
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
