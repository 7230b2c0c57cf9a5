//! What a VM costs: the bytes it holds, a memory limit, collector pauses, and an
//! instruction profile per function.
//!
//! Budgets and memory limits ride on the interpreter's budget tick (charged at calls
//! and backward jumps, see `exec.rs`), which only runs when one is set. Profiling
//! switches the interpreter to its counting loop, which counts every instruction into
//! its function. An unmetered VM pays for neither.
//!
//! Bytes come from [`crate::heap::memory`]: while a VM runs, every byte its thread allocates
//! or frees is the VM's, so two VMs on one thread (an imp's device and agent) each see
//! their own usage. Under the imp profile a memory limit counts what the objects would
//! take on an imp instead ([`crate::heap::footprint`]): a walk of the heap gives that figure,
//! and between walks the host bytes bound how far it can have grown.

use std::rc::Rc;
use std::time::Duration;

use crate::api::vm::{Fail, Profile, Vm};
use crate::compiler::bytecode::Proto;
use crate::heap::footprint::{self, Payloads, StrSet, GROWTH_RATIO};
use crate::heap::memory;
use crate::heap::value::Value;

/// How far past its last check (in parts of the limit) a VM may grow before the limit
/// is checked again: at most this share of the limit is overshot, and a VM that sits
/// near its limit is collected at most once per this much growth.
const LIMIT_SLACK: usize = 16;

/// The most any one growth (a string, an array, a blob) may ask for when the VM has no
/// memory limit: a request past it is a script's runaway size (`array(1e11)`), and an
/// "out of memory" error beats the process aborting when the allocation fails. 256 MiB
/// (a blob's largest size too) is far above what firmware holds (an imp has at most a
/// few hundred KB free), yet well below what a host can back.
pub const MAX_GROWTH: usize = 256 << 20;

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
    /// Instructions executed: exactly, while profiling; otherwise as a budget or memory
    /// limit charges them (a loop iteration costs the length of its body, a call one),
    /// and 0 when nothing meters the VM.
    pub instructions: u64,
    /// Bytes this VM holds (see [`Vm::memory_used`]): what its objects would take on an
    /// imp under the imp profile, else host bytes (0 without the counting allocator).
    pub memory_bytes: usize,
    pub gc_cycles: u64,
    pub gc_pause_total: Duration,
    pub gc_pause_max: Duration,
    /// The functions that executed the most instructions, most first (profiling only).
    pub hottest: Vec<FunctionCost>,
}

/// The imp profile's accounting (see [`crate::heap::footprint`]).
#[derive(Default, Clone)]
struct ImpBytes {
    /// Imp bytes that are the platform's, not the script's (`Vm::set_memory_baseline`),
    /// and the strings among them.
    baseline: usize,
    platform_strings: StrSet,
    /// The last walk's figure (less the baseline), and the host bytes in use then.
    walked: usize,
    walked_host: usize,
}

/// Per-VM metering state.
#[derive(Default, Clone)]
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
    /// While profiling: the main functions compiled since it began. Every function of
    /// a script is in its main function's tree, and each counts its own instructions.
    profiled: Option<Vec<Rc<Proto>>>,
    /// Under the imp profile: memory counts imp bytes.
    imp: Option<ImpBytes>,
    /// The imp sizes of native data, by type.
    payloads: Payloads,
}

impl Meter {
    pub(crate) fn new(profile: Profile) -> Meter {
        Meter { imp: (profile == Profile::Imp).then(ImpBytes::default), ..Meter::default() }
    }

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
        if limit.is_some() {
            self.measure();
        }
        self.update_ticking();
        Ok(())
    }

    /// Checks that the script may allocate `bytes` more, before it does: a script that
    /// would pass its memory limit (after a collection has had its chance), or ask for
    /// more than [`MAX_GROWTH`] at once without a limit, fails with a catchable "out of
    /// memory" instead. Every growth whose size a script decides (a string being built,
    /// an array or blob growing) calls this first; slow, small growth is caught at the
    /// budget tick too. Near the limit it collects first, so a native calling it holds
    /// what it keeps in Rust ([`Vm::hold`]), as around a call back into scripts.
    #[inline]
    pub fn reserve(&mut self, bytes: usize) -> Result<(), Fail> {
        self.reserve_as(bytes, bytes, &[])
    }

    /// [`Vm::reserve`] for `n` value slots (an array's items), which the imp profile
    /// counts at the imp's size.
    #[inline]
    pub fn reserve_values(&mut self, n: usize) -> Result<(), Fail> {
        let counted = if self.meter.imp.is_some() { footprint::VALUE } else { std::mem::size_of::<Value>() };
        self.reserve_as(n.saturating_mul(std::mem::size_of::<Value>()), n.saturating_mul(counted), &[])
    }

    /// [`Vm::reserve`] while `keep` (values only a Rust local holds) must survive the
    /// collection it may run.
    #[inline]
    pub(crate) fn reserve_keeping(&mut self, bytes: usize, keep: &[Value]) -> Result<(), Fail> {
        self.reserve_as(bytes, bytes, keep)
    }

    /// A growth of `host` bytes, `counted` of them in the units the limit counts.
    #[inline]
    fn reserve_as(&mut self, host: usize, counted: usize, keep: &[Value]) -> Result<(), Fail> {
        let limit = self.meter.limit;
        match limit {
            None if host <= MAX_GROWTH => Ok(()),
            Some(limit) if self.memory_bound().saturating_add(counted) <= limit => Ok(()),
            _ => self.reserve_near_limit(counted, keep),
        }
    }

    #[cold]
    #[inline(never)]
    fn reserve_near_limit(&mut self, bytes: usize, keep: &[Value]) -> Result<(), Fail> {
        let Some(limit) = self.meter.limit.filter(|&limit| bytes <= limit) else {
            return Err(self.error("out of memory"));
        };
        let mark = self.held.len();
        self.held.extend_from_slice(keep);
        self.collect_garbage();
        self.held.truncate(mark);
        if self.measured().saturating_add(bytes) > limit {
            return Err(self.error("out of memory"));
        }
        Ok(())
    }

    /// Charges `n` instructions' worth of native work (bytes copied, steps searched) to
    /// the instruction budget, so that work whose cost a script decides, such as a
    /// loop that grows a long string by concatenation, cannot outrun the budget that
    /// counts only bytecode.
    #[inline]
    pub fn charge(&mut self, n: u64) -> Result<(), Fail> {
        if !self.metering {
            return Ok(());
        }
        if n < self.countdown {
            self.countdown -= n;
            return Ok(());
        }
        self.metered_tick(n)
    }

    /// What is left of the instruction budget, if one is set: how much native work
    /// ([`Vm::charge`]) may still be done before the budget stops the script.
    pub fn budget_left(&self) -> Option<u64> {
        let ran = self.meter.granted.saturating_sub(self.countdown);
        (self.budget != u64::MAX).then(|| self.budget.saturating_sub(ran))
    }

    /// The memory limit [`Vm::set_memory_limit`] set, if any.
    pub fn memory_limit(&self) -> Option<usize> {
        self.meter.limit
    }

    /// Switches the per-function instruction profile on or off. It covers code compiled
    /// while it is on.
    pub fn set_profiling(&mut self, on: bool) {
        self.meter.profiled = on.then(Vec::new);
    }

    /// Whether the interpreter runs its counting loop.
    pub(crate) fn profiling(&self) -> bool {
        self.meter.profiled.is_some()
    }

    /// Keeps a freshly compiled main function for the profile.
    pub(crate) fn note_compiled(&mut self, main: &Rc<Proto>) {
        if let Some(profiled) = &mut self.meter.profiled {
            profiled.push(main.clone());
        }
    }

    /// Bytes this VM holds now: under the imp profile what its objects would take on an
    /// imp beyond the baseline (garbage not yet collected included), else host bytes,
    /// spare arena capacity included.
    pub fn memory_used(&self) -> usize {
        match self.meter.imp {
            Some(_) => self.memory_in_use(),
            None => self.meter.bytes(),
        }
    }

    /// Bytes this VM holds now as a memory limit counts them: under the imp profile what
    /// its objects would take on an imp beyond the baseline (a walk of the heap), else
    /// host bytes less arena slots that objects can reuse.
    pub fn memory_in_use(&self) -> usize {
        match &self.meter.imp {
            Some(imp) => {
                self.heap.imp_footprint(&self.meter.payloads, &imp.platform_strings).saturating_sub(imp.baseline)
            }
            None => self.host_in_use(),
        }
    }

    /// Under the imp profile, collects and makes what the VM holds then the platform's:
    /// the memory limit and [`Vm::memory_in_use`] count only the imp bytes beyond it, as
    /// an imp's free memory is what is left once impOS has set up its API. (The squirrel
    /// profile counts every byte the VM allocated.)
    pub fn set_memory_baseline(&mut self) {
        if self.meter.imp.is_none() {
            return;
        }
        self.collect_garbage();
        let platform_strings = self.heap.held_strings();
        let all = self.heap.imp_footprint(&self.meter.payloads, &platform_strings);
        let host = self.host_in_use();
        if let Some(imp) = &mut self.meter.imp {
            imp.baseline = all;
            imp.platform_strings = platform_strings;
            // What `measure` would find: nothing beyond the baseline just taken.
            imp.walked = 0;
            imp.walked_host = host;
        }
    }

    /// How many imp bytes native data of type `T` (a blob's buffer) takes, for the imp
    /// profile's accounting; other native data counts as nothing beyond its object.
    pub fn set_payload_size<T: std::any::Any>(&mut self, size: fn(&T) -> usize) {
        self.meter.payloads.set(size);
    }

    /// Host bytes the heap's objects hold: all the VM holds less the room in its arenas.
    fn host_in_use(&self) -> usize {
        self.meter.bytes().saturating_sub(self.heap.reusable_bytes())
    }

    /// [`Vm::memory_in_use`], remembered as the start of [`Vm::memory_bound`]'s bound.
    /// Every collection under a limit takes this measure (see `Vm::collect_garbage`).
    pub(crate) fn measure(&mut self) -> usize {
        let used = self.memory_in_use();
        let host = self.host_in_use();
        if let Some(imp) = &mut self.meter.imp {
            imp.walked = used;
            imp.walked_host = host;
        }
        used
    }

    /// [`Vm::memory_in_use`] right after a collection under a limit, which measured it.
    fn measured(&self) -> usize {
        match &self.meter.imp {
            Some(imp) => imp.walked,
            None => self.memory_in_use(),
        }
    }

    /// At least [`Vm::memory_in_use`], cheaply: all the host bytes, or the imp bytes of
    /// the last walk plus what the host bytes grown since can amount to on the imp.
    /// Objects are freed only by collections, each of which walks again; host bytes
    /// freed otherwise (a native's buffers) lower the floor growth counts from.
    fn memory_bound(&mut self) -> usize {
        if self.meter.imp.is_none() {
            return self.meter.bytes();
        }
        let host = self.host_in_use();
        match &mut self.meter.imp {
            Some(imp) => {
                imp.walked_host = imp.walked_host.min(host);
                imp.walked + GROWTH_RATIO * (host - imp.walked_host)
            }
            None => self.meter.bytes(),
        }
    }

    /// Costs so far; `hottest` lists at most `top` functions.
    pub fn stats(&self, top: usize) -> VmStats {
        let mut hottest = Vec::new();
        if let Some(mains) = &self.meter.profiled {
            let mut pending: Vec<&Proto> = mains.iter().map(|p| &**p).collect();
            while let Some(p) = pending.pop() {
                pending.extend(p.children.iter().map(|c| &**c));
                if p.executed.get() > 0 {
                    hottest.push(self.function_cost(p));
                }
            }
        }
        let instructions = match &self.meter.profiled {
            Some(_) => hottest.iter().map(|f| f.instructions).sum(),
            None => self.meter.instructions + self.meter.granted.saturating_sub(self.countdown),
        };
        hottest.sort_by(|a, b| b.instructions.cmp(&a.instructions).then_with(|| a.function.cmp(&b.function)));
        hottest.truncate(top);
        VmStats {
            instructions,
            memory_bytes: self.memory_used(),
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
        self.metering = self.budget != u64::MAX || self.meter.limit.is_some();
        self.refill_countdown();
    }

    fn refill_countdown(&mut self) {
        let grant = TICK_CHUNK.min(self.budget);
        self.countdown = grant;
        self.meter.granted = grant;
    }

    /// Charges the instructions run since the countdown's last refill, and `n` more, to
    /// the budget, and checks the memory limit (here, so a loop that only grows an
    /// array is caught).
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
        if let Some(limit) = self.meter.limit {
            if self.memory_bound() > self.meter.next_check.max(limit) {
                self.collect_garbage();
                if self.measured() > limit {
                    return Err(self.error("out of memory"));
                }
                // Spare arena slots keep `bytes` up after a collection; look again only
                // when the VM has grown by a slice of the limit, not at every tick.
                self.meter.next_check = self.memory_bound() + limit / LIMIT_SLACK;
            }
        }
        self.refill_countdown();
        Ok(())
    }

    fn function_cost(&self, p: &Proto) -> FunctionCost {
        let text = |v: Value| match v {
            Value::Str(s) => String::from_utf8_lossy(self.heap.str(s)).into_owned(),
            _ => "unknown".to_string(),
        };
        FunctionCost {
            function: text(p.name),
            file: text(p.file_at(0)),
            line: p.lines.first().map_or(0, |l| l.1),
            instructions: p.executed.get(),
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
