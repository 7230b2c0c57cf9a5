//! What a VM costs: the bytes it holds, a memory limit, collector pauses, and an
//! instruction profile per function.
//!
//! Everything here rides on the interpreter's budget tick (charged at calls and
//! backward jumps, see `exec.rs`), which only runs when a budget, a memory limit or
//! profiling is switched on: an unmetered VM pays nothing.
//!
//! Bytes come from [`crate::memory`]: while a VM runs, every byte its thread allocates
//! or frees is the VM's, so two VMs on one thread (an imp's device and agent) each see
//! their own usage.

use std::collections::HashMap;
use std::time::Duration;

use crate::bytecode::Proto;
use crate::memory;
use crate::value::Value;
use crate::vm::{Fail, Vm};

/// How far past its last check (in parts of the limit) a VM may grow before the limit
/// is checked again: at most this share of the limit is overshot, and a VM that sits
/// near its limit is collected at most once per this much growth.
const LIMIT_SLACK: usize = 16;

/// Instructions run between two looks at the budget and the memory limit when nothing
/// needs a look at every tick (profiling does): the inline countdown keeps a budgeted
/// VM nearly as fast as an unmetered one.
const TICK_CHUNK: u64 = 10_000;

/// Why a memory limit cannot be set.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("memory limits need impish_vm::memory::CountingAllocator as the global allocator")]
pub struct NotCounting;

/// Instructions charged to one function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionCost {
    pub function: String,
    pub file: String,
    pub line: u32,
    pub instructions: u64,
}

/// A VM's costs so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VmStats {
    /// Instructions executed while metering was on, as the budget counts them: a loop
    /// iteration costs the length of its body, a call a fixed amount.
    pub instructions: u64,
    /// Bytes this VM holds (0 without the counting allocator).
    pub memory_bytes: usize,
    pub gc_cycles: u64,
    pub gc_pause_total: Duration,
    pub gc_pause_max: Duration,
    /// The functions that executed the most instructions, most first (profiling only).
    pub hottest: Vec<FunctionCost>,
}

/// Per-VM metering state.
#[derive(Default)]
pub(crate) struct Meter {
    /// Bytes attributed to this VM by runs that have ended (may dip below zero when a
    /// run frees what the host allocated).
    settled: isize,
    /// `memory::live_raw()` and `memory::host_bytes()` when the outermost run began;
    /// meaningful while `depth > 0`.
    entered: usize,
    entered_host: usize,
    depth: u32,
    limit: Option<usize>,
    /// `bytes` beyond which the limit is checked again (see `metered_tick`).
    next_check: usize,
    instructions: u64,
    /// The countdown's value at its last refill: `granted - countdown` instructions ran
    /// since then and are not yet in `instructions` or the budget.
    granted: u64,
    gc_cycles: u64,
    gc_pause_total: Duration,
    gc_pause_max: Duration,
    /// Instructions per function prototype, when profiling. The key is the prototype's
    /// address: prototypes live as long as a frame runs them, and a name is rendered
    /// once per key.
    profile: Option<HashMap<*const Proto, FunctionCost>>,
}

impl Meter {
    fn bytes(&self) -> usize {
        let running = if self.depth > 0 { Meter::run_delta(self.entered, self.entered_host) } else { 0 };
        (self.settled + running).max(0) as usize
    }

    /// Bytes the running script gained since `live`/`host` were read.
    fn run_delta(live: usize, host: usize) -> isize {
        let all = memory::live_raw().wrapping_sub(live) as isize;
        all - memory::host_bytes().wrapping_sub(host) as isize
    }
}

impl Vm {
    /// Runs `f` as this VM's work: the bytes it allocates and frees are the VM's.
    pub(crate) fn metered<R>(&mut self, f: impl FnOnce(&mut Vm) -> R) -> R {
        if self.meter.depth == 0 {
            self.meter.entered = memory::live_raw();
            self.meter.entered_host = memory::host_bytes();
        }
        self.meter.depth += 1;
        let r = f(self);
        self.meter.depth -= 1;
        if self.meter.depth == 0 {
            self.meter.settled += Meter::run_delta(self.meter.entered, self.meter.entered_host);
        }
        r
    }

    /// Makes the script fail with "out of memory" when the bytes it holds pass `limit`
    /// (after a collection has had its chance). `None` lifts the limit.
    pub fn set_memory_limit(&mut self, limit: Option<usize>) -> Result<(), NotCounting> {
        if limit.is_some() && !memory::is_counting() {
            return Err(NotCounting);
        }
        self.meter.limit = limit;
        self.meter.next_check = 0;
        self.update_ticking();
        Ok(())
    }

    /// Switches the per-function instruction profile on (and clears it) or off.
    pub fn set_profiling(&mut self, on: bool) {
        self.meter.profile = on.then(HashMap::new);
        self.update_ticking();
    }

    /// Bytes this VM holds now, spare arena capacity included.
    pub fn memory_used(&self) -> usize {
        self.meter.bytes()
    }

    /// Bytes this VM holds now, less arena slots that objects can reuse: what a memory
    /// limit is checked against.
    pub fn memory_in_use(&self) -> usize {
        self.meter.bytes().saturating_sub(self.heap.reusable_bytes())
    }

    /// Costs so far; `hottest` lists at most `top` functions.
    pub fn stats(&self, top: usize) -> VmStats {
        let mut hottest: Vec<FunctionCost> =
            self.meter.profile.as_ref().map(|p| p.values().cloned().collect()).unwrap_or_default();
        hottest.sort_by(|a, b| b.instructions.cmp(&a.instructions).then_with(|| a.function.cmp(&b.function)));
        hottest.truncate(top);
        VmStats {
            instructions: self.meter.instructions + self.meter.granted.saturating_sub(self.countdown),
            memory_bytes: self.meter.bytes(),
            gc_cycles: self.meter.gc_cycles,
            gc_pause_total: self.meter.gc_pause_total,
            gc_pause_max: self.meter.gc_pause_max,
            hottest,
        }
    }

    /// Records one collection's pause.
    pub(crate) fn record_gc(&mut self, pause: Duration) {
        let m = &mut self.meter;
        m.gc_cycles += 1;
        m.gc_pause_total += pause;
        m.gc_pause_max = m.gc_pause_max.max(pause);
    }

    /// The interpreter ticks through [`Vm::metered_tick`] only when something needs it.
    pub(crate) fn update_ticking(&mut self) {
        // What ran under the old settings counts as run; the budget starts afresh.
        self.meter.instructions += self.meter.granted.saturating_sub(self.countdown);
        self.metering = self.budget != u64::MAX || self.meter.limit.is_some() || self.meter.profile.is_some();
        self.refill_countdown();
    }

    fn refill_countdown(&mut self) {
        let grant = if self.meter.profile.is_some() { 0 } else { TICK_CHUNK.min(self.budget) };
        self.countdown = grant;
        self.meter.granted = grant;
    }

    /// Charges the instructions run since the countdown's last refill, and `n` more,
    /// to the budget, the profile (which wants every tick, so its countdown is zero)
    /// and the memory limit (checked here, so a loop that only grows an array is caught).
    #[inline(never)]
    pub(crate) fn metered_tick(&mut self, n: u64) -> Result<(), Fail> {
        let ran = self.meter.granted.saturating_sub(self.countdown) + n;
        if self.budget != u64::MAX {
            if self.budget < ran {
                return Err(self.error("instruction budget exceeded"));
            }
            self.budget -= ran;
        }
        self.meter.instructions += ran;
        if self.meter.profile.is_some() {
            self.charge_running_function(ran);
        }
        if let Some(limit) = self.meter.limit {
            if self.meter.bytes() > self.meter.next_check.max(limit) {
                if self.native_depth == 0 {
                    self.collect_garbage();
                }
                if self.memory_in_use() > limit {
                    return Err(self.error("out of memory"));
                }
                // Spare arena slots keep `bytes` up after a collection; look again only
                // when the VM has grown by a slice of the limit, not at every tick.
                self.meter.next_check = self.meter.bytes() + limit / LIMIT_SLACK;
            }
        }
        self.refill_countdown();
        Ok(())
    }

    fn charge_running_function(&mut self, n: u64) {
        let Some(frame) = self.ex.frames.last() else { return };
        let key = frame.proto.as_ptr() as *const Proto;
        let known = self.meter.profile.as_ref().is_some_and(|p| p.contains_key(&key));
        if !known {
            let p = frame.proto();
            let text = |v: Value| match v {
                Value::Str(s) => String::from_utf8_lossy(self.heap.str(s)).into_owned(),
                _ => "unknown".to_string(),
            };
            let cost = FunctionCost {
                function: text(p.name),
                file: text(p.source),
                line: p.lines.first().map_or(0, |l| l.1),
                instructions: 0,
            };
            if let Some(profile) = self.meter.profile.as_mut() {
                profile.insert(key, cost);
            }
        }
        if let Some(cost) = self.meter.profile.as_mut().and_then(|p| p.get_mut(&key)) {
            cost.instructions += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Profile, Vm};

    /// This test binary keeps the system allocator, so bytes cannot be counted.
    #[test]
    fn a_memory_limit_needs_the_counting_allocator() {
        let mut vm = Vm::new(Profile::Squirrel);
        assert_eq!(vm.set_memory_limit(Some(1 << 20)), Err(super::NotCounting));
        assert_eq!(vm.set_memory_limit(None), Ok(()));
    }
}
