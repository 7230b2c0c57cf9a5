//! The array delegate: growth, sorting, slicing and the functional methods.

use super::merge_sort::merge_sort;
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

/// Arrays from this length on are sorted by position (see `array_sort`).
const SORT_BY_POSITION_FROM: usize = 4096;

pub(super) fn array_sort(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let a = array_of(vm, args);
    let this = args.this(vm);
    let cmp = args.get(vm, 1);
    if cmp.is_null() && sort_ints(vm.heap.array_mut(a)) {
        return Ok(this);
    }
    // The comparisons run script code that may change the array, so the sort works
    // apart from it and changes it only at the end; as in the reference, a change of
    // length is an error. A short array is sorted as a held copy of its values, which
    // the comparisons read directly. A long one is sorted by position, each comparison
    // reading both elements from the array (where the collector sees them, whatever the
    // comparator does to it): at most 8 bytes an element at the peak (the positions
    // and the sort's scratch), where the held copy and its scratch take up to 48
    // (arrays.nut: 2.4 MB for 50,000), for about 15 more instructions a comparison
    // (sorting.nut: 2%). Either way the sort is `merge_sort`, which, unlike the
    // standard one, ends whatever a script comparator answers.
    let len = vm.heap.array(a).len();
    if len < SORT_BY_POSITION_FROM {
        let mut items = vm.heap.array(a).clone();
        vm.hold_all(&items);
        sort_apart(vm, cmp, this, a, &mut items, |_, v| *v)?;
        *vm.heap.array_mut(a) = items;
    } else {
        let Ok(n) = u32::try_from(len) else {
            return Err(vm.error("array too big to sort"));
        };
        let mut order: Vec<u32> = (0..n).collect();
        sort_apart(vm, cmp, this, a, &mut order, |vm, &i| {
            // `a` is this native's `this`, so its slot is live. `order` holds positions
            // below `len`, and the array still has `len` elements: `sort_apart` reads
            // none after a comparison that changed its length
            // (tests/regressions/squirrel/sort_comparator_replaces_elements.nut).
            vm.heap.arrays.get_live(a.0)[i as usize]
        })?;
        permute(vm.heap.array_mut(a), &mut order);
    }
    Ok(this)
}

/// Sorts `keys`, standing for the elements of array `a` (`value` gives the element a
/// key stands for), by comparator `cmp` (the default order if null); an error if a
/// comparison fails or changes the array's length. After such a comparison, no key's
/// element is read.
fn sort_apart<K: Copy>(
    vm: &mut Vm,
    cmp: Value,
    this: Value,
    a: ArrayId,
    keys: &mut [K],
    value: impl Fn(&Vm, &K) -> Value,
) -> Result<(), Fail> {
    let len = keys.len();
    vm.walking(cmp, this, 0, 2, |vm, walk| {
        merge_sort(keys, |x, y| {
            let (x, y) = (value(vm, x), value(vm, y));
            let r = if cmp.is_null() {
                vm.compare(x, y)?
            } else {
                match vm.walk_call(walk, [x, y])? {
                    Value::Int(i) => i,
                    Value::Float(f) => vm.profile.float_to_int(f),
                    _ => return Err(vm.error("numeric value expected as return value of the compare function")),
                }
            };
            // `a` is this native's `this`, so its slot is live.
            if vm.heap.arrays.get_live(a.0).len() != len {
                return Err(vm.error("array resized during sort operation"));
            }
            Ok(r < 0)
        })
    })
}

/// Puts the element at `order[k]` at `k`, for every `k`, in place: each cycle of the
/// permutation is followed once, a position done being marked in `order` as its own.
fn permute(items: &mut [Value], order: &mut [u32]) {
    debug_assert_eq!(items.len(), order.len());
    for start in 0..items.len() {
        if order[start] as usize == start {
            continue;
        }
        let first = items[start];
        let mut k = start;
        loop {
            let from = order[k] as usize;
            order[k] = k as u32;
            if from == start {
                items[k] = first;
                break;
            }
            items[k] = items[from];
            k = from;
        }
    }
}

/// Sorts an array of integers only (the common case of the default order) without a
/// comparison through the VM per pair; false, leaving it untouched, if any element is
/// not an integer. Equal integers are indistinguishable, so an unstable sort is exact.
///
/// The integers are sorted as plain words in the first half of the array's own buffer
/// and written back as values: a separate vector of them added 8 bytes an element to
/// the peak (arrays.nut: 1.6 MB for 200,000), and sorting the values themselves by
/// their integer ran 10% more instructions (tag checks, 16-byte moves).
pub(super) fn sort_ints(items: &mut [Value]) -> bool {
    if !items.iter().all(|v| matches!(v, Value::Int(_))) {
        return false;
    }
    let n = items.len();
    let values = items.as_mut_ptr();
    let words = values.cast::<i64>();
    // SAFETY: `Value` is `repr(u64)`, so each is two 8-aligned words, its tag then its
    // payload, and `Value::Int(i)` holds `i` in the second: the buffer is `2 * n` words,
    // any of which may be read and written as an `i64`. Word `k` is written only after
    // the payload of value `k` (word `2k + 1 >= k`) was read, and the values are
    // rewritten from the last, each after its word `k <= 2k` was read, so every
    // integer is moved before its place is overwritten; `items` is not used until
    // every value is whole again.
    unsafe {
        for k in 0..n {
            *words.add(k) = *words.add(2 * k + 1);
        }
        std::slice::from_raw_parts_mut(words, n).sort_unstable();
        for k in (0..n).rev() {
            let i = *words.add(k);
            values.add(k).write(Value::Int(i));
        }
    }
    debug_assert!(items.is_sorted_by_key(|v| match v {
        Value::Int(i) => *i,
        _ => i64::MIN,
    }));
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
