//! Memory accounting, memory limits and the profile, with the counting allocator
//! installed as this test binary's global allocator.

use impish_vm::memory::CountingAllocator;
use impish_vm::{Error, Profile, Value, Vm};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn vm() -> Vm {
    Vm::new(Profile::Squirrel)
}

fn runtime_message(r: Result<Value, Error>) -> String {
    match r {
        Err(Error::Runtime(e)) => e.message,
        other => panic!("expected a runtime error, got {other:?}"),
    }
}

#[test]
fn a_growing_array_hits_the_limit_as_a_squirrel_error() {
    let mut vm = vm();
    vm.set_memory_limit(Some(100_000)).expect("the counting allocator is installed");
    let r = vm.run_source("local a = []; while (true) a.push(a.len());", "grow.nut");
    assert_eq!(runtime_message(r), "out of memory");
}

#[test]
fn out_of_memory_is_catchable_and_garbage_does_not_count() {
    let mut vm = vm();
    vm.set_memory_limit(Some(300_000)).expect("counting");
    // Garbage is collected before the limit is enforced: a loop that allocates and drops
    // many small tables runs to its end; a loop that keeps them fails, catchably.
    let src = "local n = 0; for (local i = 0; i < 100000; i++) { local t = {a = i}; n += t.a; }
               local caught = null;
               try { local keep = []; while (true) keep.push({}); } catch (e) { caught = e; }
               return n + \" \" + caught;";
    let r = vm.run_source(src, "catch.nut").expect("runs");
    assert_eq!(vm.str_bytes(r), Some(&b"4999950000 out of memory"[..]));
    vm.collect_garbage();
    assert!(vm.memory_used() < 300_000, "the kept array is garbage once the try block ends");
}

#[test]
fn memory_used_follows_what_the_script_holds() {
    let mut vm = vm();
    let before = vm.memory_used();
    vm.run_source("big <- array(100000, 0);", "hold.nut").expect("runs");
    let holding = vm.memory_used();
    assert!(holding >= before + 100_000 * 16, "{before} -> {holding}");
    vm.run_source("big <- null;", "drop.nut").expect("runs");
    vm.collect_garbage();
    assert!(
        vm.memory_used() < before + 100_000,
        "the array's 1.6 MB are gone: {before} -> {holding} -> {}",
        vm.memory_used()
    );
}

#[test]
fn the_profile_names_the_hottest_function_and_counts_collections() {
    let mut vm = vm();
    vm.set_profiling(true);
    let src = "function spin(n) { local s = 0; for (local i = 0; i < n; i++) s += i; return s; }
               function once() { return 1; }
               once(); spin(10000); collectgarbage();";
    vm.run_source(src, "prof.nut").expect("runs");
    let stats = vm.stats(5);
    assert!(stats.instructions >= 10_000, "{stats:?}");
    let top = &stats.hottest[0];
    assert_eq!((top.function.as_str(), top.file.as_str(), top.line), ("spin", "prof.nut", 1));
    assert!(top.instructions * 2 > stats.instructions, "spin dominates: {stats:?}");
    assert!(stats.gc_cycles >= 1);
}

/// The figures quoted in the performance notes: bytes per array element, table slot
/// and instance field, measured through the allocator (container growth included).
#[test]
fn bytes_per_element_slot_and_field() {
    const N: usize = 100_000;
    let per = |src: &str| {
        let mut vm = vm();
        vm.collect_garbage();
        let before = vm.memory_used();
        vm.run_source(src, "figures.nut").expect("runs");
        (vm.memory_used() - before) as f64 / N as f64
    };
    let element = per("keep <- array(100000, 0);");
    let slot = per("keep <- {}; for (local i = 0; i < 100000; i++) keep[i] <- i;");
    let field = per("class C { a = 0; b = 0; c = 0; d = 0; e = 0; f = 0; g = 0; h = 0; i = 0; j = 0; }
                     keep <- []; for (local i = 0; i < 10000; i++) keep.push(C());");
    println!("array element {element:.1} B, table slot {slot:.1} B, instance field (10-field class, incl. the array slot) {field:.1} B");
    assert!((16.0..=17.0).contains(&element), "{element}");
    assert!((16.0..=80.0).contains(&slot), "{slot}");
    assert!((16.0..=40.0).contains(&field), "{field}");
}

#[test]
fn host_work_inside_unmetered_does_not_count() {
    use impish_vm::{Args, Fail};
    use std::cell::RefCell;
    thread_local! { static HOST_LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) }; }
    /// A native that keeps a host-side record of every call, as an imp's `server.log` does.
    fn record(_vm: &mut Vm, _args: Args) -> Result<Value, Fail> {
        impish_vm::memory::unmetered(|| HOST_LOG.with(|l| l.borrow_mut().push("x".repeat(1000))));
        Ok(Value::Null)
    }
    let mut vm = vm();
    vm.register("record", record, 1, None);
    let before = vm.memory_used();
    vm.run_source("for (local i = 0; i < 1000; i++) record();", "host.nut").expect("runs");
    let grew = vm.memory_used() - before;
    assert!(grew < 100_000, "1 MB of host records were charged to the script: {grew}");
    assert_eq!(HOST_LOG.with(|l| l.borrow().len()), 1000);
}

#[test]
fn churning_garbage_runs_for_long_within_a_small_limit() {
    let mut vm = vm();
    vm.set_memory_limit(Some(100_000)).expect("counting");
    let src = "local last = null;
               for (local i = 0; i < 300000; i++) last = { id = i, name = \"timer \" + i };
               return last.id;";
    let r = vm.run_source(src, "churn.nut").expect("garbage is collected before the limit bites");
    assert!(matches!(r, Value::Int(299_999)), "{}", vm.describe(r));
    let stats = vm.stats(0);
    assert!(stats.gc_cycles >= 1 && stats.gc_cycles < 10_000, "collections neither skipped nor thrashing: {stats:?}");
}

/// A few objects that each hold a lot (here 200 tables of 5,000 slots, about 300 KB
/// each, 60 MB in all) are collected by bytes, long before their count would trigger
/// a collection: the peak stays a few MB, as it would in a reference-counted VM.
#[test]
fn big_garbage_is_collected_by_its_bytes_not_its_count() {
    let mut vm = vm();
    vm.collect_garbage();
    impish_vm::memory::reset_peak();
    let before = impish_vm::memory::live_bytes();
    let src = "local n = 0;
               for (local r = 0; r < 200; r++) { local t = {}; for (local i = 0; i < 5000; i++) t[i] <- i; n += t.len(); }
               return n;";
    let r = vm.run_source(src, "big.nut").expect("runs");
    assert!(matches!(r, Value::Int(1_000_000)), "{}", vm.describe(r));
    let peak = impish_vm::memory::peak_bytes() - before;
    assert!(peak < 4 << 20, "garbage piled up to {peak} bytes");
    assert!(vm.stats(0).gc_cycles >= 10, "{:?}", vm.stats(0));
}

/// Profiling counts every instruction exactly: the same program counts the same,
/// and a loop's count grows with its iterations. A budget (charged in chunks through
/// an inline countdown) stops a run at its limit.
#[test]
fn profiling_counts_exactly_and_a_budget_stops_at_its_limit() {
    let program = |n: u32| format!("local s = 0; for (local i = 0; i < {n}; i++) {{ if (i % 3) s += i; }} return s;");
    let count = |src: &str| {
        let mut vm = vm();
        vm.set_profiling(true);
        vm.run_source(src, "count.nut").expect("runs");
        vm.stats(0).instructions
    };
    let (small, large) = (count(&program(1000)), count(&program(2000)));
    assert_eq!(small, count(&program(1000)));
    let per_iteration = (large - small) / 1000;
    assert!((3..=12).contains(&per_iteration), "{small} {large}");
    let mut vm = vm();
    vm.set_instruction_budget(Some(5_000));
    assert_eq!(runtime_message(vm.run_source(&program(100_000), "count.nut")), "instruction budget exceeded");
    let stats = vm.stats(0);
    assert!((5_000..5_100).contains(&stats.instructions), "charged up to the budget: {stats:?}");
}

#[test]
fn reserve_refuses_before_allocating_and_collects_first() {
    let mut vm = vm();
    // No limit: only a single runaway growth is refused.
    assert!(vm.reserve(1 << 20).is_ok());
    assert!(vm.reserve(impish_vm::meter::MAX_GROWTH + 1).is_err());
    vm.set_memory_limit(Some(200_000)).expect("counting");
    assert!(vm.reserve(100_000).is_ok());
    assert!(vm.reserve(300_000).is_err(), "more than the whole limit");
    // Garbage is collected before a growth is refused (here by the interpreter's `+`;
    // natives cannot collect yet, see `native_depth`).
    let src = "local k = \"0123456789\"; while (k.len() < 10000) k += k;
               local g = null; for (local i = 0; i < 50; i++) g = k + i;
               return (k + k + k + k).len();";
    let r = vm.run_source(src, "g.nut");
    assert!(matches!(r, Ok(Value::Int(40960))), "{r:?}");
}

/// An imp-profile VM whose limit counts imp bytes from here on.
fn imp_vm(limit: usize) -> Vm {
    let mut vm = Vm::new(Profile::Imp);
    vm.set_memory_baseline();
    vm.set_memory_limit(Some(limit)).expect("counting");
    vm
}

/// What one script adds to `memory_in_use` under a profile, after a collection.
fn held_by(profile: Profile, src: &str) -> usize {
    let mut vm = Vm::new(profile);
    vm.set_memory_baseline();
    vm.collect_garbage();
    let before = vm.memory_in_use();
    vm.run_source(src, "held.nut").expect("runs");
    vm.collect_garbage();
    vm.memory_in_use() - before
}

/// Each kind of object, kept by the thousand (in an array of that size, made first).
const KINDS: [(&str, &str); 12] = [
    ("short strings", "keep[i] = \"s\" + i;"),
    ("long strings", "keep[i] = \"0123456789012345678901234567890123456789\" + i;"),
    ("empty tables", "keep[i] = {};"),
    ("small tables", "keep[i] = {a = i, b = 2};"),
    ("empty arrays", "keep[i] = [];"),
    ("small arrays", "keep[i] = [i, i, i];"),
    ("closures", "keep[i] = function() { return i; };"),
    ("captured variables", "local a = i, b = i, c = i, d = i; keep[i] = @() a + b + c + d;"),
    ("instances", "keep[i] = C();"),
    ("weak references", "keep[i] = {}; keep[i] = [keep[i], keep[i].weakref()];"),
    ("generators", "keep[i] = G();"),
    ("classes", "keep[i] = class { x = 1; function f() {} };"),
];

fn kind_script(body: &str) -> String {
    format!(
        "class C {{ a = 0; b = 0; }} function G() {{ yield 1; }}
         keep <- array(1000); for (local i = 0; i < 1000; i++) {{ {body} }}"
    )
}

/// The imp profile counts what the imp would allocate: about half or less of impish's
/// 64-bit bytes (8-byte slots against 16-byte values) and, for every kind, at most
/// `GROWTH_RATIO` times them, the bound the limit relies on between two walks.
#[test]
fn the_imp_profile_counts_imp_bytes_within_the_growth_bound() {
    for (kind, body) in KINDS {
        let src = kind_script(body);
        let (host, imp) = (held_by(Profile::Squirrel, &src), held_by(Profile::Imp, &src));
        println!("{kind}: {} B per object on the host, {} B on the imp", host / 1000, imp / 1000);
        assert!(imp > 0, "{kind}: counted");
        assert!(imp <= impish_vm::footprint::GROWTH_RATIO * host, "{kind}: {imp} imp bytes for {host} host bytes");
    }
    let numbers = "keep <- array(100000, 0);";
    let (host, imp) = (held_by(Profile::Squirrel, numbers), held_by(Profile::Imp, numbers));
    assert!(host >= 1_500_000 && (800_000..820_000).contains(&imp), "{host} {imp}");
}

/// A limit under the imp profile is in imp bytes: an array the imp can hold fits, one
/// it cannot does not, and growth by pushing stops where the imp's would.
#[test]
fn an_imp_limit_fits_what_an_imp_holds() {
    let mut vm = imp_vm(100_000);
    vm.run_source("keep <- array(11000, 0);", "fits.nut").expect("88 KB fit in 100 KB");
    vm.run_source("keep <- null;", "drop.nut").expect("runs");
    let r = vm.run_source("keep <- array(13000, 0);", "over.nut");
    assert_eq!(runtime_message(r), "out of memory");
    let mut vm = imp_vm(100_000);
    let src = "local a = []; try { while (true) a.push(0); } catch (e) { return a.len(); }";
    let r = vm.run_source(src, "push.nut").expect("runs");
    // 8192 items take 64 KB on the imp; doubling to 16384 would take 128 KB.
    assert!(matches!(r, Value::Int(8192)), "{}", vm.describe(r));
    // The same after what the script held (in tables, costlier on the host) is let go.
    let mut vm = imp_vm(100_000);
    let src = "local keep = []; for (local i = 0; i < 400; i++) keep.push({});
               keep = null;
               local a = []; try { while (true) a.push(0); } catch (e) { return a.len(); }";
    let r = vm.run_source(src, "regrow.nut").expect("runs");
    assert!(matches!(r, Value::Int(8192)), "{}", vm.describe(r));
}

/// Under the imp profile what the VM held when the baseline was set is the platform's.
#[test]
fn the_baseline_is_the_platforms() {
    let mut vm = Vm::new(Profile::Imp);
    vm.run_source("api <- array(1000, 0);", "api.nut").expect("runs");
    assert!(vm.memory_in_use() > 8000);
    vm.set_memory_baseline();
    assert!(vm.memory_in_use() < 100, "{}", vm.memory_in_use());
    vm.run_source("mine <- array(1000, 0);", "mine.nut").expect("runs");
    vm.collect_garbage();
    // The array, and the global's name and slot.
    assert!((8048..9000).contains(&vm.memory_in_use()), "{}", vm.memory_in_use());
}

/// The compiled program is the imp's program storage, not its free memory: a function
/// costs its closure, however long its code and its literals.
#[test]
fn code_and_its_literals_cost_nothing_under_the_imp_profile() {
    let short = held_by(Profile::Imp, "f <- function() { return 1; };");
    let long = held_by(
        Profile::Imp,
        "f <- function() {
             local s = \"a long literal string that the program image holds, not the heap\";
             local n = 0;
             for (local i = 0; i < 10; i++) n += s.len() + i * 3 - 7;
             if (n > 100) n = n / 2; else n = n * 2;
             return [s, n, \"another literal\"];
         };",
    );
    assert_eq!(short, long);
    // The global's slot and name, and the closure: 44 bytes of `SQClosure` in a block.
    assert!((52..150).contains(&short), "{short}");
}
