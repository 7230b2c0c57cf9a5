//! The virtual machine: its state and configuration. The rest of `Vm`'s methods are
//! grouped by concern in the submodules: values and objects (`values`), keeping
//! values alive (`roots`), natives (`natives`), compiling, calling and the call stack
//! (`calls`); the profile a VM implements is `profile`.
//!
//! Script-to-script calls push frames on the running context's stack and never
//! recurse in Rust; only natives calling back into scripts (and metamethods invoked
//! from inside an instruction) start a nested `run`. Every failure travels as `Fail`
//! until it reaches a handler or the embedder, who sees an `Error`.

mod calls;
mod natives;
mod profile;
mod roots;
mod template;
mod values;

pub use crate::heap::object::PlainNative;
pub use calls::MAX_TRACE;
pub(crate) use calls::{Entered, Walk};
pub(crate) use natives::{parse_typemask, raw_type_bit, type_bit_name};
pub use natives::{Args, NativeEntry};
pub use profile::Profile;
pub use template::{NotATemplate, Template};
pub use values::Indexer;

use std::any::Any;
use std::rc::Rc;

use crate::api::error::StackEntry;
use crate::heap::object::*;
use crate::heap::string::Strings;
use crate::heap::table::Table;
use crate::heap::value::*;
use crate::heap::Heap;
use crate::interpreter::frame::ExecState;

/// Why a computation stopped early.
#[derive(Clone, Copy, Debug)]
pub enum Fail {
    /// A thrown value (runtime errors are strings).
    Error(Value),
    /// `suspend(v)`: the running thread (or the main program) asks to suspend with `v`.
    /// Honoured where a script called `suspend` from its own run; anywhere else (a
    /// native's callback, a metamethod) it is the error "cannot suspend through native
    /// calls/metamethods".
    Suspend(Value),
    /// A thread's `call`, `wakeup` or `wakeupthrow` staged a switch to that thread: the
    /// dispatch loop makes it in place, a call from Rust runs the thread nested.
    Switch(ThreadId),
}

/// The default delegate tables, one per type family.
#[derive(Clone, Copy)]
pub(crate) struct Delegates {
    pub table: TableId,
    pub array: TableId,
    pub string: TableId,
    pub number: TableId,
    pub function: TableId,
    pub generator: TableId,
    pub thread: TableId,
    pub class: TableId,
    pub instance: TableId,
    pub weakref: TableId,
}

/// Strings the VM needs by id, interned once.
#[derive(Clone, Copy)]
pub(crate) struct Names {
    pub meta: [StrId; 18],
    pub constructor: StrId,
    pub types: [StrId; 14],
    /// `begin`, `end` (see [`Vm::span_keys`]).
    pub span: [StrId; 2],
}

pub struct Vm {
    pub(crate) heap: Heap,
    pub(crate) profile: Profile,
    /// The running context.
    pub(crate) ex: ExecState,
    /// Contexts suspended beneath the running one (resumers of generators/threads).
    /// Each in the box of the context that switched from it (see `Vm::switch_to`):
    /// boxes trade places with generators' and threads' own, so a switch allocates
    /// nothing.
    #[allow(clippy::vec_box)]
    pub(crate) parked: Vec<Box<ExecState>>,
    pub(crate) root: TableId,
    pub(crate) consts: TableId,
    pub(crate) registry: TableId,
    pub(crate) delegates: Delegates,
    pub(crate) names: Names,
    /// Values natives hold in Rust across calls back into scripts (see `Vm::hold`);
    /// each native call releases what it held when it returns.
    pub(crate) held: Vec<Value>,
    pinned: Vec<Value>,
    /// The typed embedding API's state: the root set of handles, the native classes.
    pub(crate) embed: crate::api::embed::EmbedState,
    /// Natives currently executing (bounded, since each is a Rust call).
    pub(crate) native_depth: u32,
    /// Interpreter runs nested in Rust (natives and metamethods calling scripts).
    pub(crate) nested_runs: u32,
    /// `stack_position()` where the outermost run started.
    nested_stack_base: usize,
    pub(crate) error_handler: Value,
    pub(crate) debug_hook: Value,
    /// Remaining instruction budget (approximate: charged at calls and back jumps).
    pub(crate) budget: u64,
    /// Whether the interpreter must call `metered_tick` (a budget, a memory limit or
    /// profiling is on).
    pub(crate) metering: bool,
    /// Instructions the interpreter may charge inline before calling `metered_tick`.
    pub(crate) countdown: u64,
    pub(crate) meter: crate::interpreter::meter::Meter,
    pub(crate) max_frames: usize,
    /// The call stack captured where the error now propagating was raised.
    pub(crate) pending_trace: Option<Vec<StackEntry>>,
    pub(crate) error_notified: bool,
    /// The error the last `unwind` that failed let out of its run (see there).
    pub(crate) unwound: Value,
    /// Members added to instantiated classes and entries set in the instance default
    /// delegate: edits that can turn a name read through `this` from a global into a
    /// member (see `InlineCache::via_root`).
    pub(crate) member_edits: u64,
    /// Native classes' fast paths for integer indexing, with the `_get` and `_set`
    /// natives each stands for (see [`Indexer`]).
    pub(crate) indexers: Vec<(ClassId, [Value; 2], Indexer)>,
    /// `pcall`/`pacall` in progress: errors do not reach the error handler.
    pub(crate) suppress_error_handler: u32,
    /// Set by a panic inside the VM (see `Vm::guarded`): every later call fails.
    poisoned: Option<String>,
    /// A reused buffer for building strings (concatenation) before interning them.
    pub(crate) scratch: Vec<u8>,
    /// The embedder's state for its natives, one value per type (see `Vm::host_data`).
    host: Vec<Rc<dyn Any>>,
    out: OutputFn,
    err_out: OutputFn,
}

/// Where the VM writes text (`print` output, error reports).
pub type OutputFn = Box<dyn FnMut(&[u8])>;

pub(crate) const MAX_NATIVE_DEPTH: u32 = 100;
/// Rust stack the interpreter's nested runs may take, in bytes: with the compiler's
/// bounded depth (`syntax::depth`) beneath the last of them, well inside a 2 MB thread.
const NESTED_STACK_BUDGET: usize = 512 << 10;

/// Where the Rust stack is now: the address of a local in the caller's frame, to
/// measure the stack taken between two calls.
#[inline(always)]
fn stack_position() -> usize {
    let marker = 0u8;
    std::hint::black_box(std::ptr::addr_of!(marker)) as usize
}
const DEFAULT_MAX_FRAMES: usize = 1_000_000;

impl Vm {
    pub fn new(profile: Profile) -> Vm {
        let mut heap = Heap::new(Strings::new(profile.string_hash()));
        heap.strong_envs = profile == Profile::Imp;
        let table = |heap: &mut Heap| heap.alloc_table(Table::with_capacity(0));
        let root = table(&mut heap);
        let consts = table(&mut heap);
        let registry = table(&mut heap);
        let delegates = Delegates {
            table: table(&mut heap),
            array: table(&mut heap),
            string: table(&mut heap),
            number: table(&mut heap),
            function: table(&mut heap),
            generator: table(&mut heap),
            thread: table(&mut heap),
            class: table(&mut heap),
            instance: table(&mut heap),
            weakref: table(&mut heap),
        };
        let meta = Meta::ALL.map(|m| heap.intern(m.name().as_bytes()));
        let types = [
            Type::Null,
            Type::Bool,
            Type::Integer,
            Type::Float,
            Type::String,
            Type::Table,
            Type::Array,
            Type::Function,
            Type::Class,
            Type::Instance,
            Type::Generator,
            Type::Thread,
            Type::WeakRef,
            Type::UserData,
        ]
        .map(|t| heap.intern(t.name().as_bytes()));
        let constructor = heap.intern(b"constructor");
        let span = [b"begin".as_slice(), b"end"].map(|s| heap.intern(s));
        let names = Names { meta, constructor, types, span };
        let mut vm = Vm::assemble(heap, profile, [root, consts, registry], delegates, names);
        crate::library::delegates::install(&mut vm);
        crate::library::baselib::install(&mut vm);
        vm
    }

    /// A VM on `heap`, whose root, const and registry tables and delegates are made
    /// and whose names are interned, in its initial state otherwise.
    fn assemble(heap: Heap, profile: Profile, tables: [TableId; 3], delegates: Delegates, names: Names) -> Vm {
        let [root, consts, registry] = tables;
        Vm {
            heap,
            profile,
            ex: ExecState::new(CtxId::MAIN, Vec::with_capacity(1024)),
            parked: Vec::new(),
            root,
            consts,
            registry,
            delegates,
            names,
            held: Vec::new(),
            pinned: Vec::new(),
            embed: Default::default(),
            native_depth: 0,
            nested_runs: 0,
            unwound: Value::Null,
            nested_stack_base: 0,
            error_handler: Value::Null,
            debug_hook: Value::Null,
            budget: u64::MAX,
            metering: false,
            countdown: 0,
            meter: crate::interpreter::meter::Meter::new(profile),
            max_frames: DEFAULT_MAX_FRAMES,
            pending_trace: None,
            error_notified: false,
            member_edits: 0,
            indexers: Vec::new(),
            suppress_error_handler: 0,
            poisoned: None,
            scratch: Vec::new(),
            host: Vec::new(),
            out: Box::new(|b| {
                use std::io::Write;
                let _ = std::io::stdout().write_all(b);
            }),
            err_out: Box::new(|b| {
                use std::io::Write;
                let _ = std::io::stderr().write_all(b);
            }),
        }
    }

    pub fn profile(&self) -> Profile {
        self.profile
    }

    // ----- configuration --------------------------------------------------------------

    /// Where `print` writes (stdout by default).
    pub fn set_output(&mut self, f: OutputFn) {
        self.out = f;
    }

    /// Where `error` and the error reports write (stderr by default).
    pub fn set_error_output(&mut self, f: OutputFn) {
        self.err_out = f;
    }

    pub fn write_out(&mut self, b: &[u8]) {
        (self.out)(b)
    }

    pub fn write_err(&mut self, b: &[u8]) {
        (self.err_out)(b)
    }

    /// Limits how much script code may run (roughly, in instructions); `None` removes
    /// the limit. When it runs out the script fails with "instruction budget exceeded".
    pub fn set_instruction_budget(&mut self, budget: Option<u64>) {
        self.budget = budget.unwrap_or(u64::MAX);
        self.update_ticking();
    }

    /// GC stress, for tests (slow): a collection at every safepoint after an
    /// allocation, and freed objects' ids never reused, so a value that a native or an
    /// embedder forgot to hold is freed at once and its next use is a caught error.
    pub fn set_gc_stress(&mut self, on: bool) {
        self.heap.set_stress(on);
    }

    /// Deepest script call nesting before "stack overflow".
    pub fn set_max_call_depth(&mut self, frames: usize) {
        self.max_frames = frames;
    }

    /// Keeps `data` with this VM for the embedder's natives, in place of any data of its
    /// type. A native whose state is its VM's reads it here rather than capturing it:
    /// the VMs a [`Template`] makes share their natives, and each has data of its own
    /// (they start with the template's, shared).
    pub fn set_host_data<T: Any>(&mut self, data: T) {
        self.host.retain(|d| !d.is::<T>());
        self.host.push(Rc::new(data));
    }

    /// The data of type `T` kept by [`Vm::set_host_data`].
    pub fn host_data<T: Any>(&self) -> Option<&T> {
        self.host.iter().find_map(|d| d.downcast_ref())
    }

    /// What `source` (named `file`) prints when run in this VM (for the crate's tests).
    #[cfg(test)]
    pub(crate) fn printed(&mut self, source: &str, file: &str) -> String {
        let out = Rc::new(std::cell::RefCell::new(Vec::new()));
        let sink = out.clone();
        self.set_output(Box::new(move |b| sink.borrow_mut().extend_from_slice(b)));
        self.run_source(source, file).unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8(out.borrow().clone()).unwrap();
        text
    }
}
