//! The default delegates: the methods every value of a type answers to
//! (`[].len()`, `"s".slice(1)`, `f.call(...)`, ...), with the reference's parameter
//! checks and error texts.

use crate::api::vm::{Args, Fail, Vm};
use crate::heap::object::*;
use crate::heap::table::Table;
use crate::heap::value::*;

type Native = fn(&mut Vm, Args) -> Result<Value, Fail>;
/// A delegate method: name, function, parameter count, type mask.
type Method = (&'static str, Native, i32, Option<&'static str>);

pub(crate) fn install(vm: &mut Vm) {
    let d = &vm.delegates;
    let (table, array, string, number, function, generator, thread, class, instance, weakref) =
        (d.table, d.array, d.string, d.number, d.function, d.generator, d.thread, d.class, d.instance, d.weakref);
    let common: &[Method] = &[("weakref", obj_weakref, 1, None), ("tostring", obj_tostring, 1, Some("."))];
    let sets: &[(TableId, &[Method])] = &[
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
        for (name, f, n, mask) in funcs.iter().chain(common.iter()) {
            vm.register_in(Value::Table(*t), name, *f, *n, *mask);
        }
    }
}

// ----- helpers ------------------------------------------------------------------------

fn int_arg(vm: &Vm, args: Args, i: usize) -> i64 {
    match args.get(vm, i) {
        // The common case first, without the profile's float conversion inlined.
        Value::Int(n) => n,
        v => vm.profile.integer_of(v).unwrap_or(0),
    }
}

fn array_of(vm: &Vm, args: Args) -> ArrayId {
    match args.this(vm) {
        Value::Array(a) => a,
        _ => unreachable!("typemask guarantees an array"),
    }
}

/// Calls `f` with `this` = `this` and `args`, for natives iterating containers.
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
            let base = if args.len() > 1 { int_arg(vm, args, 1) } else { 10 };
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
    let c = int_arg(vm, args, 0) as u8;
    Ok(vm.bytes(&[c]))
}

// ----- tables -------------------------------------------------------------------------

fn table_of(vm: &Vm, args: Args) -> TableId {
    match args.this(vm) {
        Value::Table(t) => t,
        _ => unreachable!("typemask guarantees a table"),
    }
}

fn table_rawdelete(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = table_of(vm, args);
    let key = args.get(vm, 1);
    let removed = vm.heap.tables.get_mut(t.0).remove(key, &vm.heap.strings);
    Ok(removed.map(|v| vm.heap.real(v)).unwrap_or(Value::Null))
}

fn table_setdelegate(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let this = args.this(vm);
    let Value::Table(t) = this else { return Err(vm.error("wrong type")) };
    match args.get(vm, 1) {
        Value::Table(d) => {
            let mut cur = Some(d);
            while let Some(c) = cur {
                if c == t {
                    return Err(vm.error("delegate cycle"));
                }
                cur = vm.heap.table(c).delegate;
            }
            vm.heap.table_mut(t).delegate = Some(d);
        }
        _ => vm.heap.table_mut(t).delegate = None,
    }
    Ok(this)
}

fn table_getdelegate(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(match args.this(vm) {
        Value::Table(t) => vm.heap.table(t).delegate.map_or(Value::Null, Value::Table),
        _ => Value::Null,
    })
}

/// Walks the live table as the reference does: an entry the callback removes before
/// the walk reaches it is not visited, and the walk ends early if the table shrinks.
/// Each visited entry is held, since the native keeps it across the callback.
fn next_entry(vm: &mut Vm, t: TableId, pos: &mut usize) -> Option<(Value, Value)> {
    let (next, k, v) = vm.heap.table(t).next(*pos)?;
    *pos = next;
    let v = vm.heap.real(v);
    vm.hold_all(&[k, v]);
    Some((k, v))
}

fn table_filter(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (this, f) = (args.this(vm), args.get(vm, 1));
    let t = table_of(vm, args);
    let out = vm.heap.alloc_table(Table::with_capacity(0));
    vm.hold(Value::Table(out));
    let mut pos = 0;
    while let Some((k, v)) = next_entry(vm, t, &mut pos) {
        if callback(vm, f, this, &[k, v])?.truthy() {
            vm.heap.tables.get_mut(out.0).insert(k, v, &vm.heap.strings);
        }
    }
    Ok(Value::Table(out))
}

/// One result per entry the table had at the start (null for those not visited).
fn table_map(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (this, f) = (args.this(vm), args.get(vm, 1));
    let t = table_of(vm, args);
    let out = vm.filled_array(vm.heap.table(t).len(), Value::Null)?;
    vm.hold(Value::Array(out));
    let (mut pos, mut n) = (0, 0);
    while let Some((k, v)) = next_entry(vm, t, &mut pos) {
        let r = callback(vm, f, this, &[k, v])?;
        if let Some(slot) = vm.heap.array_mut(out).get_mut(n) {
            *slot = r;
        }
        n += 1;
    }
    Ok(Value::Array(out))
}

fn table_keys(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = table_of(vm, args);
    let keys = vm.heap.table(t).entries().map(|(k, _)| k).collect();
    Ok(Value::Array(vm.heap.alloc_array(keys)))
}

fn table_values(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = table_of(vm, args);
    let vals = vm.heap.table(t).entries().map(|(_, v)| vm.heap.real(v)).collect();
    Ok(Value::Array(vm.heap.alloc_array(vals)))
}

// ----- arrays -------------------------------------------------------------------------

fn array_append(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let v = args.get(vm, 1);
    vm.array_room(a, 1)?.push(v);
    Ok(Value::Array(a))
}

fn array_extend(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    if let Value::Array(b) = args.get(vm, 1) {
        let n = vm.heap.array(b).len();
        vm.array_room(a, n)?;
        // By index, with the room made: `b` may be `a` itself.
        for i in 0..n {
            let v = vm.heap.array(b)[i];
            vm.heap.array_mut(a).push(v);
        }
    }
    Ok(args.this(vm))
}

fn array_pop(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    match vm.heap.array_mut(a).pop() {
        Some(v) => Ok(vm.heap.real(v)),
        None => Err(vm.error("empty array")),
    }
}

fn array_top(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    match vm.heap.array(a).last() {
        Some(v) => Ok(vm.heap.real(*v)),
        None => Err(vm.error("top() on a empty array")),
    }
}

fn array_insert(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let (i, v) = (int_arg(vm, args, 1), args.get(vm, 2));
    if i < 0 || i as usize > vm.heap.array(a).len() {
        return Err(vm.error("index out of range"));
    }
    vm.array_room(a, 1)?.insert(i as usize, v);
    Ok(args.this(vm))
}

fn array_remove(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let i = int_arg(vm, args, 1);
    let arr = vm.heap.array_mut(a);
    if i < 0 || i as usize >= arr.len() {
        return Err(vm.error("idx out of range"));
    }
    let v = arr.remove(i as usize);
    Ok(vm.heap.real(v))
}

fn array_resize(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let n = int_arg(vm, args, 1);
    if n < 0 {
        return Err(vm.error("resizing to negative length"));
    }
    let fill = args.get(vm, 2);
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    let extra = n.saturating_sub(vm.heap.array(a).len());
    vm.array_room(a, extra)?.resize(n, fill);
    Ok(args.this(vm))
}

fn array_reverse(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    vm.heap.array_mut(a).reverse();
    Ok(args.this(vm))
}

fn array_sort(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let this = args.this(vm);
    let cmp = args.get(vm, 1);
    if cmp.is_null() && sort_ints(vm.heap.array_mut(a)) {
        return Ok(this);
    }
    // The comparisons run script code that may change the array, so the sort works on
    // a held copy; as in the reference, a change of length is an error.
    let mut items = vm.heap.array(a).clone();
    vm.hold_all(&items);
    let len = items.len();
    let mut failure: Option<Fail> = None;
    items.sort_by(|x, y| {
        if failure.is_some() {
            return std::cmp::Ordering::Equal;
        }
        let r = if cmp.is_null() {
            vm.compare(*x, *y)
        } else {
            match vm.call_own(cmp, this, &[*x, *y]) {
                Ok(Value::Int(i)) => Ok(i),
                Ok(Value::Float(f)) => Ok(vm.profile.float_to_int(f)),
                Ok(_) => Err(vm.error("numeric value expected as return value of the compare function")),
                Err(e) => Err(e),
            }
        };
        match r {
            // `a` is this native's `this`, so its slot is live.
            Ok(_) if vm.heap.arrays.get_live(a.0).len() != len => {
                failure = Some(vm.error("array resized during sort operation"));
                std::cmp::Ordering::Equal
            }
            Ok(i) => i.cmp(&0),
            Err(e) => {
                failure = Some(e);
                std::cmp::Ordering::Equal
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    *vm.heap.array_mut(a) = items;
    Ok(this)
}

/// Sorts an array of integers only (the common case of the default order) without a
/// comparison through the VM per pair; false, leaving it untouched, if any element is
/// not an integer. Equal integers are indistinguishable, so an unstable sort is exact.
fn sort_ints(items: &mut [Value]) -> bool {
    let ints: Option<Vec<i64>> = items
        .iter()
        .map(|v| match v {
            Value::Int(i) => Some(*i),
            _ => None,
        })
        .collect();
    let Some(mut ints) = ints else { return false };
    ints.sort_unstable();
    for (slot, i) in items.iter_mut().zip(ints) {
        *slot = Value::Int(i);
    }
    true
}

/// Resolves `slice(start [, end])` arguments against `len` (negative = from the end).
#[inline(always)]
fn slice_range(vm: &mut Vm, args: Args, len: usize) -> Result<(usize, usize), Fail> {
    let len = len as i64;
    let mut s = if args.len() > 1 { int_arg(vm, args, 1) } else { 0 };
    let mut e = if args.len() > 2 { int_arg(vm, args, 2) } else { len };
    if s < 0 {
        s += len;
    }
    if e < 0 {
        e += len;
    }
    if e < s {
        return Err(vm.error("wrong indexes"));
    }
    if e > len || s < 0 {
        return Err(vm.error("slice out of range"));
    }
    Ok((s as usize, e as usize))
}

fn array_slice(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let (s, e) = slice_range(vm, args, vm.heap.array(a).len())?;
    vm.reserve_values(e - s)?;
    let part = vm.heap.array(a)[s..e].to_vec();
    Ok(Value::Array(vm.heap.alloc_array(part)))
}

/// Element `i` of the array a callback walk visits, held (the walk keeps it across the
/// callback). Like the reference, the walk covers the length the array had at the
/// start; past a shrunken end it visits `prev`, the last element it read, again.
fn walk_item(vm: &mut Vm, a: ArrayId, i: usize, prev: Value) -> Value {
    let v = match vm.heap.array(a).get(i) {
        Some(v) => vm.heap.real(*v),
        None => prev,
    };
    vm.hold(v);
    v
}

fn map_into(vm: &mut Vm, args: Args, dest: ArrayId) -> Result<(), Fail> {
    let (this, f) = (args.this(vm), args.get(vm, 1));
    let a = array_of(vm, args);
    let arity = callback_arity(vm, f);
    let mut v = Value::Null;
    for i in 0..vm.heap.array(a).len() {
        v = walk_item(vm, a, i, v);
        let r = match arity {
            0..=2 => callback(vm, f, this, &[v])?,
            3 => callback(vm, f, this, &[v, Value::Int(i as i64)])?,
            _ => callback(vm, f, this, &[v, Value::Int(i as i64), this])?,
        };
        if let Some(slot) = vm.heap.array_mut(dest).get_mut(i) {
            *slot = r;
        }
    }
    Ok(())
}

fn array_map(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let out = vm.filled_array(vm.heap.array(a).len(), Value::Null)?;
    vm.hold(Value::Array(out));
    map_into(vm, args, out)?;
    Ok(Value::Array(out))
}

fn array_apply(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    map_into(vm, args, a)?;
    Ok(args.this(vm))
}

fn array_reduce(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (this, f) = (args.this(vm), args.get(vm, 1));
    let a = array_of(vm, args);
    let n = vm.heap.array(a).len();
    let (mut acc, start) = if args.len() > 2 {
        (args.get(vm, 2), 0)
    } else if n == 0 {
        return Ok(Value::Null);
    } else {
        (vm.heap.real(vm.heap.array(a)[0]), 1)
    };
    let mut v = Value::Null;
    for i in start..n {
        v = walk_item(vm, a, i, v);
        acc = callback(vm, f, this, &[acc, v])?;
    }
    Ok(acc)
}

fn array_filter(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (this, f) = (args.this(vm), args.get(vm, 1));
    let a = array_of(vm, args);
    let out = vm.heap.alloc_array(Vec::new());
    vm.hold(Value::Array(out));
    let mut v = Value::Null;
    for i in 0..vm.heap.array(a).len() {
        v = walk_item(vm, a, i, v);
        if callback(vm, f, this, &[Value::Int(i as i64), v])?.truthy() {
            vm.heap.array_mut(out).push(v);
        }
    }
    Ok(Value::Array(out))
}

fn array_find(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let x = args.get(vm, 1);
    let arr = vm.heap.array(a);
    Ok(arr.iter().position(|v| vm.equals(vm.heap.real(*v), x)).map_or(Value::Null, |i| Value::Int(i as i64)))
}

// ----- strings ------------------------------------------------------------------------

fn string_of(vm: &Vm, args: Args) -> Vec<u8> {
    match args.this(vm) {
        Value::Str(s) => vm.heap.str(s).to_vec(),
        _ => Vec::new(),
    }
}

fn string_slice(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let Value::Str(s) = args.this(vm) else { return Ok(vm.bytes(b"")) };
    let (a, b) = slice_range(vm, args, vm.heap.str(s).len())?;
    Ok(Value::Str(vm.heap.intern_sub(s, a..b)))
}

fn string_find(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let Value::Str(sub) = args.get(vm, 1) else { return Err(vm.error("invalid param")) };
    let start = if args.len() > 2 { int_arg(vm, args, 2) } else { 0 };
    let s: &[u8] = match args.this(vm) {
        Value::Str(s) => vm.heap.str(s),
        _ => &[],
    };
    if start < 0 || start >= s.len() as i64 {
        return Ok(Value::Null);
    }
    // C `strstr` semantics: both strings end at their first NUL.
    let hay = &s[start as usize..];
    let needle = vm.heap.str(sub);
    let needle = &needle[..needle.iter().position(|&c| c == 0).unwrap_or(needle.len())];
    if needle.is_empty() {
        return Ok(Value::Int(start));
    }
    Ok(find_bytes(hay, needle).map_or(Value::Null, |p| Value::Int(p as i64 + start)))
}

/// The first position of a non-empty `needle` without NULs in `hay` up to its first
/// NUL (as `strstr`): a scan for the needle's first byte or the end, then a comparison
/// of the rest (which cannot match across a NUL, as the needle has none).
fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut at = 0;
    loop {
        let p = first_of(hay, at, first)?;
        if hay[p] == 0 {
            return None;
        }
        let after = &hay[p + 1..];
        if after.len() >= rest.len() && rest.iter().zip(after).all(|(a, b)| a == b) {
            return Some(p);
        }
        at = p + 1;
    }
}

/// The first index from `at` on where `hay` holds `b` or a NUL: eight bytes per step
/// (a word has such a byte when `w ^ b` or `w` has a zero byte; the lowest flagged
/// byte is always a real one), then the last few bytes one by one.
fn first_of(hay: &[u8], at: usize, b: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let pattern = LO * b as u64;
    let mut i = at;
    while let Some(chunk) = hay.get(i..i + 8) {
        let mut w = [0; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        let hits = zero_bytes(w ^ pattern) | zero_bytes(w);
        if hits != 0 {
            return Some(i + hits.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    hay.get(i..)?.iter().position(|&c| c == b || c == 0).map(|p| i + p)
}

fn change_case(vm: &mut Vm, args: Args, upper: bool) -> Result<Value, Fail> {
    // A copy to change, then the new string.
    let len = vm.str_bytes(args.this(vm)).map_or(0, <[u8]>::len);
    vm.reserve(len.saturating_mul(2))?;
    let mut s = string_of(vm, args);
    let (a, b) = slice_range(vm, args, s.len())?;
    for c in &mut s[a..b] {
        *c = if upper { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() };
    }
    Ok(vm.bytes(&s))
}

fn string_tolower(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    change_case(vm, args, false)
}

fn string_toupper(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    change_case(vm, args, true)
}

// ----- functions ----------------------------------------------------------------------

fn closure_call(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let f = args.this(vm);
    let this = args.get(vm, 1);
    let rest: Vec<Value> = (2..args.len()).map(|i| args.get(vm, i)).collect();
    vm.call_own(f, this, &rest)
}

fn closure_pcall(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    vm.suppress_error_handler += 1;
    let r = closure_call(vm, args);
    vm.suppress_error_handler -= 1;
    r
}

fn closure_acall(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let f = args.this(vm);
    let Value::Array(a) = args.get(vm, 1) else { return Err(vm.error("wrong parameter")) };
    let list = vm.heap.array(a).clone();
    let Some((this, rest)) = list.split_first() else {
        return Err(vm.error("wrong number of parameters"));
    };
    vm.call_own(f, *this, rest)
}

fn closure_pacall(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    vm.suppress_error_handler += 1;
    let r = closure_acall(vm, args);
    vm.suppress_error_handler -= 1;
    r
}

fn closure_bindenv(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (f, env) = (args.this(vm), args.get(vm, 1));
    if !matches!(env, Value::Table(_) | Value::Class(_) | Value::Instance(_)) {
        let t = env.type_of();
        return Err(vm.error(format!("cannot bind a {t} as environment object")));
    }
    let w = vm.heap.weakref(env);
    Ok(match f {
        Value::Closure(c) => {
            let old = vm.heap.closure(c);
            let copy = Closure {
                proto: old.proto.clone(),
                outers: old.outers.clone(),
                defaults: old.defaults.clone(),
                env: Some(w),
                root: old.root,
                base: old.base,
            };
            Value::Closure(vm.heap.alloc_closure(copy))
        }
        Value::Native(n) => {
            let old = vm.heap.native(n);
            let copy = NativeFunction {
                name: old.name,
                body: old.body.clone(),
                arity: old.arity,
                typemask: old.typemask.clone(),
                env: Some(w),
                free: old.free.clone(),
            };
            Value::Native(vm.heap.alloc_native(copy))
        }
        other => other,
    })
}

fn closure_getinfos(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let f = args.this(vm);
    let mut slots: Vec<(&str, Value)> = Vec::new();
    match f {
        Value::Closure(c) => {
            let cl = vm.heap.closure(c);
            let p = cl.proto.clone();
            let defaults = cl.defaults.to_vec();
            let mut params: Vec<Value> = p.params.iter().map(|s| Value::Str(*s)).collect();
            if p.varargs {
                params.push(vm.string("..."));
            }
            let params = Value::Array(vm.heap.alloc_array(params));
            let defparams = Value::Array(vm.heap.alloc_array(defaults));
            slots.push(("native", Value::Bool(false)));
            slots.push(("name", p.name));
            slots.push(("src", p.source));
            slots.push(("parameters", params));
            slots.push(("varargs", Value::Int(p.varargs as i64)));
            slots.push(("defparams", defparams));
        }
        Value::Native(n) => {
            let nf = vm.heap.native(n);
            let (name, nparams) = (nf.name, nf.arity.nparams());
            let mask = nf.typemask.clone();
            let typecheck = match mask {
                Some(m) if !m.is_empty() => {
                    let items = m.iter().map(|x| Value::Int(if *x == u32::MAX { -1 } else { *x as i64 })).collect();
                    Value::Array(vm.heap.alloc_array(items))
                }
                _ => Value::Null,
            };
            slots.push(("native", Value::Bool(true)));
            slots.push(("name", Value::Str(name)));
            slots.push(("paramscheck", Value::Int(nparams as i64)));
            slots.push(("typecheck", typecheck));
        }
        _ => {}
    }
    let t = vm.new_table();
    for (k, v) in slots {
        let k = vm.string(k);
        vm.table_set(t, k, v);
    }
    Ok(t)
}

fn closure_getroot(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(match args.this(vm) {
        Value::Closure(c) => Value::Table(vm.heap.closure(c).root),
        _ => vm.root_table(),
    })
}

fn closure_setroot(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    if let (Value::Closure(c), Value::Table(t)) = (args.this(vm), args.get(vm, 1)) {
        vm.heap.closures.get_mut(c.0).root = t;
    }
    Ok(Value::Null)
}

// ----- generators and threads ---------------------------------------------------------

fn generator_getstatus(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let Value::Generator(g) = args.this(vm) else { return Ok(Value::Null) };
    let s = match vm.heap.generators.get(g.0).state {
        GenState::Suspended => "suspended",
        GenState::Running => "running",
        GenState::Dead => "dead",
    };
    Ok(vm.string(s))
}

fn thread_of(vm: &mut Vm, args: Args) -> Result<ThreadId, Fail> {
    match args.this(vm) {
        Value::Thread(t) => Ok(t),
        _ => Err(vm.error("wrong parameter")),
    }
}

fn thread_call(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = thread_of(vm, args)?;
    // The reference pushes the root table and the arguments on the thread's stack and
    // calls what lies beneath them. For a suspended thread, that is mostly what it
    // suspended with (see tests/conformance-gaps.txt); for the running one, the top of
    // this call's own arguments; for one waiting in another thread's call, that call.
    let beneath = match vm.heap.threads.get(t.0).status {
        ThreadStatus::Idle => None,
        ThreadStatus::Suspended => Some(vm.heap.threads.get(t.0).suspended_with),
        ThreadStatus::Running if vm.suspender() == CtxId::Thread(t) => Some(args.get(vm, args.len() - 1).type_of()),
        ThreadStatus::Running => Some(Type::Thread),
    };
    if let Some(t) = beneath {
        return Err(vm.error(format!("attempt to call '{t}'")));
    }
    let mut list = vec![vm.root_table()];
    list.extend((1..args.len()).map(|i| args.get(vm, i)));
    vm.stage_call(t, &list)
}

fn wake_checks(vm: &mut Vm, t: ThreadId) -> Result<(), Fail> {
    match vm.heap.threads.get(t.0).status {
        ThreadStatus::Idle => Err(vm.error("cannot wakeup a idle thread")),
        ThreadStatus::Running => Err(vm.error("cannot wakeup a running thread")),
        ThreadStatus::Suspended => Ok(()),
    }
}

fn thread_wakeup(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = thread_of(vm, args)?;
    wake_checks(vm, t)?;
    let v = args.get(vm, 1);
    Err(vm.stage_wake(t, v, Wake::Resume, false))
}

fn thread_wakeupthrow(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = thread_of(vm, args)?;
    wake_checks(vm, t)?;
    let err = args.get(vm, 1);
    let propagate = args.len() < 3 || args.get(vm, 2).truthy();
    Err(vm.stage_wake(t, err, Wake::Throw, !propagate))
}

fn thread_getstatus(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = thread_of(vm, args)?;
    let s = match vm.heap.threads.get(t.0).status {
        ThreadStatus::Idle => "idle",
        ThreadStatus::Running => "running",
        ThreadStatus::Suspended => "suspended",
    };
    Ok(vm.string(s))
}

fn thread_getstackinfos(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = thread_of(vm, args)?;
    let level = int_arg(vm, args, 1);
    let frames = vm.suspended_frames(t);
    let entry = usize::try_from(level).ok().and_then(|l| frames.get(l)).map(|(f, stack)| vm.stack_entry(f, stack));
    match entry {
        Some(e) => Ok(crate::library::baselib::stack_info_table(vm, &e)),
        None => Ok(Value::Null),
    }
}

// ----- classes and instances ----------------------------------------------------------

fn class_of(vm: &Vm, args: Args) -> ClassId {
    match args.this(vm) {
        Value::Class(c) => c,
        _ => unreachable!("typemask guarantees a class"),
    }
}

fn class_getattributes(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let c = class_of(vm, args);
    let key = args.get(vm, 1);
    if key.is_null() {
        return Ok(vm.heap.class(c).attrs);
    }
    let class = vm.heap.class(c);
    match class.members.get(key, &vm.heap.strings).and_then(MemberRef::decode) {
        Some(MemberRef::Field(i)) => Ok(class.fields[i].attrs),
        Some(MemberRef::Method(i)) => Ok(class.methods[i].attrs),
        None => Err(vm.error("wrong index")),
    }
}

fn class_setattributes(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let c = class_of(vm, args);
    let (key, val) = (args.get(vm, 1), args.get(vm, 2));
    if key.is_null() {
        let old = vm.heap.class(c).attrs;
        vm.heap.class_mut(c).attrs = val;
        return Ok(old);
    }
    let old = class_getattributes(vm, args)?;
    vm.set_member_attrs(c, key, val);
    Ok(old)
}

fn class_instance(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let c = class_of(vm, args);
    vm.instantiate(c)
}

fn class_getbase(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let c = class_of(vm, args);
    Ok(vm.heap.class(c).base.map_or(Value::Null, Value::Class))
}

fn class_newmember(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let this = args.this(vm);
    let (k, v, a, s) = (args.get(vm, 1), args.get(vm, 2), args.get(vm, 3), args.get(vm, 4).truthy());
    vm.new_member(this, k, v, a, s)?;
    Ok(Value::Null)
}

fn class_rawnewmember(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let c = class_of(vm, args);
    let (k, v, a, s) = (args.get(vm, 1), args.get(vm, 2), args.get(vm, 3), args.get(vm, 4).truthy());
    vm.raw_new_member(c, k, v, a, s)?;
    Ok(Value::Null)
}

fn instance_getclass(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(match args.this(vm) {
        Value::Instance(i) => Value::Class(vm.heap.instance(i).class),
        _ => Value::Null,
    })
}

fn weakref_ref(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(match args.this(vm) {
        Value::WeakRef(w) => vm.heap.weak_target(w),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::{find_bytes, short_decimal};
    use crate::heap::value::Value;

    #[test]
    fn find_bytes_matches_a_naive_search() {
        let hay = b"key77=7177 a77";
        for needle in [&b"77"[..], b"7", b"key", b"a77", b"77 a", b"x", b"a777", b"key77=7177 a77", b"key77=7177 a77!"]
        {
            let naive = hay.windows(needle.len()).position(|w| w == needle);
            assert_eq!(find_bytes(hay, needle), naive, "{needle:?}");
        }
        assert_eq!(find_bytes(b"", b"a"), None);
    }

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

    #[test]
    fn find_bytes_stops_at_the_first_nul() {
        assert_eq!(find_bytes(b"ab\0cd", b"cd"), None);
        assert_eq!(find_bytes(b"ab\0cd", b"b"), Some(1));
        assert_eq!(find_bytes(b"abc\0", b"c"), Some(2));
        assert_eq!(find_bytes(b"\0ab", b"a"), None);
    }

    #[test]
    fn find_bytes_agrees_with_strstr_across_word_boundaries() {
        // Every position of the needle's first byte and of a NUL in haystacks longer
        // than a word, with bytes next to the searched one that a word-at-a-time scan
        // could mistake for it (its value xor 1, 0x80, 0xFF).
        let strstr = |hay: &[u8], needle: &[u8]| {
            let hay = &hay[..hay.iter().position(|&c| c == 0).unwrap_or(hay.len())];
            hay.windows(needle.len()).position(|w| w == needle)
        };
        for len in 0..20 {
            for fill in [b'a', b'7' ^ 1, 0x80, 0xFF] {
                for at in 0..len {
                    for nul in (0..len).chain([len]) {
                        let mut hay = vec![fill; len];
                        hay[at] = b'7';
                        if nul < len {
                            hay[nul] = 0;
                        }
                        for needle in [&b"7"[..], &[b'7', fill], &[fill, b'7']] {
                            assert_eq!(find_bytes(&hay, needle), strstr(&hay, needle), "{hay:?} {needle:?}");
                        }
                    }
                }
            }
        }
    }
}
