//! `server.log`, `server.error` and `print`, which write to the imp's log stream as the
//! device's or the agent's lines, and on the device the connection calls:
//! `server.isconnected`, `connect`, `disconnect`, `flush`, `setsendtimeoutpolicy` and
//! `onunexpecteddisconnect` (what they do is `crate::imp::connection`'s business).

use super::{global_table, method, number, text, Ctx, Shape};
use crate::imp::callbacks::{self, Kind};
use crate::imp::connection::{policy, reason, send_error, PendingConnect, Reach, State};
use crate::imp::shared::{Event, Shared, Side};
use impish_vm::{Fail, Value, Vm};
use std::time::Duration;

/// `server.connect`'s timeout when none is given (documented: 60 s).
const CONNECT_TIMEOUT_SECONDS: f64 = 60.0;

/// How long `server.connect` takes to bring a disconnected imp online when the network
/// is there. Not documented; joining Wi-Fi and the server takes seconds on a real imp,
/// and what matters to firmware is that `server.isconnected()` is still false when
/// `connect` returns and the callback comes later from the event loop.
const CONNECT_TIME: Duration = Duration::from_secs(2);

pub(super) fn install(vm: &mut Vm, shape: &Shape) {
    let server = global_table(vm, "server");
    let (log_kind, error_kind) = shape.side.log_kinds();
    for (name, kind) in [("log", log_kind), ("error", error_kind)] {
        method(vm, server, name, 2, "..", move |vm, args, c| {
            let message = text(vm, args.get(vm, 1));
            through_server(vm, c, |shared| shared.log(kind, message)).map(Value::Int)
        });
    }
    match shape.side {
        Side::Device => install_connection(vm, server),
        Side::Agent => method(vm, server, "isconnected", 1, ".", |_, _, _| Ok(Value::Bool(true))),
    }
}

/// Makes `print` write to the imp's log stream as `ctx`'s side's lines.
pub(super) fn print_to_log(vm: &mut Vm, ctx: &Ctx) {
    let c = ctx.clone();
    let log_kind = c.side.log_kinds().0;
    vm.set_output(Box::new(move |bytes| {
        let message = String::from_utf8_lossy(bytes).trim_end_matches('\n').to_string();
        let mut shared = c.shared.borrow_mut();
        // `print` cannot block or fail: offline, its line is lost.
        if c.side == Side::Agent || shared.connection.state == State::Connected {
            shared.log(log_kind, message);
        }
    }));
}

/// Runs `send` (something that goes to the server) when the device reaches it, per
/// its send policy: returns 0, or `SEND_ERROR_NOT_CONNECTED`, or stops Squirrel (the
/// imp sleeps until it can connect). The agent is always connected.
pub(super) fn through_server(vm: &mut Vm, ctx: &Ctx, send: impl FnOnce(&mut Shared)) -> Result<i64, Fail> {
    let mut shared = ctx.shared.borrow_mut();
    let reach = if ctx.side == Side::Agent { Reach::Connected } else { shared.reach_server() };
    match reach {
        Reach::Connected => {
            send(&mut shared);
            Ok(0)
        }
        Reach::NotConnected => Ok(send_error::NOT_CONNECTED),
        Reach::Stopped => {
            drop(shared);
            Err(stop_squirrel(vm))
        }
    }
}

/// What a native returns to stop the device's Squirrel once it has set
/// `Shared::stop`. The error is catchable, but with the instruction budget spent the
/// catching code fails at its next call or loop, so nothing after the stop runs; the
/// run loop then acts on the stop, not on the error.
pub(super) fn stop_squirrel(vm: &mut Vm) -> Fail {
    vm.set_instruction_budget(Some(0));
    vm.error("Squirrel stopped")
}

fn install_connection(vm: &mut Vm, server: Value) {
    method(vm, server, "isconnected", 1, ".", move |_, _, c| {
        Ok(Value::Bool(c.shared.borrow().connection.state == State::Connected))
    });
    method(vm, server, "disconnect", 1, ".", move |_, _, c| {
        c.shared.borrow_mut().disconnected(false);
        Ok(Value::Null)
    });
    // Synchronous under SUSPEND_ON_ERROR (callback and timeout ignored, as documented);
    // under RETURN_ON_ERROR the callback gets a reason when the attempt ends.
    method(vm, server, "connect", -1, ".c|on", move |vm, args, c| {
        if !c.shared.borrow().connection.returns_on_error {
            return through_server(vm, c, |_| ()).map(|_| Value::Null);
        }
        let timeout = number(args.get(vm, 2)).filter(|t| *t >= 0.0).unwrap_or(CONNECT_TIMEOUT_SECONDS);
        let callback = args.get(vm, 1);
        let mut shared = c.shared.borrow_mut();
        let id = shared.callback_id(Side::Device);
        let generation = shared.side(Side::Device).generation;
        let now = shared.now();
        if let Some(previous) = shared.connection.pending_connect.take() {
            callbacks::take(vm, Kind::Pending, Value::Int(previous.callback));
        }
        if shared.connection.state == State::Connected {
            let answer =
                Event::Answer { side: Side::Device, generation, callback: id, value: reason::SERVER_CONNECTED };
            shared.scheduler.after(0.0, answer);
        } else {
            // Connecting takes time: the link (if up now) is joined after CONNECT_TIME,
            // as if it had come back then, which answers the pending callback.
            let deadline = now + Duration::from_secs_f64(timeout.min(crate::scheduler::MAX_WAKEUP_SECONDS));
            shared.connection.pending_connect = Some(PendingConnect { generation, callback: id, deadline });
            shared.scheduler.at(deadline, Event::ConnectTimeout { callback: id });
            if shared.connection.link_up(now) {
                shared.scheduler.at(now + CONNECT_TIME, Event::Link { up: true });
            }
        }
        drop(shared);
        callbacks::set(vm, Kind::Pending, Value::Int(id), callback);
        Ok(Value::Null)
    });
    // Everything is sent at once in the simulation: true while connected.
    method(vm, server, "flush", 2, ".n", move |_, _, c| {
        Ok(Value::Bool(c.shared.borrow().connection.state == State::Connected))
    });
    method(vm, server, "setsendtimeoutpolicy", 4, ".nnn", move |vm, args, c| {
        let returns = match number(args.get(vm, 1)).map(|p| p as i64) {
            Some(policy::SUSPEND_ON_ERROR) => false,
            Some(policy::RETURN_ON_ERROR | policy::RETURN_ON_ERROR_NO_DISCONNECT) => true,
            _ => return Err(vm.error("server.setsendtimeoutpolicy: unknown reconnect policy")),
        };
        c.shared.borrow_mut().connection.returns_on_error = returns;
        Ok(Value::Null)
    });
    method(vm, server, "onunexpecteddisconnect", 2, ".c|o", |vm, args, _| {
        let key = vm.string("unexpecteddisconnect");
        callbacks::set(vm, Kind::Connection, key, args.get(vm, 1));
        Ok(Value::Null)
    });
}
