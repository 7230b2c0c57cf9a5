//! Shared plumbing for the library natives: reading arguments the way the reference's
//! `sq_getinteger`/`sq_getfloat` coerce them, and registering tables of functions.

use impish_vm::embed::TypeSet;
use impish_vm::{Args, ConvError, Fail, FromSquirrel, Value, Vm};

/// The signature every library function has.
pub type Native = fn(&mut Vm, Args) -> Result<Value, Fail>;

/// A function to register: name, function, parameter count (with `this`, the
/// reference's convention), type mask.
pub type Entry = (&'static str, Native, i32, Option<&'static str>);

/// Registers `funcs` in `table`.
pub fn install(vm: &mut Vm, table: Value, funcs: &[Entry]) {
    for (name, f, n, mask) in funcs {
        vm.register_in(table, name, *f, *n, *mask);
    }
}

/// Sets `table.name = val` (a raw slot).
pub fn set(vm: &mut Vm, table: Value, name: &str, val: Value) {
    let k = vm.string(name);
    vm.table_set(table, k, val);
}

/// An argument as a float, as `sq_getfloat` reads it.
pub fn float(v: Value) -> Option<f32> {
    match v {
        Value::Int(i) => Some(i as f32),
        Value::Float(f) => Some(f),
        Value::Bool(b) => Some(b as i32 as f32),
        _ => None,
    }
}

/// Argument `i` as an integer, 0 when it is absent or not a number (the natives that
/// use this have a type mask that already rejects other types).
pub fn int_arg(vm: &Vm, args: Args, i: usize) -> i64 {
    vm.profile().integer_of(args.get(vm, i)).unwrap_or(0)
}

/// Argument `i` as a float (see [`int_arg`]).
pub fn float_arg(vm: &Vm, args: Args, i: usize) -> f32 {
    float(args.get(vm, i)).unwrap_or(0.0)
}

/// An integer result narrowed to the profile's width.
pub fn int_value(vm: &Vm, i: i64) -> Value {
    Value::Int(vm.profile().wrap(i))
}

/// The bytes of string argument `i` (empty when it is not a string).
pub fn str_arg(vm: &Vm, args: Args, i: usize) -> Vec<u8> {
    vm.str_bytes(args.get(vm, i)).map(<[u8]>::to_vec).unwrap_or_default()
}

/// A typed native's number parameter read as an integer, as `sq_getinteger` reads one:
/// an integer as it is, a float converted as the profile converts it. It declares `n`
/// (integer or float), as the reference's natives that read integers so do.
pub struct Truncated(pub i64);

impl FromSquirrel for Truncated {
    const TYPES: TypeSet = TypeSet::NUMBER;

    fn from_squirrel(value: Value, vm: &Vm) -> Result<Truncated, ConvError> {
        match value {
            Value::Int(_) | Value::Float(_) => Ok(Truncated(vm.profile().integer_of(value).unwrap_or(0))),
            other => Err(ConvError::invalid_type(other, Self::TYPES)),
        }
    }
}
