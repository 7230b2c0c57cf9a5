//! The array delegate: growth, sorting, slicing and the functional methods.

use super::*;
use crate::api::vm::{Args, Fail, Vm, Walk};
use crate::heap::value::*;

pub(super) fn array_append(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let v = args.get(vm, 1);
    vm.array_room(a, 1)?.push(v);
    Ok(Value::Array(a))
}

pub(super) fn array_extend(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
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

pub(super) fn array_pop(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    match vm.heap.array_mut(a).pop() {
        Some(v) => Ok(vm.heap.real(v)),
        None => Err(vm.error("empty array")),
    }
}

pub(super) fn array_top(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    match vm.heap.array(a).last() {
        Some(v) => Ok(vm.heap.real(*v)),
        None => Err(vm.error("top() on a empty array")),
    }
}

pub(super) fn array_insert(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let (i, v) = (args.int(vm, 1), args.get(vm, 2));
    if i < 0 || i as usize > vm.heap.array(a).len() {
        return Err(vm.error("index out of range"));
    }
    vm.array_room(a, 1)?.insert(i as usize, v);
    Ok(args.this(vm))
}

pub(super) fn array_remove(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let i = args.int(vm, 1);
    let arr = vm.heap.array_mut(a);
    if i < 0 || i as usize >= arr.len() {
        return Err(vm.error("idx out of range"));
    }
    let v = arr.remove(i as usize);
    Ok(vm.heap.real(v))
}

pub(super) fn array_resize(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let n = args.int(vm, 1);
    if n < 0 {
        return Err(vm.error("resizing to negative length"));
    }
    let fill = args.get(vm, 2);
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    let extra = n.saturating_sub(vm.heap.array(a).len());
    vm.array_room(a, extra)?.resize(n, fill);
    Ok(args.this(vm))
}

pub(super) fn array_reverse(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    vm.heap.array_mut(a).reverse();
    Ok(args.this(vm))
}

pub(super) fn array_sort(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
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
    vm.walking(cmp, this, 0, 2, |vm, walk| {
        items.sort_by(|x, y| {
            if failure.is_some() {
                return std::cmp::Ordering::Equal;
            }
            let r = if cmp.is_null() {
                vm.compare(*x, *y)
            } else {
                match vm.walk_call(walk, [*x, *y]) {
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
        Ok(())
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    *vm.heap.array_mut(a) = items;
    Ok(this)
}

/// Sorts an array of integers only (the common case of the default order) without a
/// comparison through the VM per pair; false, leaving it untouched, if any element is
/// not an integer. Equal integers are indistinguishable, so an unstable sort is exact.
pub(super) fn sort_ints(items: &mut [Value]) -> bool {
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
pub(super) fn slice_range(vm: &mut Vm, args: Args, len: usize) -> Result<(usize, usize), Fail> {
    let len = len as i64;
    let mut s = if args.len() > 1 { args.int(vm, 1) } else { 0 };
    let mut e = if args.len() > 2 { args.int(vm, 2) } else { len };
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

pub(super) fn array_slice(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let (s, e) = slice_range(vm, args, vm.heap.array(a).len())?;
    vm.reserve_values(e - s)?;
    let part = vm.heap.array(a)[s..e].to_vec();
    Ok(Value::Array(vm.heap.alloc_array(part)))
}

/// Element `i` of the array a callback walk visits, kept in the walk's root slot 0
/// (the walk holds it across the callback). Like the reference, the walk covers the
/// length the array had at the start; past a shrunken end it visits `prev`, the last
/// element it read, again.
#[inline(always)]
fn walk_item(vm: &mut Vm, walk: &Walk, a: ArrayId, i: usize, prev: Value) -> Value {
    // `a` is the walking native's `this`, so its slot is live.
    let v = match vm.heap.arrays.get_live(a.0).get(i) {
        Some(v) => vm.heap.real(*v),
        None => prev,
    };
    vm.walk_root(walk, 0, v);
    v
}

pub(super) fn map_into(vm: &mut Vm, args: Args, dest: ArrayId) -> Result<(), Fail> {
    let (this, f) = (args.this(vm), args.get(vm, 1));
    let a = array_of(vm, args);
    let nargs = callback_arity(vm, f).clamp(2, 4) as u32 - 1;
    let n = vm.heap.array(a).len();
    vm.walking(f, this, 1, nargs, |vm, walk| {
        let mut v = Value::Null;
        for i in 0..n {
            v = walk_item(vm, walk, a, i, v);
            let r = vm.walk_call(walk, [v, Value::Int(i as i64), this])?;
            if let Some(slot) = vm.heap.array_mut(dest).get_mut(i) {
                *slot = r;
            }
        }
        Ok(())
    })
}

pub(super) fn array_map(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let out = vm.filled_array(vm.heap.array(a).len(), Value::Null)?;
    vm.hold(Value::Array(out));
    map_into(vm, args, out)?;
    Ok(Value::Array(out))
}

pub(super) fn array_apply(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    map_into(vm, args, a)?;
    Ok(args.this(vm))
}

pub(super) fn array_reduce(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (this, f) = (args.this(vm), args.get(vm, 1));
    let a = array_of(vm, args);
    let n = vm.heap.array(a).len();
    let (acc, start) = if args.len() > 2 {
        (args.get(vm, 2), 0)
    } else if n == 0 {
        return Ok(Value::Null);
    } else {
        (vm.heap.real(vm.heap.array(a)[0]), 1)
    };
    vm.walking(f, this, 1, 2, |vm, walk| {
        let (mut acc, mut v) = (acc, Value::Null);
        for i in start..n {
            v = walk_item(vm, walk, a, i, v);
            acc = vm.walk_call(walk, [acc, v])?;
        }
        Ok(acc)
    })
}

pub(super) fn array_filter(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (this, f) = (args.this(vm), args.get(vm, 1));
    let a = array_of(vm, args);
    let out = vm.heap.alloc_array(Vec::new());
    vm.hold(Value::Array(out));
    let n = vm.heap.array(a).len();
    vm.walking(f, this, 1, 2, |vm, walk| {
        let mut v = Value::Null;
        for i in 0..n {
            v = walk_item(vm, walk, a, i, v);
            if vm.walk_call(walk, [Value::Int(i as i64), v])?.truthy() {
                vm.heap.array_mut(out).push(v);
            }
        }
        Ok(())
    })?;
    Ok(Value::Array(out))
}

pub(super) fn array_find(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let x = args.get(vm, 1);
    let arr = vm.heap.array(a);
    Ok(arr.iter().position(|v| vm.equals(vm.heap.real(*v), x)).map_or(Value::Null, |i| Value::Int(i as i64)))
}
