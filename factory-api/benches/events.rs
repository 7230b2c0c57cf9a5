//! Events per second through the imp's event loop: timers (a chain of 1 ms wakeups and
//! bursts of zero-delay timers, as Promise libraries make) and device⇄agent messages
//! (a ping-pong). Each iteration boots a fresh imp and runs it to completion in
//! virtual time, so the numbers include boot.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use impish_factory::imp::{Firmware, Imp, ImpConfig, Outcome};
use std::time::Duration;

const EVENTS: u64 = 10_000;

const TIMERS: &str = r#"
local left = 10000
function tick() {
    if (--left <= 0) return
    if (left % 100 == 0) {
        for (local i = 0; i < 99 && left > 1; i++) { --left; imp.wakeup(0, function() {}) }
    }
    imp.wakeup(0.001, tick)
}
tick()
"#;

const PING: &str = r#"
local left = 5000
agent.on("pong", function(n) { if (--left > 0) agent.send("ping", n + 1) })
agent.send("ping", 0)
"#;

const PONG: &str = r#"device.on("ping", function(n) { device.send("pong", n) })"#;

fn firmware(name: &str, source: &str) -> Firmware {
    Firmware { name: name.into(), source: source.into() }
}

/// Runs the firmware until nothing is left to do; it must end cleanly.
fn run(device: &str, agent: Option<&str>) -> Imp {
    let config =
        ImpConfig { agent: agent.map(|a| firmware("agent.nut", a)), ..ImpConfig::new(firmware("device.nut", device)) };
    let mut imp = Imp::new(config).unwrap_or_else(|e| panic!("bench firmware compiles: {e}"));
    let outcome = imp.run_for(Duration::from_secs(3600));
    assert!(outcome == Outcome::Finished && imp.uncaught_errors() == 0, "bench firmware ended with {outcome:?}");
    imp
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_loop");
    group.throughput(Throughput::Elements(EVENTS));
    group.bench_function("timers", |b| b.iter(|| run(TIMERS, None)));
    group.bench_function("messages", |b| b.iter(|| run(PING, Some(PONG))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
