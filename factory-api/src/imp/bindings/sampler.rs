//! `hardware.sampler` (api/hardware/sampler): `configure(pins, rate, buffers, callback
//! [, filters])`, `start()`, `stop()`, `reset()`. The model is
//! `crate::hardware::sampler`; here the firmware's buffers and callback are kept in the
//! VM's registry, and each full buffer reaches the callback as `callback(buffer,
//! length)` from the event loop, at the virtual time its last sample was taken.
//! Pre-processing filters are not modelled: a `filters` argument other than 0 is an
//! error, not silently ignored.

use super::hardware::pin_index;
use super::{child_table, method, number};
use crate::hardware::sampler::{Filled, SamplerConfig};
use crate::imp::callbacks::{self, Kind};
use crate::imp::shared::{Event, Shared};
use impish_stdlib::blob::Blob;
use impish_vm::{Value, Vm};

/// "Up to eight buffers".
const MAX_BUFFERS: usize = 8;

pub(super) fn install(vm: &mut Vm, hardware: Value) {
    let sampler = child_table(vm, hardware, "sampler");
    method(vm, sampler, "configure", -5, ".a|unacn", move |vm, args, c| {
        let fail = |vm: &mut Vm, why: &str| vm.error(format!("hardware.sampler.configure: {why}"));
        let pins_arg = args.get(vm, 1);
        let pin_values = vm.array_items(pins_arg).map_or_else(|| vec![pins_arg], <[Value]>::to_vec);
        let pins: Option<Vec<usize>> = pin_values.iter().map(|&p| pin_index(vm, p)).collect();
        let pins = match pins {
            Some(pins) if !pins.is_empty() => pins,
            _ => return Err(fail(vm, "expected a pin or an array of pins")),
        };
        let rate_hz =
            number(args.get(vm, 2)).filter(|r| *r > 0.0).ok_or_else(|| fail(vm, "the rate must be above 0 Hz"))?;
        let buffers = args.get(vm, 3);
        let items = vm.array_items(buffers).unwrap_or_default().to_vec();
        let sizes: Option<Vec<usize>> =
            items.iter().map(|&b| vm.instance_data::<Blob>(b).map(|blob| blob.data.len())).collect();
        let frame = 2 * pins.len();
        let buffer_sizes = match sizes {
            Some(sizes)
                if (1..=MAX_BUFFERS).contains(&sizes.len()) && sizes.iter().all(|s| *s > 0 && s % frame == 0) =>
            {
                sizes
            }
            _ => {
                let why = format!("expected 1 to {MAX_BUFFERS} blobs, each a multiple of {frame} bytes long");
                return Err(fail(vm, &why));
            }
        };
        if args.len() > 5 && number(args.get(vm, 5)).unwrap_or(0.0) != 0.0 {
            return Err(fail(vm, "pre-processing filters are not modelled by impish"));
        }
        c.shared.borrow_mut().board.sampler.configure(SamplerConfig { pins, rate_hz, buffer_sizes });
        callbacks::set(vm, Kind::Sampler, Value::Int(0), args.get(vm, 4));
        callbacks::set(vm, Kind::Sampler, Value::Int(1), buffers);
        Ok(Value::Null)
    });
    method(vm, sampler, "start", 1, ".", move |vm, _, c| {
        let mut shared = c.shared.borrow_mut();
        let now = shared.now();
        if shared.board.sampler.is_running() {
            return Ok(Value::Null);
        }
        if shared.board.sampler.start(now).is_none() {
            drop(shared);
            return Err(vm.error("hardware.sampler.start: the sampler is not configured"));
        }
        schedule_next(&mut shared);
        Ok(Value::Null)
    });
    method(vm, sampler, "stop", 1, ".", move |_, _, c| {
        let mut shared = c.shared.borrow_mut();
        let now = shared.now();
        let board = &mut shared.board;
        if let Some(filled) = board.sampler.stop(&board.pins, now) {
            let generation = shared.side(crate::imp::Side::Device).generation;
            shared.scheduler.after(0.0, Event::SamplerBuffer { generation, filled: Some(filled), due: now });
        }
        Ok(Value::Null)
    });
    method(vm, sampler, "reset", 1, ".", move |vm, _, c| {
        c.shared.borrow_mut().board.sampler.reset();
        callbacks::take(vm, Kind::Sampler, Value::Int(0));
        callbacks::take(vm, Kind::Sampler, Value::Int(1));
        Ok(Value::Null)
    });
}

/// Queues the event for the buffer the running sampler fills next.
pub(crate) fn schedule_next(shared: &mut Shared) {
    if let Some(due) = shared.board.sampler.due() {
        let generation = shared.side(crate::imp::Side::Device).generation;
        shared.scheduler.at(due, Event::SamplerBuffer { generation, filled: None, due });
    }
}

/// Writes a filled buffer into the firmware's blob: the callback and its arguments
/// `(buffer, length)`, if the sampler still has them.
pub(crate) fn deliver(vm: &mut Vm, filled: &Filled) -> Option<(Value, [Value; 2])> {
    let callback = callbacks::get(vm, Kind::Sampler, Value::Int(0))?;
    let buffers = callbacks::get(vm, Kind::Sampler, Value::Int(1))?;
    let buffer = *vm.array_items(buffers)?.get(filled.buffer)?;
    let blob = vm.instance_data_mut::<Blob>(buffer)?;
    let n = filled.bytes.len().min(blob.data.len());
    blob.data[..n].copy_from_slice(&filled.bytes[..n]);
    Some((callback, [buffer, Value::Int(n as i64)]))
}
