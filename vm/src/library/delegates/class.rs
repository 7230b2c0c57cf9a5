//! The class, instance and weak-reference delegates.

use crate::api::vm::{Args, Fail, Vm};
use crate::heap::object::*;
use crate::heap::value::*;

pub(super) fn class_of(vm: &Vm, args: Args) -> ClassId {
    match args.this(vm) {
        Value::Class(c) => c,
        _ => unreachable!("typemask guarantees a class"),
    }
}

pub(super) fn class_getattributes(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
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

pub(super) fn class_setattributes(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
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

pub(super) fn class_instance(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let c = class_of(vm, args);
    vm.instantiate(c)
}

pub(super) fn class_getbase(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let c = class_of(vm, args);
    Ok(vm.heap.class(c).base.map_or(Value::Null, Value::Class))
}

pub(super) fn class_newmember(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let this = args.this(vm);
    let (k, v, a, s) = (args.get(vm, 1), args.get(vm, 2), args.get(vm, 3), args.get(vm, 4).truthy());
    vm.new_member(this, k, v, a, s)?;
    Ok(Value::Null)
}

pub(super) fn class_rawnewmember(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let c = class_of(vm, args);
    let (k, v, a, s) = (args.get(vm, 1), args.get(vm, 2), args.get(vm, 3), args.get(vm, 4).truthy());
    vm.raw_new_member(c, k, v, a, s)?;
    Ok(Value::Null)
}

pub(super) fn instance_getclass(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(match args.this(vm) {
        Value::Instance(i) => Value::Class(vm.heap.instance(i).class),
        _ => Value::Null,
    })
}

pub(super) fn weakref_ref(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(match args.this(vm) {
        Value::WeakRef(w) => vm.heap.weak_target(w),
        other => other,
    })
}
