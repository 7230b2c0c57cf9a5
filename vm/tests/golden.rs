//! Golden tests: each `golden/NAME.nut` must print exactly `golden/NAME.out` (the
//! expected output was produced by the reference `sq`), plus the VM limits that the
//! reference does not have (stack overflow as an error, the instruction budget).

use std::cell::RefCell;
use std::rc::Rc;

use impish_vm::{Error, Profile, Vm};

/// Runs `source` and returns (stdout, result).
fn run(vm: &mut Vm, source: &str) -> (String, Result<(), Error>) {
    let out = Rc::new(RefCell::new(Vec::new()));
    let sink = out.clone();
    vm.set_output(Box::new(move |b| sink.borrow_mut().extend_from_slice(b)));
    vm.set_error_output(Box::new(|_| {}));
    let r = vm.run_source(source, "test.nut").map(|_| ());
    let text = String::from_utf8_lossy(&out.borrow()).into_owned();
    (text, r)
}

/// Calls `check(path, source, expected)` for every `NAME.nut` in `tests/DIR` and the
/// `NAME.EXT` beside it; returns how many there were.
fn each_case(dir: &str, ext: &str, mut check: impl FnMut(&std::path::Path, &str, &str)) -> usize {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(dir);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("case dir") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("nut") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("source");
        let expected = std::fs::read_to_string(path.with_extension(ext)).expect("expected output");
        check(&path, &source, &expected);
        count += 1;
    }
    count
}

#[test]
fn golden_programs_match_the_reference() {
    let count = each_case("golden", "out", |path, source, expected| {
        let mut vm = Vm::new(Profile::Squirrel);
        let (out, r) = run(&mut vm, source);
        assert!(r.is_ok(), "{}: {:?}", path.display(), r);
        assert_eq!(out, expected, "{}", path.display());
    });
    assert!(count >= 4);
}

#[test]
fn deep_recursion_is_a_catchable_error() {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.set_max_call_depth(1000);
    let src = "function r(n) { return 1 + r(n + 1) }\ntry { r(0) } catch (e) { print(e) }";
    let (out, r) = run(&mut vm, src);
    assert!(r.is_ok());
    assert_eq!(out, "stack overflow");
}

#[test]
fn tail_calls_do_not_grow_the_stack() {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.set_max_call_depth(100);
    let src = "function c(n, a) { if (n == 0) return a; return c(n - 1, a + 1) }\nprint(c(100000, 0))";
    assert_eq!(run(&mut vm, src).0, "100000");
}

#[test]
fn the_instruction_budget_stops_runaway_scripts() {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.set_instruction_budget(Some(10_000));
    let (_, r) = run(&mut vm, "while (true) {}");
    match r {
        Err(Error::Runtime(e)) => assert_eq!(e.message, "instruction budget exceeded"),
        other => panic!("expected a budget error, got {other:?}"),
    }
}

#[test]
fn uncaught_errors_carry_the_call_stack() {
    let mut vm = Vm::new(Profile::Squirrel);
    let (_, r) = run(&mut vm, "function f() {\n  throw \"bad\"\n}\nf()");
    let Err(Error::Runtime(e)) = r else { panic!("expected a runtime error") };
    assert_eq!(e.message, "bad");
    assert_eq!(e.stack[0].function, "f");
    assert_eq!(e.stack[0].line, 2);
    assert_eq!(e.stack[1].function, "main");
    let text = impish_vm::format_uncaught(&e);
    assert!(text.starts_with("\nAN ERROR HAS OCCURRED [bad]\n\nCALLSTACK\n*FUNCTION [f()] test.nut line [2]\n"));
}

/// Code assembled from several files (Builder, impt) carries `#line` markers: call
/// stacks name the file and line each frame's code came from.
#[test]
fn call_stacks_follow_line_directives_to_their_files() {
    let mut vm = Vm::new(Profile::Squirrel);
    let src = "#line 10 \"lib.nut\"\nfunction f() {\n  throw \"bad\"\n}\n#line 3 \"app.nut\"\nf()\n";
    let (_, r) = run(&mut vm, src);
    let Err(Error::Runtime(e)) = r else { panic!("expected a runtime error") };
    let frames: Vec<(&str, &str, u32)> =
        e.stack.iter().map(|s| (s.function.as_str(), s.file.as_str(), s.line)).collect();
    assert_eq!(frames, [("f", "lib.nut", 11), ("main", "app.nut", 3)]);
}

#[test]
fn compile_errors_use_the_reference_messages() {
    let mut vm = Vm::new(Profile::Squirrel);
    for (src, msg) in [
        ("break", "'break' has to be in a loop block"),
        ("continue", "'continue' has to be in a loop block"),
        ("local x; x <- 1", "can't 'create' a local slot"),
        ("local C; class C {}", "cannot create a class in a local with the syntax(class <local>)"),
    ] {
        match vm.compile(src, "t.nut") {
            Err(Error::Compile(e)) => assert_eq!(e.message, msg, "{src}"),
            other => panic!("{src}: expected a compile error, got {other:?}"),
        }
    }
}

#[test]
fn the_imp_profile_wraps_integers_at_32_bits() {
    let mut vm = Vm::new(Profile::Imp);
    let (out, _) = run(&mut vm, "local x = 0x7fffffff; x++; print(x + \" \" + (0x7fffffff * 2) + \" \" + _intsize_)");
    assert_eq!(out, "-2147483648 -2 4");
}

#[test]
fn natives_registered_from_rust_read_their_arguments() {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.register(
        "twice",
        |vm, args| match args.get(vm, 1) {
            impish_vm::Value::Int(i) => Ok(impish_vm::Value::Int(i * 2)),
            _ => Err(vm.error("integer expected")),
        },
        2,
        Some(".i"),
    );
    let (out, _) = run(&mut vm, "print(twice(21)); try { twice(\"x\") } catch (e) { print(\" \" + e) }");
    assert_eq!(out, "42 parameter 1 has an invalid type 'string' ; expected: 'integer'");
}

#[test]
fn squirrel_functions_can_be_called_from_rust() {
    let mut vm = Vm::new(Profile::Squirrel);
    run(&mut vm, "function add(a, b) { return a + b }").1.expect("defines add");
    let f = vm.get_global("add").expect("add is defined");
    let root = vm.root_table();
    let r = vm.call(f, root, &[impish_vm::Value::Int(2), impish_vm::Value::Int(3)]).expect("call succeeds");
    assert!(matches!(r, impish_vm::Value::Int(5)));
}

/// Disassembly goldens: each `disasm/NAME.nut` compiles to exactly `disasm/NAME.dis`, so a
/// change to the code the compiler emits shows up in review. Regenerate one with
/// `impish disasm NAME.nut > NAME.dis` and read the difference.
#[test]
fn disassembly_matches_the_goldens() {
    let count = each_case("disasm", "dis", |path, source, expected| {
        let mut vm = Vm::new(Profile::Squirrel);
        let f = vm.compile(source, &path.display().to_string()).expect("compiles");
        assert_eq!(vm.disassemble(f).expect("a closure"), expected, "{}", path.display());
    });
    assert!(count >= 1);
}
