//! The factory calls on the device (imp-api.md §1.1–1.4): `server.factoryblinkup`,
//! `server.bless`, `imp.clearconfiguration` and the optional `imp.setenroltokens`,
//! `imp.setwificonfiguration`, `imp.enableblinkup`.
//!
//! Whether the imp may do what it asks is the cloud's decision, so the BlinkUp and
//! bless calls only queue a request (`Outgoing`) and return; the answer comes back as
//! an event. The configuration calls are recorded in `NetworkConfig`: they change only
//! future connections, which a simulation never makes.

use super::hardware::pin_index;
use super::server::through_server;
use super::{method, number, text};
use crate::imp::callbacks::{self, Kind};
use crate::imp::shared::{BlinkUp, Event, Outgoing, Side};
use impish_vm::{Value, Vm};

use super::constants::factory::CONFIG_ALL;

pub(super) fn install(vm: &mut Vm) {
    let server = vm.get_global("server").unwrap_or_default();
    let imp = vm.get_global("imp").unwrap_or_default();
    // Returns nothing: a refusal is logged by whoever refuses, never thrown.
    method(vm, server, "factoryblinkup", -5, ".ssun|ss", move |vm, args, c| {
        let Some(pin) = pin_index(vm, args.get(vm, 3)) else {
            return Err(vm.error("server.factoryblinkup: the fourth argument must be a pin"));
        };
        let blinkup = BlinkUp {
            ssid: text(vm, args.get(vm, 1)),
            pin,
            flags: number(args.get(vm, 4)).unwrap_or(0.0) as i64,
            token: None,
        };
        c.shared.borrow_mut().outbox.push(Outgoing::TokenRequest(blinkup));
        Ok(Value::Null)
    });
    // Offline under RETURN_ON_ERROR the callback gets false: the server never heard.
    method(vm, server, "bless", 3, ".bc", move |vm, args, c| {
        let passed = matches!(args.get(vm, 1), Value::Bool(true));
        let (callback, generation) = {
            let mut shared = c.shared.borrow_mut();
            (shared.callback_id(Side::Device), shared.side(Side::Device).generation)
        };
        let sent = through_server(vm, c, |shared| {
            if !passed {
                // Failed tests show solid red at once, not at callback time.
                let now = shared.now();
                shared.status_led.bless_result(now, false);
            }
            shared.outbox.push(Outgoing::Bless { passed, generation, callback });
        })?;
        if sent != 0 {
            c.shared.borrow_mut().scheduler.after(0.0, Event::Blessed { generation, callback, blessed: false });
        }
        callbacks::set(vm, Kind::Pending, Value::Int(callback), args.get(vm, 2));
        Ok(Value::Null)
    });
    method(vm, imp, "clearconfiguration", -1, ".n", move |vm, args, c| {
        let action = if args.len() > 1 { number(args.get(vm, 1)).unwrap_or(0.0) as i64 } else { CONFIG_ALL };
        c.shared.borrow_mut().network.cleared.push(action);
        Ok(Value::Null)
    });
    method(vm, imp, "setenroltokens", 3, ".ss", move |vm, args, c| {
        let tokens = (text(vm, args.get(vm, 1)), text(vm, args.get(vm, 2)));
        c.shared.borrow_mut().network.enrol_tokens = Some(tokens);
        Ok(Value::Null)
    });
    // The password is kept nowhere: the imp cannot read it back either.
    method(vm, imp, "setwificonfiguration", 3, ".ss", move |vm, args, c| {
        let ssid = text(vm, args.get(vm, 1));
        c.shared.borrow_mut().network.wifi_ssid = Some(ssid);
        Ok(Value::Null)
    });
    method(vm, imp, "enableblinkup", 2, ".b", move |vm, args, c| {
        let enabled = matches!(args.get(vm, 1), Value::Bool(true));
        c.shared.borrow_mut().network.blinkup_enabled = Some(enabled);
        Ok(Value::Null)
    });
}
