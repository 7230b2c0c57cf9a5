//! A 10,000-unit assembly line through the sample factory firmware
//! (`samples/factory/line.toml` with its faults, 10,000 DUTs): fixture, operator,
//! BlinkUp, enrolment, tests, blessing and the application, for every unit. The goal is
//! 10,000 units in under 10 s on one core; criterion reports units per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use impish_factory::line;
use std::path::Path;
use std::time::Duration;

const UNITS: usize = 10_000;

fn ten_thousand_units(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/factory/line.toml");
    let mut description = line::load(&path).unwrap_or_else(|e| panic!("{e}"));
    description.duts = UNITS;
    let mut group = c.benchmark_group("line");
    group.sample_size(10).measurement_time(Duration::from_secs(60)).throughput(Throughput::Elements(UNITS as u64));
    group.bench_function("10k DUTs", |b| {
        b.iter(|| {
            let report = line::run(&description, &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(report.summary.processed, UNITS);
            report.summary.blessed
        })
    });
    group.finish();
}

criterion_group!(benches, ten_thousand_units);
criterion_main!(benches);
