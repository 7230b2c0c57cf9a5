//! The virtual machine: its state, the embedding API and the call machinery.
//!
//! Script-to-script calls push frames on the running context's stack and never
//! recurse in Rust; only natives calling back into scripts (and metamethods invoked
//! from inside an instruction) start a nested `run`. Every failure travels as `Fail`
//! until it reaches a handler or the embedder, who sees an `Error`.

use std::ptr::NonNull;
use std::rc::Rc;

use crate::api::error::{Error, RuntimeError, StackEntry};
use crate::compiler::bytecode::Proto;
use crate::compiler::{self, CompileEnv};
use crate::heap::object::*;
use crate::heap::string::{StringHash, Strings};
use crate::heap::table::Table;
use crate::heap::value::*;
use crate::heap::Heap;
use crate::interpreter::frame::{ExecState, Frame, FRAME_ENTRY};
use crate::syntax::ParseError;

/// Which Squirrel the VM implements.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Profile {
    /// Stock Squirrel 3.2 as `sq` on a 64-bit host: 64-bit integers.
    Squirrel,
    /// Electric Imp: 32-bit integers that wrap.
    Imp,
}

impl Profile {
    /// Narrows an integer to the profile's width.
    #[inline(always)]
    pub fn wrap(self, i: i64) -> i64 {
        match self {
            Profile::Squirrel => i,
            Profile::Imp => i as i32 as i64,
        }
    }

    /// The integer a float converts to, as the profile's C cast `(SQInteger)f` gives it
    /// on its hardware (truncation toward zero within range). The reference on x86-64
    /// (`cvttss2si`) gives the most negative integer for NaN and out-of-range values
    /// (`(1e20).tointeger()` and `(-1e20).tointeger()` are both -2^63). The imp is an ARM
    /// part (Cortex-M3/M4F/R4 modules): VFP `VCVT` and libgcc's soft-float `__aeabi_f2iz`
    /// saturate to the 32-bit range and give 0 for NaN (Arm ARM, VCVT "FPToFixed"),
    /// which is Rust's `as i32`. The 32-bit x86 `sq` gives -2^31 for both instead; see
    /// `tests/conformance-gaps.txt`.
    #[inline]
    pub fn float_to_int(self, f: f32) -> i64 {
        match self {
            Profile::Squirrel if f.is_nan() || f.abs() >= -(i64::MIN as f32) => i64::MIN,
            Profile::Squirrel => f as i64,
            Profile::Imp => i64::from(f as i32),
        }
    }

    /// A number or bool as an integer, as the reference's `sq_getinteger` reads it (floats
    /// convert by [`Profile::float_to_int`], bools are 0/1); `None` for other types.
    pub fn integer_of(self, v: Value) -> Option<i64> {
        match v {
            Value::Int(i) => Some(i),
            Value::Float(f) => Some(self.float_to_int(f)),
            Value::Bool(b) => Some(i64::from(b)),
            _ => None,
        }
    }

    /// The integer a string's byte reads as: the reference on x86 has signed chars
    /// (`"\xBC"[0]` is -68); the imp, an ARM device, has unsigned ones (188), which
    /// is what firmware comparing I2C register bytes with `0xBC` relies on.
    #[inline]
    pub fn char_value(self, byte: u8) -> i64 {
        match self {
            Profile::Squirrel => i64::from(byte as i8),
            Profile::Imp => i64::from(byte),
        }
    }

    /// The string hash whose table placement (and `foreach` order) the profile follows.
    pub(crate) fn string_hash(self) -> StringHash {
        match self {
            Profile::Squirrel => StringHash::Squirrel32,
            Profile::Imp => StringHash::Squirrel30,
        }
    }

    /// The syntax the profile's compiler accepts.
    pub fn dialect(self) -> crate::syntax::Dialect {
        match self {
            Profile::Squirrel => crate::syntax::Dialect::Squirrel32,
            Profile::Imp => crate::syntax::Dialect::Imp,
        }
    }
}

/// The most frames an error's call stack records. Every error that leaves a function
/// records one (before its frames are gone), caught later or not: without a bound, a
/// thread failing at each level of a deep recursion costs the square of the depth.
pub const MAX_TRACE: usize = 100;

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

/// The arguments of a native call, read in place from the VM stack.
/// Index 0 is `this`; parameters follow.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    pub(crate) base: u32,
    pub(crate) count: u32,
    pub(crate) func: Option<NativeId>,
}

impl Args {
    /// Number of arguments including `this`.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Argument `i` (0 = `this`), null when absent.
    #[inline]
    pub fn get(&self, vm: &Vm, i: usize) -> Value {
        if i < self.count as usize {
            vm.ex.stack[self.base as usize + i]
        } else {
            Value::Null
        }
    }

    pub fn this(&self, vm: &Vm) -> Value {
        self.get(vm, 0)
    }

    /// The native's `i`-th free value (see `Vm::new_native_with`).
    pub fn free(&self, vm: &Vm, i: usize) -> Value {
        self.func.and_then(|f| vm.heap.native(f).free.get(i).copied()).unwrap_or(Value::Null)
    }
}

/// The default delegate tables, one per type family.
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
pub(crate) struct Names {
    pub meta: [StrId; 18],
    pub constructor: StrId,
    pub types: [StrId; 14],
}

pub struct Vm {
    pub(crate) heap: Heap,
    pub(crate) profile: Profile,
    /// The running context.
    pub(crate) ex: ExecState,
    /// Contexts suspended beneath the running one (resumers of generators/threads).
    pub(crate) parked: Vec<ExecState>,
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
    /// Members added to instantiated classes and entries set in the instance default
    /// delegate: edits that can turn a name read through `this` from a global into a
    /// member (see `InlineCache::via_root`).
    pub(crate) member_edits: u64,
    /// `pcall`/`pacall` in progress: errors do not reach the error handler.
    pub(crate) suppress_error_handler: u32,
    /// Set by a panic inside the VM (see `Vm::guarded`): every later call fails.
    poisoned: Option<String>,
    /// A reused buffer for building strings (concatenation) before interning them.
    pub(crate) scratch: Vec<u8>,
    out: OutputFn,
    err_out: OutputFn,
}

/// Where the VM writes text (`print` output, error reports).
pub type OutputFn = Box<dyn FnMut(&[u8])>;

const MAX_NATIVE_DEPTH: u32 = 100;
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
        let mut heap = Heap::default();
        heap.strings = Strings::new(profile.string_hash());
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
        let mut vm = Vm {
            heap,
            profile,
            ex: ExecState::new(CtxId::Main, Vec::with_capacity(1024)),
            parked: Vec::new(),
            root,
            consts,
            registry,
            delegates,
            names: Names { meta, constructor, types },
            held: Vec::new(),
            pinned: Vec::new(),
            embed: Default::default(),
            native_depth: 0,
            nested_runs: 0,
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
            suppress_error_handler: 0,
            poisoned: None,
            scratch: Vec::new(),
            out: Box::new(|b| {
                use std::io::Write;
                let _ = std::io::stdout().write_all(b);
            }),
            err_out: Box::new(|b| {
                use std::io::Write;
                let _ = std::io::stderr().write_all(b);
            }),
        };
        crate::library::delegates::install(&mut vm);
        crate::library::baselib::install(&mut vm);
        vm
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

    // ----- values ---------------------------------------------------------------------

    pub fn string(&mut self, s: &str) -> Value {
        Value::Str(self.heap.intern(s.as_bytes()))
    }

    pub fn bytes(&mut self, s: &[u8]) -> Value {
        Value::Str(self.heap.intern(s))
    }

    /// What a container slot holding `v` reads as: a weak reference's target (null once
    /// collected); any other value itself.
    pub fn resolve(&self, v: Value) -> Value {
        self.heap.real(v)
    }

    /// The elements of an array, as stored (see [`Vm::resolve`]).
    pub fn array_items(&self, v: Value) -> Option<&[Value]> {
        match v {
            Value::Array(a) => Some(self.heap.array(a)),
            _ => None,
        }
    }

    /// The (key, value) pairs of a table in iteration order, as stored.
    pub fn table_entries(&self, v: Value) -> Option<impl Iterator<Item = (Value, Value)> + '_> {
        match v {
            Value::Table(t) => Some(self.heap.table(t).entries()),
            _ => None,
        }
    }

    /// The bytes of a string value.
    pub fn str_bytes(&self, v: Value) -> Option<&[u8]> {
        match v {
            Value::Str(s) => Some(self.heap.str(s)),
            _ => None,
        }
    }

    pub fn new_table(&mut self) -> Value {
        Value::Table(self.heap.alloc_table(Table::with_capacity(0)))
    }

    pub fn new_array(&mut self, items: Vec<Value>) -> Value {
        self.admit_all(&items);
        Value::Array(self.heap.alloc_array(items))
    }

    /// A new array of `n` copies of `fill`, its size checked by [`Vm::reserve`] first.
    pub fn new_array_filled(&mut self, n: usize, fill: Value) -> Result<Value, Fail> {
        self.filled_array(n, fill).map(Value::Array)
    }

    pub(crate) fn filled_array(&mut self, n: usize, fill: Value) -> Result<ArrayId, Fail> {
        let mut items = Vec::new();
        self.reserve_values(n)?;
        if items.try_reserve_exact(n).is_err() {
            return Err(self.error("out of memory"));
        }
        items.resize(n, fill);
        Ok(self.heap.alloc_array(items))
    }

    /// Array `a`, a running native's `this` (so live), with room for `extra` more
    /// items: every growth of an existing array goes through here, so its size is
    /// checked by [`Vm::reserve`] before the array reallocates. Inlined, with the
    /// growth apart: a push into spare capacity (most of them) costs one comparison
    /// more than a bare `Vec::push`.
    #[inline]
    pub(crate) fn array_room(&mut self, a: ArrayId, extra: usize) -> Result<&mut Vec<Value>, Fail> {
        let arr = self.heap.arrays.get_live(a.0);
        if arr.capacity() - arr.len() < extra {
            self.array_grow(a, extra)?;
        }
        Ok(self.heap.arrays.get_live_mut(a.0))
    }

    /// The growth of [`Vm::array_room`]: checked, then made.
    #[inline(never)]
    fn array_grow(&mut self, a: ArrayId, extra: usize) -> Result<(), Fail> {
        let arr = self.heap.array(a);
        let (len, cap) = (arr.len(), arr.capacity());
        // What the vector will allocate: at least double its capacity.
        let items = len.saturating_add(extra).max(cap.saturating_mul(2));
        self.reserve_values(items)?;
        if self.heap.array_mut(a).try_reserve(extra).is_err() {
            return Err(self.error("out of memory"));
        }
        Ok(())
    }

    /// A runtime error carrying `msg` (for natives: `return Err(vm.error("..."))`).
    pub fn error(&mut self, msg: impl AsRef<str>) -> Fail {
        Fail::Error(self.string(msg.as_ref()))
    }

    pub fn root_table(&self) -> Value {
        Value::Table(self.root)
    }

    pub fn const_table(&self) -> Value {
        Value::Table(self.consts)
    }

    /// A table private to the embedder and libraries (not reachable from scripts).
    pub fn registry(&self) -> Value {
        Value::Table(self.registry)
    }

    /// Raw slot write in a table (creating it).
    pub fn table_set(&mut self, table: Value, key: Value, val: Value) {
        let (key, val) = (self.admit(key), self.admit(val));
        if let (Value::Table(t), false) = (table, key.is_null()) {
            if t == self.delegates.instance {
                self.member_edits += 1;
            }
            self.heap.tables.get_mut(t.0).insert(key, val, &self.heap.strings);
        }
    }

    /// Raw slot read from a table.
    pub fn table_get(&self, table: Value, key: Value) -> Option<Value> {
        match table {
            Value::Table(t) => self.heap.table(t).get(key, &self.heap.strings).map(|v| self.heap.real(v)),
            _ => None,
        }
    }

    pub fn set_global(&mut self, name: &str, val: Value) {
        let k = self.string(name);
        self.table_set(Value::Table(self.root), k, val);
    }

    pub fn get_global(&mut self, name: &str) -> Option<Value> {
        let k = self.string(name);
        self.table_get(Value::Table(self.root), k)
    }

    /// Checks that `v`, given to this VM from Rust, is one of its own values: a value
    /// of another VM would name objects this one does not have. A misuse of the API,
    /// so a panic (a caught internal error inside a call), never a wrong read.
    #[track_caller]
    pub(crate) fn admit(&self, v: Value) -> Value {
        assert!(self.heap.owns(v), "a value of another VM was given to this one");
        v
    }

    /// [`Vm::admit`] for several values.
    #[track_caller]
    fn admit_all(&self, vs: &[Value]) {
        for &v in vs {
            self.admit(v);
        }
    }

    /// Keeps `v` alive until the running native returns. A collection may run inside
    /// any call back into the VM (`call_value`, metamethods, callbacks), so a native
    /// holds every value it keeps in Rust across such a call, unless the value is one
    /// of its arguments or stays reachable from them.
    pub fn hold(&mut self, v: Value) {
        self.held.push(self.admit(v));
    }

    /// [`Vm::hold`] for several values.
    pub fn hold_all(&mut self, vs: &[Value]) {
        self.admit_all(vs);
        self.held.extend_from_slice(vs);
    }

    /// Keeps `v` alive while Rust code outside any native (a host, an embedder) holds
    /// it, until [`Vm::unpin`].
    pub fn pin(&mut self, v: Value) {
        self.pinned.push(self.admit(v));
    }

    pub fn unpin(&mut self, v: Value) {
        if let Some(i) = self.pinned.iter().rposition(|p| p.raw_eq(v)) {
            self.pinned.swap_remove(i);
        }
    }

    // ----- natives --------------------------------------------------------------------

    /// A native function value. `nparams`: 0 unchecked, n > 0 exactly n arguments
    /// (counting `this`), n < 0 at least -n. `typemask` uses the reference's letters
    /// (`"tn|s"` etc., `.` any), one group per argument starting with `this`.
    pub fn new_native(&mut self, name: &str, f: PlainNative, nparams: i32, typemask: Option<&str>) -> Value {
        self.new_native_body(name, NativeBody::Plain(f), nparams, typemask, Vec::new())
    }

    /// Like `new_native`, for closures, with free values the native reads through
    /// `Args::free` (kept alive by the collector).
    pub fn new_native_with(
        &mut self,
        name: &str,
        f: NativeFn,
        nparams: i32,
        typemask: Option<&str>,
        free: Vec<Value>,
    ) -> Value {
        self.new_native_body(name, NativeBody::Closure(f), nparams, typemask, free)
    }

    /// A native with the code of `native` under new parameter checks (`None` when
    /// `native` is not a native function).
    pub fn renative(&mut self, native: Value, name: &str, nparams: i32, typemask: Option<&str>) -> Option<Value> {
        let Value::Native(id) = native else { return None };
        let body = self.heap.native(id).body.clone();
        Some(self.new_native_body(name, body, nparams, typemask, Vec::new()))
    }

    /// A native value from either kind of code.
    pub fn new_native_body(
        &mut self,
        name: &str,
        body: NativeBody,
        nparams: i32,
        typemask: Option<&str>,
        free: Vec<Value>,
    ) -> Value {
        self.native_with_masks(name, body, nparams, typemask.map(parse_typemask), free)
    }

    /// [`Vm::new_native_body`] with the type masks already parsed (one per argument).
    pub(crate) fn native_with_masks(
        &mut self,
        name: &str,
        body: NativeBody,
        nparams: i32,
        typemask: Option<Box<[u32]>>,
        free: Vec<Value>,
    ) -> Value {
        self.admit_all(&free);
        let name = self.heap.intern(name.as_bytes());
        Value::Native(self.heap.alloc_native(NativeFunction {
            name,
            body,
            arity: Arity::of(nparams),
            typemask,
            env: None,
            free: free.into_boxed_slice(),
        }))
    }

    /// Registers a native function as a root-table global.
    pub fn register(
        &mut self,
        name: &str,
        f: fn(&mut Vm, Args) -> Result<Value, Fail>,
        nparams: i32,
        typemask: Option<&str>,
    ) {
        let v = self.new_native(name, f, nparams, typemask);
        self.set_global(name, v);
    }

    /// Adds a native to `table` (e.g. a library namespace or a delegate table).
    pub fn register_in(
        &mut self,
        table: Value,
        name: &str,
        f: fn(&mut Vm, Args) -> Result<Value, Fail>,
        nparams: i32,
        typemask: Option<&str>,
    ) {
        let v = self.new_native(name, f, nparams, typemask);
        let k = self.string(name);
        self.table_set(table, k, v);
    }

    /// A user-data value with native payload and a delegate table for its methods.
    pub fn new_userdata(&mut self, data: Box<dyn std::any::Any>, delegate: Option<Value>) -> Value {
        let delegate = match delegate.map(|d| self.admit(d)) {
            Some(Value::Table(t)) => Some(t),
            _ => None,
        };
        Value::UserData(self.heap.alloc_userdata(UserData { data, delegate }))
    }

    pub fn userdata<T: 'static>(&self, v: Value) -> Option<&T> {
        match v {
            Value::UserData(u) => self.heap.userdata.get(u.0).data.downcast_ref(),
            _ => None,
        }
    }

    pub fn userdata_mut<T: 'static>(&mut self, v: Value) -> Option<&mut T> {
        match v {
            Value::UserData(u) => self.heap.userdata.get_mut(u.0).data.downcast_mut(),
            _ => None,
        }
    }

    /// Native data attached to an instance (e.g. by a library's constructor).
    pub fn instance_data<T: 'static>(&self, v: Value) -> Option<&T> {
        match v {
            Value::Instance(i) => self.heap.instance(i).user.as_ref()?.downcast_ref(),
            _ => None,
        }
    }

    pub fn instance_data_mut<T: 'static>(&mut self, v: Value) -> Option<&mut T> {
        match v {
            Value::Instance(i) => self.heap.instance_mut(i).user.as_mut()?.downcast_mut(),
            _ => None,
        }
    }

    pub fn set_instance_data(&mut self, v: Value, data: Box<dyn std::any::Any>) {
        if let Value::Instance(i) = v {
            self.heap.instance_mut(i).user = Some(data);
        }
    }

    /// A new empty class, for libraries that define native classes (`blob`, `regexp`).
    pub fn new_empty_class(&mut self) -> Value {
        Value::Class(self.heap.alloc_class(Class::with_members(Table::with_capacity(0))))
    }

    /// Declares a class member as `class { name = val }` does (the constructor and
    /// metamethods such as `_get` included).
    pub fn class_set(&mut self, class: Value, name: &str, val: Value) -> Result<(), Fail> {
        self.admit(val);
        let key = self.string(name);
        self.new_slot(class, key, val, false)
    }

    /// Makes `class` derive from `base` after the fact (for `instanceof` only: it
    /// inherits no members), as the reference's blob derives from its stream.
    pub fn class_set_base(&mut self, class: Value, base: Value) {
        if let (Value::Class(c), Value::Class(b)) = (class, base) {
            self.heap.class_mut(c).base = Some(b);
        }
    }

    /// Whether `v` is an instance of `class` or of a class derived from it.
    pub fn is_instance_of(&mut self, v: Value, class: Value) -> bool {
        matches!(class, Value::Class(_)) && self.instance_of(v, class).unwrap_or(false)
    }

    /// The default delegate of a type (the methods all its values answer to), so a
    /// library can add, replace or remove methods for its profile.
    pub fn type_delegate(&self, t: Type) -> Option<Value> {
        let d = &self.delegates;
        let id = match t {
            Type::Table => d.table,
            Type::Array => d.array,
            Type::String => d.string,
            Type::Integer | Type::Float | Type::Bool => d.number,
            Type::Function => d.function,
            Type::Generator => d.generator,
            Type::Thread => d.thread,
            Type::Class => d.class,
            Type::Instance => d.instance,
            Type::WeakRef => d.weakref,
            Type::Null | Type::UserData => return None,
        };
        Some(Value::Table(id))
    }

    /// Removes a raw slot from a table, returning its value.
    pub fn table_remove(&mut self, table: Value, key: Value) -> Option<Value> {
        match table {
            Value::Table(t) => self.heap.tables.get_mut(t.0).remove(key, &self.heap.strings),
            _ => None,
        }
    }

    // ----- compiling and running ------------------------------------------------------

    /// Compiles `source` into a closure (the script's main function).
    pub fn compile(&mut self, source: &str, file: &str) -> Result<Value, Error> {
        self.guarded(|vm| vm.metered(|vm| vm.compile_unmetered(source, file)))
    }

    fn compile_unmetered(&mut self, source: &str, file: &str) -> Result<Value, Error> {
        // The tree is the compiler's scratch (kept in the parse cache), not the script's
        // memory; what the script holds is the bytecode compiled from it.
        let ast = crate::heap::memory::unmetered(|| crate::syntax::parse_shared(source, file, self.profile.dialect()))?;
        let map = &ast.source_map;
        let position_of = |off: u32| {
            let p = map.position(off);
            (p.line, p.file)
        };
        let env = CompileEnv {
            heap: &mut self.heap,
            consts: self.consts,
            profile: self.profile,
            source: file,
            position_of: &position_of,
        };
        let proto = compiler::compile(&ast.program, env)
            .map_err(|e| ParseError::new(map, e.message, e.span.hi as usize, Some(e.span)))?;
        self.note_compiled(&proto);
        Ok(self.make_closure(proto))
    }

    /// A closure for a freshly compiled main function.
    pub(crate) fn make_closure(&mut self, proto: Rc<Proto>) -> Value {
        Value::Closure(self.heap.alloc_closure(Closure {
            proto,
            outers: Box::new([]),
            defaults: Box::new([]),
            env: None,
            root: self.root,
            base: None,
        }))
    }

    /// Compiles and runs a script with the root table as `this`.
    pub fn run_source(&mut self, source: &str, file: &str) -> Result<Value, Error> {
        let f = self.compile(source, file)?;
        let root = self.root_table();
        self.call(f, root, &[])
    }

    /// Calls a Squirrel (or native) function from Rust.
    pub fn call(&mut self, f: Value, this: Value, args: &[Value]) -> Result<Value, Error> {
        self.guarded(|vm| {
            vm.pending_trace = None;
            vm.error_notified = false;
            let r = vm.metered(|vm| vm.call_value(f, this, args));
            r.map_err(|fail| Error::Runtime(vm.runtime_error(fail)))
        })
    }

    /// Runs a host's entry into the VM. A panic inside (a bug of impish's, never a
    /// script's doing) becomes an [`Error::Internal`] and poisons the VM, whose state
    /// it may have left half-changed, so that one VM's bug cannot take down a host
    /// that runs many (a line, a test run). Calls from natives pass straight through:
    /// the outermost entry catches.
    pub(crate) fn guarded<T>(&mut self, f: impl FnOnce(&mut Vm) -> Result<T, Error>) -> Result<T, Error> {
        if let Some(why) = &self.poisoned {
            return Err(Error::Internal(why.clone()));
        }
        if self.native_depth > 0 || self.nested_runs > 0 {
            return f(self);
        }
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self))) {
            Ok(r) => r,
            Err(payload) => {
                let why = match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
                    (Some(s), _) => s.to_string(),
                    (_, Some(s)) => s.clone(),
                    _ => "a panic".to_string(),
                };
                self.poisoned = Some(why.clone());
                Err(Error::Internal(why))
            }
        }
    }

    pub(crate) fn runtime_error(&mut self, fail: Fail) -> RuntimeError {
        let value = match fail {
            Fail::Error(v) => v,
            Fail::Suspend(_) | Fail::Switch(_) => self.string(crate::interpreter::coroutine::CANNOT_SUSPEND),
        };
        let message = match value {
            Value::Str(s) => String::from_utf8_lossy(self.heap.str(s)).into_owned(),
            _ => "unknown".to_string(),
        };
        let described = self.describe(value);
        RuntimeError { message, value: described, stack: self.pending_trace.take().unwrap_or_default() }
    }

    /// A short rendering of a value for diagnostics (no metamethods are called).
    pub fn describe(&self, v: Value) -> String {
        match v {
            Value::Str(s) => String::from_utf8_lossy(self.heap.str(s)).into_owned(),
            other => String::from_utf8_lossy(&self.plain_string(other)).into_owned(),
        }
    }

    /// Calls `f` with `this` and `args`; for natives and metamethods.
    pub fn call_value(&mut self, f: Value, this: Value, args: &[Value]) -> Result<Value, Fail> {
        self.admit(f);
        self.admit(this);
        self.admit_all(args);
        self.call_own(f, this, args)
    }

    /// `call_value` for values the VM itself produced (metamethods, the callbacks of
    /// its own natives), which need no admission. Inlined, so a call site's fixed
    /// argument count copies its arguments without a `memcpy` call.
    #[inline]
    pub(crate) fn call_own(&mut self, f: Value, this: Value, args: &[Value]) -> Result<Value, Fail> {
        let base = self.ex.top as usize;
        let n = args.len() + 1;
        self.ex.ensure(base + n + 1);
        self.ex.stack[base] = this;
        self.ex.stack[base + 1..base + n].copy_from_slice(args);
        let saved_top = self.ex.top;
        self.ex.top = (base + n) as u32;
        let r = self.call_at(f, base as u32, n as u32);
        self.ex.top = saved_top;
        r
    }

    /// Calls `f` with the `n` arguments already at `stack[base..]` (`this` first).
    pub(crate) fn call_at(&mut self, f: Value, base: u32, n: u32) -> Result<Value, Fail> {
        match f {
            Value::Closure(c) => {
                self.nesting_room()?;
                // The interpreter's own fast entry first (a comparator, a callback, a
                // metamethod are mostly plain functions), the general one otherwise.
                if self.enter_plain(c, base, n, base, FRAME_ENTRY).is_none() {
                    if let Entered::Value(v) = self.enter_closure(c, base, n, base, FRAME_ENTRY)? {
                        return Ok(v);
                    }
                }
                self.run_nested_at(self.ex.frames.len() - 1, self.parked.len(), None)
            }
            Value::Native(id) => match self.call_native(id, Args { base, count: n, func: Some(id) }) {
                // Suspending beneath a native or a metamethod; a thread's `call` from Rust.
                Err(Fail::Suspend(_)) => Err(self.error(crate::interpreter::coroutine::CANNOT_SUSPEND)),
                Err(Fail::Switch(t)) => self.run_thread(t),
                r => r,
            },
            Value::Class(c) => {
                let inst = self.instantiate(c)?;
                self.ex.stack[base as usize] = inst;
                if let Some(ctor) = self.constructor_of(c) {
                    self.call_at(ctor, base, n)?;
                }
                Ok(inst)
            }
            Value::Table(_) | Value::Instance(_) | Value::UserData(_) => match self.meta_of(f, Meta::Call) {
                Some(mm) => {
                    let mut args = vec![self.ex.stack[base as usize]];
                    for i in 1..n {
                        args.push(self.ex.stack[(base + i) as usize]);
                    }
                    self.call_own(mm, f, &args)
                }
                None => Err(self.call_error(f)),
            },
            other => Err(self.call_error(other)),
        }
    }

    /// Fails when the interpreter may not nest once more in Rust. Natives and
    /// metamethods calling scripts, and threads called from them, each run the
    /// interpreter again beneath the running one, on the Rust stack. Their number is
    /// bounded as the reference bounds it, and the stack they take by
    /// `NESTED_STACK_BUDGET` (a debug build's interpreter takes ~40 KB a run), so that
    /// even a 2 MB thread cannot overflow (tests/nested_runs.rs).
    #[inline(always)]
    pub(crate) fn nesting_room(&mut self) -> Result<(), Fail> {
        let here = stack_position();
        if self.nested_runs == 0 {
            self.nested_stack_base = here;
        } else if self.nested_runs >= MAX_NATIVE_DEPTH || here.abs_diff(self.nested_stack_base) > NESTED_STACK_BUDGET {
            return Err(self.native_stack_overflow());
        }
        Ok(())
    }

    /// The error of one nesting too many (natives or interpreter runs), kept out of
    /// the calls' inlined paths.
    #[cold]
    #[inline(never)]
    fn native_stack_overflow(&mut self) -> Fail {
        self.error("Native stack overflow")
    }

    /// Runs the interpreter nested beneath the running one (see `nesting_room` and
    /// `run_from`). With `raise`, the run starts by raising that error where the running
    /// context stands (a thread woken by `wakeupthrow`).
    pub(crate) fn run_nested_at(&mut self, entry: usize, depth: usize, raise: Option<Value>) -> Result<Value, Fail> {
        self.nested_runs += 1;
        let r = match raise {
            Some(v) if !self.unwind(v, entry, depth) => Err(Fail::Error(v)),
            _ => self.run_from(entry, depth),
        };
        self.nested_runs -= 1;
        r
    }

    pub(crate) fn call_error(&mut self, f: Value) -> Fail {
        let t = f.type_of();
        self.error(format!("attempt to call '{t}'"))
    }

    /// Invokes a native with parameter checks. Inlined into its two callers (the
    /// dispatch loop's `call_slow` and `call_at`), so a native call costs one function
    /// call, not three; plain functions are called directly.
    #[inline(always)]
    pub(crate) fn call_native(&mut self, id: NativeId, args: Args) -> Result<Value, Fail> {
        let nf = self.heap.native(id);
        if !nf.arity.admits(args.count) {
            return Err(self.error("wrong number of parameters"));
        }
        // A native bound to an environment sees the environment as `this`, and its type
        // mask checks what it will see: `[].sort.bindenv({})` takes no table.
        if let Some(env) = nf.env {
            self.ex.stack[args.base as usize] = self.heap.weak_target(env);
        }
        if let Some(mask) = &nf.typemask {
            // `.` (any) is all ones, and every value has a type bit. Both slices have
            // the same length, so the check is one counted loop.
            let base = args.base as usize;
            let k = mask.len().min(args.count as usize);
            let given = self.ex.stack.get(base..base + k).unwrap_or(&[]);
            let mask = &mask[..given.len()];
            if let Some(i) = mask.iter().zip(given).position(|(&m, &v)| raw_type_bit(v) & m == 0) {
                let (m, v) = (mask[i], given[i]);
                return Err(self.param_type_error(i, m, v));
            }
        }
        let plain = match &nf.body {
            NativeBody::Plain(f) => Some(*f),
            NativeBody::Closure(_) => None,
        };
        if self.native_depth >= MAX_NATIVE_DEPTH {
            return Err(self.native_stack_overflow());
        }
        self.native_depth += 1;
        let held = self.held.len();
        let r = match plain {
            Some(f) => f(self, args),
            None => self.call_native_closure(id, args),
        };
        self.held.truncate(held);
        self.native_depth -= 1;
        // What a native returns enters the registers: it must be this VM's.
        if let Ok(v) | Err(Fail::Error(v) | Fail::Suspend(v)) = r {
            self.admit(v);
        }
        r
    }

    /// Runs a native's shared closure (kept out of `call_native`, which plain
    /// functions, the common kind, take without a second look-up).
    #[inline(never)]
    fn call_native_closure(&mut self, id: NativeId, args: Args) -> Result<Value, Fail> {
        match &self.heap.native(id).body {
            NativeBody::Closure(c) => {
                let c = c.clone();
                c(self, args)
            }
            NativeBody::Plain(f) => {
                let f = *f;
                f(self, args)
            }
        }
    }

    fn param_type_error(&mut self, i: usize, mask: u32, v: Value) -> Fail {
        let mut names = Vec::new();
        for bit in 0..16 {
            let m = 1u32 << bit;
            if mask & m != 0 {
                names.push(type_bit_name(m));
            }
        }
        let msg = format!("parameter {i} has an invalid type '{}' ; expected: '{}'", v.type_of(), names.join("|"));
        self.error(msg)
    }

    /// The common script-to-script call, kept free of `Result` plumbing: exact arity,
    /// no varargs, not a generator, no bound environment, and stack room already there.
    /// Pushes the frame and returns its prototype, or does nothing and returns `None`
    /// (the caller then takes `enter_closure`, which handles every case).
    #[inline(always)]
    pub(crate) fn enter_plain(
        &mut self,
        c: ClosureId,
        base: u32,
        nargs: u32,
        ret: u32,
        flags: u8,
    ) -> Option<NonNull<Proto>> {
        let cl = self.heap.closures.get_live(c.0);
        let p: &Proto = &cl.proto;
        let b = base as usize;
        let top = b + p.max_regs as usize;
        if nargs != p.plain_arity
            || cl.env.is_some()
            || top >= self.ex.stack.len()
            || self.ex.frames.len() >= self.max_frames
        {
            return None;
        }
        // The callee's other registers are not cleared: see `ExecState::clear_dead`.
        let saved_top = self.ex.top;
        self.ex.top = top as u32;
        let trap_base = self.ex.traps.len() as u32;
        let frame = Frame::new(c, cl, base, ret, saved_top, trap_base, flags);
        let proto = frame.proto;
        self.ex.frames.push(frame);
        Some(proto)
    }

    /// Pushes a frame for closure `c` whose `this` and arguments are at `stack[base..]`.
    /// Generators are created instead of entered.
    pub(crate) fn enter_closure(
        &mut self,
        c: ClosureId,
        base: u32,
        nargs: u32,
        ret: u32,
        flags: u8,
    ) -> Result<Entered, Fail> {
        let cl = self.heap.closure(c);
        let proto = cl.proto.clone();
        let b = base as usize;
        let np = proto.nparams;
        let mut nargs = nargs;
        if proto.varargs {
            if nargs < np {
                return Err(self.error(format!("wrong number of parameters ({nargs} passed, at least {np} required)")));
            }
            let extra = self.ex.stack[b + np as usize..b + nargs as usize].to_vec();
            let arr = self.heap.alloc_array(extra);
            self.ex.ensure(b + np as usize + 1);
            self.ex.stack[b + np as usize] = Value::Array(arr);
            nargs = np + 1;
        } else if nargs != np {
            let nd = proto.ndefaults;
            if nargs < np && np - nargs <= nd {
                self.ex.ensure(b + np as usize + 1);
                let cl = self.heap.closure(c);
                let first = (nd - (np - nargs)) as usize;
                for (i, d) in cl.defaults[first..].iter().enumerate() {
                    self.ex.stack[b + nargs as usize + i] = *d;
                }
                nargs = np;
            } else {
                return Err(self.error(format!("wrong number of parameters ({nargs} passed, {np} required)")));
            }
        }
        if let Some(env) = self.heap.closure(c).env {
            self.ex.stack[b] = self.heap.weak_target(env);
        }
        if proto.generator {
            let gen = self.new_generator(c, base, nargs, &proto);
            return Ok(Entered::Value(gen));
        }
        if self.ex.frames.len() >= self.max_frames {
            return Err(self.error("stack overflow"));
        }
        let top = b + proto.max_regs as usize;
        self.ex.ensure(top + 1);
        self.ex.stack[b + nargs as usize..top].fill(Value::Null);
        let saved_top = self.ex.top;
        self.ex.top = top as u32;
        let trap_base = self.ex.traps.len() as u32;
        let frame = Frame::new(c, self.heap.closure(c), base, ret, saved_top, trap_base, flags);
        self.ex.frames.push(frame);
        Ok(Entered::Frame)
    }

    /// A new instance of class `c` (no constructor call); locks the class.
    pub(crate) fn instantiate(&mut self, c: ClassId) -> Result<Value, Fail> {
        let class = self.heap.class_mut(c);
        class.locked = true;
        let fields: Fields = class.fields.iter().map(|m| m.value).collect();
        Ok(Value::Instance(self.heap.alloc_instance(Instance { class: c, fields, user: None })))
    }

    pub(crate) fn constructor_of(&self, c: ClassId) -> Option<Value> {
        let class = self.heap.class(c);
        class.constructor.map(|i| class.methods[i].value)
    }

    // ----- errors and the call stack --------------------------------------------------

    /// The script call stack, innermost first, cut at [`MAX_TRACE`] frames.
    pub fn call_stack(&self) -> Vec<StackEntry> {
        let contexts = std::iter::once(&self.ex).chain(self.parked.iter().rev());
        let frames = contexts.flat_map(|ex| ex.frames.iter().rev().map(move |f| (f, &ex.stack)));
        frames.take(MAX_TRACE).map(|(f, stack)| self.stack_entry(f, stack)).collect()
    }

    /// What the call stack shows of frame `f`, whose registers are in `stack`.
    pub(crate) fn stack_entry(&self, f: &Frame, stack: &[Value]) -> StackEntry {
        let p = f.proto();
        let name = match p.name {
            Value::Str(s) => String::from_utf8_lossy(self.heap.str(s)).into_owned(),
            _ => "unknown".to_string(),
        };
        let file = match p.file_at(f.pc().saturating_sub(1) as usize) {
            Value::Str(s) => String::from_utf8_lossy(self.heap.str(s)).into_owned(),
            _ => "unknown".to_string(),
        };
        let line = p.line_at(f.pc().saturating_sub(1) as usize);
        let mut locals = Vec::new();
        let pc = f.pc().saturating_sub(1);
        for l in p.locals.iter().rev() {
            if l.start_pc <= pc && pc < l.end_pc {
                let name = String::from_utf8_lossy(self.heap.str(l.name)).into_owned();
                if name.starts_with('@') {
                    continue;
                }
                let v = stack.get(f.base as usize + l.reg as usize).copied().unwrap_or(Value::Null);
                locals.push((name, crate::api::error::local_text(self, v)));
            }
        }
        StackEntry { function: name, file, line, locals }
    }

    // ----- garbage collection ---------------------------------------------------------

    /// A full collection now; returns the number of objects freed. Under a memory limit
    /// it also measures what is left in use (for the imp profile, a walk of the heap).
    pub fn collect_garbage(&mut self) -> usize {
        let freed = self.metered(|vm| {
            let start = std::time::Instant::now();
            let freed = vm.collect_unmetered();
            vm.record_gc(start.elapsed());
            freed
        });
        if self.memory_limit().is_some() {
            self.measure();
        }
        freed
    }

    fn collect_unmetered(&mut self) -> usize {
        let mut roots = vec![
            Value::Table(self.root),
            Value::Table(self.consts),
            Value::Table(self.registry),
            self.error_handler,
            self.debug_hook,
        ];
        let d = &self.delegates;
        for t in
            [d.table, d.array, d.string, d.number, d.function, d.generator, d.thread, d.class, d.instance, d.weakref]
        {
            roots.push(Value::Table(t));
        }
        roots.extend(self.names.meta.iter().map(|s| Value::Str(*s)));
        roots.extend(self.names.types.iter().map(|s| Value::Str(*s)));
        roots.push(Value::Str(self.names.constructor));
        roots.extend_from_slice(&self.held);
        roots.extend_from_slice(&self.pinned);
        self.embed.push_roots(&mut roots);
        self.ex.clear_dead();
        for ex in self.parked.iter_mut() {
            ex.clear_dead();
        }
        let mut states: Vec<&ExecState> = vec![&self.ex];
        states.extend(self.parked.iter());
        self.heap.collect(&roots, &states)
    }

    /// Collects if allocation pressure says so (natives below hold what they keep).
    #[inline]
    pub(crate) fn safepoint(&mut self) {
        if self.heap.wants_collection() {
            self.collect_garbage();
        }
    }

    /// A disassembly of a closure's bytecode.
    pub fn disassemble(&self, f: Value) -> Option<String> {
        let Value::Closure(c) = f else { return None };
        let proto = self.heap.closure(c).proto.clone();
        Some(crate::compiler::bytecode::disassemble(&proto, &|v| match v {
            Value::Str(s) => format!("{:?}", String::from_utf8_lossy(self.heap.str(s))),
            other => self.describe(other),
        }))
    }
}

/// Result of entering a closure: a frame to run, or an immediate value (generators).
pub(crate) enum Entered {
    Frame,
    Value(Value),
}

/// The reference's type bit of a value (closures and natives differ here).
pub(crate) fn raw_type_bit(v: Value) -> u32 {
    match v {
        Value::Closure(_) => 0x100,
        Value::Native(_) => 0x200,
        other => other.type_of().mask(),
    }
}

pub(crate) fn type_bit_name(m: u32) -> &'static str {
    match m {
        0x1 => "null",
        0x2 => "integer",
        0x4 => "float",
        0x8 => "bool",
        0x10 => "string",
        0x20 => "table",
        0x40 => "array",
        0x80 => "userdata",
        0x100 | 0x200 | 0x2000 => "function",
        0x400 => "generator",
        0x800 => "userdata",
        0x1000 => "thread",
        0x4000 => "class",
        0x8000 => "instance",
        0x10000 => "weakref",
        _ => "outer",
    }
}

/// Parses a typemask in the reference's notation into one mask per argument.
pub(crate) fn parse_typemask(spec: &str) -> Box<[u32]> {
    let mut out = Vec::new();
    let mut cur = 0u32;
    let mut pending = false;
    let mut after_bar = false;
    for ch in spec.chars() {
        let bit = match ch {
            'o' => 0x1,
            'i' => 0x2,
            'f' => 0x4,
            'n' => 0x6,
            'b' => 0x8,
            's' => 0x10,
            't' => 0x20,
            'a' => 0x40,
            'u' => 0x80,
            'c' => 0x300,
            'g' => 0x400,
            'p' => 0x800,
            'v' => 0x1000,
            'y' => 0x4000,
            'x' => 0x8000,
            'r' => 0x10000,
            '.' => u32::MAX,
            '|' => {
                after_bar = true;
                continue;
            }
            _ => continue,
        };
        if pending && !after_bar {
            out.push(cur);
            cur = 0;
        }
        cur = if bit == u32::MAX || cur == u32::MAX { u32::MAX } else { cur | bit };
        pending = true;
        after_bar = false;
    }
    if pending {
        out.push(cur);
    }
    out.into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typemask_parsing() {
        assert_eq!(&*parse_typemask("t|a s"), &[0x60, 0x10]);
        assert_eq!(&*parse_typemask(".n"), &[u32::MAX, 0x6]);
        assert_eq!(&*parse_typemask("xs|o"), &[0x8000, 0x11]);
    }

    #[test]
    fn profile_wraps_integers() {
        assert_eq!(Profile::Imp.wrap(0x1_0000_0001), 1);
        assert_eq!(Profile::Squirrel.wrap(0x1_0000_0001), 0x1_0000_0001);
    }
}
