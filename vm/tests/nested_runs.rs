//! Every way a script makes the interpreter run again beneath itself in Rust (natives
//! and metamethods calling scripts, resuming generators, waking threads) ends
//! in a catchable Squirrel error before the Rust stack runs out, even on a 2 MB thread
//! in a debug build.

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
    ("generator of itself", "function g() { foreach (x in g()) yield x; yield 1 } foreach (v in g()) print(v)"),
    ("nested resume", "function g(d) { if (d > 0) { local i = g(d - 1); yield resume i } else yield d } print(resume g(100000))"),
    ("thread calls", "function t(n) { return n == 0 ? 0 : newthread(t).call(n - 1) + 1 } print(t(100000))"),
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
