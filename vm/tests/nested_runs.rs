//! Every way a script makes the interpreter run again beneath itself in Rust (natives
//! and metamethods calling scripts or threads) ends in a catchable Squirrel error before
//! the Rust stack runs out, even on a 2 MB thread in a debug build; and coroutines a
//! script switches to itself (`resume`, `foreach`, a thread's `call`) nest without
//! running beneath anything, as deep as the frame limit.

use impish_vm::{Profile, Vm};
use std::cell::RefCell;
use std::rc::Rc;

/// Each program catches its error and prints what it caught.
const PROGRAMS: &[(&str, &str)] = &[
    ("call", "function f(n) { return n == 0 ? 0 : f.call(this, n - 1) + 1 } print(f(100000))"),
    ("acall", "function f(n) { return n == 0 ? 0 : f.acall([this, n - 1]) + 1 } print(f(100000))"),
    ("pcall", "function f(n) { return n == 0 ? 0 : f.pcall(this, n - 1) + 1 } print(f(100000))"),
    ("_get", "local d = {}.setdelegate({ _get = function(k) { return this[k] } }); print(d.x)"),
    ("_tostring", "class T { function _tostring() { return \"T\" + this } } print(T().tostring())"),
    ("sort", "function s(n) { [2, 1].sort(function(x, y) { if (n > 0) s(n - 1); return x <=> y }); return n } print(s(100000))"),
    (
        "thread calls made by natives",
        "function t(n) { local th = newthread(t); return n == 0 ? 0 : th.call.call(th, n - 1) + 1 } print(t(100000))",
    ),
];

/// Coroutines nested by scripts, with what each prints, and the frame limit it runs with.
const COROUTINES: &[(&str, &str, &str, usize)] = &[
    (
        "nested resume",
        "function g(d) { if (d > 0) { local i = g(d - 1); yield resume i } else yield d } print(resume g(100000))",
        "0",
        1_000_000,
    ),
    (
        "nested foreach",
        "function g(d) { if (d > 0) foreach (x in g(d - 1)) yield x + 1; else yield 0 } foreach (x in g(100000)) print(x)",
        "100000",
        1_000_000,
    ),
    (
        "thread calls",
        "function t(n) { return n == 0 ? 0 : newthread(t).call(n - 1) + 1 } print(t(100000))",
        "100000",
        1_000_000,
    ),
    (
        "generator of itself",
        "function g() { foreach (x in g()) yield x; yield 1 } try { foreach (v in g()) print(v) } catch (e) { print(e) }",
        "stack overflow",
        10_000,
    ),
];

#[test]
fn nested_runs_end_in_a_catchable_error_on_a_2_mb_stack() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            for (name, program) in PROGRAMS {
                let printed = Rc::new(RefCell::new(Vec::new()));
                let sink = printed.clone();
                let mut vm = Vm::new(Profile::Squirrel);
                vm.set_output(Box::new(move |b| sink.borrow_mut().extend_from_slice(b)));
                let source = format!("try {{ {program} }} catch (e) {{ print(\"caught: \" + e) }}");
                vm.run_source(&source, "t.nut").unwrap_or_else(|e| panic!("{name}: {e}"));
                let printed = String::from_utf8_lossy(&printed.borrow()).into_owned();
                assert!(printed.contains("caught: ") && printed.contains("overflow"), "{name}: {printed}");
            }
        })
        .expect("thread")
        .join()
        .expect("no panic");
}

#[test]
fn coroutines_nest_in_the_dispatch_loop_on_a_2_mb_stack() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            for (name, program, expected, frames) in COROUTINES {
                let printed = Rc::new(RefCell::new(Vec::new()));
                let sink = printed.clone();
                let mut vm = Vm::new(Profile::Squirrel);
                vm.set_max_call_depth(*frames);
                vm.set_output(Box::new(move |b| sink.borrow_mut().extend_from_slice(b)));
                vm.run_source(program, "t.nut").unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(String::from_utf8_lossy(&printed.borrow()), *expected, "{name}");
            }
        })
        .expect("thread")
        .join()
        .expect("no panic");
}
