//! A Rust event loop calling back into Squirrel. Scripts schedule callbacks with
//! `setTimeout(ms, fn)` and subscribe to host events with `on(name, fn)`; the host
//! keeps every callback in a rooted `Function` handle (scripts need keep no reference)
//! and calls it when its time comes, on a virtual clock. A callback's error is
//! reported with its Squirrel stack and the loop goes on.
//!
//! ```text
//! cargo run -p impish-vm --example event_loop
//! ```

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use impish_vm::{Error, Function, Profile, Vm};

/// The loop's state, shared by the natives that schedule and the host that runs.
#[derive(Default)]
struct EventLoop {
    /// Virtual milliseconds.
    now: u64,
    next_id: u64,
    /// Callbacks by (due time, id): the first entry runs next.
    timers: BTreeMap<(u64, u64), Function>,
    listeners: HashMap<String, Vec<Function>>,
    log: Vec<String>,
}

type Shared = Rc<RefCell<EventLoop>>;

/// A host event: at `time`, `name` happens with `value`.
struct Event {
    time: u64,
    name: &'static str,
    value: i64,
}

/// Gives scripts `setTimeout`, `cancel`, `on` and `log`, all working on `state`.
fn install(vm: &mut Vm, state: &Shared) {
    let s = state.clone();
    vm.register_fn("setTimeout", move |ms: u64, callback: Function| {
        let mut s = s.borrow_mut();
        let id = s.next_id;
        s.next_id += 1;
        let due = s.now + ms;
        s.timers.insert((due, id), callback);
        id
    });
    let s = state.clone();
    vm.register_fn("cancel", move |id: u64| {
        let mut s = s.borrow_mut();
        let key = s.timers.keys().find(|k| k.1 == id).copied();
        key.and_then(|k| s.timers.remove(&k)).is_some()
    });
    let s = state.clone();
    vm.register_fn("on", move |name: String, callback: Function| {
        s.borrow_mut().listeners.entry(name).or_default().push(callback);
    });
    let s = state.clone();
    vm.register_fn("log", move |line: String| {
        let mut s = s.borrow_mut();
        let entry = format!("[{}] {line}", s.now);
        s.log.push(entry);
    });
}

/// Runs timers and `events` in time order until nothing is left to run. The state is
/// never borrowed across a call into a script (callbacks schedule more).
fn run(vm: &mut Vm, state: &Shared, events: Vec<Event>) {
    let mut events = events.into_iter().peekable();
    loop {
        let next_timer = state.borrow().timers.keys().next().copied();
        let calls: Vec<(Function, Option<i64>)> = match (next_timer, events.peek()) {
            (None, None) => break,
            (Some(key), event) if event.is_none_or(|e| key.0 <= e.time) => {
                let mut s = state.borrow_mut();
                s.now = key.0;
                s.timers.remove(&key).map(|f| (f, None)).into_iter().collect()
            }
            _ => {
                let Some(event) = events.next() else { break };
                let mut s = state.borrow_mut();
                s.now = event.time;
                let listeners = s.listeners.get(event.name).cloned().unwrap_or_default();
                listeners.into_iter().map(|f| (f, Some(event.value))).collect()
            }
        };
        for (callback, value) in calls {
            let result = match value {
                Some(v) => callback.call::<()>(vm, v),
                None => callback.call::<()>(vm, ()),
            };
            report(state, result);
        }
    }
}

/// Logs a callback's error with its Squirrel stack (`{:#}`).
fn report(state: &Shared, result: Result<(), Error>) {
    if let Err(e) = result {
        let mut s = state.borrow_mut();
        let entry = format!("[{}] error: {e:#}", s.now);
        s.log.push(entry);
    }
}

/// The firmware-like script the example runs.
const SCRIPT: &str = r#"
local ticks = 0
function tick() {
    ticks++
    log("tick " + ticks)
    if (ticks < 3) setTimeout(100, tick)
}
setTimeout(100, tick)

on("button", function(level) {
    log("button " + level)
    // Scheduled from a callback, kept only by the host.
    setTimeout(50, @() log("debounced " + level))
})

function check(v) {
    if (v > 100) throw "sensor out of range: " + v
    log("sensor " + v)
}
function on_sensor(v) {
    check(v)
}
on("sensor", on_sensor)

cancel(setTimeout(250, @() log("never runs")))
"#;

/// Runs the script and the events, returning the log.
fn simulate(gc_stress: bool) -> Result<Vec<String>, Error> {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.set_gc_stress(gc_stress);
    let state = Shared::default();
    install(&mut vm, &state);
    vm.run_source(SCRIPT, "loop.nut")?;
    let events = vec![
        Event { time: 120, name: "button", value: 1 },
        Event { time: 150, name: "sensor", value: 42 },
        Event { time: 260, name: "sensor", value: 180 },
    ];
    run(&mut vm, &state, events);
    let log = std::mem::take(&mut state.borrow_mut().log);
    Ok(log)
}

fn main() -> Result<(), Error> {
    for line in simulate(false)? {
        println!("{line}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPECTED: &[&str] = &[
        "[100] tick 1",
        "[120] button 1",
        "[150] sensor 42",
        "[170] debounced 1",
        "[200] tick 2",
        "[260] error: sensor out of range: 180\n    at check() loop.nut:17\n    at on_sensor() loop.nut:21",
        "[300] tick 3",
    ];

    #[test]
    fn callbacks_run_in_time_order() {
        assert_eq!(simulate(false).expect("the script runs"), EXPECTED);
    }

    #[test]
    fn callbacks_kept_only_by_the_host_survive_gc_stress() {
        assert_eq!(simulate(true).expect("the script runs"), EXPECTED);
    }
}
