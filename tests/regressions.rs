//! Regression programs: each hole the fuzzers, the differential runs or a user found,
//! kept as `tests/regressions/PROFILE/NAME.nut` with what it must print (`NAME.out`,
//! and `NAME.err` for an uncaught error, as in the conformance suite) and, optionally,
//! extra `impish run` arguments on the one line of `NAME.args`. Whatever the program
//! does, impish must end it with exit status 0 or 1: never a panic, an abort or a hang.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(20);

fn programs(profile: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions").join(profile);
    let mut programs: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    programs.retain(|p| p.extension().is_some_and(|ext| ext == "nut"));
    programs.sort();
    programs
}

fn run_one(profile: &str, nut: &Path) -> Result<(), String> {
    let extra = std::fs::read_to_string(nut.with_extension("args")).unwrap_or_default();
    let mut args = vec!["run", "--profile", profile];
    args.extend(extra.split_whitespace());
    let run = common::run::run_file(&args, nut, LIMIT)?;
    match run.code {
        Some(0 | 1) => common::run::check_expected(nut, &run),
        code => Err(format!(
            "ended with {code:?} (a panic, an abort or a signal)\n--- stderr\n{}",
            String::from_utf8_lossy(&run.stderr)
        )),
    }
}

fn run_profile(profile: &str) {
    let programs = programs(profile);
    let failures: Vec<String> = programs
        .iter()
        .filter_map(|nut| run_one(profile, nut).err().map(|why| format!("FAIL {}: {why}", nut.display())))
        .collect();
    println!("{} {profile} regressions, {} failed", programs.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn squirrel_profile_regressions() {
    run_profile("squirrel");
}

#[test]
fn imp_profile_regressions() {
    run_profile("imp");
}
