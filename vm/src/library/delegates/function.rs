//! The function delegate: calls with explicit arguments, environments and roots.

use crate::api::vm::{Args, Fail, Vm};
use crate::heap::object::*;
use crate::heap::value::*;

pub(super) fn closure_call(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let f = args.this(vm);
    let this = args.get(vm, 1);
    let rest: Vec<Value> = (2..args.len()).map(|i| args.get(vm, i)).collect();
    vm.call_own(f, this, &rest)
}

pub(super) fn closure_pcall(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    vm.suppress_error_handler += 1;
    let r = closure_call(vm, args);
    vm.suppress_error_handler -= 1;
    r
}

pub(super) fn closure_acall(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let f = args.this(vm);
    let Value::Array(a) = args.get(vm, 1) else { return Err(vm.error("wrong parameter")) };
    let list = vm.heap.array(a).clone();
    let Some((this, rest)) = list.split_first() else {
        return Err(vm.error("wrong number of parameters"));
    };
    vm.call_own(f, *this, rest)
}

pub(super) fn closure_pacall(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    vm.suppress_error_handler += 1;
    let r = closure_acall(vm, args);
    vm.suppress_error_handler -= 1;
    r
}

pub(super) fn closure_bindenv(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
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
                typed_from: old.typed_from,
                env: Some(w),
                free: old.free.clone(),
            };
            Value::Native(vm.heap.alloc_native(copy))
        }
        other => other,
    })
}

pub(super) fn closure_getinfos(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
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

pub(super) fn closure_getroot(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(match args.this(vm) {
        Value::Closure(c) => Value::Table(vm.heap.closure(c).root),
        _ => vm.root_table(),
    })
}

pub(super) fn closure_setroot(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    if let (Value::Closure(c), Value::Table(t)) = (args.this(vm), args.get(vm, 1)) {
        vm.heap.closures.get_mut(c.0).root = t;
    }
    Ok(Value::Null)
}
