//! The `imp` table: timers, the idle callback, blocking sleep, identity and
//! `configparams`.

use super::constants::environment;
use super::{global_table, method, number, Shape};
use crate::imp::callbacks::{self, Kind};
use crate::imp::identity::Param;
use crate::imp::shared::{Event, Side};
use crate::scheduler::TimerHandle;
use impish_vm::{Value, Vm};
use std::time::Duration;

/// What `imp.getsoftwareversion()` reports: the imp's format, our values.
const SOFTWARE_VERSION: &str = "impish - release-43.0 - Jan  1 2026";

/// What an agent's `imp.getmemoryfree()` counts down from (agents have no memory
/// limit here): ours, a plausible figure.
const AGENT_MEMORY: usize = 65_536;

/// The object `imp.wakeup` returns, for `imp.cancelwakeup`.
struct Timer {
    handle: TimerHandle,
    callback: i64,
}

pub(super) fn install(vm: &mut Vm, shape: &Shape) {
    let imp = global_table(vm, "imp");
    method(vm, imp, "wakeup", -3, ".nc.", move |vm, args, c| {
        let seconds = number(args.get(vm, 1)).unwrap_or(0.0);
        let id = c.shared.borrow_mut().callback_id(c.side);
        callbacks::set(vm, Kind::Timer, Value::Int(id), args.get(vm, 2));
        let mut shared = c.shared.borrow_mut();
        let generation = shared.side(c.side).generation;
        let handle = shared.scheduler.after(seconds, Event::Timer { side: c.side, generation, callback: id });
        drop(shared);
        Ok(vm.new_userdata(Timer { handle, callback: id }, None))
    });
    // Cancelling null, or a timer that already ran or was cancelled, does nothing.
    method(vm, imp, "cancelwakeup", 2, "..", move |vm, args, c| {
        let timer = args.get(vm, 1);
        if timer.is_null() {
            return Ok(Value::Null);
        }
        let Some(&Timer { handle, callback }) = vm.userdata::<Timer>(timer) else {
            return Err(vm.error("imp.cancelwakeup: expected a timer from imp.wakeup"));
        };
        c.shared.borrow_mut().scheduler.cancel(handle);
        callbacks::take(vm, Kind::Timer, Value::Int(callback));
        Ok(Value::Null)
    });
    method(vm, imp, "onidle", 2, ".c|o", move |vm, args, c| {
        let callback = args.get(vm, 1);
        callbacks::set(vm, Kind::Idle, Value::Int(0), callback);
        let mut shared = c.shared.borrow_mut();
        shared.side(c.side).idle = !callback.is_null();
        shared.rearm_idle();
        Ok(Value::Null)
    });
    method(vm, imp, "sleep", 2, ".n", move |vm, args, c| {
        let seconds = number(args.get(vm, 1)).unwrap_or(0.0);
        if !(0.0..=crate::scheduler::MAX_WAKEUP_SECONDS).contains(&seconds) {
            return Err(vm.error("imp.sleep: duration out of range"));
        }
        let duration = Duration::from_secs_f64(seconds);
        let mut shared = c.shared.borrow_mut();
        let until = shared.now() + duration;
        shared.scheduler.advance_to(until);
        shared.side(c.side).busy_until = until;
        if shared.realtime {
            drop(shared);
            std::thread::sleep(duration);
        }
        Ok(Value::Null)
    });
    // Removed on the impC001 with the other WiFi-only calls (`super::radio`).
    if shape.side == Side::Agent || shape.imp_type.features().wifi_legacy {
        method(vm, imp, "getmacaddress", 1, ".", move |vm, _, c| {
            let mac = c.shared.borrow().identity.mac().to_string();
            Ok(vm.string(&mac))
        });
    }
    method(vm, imp, "info", 1, ".", move |vm, _, c| {
        let imp_type = c.shared.borrow().identity.imp_type.name();
        // A meta object, not a table: its one property lives in the delegate.
        let fields = vm.new_table();
        let (key, value) = (vm.string("type"), vm.string(imp_type));
        vm.table_set(fields, key, value);
        Ok(vm.new_userdata((), Some(fields)))
    });
    method(vm, imp, "getsoftwareversion", 1, ".", |vm, _, _| Ok(vm.string(SOFTWARE_VERSION)));
    // What is left under the memory limit (or, without one, the imp type's figure), in
    // imp bytes. Garbage is collected first: the imp frees it as it goes (reference
    // counting), so it never counts there.
    method(vm, imp, "getmemoryfree", 1, ".", move |vm, _, c| {
        let nominal = match c.side {
            Side::Device => c.shared.borrow().identity.imp_type.free_memory(),
            Side::Agent => AGENT_MEMORY,
        };
        vm.collect_garbage();
        let free = vm.memory_limit().unwrap_or(nominal).saturating_sub(vm.memory_in_use());
        Ok(Value::Int(free.try_into().unwrap_or(i64::MAX)))
    });
    let env = if shape.side == Side::Agent { environment::AGENT } else { environment::MODULE };
    method(vm, imp, "environment", 1, ".", move |_, _, _| Ok(Value::Int(env)));
    let params = vm.new_table();
    let key = vm.string("configparams");
    vm.table_set(imp, key, params);
}

/// Puts the cloud's configparams into `imp.configparams` (the same table object, so
/// code holding it sees them arrive).
pub(crate) fn fill_config_params(vm: &mut Vm, params: &[(&str, Param)]) {
    let (Some(imp), key) = (vm.get_global("imp"), vm.string("configparams")) else { return };
    let Some(table) = vm.table_get(imp, key) else { return };
    for (name, param) in params {
        let key = vm.string(name);
        let value = match param {
            Param::Bool(b) => Value::Bool(*b),
            Param::Str(s) => vm.string(s),
        };
        vm.table_set(table, key, value);
    }
}
