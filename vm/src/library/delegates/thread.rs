//! The generator and thread delegates: status, calls, wake-ups and stack infos.

use crate::api::vm::{Args, Fail, Vm};
use crate::heap::object::*;
use crate::heap::value::*;

pub(super) fn generator_getstatus(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let Value::Generator(g) = args.this(vm) else { return Ok(Value::Null) };
    let s = match vm.heap.generators.get(g.0).state {
        GenState::Suspended => "suspended",
        GenState::Running => "running",
        GenState::Dead => "dead",
    };
    Ok(vm.string(s))
}

pub(super) fn thread_of(vm: &mut Vm, args: Args) -> Result<ThreadId, Fail> {
    match args.this(vm) {
        Value::Thread(t) => Ok(t),
        _ => Err(vm.error("wrong parameter")),
    }
}

pub(super) fn thread_call(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = thread_of(vm, args)?;
    // The reference pushes the root table and the arguments on the thread's stack and
    // calls what lies beneath them. For a suspended thread, that is mostly what it
    // suspended with (see tests/conformance-gaps.txt); for the running one, the top of
    // this call's own arguments; for one waiting in another thread's call, that call.
    let beneath = match vm.heap.threads.get(t.0).status {
        ThreadStatus::Idle => None,
        ThreadStatus::Suspended => Some(vm.heap.threads.get(t.0).suspended_with),
        ThreadStatus::Running if vm.suspender() == CtxId::thread(t) => Some(args.get(vm, args.len() - 1).type_of()),
        ThreadStatus::Running => Some(Type::Thread),
    };
    if let Some(t) = beneath {
        return Err(vm.error(format!("attempt to call '{t}'")));
    }
    let mut list = vec![vm.root_table()];
    list.extend((1..args.len()).map(|i| args.get(vm, i)));
    vm.stage_call(t, &list)
}

pub(super) fn wake_checks(vm: &mut Vm, t: ThreadId) -> Result<(), Fail> {
    match vm.heap.threads.get(t.0).status {
        ThreadStatus::Idle => Err(vm.error("cannot wakeup a idle thread")),
        ThreadStatus::Running => Err(vm.error("cannot wakeup a running thread")),
        ThreadStatus::Suspended => Ok(()),
    }
}

pub(super) fn thread_wakeup(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = thread_of(vm, args)?;
    wake_checks(vm, t)?;
    let v = args.get(vm, 1);
    Err(vm.stage_wake(t, v, Wake::Resume, false))
}

pub(super) fn thread_wakeupthrow(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = thread_of(vm, args)?;
    wake_checks(vm, t)?;
    let err = args.get(vm, 1);
    let propagate = args.len() < 3 || args.get(vm, 2).truthy();
    Err(vm.stage_wake(t, err, Wake::Throw, !propagate))
}

pub(super) fn thread_getstatus(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = thread_of(vm, args)?;
    let s = match vm.heap.threads.get(t.0).status {
        ThreadStatus::Idle => "idle",
        ThreadStatus::Running => "running",
        ThreadStatus::Suspended => "suspended",
    };
    Ok(vm.string(s))
}

pub(super) fn thread_getstackinfos(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let t = thread_of(vm, args)?;
    let level = args.int(vm, 1);
    let frames = vm.suspended_frames(t);
    let entry = usize::try_from(level).ok().and_then(|l| frames.get(l)).map(|(f, stack)| vm.stack_entry(f, stack));
    match entry {
        Some(e) => Ok(crate::library::baselib::stack_info_table(vm, &e)),
        None => Ok(Value::Null),
    }
}
