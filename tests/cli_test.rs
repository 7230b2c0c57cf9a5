//! `impish test`'s options over the configuration: `--instruction-budget` and `--type`.

mod common;

use common::*;

const BUDGET: &str = "factory-api/tests/testing/budget";
const LOOKUP: &str = "factory-api/tests/testing/lookup";

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
