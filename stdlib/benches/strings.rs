//! Throughput of the string library engines on firmware-shaped work: `format` calls,
//! float printing and regexp searches.

use criterion::{criterion_group, criterion_main, Criterion};
use impish_stdlib::format::{format, FormatArg};
use impish_stdlib::regexp::Regexp;
use impish_vm::numfmt::write_g;
use std::hint::black_box;

fn bench_format(c: &mut Criterion) {
    let args = [
        FormatArg::Str(b"temp"),
        FormatArg::Int(21),
        FormatArg::Str(b"humidity"),
        FormatArg::Float(f64::from(55.25f32)),
        FormatArg::Str(b"id"),
        FormatArg::Int(0x2f3a),
    ];
    c.bench_function("format/mixed", |b| b.iter(|| format(black_box(b"%s=%d;%s=%.2f;%s=%04x\n"), black_box(&args))));
    let row = [FormatArg::Str(b"pressure"), FormatArg::Float(f64::from(1013.25f32))];
    c.bench_function("format/table_row", |b| b.iter(|| format(black_box(b"%-10s|%10.2f|\n"), black_box(&row))));
    let floats: Vec<f64> = [1.0f32, 0.1, 2.0 / 3.0, 1234567.0, 1e-5, -0.0, 21.456, 1e20].map(f64::from).to_vec();
    let mut out = Vec::with_capacity(256);
    c.bench_function("numfmt/write_g_x8", |b| {
        b.iter(|| {
            out.clear();
            for &v in black_box(&floats) {
                write_g(&mut out, v);
            }
            out.len()
        })
    });
}

fn bench_regexp(c: &mut Criterion) {
    let log = b"2024-01-15 10:22:03 dut 0c2a5f7e passed 12 tests; 2024-01-16 11:00:00 dut 0c2a5f80 failed".repeat(8);
    let mut date = Regexp::new(br"(\d+)-(\d+)-(\d+)").unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("regexp/capture_date", |b| b.iter(|| date.capture(black_box(&log), 0)));
    let mut failed = Regexp::new(br"dut (\x+) failed").unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("regexp/search_late_match", |b| b.iter(|| failed.search(black_box(&log), 0)));
    let mut word = Regexp::new(b"[a-zA-Z]+").unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("regexp/tokenize_words", |b| {
        b.iter(|| {
            let (mut pos, mut n) = (0, 0);
            while let Ok(Some((_, end))) = word.search(black_box(&log), pos) {
                pos = end;
                n += 1;
            }
            n
        })
    });
}

criterion_group!(benches, bench_format, bench_regexp);
criterion_main!(benches);
