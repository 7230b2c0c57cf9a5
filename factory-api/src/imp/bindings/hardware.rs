//! The device's `hardware` table: identity and clocks, and one object per pin, I2C
//! bus and UART of the board, plus `hardware.spiflash`, each a user-data value whose
//! methods act on the hardware models in the shared. The SPI buses, the sensors, the
//! sampler and USB are in their own modules beside this one.

use super::constants::{mode, uart as uart_const};
use super::{global_table, method, number, Shape};
use crate::hardware::pin::{Drive, PinMode, Pull, Reading};
use crate::hardware::uart::{Parity, UartConfig};
use crate::imp::callbacks::{self, Kind};
use crate::imp::message::{bytes_of, new_blob};
use crate::imp::shared::{Event, Shared, Side};
use impish_vm::{Args, Fail, Value, Vm};

/// The payload of a pin, bus or UART object: which list of the board, and where.
pub(super) struct PartRef {
    pub part: Part,
    pub index: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Pin,
    I2c,
    Spi,
    Uart,
}

pub(super) fn install(vm: &mut Vm, shape: &Shape) {
    let hardware = global_table(vm, "hardware");
    method(vm, hardware, "getdeviceid", 1, ".", move |vm, _, c| {
        let id = c.shared.borrow().identity.device_id.clone();
        Ok(vm.string(&id))
    });
    // Both clocks count from power-on and wrap at 32 bits, as on the imp.
    method(vm, hardware, "millis", 1, ".", move |_, _, c| Ok(wrap32(c.shared.borrow().now().as_millis())));
    method(vm, hardware, "micros", 1, ".", move |_, _, c| Ok(wrap32(c.shared.borrow().now().as_micros())));
    method(vm, hardware, "wakereason", 1, ".", move |_, _, c| Ok(Value::Int(c.shared.borrow().wake_reason.into())));
    install_pins(vm, shape, hardware);
    install_i2c(vm, shape, hardware);
    install_uarts(vm, shape, hardware);
    super::spi::install(vm, shape, hardware);
    if shape.imp_type.features().spiflash {
        install_spiflash(vm, hardware);
    }
    super::sensors::install(vm, shape, hardware);
}

/// Carries a pin's new level along the board's wires, queueing the state-change
/// callbacks of inputs it moved.
fn carry(shared: &mut Shared, index: usize) {
    let now = shared.now();
    let generation = shared.side(Side::Device).generation;
    for pin in shared.board.follow_wires(index, now) {
        shared.scheduler.after(0.0, Event::PinChanged { generation, pin });
    }
}

fn wrap32(n: u128) -> Value {
    Value::Int(i64::from(n as u32 as i32))
}

/// Sets `hardware.<name>` to a user-data `payload` with the shared `methods` delegate.
pub(super) fn add_object(vm: &mut Vm, hardware: Value, name: &str, payload: impl std::any::Any, methods: Value) {
    let object = vm.new_userdata(payload, Some(methods));
    let key = vm.string(name);
    vm.table_set(hardware, key, object);
}

/// The board index of a pin object (`server.factoryblinkup` takes one).
pub(super) fn pin_index(vm: &Vm, pin: Value) -> Option<usize> {
    vm.userdata::<PartRef>(pin).filter(|r| r.part == Part::Pin).map(|r| r.index)
}

/// The board index of the `part` a method was called on.
pub(super) fn index(vm: &mut Vm, args: Args, part: Part) -> Result<usize, Fail> {
    let this = args.this(vm);
    let found = vm.userdata::<PartRef>(this).filter(|r| r.part == part).map(|r| r.index);
    found.ok_or_else(|| vm.error("method called on the wrong object"))
}

fn install_pins(vm: &mut Vm, shape: &Shape, hardware: Value) {
    let methods = vm.new_table();
    method(vm, methods, "configure", -2, ".n", move |vm, args, c| {
        let index = index(vm, args, Part::Pin)?;
        let code = number(args.get(vm, 1)).unwrap_or(-1.0) as i64;
        let (arg2, arg3) = (args.get(vm, 2), args.get(vm, 3));
        let digital_in = |pull, wakeup| (PinMode::DigitalIn { pull, wakeup }, None);
        let (pin_mode, initial) = match code {
            mode::DIGITAL_IN => digital_in(Pull::None, false),
            mode::DIGITAL_IN_PULLUP => digital_in(Pull::Up, false),
            mode::DIGITAL_IN_PULLDOWN => digital_in(Pull::Down, false),
            mode::DIGITAL_IN_WAKEUP => digital_in(Pull::Down, true),
            mode::DIGITAL_OUT => (PinMode::DigitalOut(Drive::PushPull), number(arg2)),
            mode::DIGITAL_OUT_OD => (PinMode::DigitalOut(Drive::OpenDrain), number(arg2)),
            mode::DIGITAL_OUT_OD_PULLUP => (PinMode::DigitalOut(Drive::OpenDrainPullUp), number(arg2)),
            mode::ANALOG_IN => (PinMode::AnalogIn, None),
            mode::ANALOG_OUT => (PinMode::AnalogOut, number(arg2)),
            mode::PWM_OUT => match (number(arg2), number(arg3)) {
                (Some(period), Some(duty)) if period > 0.0 && (0.0..=1.0).contains(&duty) => {
                    (PinMode::PwmOut { period: period as f32 }, Some(duty))
                }
                _ => return Err(vm.error("PWM_OUT needs a period > 0 and a duty cycle from 0.0 to 1.0")),
            },
            _ => return Err(vm.error("invalid pin mode")),
        };
        if let PinMode::DigitalIn { wakeup: true, .. } = pin_mode {
            let shared = c.shared.borrow();
            let (spec, pin) = (shared.identity.imp_type.spec(), shared.board.pins[index].name());
            if !spec.wake_pins.contains(&pin) {
                let why = match spec.wake_pins {
                    [] => format!("the {} has no wake pin", spec.name),
                    pins => format!("{pin} cannot wake the {} (its wake pins: {})", spec.name, pins.join(", ")),
                };
                drop(shared);
                return Err(vm.error(format!("DIGITAL_IN_WAKEUP: {why}")));
            }
        }
        let callback = match pin_mode {
            PinMode::DigitalIn { .. } if matches!(arg2, Value::Closure(_) | Value::Native(_)) => arg2,
            _ => Value::Null,
        };
        let name = {
            let mut shared = c.shared.borrow_mut();
            let now = shared.now();
            let pin = &mut shared.board.pins[index];
            pin.configure(pin_mode, initial.map(|v| v as f32), now);
            let name = pin.name().to_string();
            carry(&mut shared, index);
            name
        };
        let key = vm.string(&name);
        callbacks::set(vm, Kind::Pin, key, callback);
        Ok(Value::Null)
    });
    method(vm, methods, "read", 1, ".", move |vm, args, c| {
        let index = index(vm, args, Part::Pin)?;
        let reading = c.shared.borrow().board.pins[index].read();
        match reading {
            Ok(Reading::Digital(v) | Reading::Analog(v)) => Ok(Value::Int(v.into())),
            Ok(Reading::Level(v)) => Ok(Value::Float(v)),
            Err(e) => Err(vm.error(e.to_string())),
        }
    });
    method(vm, methods, "write", 2, ".n", move |vm, args, c| {
        let index = index(vm, args, Part::Pin)?;
        let value = number(args.get(vm, 1)).unwrap_or(0.0) as f32;
        let mut shared = c.shared.borrow_mut();
        let now = shared.now();
        let result = shared.board.pins[index].write(value, now);
        carry(&mut shared, index);
        drop(shared);
        result.map(|()| Value::Null).map_err(|e| vm.error(e.to_string()))
    });
    method(vm, methods, "getname", 1, ".", move |vm, args, c| {
        let index = index(vm, args, Part::Pin)?;
        let name = c.shared.borrow().board.pins[index].name().to_string();
        Ok(vm.string(&name))
    });
    for (index, pin) in shape.spec().pins().enumerate() {
        add_object(vm, hardware, &pin, PartRef { part: Part::Pin, index }, methods);
    }
}

fn install_i2c(vm: &mut Vm, shape: &Shape, hardware: Value) {
    let methods = vm.new_table();
    method(vm, methods, "configure", 2, ".n", move |vm, args, c| {
        let index = index(vm, args, Part::I2c)?;
        let speed = number(args.get(vm, 1)).unwrap_or(0.0) as u32;
        c.shared.borrow_mut().board.i2c[index].1.configure(speed);
        Ok(Value::Null)
    });
    method(vm, methods, "disable", 1, ".", move |vm, args, c| {
        let index = index(vm, args, Part::I2c)?;
        c.shared.borrow_mut().board.i2c[index].1.disable();
        Ok(Value::Null)
    });
    method(vm, methods, "read", 4, ".nsn", move |vm, args, c| {
        let index = index(vm, args, Part::I2c)?;
        let address = number(args.get(vm, 1)).unwrap_or(0.0) as u8;
        let register = bytes_of(vm, args.get(vm, 2)).unwrap_or_default();
        let n = number(args.get(vm, 3)).unwrap_or(0.0).max(0.0) as usize;
        let read = c.shared.borrow_mut().board.i2c[index].1.read(address, &register, n);
        Ok(read.map_or(Value::Null, |bytes| vm.bytes(&bytes)))
    });
    method(vm, methods, "write", 3, ".ns|x", move |vm, args, c| {
        let index = index(vm, args, Part::I2c)?;
        let address = number(args.get(vm, 1)).unwrap_or(0.0) as u8;
        let data = bytes_of(vm, args.get(vm, 2)).unwrap_or_default();
        let code = c.shared.borrow_mut().board.i2c[index].1.write(address, &data);
        Ok(Value::Int(code.into()))
    });
    method(vm, methods, "readerror", 1, ".", move |vm, args, c| {
        let index = index(vm, args, Part::I2c)?;
        Ok(Value::Int(c.shared.borrow_mut().board.i2c[index].1.read_error().into()))
    });
    for (index, name) in shape.spec().i2c.iter().enumerate() {
        add_object(vm, hardware, name, PartRef { part: Part::I2c, index }, methods);
    }
}

fn install_uarts(vm: &mut Vm, shape: &Shape, hardware: Value) {
    let methods = vm.new_table();
    // configure(baud, word bits, parity, stop bits, flags[, callback]): the callback runs
    // when data arrives in an empty receive buffer (input scripts feed it).
    method(vm, methods, "configure", -6, ".nnnnnc|o", move |vm, args, c| {
        let index = index(vm, args, Part::Uart)?;
        let arg = |i| number(args.get(vm, i)).unwrap_or(0.0) as i64;
        let parity = match arg(3) {
            uart_const::PARITY_NONE => Parity::None,
            uart_const::PARITY_EVEN => Parity::Even,
            uart_const::PARITY_ODD => Parity::Odd,
            _ => return Err(vm.error("invalid parity")),
        };
        let baud = arg(1);
        let config = UartConfig {
            baud: baud as u32,
            word_bits: arg(2) as u8,
            parity,
            stop_bits: arg(4) as u8,
            flags: arg(5) as u32,
        };
        let name = {
            let mut shared = c.shared.borrow_mut();
            shared.board.uarts[index].configure(config);
            shared.board.uarts[index].name().to_string()
        };
        let (key, callback) = (vm.string(&name), if args.len() > 6 { args.get(vm, 6) } else { Value::Null });
        callbacks::set(vm, Kind::Uart, key, callback);
        Ok(Value::Int(baud))
    });
    method(vm, methods, "disable", 1, ".", move |vm, args, c| {
        let index = index(vm, args, Part::Uart)?;
        c.shared.borrow_mut().board.uarts[index].disable();
        Ok(Value::Null)
    });
    method(vm, methods, "write", 2, ".s|x|n", move |vm, args, c| {
        let index = index(vm, args, Part::Uart)?;
        let value = args.get(vm, 1);
        let bytes = match value {
            Value::Int(byte) => vec![byte as u8],
            _ => bytes_of(vm, value).unwrap_or_default(),
        };
        let mut shared = c.shared.borrow_mut();
        let now = shared.now();
        let result = shared.board.uarts[index].write(&bytes, now);
        drop(shared);
        result.map(|()| Value::Null).map_err(|e| vm.error(e.to_string()))
    });
    method(vm, methods, "read", 1, ".", move |vm, args, c| {
        let index = index(vm, args, Part::Uart)?;
        Ok(Value::Int(c.shared.borrow_mut().board.uarts[index].read().into()))
    });
    // readstring([max]) and readblob([max]): what is waiting, up to `max` bytes.
    for (name, as_blob) in [("readstring", false), ("readblob", true)] {
        method(vm, methods, name, -1, ".n", move |vm, args, c| {
            let index = index(vm, args, Part::Uart)?;
            let max =
                if args.len() > 1 { number(args.get(vm, 1)).map_or(0, |n| n.max(0.0) as usize) } else { usize::MAX };
            let bytes = c.shared.borrow_mut().board.uarts[index].read_up_to(max);
            if as_blob {
                new_blob(vm, &bytes)
            } else {
                Ok(vm.bytes(&bytes))
            }
        });
    }
    method(vm, methods, "flush", 1, ".", |_, _, _| Ok(Value::Null));
    for (index, name) in shape.spec().uarts.iter().enumerate() {
        add_object(vm, hardware, name, PartRef { part: Part::Uart, index }, methods);
    }
}

fn install_spiflash(vm: &mut Vm, hardware: Value) {
    let methods = vm.new_table();
    for (name, enable) in [("enable", true), ("disable", false)] {
        method(vm, methods, name, 1, ".", move |_, _, c| {
            let flash = &mut c.shared.borrow_mut().board.spiflash;
            if enable {
                flash.enable();
            } else {
                flash.disable();
            }
            Ok(Value::Null)
        });
    }
    method(vm, methods, "size", 1, ".", move |_, _, c| Ok(Value::Int(c.shared.borrow().board.spiflash.size() as i64)));
    method(vm, methods, "chipid", 1, ".", move |_, _, c| {
        Ok(Value::Int(c.shared.borrow().board.spiflash.chip_id().into()))
    });
    method(vm, methods, "read", 3, ".nn", move |vm, args, c| {
        let address = number(args.get(vm, 1)).unwrap_or(-1.0);
        let n = number(args.get(vm, 2)).unwrap_or(-1.0);
        if address < 0.0 || n < 0.0 {
            return Err(vm.error("spiflash.read: negative address or length"));
        }
        let read = c.shared.borrow().board.spiflash.read(address as usize, n as usize);
        match read {
            Ok(bytes) => new_blob(vm, &bytes),
            Err(e) => Err(vm.error(e.to_string())),
        }
    });
    // write(address, data[, flags[, start[, end]]]): `data[start..end)` (Dev Center,
    // "spiflash.write()": where reading the source starts and stops).
    method(vm, methods, "write", -3, ".ns|xnnn", move |vm, args, c| {
        let address = number(args.get(vm, 1)).unwrap_or(-1.0);
        let data = bytes_of(vm, args.get(vm, 2)).unwrap_or_default();
        let flags = number(args.get(vm, 3)).unwrap_or(0.0) as u32;
        if address < 0.0 {
            return Err(vm.error("spiflash.write: negative address"));
        }
        let bound =
            |i: usize, default: usize| if args.len() > i { number(args.get(vm, i)) } else { Some(default as f64) };
        let (start, end) = (bound(4, 0), bound(5, data.len()));
        let Some(data) = start.zip(end).and_then(|(s, e)| data.get(s as usize..e as usize).filter(|_| s >= 0.0)) else {
            return Err(vm.error("spiflash.write: start or end outside the data"));
        };
        let result = c.shared.borrow_mut().board.spiflash.write(address as usize, data, flags);
        result.map(|r| Value::Int(r as i64)).map_err(|e| vm.error(e.to_string()))
    });
    method(vm, methods, "erasesector", 2, ".n", move |vm, args, c| {
        let address = number(args.get(vm, 1)).unwrap_or(-1.0);
        if address < 0.0 {
            return Err(vm.error("spiflash.erasesector: negative address"));
        }
        let result = c.shared.borrow_mut().board.spiflash.erase_sector(address as usize);
        result.map(|()| Value::Null).map_err(|e| vm.error(e.to_string()))
    });
    add_object(vm, hardware, "spiflash", (), methods);
}
