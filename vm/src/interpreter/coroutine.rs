//! Coroutines: generators and threads, each running on a context (`ExecState`) of its
//! own.
//!
//! The running context is `Vm::ex`; the contexts it switched away from wait beneath it
//! in `Vm::parked`. A script switches inside the dispatch loop (`resume`, `foreach` over
//! a generator, a thread's `call`/`wakeup`/`wakeupthrow`, `suspend`), without recursing
//! in Rust, so coroutines nest as deep as the context limit (`Vm::max_frames`) lets them,
//! as in the reference, which keeps generators on its one call stack. Only a switch
//! asked for from Rust (a native's callback calling a thread's `call`) runs the thread
//! in a nested run.
//!
//! A coroutine's turn ends when it yields, returns, suspends or fails: its context goes
//! back to its object, and its resumer's (`Resumer`) runs again. A thread suspends only
//! from its own run (not from a native or a metamethod it called), as the reference's
//! `sq_suspendvm` allows, and with it the generators it resumed inline, whose contexts
//! wait in their own objects until the thread wakes.

use std::rc::Rc;

use crate::api::vm::{Entered, Fail, Vm};
use crate::compiler::bytecode::Proto;
use crate::heap::object::*;
use crate::heap::value::*;
use crate::interpreter::frame::{ExecState, Frame, Resumer, FRAME_ENTRY};

/// What a script that suspends beneath a native or a metamethod gets, as in the reference.
pub(crate) const CANNOT_SUSPEND: &str = "cannot suspend through native calls/metamethods";

/// How a switch to a thread went (`Vm::enter_thread`).
pub(crate) enum Turn {
    /// The thread's context runs: go on in the loop.
    Run,
    /// The thread's context runs, and this error is raised where it stands.
    Raise(Value),
    /// Its function finished at once (it made a generator): the thread is idle again.
    Done(Value),
}

impl Vm {
    /// A suspended generator for closure `c`, whose `this` and arguments are at
    /// `stack[base..base + nargs]`.
    pub(crate) fn new_generator(&mut self, c: ClosureId, base: u32, nargs: u32, proto: &Rc<Proto>) -> Value {
        let mut stack = vec![Value::Null; proto.max_regs as usize + 1];
        stack[..nargs as usize].copy_from_slice(&self.ex.stack[base as usize..(base + nargs) as usize]);
        let id = self.heap.alloc_generator(Generator { state: GenState::Suspended, exec: None });
        let mut ex = ExecState::new(CtxId::generator(id), stack);
        ex.top = proto.max_regs;
        // Most generators never call deeper: room for their own frame only (a million
        // nested ones stay in memory).
        ex.frames = vec![Frame::new(c, self.heap.closure(c), 0, 0, 0, 0, FRAME_ENTRY)];
        self.heap.generators.get_mut(id.0).exec = Some(Box::new(ex));
        Value::Generator(id)
    }

    /// Fails when one more context may not wait beneath the running one: the frame limit
    /// bounds nested coroutines as it bounds nested calls.
    fn room_for_context(&mut self) -> Result<(), Fail> {
        if self.parked.len() >= self.max_frames {
            return Err(self.error("stack overflow"));
        }
        Ok(())
    }

    /// Makes `ex` the running context; the running one waits beneath it, in the box
    /// `ex` came in (contexts trade places: a switch allocates nothing).
    fn switch_to(&mut self, mut ex: Box<ExecState>) {
        std::mem::swap(&mut self.ex, &mut *ex);
        self.parked.push(ex);
    }

    /// Ends the running context's turn: the one beneath it runs again. Returns the
    /// context whose turn ended, in the box its resumer waited in.
    fn switch_back(&mut self) -> Box<ExecState> {
        let mut own = self.parked.pop().expect("a coroutine's resumer waits beneath it");
        std::mem::swap(&mut self.ex, &mut *own);
        own
    }

    /// The coroutine of context `ctx` has finished (returned or failed): a generator is
    /// dead, a thread idle and ready for another `call`.
    fn retire(&mut self, ctx: CtxId) {
        match ctx.get() {
            Ctx::Gen(g) => self.heap.generators.get_mut(g.0).state = GenState::Dead,
            Ctx::Thread(t) => {
                let th = self.heap.threads.get_mut(t.0);
                th.status = ThreadStatus::Idle;
                th.wake_slot = None;
            }
            Ctx::Main => {}
        }
    }

    /// Gives `v`, with which a coroutine's turn just ended (`finished`: by returning), to
    /// its resumer, now running: `Some(v)` for a Rust one, whose run ends with it;
    /// `None` when the loop goes on in the resumer's context.
    fn hand_over(&mut self, resumer: Resumer, v: Value, finished: bool) -> Option<Value> {
        match resumer {
            Resumer::Rust => Some(v),
            Resumer::Loop { exit: Some(pc), .. } if finished => {
                if let Some(f) = self.ex.frames.last_mut() {
                    f.set_pc(pc);
                }
                None
            }
            Resumer::Loop { ret, .. } => {
                self.ex.stack[ret as usize] = v;
                None
            }
        }
    }

    // ----- generators -----------------------------------------------------------------

    /// `resume g`, or a `foreach` step over `g`: switches to generator `g`, whose turn
    /// ends back in the loop, as `resumer` says.
    pub(crate) fn resume(&mut self, g: Value, resumer: Resumer) -> Result<(), Fail> {
        let Value::Generator(g) = g else {
            let t = g.type_of();
            return Err(self.error(format!("trying to resume a '{t}',only genenerator can be resumed")));
        };
        match self.heap.generators.get(g.0).state {
            GenState::Dead => return Err(self.error("resuming dead generator")),
            GenState::Running => return Err(self.error("resuming active generator")),
            GenState::Suspended => {}
        }
        self.room_for_context()?;
        let gen = self.heap.generators.get_mut(g.0);
        let Some(mut ex) = gen.exec.take() else { return Err(self.error("resuming dead generator")) };
        gen.state = GenState::Running;
        ex.resumer = resumer;
        self.switch_to(ex);
        Ok(())
    }

    /// `yield v` in the running generator: its turn ends, and it waits, suspended, for
    /// the next `resume`.
    pub(crate) fn yield_generator(&mut self, v: Value) {
        let own = self.switch_back();
        let (ctx, resumer) = (own.ctx, own.resumer);
        debug_assert!(ctx.is_generator() && matches!(resumer, Resumer::Loop { .. }));
        if let Ctx::Gen(g) = ctx.get() {
            let gen = self.heap.generators.get_mut(g.0);
            gen.state = GenState::Suspended;
            gen.exec = Some(own);
        }
        self.hand_over(resumer, v, false);
    }

    /// The frame that began a run returned `v`: that run ends (`Some(v)`), unless the
    /// frame was a coroutine's base frame, whose turn ends instead: the generator is
    /// dead, the thread idle, and `v` goes to the resumer (see `hand_over`).
    #[inline(never)]
    pub(crate) fn entry_returned(&mut self, v: Value) -> Option<Value> {
        if !self.ex.frames.is_empty() || self.ex.ctx == CtxId::MAIN {
            return Some(v);
        }
        let own = self.switch_back();
        self.retire(own.ctx);
        self.hand_over(own.resumer, v, true)
    }

    /// Error `v` unwound the whole of the running coroutine's base run: its turn ends
    /// (the generator dead, the thread idle) and the error goes on in its resumer's
    /// context. Returns the resumer, and whether the error stops there (a thread woken
    /// by `wakeupthrow(e, false)`, whose waker's call returns null).
    pub(crate) fn coroutine_failed(&mut self, v: Value) -> (Resumer, bool) {
        let own = self.switch_back();
        self.retire(own.ctx);
        match own.ctx.get() {
            // A thread is a VM of its own in the reference: the error handler hears of
            // the error as it leaves the thread, and again if it leaves the waker's run.
            Ctx::Thread(t) => {
                self.notify_error_once(v);
                self.error_notified = false;
                (own.resumer, self.heap.threads.get(t.0).quiet)
            }
            _ => (own.resumer, false),
        }
    }

    // ----- threads --------------------------------------------------------------------

    /// `t.call(args)`, `args[0]` being the root table: a closure's thread gets a context
    /// with the arguments, and the switch to it is asked for (`Fail::Switch`); a native
    /// function is just called (it cannot suspend).
    pub(crate) fn stage_call(&mut self, t: ThreadId, args: &[Value]) -> Result<Value, Fail> {
        let func = self.heap.threads.get(t.0).func;
        if !matches!(func, Value::Closure(_)) {
            self.heap.threads.get_mut(t.0).status = ThreadStatus::Running;
            let r = self.call_own(func, args[0], &args[1..]);
            self.heap.threads.get_mut(t.0).status = ThreadStatus::Idle;
            return r;
        }
        let ex = ExecState::new(CtxId::thread(t), args.to_vec());
        let th = self.heap.threads.get_mut(t.0);
        th.exec = Some(Box::new(ex));
        th.wake = Some(Wake::Start);
        th.quiet = false;
        Err(Fail::Switch(t))
    }

    /// `t.wakeup(v)` (`Wake::Resume`) or `t.wakeupthrow(v, !quiet)` (`Wake::Throw`) of a
    /// suspended thread: `v` goes to the slot its `suspend` returns to, and the switch
    /// to it is asked for.
    pub(crate) fn stage_wake(&mut self, t: ThreadId, v: Value, wake: Wake, quiet: bool) -> Fail {
        let th = self.heap.threads.get_mut(t.0);
        th.wake = Some(wake);
        th.quiet = quiet;
        let (slot, innermost) = (th.wake_slot, th.chain.last().copied());
        let ex = match innermost {
            Some(g) => self.heap.generators.get_mut(g.0).exec.as_mut(),
            None => self.heap.threads.get_mut(t.0).exec.as_mut(),
        };
        if let (Some(ex), Some(slot)) = (ex, slot) {
            ex.stack[slot as usize] = v;
        }
        Fail::Switch(t)
    }

    /// Switches to thread `t` as `call`, `wakeup` or `wakeupthrow` staged it, for
    /// `resumer`. On an error the running context is the caller's again.
    pub(crate) fn enter_thread(&mut self, t: ThreadId, resumer: Resumer) -> Result<Turn, Fail> {
        let th = self.heap.threads.get_mut(t.0);
        let wake = th.wake.take();
        if let Err(e) = self.room_for_context() {
            self.unstage(t);
            return Err(e);
        }
        let th = self.heap.threads.get_mut(t.0);
        let (Some(wake), Some(mut ex)) = (wake, th.exec.take()) else {
            return Err(self.error("cannot wakeup a idle thread"));
        };
        let chain = std::mem::take(&mut th.chain);
        th.status = ThreadStatus::Running;
        th.base = (self.native_depth, self.nested_runs + u32::from(resumer == Resumer::Rust));
        let slot = th.wake_slot.take();
        ex.resumer = resumer;
        self.switch_to(ex);
        for g in chain {
            if let Some(ex) = self.heap.generators.get_mut(g.0).exec.take() {
                self.switch_to(ex);
            }
        }
        match wake {
            Wake::Start => self.start_thread(t),
            Wake::Resume => Ok(Turn::Run),
            Wake::Throw => {
                let e = slot.map_or(Value::Null, |s| std::mem::take(&mut self.ex.stack[s as usize]));
                Ok(Turn::Raise(e))
            }
        }
    }

    /// A staged switch that will not happen: a started thread stays idle.
    fn unstage(&mut self, t: ThreadId) {
        let th = self.heap.threads.get_mut(t.0);
        th.wake = None;
        if th.status == ThreadStatus::Idle {
            th.exec = None;
        }
    }

    /// Enters the thread's function in its new context (the running one).
    fn start_thread(&mut self, t: ThreadId) -> Result<Turn, Fail> {
        let Value::Closure(c) = self.heap.threads.get(t.0).func else {
            let own = self.switch_back();
            self.retire(own.ctx);
            return Err(self.error("wrong parameter"));
        };
        match self.enter_closure(c, 0, self.ex.top, 0, FRAME_ENTRY) {
            Ok(Entered::Frame) => Ok(Turn::Run),
            // A generator function: the generator is what the thread returns.
            Ok(Entered::Value(v)) => {
                let own = self.switch_back();
                self.retire(own.ctx);
                Ok(Turn::Done(v))
            }
            Err(e) => {
                let own = self.switch_back();
                self.retire(own.ctx);
                Err(e)
            }
        }
    }

    /// A switch to thread `t` asked for from Rust (a native, a metamethod or the
    /// embedder called `call`/`wakeup`/`wakeupthrow`): its turn runs nested.
    pub(crate) fn run_thread(&mut self, t: ThreadId) -> Result<Value, Fail> {
        if let Err(e) = self.nesting_room() {
            self.unstage(t);
            return Err(e);
        }
        let depth = self.parked.len() + 1;
        let r = match self.enter_thread(t, Resumer::Rust)? {
            Turn::Done(v) => return Ok(v),
            Turn::Run => self.run_nested_at(0, depth, None),
            Turn::Raise(e) => self.run_nested_at(0, depth, Some(e)),
        };
        match r {
            Err(Fail::Error(_)) if self.heap.threads.get(t.0).quiet => Ok(Value::Null),
            r => r,
        }
    }

    /// The thread's or the main program's context that `suspend` would suspend: the
    /// nearest beneath the running one that is not a generator's (the generators above
    /// it were resumed by its run).
    pub(crate) fn suspender(&self) -> CtxId {
        std::iter::once(&self.ex)
            .chain(self.parked.iter().rev().map(|ex| &**ex))
            .map(|ex| ex.ctx)
            .find(|ctx| !ctx.is_generator())
            .unwrap_or(CtxId::MAIN)
    }

    /// Whether `suspend`, a native that just returned to the dispatch loop, may suspend:
    /// it was called by its thread's (or the main program's) own run, not beneath a
    /// native or a metamethod. The reference's rule, for each VM: one run and one native.
    pub(crate) fn may_suspend(&self) -> bool {
        let base = match self.suspender().get() {
            Ctx::Thread(t) => self.heap.threads.get(t.0).base,
            // The embedder's call, with no native on the Rust stack.
            _ => (0, 1),
        };
        (self.native_depth, self.nested_runs) == base
    }

    /// `suspend(v)`, allowed (`may_suspend`), whose result goes to stack slot `ret`: the
    /// running thread's turn ends, its contexts put away until it wakes, and `v` goes
    /// to its resumer (see `hand_over`). From the main program, the run ends with `v`
    /// (`Some`), as `sq`'s main script ends when it suspends its VM.
    pub(crate) fn suspend(&mut self, v: Value, ret: u32) -> Option<Value> {
        self.ex.stack[ret as usize] = Value::Null;
        let Ctx::Thread(t) = self.suspender().get() else {
            self.abandon_main();
            return Some(v);
        };
        let mut chain = Vec::new();
        while let Ctx::Gen(g) = self.ex.ctx.get() {
            let own = self.switch_back();
            self.heap.generators.get_mut(g.0).exec = Some(own);
            chain.push(g);
        }
        chain.reverse();
        let own = self.switch_back();
        let resumer = own.resumer;
        let th = self.heap.threads.get_mut(t.0);
        th.exec = Some(own);
        th.chain = chain;
        th.wake_slot = Some(ret);
        th.status = ThreadStatus::Suspended;
        th.suspended_with = v.type_of();
        self.hand_over(resumer, v, false)
    }

    /// The main program suspended: its run ends where it stands, its frames and the
    /// generators it was running in discarded.
    fn abandon_main(&mut self) {
        while self.ex.ctx.is_generator() {
            self.pop_frames_to(0);
            let own = self.switch_back();
            self.retire(own.ctx);
        }
        self.pop_frames_to(0);
    }

    /// The frames of the running thread (or main program), innermost first, each with
    /// its stack: in the reference, generators run on the stack of the thread that
    /// resumed them, so their resumers' frames follow theirs.
    pub(crate) fn running_frames(&self) -> impl Iterator<Item = (&Frame, &[Value])> {
        let mut within = true;
        std::iter::once(&self.ex)
            .chain(self.parked.iter().rev().map(|ex| &**ex))
            .take_while(move |ex| std::mem::replace(&mut within, ex.ctx.is_generator()))
            .flat_map(|ex| ex.frames.iter().rev().map(move |f| (f, &ex.stack[..])))
    }

    /// The frames a suspended thread waits in, innermost first, each with its stack.
    pub(crate) fn suspended_frames(&self, t: ThreadId) -> Vec<(&Frame, &[Value])> {
        let th = self.heap.threads.get(t.0);
        let generators = th.chain.iter().rev().filter_map(|g| self.heap.generators.get(g.0).exec.as_deref());
        generators
            .chain(th.exec.as_deref())
            .flat_map(|ex| ex.frames.iter().rev().map(move |f| (f, &ex.stack[..])))
            .collect()
    }
}
