//! The harness's own tests: cases are reproducible, the minimiser shrinks, panics are
//! caught, generated programs are valid Squirrel, the tokenizer loses nothing.

use impish_fuzz::case::{self, Mode};
use impish_fuzz::exec::{self, Limits};
use impish_fuzz::gen::END;
use impish_fuzz::minimise::minimise;
use impish_fuzz::mutate::Corpus;
use impish_fuzz::tokens::tokenize;
use impish_fuzz::verdict;
use impish_vm::Profile;

fn corpus() -> Corpus {
    Corpus::load(&impish_fuzz::campaign::workspace_root())
}

#[test]
fn a_case_is_determined_by_seed_and_index() {
    let corpus = corpus();
    for mode in [Mode::Gen, Mode::Diff, Mode::Mutate] {
        for profile in [Profile::Squirrel, Profile::Imp] {
            let a = case::source(mode, profile, 7, 3, &corpus);
            assert_eq!(a, case::source(mode, profile, 7, 3, &corpus), "{mode:?} {profile:?}");
            assert_ne!(a, case::source(mode, profile, 7, 4, &corpus), "{mode:?} {profile:?}");
            assert_ne!(a, case::source(mode, profile, 8, 3, &corpus), "{mode:?} {profile:?}");
        }
    }
}

#[test]
fn the_corpus_is_found() {
    assert!(corpus().programs.len() > 100, "the conformance, golden, imp and sample programs");
}

#[test]
fn the_minimiser_shrinks_a_synthetic_failure() {
    let source = "local a = 1;\nlocal b = [1, 2, 3];\nprint(a + b[0]);\nboom(a, b, 42);\nprint(\"done\");\n";
    let mut tries = 0;
    let small = minimise(source, 1000, |s| {
        tries += 1;
        s.contains("boom") && s.contains("42")
    });
    assert_eq!(small.split_whitespace().collect::<String>(), "boom42");
    assert!(tries < 200, "{tries} candidates");
}

#[test]
fn a_panicking_runner_is_caught_with_its_place() {
    exec::quiet_panics();
    let (status, panic) = exec::catching(|| panic!("fake runner exploded at {}", 12));
    assert_eq!(status, -1);
    let panic = panic.expect("the panic is reported");
    assert!(panic.contains("harness.rs") && panic.contains("fake runner exploded"), "{panic}");
    let outcome = exec::Outcome { panic: Some(panic), ..Default::default() };
    let sig = verdict::panic_signature(&outcome).expect("a signature");
    assert!(sig.starts_with("panic ") && sig.contains("exploded at 9"), "digits are folded: {sig}");
    assert_eq!(exec::catching(|| 3), (3, None));
}

/// Most generated programs must compile and run to their last line, or the differential
/// runs compare little (a few may meet a VM bug: that is what they are for).
#[test]
fn generated_programs_mostly_run_to_the_end() {
    for profile in [Profile::Squirrel, Profile::Imp] {
        let mut finished = 0;
        for index in 0..40 {
            let source = case::source(Mode::Diff, profile, 1, index, &corpus());
            let out = exec::run(profile, &source, "case.nut", Limits::default());
            finished += String::from_utf8_lossy(&out.stdout).ends_with(&format!("{END}\n")) as u32;
        }
        assert!(finished >= 20, "{profile:?}: only {finished} of 40 programs ran to the end");
    }
}

fn printed(text: &str) -> exec::Outcome {
    exec::Outcome { stdout: text.as_bytes().to_vec(), ..Default::default() }
}

#[test]
fn mismatches_are_signed_by_production_and_kind() {
    let sign = |a: &str, b: &str| verdict::compare(Profile::Squirrel, &printed(a), &printed(b), &Limits::default());
    let ours = "k1:int.add 3\nk2:int.shl 16\n";
    assert_eq!(sign(ours, "k1:int.add 3\nk2:int.shl 0\n").as_deref(), Some("mismatch int.shl: integer | integer"));
    assert_eq!(sign(ours, ours), None);
    // Other values, the same root cause: one signature.
    let errors = |n: &str| format!("k7:call ! \"the index '{n}' does not exist\"\n");
    let sig = sign(&errors("x"), "k7:call [1,2]\n");
    assert_eq!(sig.as_deref(), Some("mismatch call: error \"the index '_' does not exist\" | array"));
    assert_eq!(sign(&errors("yy12"), "k7:call [3]\n"), sig);
    assert_eq!(sign("k1:a 1\n", "k1:a 1\nk2:b 2.5\n").as_deref(), Some("mismatch b: <end> | float"));
    assert_eq!(sign("k3:c 1\n", "k2:b 1\n").as_deref(), Some("mismatch b: line c integer | line b integer"));
}

#[test]
fn documented_deliberate_differences_are_not_findings() {
    let sign = |profile, a: &str, b: &str| {
        verdict::compare(profile, &printed(a), &printed(b), &Limits::default()).expect("a difference")
    };
    assert!(verdict::deliberate(&sign(Profile::Squirrel, "k1:int.mod ! \"modulo by zero\"\n", "k1:int.mod 5\n")));
    assert!(!verdict::deliberate("mismatch int.mod: integer | error \"modulo by zero\""));
    // The imp saturates float->integer as ARM does; the 32-bit x86 sq does not.
    let (ours, theirs) = ("k2:array.new [2147483647,-2147483648]\n", "k2:array.new [-2147483648,-2147483648]\n");
    assert!(verdict::deliberate(&sign(Profile::Imp, ours, theirs)));
    assert!(!verdict::deliberate(&sign(Profile::Squirrel, ours, theirs)));
    assert!(verdict::deliberate(&sign(Profile::Imp, "k3:format \"7fffffff\"\n", "k3:format \"80000000\"\n")));
    // The sign of a NaN is the FPU's (x87 in the 32-bit sq).
    assert!(verdict::deliberate(&sign(Profile::Imp, "k4:float.add -nan\n", "k4:float.add nan\n")));
    assert!(!verdict::deliberate(&sign(Profile::Squirrel, "k4:float.add -nan\n", "k4:float.add nan\n")));
    // A line that the deliberate `%` error ended early (a NUL cut the line before it).
    let cut = "k5:int.tochar \"k6:inst.add ! \"arith op % on between 'instance' and 'instance'\"\n";
    assert!(verdict::deliberate(&sign(Profile::Squirrel, cut, "k5:int.tochar \"k6:inst.add <Obj>\n")));
}

#[test]
fn addresses_are_masked_wherever_they_are() {
    let same = |a: &str, b: &str| verdict::compare(Profile::Squirrel, &printed(a), &printed(b), &Limits::default());
    let ours = "k1:str.case \"(TABLE : 0X0000555550000340)\"\nk2:split [\"(table\",\":\",\"0x0000555550000400)\"]\n";
    let theirs = "k1:str.case \"(TABLE : 0X0X55DCCDF76950)\"\nk2:split [\"(table\",\":\",\"0x0x55f683133550)\"]\n";
    assert_eq!(same(ours, theirs), None);
    // Not an address: a hexadecimal string of a program.
    assert!(same("k3:lit \"0x1F\"\n", "k3:lit \"0x2F\"\n").is_some());
}

#[test]
fn an_internal_error_of_the_vm_is_a_panic_finding() {
    exec::quiet_panics();
    // The Vm catches a panic of a native itself and reports `Error::Internal`.
    fn explode(_: &mut impish_vm::Vm, _: impish_vm::Args) -> Result<impish_vm::Value, impish_vm::Fail> {
        panic!("native exploded at {}", 12)
    }
    let add = |vm: &mut impish_vm::Vm| vm.register("explode", explode, 0, None);
    let out = exec::run_with(Profile::Squirrel, "print(1); explode();", "case.nut", Limits::default(), add);
    assert_eq!(out.status, impish_vm::runner::INTERNAL_ERROR_STATUS);
    let sig = verdict::panic_signature(&out).expect("an internal error is a panic finding");
    assert!(sig.starts_with("panic ") && sig.contains("harness.rs") && sig.contains("native exploded at 9"), "{sig}");
}

#[test]
fn the_tokenizer_is_lossless() {
    for (_, program) in corpus().programs.iter().take(60) {
        let joined: String = tokenize(program).into_iter().map(|(_, t)| t).collect();
        assert_eq!(&joined, program);
    }
}

#[test]
fn the_minimiser_keeps_a_generated_prelude() {
    let source = case::source(Mode::Diff, Profile::Squirrel, 1, 0, &corpus());
    let prelude = impish_fuzz::gen::prelude_len(&source);
    assert!(source[..prelude].ends_with("}\n") && source[..prelude].contains("function dump("), "{source}");
    assert!(!source[prelude..].contains("function pe("));
    assert_eq!(impish_fuzz::gen::prelude_len("print(1);\nfunction pe(tag, e) {}\n"), 0);
}

#[test]
fn set_up_lines_are_productions_too() {
    let sig = verdict::compare(
        Profile::Squirrel,
        &printed("init.v5 ! \"attempt to call 'null'\"\n"),
        &printed("init.v5 ! \"attempt to negate a class\"\n"),
        &Limits::default(),
    )
    .expect("a difference");
    assert!(sig.starts_with("mismatch init: error") && !verdict::deliberate(&sig), "{sig}");
    let sig = verdict::compare(
        Profile::Squirrel,
        &printed("init.v5 ! \"arith op % on between 'class' and 'instance'\"\n"),
        &printed("init.v5 ! \"attempt to negate a class\"\n"),
        &Limits::default(),
    )
    .expect("a difference");
    assert!(verdict::deliberate(&sig), "{sig}");
    // sq's `%` does not raise: it prints no line where we print the error.
    let sig = verdict::compare(
        Profile::Squirrel,
        &printed("assign ! \"arith op % on between 'table' and 'integer'\"\nk2:var 1\n"),
        &printed("k2:var 1\n"),
        &Limits::default(),
    )
    .expect("a difference");
    assert!(verdict::deliberate(&sig), "{sig}");
}
