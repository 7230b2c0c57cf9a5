//! Shared plumbing for the library natives: reading arguments the way the reference's
//! `sq_getfloat` and `sq_getstring` coerce them (integers: [`Args::int`]).

use impish_vm::embed::TypeSet;
use impish_vm::{Args, ConvError, FromSquirrel, Value, Vm};

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

/// Argument `i` as a float, 0 when it is absent or not a number (see [`Args::int`]).
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
