//! A long line costs no more memory per unit than its report rows: units that have
//! left the line take their imps (VMs, boards, logs) with them, and the fixtures'
//! pins keep only their latest changes. The counting allocator is this test binary's
//! global allocator, so the live bytes after each unit can be read.

use impish_factory::line::{self, Keep, LineDescription, LineError, Progress, Report};
use impish_vm::memory::{self, CountingAllocator};
use std::path::Path;
use std::sync::Mutex;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// What a finished unit may keep: its report row (its log, milestones and LED
/// timeline: about 3 KB on the sample line) and the cloud's records of it (its device,
/// token, events, webhook and log lines: about 3 KB), with their vectors' spare
/// capacity: 8.8 KB measured. A unit's imp alone is hundreds of KB, and a fixture's
/// BlinkUp pin traced 13.6 KB per unit before its trace was limited.
const BYTES_PER_FINISHED_UNIT: usize = 12 * 1024;

/// What a finished unit may keep when the run keeps only the table's rows: its device
/// and enrolment token in the cloud (the exactly-once checks need them), the fixture's
/// label about it (the fixture keeps no log), for the one in eight that is rejected its
/// table row, and what the fixture's VM has not collected yet: 5.3 KB measured (8.3 KB
/// keeping every unit whole; release builds' peak RSS grows 1.2 KB a unit from 2,000
/// to 10,000).
const BYTES_PER_UNIT_KEEPING_ROWS: usize = 6 * 1024;

/// The live bytes are the whole process's: the tests measure one at a time.
static MEASURING: Mutex<()> = Mutex::new(());

type Run = dyn Fn(&LineDescription, &mut dyn FnMut(Progress)) -> Result<Report, LineError>;

/// Runs the sample line of 160 units with `run` and asserts that from unit 40 on (the
/// fixture's trace has reached its limit) memory grows by at most `limit` bytes per
/// finished unit.
fn assert_grows_at_most(limit: usize, run: &Run) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/factory/line.toml");
    let mut description = line::load(&path).unwrap_or_else(|e| panic!("{e}"));
    description.duts = 160;
    let _alone = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let mut live = Vec::new();
    run(&description, &mut |progress| live.push((progress.done, memory::live_bytes())))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(memory::is_counting());
    let (early, late) = (live[39], live[159]);
    let per_unit = late.1.saturating_sub(early.1) / (late.0 - early.0);
    let marks: Vec<_> = live.iter().step_by(20).collect();
    assert!(per_unit <= limit, "{per_unit} bytes per finished unit: {marks:?}");
}

#[test]
fn memory_grows_only_by_the_report_rows_of_finished_units() {
    assert_grows_at_most(BYTES_PER_FINISHED_UNIT, &line::run);
}

#[test]
fn a_run_keeping_only_the_table_rows_grows_by_less() {
    assert_grows_at_most(BYTES_PER_UNIT_KEEPING_ROWS, &|description, progress| {
        let keep = Keep { passing: 10, timelines: false, cloud_events: false, fixture_logs: false, each: &mut |_| {} };
        line::run_keeping(description, None, keep, progress)
    });
}
