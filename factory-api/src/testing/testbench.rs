//! `testbench`: the outside world of the simulated unit, scriptable from tests. Only
//! `impish test` installs it (on the device and the agent of every session), so a suite
//! can build a good or a faulty unit and check what the firmware did to it:
//!
//! ```squirrel
//! testbench.drive("pinC", 0);          // the outside drives a pin: 0/1, 0.0-1.0 (analog), null releases it
//! testbench.stick("pinD", 1);          // a fault: the wire is held at a level whatever drives it (null frees it)
//! testbench.level("pinE");             // the level on the wire now, 0.0-1.0
//! testbench.trace("pinE");             // every change of that level: [[seconds, level], ...]
//! testbench.wire("pinA", "pinB");      // a test-jig wire: pinB sees pinA's level
//! testbench.i2cdevice("i2c0", 0xBE, { [0x0F] = 0xBC });  // a register-map part at an 8-bit address
//! testbench.i2cdevice("i2c0", 0xBE, null);               // ... or none there: an absent or dead part
//! testbench.i2cregister("i2c0", 0xBE, 0x20);             // read a register (what the firmware wrote)
//! testbench.i2cregister("i2c0", 0xBE, 0x2A, 0x34);       // or set one
//! testbench.flashread(0x1000, 16);     // SPI flash bytes as a blob, enabled or not
//! testbench.flashwrite(0x1000, "CAL"); // load bytes into the flash as they are (no erase needed)
//! testbench.input("voltage 3.0");      // any input-script line (hardware::script), now:
//! testbench.input("wifi \"Lab\" rssi -40 open");  // voltage, lightlevel, rssi, wifi, usb,
//! testbench.input("spiEBCA receive \"\\x9f\""); // UART or SPI receive, set, press...
//! testbench.spisent("spiEBCA");        // every byte the firmware clocked out of a bus, as a blob
//! ```
//!
//! Each call acts at once, at the current virtual time (an `input` line's `at` is
//! ignored, and `network down` is refused: it needs an input script); a driven digital input whose
//! level changes calls its state-change callback from the event loop, as a real edge.

use crate::hardware::i2c::{I2cDevice, RegisterMap};
use crate::hardware::script::{self, Action, InputEvent};
use crate::hardware::spiflash::SECTOR_SIZE;
use crate::imp::board::Board;
use crate::imp::message::{bytes_of, new_blob};
use crate::imp::BoardHandle;
use impish_vm::{Args, Fail, Value, Vm};
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// The imp's board, known once the imp exists (its VMs are set up while it is made;
/// natives run only later, when the imp runs).
pub type LateBoard = Rc<OnceCell<BoardHandle>>;

/// Register maps the tests put on buses, by (bus, address), so they can be read back.
type Parts = Rc<RefCell<HashMap<(String, u8), Rc<RefCell<RegisterMap>>>>>;

/// A register map shared between the bus and the test that put it there.
struct SharedRegisters(Rc<RefCell<RegisterMap>>);

impl I2cDevice for SharedRegisters {
    fn write(&mut self, data: &[u8]) -> bool {
        self.0.borrow_mut().write(data)
    }

    fn read(&mut self, n: usize) -> Option<Vec<u8>> {
        self.0.borrow_mut().read(n)
    }
}

/// The test bench's natives, shared by every VM of one session.
#[derive(Clone)]
pub struct Testbench {
    board: LateBoard,
    parts: Parts,
}

impl Testbench {
    pub fn new(board: LateBoard) -> Testbench {
        Testbench { board, parts: Rc::default() }
    }

    /// Sets the global `testbench` in `vm`.
    pub fn install(&self, vm: &mut Vm) {
        let table = vm.new_table();
        for (name, action) in [("drive", Action::Drive as fn(Option<f32>) -> Action), ("stick", Action::Stick)] {
            self.add(vm, table, name, 3, ".sn|o", move |bench, vm, args| {
                let pin = text_arg(vm, args, 1, name)?;
                let level =
                    match args.get(vm, 2) {
                        Value::Null => None,
                        v => Some(number(v).filter(|l| (0.0..=1.0).contains(l)).ok_or_else(|| {
                            vm.error(format!("testbench.{name}: the level must be 0.0 to 1.0, or null"))
                        })? as f32),
                    };
                let board = bench.board(vm)?;
                board.with_board(|b, _| pin_exists(b, &pin)).map_err(|e| vm.error(format!("testbench.{name}: {e}")))?;
                board.apply_input(InputEvent { at: board.now(), pin, action: action(level) });
                Ok(Value::Null)
            });
        }
        self.add(vm, table, "level", 2, ".s", |bench, vm, args| {
            let pin = text_arg(vm, args, 1, "level")?;
            let level = bench.board(vm)?.with_board(|b, _| pin_exists(b, &pin).map(|i| b.pins[i].level()));
            level.map(Value::Float).map_err(|e| vm.error(format!("testbench.level: {e}")))
        });
        self.add(vm, table, "trace", 2, ".s", |bench, vm, args| {
            let pin = text_arg(vm, args, 1, "trace")?;
            let trace = bench.board(vm)?.with_board(|b, _| {
                pin_exists(b, &pin)
                    .map(|i| b.pins[i].trace().iter().map(|c| (c.at.as_secs_f32(), c.level)).collect::<Vec<_>>())
            });
            let trace = trace.map_err(|e| vm.error(format!("testbench.trace: {e}")))?;
            let changes = trace
                .into_iter()
                .map(|(at, level)| vm.new_array(vec![Value::Float(at), Value::Float(level)]))
                .collect();
            Ok(vm.new_array(changes))
        });
        self.add(vm, table, "wire", 3, ".ss", |bench, vm, args| {
            let (from, to) = (text_arg(vm, args, 1, "wire")?, text_arg(vm, args, 2, "wire")?);
            let wired = bench.board(vm)?.with_board(|b, now| b.wire(&from, &to, now));
            if wired {
                Ok(Value::Null)
            } else {
                Err(vm.error(format!("testbench.wire: no pin {from:?} or {to:?} on this imp")))
            }
        });
        self.add(vm, table, "i2cdevice", 4, ".snt|o", |bench, vm, args| {
            let bus = text_arg(vm, args, 1, "i2cdevice")?;
            let address = byte_arg(vm, args, 2, "i2cdevice")?;
            let registers = match args.get(vm, 3) {
                Value::Null => None,
                table => Some(register_values(vm, table)?),
            };
            bench.place(vm, &bus, address, registers)?;
            Ok(Value::Null)
        });
        self.add(vm, table, "i2cregister", -4, ".snnn", |bench, vm, args| {
            let bus = text_arg(vm, args, 1, "i2cregister")?;
            let (address, register) = (byte_arg(vm, args, 2, "i2cregister")?, byte_arg(vm, args, 3, "i2cregister")?);
            let part = bench.parts.borrow().get(&(bus.clone(), address & 0xfe)).cloned();
            let part = part.ok_or_else(|| {
                vm.error(format!("testbench.i2cregister: no testbench device at 0x{address:02X} on {bus}"))
            })?;
            if args.len() > 4 {
                let value = byte_arg(vm, args, 4, "i2cregister")?;
                part.borrow_mut().set_register(register, value);
            }
            let value = part.borrow().register(register);
            Ok(Value::Int(value.into()))
        });
        self.add(vm, table, "flashread", 3, ".nn", |bench, vm, args| {
            let (address, n) = (count_arg(vm, args, 1, "flashread")?, count_arg(vm, args, 2, "flashread")?);
            let bytes = bench.board(vm)?.with_board(|b, _| b.spiflash.inspect(address, n));
            let bytes = bytes.ok_or_else(|| vm.error("testbench.flashread: the range is outside the flash"))?;
            new_blob(vm, &bytes)
        });
        self.add(vm, table, "flashwrite", 3, ".ns|x", |bench, vm, args| {
            let address = count_arg(vm, args, 1, "flashwrite")?;
            let data = bytes_of(vm, args.get(vm, 2)).unwrap_or_default();
            let loaded = bench.board(vm)?.with_board(|b, _| load_flash(b, address, &data));
            loaded.map(|()| Value::Null).map_err(|e| vm.error(format!("testbench.flashwrite: {e}")))
        });
        self.add(vm, table, "input", 2, ".s", |bench, vm, args| {
            let line = text_arg(vm, args, 1, "input")?;
            let events = script::parse(&line).map_err(|e| vm.error(format!("testbench.input: {}", e.message)))?;
            let board = bench.board(vm)?;
            for event in events {
                if matches!(event.action, Action::Disconnect(_)) {
                    return Err(
                        vm.error("testbench.input: a network outage needs an input script (impish run --input)")
                    );
                }
                if let Err(why) = board.check_input(&event) {
                    return Err(vm.error(format!("testbench.input: {why}")));
                }
                board.apply_input(event);
            }
            Ok(Value::Null)
        });
        self.add(vm, table, "spisent", 2, ".s", |bench, vm, args| {
            let bus = text_arg(vm, args, 1, "spisent")?;
            let sent = bench.board(vm)?.with_board(|b, _| b.spi_bus(&bus).map(|b| b.sent_bytes()));
            let sent = sent.ok_or_else(|| vm.error(format!("testbench.spisent: this imp has no SPI bus {bus:?}")))?;
            new_blob(vm, &sent)
        });
        vm.set_global("testbench", table);
    }

    fn add(
        &self,
        vm: &mut Vm,
        table: Value,
        name: &str,
        nparams: i32,
        typemask: &str,
        f: impl Fn(&Testbench, &mut Vm, Args) -> Result<Value, Fail> + 'static,
    ) {
        let bench = self.clone();
        let native = vm.new_native_with(
            name,
            Rc::new(move |vm: &mut Vm, args: Args| f(&bench, vm, args)),
            nparams,
            Some(typemask),
            Vec::new(),
        );
        let key = vm.string(name);
        vm.table_set(table, key, native);
    }

    fn board(&self, vm: &mut Vm) -> Result<BoardHandle, Fail> {
        self.board.get().cloned().ok_or_else(|| vm.error("testbench: the imp is not running yet"))
    }

    /// Puts a register map with `registers` at `address` on `bus`, or (with `None`)
    /// takes whatever is there off it.
    fn place(&self, vm: &mut Vm, bus: &str, address: u8, registers: Option<Vec<(u8, u8)>>) -> Result<(), Fail> {
        let part = registers.map(|initial| Rc::new(RefCell::new(RegisterMap::new(&initial))));
        let found = self.board(vm)?.with_board(|b, _| {
            let bus = b.i2c_bus(bus)?;
            bus.detach(address);
            if let Some(part) = &part {
                bus.attach(address, Box::new(SharedRegisters(part.clone())));
            }
            Some(())
        });
        if found.is_none() {
            return Err(vm.error(format!("testbench.i2cdevice: this imp has no I2C bus {bus:?}")));
        }
        let key = (bus.to_string(), address & 0xfe);
        match part {
            Some(part) => self.parts.borrow_mut().insert(key, part),
            None => self.parts.borrow_mut().remove(&key),
        };
        Ok(())
    }
}

/// Writes `data` into the flash as it is, erasing and rewriting the sectors it touches,
/// and leaves the flash enabled or disabled as it was.
fn load_flash(board: &mut Board, address: usize, data: &[u8]) -> Result<(), String> {
    let flash = &mut board.spiflash;
    let end = address.checked_add(data.len()).filter(|&end| end <= flash.size());
    let end = end.ok_or_else(|| format!("0x{address:x}+{} is outside the {}-byte flash", data.len(), flash.size()))?;
    let was_enabled = flash.is_enabled();
    flash.enable();
    let first = address / SECTOR_SIZE * SECTOR_SIZE;
    let mut image = flash.inspect(first, end.div_ceil(SECTOR_SIZE) * SECTOR_SIZE - first).expect("checked range");
    image[address - first..end - first].copy_from_slice(data);
    let result = image.chunks(SECTOR_SIZE).enumerate().try_for_each(|(i, sector)| {
        let at = first + i * SECTOR_SIZE;
        flash.erase_sector(at).map_err(|e| e.to_string())?;
        flash.write(at, sector, 0).map(|_| ()).map_err(|e| e.to_string())
    });
    if !was_enabled {
        flash.disable();
    }
    result
}

fn pin_exists(board: &Board, pin: &str) -> Result<usize, String> {
    board.pin_index(pin).ok_or_else(|| format!("this imp has no pin {pin:?}"))
}

/// A table `{ [register] = value }` as (register, value) pairs.
fn register_values(vm: &mut Vm, table: Value) -> Result<Vec<(u8, u8)>, Fail> {
    let Some(entries) = vm.table_entries(table) else {
        return Err(vm.error("testbench.i2cdevice: registers must be a table"));
    };
    let entries: Vec<(Value, Value)> = entries.collect();
    let byte = |v: Value| number(v).filter(|n| (0.0..=255.0).contains(n) && n.fract() == 0.0).map(|n| n as u8);
    entries
        .into_iter()
        .map(|(k, v)| {
            byte(k).zip(byte(v)).ok_or_else(|| vm.error("testbench.i2cdevice: registers and values must be 0-255"))
        })
        .collect()
}

fn number(v: Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(i as f64),
        Value::Float(f) => Some(f64::from(f)),
        _ => None,
    }
}

fn text_arg(vm: &mut Vm, args: Args, i: usize, function: &str) -> Result<String, Fail> {
    let v = args.get(vm, i);
    match vm.str_bytes(v) {
        Some(bytes) => Ok(String::from_utf8_lossy(bytes).into_owned()),
        None => Err(vm.error(format!("testbench.{function}: argument {i} must be a string"))),
    }
}

fn byte_arg(vm: &mut Vm, args: Args, i: usize, function: &str) -> Result<u8, Fail> {
    let v = args.get(vm, i);
    match number(v) {
        Some(n) if (0.0..=255.0).contains(&n) => Ok(n as u8),
        _ => Err(vm.error(format!("testbench.{function}: argument {i} must be 0-255"))),
    }
}

fn count_arg(vm: &mut Vm, args: Args, i: usize, function: &str) -> Result<usize, Fail> {
    let v = args.get(vm, i);
    match number(v) {
        Some(n) if n >= 0.0 => Ok(n as usize),
        _ => Err(vm.error(format!("testbench.{function}: argument {i} must be a non-negative number"))),
    }
}
