//! `hardware.spiXXXX`: one object per SPI bus of the imp type (api/hardware/spi):
//! `configure(flags, speedKHz)` (returns the speed it runs at: ours is the one asked
//! for), `disable()`, `chipselect(state)` (only with `USE_CS_L`), `write(data)` (returns
//! the bytes written [P]), `writeread(data)` (what came back, as a string or blob like
//! `data`), `readblob(n)` and `readstring(n)` (which clock out zeros).

use super::constants::spi::USE_CS_L;
use super::hardware::{add_object, index, Part, PartRef};
use super::{method, number, Ctx, Shape};
use crate::hardware::spi::SpiConfig;
use crate::imp::message::{bytes_of, new_blob};
use impish_vm::{Args, Fail, Value, Vm};

pub(super) fn install(vm: &mut Vm, shape: &Shape, hardware: Value) {
    let methods = vm.new_table();
    method(vm, methods, "configure", 3, ".nn", move |vm, args, c| {
        let index = index(vm, args, Part::Spi)?;
        let flags = number(args.get(vm, 1)).unwrap_or(0.0) as u32;
        let speed_khz = number(args.get(vm, 2)).unwrap_or(0.0);
        if speed_khz <= 0.0 {
            return Err(vm.error("spi.configure: the speed must be above 0 kHz"));
        }
        c.shared.borrow_mut().board.spi[index].configure(SpiConfig { flags, speed_khz });
        Ok(Value::Float(speed_khz as f32))
    });
    method(vm, methods, "disable", 1, ".", move |vm, args, c| {
        let index = index(vm, args, Part::Spi)?;
        c.shared.borrow_mut().board.spi[index].disable();
        Ok(Value::Null)
    });
    method(vm, methods, "chipselect", 2, ".n|b", move |vm, args, c| {
        let index = index(vm, args, Part::Spi)?;
        let asserted = !matches!(args.get(vm, 1), Value::Int(0) | Value::Bool(false));
        let result = c.shared.borrow_mut().board.spi[index].chip_select(asserted, USE_CS_L as u32);
        result.map(|()| Value::Null).map_err(|e| vm.error(e.to_string()))
    });
    method(vm, methods, "write", 2, ".s|x", move |vm, args, c| {
        let out = bytes_of(vm, args.get(vm, 1)).unwrap_or_default();
        transfer(vm, c, args, &out)?;
        Ok(Value::Int(out.len() as i64))
    });
    method(vm, methods, "writeread", 2, ".s|x", move |vm, args, c| {
        let data = args.get(vm, 1);
        let out = bytes_of(vm, data).unwrap_or_default();
        let read = transfer(vm, c, args, &out)?;
        match data {
            Value::Str(_) => Ok(vm.bytes(&read)),
            _ => new_blob(vm, &read),
        }
    });
    for (name, as_blob) in [("readblob", true), ("readstring", false)] {
        method(vm, methods, name, 2, ".n", move |vm, args, c| {
            let n = number(args.get(vm, 1)).filter(|n| *n >= 0.0);
            let n = n.ok_or_else(|| vm.error(format!("spi.{name}: the byte count must be 0 or more")))? as usize;
            let read = transfer(vm, c, args, &vec![0; n])?;
            if as_blob {
                new_blob(vm, &read)
            } else {
                Ok(vm.bytes(&read))
            }
        });
    }
    for (index, name) in shape.spec().spi.iter().enumerate() {
        add_object(vm, hardware, name, PartRef { part: Part::Spi, index }, methods);
    }
}

/// Clocks `out` through the bus the method was called on; what came back.
fn transfer(vm: &mut Vm, ctx: &Ctx, args: Args, out: &[u8]) -> Result<Vec<u8>, Fail> {
    let index = index(vm, args, Part::Spi)?;
    let mut shared = ctx.shared.borrow_mut();
    let now = shared.now();
    let result = shared.board.spi[index].transfer(out, now);
    drop(shared);
    result.map_err(|e| vm.error(e.to_string()))
}
