//! The device's own sensors: `hardware.voltage()`, the supply voltage as a float in
//! volts (api/hardware/voltage: "not implemented on the imp005", so absent there), and
//! `hardware.lightlevel()`, the BlinkUp photosensor as a 16-bit integer, higher when
//! lighter (api/hardware/lightlevel). Both read the imp's surroundings
//! (`crate::hardware::ambient`), which input scripts and `testbench` set. Then the
//! sampler and USB, on the types that have them.

use super::{method, Shape};
use impish_vm::{Value, Vm};

pub(super) fn install(vm: &mut Vm, shape: &Shape, hardware: Value) {
    let features = shape.imp_type.features();
    if features.voltage {
        method(vm, hardware, "voltage", 1, ".", move |_, _, c| {
            Ok(Value::Float(c.shared.borrow().ambient.supply_voltage))
        });
    }
    method(vm, hardware, "lightlevel", 1, ".", move |_, _, c| {
        Ok(Value::Int(c.shared.borrow().ambient.light_level.into()))
    });
    if features.sampler {
        super::sampler::install(vm, hardware);
    }
    if features.usb {
        super::usb::install(vm, hardware);
    }
}
