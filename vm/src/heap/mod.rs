//! The heap: one typed arena per object kind, and the precise mark-and-sweep collector.
//!
//! The collector runs only at interpreter safepoints and on `collectgarbage()`, when
//! every live value is reachable from the roots the VM passes in (stack slots below
//! each context's top, the root and const tables, registries). Weak references whose
//! target did not survive are cleared before the sweep.

pub(crate) mod arena;
pub mod footprint;
pub mod memory;
pub(crate) mod object;
pub(crate) mod outer_list;
pub(crate) mod recycle;
pub(crate) mod string;
pub(crate) mod table;
pub(crate) mod value;

use std::collections::HashMap;
use std::rc::Rc;

use crate::compiler::bytecode::Proto;
use crate::heap::arena::{with_room, Arena, Vacant};
use crate::heap::object::*;
use crate::heap::outer_list::OuterList;
use crate::heap::recycle::Recycled;
use crate::heap::string::Strings;
use crate::heap::table::{Shape, SpareNodes, Table};
use crate::heap::value::*;
use crate::interpreter::cache::MemberMemo;
use crate::interpreter::frame::ExecState;

pub struct Heap {
    pub strings: Strings,
    pub tables: Arena<Table>,
    pub arrays: Arena<Vec<Value>>,
    pub closures: Arena<Closure>,
    pub natives: Arena<NativeFunction>,
    pub classes: Arena<Class>,
    pub instances: Arena<Instance>,
    pub generators: Arena<Generator>,
    pub threads: Arena<Thread>,
    pub weakrefs: Arena<WeakRefObj>,
    pub userdata: Arena<UserData>,
    pub outers: Arena<Outer>,
    /// Empty buffers of dead arrays with room for `FIRST_ARRAY_ROOM` values, for the
    /// first growth of arrays made empty (see `Recycled`).
    array_buffers: Recycled<Vec<Value>>,
    /// Node arrays of the small tables that died in the last collection, for the tables
    /// made next (see `SpareNodes`). Each collection frees what the last cycle left unused.
    spare_nodes: SpareNodes,
    /// The layout of the last record made (see `Shape`), until the next collection.
    record_shape: Option<Shape>,
    /// Class members found by name, until the next collection (see `MemberMemo`).
    pub(crate) member_memo: MemberMemo,
    /// One weak reference per referent, so `x.weakref() == x.weakref()`.
    weak_cache: HashMap<(u32, u32), WeakRefId>,
    /// Allocations since the last collection, and the count that triggers the next.
    allocs: usize,
    threshold: usize,
    /// The thread's allocator count (`memory::live_raw`) after the last collection, and
    /// how far it may grow before the next (see `note_allocs`).
    bytes_after_gc: usize,
    byte_budget: usize,
    /// The growth at which `note_allocs` acts: the budget, or a share of it while spare
    /// table nodes are kept (see `SPARE_RELEASE_DIVISOR`).
    byte_trigger: usize,
    epoch: u32,
    /// GC stress (see `set_stress`).
    stress: bool,
    /// Whether `bindenv` environments are kept alive by the functions bound to them
    /// (the imp's 3.0.4 behaviour, which the Promise library relies on) rather than
    /// held weakly (stock 3.2).
    pub strong_envs: bool,
}

/// Allocations between collections while little is live: small enough that the
/// garbage of a hot loop is reused while still in cache, which matters more for speed
/// than the collections it adds, and that a small program's peak memory stays near the
/// reference's, which frees most garbage at once (classes.nut: 3.5 MB at 10,000, 3.1 at
/// 6,000; sq 3.3).
const MIN_THRESHOLD: usize = 6_000;

/// Once much is live, a collection is due after this many allocations per hundred
/// objects the last one left live. 250 rather than 200: each collection marks all that
/// is live, so a program holding a large structure (recursion.nut's trees) paid for
/// marking it more often than for its own work (10.8% fewer instructions there; the
/// other benchmarks within 0.7%, and no peak higher in 3 runs each).
const LIVE_GROWTH_PERCENT: usize = 250;

/// With the counting allocator installed, a collection is also due once the thread holds
/// this share of what was live after the last one more (1/4: the peak stays near 1.25
/// times the live bytes): the object count alone lets big garbage (a rehashed table's
/// old nodes, a 1,000-element slice) pile up to tens of MB where a reference-counted VM
/// frees it at once.
const BYTE_GROWTH_DIVISOR: usize = 4;

/// The least growth in bytes between two collections paced by bytes, so a small heap
/// is not collected for every few allocations. Half a MB rather than one keeps string
/// garbage near the reference's peak (json.nut: 4.2 -> 2.9 MB, sq 3.5) for a few more
/// collections (logparse.nut: 3.6% more instructions, its spare table nodes released
/// and allocated again each cycle).
const MIN_BYTE_BUDGET: usize = 1 << 19;

/// While spare table nodes are kept, bytes growing by this share of the budget release
/// them: the program is making other objects than tables (strings, arrays), which the
/// allocator can place in the spares' memory, and spares kept idle add to the peak
/// (recursion.nut: its string phase ran on top of 18,000 spares, 2.9 MB).
const SPARE_RELEASE_DIVISOR: usize = 8;

/// The room a vector of values takes at its first growth by up to this many (what
/// `Vec` allocates), and the room of the array buffers the heap recycles.
pub(crate) const FIRST_ARRAY_ROOM: usize = 4;

/// `method()` summed over every arena (the string table included).
macro_rules! sum_over_arenas {
    ($heap:expr, $method:ident) => {
        $heap.strings.$method()
            + $heap.tables.$method()
            + $heap.arrays.$method()
            + $heap.closures.$method()
            + $heap.natives.$method()
            + $heap.classes.$method()
            + $heap.instances.$method()
            + $heap.generators.$method()
            + $heap.threads.$method()
            + $heap.weakrefs.$method()
            + $heap.userdata.$method()
            + $heap.outers.$method()
    };
}

/// Makes the next safepoint collect when `$arena` just became crowded (see
/// `Arena::take_crowded`).
macro_rules! collect_if_crowded {
    ($heap:expr, $arena:ident) => {
        if $heap.$arena.take_crowded() {
            $heap.threshold = 0;
        }
    };
}

macro_rules! allocator {
    ($name:ident, $($rest:tt)*) => {
        allocator!(@ [] $name, $($rest)*);
    };
    (inline $name:ident, $($rest:tt)*) => {
        allocator!(@ [inline] $name, $($rest)*);
    };
    (@ [$($attr:meta)?] $name:ident, $arena:ident, $ty:ty, $id:ident) => {
        $(#[$attr])?
        pub fn $name(&mut self, v: $ty) -> $id {
            self.note_allocs(1);
            let id = self.$arena.insert(v);
            collect_if_crowded!(self, $arena);
            $id(id)
        }
    };
}

impl Default for Heap {
    fn default() -> Self {
        Heap::new(Strings::default())
    }
}

impl Heap {
    /// An empty heap whose strings are `strings` (a table of the profile's hash).
    pub(crate) fn new(strings: Strings) -> Heap {
        Heap {
            strings,
            tables: Arena::default(),
            arrays: Arena::default(),
            closures: Arena::default(),
            natives: Arena::default(),
            classes: Arena::default(),
            instances: Arena::default(),
            generators: Arena::default(),
            threads: Arena::default(),
            weakrefs: Arena::default(),
            userdata: Arena::default(),
            outers: Arena::default(),
            array_buffers: Recycled::default(),
            spare_nodes: SpareNodes::default(),
            record_shape: None,
            member_memo: MemberMemo::default(),
            weak_cache: HashMap::new(),
            allocs: 0,
            threshold: MIN_THRESHOLD,
            bytes_after_gc: memory::live_raw(),
            byte_budget: MIN_BYTE_BUDGET,
            byte_trigger: MIN_BYTE_BUDGET,
            epoch: 0,
            stress: false,
            strong_envs: false,
        }
    }

    /// What keeps this heap from being copied by `replica`, if anything: objects whose
    /// copies could not be independent of the originals. A closure's prototype carries
    /// its VM's inline caches (and a generator's or a thread's context names them), and
    /// native data on an instance cannot be copied.
    pub(crate) fn uncopyable(&self) -> Option<&'static str> {
        if self.closures.live() + self.generators.live() + self.threads.live() + self.outers.live() > 0 {
            Some("script functions")
        } else if self.instances.values().any(|i| i.user.is_some()) {
            Some("native data on instances")
        } else {
            None
        }
    }

    /// A copy of this heap (which `uncopyable` accepts, and not in a collection): every
    /// object under its id, free slots where they were, so the copy goes on exactly as
    /// the original would. Natives share their code and user data its payload; the
    /// caches kept for new objects start empty, and byte pacing starts from now.
    pub(crate) fn replica(&self) -> Heap {
        debug_assert!(self.uncopyable().is_none(), "only a heap without script functions is copied");
        // The copy keeps no spare table nodes, so its trigger is the whole budget.
        let budget = byte_budget(0);
        Heap {
            strings: self.strings.replica(),
            tables: self.tables.replica(Table::clone),
            arrays: self.arrays.replica(with_room),
            closures: self.closures.replica(|_| Closure::vacant()),
            natives: self.natives.replica(NativeFunction::clone),
            classes: self.classes.replica(Class::replica),
            instances: self.instances.replica(|i| Instance { class: i.class, fields: i.fields.clone(), user: None }),
            generators: self.generators.replica(|_| Generator::vacant()),
            threads: self.threads.replica(|_| Thread::vacant()),
            weakrefs: self.weakrefs.replica(|w| *w),
            userdata: self.userdata.replica(UserData::clone),
            outers: self.outers.replica(|_| Outer::vacant()),
            array_buffers: Recycled::default(),
            spare_nodes: SpareNodes::default(),
            record_shape: None,
            member_memo: MemberMemo::default(),
            weak_cache: self.weak_cache.clone(),
            allocs: self.allocs,
            threshold: self.threshold,
            bytes_after_gc: memory::live_raw(),
            byte_budget: budget,
            byte_trigger: budget,
            epoch: self.epoch,
            stress: self.stress,
            strong_envs: self.strong_envs,
        }
    }

    allocator!(alloc_table, tables, Table, TableId);
    allocator!(alloc_array, arrays, Vec<Value>, ArrayId);
    allocator!(alloc_closure, closures, Closure, ClosureId);
    allocator!(alloc_native, natives, NativeFunction, NativeId);
    allocator!(alloc_class, classes, Class, ClassId);
    allocator!(alloc_instance, instances, Instance, InstanceId);
    allocator!(alloc_generator, generators, Generator, GeneratorId);
    allocator!(alloc_thread, threads, Thread, ThreadId);
    allocator!(alloc_userdata, userdata, UserData, UserDataId);
    // Outers are made by the million by `Vm::new_closure`.
    allocator!(inline alloc_outer, outers, Outer, OuterId);

    /// A closure of `proto` (not a class method), made in place (see
    /// `Arena::insert_with`): closures are made by the million, and building each
    /// elsewhere to move it over the vacant one cost two copies and a drop.
    #[inline]
    pub fn new_closure(
        &mut self,
        proto: Rc<Proto>,
        outers: OuterList,
        defaults: Box<[Value]>,
        env: Option<WeakRefId>,
        root: TableId,
    ) -> ClosureId {
        self.note_allocs(1);
        let id = self.closures.insert_with(|c| {
            c.proto = proto;
            c.outers = outers;
            c.defaults = defaults;
            c.env = None;
            c.root = root;
            c.base = None;
        });
        // Set apart, so the common closure (no environment) stores a constant: `env`'s
        // two halves are written separately, and reading them back as one word waits
        // for every store before them to reach the cache (promise.nut: a third of
        // `new_closure`'s time).
        if env.is_some() {
            self.closures.get_live_mut(id).env = env;
        }
        collect_if_crowded!(self, closures);
        ClosureId(id)
    }

    /// A new instance of class `c` holding its field declarations' values, made in
    /// place (see `Arena::insert_with`; small objects are made by the million). Locks
    /// the class.
    pub fn new_instance(&mut self, c: ClassId) -> InstanceId {
        self.note_allocs(1);
        let class = self.classes.get_mut(c.0);
        class.locked = true;
        let members: &[Member] = &class.fields;
        let id = self.instances.insert_with(|inst| {
            // A vacant instance has no native data.
            debug_assert!(inst.user.is_none());
            inst.class = c;
            inst.fields.reset_to(members);
        });
        collect_if_crowded!(self, instances);
        InstanceId(id)
    }

    #[inline]
    pub fn intern(&mut self, s: &[u8]) -> StrId {
        let live = self.strings.live();
        let id = self.strings.intern(s);
        // Only a new string is an allocation; finding an existing one is not pressure.
        self.note_allocs(self.strings.live() - live);
        id
    }

    /// Interns a byte range of an existing string (for slices).
    #[inline]
    pub fn intern_sub(&mut self, id: StrId, range: std::ops::Range<usize>) -> StrId {
        let live = self.strings.live();
        let sub = self.strings.intern_sub(id, range);
        self.note_allocs(self.strings.live() - live);
        sub
    }

    #[inline(always)]
    pub fn str(&self, id: StrId) -> &[u8] {
        self.strings.bytes(id)
    }

    #[inline(always)]
    pub fn table(&self, id: TableId) -> &Table {
        self.tables.get(id.0)
    }
    #[inline(always)]
    pub fn table_mut(&mut self, id: TableId) -> &mut Table {
        self.tables.get_mut(id.0)
    }
    #[inline(always)]
    pub fn array(&self, id: ArrayId) -> &Vec<Value> {
        self.arrays.get(id.0)
    }
    #[inline(always)]
    pub fn array_mut(&mut self, id: ArrayId) -> &mut Vec<Value> {
        self.arrays.get_mut(id.0)
    }
    #[inline(always)]
    pub fn closure(&self, id: ClosureId) -> &Closure {
        self.closures.get(id.0)
    }
    #[inline(always)]
    pub fn class(&self, id: ClassId) -> &Class {
        self.classes.get(id.0)
    }
    #[inline(always)]
    pub fn class_mut(&mut self, id: ClassId) -> &mut Class {
        self.classes.get_mut(id.0)
    }
    #[inline(always)]
    pub fn instance(&self, id: InstanceId) -> &Instance {
        self.instances.get(id.0)
    }
    #[inline(always)]
    pub fn instance_mut(&mut self, id: InstanceId) -> &mut Instance {
        self.instances.get_mut(id.0)
    }
    #[inline(always)]
    pub fn native(&self, id: NativeId) -> &NativeFunction {
        self.natives.get(id.0)
    }

    /// The (cached) weak reference to `target`.
    pub fn weakref(&mut self, target: Value) -> WeakRefId {
        let key = (target.tag(), target.object_id().unwrap_or(0));
        if let Some(w) = self.weak_cache.get(&key) {
            return *w;
        }
        self.note_allocs(1);
        let w = WeakRefId(self.weakrefs.insert(WeakRefObj { target }));
        collect_if_crowded!(self, weakrefs);
        self.weak_cache.insert(key, w);
        w
    }

    /// The referent of a weak reference (null once collected).
    #[inline]
    pub fn weak_target(&self, w: WeakRefId) -> Value {
        self.weakrefs.get(w.0).target
    }

    /// Reads a slot the way containers expose it: weak references read as their target.
    #[inline(always)]
    pub fn real(&self, v: Value) -> Value {
        match v {
            Value::WeakRef(w) => self.weak_target(w),
            v => v,
        }
    }

    /// True when enough has been allocated that a safepoint should collect.
    #[inline(always)]
    pub fn wants_collection(&self) -> bool {
        self.allocs > self.threshold
    }

    /// Counts `n` new objects, and makes the next safepoint collect when the thread's
    /// bytes outgrew the budget. Bytes are looked at here, where objects are made, not at
    /// every safepoint: garbage only comes from objects, and reading the count costs a
    /// thread-local load that the interpreter's safepoint test should not pay.
    #[inline(always)]
    fn note_allocs(&mut self, n: usize) {
        self.allocs += n;
        let grown = memory::live_raw().wrapping_sub(self.bytes_after_gc) as isize;
        if grown > self.byte_trigger as isize {
            self.byte_pressure();
        }
    }

    /// The bytes grew past the trigger: spares kept are released first, and a
    /// collection is due once the growth passes the whole budget.
    #[cold]
    #[inline(never)]
    fn byte_pressure(&mut self) {
        if self.spare_nodes.len() > 0 {
            // The spares' bytes go back to the allocator for the objects being made, and
            // the budget still counts from what was live after the collection.
            let before = memory::live_raw();
            self.release_spares();
            self.bytes_after_gc = self.bytes_after_gc.wrapping_sub(before.wrapping_sub(memory::live_raw()));
            self.byte_trigger = self.byte_budget;
            let grown = memory::live_raw().wrapping_sub(self.bytes_after_gc) as isize;
            if grown <= self.byte_budget as isize {
                return;
            }
        }
        self.threshold = 0;
    }

    /// Arena bytes that hold no object (see `Arena::reusable_bytes`), recycled array
    /// buffers and spare table nodes: a memory limit does not count them, since new
    /// objects fill them first.
    pub fn reusable_bytes(&self) -> usize {
        let buffers = self.array_buffers.len() * FIRST_ARRAY_ROOM * std::mem::size_of::<Value>();
        sum_over_arenas!(self, reusable_bytes) + buffers + self.spare_nodes.bytes()
    }

    /// Frees the recycled objects kept for new ones (spare table nodes).
    pub fn release_spares(&mut self) {
        self.spare_nodes = SpareNodes::default();
    }

    /// A new empty table for about `hint` entries, on a recycled node array when small.
    #[inline]
    pub fn new_table(&mut self, hint: usize) -> TableId {
        let table = self.spare_nodes.table(hint);
        self.alloc_table(table)
    }

    /// A new table holding `pairs` (set in order; null keys are skipped), a copy of
    /// the last one made when it had the same keys (see `Shape`).
    pub fn new_record(&mut self, pairs: &[(Value, Value)]) -> TableId {
        if let Some(table) = self.record_shape.as_ref().and_then(|s| s.record(pairs, &mut self.spare_nodes)) {
            return self.alloc_table(table);
        }
        let id = self.new_table(pairs.len());
        let table = self.tables.get_mut(id.0);
        for &(key, val) in pairs.iter().filter(|(key, _)| !key.is_null()) {
            table.insert(key, val, &self.strings);
        }
        self.record_shape = Shape::of(pairs.iter().map(|p| p.0), self.tables.get(id.0), &self.strings);
        id
    }

    /// Records of the same `keys`, one per row of values (as `new_record` makes each):
    /// the keys are compared with the last record's once, not per record. The values
    /// must be this heap's (asserted, as `Vm::admit` does).
    pub fn new_records<const N: usize>(
        &mut self,
        keys: [Value; N],
        rows: impl ExactSizeIterator<Item = [Value; N]>,
    ) -> Vec<Value> {
        let mut out = Vec::with_capacity(rows.len());
        let mut shape: Option<Shape> = None;
        for row in rows {
            assert!(row.iter().all(|&v| self.owns(v)), "a value of another VM was given to this one");
            let id = match &shape {
                Some(shape) => {
                    let table = shape.fill(row.into_iter(), &mut self.spare_nodes);
                    self.alloc_table(table)
                }
                None => {
                    let id = self.new_record(&std::array::from_fn::<_, N, _>(|i| (keys[i], row[i])));
                    shape = self.record_shape.take().filter(|s| s.has_keys(keys.into_iter(), N));
                    id
                }
            };
            out.push(Value::Table(id));
        }
        if shape.is_some() {
            self.record_shape = shape;
        }
        out
    }

    /// An empty buffer with room for `FIRST_ARRAY_ROOM` values, recycled when one is
    /// kept: the first growth of an empty array.
    #[inline]
    pub fn first_array_buffer(&mut self) -> Vec<Value> {
        self.array_buffers.take().unwrap_or_else(|| Vec::with_capacity(FIRST_ARRAY_ROOM))
    }

    /// GC stress, for tests: a collection at every safepoint that follows an
    /// allocation, and no reuse of freed ids, so that a value someone forgot to keep
    /// alive is freed at once and its next use is caught.
    pub fn set_stress(&mut self, on: bool) {
        self.stress = on;
        self.threshold = if on { 0 } else { MIN_THRESHOLD };
        self.tables.set_reuse(!on);
        self.arrays.set_reuse(!on);
        self.closures.set_reuse(!on);
        self.natives.set_reuse(!on);
        self.classes.set_reuse(!on);
        self.instances.set_reuse(!on);
        self.generators.set_reuse(!on);
        self.threads.set_reuse(!on);
        self.weakrefs.set_reuse(!on);
        self.userdata.set_reuse(!on);
        self.outers.set_reuse(!on);
    }

    /// Whether `v` could be this heap's: its id (if it has one) is one this heap gave
    /// out. Every value that enters a VM from Rust passes this test (`Vm::admit`), so a
    /// value of another VM never reaches the interpreter's unchecked reads.
    #[inline(always)]
    pub fn owns(&self, v: Value) -> bool {
        // Scalars and strings (read with checks everywhere), the common values, pass on
        // one comparison of the tag; objects need a look at their arena.
        !v.in_arena() || self.owns_object(v)
    }

    fn owns_object(&self, v: Value) -> bool {
        match v {
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => true,
            Value::Table(i) => self.tables.has_slot(i.0),
            Value::Array(i) => self.arrays.has_slot(i.0),
            Value::Closure(i) => self.closures.has_slot(i.0),
            Value::Native(i) => self.natives.has_slot(i.0),
            Value::Class(i) => self.classes.has_slot(i.0),
            Value::Instance(i) => self.instances.has_slot(i.0),
            Value::Generator(i) => self.generators.has_slot(i.0),
            Value::Thread(i) => self.threads.has_slot(i.0),
            Value::WeakRef(i) => self.weakrefs.has_slot(i.0),
            Value::UserData(i) => self.userdata.has_slot(i.0),
        }
    }

    /// Number of live objects of all kinds.
    pub fn live_objects(&self) -> usize {
        sum_over_arenas!(self, live)
    }

    /// A full collection. Returns the number of objects freed.
    pub fn collect(&mut self, roots: &[Value], states: &[&ExecState]) -> usize {
        let before = self.live_objects();
        self.epoch = self.epoch.wrapping_add(1);
        let mut gray: Vec<Value> = roots.to_vec();
        for s in states {
            self.push_exec(s, &mut gray);
        }
        self.trace(&mut gray);
        self.clear_dead_weakrefs();
        self.sweep();
        let live = self.live_objects();
        self.allocs = 0;
        self.threshold = if self.stress { 0 } else { (live * LIVE_GROWTH_PERCENT / 100).max(MIN_THRESHOLD) };
        self.bytes_after_gc = memory::live_raw();
        self.byte_budget = byte_budget(self.reusable_bytes());
        self.byte_trigger = match self.spare_nodes.len() {
            0 => self.byte_budget,
            _ => self.byte_budget / SPARE_RELEASE_DIVISOR,
        };
        before - live
    }

    fn push_exec(&mut self, s: &ExecState, gray: &mut Vec<Value>) {
        // A running coroutine's object may be reachable from nowhere else; its turn
        // ends in it.
        match s.ctx.get() {
            Ctx::Gen(g) => gray.push(Value::Generator(g)),
            Ctx::Thread(t) => gray.push(Value::Thread(t)),
            Ctx::Main => {}
        }
        gray.extend_from_slice(s.live());
        for f in &s.frames {
            gray.push(Value::Closure(f.closure));
        }
        for o in &s.open {
            mark_outer(&mut self.outers, &mut self.strings, o.id, gray);
        }
    }

    /// Marks what prototype `p` names, once per collection: checked here, inline, for
    /// every closure traced, most of which share a prototype marked already.
    #[inline(always)]
    fn mark_proto(&self, p: &Rc<Proto>, gray: &mut Vec<Value>) {
        if p.gc_epoch.get() != self.epoch {
            self.mark_unmarked_proto(p, gray);
        }
    }

    #[inline(never)]
    fn mark_unmarked_proto(&self, p: &Rc<Proto>, gray: &mut Vec<Value>) {
        p.gc_epoch.set(self.epoch);
        p.ic.clear();
        gray.extend_from_slice(&p.consts);
        gray.push(p.name);
        gray.push(p.source);
        gray.extend(p.files.iter().map(|f| f.1));
        gray.extend(p.params.iter().map(|s| Value::Str(*s)));
        gray.extend(p.outer_names.iter().map(|s| Value::Str(*s)));
        gray.extend(p.locals.iter().map(|l| Value::Str(l.name)));
        for c in &p.children {
            self.mark_proto(c, gray);
        }
    }

    /// Marks `v`; true if it was unmarked before (its children still need a visit).
    fn mark(&mut self, v: Value) -> bool {
        match v {
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => false,
            Value::Str(i) => {
                self.strings.mark(i);
                false
            }
            Value::Table(i) => self.tables.mark(i.0),
            Value::Array(i) => self.arrays.mark(i.0),
            Value::Closure(i) => self.closures.mark(i.0),
            Value::Native(i) => self.natives.mark(i.0),
            Value::Class(i) => self.classes.mark(i.0),
            Value::Instance(i) => self.instances.mark(i.0),
            Value::Generator(i) => self.generators.mark(i.0),
            Value::Thread(i) => self.threads.mark(i.0),
            Value::WeakRef(i) => {
                self.weakrefs.mark(i.0);
                false
            }
            Value::UserData(i) => self.userdata.mark(i.0),
        }
    }

    fn trace(&mut self, gray: &mut Vec<Value>) {
        while let Some(v) = gray.pop() {
            if !self.mark(v) {
                continue;
            }
            match v {
                Value::Table(i) => {
                    let t = self.tables.get(i.0);
                    for (k, v) in t.entries() {
                        queue(&mut self.strings, gray, k);
                        queue(&mut self.strings, gray, v);
                    }
                    if let Some(d) = t.delegate {
                        gray.push(Value::Table(d));
                    }
                }
                Value::Array(i) => {
                    for v in self.arrays.get(i.0) {
                        queue(&mut self.strings, gray, *v);
                    }
                }
                Value::Closure(i) => {
                    let c = self.closures.get(i.0);
                    gray.extend_from_slice(&c.defaults);
                    // Nearly always the root table, marked already.
                    if !self.tables.is_marked(c.root.0) {
                        gray.push(Value::Table(c.root));
                    }
                    if let Some(e) = c.env {
                        gray.push(Value::WeakRef(e));
                        if self.strong_envs {
                            gray.push(self.weakrefs.get(e.0).target);
                        }
                    }
                    if let Some(b) = c.base {
                        gray.push(Value::Class(b));
                    }
                    self.mark_proto(&c.proto, gray);
                    // Borrowed, not cloned: the outers arena is apart from the closures.
                    for o in c.outers.iter() {
                        mark_outer(&mut self.outers, &mut self.strings, o, gray);
                    }
                }
                Value::Native(i) => {
                    let n = self.natives.get(i.0);
                    gray.push(Value::Str(n.name));
                    gray.extend_from_slice(&n.free);
                    if let Some(e) = n.env {
                        gray.push(Value::WeakRef(e));
                        if self.strong_envs {
                            gray.push(self.weakrefs.get(e.0).target);
                        }
                    }
                }
                Value::Class(i) => {
                    let c = self.classes.get(i.0);
                    if let Some(b) = c.base {
                        gray.push(Value::Class(b));
                    }
                    gray.extend(c.members.entries().map(|(k, _)| k));
                    for m in c.fields.iter().chain(c.methods.iter()) {
                        gray.push(m.value);
                        gray.push(m.attrs);
                    }
                    gray.extend_from_slice(&c.metamethods);
                    gray.push(c.attrs);
                }
                Value::Instance(i) => {
                    let inst = self.instances.get(i.0);
                    gray.push(Value::Class(inst.class));
                    for v in inst.fields.iter() {
                        queue(&mut self.strings, gray, *v);
                    }
                }
                Value::Generator(i) => {
                    if let Some(mut ex) = self.generators.get_mut(i.0).exec.take() {
                        ex.clear_dead();
                        self.push_exec(&ex, gray);
                        self.generators.get_mut(i.0).exec = Some(ex);
                    }
                }
                Value::Thread(i) => {
                    let th = self.threads.get(i.0);
                    gray.push(th.func);
                    gray.extend(th.chain.iter().map(|g| Value::Generator(*g)));
                    if let Some(mut ex) = self.threads.get_mut(i.0).exec.take() {
                        ex.clear_dead();
                        self.push_exec(&ex, gray);
                        self.threads.get_mut(i.0).exec = Some(ex);
                    }
                }
                Value::UserData(i) => {
                    if let Some(d) = self.userdata.get(i.0).delegate {
                        gray.push(Value::Table(d));
                    }
                }
                _ => {}
            }
        }
    }

    fn is_marked(&self, v: Value) -> bool {
        match v {
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => true,
            Value::Str(i) => self.strings_marked(i),
            Value::Table(i) => self.tables.is_marked(i.0),
            Value::Array(i) => self.arrays.is_marked(i.0),
            Value::Closure(i) => self.closures.is_marked(i.0),
            Value::Native(i) => self.natives.is_marked(i.0),
            Value::Class(i) => self.classes.is_marked(i.0),
            Value::Instance(i) => self.instances.is_marked(i.0),
            Value::Generator(i) => self.generators.is_marked(i.0),
            Value::Thread(i) => self.threads.is_marked(i.0),
            Value::WeakRef(i) => self.weakrefs.is_marked(i.0),
            Value::UserData(i) => self.userdata.is_marked(i.0),
        }
    }

    fn strings_marked(&self, _: StrId) -> bool {
        // Weak references to strings behave like references to values.
        true
    }

    fn clear_dead_weakrefs(&mut self) {
        let ids: Vec<u32> = self.weakrefs.ids().collect();
        for i in ids {
            let target = self.weakrefs.get(i).target;
            if !self.is_marked(target) {
                self.weakrefs.get_mut(i).target = Value::Null;
            }
        }
        let weakrefs = &self.weakrefs;
        self.weak_cache.retain(|_, w| weakrefs.is_marked(w.0) && !weakrefs.get(w.0).target.is_null());
        // Strings referenced only by surviving weak references must survive too.
        let ids: Vec<u32> = self.weakrefs.ids().filter(|i| self.weakrefs.is_marked(*i)).collect();
        for i in ids {
            if let Value::Str(s) = self.weakrefs.get(i).target {
                self.strings.mark(s);
            }
        }
    }

    fn sweep(&mut self) {
        self.strings.sweep();
        self.record_shape = None;
        self.member_memo.clear();
        let spare = &mut self.spare_nodes;
        spare.clear();
        self.tables.sweep(|_, t| spare.keep(t));
        let buffers = &mut self.array_buffers;
        self.arrays.sweep(|_, mut a| {
            if a.capacity() == FIRST_ARRAY_ROOM {
                a.clear();
                buffers.give(a);
            }
        });
        buffers.trim();
        self.closures.sweep(|_, _| {});
        self.natives.sweep(|_, _| {});
        self.classes.sweep(|_, _| {});
        self.instances.sweep(|_, _| {});
        self.generators.sweep(|_, _| {});
        self.threads.sweep(|_, _| {});
        self.weakrefs.sweep(|_, _| {});
        self.userdata.sweep(|_, _| {});
        self.outers.sweep(|_, _| {});
    }
}

/// The bytes the heap may grow by before a collection, from what is live now: the
/// thread's bytes less the `reusable` ones (free arena slots, spare table nodes), which
/// hold no object. Counting them let a heap that once peaked high keep a budget to
/// match (recursion.nut: 2.9 MB of budget on 5.5 MB live, its table arena grown to
/// 38,000 slots where 27,000 served most rounds: 12.1 MB peak where sq has 9.9).
fn byte_budget(reusable: usize) -> usize {
    (memory::live_bytes().saturating_sub(reusable) / BYTE_GROWTH_DIVISOR).max(MIN_BYTE_BUDGET)
}

/// Marks outer `o` and what it keeps alive: its value once closed; while open, the
/// coroutine whose stack holds it (a suspended generator's local can outlive every
/// other reference to the generator).
fn mark_outer(outers: &mut Arena<Outer>, strings: &mut Strings, o: OuterId, gray: &mut Vec<Value>) {
    if outers.mark(o.0) {
        match *outers.get(o.0) {
            Outer::Closed(v) => queue(strings, gray, v),
            Outer::Open { ctx, .. } => match ctx.get() {
                Ctx::Gen(g) => gray.push(Value::Generator(g)),
                Ctx::Thread(t) => gray.push(Value::Thread(t)),
                Ctx::Main => {}
            },
        }
    }
}

/// Queues a container's element for tracing: objects go on the gray stack, strings are
/// marked at once and scalars skipped, so tracing an array of 200,000 integers (or a
/// table of them) does not grow the stack by 3 MB at the heap's peak.
#[inline(always)]
fn queue(strings: &mut Strings, gray: &mut Vec<Value>, v: Value) {
    match v {
        Value::Str(s) => strings.mark(s),
        v if v.in_arena() => gray.push(v),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreachable_objects_are_freed_and_weakrefs_cleared() {
        let mut h = Heap::default();
        let keep = h.alloc_table(Table::with_capacity(0));
        let drop = h.alloc_table(Table::with_capacity(0));
        let k = Value::Str(h.intern(b"k"));
        h.tables.get_mut(keep.0).insert(k, Value::Table(drop), &h.strings);
        let arr = h.alloc_array(vec![Value::Table(keep)]);
        let w = h.weakref(Value::Array(arr));
        let freed = h.collect(&[Value::Table(keep), Value::WeakRef(w)], &[]);
        assert!(freed >= 1);
        assert!(h.weak_target(w).is_null());
        assert!(h.tables.try_get(drop.0).is_some());
        let freed = h.collect(&[], &[]);
        assert!(freed >= 3);
        assert!(h.tables.try_get(keep.0).is_none());
    }

    #[test]
    fn a_recycled_array_buffer_has_the_room_of_a_first_growth() {
        let mut grown: Vec<Value> = Vec::new();
        grown.try_reserve(1).expect("room for one value");
        assert_eq!(grown.capacity(), FIRST_ARRAY_ROOM, "what `Vec` makes for one more value");
        let mut h = Heap::default();
        let buffer = h.first_array_buffer();
        let a = h.alloc_array(buffer);
        h.array_mut(a).push(Value::Int(1));
        h.collect(&[], &[]);
        assert_eq!(h.array_buffers.len(), 1, "the freed array's buffer is kept");
        let buffer = h.first_array_buffer();
        assert!(buffer.is_empty());
        assert_eq!(buffer.capacity(), FIRST_ARRAY_ROOM);
    }

    #[test]
    fn the_next_collection_waits_in_proportion_to_what_is_live() {
        let mut h = Heap::default();
        let live: Vec<Value> = (0..2 * MIN_THRESHOLD).map(|_| Value::Array(h.alloc_array(vec![]))).collect();
        h.collect(&live, &[]);
        assert_eq!(h.threshold, live.len() * LIVE_GROWTH_PERCENT / 100);
        assert!(!h.wants_collection());
        // Little live: the floor.
        h.collect(&live[..10], &[]);
        assert_eq!(h.threshold, MIN_THRESHOLD);
        for _ in 0..MIN_THRESHOLD {
            h.alloc_array(vec![]);
        }
        assert!(!h.wants_collection());
        h.alloc_array(vec![]);
        assert!(h.wants_collection());
    }

    #[test]
    fn byte_pressure_releases_spares_before_it_collects() {
        let mut h = Heap::default();
        h.alloc_table(Table::with_capacity(0));
        h.collect(&[], &[]);
        assert_eq!(h.spare_nodes.len(), 1, "the freed table's nodes are kept");
        assert!(h.byte_trigger < h.byte_budget, "kept spares bring the trigger forward");
        h.byte_pressure();
        assert_eq!(h.spare_nodes.len(), 0);
        assert_eq!(h.byte_trigger, h.byte_budget);
        assert!(!h.wants_collection(), "within the budget, releasing the spares was enough");
        h.byte_pressure();
        h.alloc_table(Table::with_capacity(0));
        assert!(h.wants_collection(), "past the budget with no spares, a collection is due");
    }

    #[test]
    fn records_made_together_are_the_records_made_one_by_one() {
        let mut h = Heap::default();
        let keys = [Value::Str(h.intern(b"begin")), Value::Str(h.intern(b"end"))];
        let rows = [[Value::Int(1), Value::Int(2)], [Value::Int(3), Value::Int(4)], [Value::Int(5), Value::Null]];
        let made = h.new_records(keys, rows.into_iter());
        assert_eq!(made.len(), rows.len());
        for (t, row) in made.iter().zip(rows) {
            let Value::Table(t) = *t else { panic!("a record is a table") };
            let one = h.new_record(&[(keys[0], row[0]), (keys[1], row[1])]);
            let entries = |t: TableId| h.table(t).entries().map(|(k, v)| (k.raw_eq(keys[0]), v)).collect::<Vec<_>>();
            let (a, b) = (entries(t), entries(one));
            assert_eq!(a.len(), 2);
            assert!(a.iter().zip(&b).all(|(x, y)| x.0 == y.0 && x.1.raw_eq(y.1)));
        }
    }
}
