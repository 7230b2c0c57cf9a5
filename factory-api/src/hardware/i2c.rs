//! An I2C bus with pluggable device models, and a register-map device that stands in
//! for most sensors: a write sets the register pointer (and writes what follows), a
//! read returns registers from the pointer on.

use std::collections::BTreeMap;

/// A device on the bus, addressed by its 8-bit (shifted) address.
pub trait I2cDevice {
    /// Bytes written by the controller; false is a NAK.
    fn write(&mut self, data: &[u8]) -> bool;
    /// `n` bytes read by the controller; `None` is a NAK.
    fn read(&mut self, n: usize) -> Option<Vec<u8>>;
}

/// The codes `i2c.readerror()` and a failed `i2c.write()` report. The imp's own
/// numbering is undocumented; these are ours, stable and distinct.
pub mod error_code {
    pub const NONE: i32 = 0;
    pub const NOT_CONFIGURED: i32 = -1;
    pub const ADDRESS_NAK: i32 = -2;
    pub const DATA_NAK: i32 = -3;
}

#[derive(Default)]
pub struct I2cBus {
    speed_hz: Option<u32>,
    devices: BTreeMap<u8, Box<dyn I2cDevice>>,
    last_error: i32,
}

impl I2cBus {
    pub fn new() -> I2cBus {
        I2cBus::default()
    }

    /// Puts `device` at the 8-bit `address` (its low bit is ignored, as on the imp).
    pub fn attach(&mut self, address: u8, device: Box<dyn I2cDevice>) {
        self.devices.insert(address & 0xfe, device);
    }

    /// Takes the device at `address` off the bus: an absent (or dead) part.
    pub fn detach(&mut self, address: u8) -> Option<Box<dyn I2cDevice>> {
        self.devices.remove(&(address & 0xfe))
    }

    /// `i2c.configure(speed)`.
    pub fn configure(&mut self, speed_hz: u32) {
        self.speed_hz = Some(speed_hz);
    }

    pub fn disable(&mut self) {
        self.speed_hz = None;
    }

    /// `i2c.write(address, data)`: 0, or an error code.
    pub fn write(&mut self, address: u8, data: &[u8]) -> i32 {
        self.last_error = self
            .transfer(address, |device| if device.write(data) { Ok(()) } else { Err(error_code::DATA_NAK) })
            .err()
            .unwrap_or(error_code::NONE);
        self.last_error
    }

    /// `i2c.read(address, register, n)`: writes `register`, then reads `n` bytes;
    /// `None` on error (see `read_error`).
    pub fn read(&mut self, address: u8, register: &[u8], n: usize) -> Option<Vec<u8>> {
        let result = self.transfer(address, |device| {
            if !register.is_empty() && !device.write(register) {
                return Err(error_code::DATA_NAK);
            }
            device.read(n).ok_or(error_code::DATA_NAK)
        });
        self.last_error = result.as_ref().err().copied().unwrap_or(error_code::NONE);
        result.ok()
    }

    /// `i2c.readerror()`: the code of the last failed transfer, 0 after a good one.
    pub fn read_error(&self) -> i32 {
        self.last_error
    }

    fn transfer<T>(&mut self, address: u8, op: impl FnOnce(&mut dyn I2cDevice) -> Result<T, i32>) -> Result<T, i32> {
        if self.speed_hz.is_none() {
            return Err(error_code::NOT_CONFIGURED);
        }
        let device = self.devices.get_mut(&(address & 0xfe)).ok_or(error_code::ADDRESS_NAK)?;
        op(device.as_mut())
    }
}

/// A sensor-like device: 256 registers and an auto-incrementing pointer.
#[derive(Clone, Debug)]
pub struct RegisterMap {
    registers: [u8; 256],
    pointer: u8,
}

impl RegisterMap {
    /// A device whose registers start as `initial` (register, value) pairs, others 0.
    pub fn new(initial: &[(u8, u8)]) -> RegisterMap {
        let mut registers = [0u8; 256];
        for &(register, value) in initial {
            registers[usize::from(register)] = value;
        }
        RegisterMap { registers, pointer: 0 }
    }

    pub fn register(&self, register: u8) -> u8 {
        self.registers[usize::from(register)]
    }

    pub fn set_register(&mut self, register: u8, value: u8) {
        self.registers[usize::from(register)] = value;
    }
}

impl I2cDevice for RegisterMap {
    fn write(&mut self, data: &[u8]) -> bool {
        if let Some((&pointer, values)) = data.split_first() {
            self.pointer = pointer;
            for &value in values {
                self.registers[usize::from(self.pointer)] = value;
                self.pointer = self.pointer.wrapping_add(1);
            }
        }
        true
    }

    fn read(&mut self, n: usize) -> Option<Vec<u8>> {
        let bytes = (0..n)
            .map(|_| {
                let value = self.registers[usize::from(self.pointer)];
                self.pointer = self.pointer.wrapping_add(1);
                value
            })
            .collect();
        Some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bus_with_sensor() -> I2cBus {
        let mut bus = I2cBus::new();
        bus.attach(0xbe, Box::new(RegisterMap::new(&[(0x0f, 0xbc), (0x28, 0x12), (0x29, 0x34)])));
        bus
    }

    #[test]
    fn reads_registers_from_the_pointer() {
        let mut bus = bus_with_sensor();
        bus.configure(400_000);
        assert_eq!(bus.read(0xbe, &[0x0f], 1), Some(vec![0xbc]), "WHO_AM_I");
        assert_eq!(bus.read(0xbf, &[0x28], 2), Some(vec![0x12, 0x34]), "the read bit is ignored");
        assert_eq!(bus.write(0xbe, &[0x20, 0x81]), 0);
        assert_eq!(bus.read(0xbe, &[0x20], 1), Some(vec![0x81]));
        assert_eq!(bus.read_error(), error_code::NONE);
    }

    #[test]
    fn missing_devices_and_unconfigured_buses_fail_with_codes() {
        let mut bus = bus_with_sensor();
        assert_eq!(bus.read(0xbe, &[0x0f], 1), None);
        assert_eq!(bus.read_error(), error_code::NOT_CONFIGURED);
        bus.configure(100_000);
        assert_eq!(bus.write(0x32, &[0]), error_code::ADDRESS_NAK, "a dead or absent part");
        assert_eq!(bus.read_error(), error_code::ADDRESS_NAK);
        assert!(bus.read(0xbe, &[0x0f], 1).is_some());
        assert_eq!(bus.read_error(), error_code::NONE, "a good transfer clears the error");
    }
}
