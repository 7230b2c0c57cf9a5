//! The table delegate: raw access, delegates, `filter`/`map`, keys and values.

use super::*;
use crate::api::vm::{Args, Fail, Vm};
use crate::heap::value::*;

pub(super) fn table_of(vm: &Vm, args: Args) -> TableId {
    match args.this(vm) {
        Value::Table(t) => t,
        _ => unreachable!("typemask guarantees a table"),
    }
}

pub(super) fn table_rawdelete(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = table_of(vm, args);
    let key = args.get(vm, 1);
    let removed = vm.heap.tables.get_mut(t.0).remove(key, &vm.heap.strings);
    Ok(removed.map(|v| vm.heap.real(v)).unwrap_or(Value::Null))
}

pub(super) fn table_setdelegate(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
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

pub(super) fn table_getdelegate(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(match args.this(vm) {
        Value::Table(t) => vm.heap.table(t).delegate.map_or(Value::Null, Value::Table),
        _ => Value::Null,
    })
}

/// Walks the live table as the reference does: an entry the callback removes before
/// the walk reaches it is not visited, and the walk ends early if the table shrinks.
/// Each visited entry is held, since the native keeps it across the callback.
pub(super) fn next_entry(vm: &mut Vm, t: TableId, pos: &mut usize) -> Option<(Value, Value)> {
    let (next, k, v) = vm.heap.table(t).next(*pos)?;
    *pos = next;
    let v = vm.heap.real(v);
    vm.hold_all(&[k, v]);
    Some((k, v))
}

pub(super) fn table_filter(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (this, f) = (args.this(vm), args.get(vm, 1));
    let t = table_of(vm, args);
    let out = vm.heap.new_table(0);
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
pub(super) fn table_map(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
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

pub(super) fn table_keys(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = table_of(vm, args);
    let keys = vm.heap.table(t).entries().map(|(k, _)| k).collect();
    Ok(Value::Array(vm.heap.alloc_array(keys)))
}

pub(super) fn table_values(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = table_of(vm, args);
    let vals = vm.heap.table(t).entries().map(|(_, v)| vm.heap.real(v)).collect();
    Ok(Value::Array(vm.heap.alloc_array(vals)))
}
