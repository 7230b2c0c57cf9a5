//! The Squirrel value: a 16-byte `Copy` enum whose heap variants are typed arena ids.
//!
//! Keeping values small and `Copy` is what lets registers, table slots and array
//! elements be moved around without reference counting; the collector in `heap`
//! owns the lifetime question instead.

use std::fmt;
use std::mem::MaybeUninit;

macro_rules! ids {
    ($($(#[$m:meta])* $name:ident;)*) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
        pub struct $name(pub(crate) u32);
    )*};
}

ids! {
    /// An interned string.
    StrId;
    TableId;
    ArrayId;
    /// A Squirrel closure (compiled function plus captured state).
    ClosureId;
    /// A native (Rust) function registered through the embedding API.
    NativeId;
    ClassId;
    InstanceId;
    GeneratorId;
    ThreadId;
    WeakRefId;
    UserDataId;
    /// A captured outer variable (shared between closures).
    OuterId;
}

/// A Squirrel value. Integers are stored as `i64`; the `imp` profile keeps them
/// wrapped to 32 bits. Floats are single precision, as `SQFloat` is in the reference.
///
/// The tag is a whole word so every payload starts at byte 8: a value then moves as
/// two words, where mixed payload offsets (a bool at 1, an id at 4, an integer at 8)
/// make the compiler copy each variant's bytes piece by piece.
#[derive(Clone, Copy, Debug, Default)]
#[repr(u64)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f32),
    Str(StrId),
    Table(TableId),
    Array(ArrayId),
    Closure(ClosureId),
    Native(NativeId),
    Class(ClassId),
    Instance(InstanceId),
    Generator(GeneratorId),
    Thread(ThreadId),
    WeakRef(WeakRefId),
    UserData(UserDataId),
}

const _: () = assert!(std::mem::size_of::<Value>() == 16 && std::mem::size_of::<Option<Value>>() == 16);
const _: () = assert!(std::mem::align_of::<Value>() == std::mem::align_of::<u64>());

/// The type of a value as `type()` reports it (`typeof` may be overridden by `_typeof`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Type {
    Null,
    Bool,
    Integer,
    Float,
    String,
    Table,
    Array,
    Function,
    Class,
    Instance,
    Generator,
    Thread,
    WeakRef,
    UserData,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Null => "null",
            Type::Bool => "bool",
            Type::Integer => "integer",
            Type::Float => "float",
            Type::String => "string",
            Type::Table => "table",
            Type::Array => "array",
            Type::Function => "function",
            Type::Class => "class",
            Type::Instance => "instance",
            Type::Generator => "generator",
            Type::Thread => "thread",
            Type::WeakRef => "weakref",
            Type::UserData => "userdata",
        }
    }

    /// The bit native type masks use (`typecheck` in the reference's encoding).
    pub fn mask(self) -> u32 {
        match self {
            Type::Null => 0x1,
            Type::Integer => 0x2,
            Type::Float => 0x4,
            Type::Bool => 0x8,
            Type::String => 0x10,
            Type::Table => 0x20,
            Type::Array => 0x40,
            Type::UserData => 0x80,
            Type::Function => 0x100 | 0x200,
            Type::Generator => 0x400,
            Type::Thread => 0x1000,
            Type::Class => 0x4000,
            Type::Instance => 0x8000,
            Type::WeakRef => 0x10000,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Value {
    /// Reads the value at `p` word by word. A value just made (an integer sum, a
    /// method's result) is written as two word stores, tag and payload; read back at
    /// once as one 16-byte load, as a plain copy compiles to, it cannot be forwarded
    /// from those stores and waits for them to reach the cache (a store-forwarding
    /// stall, about a dozen cycles). The interpreter's register reads, where a result
    /// is typically read by the next instruction or two, go through here: e.g. fib.nut
    /// ran in 0.80 of the time with the same work. The loads are volatile only so the
    /// compiler cannot fuse them back into one.
    ///
    /// # Safety
    /// `p` must point to a valid, initialised `Value`.
    #[inline(always)]
    pub(crate) unsafe fn read_split(p: *const Value) -> Value {
        debug_assert!(p.is_aligned());
        let w = p.cast::<MaybeUninit<u64>>();
        // SAFETY: `p` points to a whole value (the caller's contract), so both words
        // are in bounds and aligned (`Value` is 8-aligned); they are read as
        // `MaybeUninit` because a payload's padding may be uninitialised, and together
        // they are that value's bytes exactly, hence a valid `Value`.
        unsafe {
            let words = [std::ptr::read_volatile(w), std::ptr::read_volatile(w.add(1))];
            std::mem::transmute::<[MaybeUninit<u64>; 2], Value>(words)
        }
    }

    /// A copy of this value read word by word (see `read_split`), for a value that was
    /// likely written a moment ago: a register an instruction just set.
    #[inline(always)]
    pub(crate) fn reload(&self) -> Value {
        // SAFETY: a reference is to a valid, initialised, aligned value.
        unsafe { Value::read_split(self) }
    }

    /// Writes `v` into `dst` word by word, the counterpart of `read_split`: a value
    /// read that way is kept in two integer registers, or spilled as two words, and
    /// copied out whole it would be reloaded as one 16-byte load that those two word
    /// stores cannot forward to. Volatile only so the compiler cannot fuse the stores.
    #[inline(always)]
    pub(crate) fn write_split(dst: &mut Value, v: Value) {
        // SAFETY: any 16 bytes are valid `MaybeUninit` words.
        let words = unsafe { std::mem::transmute::<Value, [MaybeUninit<u64>; 2]>(v) };
        let w = (dst as *mut Value).cast::<MaybeUninit<u64>>();
        debug_assert!(w.is_aligned());
        // SAFETY: `dst` is a whole, 8-aligned value we may write; both words are its
        // bytes, and together they are `v`'s bytes exactly, hence a valid `Value`.
        unsafe {
            std::ptr::write_volatile(w, words[0]);
            std::ptr::write_volatile(w.add(1), words[1]);
        }
    }

    #[inline]
    pub fn type_of(self) -> Type {
        match self {
            Value::Null => Type::Null,
            Value::Bool(_) => Type::Bool,
            Value::Int(_) => Type::Integer,
            Value::Float(_) => Type::Float,
            Value::Str(_) => Type::String,
            Value::Table(_) => Type::Table,
            Value::Array(_) => Type::Array,
            Value::Closure(_) | Value::Native(_) => Type::Function,
            Value::Class(_) => Type::Class,
            Value::Instance(_) => Type::Instance,
            Value::Generator(_) => Type::Generator,
            Value::Thread(_) => Type::Thread,
            Value::WeakRef(_) => Type::WeakRef,
            Value::UserData(_) => Type::UserData,
        }
    }

    /// Squirrel truthiness: `null`, `false`, `0` and `0.0` are false.
    #[inline]
    pub fn truthy(self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => b,
            Value::Int(i) => i != 0,
            Value::Float(f) => f != 0.0,
            _ => true,
        }
    }

    #[inline]
    pub fn is_null(self) -> bool {
        matches!(self, Value::Null)
    }

    /// Identity comparison: same type and same payload (floats bitwise). This is
    /// how table keys and `==` on reference types compare.
    #[inline(always)]
    pub fn raw_eq(self, other: Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Table(a), Value::Table(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => a == b,
            (Value::Closure(a), Value::Closure(b)) => a == b,
            (Value::Native(a), Value::Native(b)) => a == b,
            (Value::Class(a), Value::Class(b)) => a == b,
            (Value::Instance(a), Value::Instance(b)) => a == b,
            (Value::Generator(a), Value::Generator(b)) => a == b,
            (Value::Thread(a), Value::Thread(b)) => a == b,
            (Value::WeakRef(a), Value::WeakRef(b)) => a == b,
            (Value::UserData(a), Value::UserData(b)) => a == b,
            _ => false,
        }
    }

    /// A small integer identifying the variant, used to spread object hashes and to pack
    /// table keys (see `from_tag`).
    pub(crate) const fn tag(self) -> u32 {
        match self {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Int(_) => 2,
            Value::Float(_) => 3,
            Value::Str(_) => 4,
            Value::Table(_) => 5,
            Value::Array(_) => 6,
            Value::Closure(_) => 7,
            Value::Native(_) => 8,
            Value::Class(_) => 9,
            Value::Instance(_) => 10,
            Value::Generator(_) => 11,
            Value::Thread(_) => 12,
            Value::WeakRef(_) => 13,
            Value::UserData(_) => 14,
        }
    }

    /// The value of variant `tag` (as `tag` numbers them) whose payload is `bits`: a
    /// bool's 0 or 1, an integer's bits, a float's, or an id in the low 32 bits (what
    /// is above them is ignored). Null for a tag `tag` never gives.
    pub(crate) fn from_tag(tag: u32, bits: u64) -> Value {
        let id = bits as u32;
        match tag {
            1 => Value::Bool(bits != 0),
            2 => Value::Int(bits as i64),
            3 => Value::Float(f32::from_bits(id)),
            4 => Value::Str(StrId(id)),
            5 => Value::Table(TableId(id)),
            6 => Value::Array(ArrayId(id)),
            7 => Value::Closure(ClosureId(id)),
            8 => Value::Native(NativeId(id)),
            9 => Value::Class(ClassId(id)),
            10 => Value::Instance(InstanceId(id)),
            11 => Value::Generator(GeneratorId(id)),
            12 => Value::Thread(ThreadId(id)),
            13 => Value::WeakRef(WeakRefId(id)),
            14 => Value::UserData(UserDataId(id)),
            _ => Value::Null,
        }
    }

    /// Whether the value names an object in one of the heap's arenas: anything but a
    /// scalar or a string (one comparison: those come first in `tag`'s order).
    #[inline(always)]
    pub(crate) fn in_arena(self) -> bool {
        self.tag() > 4
    }

    /// Whether the value is of a kind that can carry metamethods (a table or userdata
    /// through its delegate, an instance through its class): `Vm::meta_of` finds none
    /// for any other, so callers test this first to keep scalars off that path.
    #[inline(always)]
    pub(crate) fn may_have_metamethods(self) -> bool {
        matches!(self, Value::Table(_) | Value::Instance(_) | Value::UserData(_))
    }

    /// The arena id of a heap value (for hashing and printing addresses).
    pub(crate) fn object_id(self) -> Option<u32> {
        match self {
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => None,
            Value::Str(i) => Some(i.0),
            Value::Table(i) => Some(i.0),
            Value::Array(i) => Some(i.0),
            Value::Closure(i) => Some(i.0),
            Value::Native(i) => Some(i.0),
            Value::Class(i) => Some(i.0),
            Value::Instance(i) => Some(i.0),
            Value::Generator(i) => Some(i.0),
            Value::Thread(i) => Some(i.0),
            Value::WeakRef(i) => Some(i.0),
            Value::UserData(i) => Some(i.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_read_word_by_word_is_the_value() {
        let values = [
            Value::Null,
            Value::Bool(true),
            Value::Bool(false),
            Value::Int(i64::MIN),
            Value::Int(-1),
            Value::Float(-0.0),
            Value::Float(f32::NAN),
            Value::Str(StrId(7)),
            Value::Table(TableId(u32::MAX)),
            Value::Instance(InstanceId(3)),
            Value::UserData(UserDataId(9)),
        ];
        for v in values {
            // SAFETY: a reference to a live value.
            let r = unsafe { Value::read_split(&v) };
            assert!(r.raw_eq(v) && r.type_of() == v.type_of(), "{v:?} read as {r:?}");
        }
    }

    #[test]
    fn truthiness() {
        assert!(!Value::Null.truthy());
        assert!(!Value::Int(0).truthy());
        assert!(!Value::Float(0.0).truthy());
        assert!(Value::Float(0.5).truthy());
        assert!(Value::Str(StrId(0)).truthy());
    }

    #[test]
    fn in_arena_is_every_object_but_a_string() {
        let values = [
            Value::Null,
            Value::Bool(true),
            Value::Int(1),
            Value::Float(1.0),
            Value::Str(StrId(1)),
            Value::Table(TableId(1)),
            Value::Array(ArrayId(1)),
            Value::Closure(ClosureId(1)),
            Value::Native(NativeId(1)),
            Value::Class(ClassId(1)),
            Value::Instance(InstanceId(1)),
            Value::Generator(GeneratorId(1)),
            Value::Thread(ThreadId(1)),
            Value::WeakRef(WeakRefId(1)),
            Value::UserData(UserDataId(1)),
        ];
        for v in values {
            assert_eq!(v.in_arena(), v.object_id().is_some() && !matches!(v, Value::Str(_)), "{v:?}");
        }
    }

    #[test]
    fn from_tag_inverts_tag_for_every_variant() {
        let values = [
            Value::Null,
            Value::Bool(true),
            Value::Int(-7),
            Value::Float(-0.5),
            Value::Str(StrId(1)),
            Value::Table(TableId(2)),
            Value::Array(ArrayId(3)),
            Value::Closure(ClosureId(4)),
            Value::Native(NativeId(5)),
            Value::Class(ClassId(6)),
            Value::Instance(InstanceId(7)),
            Value::Generator(GeneratorId(8)),
            Value::Thread(ThreadId(9)),
            Value::WeakRef(WeakRefId(10)),
            Value::UserData(UserDataId(u32::MAX)),
        ];
        for v in values {
            let bits = match v {
                Value::Bool(b) => b as u64,
                Value::Int(i) => i as u64,
                Value::Float(f) => f.to_bits() as u64,
                other => other.object_id().map_or(0, u64::from) | 0xABCD << 32,
            };
            assert!(Value::from_tag(v.tag(), bits).raw_eq(v), "{v:?}");
        }
        assert!(Value::from_tag(99, 1).is_null());
    }

    #[test]
    fn raw_eq_distinguishes_types() {
        assert!(!Value::Int(1).raw_eq(Value::Float(1.0)));
        assert!(!Value::Int(1).raw_eq(Value::Bool(true)));
        assert!(Value::Float(f32::NAN).raw_eq(Value::Float(f32::NAN)));
    }
}
