//! Regression programs: each hole the fuzzers, the differential runs or a user found,
//! kept as `tests/regressions/PROFILE/NAME.nut` with what it must print (`NAME.out`,
//! and `NAME.err` for an uncaught error, as in the conformance suite) and, optionally,
//! extra `impish run` arguments on the one line of `NAME.args`. Whatever the program
//! does, impish must end it with exit status 0 or 1: never a panic, an abort or a hang,
//! also under GC stress (`--gc-stress`, squirrel profile). The harness, and
//! `IMPISH_BLESS=1` to write the expected files, are the `impish-golden` crate's.

mod common;

use std::time::Duration;

use impish_golden::{Case, Outputs, Suite};

const LIMIT: Duration = Duration::from_secs(20);

fn suite(profile: &str) -> Suite {
    Suite::new(format!("{}/tests/regressions/{profile}", env!("CARGO_MANIFEST_DIR")))
}

/// Runs one program with `impish run --profile PROFILE`, its `.args` and `EXTRA`.
fn run(case: &Case, profile: &str, extra: &[&str]) -> Result<Outputs, String> {
    let args_file = std::fs::read_to_string(case.sibling("args")).unwrap_or_default();
    let args: Vec<&str> = ["run", "--profile", profile]
        .into_iter()
        .chain(args_file.split_whitespace())
        .chain(extra.iter().copied())
        .collect();
    let run = common::run::run_file(&args, case.path(), LIMIT)?;
    match run.code {
        Some(0 | 1) => Ok(common::run::expected_outputs(run)),
        code => Err(format!(
            "ended with {code:?} (a panic, an abort or a signal)\nstderr of the run:\n{}",
            String::from_utf8_lossy(&run.stderr)
        )),
    }
}

#[test]
fn squirrel_profile_regressions() {
    suite("squirrel").run(|case| run(case, "squirrel", &[]));
}

/// The squirrel-profile programs again with a collection at every safepoint.
#[test]
fn squirrel_profile_regressions_under_gc_stress() {
    suite("squirrel").variant("gc-stress").run(|case| run(case, "squirrel", &["--gc-stress"]));
}

#[test]
fn imp_profile_regressions() {
    suite("imp").run(|case| run(case, "imp", &[]));
}
