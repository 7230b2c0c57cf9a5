//! Golden programs run in process: each `golden/NAME.nut` must print exactly
//! `golden/NAME.out` (the expected output was produced by the reference `sq`), and each
//! `disasm/NAME.nut` must compile to exactly `disasm/NAME.dis`, so a change to the code
//! the compiler emits shows up in review. `IMPISH_BLESS=1 cargo test -p impish-vm --test
//! golden` rewrites them from what impish does (see the `impish-golden` crate).

mod common;

use impish_golden::{Outputs, Suite};
use impish_vm::{Profile, Vm};

#[test]
fn golden_programs_match_the_reference() {
    Suite::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden")).at_least(4).run(|case| {
        let (out, r) = common::run(&mut Vm::new(Profile::Squirrel), &case.source()?);
        r.map_err(|e| format!("the program failed: {e:?}"))?;
        Ok(Outputs::new().whole("out", out))
    });
}

#[test]
fn disassembly_matches_the_goldens() {
    Suite::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/disasm")).run(|case| {
        let mut vm = Vm::new(Profile::Squirrel);
        let compiled = vm.compile(&case.source()?, &case.path().display().to_string());
        let f = compiled.map_err(|e| format!("does not compile: {e:?}"))?;
        let listing = vm.disassemble(f).ok_or("compiled to no closure")?;
        Ok(Outputs::new().whole("dis", listing))
    });
}
