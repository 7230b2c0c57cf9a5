//! The heap object kinds other than strings and tables: closures, natives, classes,
//! instances, generators, threads, weak references, user data and outer variables.

use std::any::Any;
use std::rc::Rc;

use crate::api::vm::{Args, Fail, Vm};
use crate::compiler::bytecode::Proto;
use crate::heap::arena::{with_room, Vacant};
pub use crate::heap::outer_list::OuterList;
use crate::heap::table::Table;
use crate::heap::value::{ClassId, GeneratorId, StrId, TableId, ThreadId, Type, Value, WeakRefId};
use crate::interpreter::frame::ExecState;

pub struct Closure {
    pub proto: Rc<Proto>,
    pub outers: OuterList,
    /// Default parameter values, evaluated when the closure was created.
    pub defaults: Box<[Value]>,
    /// `bindenv` / `function[env]`: the fixed `this`, held weakly.
    pub env: Option<WeakRefId>,
    /// The root table at creation; unresolved names fall back to it.
    pub root: TableId,
    /// For class methods: the base class `base` refers to.
    pub base: Option<ClassId>,
}

/// Where a running context's stack lives; open outers name it. One word, its kind
/// above its id, so that comparing two (every read or write of an open outer does) is
/// one comparison: as an enum, it took four instructions (maps.nut: 1.4% of them).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CtxId(u64);

/// A `CtxId` taken apart.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ctx {
    Main,
    Gen(GeneratorId),
    Thread(ThreadId),
}

impl CtxId {
    pub const MAIN: CtxId = CtxId(0);
    const GEN: u64 = 1 << 32;
    const THREAD: u64 = 2 << 32;

    #[inline]
    pub fn generator(g: GeneratorId) -> CtxId {
        CtxId(CtxId::GEN | u64::from(g.0))
    }

    #[inline]
    pub fn thread(t: ThreadId) -> CtxId {
        CtxId(CtxId::THREAD | u64::from(t.0))
    }

    #[inline]
    pub fn get(self) -> Ctx {
        match self.0 & !u64::from(u32::MAX) {
            CtxId::GEN => Ctx::Gen(GeneratorId(self.0 as u32)),
            CtxId::THREAD => Ctx::Thread(ThreadId(self.0 as u32)),
            _ => Ctx::Main,
        }
    }

    #[inline]
    pub fn is_generator(self) -> bool {
        self.0 >> 32 == CtxId::GEN >> 32
    }
}

impl std::fmt::Debug for CtxId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// A captured variable: open while its register is alive, closed (owning the value)
/// once the scope that declared it ends.
#[derive(Clone, Copy, Debug)]
pub enum Outer {
    Open { ctx: CtxId, slot: u32 },
    Closed(Value),
}

/// The signature of every native function: arguments are read in place from the
/// VM stack through `Args` (argument 0 is `this`).
pub type NativeFn = Rc<dyn Fn(&mut Vm, Args) -> Result<Value, Fail>>;

/// A native that is a plain function (most are).
pub type PlainNative = fn(&mut Vm, Args) -> Result<Value, Fail>;

/// A native's code: a plain function, called directly, or a shared closure (natives
/// made at run time with state of their own).
#[derive(Clone)]
pub enum NativeBody {
    Plain(PlainNative),
    Closure(NativeFn),
}

/// The argument counts (with `this`) a native takes, read once off the `nparams` it
/// was made with (0: unchecked; n > 0: exactly n; n < 0: at least -n), so that a call
/// checks its count with two comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arity {
    min: u32,
    max: u32,
}

impl Arity {
    pub fn of(nparams: i32) -> Arity {
        match u32::try_from(nparams) {
            Ok(0) => Arity { min: 0, max: u32::MAX },
            Ok(n) => Arity { min: n, max: n },
            Err(_) => Arity { min: nparams.unsigned_abs(), max: u32::MAX },
        }
    }

    /// The `nparams` this arity was read off.
    pub fn nparams(self) -> i32 {
        match (self.min, self.max) {
            (0, u32::MAX) => 0,
            (n, u32::MAX) => (n as i32).wrapping_neg(),
            (n, _) => n as i32,
        }
    }

    #[inline(always)]
    pub fn admits(self, n: u32) -> bool {
        self.min <= n && n <= self.max
    }
}

#[derive(Clone)]
pub struct NativeFunction {
    pub name: StrId,
    pub body: NativeBody,
    pub arity: Arity,
    /// Per-argument type masks (`Type::mask` bits), starting with `this`.
    pub typemask: Option<std::rc::Rc<[u32]>>,
    /// The first argument `typemask` constrains: the leading `.`s (most often
    /// `this`) accept every value, and a call checks from here on.
    pub typed_from: u32,
    pub env: Option<WeakRefId>,
    /// Values the native keeps alive (readable through `Args::free`).
    pub free: Box<[Value]>,
}

/// A class member slot with its attributes.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    pub value: Value,
    pub attrs: Value,
}

/// The metamethods, in the order of `Class::metamethods`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Meta {
    Add,
    Sub,
    Mul,
    Div,
    Modulo,
    Unm,
    Typeof,
    Get,
    Set,
    NewSlot,
    DelSlot,
    Cmp,
    Call,
    Cloned,
    Nexti,
    ToString,
    Inherited,
    NewMember,
}

impl Meta {
    pub const ALL: [Meta; 18] = [
        Meta::Add,
        Meta::Sub,
        Meta::Mul,
        Meta::Div,
        Meta::Modulo,
        Meta::Unm,
        Meta::Typeof,
        Meta::Get,
        Meta::Set,
        Meta::NewSlot,
        Meta::DelSlot,
        Meta::Cmp,
        Meta::Call,
        Meta::Cloned,
        Meta::Nexti,
        Meta::ToString,
        Meta::Inherited,
        Meta::NewMember,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Meta::Add => "_add",
            Meta::Sub => "_sub",
            Meta::Mul => "_mul",
            Meta::Div => "_div",
            Meta::Modulo => "_modulo",
            Meta::Unm => "_unm",
            Meta::Typeof => "_typeof",
            Meta::Get => "_get",
            Meta::Set => "_set",
            Meta::NewSlot => "_newslot",
            Meta::DelSlot => "_delslot",
            Meta::Cmp => "_cmp",
            Meta::Call => "_call",
            Meta::Cloned => "_cloned",
            Meta::Nexti => "_nexti",
            Meta::ToString => "_tostring",
            Meta::Inherited => "_inherited",
            Meta::NewMember => "_newmember",
        }
    }
}

/// How a class member name maps to its slot (stored in `Class::members` as an int).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MemberRef {
    Field(usize),
    Method(usize),
}

impl MemberRef {
    pub fn encode(self) -> Value {
        match self {
            MemberRef::Field(i) => Value::Int((i as i64) << 1),
            MemberRef::Method(i) => Value::Int((i as i64) << 1 | 1),
        }
    }

    #[inline]
    pub fn decode(v: Value) -> Option<MemberRef> {
        match v {
            Value::Int(i) if i & 1 == 0 => Some(MemberRef::Field((i >> 1) as usize)),
            Value::Int(i) => Some(MemberRef::Method((i >> 1) as usize)),
            _ => None,
        }
    }
}

pub struct Class {
    pub base: Option<ClassId>,
    /// Member name → encoded `MemberRef`, in the reference's table order.
    pub members: Table,
    /// Instance fields' default values.
    pub fields: Vec<Member>,
    /// Methods and static members.
    pub methods: Vec<Member>,
    pub metamethods: [Value; 18],
    pub attrs: Value,
    /// Set by the first instantiation; afterwards no new fields may be added.
    pub locked: bool,
    pub constructor: Option<usize>,
}

impl Class {
    /// A copy with as much room for members (see `Heap::replica`).
    pub fn replica(&self) -> Class {
        Class {
            base: self.base,
            members: self.members.clone(),
            fields: with_room(&self.fields),
            methods: with_room(&self.methods),
            metamethods: self.metamethods,
            attrs: self.attrs,
            locked: self.locked,
            constructor: self.constructor,
        }
    }

    #[inline]
    pub fn meta(&self, m: Meta) -> Option<Value> {
        match self.metamethods[m as usize] {
            Value::Null => None,
            v => Some(v),
        }
    }
}

pub struct Instance {
    pub class: ClassId,
    pub fields: Fields,
    /// Native data attached by a library (e.g. a blob's bytes).
    pub user: Option<Box<dyn Any>>,
}

/// Instances with at most this many fields keep them inline.
const INLINE_FIELDS: usize = 4;

/// An instance's field values. Small objects (points, vectors, records) are created
/// by the million in hot loops: keeping their fields inside the instance saves an
/// allocation and a free per object.
#[derive(Clone)]
pub enum Fields {
    Inline { len: u8, values: [Value; INLINE_FIELDS] },
    Heap(Box<[Value]>),
}

impl Fields {
    /// A new instance's fields: the values of its class's field declarations, copied
    /// straight into place (small objects are made by the million).
    #[inline]
    pub fn of_members(members: &[Member]) -> Fields {
        if members.len() > INLINE_FIELDS {
            return Fields::Heap(members.iter().map(|m| m.value).collect());
        }
        let mut values = [Value::Null; INLINE_FIELDS];
        for (v, m) in values.iter_mut().zip(members) {
            *v = m.value;
        }
        Fields::Inline { len: members.len() as u8, values }
    }

    /// Makes these fields a new instance's (as `of_members`), in the inline room a
    /// vacant instance has.
    #[inline]
    pub fn reset_to(&mut self, members: &[Member]) {
        match self {
            Fields::Inline { len, values } if members.len() <= INLINE_FIELDS => {
                for (v, m) in values.iter_mut().zip(members) {
                    *v = m.value;
                }
                *len = members.len() as u8;
            }
            _ => *self = Fields::of_members(members),
        }
    }
}

impl std::ops::Deref for Fields {
    type Target = [Value];

    #[inline(always)]
    fn deref(&self) -> &[Value] {
        match self {
            Fields::Inline { len, values } => &values[..*len as usize],
            Fields::Heap(values) => values,
        }
    }
}

impl std::ops::DerefMut for Fields {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [Value] {
        match self {
            Fields::Inline { len, values } => &mut values[..*len as usize],
            Fields::Heap(values) => values,
        }
    }
}

#[derive(Clone, Copy)]
pub struct WeakRefObj {
    /// The referent; becomes null when it is collected.
    pub target: Value,
}

/// Opaque native data with a delegate table providing its methods and metamethods.
/// A copy of the heap shares the data (see `Vm::userdata_mut`).
#[derive(Clone)]
pub struct UserData {
    pub data: Rc<dyn Any>,
    pub delegate: Option<TableId>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GenState {
    Suspended,
    Running,
    Dead,
}

pub struct Generator {
    pub state: GenState,
    /// The generator's own stack and frames while it is not running.
    pub exec: Option<Box<ExecState>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ThreadStatus {
    Idle,
    Running,
    Suspended,
}

pub struct Thread {
    pub func: Value,
    pub status: ThreadStatus,
    /// The thread's own context while it is suspended, or prepared by `call`.
    pub exec: Option<Box<ExecState>>,
    /// Generators the thread resumed and suspended inside of, innermost last: their
    /// contexts wait in their own objects (still running) until the thread wakes.
    pub chain: Vec<GeneratorId>,
    /// The stack slot, in the innermost of those contexts, that receives the value
    /// passed to `wakeup` (or the error of `wakeupthrow`).
    pub wake_slot: Option<u32>,
    /// The type of the value it last suspended with: what `call` on a suspended thread
    /// names (see `thread_call`).
    pub suspended_with: Type,
    /// `Vm::native_depth` and `Vm::nested_runs` while its own run executes: it may
    /// suspend only from there, not from a native or a metamethod it called.
    pub base: (u32, u32),
    /// What the next switch to the thread does: staged by `call`, `wakeup` and
    /// `wakeupthrow`, taken by the switch they ask for (`Fail::Switch`).
    pub wake: Option<Wake>,
    /// Woken by `wakeupthrow(e, false)`: an error that ends this turn is not raised in
    /// the waker, whose call returns null.
    pub quiet: bool,
}

impl Thread {
    /// An idle thread that will run `func`.
    pub fn new(func: Value) -> Thread {
        Thread {
            func,
            status: ThreadStatus::Idle,
            exec: None,
            chain: Vec::new(),
            wake_slot: None,
            suspended_with: Type::Null,
            base: (0, 0),
            wake: None,
            quiet: false,
        }
    }
}

/// How a switch to a thread goes on (see `Thread::wake`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Wake {
    /// Run its function from the start: its context, with the arguments, is ready.
    Start,
    /// Resume it after its `suspend`, whose result is already in its wake slot.
    Resume,
    /// Raise the error in its wake slot at its `suspend`.
    Throw,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_ids_keep_kind_and_id_apart() {
        let ids = [0, 1, u32::MAX];
        let mut all = vec![CtxId::MAIN];
        all.extend(ids.iter().map(|&i| CtxId::generator(GeneratorId(i))));
        all.extend(ids.iter().map(|&i| CtxId::thread(ThreadId(i))));
        let parts: Vec<Ctx> = all.iter().map(|c| c.get()).collect();
        let mut expected = vec![Ctx::Main];
        expected.extend(ids.iter().map(|&i| Ctx::Gen(GeneratorId(i))));
        expected.extend(ids.iter().map(|&i| Ctx::Thread(ThreadId(i))));
        assert_eq!(parts, expected);
        for (a, x) in all.iter().enumerate() {
            for (b, y) in all.iter().enumerate() {
                assert_eq!(x == y, a == b, "{x:?} against {y:?}");
            }
            assert_eq!(x.is_generator(), matches!(x.get(), Ctx::Gen(_)));
        }
    }

    #[test]
    fn fields_are_inline_up_to_the_limit_and_on_the_heap_beyond() {
        for n in 0..=INLINE_FIELDS + 2 {
            let members: Vec<Member> =
                (0..n as i64).map(|i| Member { value: Value::Int(i), attrs: Value::Null }).collect();
            let mut f = Fields::of_members(&members);
            assert_eq!(f.len(), n);
            assert_eq!(matches!(f, Fields::Inline { .. }), n <= INLINE_FIELDS);
            if n > 0 {
                f[n - 1] = Value::Bool(true);
                assert!(matches!(f.clone()[n - 1], Value::Bool(true)));
                assert!(f[..n - 1].iter().enumerate().all(|(i, v)| matches!(v, Value::Int(x) if *x == i as i64)));
            }
        }
    }

    #[test]
    fn arity_admits_what_nparams_says_and_gives_it_back() {
        let cases: [(i32, &[u32], &[u32]); 5] = [
            (0, &[0, 1, 7, u32::MAX], &[]),
            (2, &[2], &[0, 1, 3, u32::MAX]),
            (-2, &[2, 3, u32::MAX], &[0, 1]),
            (i32::MAX, &[i32::MAX as u32], &[0, u32::MAX]),
            (i32::MIN, &[1 << 31, u32::MAX], &[0, i32::MAX as u32]),
        ];
        for (nparams, admitted, refused) in cases {
            let arity = Arity::of(nparams);
            assert_eq!(arity.nparams(), nparams);
            assert!(admitted.iter().all(|&n| arity.admits(n)), "{nparams}");
            assert!(!refused.iter().any(|&n| arity.admits(n)), "{nparams}");
        }
    }
}

// What a freed slot of each kind holds (see `Vacant`): empty objects, no allocation.

thread_local! {
    /// The one prototype of every freed closure's slot on this thread.
    static VACANT_PROTO: Rc<Proto> = Rc::new(Proto::vacant());
}

impl Vacant for Closure {
    fn vacant() -> Closure {
        Closure {
            proto: VACANT_PROTO.with(Rc::clone),
            outers: OuterList::default(),
            defaults: Box::new([]),
            env: None,
            root: TableId(u32::MAX),
            base: None,
        }
    }
}

impl Vacant for NativeFunction {
    fn vacant() -> NativeFunction {
        NativeFunction {
            name: StrId(u32::MAX),
            body: NativeBody::Plain(|_, _| Ok(Value::Null)),
            arity: Arity::of(0),
            typemask: None,
            typed_from: 0,
            env: None,
            free: Box::new([]),
        }
    }
}

impl Class {
    /// A class with no base and no members but those `members` names.
    pub fn with_members(members: Table) -> Class {
        Class {
            base: None,
            members,
            fields: Vec::new(),
            methods: Vec::new(),
            metamethods: [Value::Null; 18],
            attrs: Value::Null,
            locked: false,
            constructor: None,
        }
    }
}

impl Vacant for Class {
    fn vacant() -> Class {
        Class::with_members(Table::vacant())
    }
}

/// No class has this id, so no inline cache word matches a freed instance.
impl Vacant for Instance {
    fn vacant() -> Instance {
        Instance {
            class: ClassId(u32::MAX),
            fields: Fields::Inline { len: 0, values: [Value::Null; INLINE_FIELDS] },
            user: None,
        }
    }
}

impl Vacant for Generator {
    fn vacant() -> Generator {
        Generator { state: GenState::Dead, exec: None }
    }
}

impl Vacant for Thread {
    fn vacant() -> Thread {
        Thread::new(Value::Null)
    }
}

impl Vacant for WeakRefObj {
    fn vacant() -> WeakRefObj {
        WeakRefObj { target: Value::Null }
    }
}

impl Vacant for UserData {
    fn vacant() -> UserData {
        UserData { data: Rc::new(()), delegate: None }
    }
}

impl Vacant for Outer {
    fn vacant() -> Outer {
        Outer::Closed(Value::Null)
    }
}

impl Vacant for Vec<Value> {
    fn vacant() -> Vec<Value> {
        Vec::new()
    }
}
