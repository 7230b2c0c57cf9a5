//! In-process timings of the interpreter: each perf program compiled once and run
//! through the embedding API (output discarded), plus micro benchmarks of the
//! operations the programs lean on (calls, field gets, concatenation, table gets).
//! `benches/compare` times the `impish` binary against `sq` and Lua instead.

use criterion::{criterion_group, criterion_main, Criterion};
use impish_vm::{Profile, Value, Vm};

const PROGRAMS: &[&str] = &["fib", "loop", "strings", "tables", "arrays", "oop", "closures", "firmware"];

fn quiet_vm() -> Vm {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.set_output(Box::new(|_| {}));
    vm
}

/// Compiles `src` into a fresh VM and returns both, ready to call.
fn compiled(src: &str, file: &str) -> Option<(Vm, Value)> {
    let mut vm = quiet_vm();
    let f = vm.compile(src, file).ok()?;
    vm.pin(f);
    Some((vm, f))
}

fn programs(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/perf/programs");
    let mut group = c.benchmark_group("programs");
    group.sample_size(10);
    for name in PROGRAMS {
        let file = format!("{dir}/{name}.nut");
        let Ok(src) = std::fs::read_to_string(&file) else { continue };
        let Some((mut vm, f)) = compiled(&src, &file) else { continue };
        // Programs using library functions this build does not register are skipped
        // (`firmware` needs `format` from the standard library).
        if src.contains("format(") && vm.get_global("format").is_none() {
            continue;
        }
        let root = vm.root_table();
        group.bench_function(*name, |b| b.iter(|| vm.call(f, root, &[]).is_ok()));
    }
    group.finish();
}

/// A micro benchmark: `setup` runs once, then `body` (a function of no arguments
/// defined by `setup` as the global `bench`) is timed.
fn micro(c: &mut Criterion, name: &str, setup: &str) {
    let Some((mut vm, f)) = compiled(setup, name) else { return };
    let root = vm.root_table();
    if vm.call(f, root, &[]).is_err() {
        return;
    }
    let Some(body) = vm.get_global("bench") else { return };
    vm.pin(body);
    c.bench_function(name, |b| b.iter(|| vm.call(body, root, &[]).is_ok()));
}

fn micros(c: &mut Criterion) {
    micro(
        c,
        "micro/call",
        "function id(x) { return x; }
         function bench() { local s = 0; for (local i = 0; i < 10000; i++) s += id(i); return s; }",
    );
    micro(
        c,
        "micro/field_get",
        "class P { x = 1; y = 2; }
         local p = P();
         ::bench <- function() { local s = 0; for (local i = 0; i < 10000; i++) s += p.x + p.y; return s; }",
    );
    micro(
        c,
        "micro/string_concat",
        "function bench() { local n = 0; for (local i = 0; i < 10000; i++) n += (\"k\" + i + \"=\" + i).len(); return n; }",
    );
    micro(
        c,
        "micro/table_get",
        "local t = { a = 1, b = 2, c = 3 };
         local keys = [\"a\", \"b\", \"c\"];
         ::bench <- function() { local s = 0; for (local i = 0; i < 10000; i++) s += t.a + t[keys[i % 3]]; return s; }",
    );
}

criterion_group!(benches, programs, micros);
criterion_main!(benches);
