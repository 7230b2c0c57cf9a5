//! Lex+parse throughput on a large generated program (firmware-shaped code: classes,
//! methods, loops, tables, string building) and on the real perf programs.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use impish_syntax::parse;
use std::fmt::Write;

/// About 2 MB of varied Squirrel.
fn generated_program() -> String {
    let mut src = String::new();
    for i in 0..2500 {
        let _ = write!(
            src,
            r#"
class Sensor{i} extends Base </ version = {i} /> {{
    address = 0x{i:x}
    readings = null
    static NAME = "sensor {i}"
    constructor(bus, addr = 0x40) {{
        base.constructor(bus)
        readings = []
        address = addr
    }}
    function read(reg) {{
        local value = bus.read(address, reg) & 0xFF
        if (value > 127) value -= 256; else value += 1
        readings.push(value * 1.5 + {i})
        return value
    }}
}}
function crc{i}(data) {{
    local crc = 0xFFFF
    foreach (i, byte in data) {{
        crc = crc ^ (byte << 8)
        for (local bit = 0; bit < 8; bit++) crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) : (crc << 1)
    }}
    return format("%04X", crc & 0xFFFF) + "-" + {i}
}}
local table{i} = {{ name = "t{i}", ["key"] = [1, 2, 3], "json": null, nested = {{ a = 1 b = 2 }} }}
switch (table{i}.name.len()) {{
    case 1: server.log("one"); break
    default: server.log(@"many ""quoted"" lines
                           here")
}}
"#
        );
    }
    src
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    let source = generated_program();
    if let Err(err) = parse(&source, "gen.nut") {
        panic!("the generated program must parse:\n{err}");
    }
    group.throughput(Throughput::Bytes(source.len() as u64));
    group.bench_function("generated_2MB", |b| b.iter(|| parse(&source, "gen.nut").map(|ast| ast.program.body.len())));
    let perf_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/perf/programs");
    let mut perf = String::new();
    for name in ["fib", "loop", "strings", "tables", "arrays", "oop", "closures", "firmware"] {
        let path = format!("{perf_dir}/{name}.nut");
        perf += &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        perf.push('\n');
    }
    if let Err(err) = parse(&perf, "perf.nut") {
        panic!("the perf programs must parse:\n{err}");
    }
    group.throughput(Throughput::Bytes(perf.len() as u64));
    group.bench_function("perf_programs", |b| b.iter(|| parse(&perf, "perf.nut").map(|ast| ast.program.body.len())));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
