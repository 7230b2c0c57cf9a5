//! Golden tests for the imp profile: each `tests/imp/NAME.nut` runs in an imp-profile
//! VM with the standard libraries registered; its output (an uncaught error report
//! included) must equal `NAME.out`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use impish_vm::{Profile, Vm};

/// Runs a script the way `impish run --profile imp` does; returns stdout + stderr.
fn run_imp(source: &str, name: &str) -> String {
    let mut vm = Vm::new(Profile::Imp);
    impish_stdlib::register(&mut vm);
    let out = Rc::new(RefCell::new(Vec::new()));
    let (sink, err_sink) = (out.clone(), out.clone());
    vm.set_output(Box::new(move |b| sink.borrow_mut().extend_from_slice(b)));
    vm.set_error_output(Box::new(move |b| err_sink.borrow_mut().extend_from_slice(b)));
    impish_vm::run_script(&mut vm, source, name);
    let bytes = out.borrow().clone();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn programs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/imp");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/imp exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "nut"))
        .collect();
    found.sort();
    found
}

#[test]
fn imp_profile_golden_programs() {
    let mut failures = Vec::new();
    let all = programs();
    for nut in &all {
        let source = std::fs::read_to_string(nut).expect("readable program");
        let expected = std::fs::read_to_string(nut.with_extension("out")).expect("an .out beside each .nut");
        let got = run_imp(&source, &nut.display().to_string());
        if got != expected {
            failures.push(format!("{}\n--- expected\n{expected}--- got\n{got}", nut.display()));
        }
    }
    assert!(all.len() >= 6, "the golden programs are missing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
