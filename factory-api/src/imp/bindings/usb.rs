//! `hardware.usb` on the imp005 and impC001 (api/hardware/usb/configure: "imp005 and
//! impC001 only"): `configure(callback)` enables the host port and registers
//! `callback(eventType, eventDetails)`; `disable()` turns it off. A device plugged in
//! (an input script's `usb connect`, or `testbench.usb`) gives `USB_DEVICE_CONNECTED`
//! with `{ speed, descriptors = { usb, class, subclass, protocol, vendorid, productid,
//! manufacturer, product, serial, ... } }` [V for the keys read; the values are ours: a
//! full-speed USB 1.1 device of class 0]; unplugged, `USB_DEVICE_DISCONNECTED` with
//! null details [P]. A device already plugged in when the port is enabled is reported
//! at once. Endpoints and transfers are not modelled.

use super::constants::usb as events;
use super::{child_table, method, table_of};
use crate::hardware::ambient::UsbDevice;
use crate::imp::callbacks::{self, Kind};
use crate::imp::shared::{Event, Shared, Side};
use impish_vm::{Value, Vm};

/// The registry key of the event callback.
const CALLBACK: &str = "usb";

/// What a connected device reports as its speed, in Mb/s ("1.5 or 12 only").
const FULL_SPEED: f32 = 12.0;

pub(super) fn install(vm: &mut Vm, hardware: Value) {
    let usb = child_table(vm, hardware, "usb");
    method(vm, usb, "configure", 2, ".c", move |vm, args, c| {
        let key = vm.string(CALLBACK);
        callbacks::set(vm, Kind::Device, key, args.get(vm, 1));
        let mut shared = c.shared.borrow_mut();
        shared.usb_enabled = true;
        if let Some(device) = shared.ambient.usb.clone() {
            notify(&mut shared, Some(device));
        }
        Ok(Value::Null)
    });
    method(vm, usb, "disable", 1, ".", move |vm, _, c| {
        c.shared.borrow_mut().usb_enabled = false;
        let key = vm.string(CALLBACK);
        callbacks::take(vm, Kind::Device, key);
        Ok(Value::Null)
    });
}

/// Queues the event for a device plugged in (or, `None`, unplugged), if the port is on.
pub(crate) fn notify(shared: &mut Shared, device: Option<UsbDevice>) {
    if shared.usb_enabled {
        let generation = shared.side(Side::Device).generation;
        shared.scheduler.after(0.0, Event::Usb { generation, device });
    }
}

/// The event callback and its arguments for a device plugged in or unplugged.
pub(crate) fn event(vm: &mut Vm, device: Option<&UsbDevice>) -> Option<(Value, [Value; 2])> {
    let key = vm.string(CALLBACK);
    let callback = callbacks::get(vm, Kind::Device, key)?;
    let Some(device) = device else {
        return Some((callback, [Value::Int(events::DEVICE_DISCONNECTED), Value::Null]));
    };
    let (empty, product) = (vm.string(""), vm.string(&device.product));
    let fields = [
        ("usb", Value::Int(0x0110)),
        ("class", Value::Int(0)),
        ("subclass", Value::Int(0)),
        ("protocol", Value::Int(0)),
        ("vendorid", Value::Int(device.vendor_id.into())),
        ("productid", Value::Int(device.product_id.into())),
        ("manufacturer", empty),
        ("product", product),
        ("serial", empty),
    ];
    let descriptors = table_of(vm, &fields);
    let details = table_of(vm, &[("speed", Value::Float(FULL_SPEED)), ("descriptors", descriptors)]);
    Some((callback, [Value::Int(events::DEVICE_CONNECTED), details]))
}
