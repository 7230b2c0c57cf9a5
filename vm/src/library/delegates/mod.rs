//! The default delegates: the methods every value of a type answers to
//! (`[].len()`, `"s".slice(1)`, `f.call(...)`, ...), with the reference's parameter
//! checks and error texts.

mod array;
mod class;
mod function;
mod merge_sort;
mod string;
mod table;
mod thread;

use crate::api::vm::{Args, Fail, NativeEntry, Vm};
use crate::heap::value::*;
use array::*;
use class::*;
use function::*;
use string::*;
use table::*;
use thread::*;

pub(crate) fn install(vm: &mut Vm) {
    let d = &vm.delegates;
    let (table, array, string, number, function, generator, thread, class, instance, weakref) =
        (d.table, d.array, d.string, d.number, d.function, d.generator, d.thread, d.class, d.instance, d.weakref);
    let common: &[NativeEntry] = &[("weakref", obj_weakref, 1, None), ("tostring", obj_tostring, 1, Some("."))];
    let sets: &[(TableId, &[NativeEntry])] = &[
        (
            table,
            &[
                ("len", obj_len, 1, Some("t")),
                ("rawget", container_rawget, 2, Some("t")),
                ("rawset", container_rawset, 3, Some("t")),
                ("rawdelete", table_rawdelete, 2, Some("t")),
                ("rawin", container_rawin, 2, Some("t")),
                ("clear", obj_clear, 1, Some(".")),
                ("setdelegate", table_setdelegate, 2, Some(".t|o")),
                ("getdelegate", table_getdelegate, 1, Some(".")),
                ("filter", table_filter, 2, Some("tc")),
                ("map", table_map, 2, Some("tc")),
                ("keys", table_keys, 1, Some("t")),
                ("values", table_values, 1, Some("t")),
            ],
        ),
        (
            array,
            &[
                ("len", obj_len, 1, Some("a")),
                ("append", array_append, 2, Some("a")),
                ("push", array_append, 2, Some("a")),
                ("extend", array_extend, 2, Some("aa")),
                ("pop", array_pop, 1, Some("a")),
                ("top", array_top, 1, Some("a")),
                ("insert", array_insert, 3, Some("an")),
                ("remove", array_remove, 2, Some("an")),
                ("resize", array_resize, -2, Some("an")),
                ("reverse", array_reverse, 1, Some("a")),
                ("sort", array_sort, -1, Some("ac")),
                ("slice", array_slice, -1, Some("ann")),
                ("clear", obj_clear, 1, Some(".")),
                ("map", array_map, 2, Some("ac")),
                ("apply", array_apply, 2, Some("ac")),
                ("reduce", array_reduce, -2, Some("ac.")),
                ("filter", array_filter, 2, Some("ac")),
                ("find", array_find, 2, Some("a.")),
            ],
        ),
        (
            string,
            &[
                ("len", obj_len, 1, Some("s")),
                ("tointeger", to_integer, -1, Some("sn")),
                ("tofloat", to_float, 1, Some("s")),
                ("slice", string_slice, -1, Some("s n  n")),
                ("find", string_find, -2, Some("s s n")),
                ("tolower", string_tolower, -1, Some("s n n")),
                ("toupper", string_toupper, -1, Some("s n n")),
            ],
        ),
        (
            number,
            &[
                ("tointeger", to_integer, 1, Some("n|b")),
                ("tofloat", to_float, 1, Some("n|b")),
                ("tochar", number_tochar, 1, Some("n|b")),
            ],
        ),
        (
            function,
            &[
                ("call", closure_call, -1, Some("c")),
                ("pcall", closure_pcall, -1, Some("c")),
                ("acall", closure_acall, 2, Some("ca")),
                ("pacall", closure_pacall, 2, Some("ca")),
                ("bindenv", closure_bindenv, 2, Some("c x|y|t")),
                ("getinfos", closure_getinfos, 1, Some("c")),
                ("getroot", closure_getroot, 1, Some("c")),
                ("setroot", closure_setroot, 2, Some("ct")),
            ],
        ),
        (generator, &[("getstatus", generator_getstatus, 1, Some("g"))]),
        (
            thread,
            &[
                ("call", thread_call, -1, Some("v")),
                ("wakeup", thread_wakeup, -1, Some("v")),
                ("wakeupthrow", thread_wakeupthrow, -2, Some("v.b")),
                ("getstatus", thread_getstatus, 1, Some("v")),
                ("getstackinfos", thread_getstackinfos, 2, Some("vn")),
            ],
        ),
        (
            class,
            &[
                ("getattributes", class_getattributes, 2, Some("y.")),
                ("setattributes", class_setattributes, 3, Some("y..")),
                ("rawget", container_rawget, 2, Some("y")),
                ("rawset", container_rawset, 3, Some("y")),
                ("rawin", container_rawin, 2, Some("y")),
                ("instance", class_instance, 1, Some("y")),
                ("getbase", class_getbase, 1, Some("y")),
                ("newmember", class_newmember, -3, Some("y")),
                ("rawnewmember", class_rawnewmember, -3, Some("y")),
            ],
        ),
        (
            instance,
            &[
                ("getclass", instance_getclass, 1, Some("x")),
                ("rawget", container_rawget, 2, Some("x")),
                ("rawset", container_rawset, 3, Some("x")),
                ("rawin", container_rawin, 2, Some("x")),
            ],
        ),
        (weakref, &[("ref", weakref_ref, 1, Some("r"))]),
    ];
    for (t, funcs) in sets {
        vm.register_all(Value::Table(*t), funcs);
        vm.register_all(Value::Table(*t), common);
    }
}

// ----- helpers ------------------------------------------------------------------------

fn array_of(vm: &Vm, args: Args) -> ArrayId {
    match args.this(vm) {
        Value::Array(a) => a,
        _ => unreachable!("typemask guarantees an array"),
    }
}

/// Calls `f` with `this` = `this` and `args`, for natives iterating containers.
/// Inlined, so each call site copies its fixed number of arguments in place.
#[inline(always)]
fn callback(vm: &mut Vm, f: Value, this: Value, args: &[Value]) -> Result<Value, Fail> {
    vm.call_own(f, this, args)
}

/// The number of arguments (with `this`) a callback is given by map/apply.
fn callback_arity(vm: &Vm, f: Value) -> usize {
    match f {
        Value::Closure(c) => vm.heap.closure(c).proto.nparams as usize + vm.heap.closure(c).proto.varargs as usize,
        Value::Native(n) => match vm.heap.native(n).arity.nparams() {
            p if p > 0 => p as usize,
            _ => 4,
        },
        _ => 2,
    }
}

// ----- shared -------------------------------------------------------------------------

fn obj_weakref(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let v = args.this(vm);
    Ok(match v {
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => v,
        other => Value::WeakRef(vm.heap.weakref(other)),
    })
}

fn obj_tostring(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let v = args.this(vm);
    Ok(Value::Str(vm.tostring(v)?))
}

fn obj_len(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(Value::Int(match args.this(vm) {
        Value::Table(t) => vm.heap.table(t).len() as i64,
        Value::Array(a) => vm.heap.array(a).len() as i64,
        Value::Str(s) => vm.heap.str(s).len() as i64,
        _ => 0,
    }))
}

fn obj_clear(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let this = args.this(vm);
    match this {
        Value::Table(t) => vm.heap.tables.get_mut(t.0).clear(),
        Value::Array(a) => vm.heap.array_mut(a).clear(),
        _ => return Err(vm.error("clear only works on table and array")),
    }
    Ok(this)
}

fn container_rawget(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (this, key) = (args.this(vm), args.get(vm, 1));
    match vm.get_opt(this, key, true)? {
        Some(v) => Ok(v),
        None => Err(vm.error("the index doesn't exist")),
    }
}

fn container_rawset(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (this, key, val) = (args.this(vm), args.get(vm, 1), args.get(vm, 2));
    match this {
        Value::Table(t) => {
            if key.is_null() {
                return Err(vm.error("null key"));
            }
            vm.heap.tables.get_mut(t.0).insert(key, val, &vm.heap.strings);
        }
        Value::Class(_) => vm.new_slot(this, key, val, false)?,
        Value::Instance(i) => {
            if !vm.instance_set(i, key, val) {
                return Err(vm.idx_error(key));
            }
        }
        _ => return Err(vm.error("rawset works only on array/table/class and instance")),
    }
    Ok(this)
}

fn container_rawin(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (this, key) = (args.this(vm), args.get(vm, 1));
    Ok(Value::Bool(vm.get_opt(this, key, true)?.is_some()))
}

fn to_integer(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(match args.this(vm) {
        Value::Str(s) => {
            let base = if args.len() > 1 { args.int(vm, 1) } else { 10 };
            let text = vm.heap.str(s);
            if let Some(v) = (base == 10).then(|| short_decimal(text)).flatten() {
                return Ok(Value::Int(v));
            }
            match crate::library::baselib::str_to_num(text, base as u32) {
                Some(Value::Float(f)) => Value::Int(vm.profile.float_to_int(f)),
                Some(v) => v,
                None => return Err(vm.error("cannot convert the string")),
            }
        }
        Value::Int(i) => Value::Int(i),
        Value::Float(f) => Value::Int(vm.profile.float_to_int(f)),
        Value::Bool(b) => Value::Int(b as i64),
        _ => Value::Null,
    })
}

/// The value of a text that is only decimal digits (at most 18, so no overflow),
/// optionally after a `-`: the common case of `str_to_num`, which gives the same
/// integer, without its scans.
fn short_decimal(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v = 0i64;
    for &c in digits {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as i64;
    }
    Some(if neg { -v } else { v })
}

fn to_float(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(match args.this(vm) {
        Value::Str(s) => match crate::library::baselib::str_to_num(vm.heap.str(s), 10) {
            Some(Value::Int(i)) => Value::Float(i as f32),
            Some(v) => v,
            None => return Err(vm.error("cannot convert the string")),
        },
        Value::Int(i) => Value::Float(i as f32),
        Value::Float(f) => Value::Float(f),
        Value::Bool(b) => Value::Float(b as i32 as f32),
        _ => Value::Null,
    })
}

fn number_tochar(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let c = args.int(vm, 0) as u8;
    Ok(vm.bytes(&[c]))
}

#[cfg(test)]
mod tests {
    use super::short_decimal;
    use crate::heap::value::Value;

    #[test]
    fn short_decimals_read_as_str_to_num_does() {
        for text in ["0", "7", "-7", "123456789012345678", "-000012", "-", "", "12a", "+5", " 5", "1.5", "1e3", "-0"] {
            let fast = short_decimal(text.as_bytes());
            if let Some(v) = fast {
                let slow = crate::library::baselib::str_to_num(text.as_bytes(), 10);
                assert!(matches!(slow, Some(Value::Int(w)) if w == v), "{text:?}");
            }
        }
        assert_eq!(short_decimal(b"-42"), Some(-42));
        assert_eq!(short_decimal(b"12a"), None);
        assert_eq!(short_decimal(b"1234567890123456789"), None);
    }
}
