//! `impish test`: `-t` as impt's short `--tests`, a filter that selects nothing fails,
//! JUnit XML with totals that agree; `--instruction-budget`, `--type` and
//! `--memory-limit` over the configuration.

mod common;

use common::*;

const ERRORS: &str = "factory-api/tests/testing/errors";
const BUDGET: &str = "factory-api/tests/testing/budget";
const LOOKUP: &str = "factory-api/tests/testing/lookup";
const MEMORY: &str = "factory-api/tests/testing/memory";

#[test]
fn a_filter_that_selects_no_test_is_an_error() {
    let (code, out, err) = impish(&["test", ERRORS, "--tests", "throws.test.nut:ThrowsTest::testTypo"]);
    assert_eq!(code, Some(2), "{out}");
    assert_eq!(err.trim(), "impish test: --tests \"throws.test.nut:ThrowsTest::testTypo\" selects no test method");
    let (code, _, err) = impish(&["test", ERRORS, "-t", "no-such-file"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("No test files found"), "{err}");
}

#[test]
fn the_short_filter_runs_one_method_and_writes_junit() {
    let junit = scratch("one.xml", "");
    let (code, out, _) =
        impish(&["test", ERRORS, "-t", "throws.test.nut:ThrowsTest::testAssertion", "--junit", &junit]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("0 passed, 1 failed"), "{out}");
    let xml = std::fs::read_to_string(&junit).expect("JUnit written");
    assert!(
        xml.contains("<testsuites name=\"impish test\" tests=\"1\" skipped=\"0\" failures=\"1\" errors=\"0\""),
        "{xml}"
    );
    assert!(xml.contains("at testAssertion "), "{xml}");
}

#[test]
fn instruction_budget_overrides_the_config() {
    let (code, out, _) = impish(&["test", BUDGET]);
    assert_eq!(code, Some(1), "the config's budget of 100000 stops the loop: {out}");
    let (code, out, _) = impish(&["test", BUDGET, "--instruction-budget", "none"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.ends_with("1 passed, 0 failed\n"), "{out}");
    let (code, _, err) = impish(&["test", BUDGET, "--instruction-budget", "0"]);
    assert_eq!(code, Some(2), "{err}");
}

#[test]
fn imp_type_overrides_the_config() {
    let (code, out, _) = impish(&["test", LOOKUP]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out, _) = impish(&["test", LOOKUP, "--type", "imp005"]);
    assert_eq!(code, Some(1));
    assert!(out.contains("Failure: Expected value: imp001, got: imp005"), "{out}");
}

#[test]
fn memory_limit_overrides_the_imp_types_free_memory() {
    let (code, out, _) = impish(&["test", MEMORY]);
    assert_eq!(code, Some(0), "an imp005 has 1 MB: {out}");
    let (code, out, _) = impish(&["test", MEMORY, "--memory-limit", "200K"]);
    assert_eq!(code, Some(1));
    assert!(out.contains("out of memory"), "{out}");
}
