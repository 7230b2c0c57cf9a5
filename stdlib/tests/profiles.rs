//! The standard libraries in each profile: the imp profile's golden programs (each
//! `tests/imp/NAME.nut`, run in an imp-profile VM with the libraries registered, must
//! print `NAME.out`, its uncaught error report included; `IMPISH_BLESS=1` rewrites them,
//! see the `impish-golden` crate), and the squirrel profile's stock global names.

use std::cell::RefCell;
use std::rc::Rc;

use impish_golden::{Outputs, Suite};
use impish_vm::{Profile, Vm};

/// Runs a script the way `impish run --profile imp` does; returns stdout + stderr.
fn run_imp(source: &str, name: &str) -> Vec<u8> {
    let mut vm = Vm::new(Profile::Imp);
    impish_stdlib::register(&mut vm);
    let out = Rc::new(RefCell::new(Vec::new()));
    let (sink, err_sink) = (out.clone(), out.clone());
    vm.set_output(Box::new(move |b| sink.borrow_mut().extend_from_slice(b)));
    vm.set_error_output(Box::new(move |b| err_sink.borrow_mut().extend_from_slice(b)));
    impish_vm::run_script(&mut vm, source, name);
    out.take()
}

#[test]
fn imp_profile_golden_programs() {
    Suite::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/imp"))
        .at_least(6)
        .run(|case| Ok(Outputs::new().whole("out", run_imp(&case.source()?, &case.path().display().to_string()))));
}

#[test]
fn squirrel_profile_keeps_the_stock_names() {
    let mut vm = Vm::new(Profile::Squirrel);
    impish_stdlib::register(&mut vm);
    for name in ["sqrt", "PI", "compilestring", "escape", "startswith", "getenv", "blob", "regexp", "format"] {
        assert!(vm.get_global(name).is_some(), "{name} is registered");
    }
    assert!(vm.get_global("math").is_none() && vm.get_global("crypto").is_none());
}
