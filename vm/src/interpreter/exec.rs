//! The interpreter loop: one `match` over the opcode per instruction.
//!
//! The loop is generic over the integer width (`Wide` for stock Squirrel, `Narrow` for
//! the imp's 32-bit integers), so the profile costs nothing per instruction, and over
//! whether it counts each instruction into its function (`impish bench`'s profile), so
//! an unprofiled run does not pay for counting. Calls
//! between scripts push a frame and restart the outer loop on the callee; returns pop
//! it. Errors unwind to the innermost handler installed by this run, or end the run.
//!
//! Why this file is long: the dispatch loop is one function, and its handlers share
//! the loop's locals (`ip`, `regs`, `base`) through macros. Moving handlers elsewhere
//! would mean calls on the hot path or passing those locals around; the slow paths
//! already live in `ops`, `coroutine` and the VM.

use std::ptr::NonNull;

use crate::api::vm::{Args, Entered, Fail, Profile, Vm};
use crate::compiler::bytecode::{Instr, Op, Proto};
use crate::heap::object::*;
use crate::heap::table::Table;
use crate::heap::value::*;
use crate::interpreter::coroutine::{Turn, CANNOT_SUSPEND};
use crate::interpreter::frame::{
    OpenOuter, Resumer, Trap, FRAME_CMP, FRAME_CTOR, FRAME_ENTRY, FRAME_GET, FRAME_META, FRAME_SET,
};
use crate::interpreter::ops::{float_order, int_bitwise, mixed_order, ArithOp, BitOp};

/// Integer width of a profile.
pub(crate) trait IntMode {
    /// 32-bit integers (the imp).
    const NARROW: bool;
    fn wrap(i: i64) -> i64;
}

pub(crate) struct Wide;
pub(crate) struct Narrow;

impl IntMode for Wide {
    const NARROW: bool = false;
    #[inline(always)]
    fn wrap(i: i64) -> i64 {
        i
    }
}

impl IntMode for Narrow {
    const NARROW: bool = true;
    #[inline(always)]
    fn wrap(i: i64) -> i64 {
        i as i32 as i64
    }
}

impl Vm {
    /// A run: runs the running context from its frame `entry` (the frame just entered,
    /// or a woken thread's bottom frame) until that frame returns, nested in Rust beneath
    /// its caller. `depth` is `parked.len()` while the run's own context runs; contexts
    /// above it are coroutines the run switched to, whose turns end back in this run.
    #[inline(always)]
    pub(crate) fn run_from(&mut self, entry: usize, depth: usize) -> Result<Value, Fail> {
        loop {
            let r = match (self.profile, self.profiling()) {
                (Profile::Squirrel, false) => self.execute::<Wide, false>(),
                (Profile::Imp, false) => self.execute::<Narrow, false>(),
                (Profile::Squirrel, true) => self.execute::<Wide, true>(),
                (Profile::Imp, true) => self.execute::<Narrow, true>(),
            };
            let e = match r {
                // Word by word: `execute` wrote it so (see `Value::read_split`).
                Ok(v) => return Ok(v.reload()),
                Err(e) => e,
            };
            if !self.run_failed(e, entry, depth) {
                return Err(Fail::Error(self.unwound));
            }
        }
    }

    /// `unwind` for failure `e` of a run's pass of the loop, out of line: kept in
    /// `run_from`, its setup costs every run (every callback) a few instructions.
    #[cold]
    #[inline(never)]
    fn run_failed(&mut self, e: Fail, entry: usize, depth: usize) -> bool {
        let v = match e {
            Fail::Error(v) => v,
            // Taken by `call_slow` and `call_at` where natives return them.
            Fail::Suspend(_) | Fail::Switch(_) => self.string(CANNOT_SUSPEND),
        };
        self.unwind(v, entry, depth)
    }

    /// Transfers control to the innermost handler for error `v` in this run (true), or
    /// pops the run's frames (false), leaving the error that leaves the run in
    /// `unwound` (another when a `_get` or `_set` frame turned `v` into one; a field,
    /// not a returned value, which would cost every run a few instructions).
    /// Coroutines the run switched to whose base frames the error unwinds end their
    /// turns (see `coroutine_failed`), and the error goes on in their resumers' contexts.
    pub(crate) fn unwind(&mut self, mut v: Value, entry: usize, depth: usize) -> bool {
        loop {
            debug_assert!(self.parked.len() >= depth);
            let entry = if self.parked.len() == depth { entry } else { 0 };
            let trap = self.ex.traps.last().copied().filter(|t| t.frame_depth as usize > entry);
            if v.is_null() {
                // "No such slot" from a `_get` or `_set` frame the error leaves before
                // it reaches a handler: the read or write goes on without it.
                if let Some(k) = self.slot_meta_frame(trap.map_or(entry, |t| t.frame_depth as usize)) {
                    match self.slot_meta_missed(k) {
                        Ok(()) => {
                            self.error_caught();
                            return true;
                        }
                        Err(e) => {
                            v = e;
                            continue;
                        }
                    }
                }
            }
            if let Some(trap) = trap {
                self.ex.traps.pop();
                let depth = trap.frame_depth as usize;
                let frame = &self.ex.frames[depth - 1];
                let slot = frame.base + trap.reg as u32;
                let top = frame.base + frame.proto().max_regs;
                self.close_outers(slot);
                self.drop_frames(depth);
                if let Some(f) = self.ex.frames.last_mut() {
                    f.set_pc(trap.handler_pc);
                }
                self.ex.top = top;
                self.ex.stack[slot as usize] = v;
                self.error_caught();
                return true;
            }
            if self.pending_trace.is_none() {
                self.pending_trace = Some(self.call_stack());
            }
            self.pop_frames_to(entry);
            if !self.ex.frames.is_empty() || self.ex.ctx == CtxId::MAIN {
                self.notify_error_once(v);
                self.unwound = v;
                return false;
            }
            match self.coroutine_failed(v) {
                (Resumer::Rust, _) => {
                    self.unwound = v;
                    return false;
                }
                (Resumer::Loop { ret, .. }, true) => {
                    self.ex.stack[ret as usize] = Value::Null;
                    self.error_caught();
                    return true;
                }
                (Resumer::Loop { .. }, false) => {}
            }
        }
    }

    /// The innermost `_get` or `_set` frame of the running context from frame `from` up
    /// (see `FRAME_GET`).
    fn slot_meta_frame(&self, from: usize) -> Option<usize> {
        let frames = self.ex.frames.get(from..)?;
        frames.iter().rposition(|f| f.flags & (FRAME_GET | FRAME_SET) != 0).map(|k| from + k)
    }

    /// The `_get` or `_set` frame `k` let an error `null` out, which means "no such slot":
    /// drops it with the frames above it and finishes the read or write as `get` and
    /// `set` do after such a metamethod (the default delegate, the root table), into
    /// the register the frame was to return to. `Err` with the error that raises.
    #[cold]
    #[inline(never)]
    fn slot_meta_missed(&mut self, k: usize) -> Result<(), Value> {
        let f = &self.ex.frames[k];
        let (base, ret, is_set) = (f.base as usize, f.ret as usize, f.flags & FRAME_SET != 0);
        let kept = if is_set { 4 } else { 3 };
        let mut saved = [Value::Null; 4];
        saved[..kept].copy_from_slice(&self.ex.stack[base - kept..base]);
        let [obj, key, ..] = saved;
        let root_fallback = saved[kept - 1].truthy();
        self.pop_frames_to(k);
        let r = if is_set {
            self.set_beyond(key, saved[2], root_fallback)
        } else {
            self.get_beyond_meta(obj, key, root_fallback).map(|v| self.ex.stack[ret] = v)
        };
        r.map_err(|e| match e {
            Fail::Error(e) => e,
            Fail::Suspend(_) | Fail::Switch(_) => self.string(CANNOT_SUSPEND),
        })
    }

    /// The error now propagating was handled: the next one starts afresh.
    fn error_caught(&mut self) {
        self.pending_trace = None;
        self.error_notified = false;
    }

    /// Pops the running context's frames from `entry` up, closing their outers.
    pub(crate) fn pop_frames_to(&mut self, entry: usize) {
        let Some(f) = self.ex.frames.get(entry) else { return };
        let (base, top, traps) = (f.base, f.saved_top, f.trap_base);
        self.close_outers(base);
        self.ex.top = top;
        self.ex.traps.truncate(traps as usize);
        self.drop_frames(entry);
    }

    /// Tells the error handler of error `v` once, however many runs it leaves.
    pub(crate) fn notify_error_once(&mut self, v: Value) {
        if !self.error_notified {
            self.error_notified = true;
            self.notify_error_handler(v);
        }
    }

    fn notify_error_handler(&mut self, v: Value) {
        let h = self.error_handler;
        if h.is_null() || self.suppress_error_handler > 0 {
            return;
        }
        let root = self.root_table();
        let saved = (self.pending_trace.take(), self.error_notified);
        let _ = self.call_own(h, root, &[v]);
        (self.pending_trace, self.error_notified) = saved;
    }

    // ----- outer variables ------------------------------------------------------------

    /// The outer for stack slot `slot` of the running frame, created if needed.
    fn capture(&mut self, slot: u32) -> OuterId {
        let open = &self.ex.open;
        // Searched from the top: the slot is above every other frame's, so only the
        // running frame's few open outers can be passed, and mostly none is.
        let mut pos = open.len();
        while pos > 0 && open[pos - 1].slot > slot {
            pos -= 1;
        }
        if let Some(o) = pos.checked_sub(1).map(|k| open[k]).filter(|o| o.slot == slot) {
            return o.id;
        }
        let id = self.heap.alloc_outer(Outer::Open { ctx: self.ex.ctx, slot });
        // A closure captures in the order its body names the variables, mostly a place
        // or two off slot order: the entries above move up one by one (not by a
        // `memmove` call, nor by swaps, whose paired loads would read the entry just
        // stored before it reached the cache).
        let open = &mut self.ex.open;
        open.push(OpenOuter { slot, id });
        let mut k = open.len() - 1;
        while k > pos {
            open[k] = open[k - 1];
            k -= 1;
        }
        open[pos] = OpenOuter { slot, id };
        id
    }

    /// Closes the running context's outers at `slot` and above. Most frames have none
    /// open, so the check is inline and the closing is not.
    #[inline(always)]
    pub(crate) fn close_outers(&mut self, slot: u32) {
        if self.ex.open.last().is_some_and(|o| o.slot >= slot) {
            self.close_outers_from(slot);
        }
    }

    #[inline(never)]
    fn close_outers_from(&mut self, slot: u32) {
        while let Some(&OpenOuter { slot: s, id }) = self.ex.open.last() {
            if s < slot {
                break;
            }
            // Read and written word by word (see `Value::reload`): a copy of the whole
            // outer built elsewhere and moved in read the value back as one unaligned
            // 16-byte load that the stores before it could not forward to (promise.nut:
            // 6% of its time on that one load).
            let v = self.ex.stack[s as usize].reload();
            // An open outer is alive: the collector marks every open list.
            let outer = self.heap.outers.get_live_mut(id.0);
            *outer = Outer::Closed(Value::Null);
            if let Outer::Closed(c) = outer {
                Value::write_split(c, v);
            }
            self.ex.open.pop();
        }
    }

    /// The stack of context `ctx`, wherever it currently lives.
    fn ctx_stack(&mut self, ctx: CtxId) -> Option<&mut Vec<Value>> {
        if self.ex.ctx == ctx {
            return Some(&mut self.ex.stack);
        }
        // Searched from the top: a captured variable mostly lives in a context near it.
        if let Some(ex) = self.parked.iter_mut().rev().find(|e| e.ctx == ctx) {
            return Some(&mut ex.stack);
        }
        match ctx.get() {
            Ctx::Gen(g) => self.heap.generators.get_mut(g.0).exec.as_mut().map(|e| &mut e.stack),
            Ctx::Thread(t) => self.heap.threads.get_mut(t.0).exec.as_mut().map(|e| &mut e.stack),
            Ctx::Main => None,
        }
    }

    /// Outer `k` of the running closure.
    #[inline(always)]
    fn running_outer(&self, k: u8) -> OuterId {
        debug_assert!(!self.ex.frames.is_empty(), "an outer read outside a frame");
        // SAFETY: the frame stack is not empty while code runs (checked above).
        let c = unsafe { self.ex.frames.last().unwrap_unchecked().closure };
        // The running frame keeps its closure alive (the collector marks every frame's
        // closure), and the compiler only emits outer indices of the running closure's
        // own prototype, which has one outer each.
        self.heap.closures.get_live(c.0).outers.get(k as usize)
    }

    #[inline(never)]
    fn outer_get(&mut self, o: OuterId) -> Value {
        match *self.heap.outers.get(o.0) {
            Outer::Closed(v) => v,
            Outer::Open { ctx, slot } => {
                if ctx == self.ex.ctx {
                    self.ex.stack[slot as usize]
                } else {
                    self.ctx_stack(ctx).and_then(|s| s.get(slot as usize).copied()).unwrap_or(Value::Null)
                }
            }
        }
    }

    #[inline(never)]
    fn outer_set(&mut self, o: OuterId, v: Value) {
        match *self.heap.outers.get(o.0) {
            Outer::Closed(_) => *self.heap.outers.get_mut(o.0) = Outer::Closed(v),
            Outer::Open { ctx, slot } => {
                if ctx == self.ex.ctx {
                    self.ex.stack[slot as usize] = v;
                } else if let Some(s) = self.ctx_stack(ctx).and_then(|s| s.get_mut(slot as usize)) {
                    *s = v;
                }
            }
        }
    }

    // ----- the loop -------------------------------------------------------------------

    fn execute<P: IntMode, const COUNT: bool>(&mut self) -> Result<Value, Fail> {
        'frame: loop {
            // The running frame is always the last one; it is looked up again where
            // needed rather than kept in a local, to leave registers for the loop.
            debug_assert!(!self.ex.frames.is_empty());
            // SAFETY: the running context has a frame whenever this loop starts a pass:
            // a run returns as soon as its entry frame is popped; a switch goes to a
            // coroutine's context, which has its base frame (a new thread's is entered
            // before), or back to its resumer's, whose running frame asked for it.
            let frame = unsafe { self.ex.frames.last().unwrap_unchecked() };
            debug_assert!(frame.owns_proto(&self.heap));
            // SAFETY: the running frame's closure owns the prototype (see `Frame::proto`)
            // and the frame stays on the frame stack (or parked with its context) for
            // as long as this pass of 'frame runs: every instruction that pops or
            // replaces it leaves the pass (`continue 'frame` / `return`) before `proto`
            // is used again, and a call that pushes a frame on top switches `proto` and
            // the other frame locals to the new frame (`enter!`).
            let mut proto: &Proto = unsafe { frame.proto.as_ref() };
            let mut base = frame.base as usize;
            let mut code: &[Instr] = &proto.code;
            let mut consts: &[Value] = &proto.consts;
            // The next instruction, as a pointer: one register instead of a slice and an
            // index. `pc!()` recovers the index where an instruction needs it.
            let mut ip: *const Instr = frame.ip;
            macro_rules! pc {
                () => {
                    // SAFETY: `ip` always points into `code`: every prototype ends with
                    // `Return`, and jumps only target instructions.
                    unsafe { ip.offset_from(code.as_ptr()) as usize }
                };
            }

            macro_rules! reg {
                ($x:expr) => {
                    self.ex.stack[base + $x as usize]
                };
            }
            // SAFETY: `enter_closure` sized the stack to `base + max_regs`.
            let mut regs: *mut Value = unsafe { self.ex.stack.as_mut_ptr().add(base) };
            // Fast register access. Anything that may grow or swap the stack (calls,
            // metamethods, collections) goes through `attempt!` or `tick!`, which re-derive
            // `regs` afterwards; slow paths write through the checked `reg!`.
            macro_rules! refresh {
                () => {
                    // SAFETY: as above; the stack never shrinks below a running frame.
                    regs = unsafe { self.ex.stack.as_mut_ptr().add(base) }
                };
            }
            macro_rules! load {
                ($x:expr) => {
                    // SAFETY: `enter_closure` sized the stack to `base + max_regs` and the
                    // stack never shrinks; the compiler only emits registers < max_regs.
                    // Word by word: see `Value::read_split`.
                    unsafe { Value::read_split(regs.add($x as usize)) }
                };
            }
            macro_rules! store {
                ($x:expr, $v:expr) => {{
                    let v = $v;
                    // SAFETY: as for `load!`; no call happened since `regs` was derived.
                    unsafe { *regs.add($x as usize) = v }
                }};
            }
            // A value an out-of-line call returned into a register, word by word: the call
            // wrote it through memory as two words, and a whole copy could not be
            // forwarded from them (see `Value::write_split`).
            macro_rules! put {
                ($x:expr, $v:expr) => {{
                    let v = $v;
                    Value::write_split(&mut reg!($x), v)
                }};
            }
            // A reference to a register: matching through it reads the tag and payload
            // separately, which avoids store-forwarding stalls on 16-byte copies.
            macro_rules! reg_ref {
                ($x:expr) => {
                    // SAFETY: as for `load!`.
                    unsafe { &*regs.add($x as usize) }
                };
            }
            macro_rules! closure {
                () => {
                    // SAFETY: as for `frame` above: the running frame is on the stack.
                    unsafe { self.ex.frames.last().unwrap_unchecked() }.closure
                };
            }
            macro_rules! konst {
                ($x:expr) => {
                    // SAFETY: constant operands are emitted by the compiler for this
                    // prototype's own constant table.
                    unsafe { *consts.get_unchecked($x as usize) }
                };
            }
            // The inline-cache word of the running instruction.
            macro_rules! word {
                () => {{
                    let pc = pc!() - 1;
                    // SAFETY: `ip` has moved past the running instruction of `proto`.
                    unsafe { proto.ic.word(pc) }
                }};
            }
            macro_rules! save_pc {
                () => {
                    // SAFETY: as for `frame` above: the running frame is on the stack.
                    unsafe { self.ex.frames.last_mut().unwrap_unchecked() }.ip = ip
                };
            }
            macro_rules! attempt {
                ($e:expr) => {
                    match $e {
                        Ok(v) => {
                            refresh!();
                            v
                        }
                        Err(err) => {
                            save_pc!();
                            return Err(err);
                        }
                    }
                };
            }
            macro_rules! fail {
                ($msg:expr) => {{
                    save_pc!();
                    return Err(self.error($msg));
                }};
            }
            // Charges `n` instructions to the budget and collects if due, re-deriving
            // `regs` after either. `stale` leaves `regs` stale, for a caller that
            // re-derives it before its next use.
            macro_rules! tick {
                ($n:expr) => {
                    tick!(@ $n, refresh!())
                };
                (stale $n:expr) => {
                    tick!(@ $n, ())
                };
                (@ $n:expr, $after:expr) => {
                    if self.metering {
                        let n = $n as u64;
                        if n < self.countdown {
                            self.countdown -= n;
                        } else {
                            save_pc!();
                            let charged = self.metered_tick(n);
                            $after;
                            charged?;
                        }
                    }
                    if self.heap.wants_collection() {
                        save_pc!();
                        self.safepoint();
                        $after;
                    }
                };
            }
            macro_rules! jump {
                ($d:expr) => {{
                    // SAFETY: the compiler only emits jump targets inside the code.
                    let target = unsafe { code.as_ptr().add($d as usize) };
                    if target < ip {
                        // SAFETY: both point into `code`.
                        tick!(unsafe { ip.offset_from(target) });
                    }
                    ip = target;
                }};
            }
            macro_rules! arith {
                ($i:expr, $y:expr, $op:ident, $int:expr, $float:expr) => {{
                    let x: &Value = reg_ref!($i.b);
                    let y: &Value = $y;
                    match (x, y) {
                        (Value::Int(p), Value::Int(q)) => match $int(*p, *q) {
                            Some(v) => store!($i.a, Value::Int(P::wrap(v))),
                            None => {
                                let (x, y) = (x.reload(), y.reload());
                                let v = attempt!(self.arith(ArithOp::$op, x, y));
                                put!($i.a, v);
                            }
                        },
                        (Value::Float(p), Value::Float(q)) => store!($i.a, Value::Float($float(*p, *q))),
                        // An integer meets a float as `arith` converts it (`2 * PI`, `i / 8.0`):
                        // through `arith`, its result came back through memory, and
                        // reading it waited on the stores (floatdsp.nut: a tenth of its time).
                        (Value::Int(p), Value::Float(q)) => store!($i.a, Value::Float($float(*p as f32, *q))),
                        (Value::Float(p), Value::Int(q)) => store!($i.a, Value::Float($float(*p, *q as f32))),
                        _ => {
                            let (x, y) = (x.reload(), y.reload());
                            // A string added to anything is a concatenation, before any
                            // `_add`; an instance's `_add` and its kin run as frames of this
                            // loop (a delegate's, rarer, in a nested run through `arith`).
                            let concat = ArithOp::$op == ArithOp::Add
                                && (matches!(x, Value::Str(_)) || matches!(y, Value::Str(_)));
                            if !concat && matches!(x, Value::Instance(_)) {
                                save_pc!();
                                if self.enter_meta(x, ArithOp::$op.meta(), [y], Some(base + $i.a as usize), 0, []) {
                                    continue 'frame;
                                }
                            }
                            let v = if concat {
                                attempt!(self.concat(x, y))
                            } else {
                                attempt!(self.arith(ArithOp::$op, x, y))
                            };
                            put!($i.a, v);
                        }
                    }
                }};
            }
            macro_rules! bitop {
                ($i:expr, $y:expr, $op:ident) => {{
                    let x: &Value = reg_ref!($i.b);
                    let y: &Value = $y;
                    match (x, y) {
                        (Value::Int(p), Value::Int(q)) => {
                            store!($i.a, Value::Int(int_bitwise(P::NARROW, BitOp::$op, *p, *q)))
                        }
                        _ => {
                            let (x, y) = (x.reload(), y.reload());
                            let v = attempt!(self.bitwise(BitOp::$op, x, y));
                            put!($i.a, v);
                        }
                    }
                }};
            }
            macro_rules! cmp {
                ($x:expr, $y:expr, $op:tt) => {{
                    let (x, y): (&Value, &Value) = ($x, $y);
                    match (x, y) {
                        (Value::Int(p), Value::Int(q)) => *p $op *q,
                        (Value::Float(p), Value::Float(q)) => float_order(*p, *q) $op 0,
                        (Value::Float(p), Value::Int(q)) => mixed_order(*p, *q as f32) $op 0,
                        (Value::Int(p), Value::Float(q)) => mixed_order(*p as f32, *q) $op 0,
                        _ => {
                            let (x, y) = (x.reload(), y.reload());
                            // Two instances' `_cmp` runs as a frame of this loop (see
                            // `finish_compare`).
                            if matches!((x, y), (Value::Instance(_), Value::Instance(_))) {
                                save_pc!();
                                if self.enter_compare(x, y) {
                                    continue 'frame;
                                }
                            }
                            attempt!(self.compare(x, y)) $op 0
                        }
                    }
                }};
            }

            // `==` with the integer case inline.
            macro_rules! eq {
                ($x:expr, $y:expr) => {{
                    let (x, y): (&Value, &Value) = ($x, $y);
                    match (x, y) {
                        (Value::Int(p), Value::Int(q)) => p == q,
                        _ => self.equals(x.reload(), y.reload()),
                    }
                }};
            }

            // `StepJ..`: `AddI a a 0 c` (c a signed byte), then the jump when
            // `R[a] $op $y` holds (`$y` is not `R[a]`).
            macro_rules! step_test {
                ($i:expr, $y:expr, $op:tt) => {{
                    let n = $i.c as i8 as i64;
                    let (x, y): (&Value, &Value) = (reg_ref!($i.a), $y);
                    if let (Value::Int(p), Value::Int(q)) = (x, y) {
                        let (v, q) = (P::wrap(p.wrapping_add(n)), *q);
                        store!($i.a, Value::Int(v));
                        if v $op q {
                            jump!($i.d)
                        }
                    } else {
                        let x = *x;
                        let v = attempt!(self.arith(ArithOp::Add, x, Value::Int(n)));
                        store!($i.a, v);
                        if cmp!(reg_ref!($i.a), $y, $op) {
                            jump!($i.d)
                        }
                    }
                }};
            }

            // Starts running the frame `enter_plain` just pushed for prototype `$p` at
            // stack index `$nb`, without re-reading it from the frame stack.
            macro_rules! enter {
                ($p:expr, $nb:expr) => {{
                    // SAFETY: as for `proto` above: the new frame's closure owns it.
                    proto = unsafe { $p.as_ref() };
                    base = $nb as usize;
                    code = &proto.code;
                    consts = &proto.consts;
                    ip = code.as_ptr();
                    refresh!();
                    continue;
                }};
            }

            // Goes on with the frame a coroutine switch made the running one, where it
            // stands.
            macro_rules! switched {
                () => {{
                    debug_assert!(!self.ex.frames.is_empty());
                    // SAFETY: as for `frame` above: a switch leaves a running frame.
                    let frame = unsafe { self.ex.frames.last().unwrap_unchecked() };
                    debug_assert!(frame.owns_proto(&self.heap));
                    // SAFETY: as for `proto` above.
                    proto = unsafe { frame.proto.as_ref() };
                    base = frame.base as usize;
                    code = &proto.code;
                    consts = &proto.consts;
                    ip = frame.ip;
                    refresh!();
                    continue;
                }};
            }

            // A call: script closures with exact arity enter inline; everything else
            // (natives, classes, defaults, varargs, metamethods) goes through the
            // out-of-line `call_slow`, which keeps this loop's register pressure down.
            macro_rules! call {
                ($ia:expr, $ib:expr, $ic:expr) => {{
                    let (ia, ib, ic): (u8, u8, u8) = ($ia, $ib, $ic);
                    let f = load!(ib);
                    let nb = (base + ib as usize + 1) as u32;
                    let ret = (base + ia as usize) as u32;
                    save_pc!();
                    // Both ways on re-derive the registers.
                    tick!(stale 1);
                    if let Value::Closure(c) = f {
                        if let Some(p) = self.enter_plain(c, nb, ic as u32, ret, 0) {
                            enter!(p, nb);
                        }
                    }
                    match self.call_slow(f, nb, ic as u32, ret) {
                        Ok(Called::Done) => refresh!(),
                        // The running context may be another now: no `refresh!`.
                        Ok(Called::Frame) => continue 'frame,
                        Ok(Called::Leave(r)) => return r,
                        Err(e) => return Err(e),
                    }
                }};
            }

            loop {
                debug_assert!(pc!() < code.len());
                // SAFETY: the compiler ends every prototype with `Return` and only emits
                // jump targets inside the code, so `ip` never runs past the end.
                // Borrowed, not copied: each handler loads only the operands it uses.
                let i: &Instr = unsafe { &*ip };
                // SAFETY: as above; one past the last instruction is still in bounds.
                ip = unsafe { ip.add(1) };
                if COUNT {
                    proto.executed.set(proto.executed.get() + 1);
                }
                debug_assert!(base + proto.max_regs as usize <= self.ex.stack.len());
                debug_assert!(std::ptr::eq(regs, self.ex.stack[base..].as_ptr()), "stale register pointer");
                match i.op {
                    Op::Operand => {}
                    Op::LoadNull => {
                        for k in 0..i.b.max(1) {
                            reg!(i.a + k) = Value::Null;
                        }
                    }
                    Op::LoadBool => reg!(i.a) = Value::Bool(i.b != 0),
                    Op::LoadInt => store!(i.a, Value::Int(i.d as i64)),
                    Op::LoadK => store!(i.a, konst!(i.d)),
                    Op::Move => store!(i.a, load!(i.b)),
                    Op::PrepCall => {
                        store!(i.a, load!(i.b));
                        store!(i.a + 1, load!(0));
                    }
                    Op::LoadRoot => reg!(i.a) = Value::Table(self.heap.closure(closure!()).root),
                    Op::GetOuter | Op::PrepCallOuter => {
                        let o = self.running_outer(i.b);
                        // Closed, or open on the running stack: read in place.
                        match *self.heap.outers.get_live(o.0) {
                            Outer::Closed(ref v) => store!(i.a, v.reload()),
                            Outer::Open { ctx, slot } if ctx == self.ex.ctx => {
                                store!(i.a, self.ex.stack[slot as usize].reload())
                            }
                            _ => store!(i.a, self.outer_get(o)),
                        }
                        if i.op == Op::PrepCallOuter {
                            store!(i.a + 1, load!(0));
                        }
                    }
                    Op::SetOuter => {
                        let o = self.running_outer(i.a);
                        let v = load!(i.b);
                        match self.heap.outers.get_live_mut(o.0) {
                            Outer::Closed(c) => *c = v,
                            Outer::Open { ctx, slot } if *ctx == self.ex.ctx => {
                                let slot = *slot as usize;
                                Value::write_split(&mut self.ex.stack[slot], v)
                            }
                            _ => self.outer_set(o, v),
                        }
                    }
                    Op::GetBase => {
                        reg!(i.a) = match self.heap.closure(closure!()).base {
                            Some(c) => Value::Class(c),
                            None => Value::Null,
                        }
                    }
                    Op::GetK | Op::PrepCallK => {
                        // A member the inline cache knows, the common case in methods
                        // (`x`, `pos.y`, `body.step()`), straight into the register.
                        let hit = match *reg_ref!(i.b) {
                            Value::Instance(o) => self.instance_member_hit(o, word!()),
                            Value::Table(t) => self.table_member_hit(t, konst!(i.d), word!()),
                            // A method of strings (`s.slice`) or arrays, which have no
                            // string-keyed slots of their own (see `fast` below).
                            Value::Str(_) => self.table_member_hit(self.delegates.string, konst!(i.d), word!()),
                            Value::Array(_) => self.table_member_hit(self.delegates.array, konst!(i.d), word!()),
                            _ => None,
                        };
                        if let Some(v) = hit {
                            store!(i.a, v);
                            if i.op == Op::PrepCallK {
                                store!(i.a + 1, load!(i.b));
                            }
                            continue;
                        }
                        let obj = load!(i.b);
                        let key = konst!(i.d);
                        let d = &self.delegates;
                        let fast = match (obj, key) {
                            (Value::Table(t), _) => match self.table_get_cached(t, key, &proto.ic, pc!() - 1) {
                                None if i.b == 0 => self.global_via_table_cached(t, key, &proto.ic, pc!() - 1),
                                v => v,
                            },
                            // A hit of a site that sees several classes (`shape.area()`)
                            // goes straight into the register as well: merged with the
                            // other arms' values it passed through memory, its payload
                            // written in halves and read back whole (classes.nut: the
                            // interpreter's hottest instruction, and 0.9% more instructions).
                            (Value::Instance(o), _) => match self.instance_get_cached(o, key, &proto.ic, pc!() - 1) {
                                Some(v) => {
                                    store!(i.a, v);
                                    if i.op == Op::PrepCallK {
                                        store!(i.a + 1, obj);
                                    }
                                    continue;
                                }
                                None if i.b == 0 => self.global_via_instance_cached(o, key, &proto.ic, pc!() - 1),
                                None => None,
                            },
                            // A class's member (`base.constructor`, a static).
                            (Value::Class(c), _) => self.class_get_cached(c, key, &proto.ic, pc!() - 1),
                            // Strings, arrays and numbers have no string-keyed slots of
                            // their own: the key names a method of the default delegate.
                            (Value::Str(_), Value::Str(_)) => {
                                self.table_get_cached(d.string, key, &proto.ic, pc!() - 1)
                            }
                            (Value::Array(_), Value::Str(_)) => {
                                self.table_get_cached(d.array, key, &proto.ic, pc!() - 1)
                            }
                            (Value::Int(_) | Value::Float(_), Value::Str(_)) => {
                                self.table_get_cached(d.number, key, &proto.ic, pc!() - 1)
                            }
                            _ => None,
                        };
                        match fast {
                            Some(v) => store!(i.a, self.heap.real(v)),
                            None => {
                                if matches!(obj, Value::Instance(_)) {
                                    save_pc!();
                                    if self.enter_get(obj, key, i.b == 0, base + i.a as usize) {
                                        if i.op == Op::PrepCallK {
                                            reg!(i.a + 1) = obj;
                                        }
                                        continue 'frame;
                                    }
                                }
                                let v = attempt!(self.get(obj, key, i.b == 0));
                                put!(i.a, v);
                            }
                        }
                        if i.op == Op::PrepCallK {
                            store!(i.a + 1, obj);
                        }
                    }
                    Op::Get => {
                        let (obj, key) = (reg_ref!(i.b), reg_ref!(i.c));
                        // An array element, the common case, straight into the register (a
                        // negative index reads as a huge one; the general path reports it,
                        // and reads a weak reference through).
                        if let (Value::Array(a), Value::Int(k)) = (obj, key) {
                            match self.heap.arrays.get_live(a.0).get(*k as usize) {
                                Some(Value::WeakRef(_)) | None => {}
                                Some(v) => {
                                    store!(i.a, *v);
                                    continue;
                                }
                            }
                        }
                        let fast = match (obj, key) {
                            (Value::Table(t), Value::Int(k)) => self.heap.table(*t).get_int(*k),
                            (Value::Table(t), Value::Str(k)) => self.heap.table(*t).get_str(*k, &self.heap.strings),
                            (Value::Table(t), _) => self.heap.table(*t).get(*key, &self.heap.strings),
                            // Integer keys (a blob's `b[i]`): the members, then the
                            // class's indexer, as `get` tries them.
                            (Value::Instance(o), Value::Int(k)) => self.instance_index(*o, *k),
                            (Value::Instance(o), _) => self.instance_get(*o, *key),
                            (Value::Str(s), Value::Int(k)) => self.string_byte_at(*s, *k),
                            _ => None,
                        };
                        match fast {
                            Some(v) => store!(i.a, self.heap.real(v)),
                            None => {
                                let (obj, key) = (*obj, *key);
                                if matches!(obj, Value::Instance(_)) {
                                    save_pc!();
                                    if self.enter_get(obj, key, i.b == 0, base + i.a as usize) {
                                        continue 'frame;
                                    }
                                }
                                let v = attempt!(self.get(obj, key, i.b == 0));
                                put!(i.a, v);
                            }
                        }
                    }
                    Op::SetK => {
                        // A field or slot the inline cache knows (`x = v` in a method,
                        // `rec.count = n`).
                        let hit = match *reg_ref!(i.a) {
                            Value::Instance(o) => self.instance_field_hit(o, word!()),
                            Value::Table(t) => self.table_slot_hit(t, konst!(i.d), word!()),
                            _ => None,
                        };
                        if let Some(slot) = hit {
                            *slot = load!(i.b);
                            continue;
                        }
                        let (obj, key, val) = (load!(i.a), konst!(i.d), load!(i.b));
                        let done = match (obj, key) {
                            (Value::Table(t), Value::Str(k)) => self.table_set_cached(t, k, val, &proto.ic, pc!() - 1),
                            (Value::Instance(o), _) => self.instance_set_cached(o, key, val, &proto.ic, pc!() - 1),
                            _ => false,
                        };
                        if !done {
                            if matches!(obj, Value::Instance(_)) {
                                save_pc!();
                                if self.enter_set(obj, key, val, i.a == 0) {
                                    continue 'frame;
                                }
                            }
                            attempt!(self.set(obj, key, val, i.a == 0));
                        }
                    }
                    Op::Set => {
                        let (obj, key, val) = (reg_ref!(i.a), reg_ref!(i.b), load!(i.c));
                        // An array element, as for `Get`.
                        if let (Value::Array(a), Value::Int(k)) = (obj, key) {
                            if let Some(slot) = self.heap.arrays.get_live_mut(a.0).get_mut(*k as usize) {
                                Value::write_split(slot, val);
                                continue;
                            }
                        }
                        let done = match (obj, key) {
                            (Value::Table(t), Value::Int(k)) => self.heap.tables.get_mut(t.0).set_int(*k, val),
                            (Value::Table(t), Value::Str(k)) => {
                                let heap = &mut self.heap;
                                heap.tables.get_mut(t.0).set_str(*k, val, &heap.strings)
                            }
                            (Value::Table(t), _) => self.heap.tables.get_mut(t.0).set(*key, val, &self.heap.strings),
                            // A field, else the class's indexer (a blob's `b[i] = v`).
                            (Value::Instance(o), _) => {
                                self.instance_set(*o, *key, val) || self.indexed_set(*o, *key, val)
                            }
                            _ => false,
                        };
                        if !done {
                            let (obj, key) = (*obj, *key);
                            if matches!(obj, Value::Instance(_)) {
                                save_pc!();
                                if self.enter_set(obj, key, val, i.a == 0) {
                                    continue 'frame;
                                }
                            }
                            attempt!(self.set(obj, key, val, i.a == 0));
                        }
                    }
                    Op::NewSlot => {
                        let (obj, key, val) = (load!(i.a), load!(i.b), load!(i.c));
                        match obj {
                            Value::Table(t) if self.heap.table(t).delegate.is_none() && !key.is_null() => {
                                self.heap.tables.get_mut(t.0).insert(key, val, &self.heap.strings);
                            }
                            _ => attempt!(self.new_slot(obj, key, val, false)),
                        }
                    }
                    Op::Delete => {
                        let (obj, key) = (load!(i.b), load!(i.c));
                        // A table without a delegate has no `_delslot`: remove directly.
                        let removed = match obj {
                            Value::Table(t) if self.heap.table(t).delegate.is_none() => {
                                self.heap.tables.get_mut(t.0).remove(key, &self.heap.strings)
                            }
                            _ => None,
                        };
                        let v = match removed {
                            Some(v) => self.heap.real(v),
                            None => attempt!(self.delete_slot(obj, key)),
                        };
                        reg!(i.a) = v;
                    }
                    Op::Add => {
                        arith!(i, reg_ref!(i.c), Add, |p: i64, q: i64| Some(p.wrapping_add(q)), |p: f32, q: f32| p + q)
                    }
                    Op::Sub => {
                        arith!(i, reg_ref!(i.c), Sub, |p: i64, q: i64| Some(p.wrapping_sub(q)), |p: f32, q: f32| p - q)
                    }
                    Op::Mul => {
                        arith!(i, reg_ref!(i.c), Mul, |p: i64, q: i64| Some(p.wrapping_mul(q)), |p: f32, q: f32| p * q)
                    }
                    Op::Div => arith!(i, reg_ref!(i.c), Div, int_div, |p: f32, q: f32| p / q),
                    Op::Mod => arith!(i, reg_ref!(i.c), Mod, int_mod, float_mod),
                    Op::AddK => {
                        arith!(i, &konst!(i.d), Add, |p: i64, q: i64| Some(p.wrapping_add(q)), |p: f32, q: f32| p + q)
                    }
                    Op::SubK => {
                        arith!(i, &konst!(i.d), Sub, |p: i64, q: i64| Some(p.wrapping_sub(q)), |p: f32, q: f32| p - q)
                    }
                    Op::MulK => {
                        arith!(i, &konst!(i.d), Mul, |p: i64, q: i64| Some(p.wrapping_mul(q)), |p: f32, q: f32| p * q)
                    }
                    Op::DivK => arith!(i, &konst!(i.d), Div, int_div, |p: f32, q: f32| p / q),
                    Op::ModK => arith!(i, &konst!(i.d), Mod, int_mod, float_mod),
                    Op::AddI => arith!(
                        i,
                        &Value::Int(i.d as i64),
                        Add,
                        |p: i64, q: i64| Some(p.wrapping_add(q)),
                        |p: f32, q: f32| p + q
                    ),
                    Op::SubI => arith!(
                        i,
                        &Value::Int(i.d as i64),
                        Sub,
                        |p: i64, q: i64| Some(p.wrapping_sub(q)),
                        |p: f32, q: f32| p - q
                    ),
                    Op::MulI => arith!(
                        i,
                        &Value::Int(i.d as i64),
                        Mul,
                        |p: i64, q: i64| Some(p.wrapping_mul(q)),
                        |p: f32, q: f32| p * q
                    ),
                    Op::ModI => arith!(i, &Value::Int(i.d as i64), Mod, int_mod, float_mod),
                    Op::BitAndI => bitop!(i, &Value::Int(i.d as i64), And),
                    Op::BitOrI => bitop!(i, &Value::Int(i.d as i64), Or),
                    Op::BitXorI => bitop!(i, &Value::Int(i.d as i64), Xor),
                    Op::ShlI => bitop!(i, &Value::Int(i.d as i64), Shl),
                    Op::ShrI => bitop!(i, &Value::Int(i.d as i64), Shr),
                    Op::Concat => {
                        let n = i.c as usize;
                        // SAFETY: the compiler follows every `Concat` with its `c`
                        // operand words, inside `code`.
                        let words = unsafe { std::slice::from_raw_parts(ip, n) };
                        // SAFETY: as above: the words end at most at the end of `code`.
                        ip = unsafe { ip.add(n) };
                        let first = load!(i.b);
                        // The prototype, not the `consts` slice: passing the slice keeps
                        // its length alive (and spilled) across the whole loop.
                        let v = attempt!(self.concat_chain(base, first, words, proto));
                        put!(i.a, v);
                    }
                    Op::BitAnd => bitop!(i, reg_ref!(i.c), And),
                    Op::BitOr => bitop!(i, reg_ref!(i.c), Or),
                    Op::BitXor => bitop!(i, reg_ref!(i.c), Xor),
                    Op::Shl => bitop!(i, reg_ref!(i.c), Shl),
                    Op::Shr => bitop!(i, reg_ref!(i.c), Shr),
                    Op::UShr => bitop!(i, reg_ref!(i.c), UShr),
                    Op::BitAndK => bitop!(i, &konst!(i.d), And),
                    Op::BitOrK => bitop!(i, &konst!(i.d), Or),
                    Op::BitXorK => bitop!(i, &konst!(i.d), Xor),
                    Op::ShlK => bitop!(i, &konst!(i.d), Shl),
                    Op::ShrK => bitop!(i, &konst!(i.d), Shr),
                    Op::UShrK => bitop!(i, &konst!(i.d), UShr),
                    Op::Neg => {
                        let x = load!(i.b);
                        if matches!(x, Value::Instance(_)) {
                            save_pc!();
                            if self.enter_meta(x, Meta::Unm, [], Some(base + i.a as usize), 0, []) {
                                continue 'frame;
                            }
                        }
                        let v = attempt!(self.negate(x));
                        put!(i.a, v);
                    }
                    Op::Not => reg!(i.a) = Value::Bool(!reg!(i.b).truthy()),
                    Op::BitNot => {
                        reg!(i.a) = match reg!(i.b) {
                            Value::Int(x) => Value::Int(P::wrap(!x)),
                            other => fail!(format!("attempt to perform a bitwise op on a {}", other.type_of())),
                        }
                    }
                    Op::Typeof => {
                        let v = attempt!(self.type_of_value(reg!(i.b).reload()));
                        put!(i.a, v);
                    }
                    Op::Clone => {
                        let v = attempt!(self.clone_value(reg!(i.b).reload()));
                        put!(i.a, v);
                    }
                    Op::Eq => store!(i.a, Value::Bool(eq!(reg_ref!(i.b), reg_ref!(i.c)))),
                    Op::Ne => store!(i.a, Value::Bool(!eq!(reg_ref!(i.b), reg_ref!(i.c)))),
                    Op::Lt => reg!(i.a) = Value::Bool(cmp!(reg_ref!(i.b), reg_ref!(i.c), <)),
                    Op::Le => reg!(i.a) = Value::Bool(cmp!(reg_ref!(i.b), reg_ref!(i.c), <=)),
                    Op::Gt => reg!(i.a) = Value::Bool(cmp!(reg_ref!(i.b), reg_ref!(i.c), >)),
                    Op::Ge => reg!(i.a) = Value::Bool(cmp!(reg_ref!(i.b), reg_ref!(i.c), >=)),
                    Op::Cmp3 => {
                        let v = attempt!(self.compare(reg!(i.b).reload(), reg!(i.c).reload()));
                        reg!(i.a) = Value::Int(v);
                    }
                    Op::In => {
                        let (key, obj) = (load!(i.b), load!(i.c));
                        let v = match obj {
                            Value::Table(t) => self.heap.table(t).contains(key, &self.heap.strings),
                            _ => attempt!(self.contains(obj, key)),
                        };
                        reg!(i.a) = Value::Bool(v);
                    }
                    Op::InstanceOf => {
                        let v = attempt!(self.instance_of(reg!(i.b).reload(), reg!(i.c).reload()));
                        reg!(i.a) = Value::Bool(v);
                    }
                    Op::Jmp => jump!(i.d),
                    Op::JmpT => {
                        if load!(i.a).truthy() {
                            jump!(i.d)
                        }
                    }
                    Op::JmpF => {
                        if !load!(i.a).truthy() {
                            jump!(i.d)
                        }
                    }
                    Op::JEq => {
                        if eq!(reg_ref!(i.a), reg_ref!(i.b)) == (i.c != 0) {
                            jump!(i.d)
                        }
                    }
                    Op::JEqK => {
                        if eq!(reg_ref!(i.a), &konst!(i.b)) == (i.c != 0) {
                            jump!(i.d)
                        }
                    }
                    Op::JLt => {
                        if cmp!(reg_ref!(i.a), reg_ref!(i.b), <) == (i.c != 0) {
                            jump!(i.d)
                        }
                    }
                    Op::JLe => {
                        if cmp!(reg_ref!(i.a), reg_ref!(i.b), <=) == (i.c != 0) {
                            jump!(i.d)
                        }
                    }
                    Op::JGt => {
                        if cmp!(reg_ref!(i.a), reg_ref!(i.b), >) == (i.c != 0) {
                            jump!(i.d)
                        }
                    }
                    Op::JGe => {
                        if cmp!(reg_ref!(i.a), reg_ref!(i.b), >=) == (i.c != 0) {
                            jump!(i.d)
                        }
                    }
                    Op::JLtK => {
                        if cmp!(reg_ref!(i.a), &konst!(i.b), <) == (i.c != 0) {
                            jump!(i.d)
                        }
                    }
                    Op::JLeK => {
                        if cmp!(reg_ref!(i.a), &konst!(i.b), <=) == (i.c != 0) {
                            jump!(i.d)
                        }
                    }
                    Op::JGtK => {
                        if cmp!(reg_ref!(i.a), &konst!(i.b), >) == (i.c != 0) {
                            jump!(i.d)
                        }
                    }
                    Op::JGeK => {
                        if cmp!(reg_ref!(i.a), &konst!(i.b), >=) == (i.c != 0) {
                            jump!(i.d)
                        }
                    }
                    Op::JTestK => {
                        let set = match (reg_ref!(i.a), &konst!(i.b)) {
                            (Value::Int(p), Value::Int(q)) => p & q != 0,
                            (x, y) => {
                                let (x, y) = (x.reload(), y.reload());
                                attempt!(self.bitwise(BitOp::And, x, y)).truthy()
                            }
                        };
                        if set == (i.c != 0) {
                            jump!(i.d)
                        }
                    }
                    Op::StepJLt => step_test!(i, reg_ref!(i.b), <),
                    Op::StepJLe => step_test!(i, reg_ref!(i.b), <=),
                    Op::StepJGt => step_test!(i, reg_ref!(i.b), >),
                    Op::StepJGe => step_test!(i, reg_ref!(i.b), >=),
                    Op::StepJLtK => step_test!(i, &konst!(i.b), <),
                    Op::StepJLeK => step_test!(i, &konst!(i.b), <=),
                    Op::StepJGtK => step_test!(i, &konst!(i.b), >),
                    Op::StepJGeK => step_test!(i, &konst!(i.b), >=),
                    Op::Call => call!(i.a, i.b, i.c),
                    Op::TailCall => {
                        if let Value::Closure(c) = load!(i.b) {
                            if self.ex.frames.last().expect("running frame").flags & FRAME_CTOR == 0 {
                                save_pc!();
                                tick!(stale 1);
                                if let Some(p) = self.retarget_plain(c, base, i.b, i.c) {
                                    enter!(p, base);
                                }
                                refresh!();
                                match self.tail_call(c, base, i.b, i.c) {
                                    Ok(None) => continue 'frame,
                                    Ok(Some(v)) => match self.entry_returned(v) {
                                        Some(v) => return Ok(v),
                                        None => continue 'frame,
                                    },
                                    Err(e) => return Err(e),
                                }
                            }
                        }
                        // Not a closure: an ordinary call; the compiler follows every
                        // tail call with `Return b`, which delivers its result.
                        call!(i.b, i.b, i.c);
                    }
                    Op::Return => {
                        let v = if i.b != 0 { load!(i.a) } else { Value::Null };
                        match self.do_return(v) {
                            Ok(None) => {}
                            // A nested run's frame (the common case), or the end of a
                            // coroutine's turn.
                            Ok(Some(v)) => {
                                if !self.ex.frames.is_empty() {
                                    return Ok(v);
                                }
                                if let Some(v) = self.entry_returned(v) {
                                    return Ok(v);
                                }
                            }
                            // A `_cmp` frame's result that is no integer.
                            Err(e) => return Err(e),
                        }
                        continue 'frame;
                    }
                    Op::Closure => {
                        let c = self.new_closure(proto, base, *i);
                        reg!(i.a) = Value::Closure(c);
                    }
                    Op::NewTable => {
                        let t = self.heap.new_table(i.d as usize);
                        reg!(i.a) = Value::Table(t);
                    }
                    Op::NewArray => {
                        let a = self.heap.alloc_array(Vec::with_capacity(i.d as usize));
                        reg!(i.a) = Value::Array(a);
                    }
                    Op::ArrayPush => {
                        if let Value::Array(a) = reg!(i.a) {
                            let v = reg!(i.b).reload();
                            self.heap.array_mut(a).push(v);
                        }
                    }
                    Op::NewClass => {
                        let base_class = if i.b == 255 { None } else { Some(reg!(i.b)) };
                        let attrs = if i.c == 255 { Value::Null } else { reg!(i.c) };
                        save_pc!();
                        let c = attempt!(self.new_class(base_class, attrs));
                        put!(i.a, c);
                    }
                    Op::NewMember => {
                        let (cls, key, val) = (reg!(i.a), reg!(i.b), reg!(i.c));
                        let attrs = match i.d >> 8 {
                            0 => Value::Null,
                            a => reg!(a - 1),
                        };
                        save_pc!();
                        attempt!(self.new_member(cls, key, val, attrs, i.d & 1 != 0));
                    }
                    Op::Foreach => {
                        // Arrays, the common case, step here: state is the next index.
                        if let (Value::Array(arr), Value::Int(pos)) = (load!(i.a), load!(i.b)) {
                            match usize::try_from(pos).ok().and_then(|p| self.heap.array(arr).get(p)) {
                                Some(v) => {
                                    let v = self.heap.real(*v);
                                    store!(i.b + 1, Value::Int(pos));
                                    store!(i.b + 2, v);
                                    store!(i.b, Value::Int(pos + 1));
                                }
                                // SAFETY: a jump target inside the code.
                                None => ip = unsafe { code.as_ptr().add(i.d as usize) },
                            }
                            continue;
                        }
                        save_pc!();
                        match self.foreach_step(base + i.a as usize, base + i.b as usize, i.d as u32) {
                            Ok(Step::Next) => refresh!(),
                            Ok(Step::Done) => {
                                refresh!();
                                // SAFETY: a jump target inside the code.
                                ip = unsafe { code.as_ptr().add(i.d as usize) };
                            }
                            Ok(Step::Switched) => continue 'frame,
                            Err(e) => return Err(e),
                        }
                    }
                    Op::PushTrap => {
                        self.ex.traps.push(Trap {
                            frame_depth: self.ex.frames.len() as u32,
                            handler_pc: i.d as u32,
                            reg: i.a,
                        });
                    }
                    Op::PopTrap => {
                        let n = self.ex.traps.len().saturating_sub(i.b as usize);
                        self.ex.traps.truncate(n);
                    }
                    Op::Throw => {
                        save_pc!();
                        return Err(Fail::Error(reg!(i.a)));
                    }
                    Op::Yield => {
                        let v = if i.b != 0 { reg!(i.a).reload() } else { Value::Null };
                        save_pc!();
                        if !self.ex.ctx.is_generator() || self.ex.frames.len() != 1 {
                            fail!("trying to yield a 'function',only genenerator can be yielded");
                        }
                        self.yield_generator(v);
                        switched!();
                    }
                    Op::Resume => {
                        save_pc!();
                        let resumer = Resumer::Loop { ret: (base + i.a as usize) as u32, exit: None };
                        // The pc is saved; a failure leaves the running context as it was.
                        self.resume(reg!(i.b).reload(), resumer)?;
                        switched!();
                    }
                    Op::Close => self.close_outers((base + i.a as usize) as u32),
                }
            }
        }
    }

    /// Pops the running frame delivering `v`; `Some` when it began a run (see
    /// `entry_returned`).
    #[inline(always)]
    fn do_return(&mut self, v: Value) -> Result<Option<Value>, Fail> {
        debug_assert!(!self.ex.frames.is_empty());
        // SAFETY: only `execute` calls this, for its running frame (see there).
        let f = unsafe { self.ex.frames.pop().unwrap_unchecked() };
        self.close_outers(f.base);
        self.ex.traps.truncate(f.trap_base as usize);
        self.ex.top = f.saved_top;
        if f.flags == 0 {
            // A plain script-to-script call: `ret` is a register of the caller, which
            // is still on the stack (the stack never shrinks).
            debug_assert!((f.ret as usize) < self.ex.stack.len());
            // SAFETY: as above.
            unsafe { *self.ex.stack.get_unchecked_mut(f.ret as usize) = v };
            return Ok(None);
        }
        let v = if f.flags & FRAME_CTOR != 0 { self.ex.stack[f.base as usize] } else { v };
        if f.flags & FRAME_ENTRY != 0 {
            return Ok(Some(v));
        }
        self.deliver(f.flags, f.ret, v).map(|()| None)
    }

    /// Hands result `v` of a frame with `flags` that has just left the frame stack (not
    /// a run's entry) to the frame beneath, now the running one: into stack slot `ret`,
    /// or, from a `_cmp`, to the comparison that entered it.
    #[inline(always)]
    fn deliver(&mut self, flags: u8, ret: u32, v: Value) -> Result<(), Fail> {
        self.left_frame(flags);
        if flags & FRAME_CMP != 0 {
            return self.finish_compare(v);
        }
        self.ex.stack[ret as usize] = v;
        Ok(())
    }

    /// Finishes the comparison (the running frame's last instruction, one of those
    /// `cmp!` serves) whose `_cmp` frame returned `v`: stores its boolean, or takes its
    /// jump, charging a backward one as `jump!` does.
    #[inline(never)]
    fn finish_compare(&mut self, v: Value) -> Result<(), Fail> {
        let Value::Int(c) = v else { return Err(self.error("_cmp must return an integer")) };
        let f = self.ex.frames.last_mut().expect("the comparing frame");
        let pc = f.pc() as usize;
        let i = f.proto().code[pc - 1];
        let holds = match i.op {
            Op::Lt | Op::JLt | Op::JLtK | Op::StepJLt | Op::StepJLtK => c < 0,
            Op::Le | Op::JLe | Op::JLeK | Op::StepJLe | Op::StepJLeK => c <= 0,
            Op::Gt | Op::JGt | Op::JGtK | Op::StepJGt | Op::StepJGtK => c > 0,
            Op::Ge | Op::JGe | Op::JGeK | Op::StepJGe | Op::StepJGeK => c >= 0,
            // No other instruction enters `_cmp` as a frame.
            _ => return Ok(()),
        };
        let jump = match i.op {
            Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                let slot = f.base as usize + i.a as usize;
                self.ex.stack[slot] = Value::Bool(holds);
                return Ok(());
            }
            Op::JLt | Op::JLe | Op::JGt | Op::JGe | Op::JLtK | Op::JLeK | Op::JGtK | Op::JGeK => holds == (i.c != 0),
            _ => holds,
        };
        if !jump {
            return Ok(());
        }
        f.set_pc(i.d as u32);
        // What `tick!` does for a backward jump.
        if let Some(back) = (pc as u32).checked_sub(i.d as u32).filter(|&b| b > 0) {
            self.charge(back as u64)?;
            self.safepoint();
        }
        Ok(())
    }

    /// Enters metamethod `m` of instance `x` (a script function of plain arity) with `args`, as a
    /// frame over the running one whose result goes to stack slot `ret` (`None`: the
    /// result is not stored), as a script call would: no run of the loop nested in Rust,
    /// which costs more than the metamethod's own work for the small ones (a vector's
    /// `_add`). The frame counts as a nested run (see `FRAME_META`); `kind` adds its
    /// `FRAME_CMP`, `FRAME_GET` or `FRAME_SET`, and `kept` goes beneath its base (what
    /// those need after it). False with nothing entered: the caller then takes the
    /// general (nested) path, which also reports a nesting too deep. Cold: off the
    /// loop's paths for numbers and strings.
    #[cold]
    #[inline(never)]
    fn enter_meta<const A: usize, const K: usize>(
        &mut self,
        x: Value,
        m: Meta,
        args: [Value; A],
        ret: Option<usize>,
        kind: u8,
        kept: [Value; K],
    ) -> bool {
        let Value::Instance(i) = x else { return false };
        // Read directly, not through `meta_of`: `x` is in a register, alive, and so is
        // its class.
        let class = self.heap.instances.get_live(i.0).class;
        let Value::Closure(c) = self.heap.classes.get_live(class.0).metamethods[m as usize] else { return false };
        if self.nested_runs >= crate::api::vm::MAX_NATIVE_DEPTH {
            return false;
        }
        let nb = self.ex.top as usize + K;
        self.ex.ensure(nb + A + 2);
        // Above the running frame's registers, as `call_own` puts them: copies of
        // live values, so no stale reference is left there should the entry fail.
        let slots = &mut self.ex.stack[nb - K..=nb + A];
        slots[..K].copy_from_slice(&kept);
        slots[K] = x;
        slots[K + 1..].copy_from_slice(&args);
        let n = A as u32 + 1;
        // A dropped result goes to the frame's own first slot, above the caller's.
        let ret = ret.unwrap_or(nb) as u32;
        if self.enter_plain(c, nb as u32, n, ret, FRAME_META | kind).is_none() {
            return false;
        }
        self.nested_runs += 1;
        true
    }

    /// Enters `_cmp` of instance `x` to compare it with instance `y` (see
    /// `finish_compare`); false as `enter_meta`. An instance is equal to itself
    /// without one (see `compare`).
    #[cold]
    #[inline(never)]
    fn enter_compare(&mut self, x: Value, y: Value) -> bool {
        !x.raw_eq(y) && self.enter_meta(x, Meta::Cmp, [y], None, FRAME_CMP, [])
    }

    /// Enters `_get` of instance `obj` for `key`, which the caller found no member for
    /// (nor the class's indexer), its result going to stack slot `ret`; false as
    /// `enter_meta`. `root_fallback` as for `get`.
    #[cold]
    #[inline(never)]
    fn enter_get(&mut self, obj: Value, key: Value, root_fallback: bool, ret: usize) -> bool {
        let kept = [obj, key, Value::Bool(root_fallback)];
        self.enter_meta(obj, Meta::Get, [key], Some(ret), FRAME_GET, kept)
    }

    /// Enters `_set` of instance `obj` for `key`, which the caller found no field for
    /// (nor the class's indexer), and `val`; false as `enter_meta`. `root_fallback` as for `set`.
    #[cold]
    #[inline(never)]
    fn enter_set(&mut self, obj: Value, key: Value, val: Value, root_fallback: bool) -> bool {
        let kept = [obj, key, val, Value::Bool(root_fallback)];
        self.enter_meta(obj, Meta::Set, [key, val], None, FRAME_SET, kept)
    }

    /// Ends the nesting of a frame with `flags` that has left the frame stack, if it
    /// was a metamethod's (see `FRAME_META`).
    #[inline(always)]
    fn left_frame(&mut self, flags: u8) {
        if flags & FRAME_META != 0 {
            self.nested_runs -= 1;
        }
    }

    /// Drops the running context's frames from `n` up; the metamethod frames among
    /// them end their nesting (see `FRAME_META`).
    fn drop_frames(&mut self, n: usize) {
        let metas = self.ex.frames.get(n..).unwrap_or_default().iter().filter(|f| f.flags & FRAME_META != 0).count();
        self.nested_runs -= metas as u32;
        self.ex.frames.truncate(n);
    }

    /// The closure of `Closure a b c d`: child prototype `d` of `proto`, with its outers
    /// captured from the running frame (at `base`) and its defaults (and bound
    /// environment, when `c & 1`) read from registers `b...`. The id, not a `Value`: a
    /// value returned through memory is written as two words and read back whole, a
    /// store-forwarding stall (promise.nut spent 9% of its interpreter time there).
    #[inline(never)]
    fn new_closure(&mut self, proto: &Proto, base: usize, i: Instr) -> ClosureId {
        let child = &proto.children[i.d as usize];
        let mut first = base + i.b as usize;
        let env = if i.c & 1 != 0 {
            let e = self.ex.stack[first];
            first += 1;
            Some(self.heap.weakref(e))
        } else {
            None
        };
        let defaults: Box<[Value]> = match child.ndefaults as usize {
            // Most functions have none: no copy (and no `memcpy` call) to make.
            0 => Box::default(),
            nd => self.ex.stack[first..first + nd].into(),
        };
        let running = self.ex.frames.last().expect("running frame").closure;
        // The outers are written into the new closure one by one: built apart, the list
        // would be copied in 16-byte pieces over the 4-byte stores just made, and wait
        // for them (a store-forwarding stall: 14% of `new_closure` in promise.nut).
        let c = self.heap.new_closure(child.clone(), OuterList::new(child.outers.len()), defaults, env, self.root);
        for (k, src) in child.outers.iter().enumerate() {
            let id = match *src {
                crate::compiler::bytecode::OuterSource::Local(r) => self.capture((base + r as usize) as u32),
                crate::compiler::bytecode::OuterSource::Outer(o) => self.heap.closure(running).outers.get(o as usize),
            };
            self.heap.closures.get_live_mut(c.0).outers.set(k, id);
        }
        c
    }

    /// `return f(args)` for a closure `f` in register `fb` (arguments after it, `nargs`
    /// counting `this`) that `retarget_plain` did not take (defaults, varargs, bound
    /// environments, generators): the running frame is replaced by `f`'s. `Some` when
    /// the running entry frame made a generator, which it returns (see `entry_returned`).
    #[inline(never)]
    fn tail_call(&mut self, c: ClosureId, base: usize, fb: u8, nargs: u8) -> Result<Option<Value>, Fail> {
        let n = nargs as usize;
        let src = base + fb as usize + 1;
        self.close_outers(base as u32);
        self.ex.stack.copy_within(src..src + n, base);
        let old = self.ex.frames.pop().expect("running frame");
        self.ex.top = old.saved_top;
        match self.enter_closure(c, base as u32, n as u32, old.ret, old.flags) {
            Ok(Entered::Frame) => Ok(None),
            Ok(Entered::Value(v)) => {
                if old.flags & FRAME_ENTRY != 0 {
                    return Ok(Some(v));
                }
                self.deliver(old.flags, old.ret, v)?;
                Ok(None)
            }
            Err(e) => {
                self.ex.frames.push(old);
                Err(e)
            }
        }
    }

    /// `tail_call` for a plain callee, which takes over the running frame (at `base`)
    /// where it is: its prototype, or `None` with nothing done.
    #[inline(always)]
    fn retarget_plain(&mut self, c: ClosureId, base: usize, fb: u8, nargs: u8) -> Option<NonNull<Proto>> {
        let cl = self.heap.closures.get_live(c.0);
        let top = base + cl.proto.max_regs as usize;
        if nargs as u32 != cl.proto.plain_arity || cl.env.is_some() || top >= self.ex.stack.len() {
            return None;
        }
        let (proto, code) = (NonNull::from(&*cl.proto), cl.proto.code.as_ptr());
        self.close_outers(base as u32);
        debug_assert!(base + fb as usize + 1 + nargs as usize <= self.ex.stack.len());
        let stack = self.ex.stack.as_mut_ptr();
        for k in 0..nargs as usize {
            // SAFETY: the arguments are registers of the running frame, inside the stack,
            // and they sit above the slots they move to.
            unsafe { *stack.add(base + k) = Value::read_split(stack.add(base + fb as usize + 1 + k)) };
        }
        self.ex.top = top as u32;
        // SAFETY: the running frame is on the frame stack while it runs.
        let f = unsafe { self.ex.frames.last_mut().unwrap_unchecked() };
        f.closure = c;
        f.proto = proto;
        f.ip = code;
        Some(proto)
    }

    /// A native called by the dispatch loop (see `call_slow`): the value it returns
    /// goes to its register, anything else to `native_failed`, out of line.
    #[inline(always)]
    fn call_native_op(&mut self, id: NativeId, nb: u32, nargs: u32, ret: u32) -> Result<Called, Fail> {
        match self.call_native(id, Args { base: nb, count: nargs, func: Some(id) }) {
            // Copied word by word (see `Value::read_split`): the native wrote its result
            // as separate stores just before returning, which one 16-byte load could not
            // take from (strings.nut: 7% of its time on that load).
            Ok(ref v) => {
                Value::write_split(&mut self.ex.stack[ret as usize], v.reload());
                Ok(Called::Done)
            }
            Err(e) => self.native_failed(e, ret),
        }
    }

    /// A native's call that did not return a value: an error, or a coroutine switch
    /// (a `suspend`, a thread's `call` or `wakeup`) the loop carries out.
    #[cold]
    #[inline(never)]
    fn native_failed(&mut self, e: Fail, ret: u32) -> Result<Called, Fail> {
        match e {
            Fail::Suspend(v) => {
                if !self.may_suspend() {
                    return Err(self.error(CANNOT_SUSPEND));
                }
                Ok(match self.suspend(v, ret) {
                    Some(v) => Called::Leave(Ok(v)),
                    None => Called::Frame,
                })
            }
            Fail::Switch(t) => Ok(match self.enter_thread(t, Resumer::Loop { ret, exit: None })? {
                Turn::Run => Called::Frame,
                // Raised where the thread stands, whose frame's pc is its own.
                Turn::Raise(e) => Called::Leave(Err(Fail::Error(e))),
                Turn::Done(v) => {
                    self.ex.stack[ret as usize] = v;
                    Called::Done
                }
            }),
            e => Err(e),
        }
    }

    /// Every call the dispatch loop does not enter inline: `f` with `this` and
    /// `nargs - 1` arguments at `stack[nb..]`, the result going to `stack[ret]`.
    #[inline(never)]
    fn call_slow(&mut self, f: Value, nb: u32, nargs: u32, ret: u32) -> Result<Called, Fail> {
        let v = match f {
            Value::Native(id) => return self.call_native_op(id, nb, nargs, ret),
            Value::Closure(c) => match self.enter_closure(c, nb, nargs, ret, 0)? {
                Entered::Frame => return Ok(Called::Frame),
                Entered::Value(v) => v,
            },
            Value::Class(cls) => {
                let inst = self.instantiate(cls)?;
                self.ex.stack[nb as usize] = inst;
                match self.constructor_of(cls) {
                    Some(Value::Closure(c)) => {
                        if self.enter_plain(c, nb, nargs, ret, FRAME_CTOR).is_some() {
                            return Ok(Called::Frame);
                        }
                        if let Entered::Frame = self.enter_closure(c, nb, nargs, ret, FRAME_CTOR)? {
                            return Ok(Called::Frame);
                        }
                    }
                    Some(other) => {
                        self.call_at(other, nb, nargs)?;
                    }
                    None => {}
                }
                inst
            }
            other => self.call_at(other, nb, nargs)?,
        };
        self.ex.stack[ret as usize] = v;
        Ok(Called::Done)
    }

    fn new_class(&mut self, base: Option<Value>, attrs: Value) -> Result<Value, Fail> {
        let base = match base {
            None => None,
            Some(Value::Class(c)) => Some(c),
            Some(other) => {
                let t = other.type_of();
                return Err(self.error(format!("trying to inherit from a {t}")));
            }
        };
        let class = match base {
            Some(b) => {
                let bc = self.heap.class(b);
                Class {
                    base: Some(b),
                    members: bc.members.clone(),
                    fields: bc.fields.clone(),
                    methods: bc.methods.clone(),
                    metamethods: bc.metamethods,
                    attrs,
                    locked: false,
                    constructor: bc.constructor,
                }
            }
            None => Class { attrs, ..Class::with_members(Table::with_capacity(0)) },
        };
        let c = Value::Class(self.heap.alloc_class(class));
        if let (Some(_), Value::Class(id)) = (base, c) {
            if let Some(hook) = self.heap.class(id).meta(Meta::Inherited) {
                self.call_own(hook, c, &[attrs])?;
            }
        }
        Ok(c)
    }

    /// Declares a class member (honouring `_newmember`).
    pub(crate) fn new_member(
        &mut self,
        cls: Value,
        key: Value,
        val: Value,
        attrs: Value,
        is_static: bool,
    ) -> Result<(), Fail> {
        let Value::Class(c) = cls else { return Err(self.error("object must be a class")) };
        if let Some(hook) = self.heap.class(c).meta(Meta::NewMember) {
            self.call_own(hook, cls, &[key, val, attrs, Value::Bool(is_static)])?;
            return Ok(());
        }
        self.raw_new_member(c, key, val, attrs, is_static)
    }

    pub(crate) fn raw_new_member(
        &mut self,
        c: ClassId,
        key: Value,
        val: Value,
        attrs: Value,
        is_static: bool,
    ) -> Result<(), Fail> {
        self.new_slot(Value::Class(c), key, val, is_static)?;
        if !attrs.is_null() {
            self.set_member_attrs(c, key, attrs);
        }
        Ok(())
    }

    pub(crate) fn set_member_attrs(&mut self, c: ClassId, key: Value, attrs: Value) -> bool {
        let r = self.heap.class(c).members.get(key, &self.heap.strings).and_then(MemberRef::decode);
        let class = self.heap.class_mut(c);
        match r {
            Some(MemberRef::Field(i)) => class.fields[i].attrs = attrs,
            Some(MemberRef::Method(i)) => class.methods[i].attrs = attrs,
            None => return false,
        }
        true
    }

    /// One step of `foreach`: the container is at slot `a`, its iteration state at
    /// `s`, key and value go to `s + 1` and `s + 2`; `exit` is the loop's end, where a
    /// generator that returns instead of yielding sends it.
    fn foreach_step(&mut self, a: usize, s: usize, exit: u32) -> Result<Step, Fail> {
        let (kr, vr) = (s + 1, s + 2);
        let obj = self.ex.stack[a];
        let state = self.ex.stack[s];
        let pos = match state {
            Value::Int(i) => i as usize,
            _ => 0,
        };
        let item: Option<(Value, Value, Value)> = match obj {
            Value::Array(arr) => self
                .heap
                .array(arr)
                .get(pos)
                .map(|v| (Value::Int(pos as i64), self.heap.real(*v), Value::Int(pos as i64 + 1))),
            Value::Table(t) => {
                self.heap.table(t).next(pos).map(|(n, k, v)| (k, self.heap.real(v), Value::Int(n as i64)))
            }
            Value::Str(s) => {
                let profile = self.profile;
                self.heap
                    .str(s)
                    .get(pos)
                    .map(|c| (Value::Int(pos as i64), Value::Int(profile.char_value(*c)), Value::Int(pos as i64 + 1)))
            }
            Value::Class(c) => {
                let class = self.heap.class(c);
                class.members.next(pos).map(|(n, k, r)| {
                    let v = match MemberRef::decode(r) {
                        Some(MemberRef::Field(f)) => self.heap.real(class.fields[f].value),
                        Some(MemberRef::Method(m)) => class.methods[m].value,
                        None => Value::Null,
                    };
                    (k, v, Value::Int(n as i64))
                })
            }
            Value::Instance(_) | Value::UserData(_) => {
                let has_delegate = match obj {
                    Value::UserData(u) => self.heap.userdata.get(u.0).delegate.is_some(),
                    _ => true,
                };
                if !has_delegate {
                    return Err(self.error("cannot iterate userdata"));
                }
                let Some(mm) = self.meta_of(obj, Meta::Nexti) else { return Err(self.error("_nexti failed")) };
                let itr = self.call_own(mm, obj, &[state])?;
                self.ex.stack[s] = itr;
                self.ex.stack[kr] = itr;
                if itr.is_null() {
                    return Ok(Step::Done);
                }
                match self.get_opt(obj, itr, false)? {
                    Some(v) => self.ex.stack[vr] = v,
                    None => return Err(self.error("_nexti returned an invalid idx")),
                }
                return Ok(Step::Next);
            }
            Value::Generator(g) => {
                match self.heap.generators.get(g.0).state {
                    GenState::Dead => return Ok(Step::Done),
                    GenState::Running => return Err(self.error("cannot iterate generator")),
                    GenState::Suspended => {}
                }
                let idx = match state {
                    Value::Int(i) => i + 1,
                    _ => 0,
                };
                self.ex.stack[s] = Value::Int(idx);
                self.ex.stack[kr] = Value::Int(idx);
                self.resume(obj, Resumer::Loop { ret: vr as u32, exit: Some(exit) })?;
                return Ok(Step::Switched);
            }
            other => {
                let t = other.type_of();
                return Err(self.error(format!("cannot iterate {t}")));
            }
        };
        match item {
            Some((k, v, next)) => {
                self.ex.stack[kr] = k;
                self.ex.stack[vr] = v;
                self.ex.stack[s] = next;
                Ok(Step::Next)
            }
            None => Ok(Step::Done),
        }
    }
}

/// How `call_slow` left the running context.
enum Called {
    /// Another frame runs now: a script frame was pushed, or another context (a thread
    /// started, woke or suspended) switched to.
    Frame,
    /// The result is in its register.
    Done,
    /// The loop returns this: the run ends (a thread run from Rust, or the main
    /// program, suspended), or an error is raised in the thread just switched to (by
    /// `wakeupthrow`) where it stands.
    Leave(Result<Value, Fail>),
}

/// How `foreach_step` went.
enum Step {
    /// The next key and value are in their registers.
    Next,
    /// The iteration is over.
    Done,
    /// A generator runs now for its next value (see `Resumer::Loop`).
    Switched,
}

#[inline(always)]
fn int_div(p: i64, q: i64) -> Option<i64> {
    if q == 0 || q == -1 {
        None
    } else {
        Some(p / q)
    }
}

#[inline(always)]
fn int_mod(p: i64, q: i64) -> Option<i64> {
    if q == 0 || q == -1 {
        None
    } else {
        Some(p % q)
    }
}

#[inline(always)]
fn float_mod(p: f32, q: f32) -> f32 {
    (p as f64 % q as f64) as f32
}
