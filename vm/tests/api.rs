//! The VM as a Rust program sees it: the limits the reference does not have (stack
//! overflow as an error, the instruction budget), uncaught errors with their call stacks,
//! the reference's compile-error messages, the imp profile's integers, and natives and
//! calls across the boundary.

mod common;

use common::run;
use impish_vm::{Error, Profile, Vm};

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
