//! The registered library functions as scripts call them: `split`, blob writes and
//! reads, and `format` with a typical log line — each a Squirrel function compiled once
//! and called through the embedding API, so the numbers include the call into the
//! native, its argument checks and the values it builds.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use impish_vm::{Profile, Value, Vm};

const SCRIPT: &str = r#"
function split_csv(line) { return split(line, ",") }
function blob_round_trip(n) {
    local b = blob(n * 4)
    for (local i = 0; i < n; i++) b.writen(i, 'i')
    b.seek(0)
    local sum = 0
    for (local i = 0; i < n; i++) sum += b.readn('i')
    return sum
}
function log_line(i) { return format("%08.3f [%s] sensor %d: %5.2f C", i * 0.01, "dut", i, 21.5 + i % 7) }
"#;

/// A VM with the standard library and `SCRIPT` loaded, and the named function.
fn setup(name: &str) -> (Vm, Value) {
    let mut vm = Vm::new(Profile::Squirrel);
    impish_stdlib::register(&mut vm);
    if let Err(e) = vm.run_source(SCRIPT, "bench.nut") {
        panic!("bench script: {e}");
    }
    let f = vm.get_global(name).unwrap_or_else(|| panic!("{name} is defined"));
    (vm, f)
}

fn call(vm: &mut Vm, f: Value, arg: Value) -> Value {
    let root = vm.root_table();
    match vm.call(f, root, &[arg]) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("natives");

    let (mut vm, split_csv) = setup("split_csv");
    let line = vm.string("2026-01-01T00:00:00Z,50000c2a69000001,21.50,OK,pinA,1,0,3.3,fixture-1,12");
    // Only Rust holds the string: pin it so a collection between calls keeps it.
    vm.pin(line);
    group.throughput(Throughput::Elements(1));
    group.bench_function("split_10_fields", |b| b.iter(|| call(&mut vm, split_csv, line)));

    let (mut vm, round_trip) = setup("blob_round_trip");
    group.throughput(Throughput::Elements(1000));
    group.bench_function("blob_write_read_1000_ints", |b| b.iter(|| call(&mut vm, round_trip, Value::Int(1000))));

    let (mut vm, log_line) = setup("log_line");
    group.throughput(Throughput::Elements(1));
    group.bench_function("format_log_line", |b| b.iter(|| call(&mut vm, log_line, Value::Int(42))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
