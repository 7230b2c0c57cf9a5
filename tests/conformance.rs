//! The conformance suite, run as the reference's runner does it: every
//! `tests/conformance/NAME.nut` through `impish run --profile squirrel`, stdout compared
//! byte for byte with `NAME.out`, and for `NAME.err` the uncaught-error line found in
//! stderr. Programs we do not pass yet are listed, with the reason, in
//! `tests/conformance-gaps.txt`; a listed program that starts passing fails the test
//! too, so the list only ever shrinks. The harness, and `IMPISH_BLESS=1` to rewrite the
//! expected files, are the `impish-golden` crate's.

mod common;

use std::time::Duration;

use impish_golden::{Case, Outputs, Suite};

const LIMIT: Duration = Duration::from_secs(10);

fn suite() -> Suite {
    Suite::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance"))
        .exactly(75)
        .known_failures(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance-gaps.txt"))
}

/// Runs one program with `impish run --profile squirrel EXTRA`.
fn run(case: &Case, extra: &[&str]) -> Result<Outputs, String> {
    let args = [&["run", "--profile", "squirrel"], extra].concat();
    Ok(common::run::expected_outputs(common::run::run_file(&args, case.path(), LIMIT)?))
}

#[test]
fn conformance_suite() {
    suite().run(|case| run(case, &[]));
}

/// The suite again with a collection at every safepoint and no reuse of freed ids:
/// anything the VM forgot to keep alive fails here.
#[test]
fn conformance_suite_under_gc_stress() {
    suite().variant("gc-stress").run(|case| run(case, &["--gc-stress"]));
}
