//! Execution contexts: a value stack, its call frames and its exception handlers.
//!
//! The main program, every generator and every thread owns one `ExecState`; switching
//! coroutines swaps the whole state, so neither script-to-script calls nor switches
//! made by scripts (`resume`, `foreach`, a thread's `call`/`wakeup`, `suspend`)
//! recurse in Rust.

use std::ptr::NonNull;

use crate::compiler::bytecode::{Instr, Proto};
use crate::heap::object::{Closure, CtxId};
use crate::heap::value::{ClosureId, OuterId, Value};
use crate::heap::Heap;

/// Frame flags.
pub const FRAME_ENTRY: u8 = 1;
/// A constructor call: the frame's result is `this`, not the returned value.
pub const FRAME_CTOR: u8 = 2;
/// A metamethod the interpreter entered as a frame of its own (see `Vm::enter_meta`)
/// rather than in a run nested in Rust: it counts in `Vm::nested_runs` while it
/// exists, as the nested run would, so the reference's nesting limit and its ban on
/// suspending beneath a metamethod hold the same.
pub const FRAME_META: u8 = 4;
/// With `FRAME_META`: an instance's `_cmp`, whose result the comparison that entered
/// it still has to turn into its own (see `Vm::finish_compare`).
pub const FRAME_CMP: u8 = 8;
/// With `FRAME_META`: an instance's `_get` for a missing slot. An error `null` leaving
/// it means "no such slot", and the read goes on where `_get` left it (see
/// `Vm::slot_meta_missed`); `obj`, `key` and whether the root table is a fallback
/// wait in the three stack slots beneath its base.
pub const FRAME_GET: u8 = 16;
/// With `FRAME_META`: an instance's `_set`, as `FRAME_GET` for a write (`obj`, `key`,
/// the value and the root fallback wait in the four slots beneath its base); its
/// result is dropped.
pub const FRAME_SET: u8 = 32;

pub struct Frame {
    pub closure: ClosureId,
    /// The prototype of `closure`, which owns it: the collector marks every frame's
    /// closure, so a plain pointer stays valid as long as the frame exists, and
    /// calls and returns need no reference counting.
    pub proto: NonNull<Proto>,
    /// The next instruction (in `proto`'s code), as the interpreter keeps it, so
    /// calls and returns save and restore it without converting; `pc()` is its index.
    pub ip: *const Instr,
    /// Absolute stack index of register 0 (`this`).
    pub base: u32,
    /// Absolute stack index that receives the return value.
    pub ret: u32,
    /// The stack top to restore when this frame returns.
    pub saved_top: u32,
    /// `traps.len()` when the frame was entered.
    pub trap_base: u32,
    pub flags: u8,
}

impl Frame {
    /// A frame about to run closure `c` (`cl`) from its first instruction.
    #[inline(always)]
    pub fn new(c: ClosureId, cl: &Closure, base: u32, ret: u32, saved_top: u32, trap_base: u32, flags: u8) -> Frame {
        Frame {
            closure: c,
            proto: NonNull::from(&*cl.proto),
            ip: cl.proto.code.as_ptr(),
            base,
            ret,
            saved_top,
            trap_base,
            flags,
        }
    }

    /// Whether the frame's closure is alive and still owns `proto`: what the
    /// interpreter's unchecked reads of `proto` rely on (for its debug assertions).
    pub fn owns_proto(&self, heap: &Heap) -> bool {
        heap.closures.try_get(self.closure.0).is_some_and(|c| std::ptr::eq(&*c.proto, self.proto.as_ptr()))
    }

    /// The index of the next instruction.
    pub fn pc(&self) -> u32 {
        // SAFETY: `ip` always points into (or one past) the prototype's code.
        unsafe { self.ip.offset_from(self.proto().code.as_ptr()) as u32 }
    }

    /// Continues at instruction `pc` (an exception handler).
    pub fn set_pc(&mut self, pc: u32) {
        self.ip = self.proto().code[pc as usize..].as_ptr();
    }

    #[inline(always)]
    pub fn proto(&self) -> &Proto {
        // SAFETY: see the field: the closure that owns the prototype outlives the frame.
        unsafe { self.proto.as_ref() }
    }
}

#[derive(Clone, Copy)]
pub struct Trap {
    /// `frames.len()` when the handler was installed.
    pub frame_depth: u32,
    pub handler_pc: u32,
    pub reg: u8,
}

/// An open outer with the stack slot it names, so returns can tell whether they
/// must close anything without reading the outer itself.
#[derive(Clone, Copy)]
pub struct OpenOuter {
    pub slot: u32,
    pub id: OuterId,
}

pub struct ExecState {
    pub ctx: CtxId,
    pub stack: Vec<Value>,
    /// The first stack slot not in use; the collector scans `stack[..top]`.
    pub top: u32,
    pub frames: Vec<Frame>,
    pub traps: Vec<Trap>,
    /// Open outers of this stack, ascending by slot.
    pub open: Vec<OpenOuter>,
    /// For a coroutine's context: who switched to it, and so where its turn ends.
    pub resumer: Resumer,
}

/// Who switched to a coroutine's (a generator's or a thread's) context: where what it
/// yields, returns, suspends with or raises goes when its turn ends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Resumer {
    /// A Rust caller (`call`/`wakeup` made by a native, a metamethod or the embedder),
    /// which ran it in a nested run: that run ends with the turn. Also the main context.
    Rust,
    /// The dispatch loop of the context beneath (`resume`, `foreach`, or a script's
    /// `call`/`wakeup`), which goes on running: the value goes to its stack slot `ret`,
    /// or, when a generator driven by `foreach` returns, its loop jumps to `exit`.
    Loop { ret: u32, exit: Option<u32> },
}

impl ExecState {
    /// A context with no frames yet, whose stack starts as `stack` (all in use).
    pub fn new(ctx: CtxId, stack: Vec<Value>) -> ExecState {
        ExecState {
            ctx,
            top: stack.len() as u32,
            stack,
            frames: Vec::new(),
            traps: Vec::new(),
            open: Vec::new(),
            resumer: Resumer::Rust,
        }
    }

    /// Makes sure `stack[..n]` exists.
    #[inline]
    pub fn ensure(&mut self, n: usize) {
        if self.stack.len() < n {
            self.stack.resize(n.max(self.stack.len() * 2), Value::Null);
        }
    }

    /// Clears the slots above `top` (the collector calls this on every stack it
    /// scans). Calls do not clear their callee's registers: a register not yet
    /// written holds a stale value from an earlier frame, which is only safe to scan
    /// because every slot above `top` at a collection is cleared, so a stale value
    /// always names an object that was alive at the last collection (at worst it
    /// keeps that object one cycle longer).
    pub fn clear_dead(&mut self) {
        let top = (self.top as usize).min(self.stack.len());
        self.stack[top..].fill(Value::Null);
    }

    /// Values the collector must treat as live.
    pub fn live(&self) -> &[Value] {
        &self.stack[..(self.top as usize).min(self.stack.len())]
    }
}
