//! Device ⇄ agent messages: `agent.send`/`agent.on` on the device, `device.send`/
//! `device.on` on the agent. A send deep-copies the data (refusing what cannot be
//! serialised) and queues its delivery; the receiver's handler for the name, if any,
//! runs as its own event.

use super::{global_table, method, text, Ctx};
use crate::imp::callbacks::{self, Kind};
use crate::imp::message::Message;
use crate::imp::shared::{Event, Side};
use impish_vm::{Value, Vm};

pub(super) fn install(vm: &mut Vm, ctx: &Ctx) {
    let (peer, send_result) = match ctx.side {
        Side::Device => ("agent", Value::Int(0)),
        Side::Agent => ("device", Value::Null),
    };
    let table = global_table(vm, peer);
    let c = ctx.clone();
    method(vm, table, "send", 3, ".s.", move |vm, args| {
        let name = text(vm, args.get(vm, 1));
        let data = Message::capture(vm, args.get(vm, 2)).map_err(|why| vm.error(format!("{peer}.send: {why}")))?;
        c.shared.borrow_mut().scheduler.after(0.0, Event::Message { to: c.side.other(), name, data });
        Ok(send_result)
    });
    method(vm, table, "on", 3, ".sc|o", |vm, args| {
        let (name, handler) = (args.get(vm, 1), args.get(vm, 2));
        callbacks::set(vm, Kind::Handler, name, handler);
        Ok(Value::Null)
    });
    if ctx.side == Side::Agent {
        method(vm, table, "isconnected", 1, ".", |_, _| Ok(Value::Bool(true)));
    }
}
