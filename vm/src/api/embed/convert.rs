//! Conversions between Rust values and Squirrel values, both ways.
//!
//! [`FromSquirrel`] reads a Squirrel value as a Rust one; it only reads the VM, so a
//! conversion never runs a script and never collects. [`IntoSquirrel`] makes a Squirrel
//! value from a Rust one; it allocates, and a container conversion holds what it has
//! made so far (see [`Vm::hold`]), so even an element conversion that calls into the
//! VM cannot lose the elements before it.
//!
//! | Rust | Squirrel |
//! |---|---|
//! | `i8` … `i128`, `u8` … `u128`, `isize`, `usize` | integer, range-checked both ways (the imp profile's integers are 32-bit) |
//! | `f32`, `f64` | float (an integer converts too); Squirrel floats are 32-bit |
//! | `bool` | bool |
//! | `String`, `&str` | string (UTF-8 checked when read) |
//! | [`Bytes`] | string, any bytes |
//! | `Option<T>` | `null` or `T` |
//! | `Vec<T>` | array |
//! | `HashMap`, `BTreeMap`, `IndexMap` | table (an `IndexMap` keeps the table's iteration order) |
//! | [`Value`] | any value, as it is |
//! | [`Handle`](super::Handle), [`Table`](super::Table), [`Array`](super::Array), [`Function`](super::Function) | a value kept alive from Rust |
//! | `Rc<RefCell<T>>` | an instance of the native class registered for `T` |
//! | `()` | any value, ignored (reading only: a call whose result does not matter) |

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{BuildHasher, Hash};

use indexmap::IndexMap;

use crate::api::vm::{raw_type_bit, type_bit_name, Profile, Vm};
use crate::heap::value::Value;

use super::error::ConvError;

/// A set of Squirrel types, in the bits of the reference's native type masks: what a
/// conversion accepts, and so what a typed native's parameter check lets through.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TypeSet(u32);

impl TypeSet {
    pub const NULL: TypeSet = TypeSet(0x1);
    pub const INTEGER: TypeSet = TypeSet(0x2);
    pub const FLOAT: TypeSet = TypeSet(0x4);
    /// Integer or float (`n` in a type mask).
    pub const NUMBER: TypeSet = TypeSet(0x6);
    pub const BOOL: TypeSet = TypeSet(0x8);
    pub const STRING: TypeSet = TypeSet(0x10);
    pub const TABLE: TypeSet = TypeSet(0x20);
    pub const ARRAY: TypeSet = TypeSet(0x40);
    pub const USERDATA: TypeSet = TypeSet(0x80);
    /// Squirrel closures and natives (`c` in a type mask).
    pub const FUNCTION: TypeSet = TypeSet(0x300);
    pub const GENERATOR: TypeSet = TypeSet(0x400);
    pub const THREAD: TypeSet = TypeSet(0x1000);
    pub const CLASS: TypeSet = TypeSet(0x4000);
    pub const INSTANCE: TypeSet = TypeSet(0x8000);
    pub const WEAKREF: TypeSet = TypeSet(0x10000);
    /// Every type (`.` in a type mask).
    pub const ANY: TypeSet = TypeSet(u32::MAX);

    /// Both sets' types.
    pub const fn or(self, other: TypeSet) -> TypeSet {
        TypeSet(self.0 | other.0)
    }

    /// Whether `v`'s type is in the set.
    pub fn contains(self, v: Value) -> bool {
        raw_type_bit(v) & self.0 != 0
    }

    /// The mask bits, as the VM's parameter check reads them.
    pub(crate) fn bits(self) -> u32 {
        self.0
    }
}

/// The names the reference's type errors list (`integer|float`).
impl fmt::Display for TypeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == TypeSet::ANY {
            return f.write_str("any");
        }
        let names: Vec<&str> = (0..17).map(|bit| 1u32 << bit).filter(|m| self.0 & m != 0).map(type_bit_name).collect();
        f.write_str(&names.join("|"))
    }
}

/// A Rust type a Squirrel value can be read as.
///
/// Conversions only read the VM (`&Vm`): they never run a script, so whatever they
/// produce cannot be collected under them. Implement it for your own types to take
/// them as typed natives' parameters and results of [`Vm::call_fn`].
pub trait FromSquirrel: Sized {
    /// The types of the values that may convert: a typed native declares them as its
    /// parameter's type mask, so a wrong type fails before the native runs.
    const TYPES: TypeSet;

    /// Whether a native's parameter of this type may be left out (it then reads as
    /// `null`): true for `Option<T>`.
    const OPTIONAL: bool = false;

    fn from_squirrel(value: Value, vm: &Vm) -> Result<Self, ConvError>;
}

/// A Rust value that can become a Squirrel value.
///
/// A conversion that calls into the VM (and so may collect) must keep what it has
/// made alive itself, as the container conversions here do with [`Vm::hold`].
pub trait IntoSquirrel {
    fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError>;
}

/// Fails with a type error unless `v`'s type is in `T::TYPES`.
fn expect<T: FromSquirrel>(v: Value) -> Result<Value, ConvError> {
    if T::TYPES.contains(v) {
        Ok(v)
    } else {
        Err(ConvError::not_in(v, T::TYPES))
    }
}

// ----- numbers and bools ----------------------------------------------------------------

/// The integers a profile's VM holds (the imp's are 32-bit).
fn profile_range(profile: Profile) -> (i64, i64) {
    match profile {
        Profile::Squirrel => (i64::MIN, i64::MAX),
        Profile::Imp => (i32::MIN.into(), i32::MAX.into()),
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl FromSquirrel for $t {
            const TYPES: TypeSet = TypeSet::INTEGER;

            fn from_squirrel(value: Value, _: &Vm) -> Result<$t, ConvError> {
                let Value::Int(i) = expect::<$t>(value)? else { unreachable!("checked to be an integer") };
                <$t>::try_from(i).map_err(|_| {
                    ConvError::invalid_value(i, format_args!("an integer in {}..={}", <$t>::MIN, <$t>::MAX))
                })
            }
        }

        impl IntoSquirrel for $t {
            fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
                let (min, max) = profile_range(vm.profile());
                match i64::try_from(self) {
                    Ok(i) if (min..=max).contains(&i) => Ok(Value::Int(i)),
                    _ => Err(ConvError::invalid_value(self, format_args!("an integer in {min}..={max}"))),
                }
            }
        }
    )*};
}

integers!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

macro_rules! floats {
    ($($t:ty),*) => {$(
        /// Squirrel floats are 32-bit: an `f64` converts to the nearest one.
        impl FromSquirrel for $t {
            const TYPES: TypeSet = TypeSet::NUMBER;

            fn from_squirrel(value: Value, _: &Vm) -> Result<$t, ConvError> {
                match expect::<$t>(value)? {
                    Value::Int(i) => Ok(i as $t),
                    Value::Float(f) => Ok(f as $t),
                    _ => unreachable!("checked to be a number"),
                }
            }
        }

        impl IntoSquirrel for $t {
            fn into_squirrel(self, _: &mut Vm) -> Result<Value, ConvError> {
                Ok(Value::Float(self as f32))
            }
        }
    )*};
}

floats!(f32, f64);

impl FromSquirrel for bool {
    const TYPES: TypeSet = TypeSet::BOOL;

    fn from_squirrel(value: Value, _: &Vm) -> Result<bool, ConvError> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(ConvError::not_in(other, Self::TYPES)),
        }
    }
}

impl IntoSquirrel for bool {
    fn into_squirrel(self, _: &mut Vm) -> Result<Value, ConvError> {
        Ok(Value::Bool(self))
    }
}

// ----- strings ------------------------------------------------------------------------

impl FromSquirrel for String {
    const TYPES: TypeSet = TypeSet::STRING;

    fn from_squirrel(value: Value, vm: &Vm) -> Result<String, ConvError> {
        let bytes = vm.str_bytes(expect::<String>(value)?).unwrap_or_default();
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => Err(ConvError::invalid_value(format_args!("{:?}", vm.describe(value)), "UTF-8 text")),
        }
    }
}

impl IntoSquirrel for &str {
    fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
        Ok(vm.string(self))
    }
}

impl IntoSquirrel for String {
    fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
        Ok(vm.string(&self))
    }
}

impl IntoSquirrel for &String {
    fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
        Ok(vm.string(self))
    }
}

/// A Squirrel string as bytes: Squirrel strings hold any bytes, UTF-8 or not.
/// (A `Vec<u8>` converts to an array of integers.)
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bytes(pub Vec<u8>);

impl FromSquirrel for Bytes {
    const TYPES: TypeSet = TypeSet::STRING;

    fn from_squirrel(value: Value, vm: &Vm) -> Result<Bytes, ConvError> {
        Ok(Bytes(vm.str_bytes(expect::<Bytes>(value)?).unwrap_or_default().to_vec()))
    }
}

impl IntoSquirrel for Bytes {
    fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
        Ok(vm.bytes(&self.0))
    }
}

impl IntoSquirrel for &[u8] {
    fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
        Ok(vm.bytes(self))
    }
}

// ----- null, values, options ------------------------------------------------------------

/// Any value, ignored: the result type of a call whose result does not matter.
impl FromSquirrel for () {
    const TYPES: TypeSet = TypeSet::ANY;

    fn from_squirrel(_: Value, _: &Vm) -> Result<(), ConvError> {
        Ok(())
    }
}

/// The value as it is. A [`Value`] is not kept alive by Rust: one read from a native's
/// arguments is valid while the native runs, one returned by a call until the next
/// call into the VM. Keep it in a [`Handle`](super::Handle) for longer.
impl FromSquirrel for Value {
    const TYPES: TypeSet = TypeSet::ANY;

    fn from_squirrel(value: Value, _: &Vm) -> Result<Value, ConvError> {
        Ok(value)
    }
}

/// A value given to the VM must be one of its own (see [`Vm::call_value`]).
impl IntoSquirrel for Value {
    fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
        if vm.heap.owns(self) {
            Ok(self)
        } else {
            Err(ConvError::foreign())
        }
    }
}

impl<T: FromSquirrel> FromSquirrel for Option<T> {
    const TYPES: TypeSet = T::TYPES.or(TypeSet::NULL);
    const OPTIONAL: bool = true;

    fn from_squirrel(value: Value, vm: &Vm) -> Result<Option<T>, ConvError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_squirrel(v, vm).map(Some),
        }
    }
}

impl<T: IntoSquirrel> IntoSquirrel for Option<T> {
    fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
        match self {
            None => Ok(Value::Null),
            Some(v) => v.into_squirrel(vm),
        }
    }
}

// ----- containers ---------------------------------------------------------------------

/// Converts each item, holding every value made (see [`Vm::hold`]) until `finish` has
/// built the container from them; the hold is released after.
pub(crate) fn convert_all<I: IntoIterator>(
    vm: &mut Vm,
    items: I,
    mut convert: impl FnMut(&mut Vm, I::Item, usize) -> Result<(), ConvError>,
    finish: impl FnOnce(&mut Vm, &[Value]) -> Result<Value, ConvError>,
) -> Result<Value, ConvError> {
    let mark = vm.held.len();
    let mut result = Ok(());
    for (i, item) in items.into_iter().enumerate() {
        result = convert(vm, item, i);
        if result.is_err() {
            break;
        }
    }
    let value = result.and_then(|()| {
        let made = vm.held[mark..].to_vec();
        finish(vm, &made)
    });
    vm.held.truncate(mark);
    value
}

impl<T: FromSquirrel> FromSquirrel for Vec<T> {
    const TYPES: TypeSet = TypeSet::ARRAY;

    fn from_squirrel(value: Value, vm: &Vm) -> Result<Vec<T>, ConvError> {
        let items = vm.array_items(expect::<Vec<T>>(value)?).unwrap_or_default();
        items.iter().enumerate().map(|(i, &v)| T::from_squirrel(vm.resolve(v), vm).map_err(|e| e.at_index(i))).collect()
    }
}

impl<T: IntoSquirrel> IntoSquirrel for Vec<T> {
    fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
        convert_all(
            vm,
            self,
            |vm, item, i| {
                let v = item.into_squirrel(vm).map_err(|e| e.at_index(i))?;
                vm.held.push(v);
                Ok(())
            },
            |vm, made| Ok(vm.new_array(made.to_vec())),
        )
    }
}

/// Reads a table's entries in its iteration order into `map`.
fn read_table<K: FromSquirrel, V: FromSquirrel, M: FromSquirrel>(
    value: Value,
    vm: &Vm,
    mut insert: impl FnMut(K, V),
) -> Result<(), ConvError> {
    let entries = vm.table_entries(expect::<M>(value)?).into_iter().flatten();
    for (k, v) in entries {
        let key = K::from_squirrel(k, vm).map_err(|e| e.at_key(vm, k))?;
        let val = V::from_squirrel(vm.resolve(v), vm).map_err(|e| e.at_key(vm, k))?;
        insert(key, val);
    }
    Ok(())
}

/// Makes a table of `entries`, in their order.
fn write_table<K: IntoSquirrel, V: IntoSquirrel>(
    vm: &mut Vm,
    entries: impl IntoIterator<Item = (K, V)>,
) -> Result<Value, ConvError> {
    convert_all(
        vm,
        entries,
        |vm, (k, v), _| {
            let key = k.into_squirrel(vm)?;
            if key.is_null() {
                return Err(ConvError::other("a table key is null"));
            }
            vm.held.push(key);
            let val = v.into_squirrel(vm).map_err(|e| e.at_key(vm, key))?;
            vm.held.push(val);
            Ok(())
        },
        |vm, made| {
            let table = vm.new_table();
            for pair in made.chunks_exact(2) {
                vm.table_set(table, pair[0], pair[1]);
            }
            Ok(table)
        },
    )
}

macro_rules! maps {
    ($($map:ident<K $(: $kb:ident)?, V $(, $s:ident)?> as $new:expr;)*) => {$(
        impl<K, V $(, $s)?> FromSquirrel for $map<K, V $(, $s)?>
        where
            K: FromSquirrel $(+ $kb)? + Eq,
            V: FromSquirrel,
            $($s: BuildHasher + Default,)?
        {
            const TYPES: TypeSet = TypeSet::TABLE;

            fn from_squirrel(value: Value, vm: &Vm) -> Result<Self, ConvError> {
                let mut map = $new;
                read_table::<K, V, Self>(value, vm, |k, v| {
                    map.insert(k, v);
                })?;
                Ok(map)
            }
        }

        impl<K: IntoSquirrel, V: IntoSquirrel $(, $s)?> IntoSquirrel for $map<K, V $(, $s)?> {
            fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
                write_table(vm, self)
            }
        }
    )*};
}

maps! {
    HashMap<K: Hash, V, S> as HashMap::default();
    BTreeMap<K: Ord, V> as BTreeMap::new();
    IndexMap<K: Hash, V, S> as IndexMap::default();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: IntoSquirrel + FromSquirrel>(vm: &mut Vm, v: T) -> Result<T, ConvError> {
        let value = v.into_squirrel(vm)?;
        T::from_squirrel(value, vm)
    }

    #[test]
    fn type_sets_name_types_as_the_reference() {
        assert_eq!(TypeSet::NUMBER.to_string(), "integer|float");
        assert_eq!(TypeSet::FUNCTION.to_string(), "function|function");
        assert_eq!(TypeSet::STRING.or(TypeSet::NULL).to_string(), "null|string");
        assert!(TypeSet::NUMBER.contains(Value::Float(1.0)) && !TypeSet::NUMBER.contains(Value::Null));
    }

    #[test]
    fn integers_are_range_checked_both_ways() {
        let mut vm = Vm::new(Profile::Squirrel);
        let e = u8::from_squirrel(Value::Int(300), &vm).unwrap_err();
        assert_eq!(e.to_string(), "the value has an invalid value 300 ; expected: an integer in 0..=255");
        assert_eq!(i8::from_squirrel(Value::Int(-128), &vm), Ok(-128));
        let e = u64::MAX.into_squirrel(&mut vm).unwrap_err();
        assert!(e.to_string().contains("an integer in -9223372036854775808..=9223372036854775807"), "{e}");
        let mut imp = Vm::new(Profile::Imp);
        assert!(matches!(i64::from(i32::MAX).into_squirrel(&mut imp), Ok(Value::Int(0x7fff_ffff))));
        let e = (1i64 << 31).into_squirrel(&mut imp).unwrap_err();
        assert!(e.to_string().contains("an integer in -2147483648..=2147483647"), "{e}");
        let e = i64::from_squirrel(Value::Float(1.5), &vm).unwrap_err();
        assert_eq!(e.to_string(), "the value has an invalid type 'float' ; expected: 'integer'");
    }

    #[test]
    fn floats_take_integers_too() {
        let vm = Vm::new(Profile::Squirrel);
        assert_eq!(f64::from_squirrel(Value::Int(3), &vm), Ok(3.0));
        assert_eq!(f32::from_squirrel(Value::Float(0.5), &vm), Ok(0.5));
    }

    #[test]
    fn strings_are_checked_for_utf8_and_bytes_are_not() {
        let mut vm = Vm::new(Profile::Squirrel);
        let v = vm.bytes(b"\xff");
        let e = String::from_squirrel(v, &vm).unwrap_err();
        assert_eq!(e.to_string(), "the value has an invalid value \"\u{fffd}\" ; expected: UTF-8 text");
        assert_eq!(Bytes::from_squirrel(v, &vm), Ok(Bytes(vec![0xff])));
        assert_eq!(round_trip(&mut vm, "héllo".to_string()), Ok("héllo".to_string()));
    }

    #[test]
    fn containers_say_where_an_element_failed() {
        let mut vm = Vm::new(Profile::Squirrel);
        let v = vec![Some(1i64), None].into_squirrel(&mut vm).expect("converts");
        assert_eq!(Vec::<Option<i64>>::from_squirrel(v, &vm), Ok(vec![Some(1), None]));
        let e = Vec::<i64>::from_squirrel(v, &vm).unwrap_err();
        assert_eq!(e.to_string(), "the value[1] has an invalid type 'null' ; expected: 'integer'");
        let map: HashMap<String, Vec<i64>> = [("a".to_string(), vec![1, 2])].into();
        let t = map.clone().into_squirrel(&mut vm).expect("converts");
        assert_eq!(HashMap::from_squirrel(t, &vm), Ok(map));
        let e = HashMap::<String, Vec<String>>::from_squirrel(t, &vm).unwrap_err();
        assert_eq!(e.to_string(), "the value[\"a\"][0] has an invalid type 'integer' ; expected: 'string'");
        let e = HashMap::from([(None::<i64>, 1)]).into_squirrel(&mut vm).unwrap_err();
        assert_eq!(e.to_string(), "the value: a table key is null");
        assert!(vm.held.is_empty(), "conversions release what they held");
    }

    #[test]
    fn an_index_map_reads_the_tables_order() {
        let mut vm = Vm::new(Profile::Squirrel);
        let t = vm.run_source("return {b = 1, a = 2, c = 3}", "t.nut").expect("runs");
        let order: IndexMap<String, i64> = IndexMap::from_squirrel(t, &vm).expect("converts");
        let expected: Vec<String> = vm.table_entries(t).expect("a table").map(|(k, _)| vm.describe(k)).collect();
        assert_eq!(order.keys().cloned().collect::<Vec<_>>(), expected);
    }
}
