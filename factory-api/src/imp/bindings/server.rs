//! `server.log`, `server.error`, `server.isconnected`, and `print`: all write to the
//! imp's log stream, as the device's or the agent's lines.

use super::{global_table, method, text, Ctx};
use impish_vm::{Value, Vm};

pub(super) fn install(vm: &mut Vm, ctx: &Ctx) {
    let server = global_table(vm, "server");
    let (log_kind, error_kind) = ctx.side.log_kinds();
    for (name, kind) in [("log", log_kind), ("error", error_kind)] {
        let c = ctx.clone();
        method(vm, server, name, 2, "..", move |vm, args| {
            let message = text(vm, args.get(vm, 1));
            c.shared.borrow_mut().log(kind, message);
            Ok(Value::Int(0))
        });
    }
    // The simulated imp never loses its connection.
    method(vm, server, "isconnected", 1, ".", |_, _| Ok(Value::Bool(true)));
    let c = ctx.clone();
    vm.set_output(Box::new(move |bytes| {
        let message = String::from_utf8_lossy(bytes);
        c.shared.borrow_mut().log(log_kind, message.trim_end_matches('\n').to_string());
    }));
}
