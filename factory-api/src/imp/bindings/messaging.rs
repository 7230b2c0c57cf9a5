//! Device ⇄ agent messages: `agent.send`/`agent.on` on the device, `device.send`/
//! `device.on` on the agent. A send deep-copies the data (dropping what cannot be
//! serialised) and queues its delivery; the receiver's handler for the name, if any,
//! runs as its own event. The agent also learns when its device comes and goes
//! (`device.isconnected`, `device.onconnect`, `device.ondisconnect`).

use super::server::through_server;
use super::{global_table, method, text, Shape};
use crate::cloud::LogKind;
use crate::imp::callbacks::{self, Kind};
use crate::imp::message::Message;
use crate::imp::shared::{Event, Side};
use impish_vm::{Value, Vm};

pub(super) fn install(vm: &mut Vm, shape: &Shape) {
    let peer = match shape.side {
        Side::Device => "agent",
        Side::Agent => "device",
    };
    let table = global_table(vm, peer);
    // The device's send returns 0 or a send error (per its send policy); the agent's
    // returns nothing, and a disconnected device never gets the message.
    method(vm, table, "send", 3, ".s.", move |vm, args, c| {
        let name = text(vm, args.get(vm, 1));
        let captured = Message::capture(vm, args.get(vm, 2)).map_err(|why| vm.error(format!("{peer}.send: {why}")))?;
        if captured.skipped && c.side == Side::Device {
            // What the device logs (MessageManager's tests quote it: "ERROR: skipped
            // unserialisable data"); the agent drops the same data silently.
            c.shared.borrow_mut().log(LogKind::ServerError, "skipped unserialisable data".into());
        }
        let (to, data) = (c.side.other(), captured.message);
        let sent = through_server(vm, c, |shared| {
            shared.scheduler.after(0.0, Event::Message { to, name, data });
        })?;
        Ok(if c.side == Side::Device { Value::Int(sent) } else { Value::Null })
    });
    method(vm, table, "on", 3, ".sc|o", |vm, args, _| {
        let (name, handler) = (args.get(vm, 1), args.get(vm, 2));
        callbacks::set(vm, Kind::Handler, name, handler);
        Ok(Value::Null)
    });
    if shape.side == Side::Agent {
        method(vm, table, "isconnected", 1, ".", move |_, _, c| Ok(Value::Bool(c.shared.borrow().device_visible())));
        for name in ["connect", "disconnect"] {
            method(vm, table, &format!("on{name}"), 2, ".c|o", move |vm, args, _| {
                let key = vm.string(name);
                callbacks::set(vm, Kind::Connection, key, args.get(vm, 1));
                Ok(Value::Null)
            });
        }
    }
}
