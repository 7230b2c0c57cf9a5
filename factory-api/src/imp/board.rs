//! The hardware an imp's device code sees, laid out as its imp type names it: pins,
//! I2C buses, UARTs and the SPI flash, all models from `crate::hardware`.

use super::identity::ImpType;
use crate::cloud::SimTime;
use crate::hardware::i2c::I2cBus;
use crate::hardware::pin::{Pin, PinMode};
use crate::hardware::spiflash::SpiFlash;
use crate::hardware::uart::Uart;

/// The SPI flash of every board: 4 MB (1024 sectors), with a Macronix-style chip ID.
const FLASH_SECTORS: usize = 1024;
const FLASH_CHIP_ID: u32 = 0xc2_2016;

pub struct Board {
    pub pins: Vec<Pin>,
    /// (name as in `hardware.i2c89`, bus).
    pub i2c: Vec<(String, I2cBus)>,
    pub uarts: Vec<Uart>,
    pub spiflash: SpiFlash,
    /// (driving pin, driven pin) index pairs: a test jig's wires.
    wires: Vec<(usize, usize)>,
}

impl Board {
    /// The board of an imp type: its pins as the Dev Center's pin mux pages name them,
    /// and some of its buses. The imp005's bus names beyond `i2c89`, `uart0..2` are ours
    /// (the model has no pin multiplexing).
    pub fn new(imp_type: ImpType) -> Board {
        let named = |prefix: &str, names: &str| names.chars().map(|c| format!("{prefix}{c}")).collect::<Vec<_>>();
        let (pins, i2c, uarts): (Vec<String>, &[&str], &[&str]) = match imp_type {
            ImpType::Imp001 => (named("pin", "125789"), &["i2c12", "i2c89"], &["uart12", "uart57"]),
            ImpType::Imp002 => (named("pin", "1256789ABCDE"), &["i2c12", "i2c89"], &["uart12", "uart57", "uart6E"]),
            ImpType::Imp003 => (
                named("pin", "ABCDEFGHJKLMNPQRSTUVWXY"),
                &["i2cAB", "i2cFG"],
                &["uartDM", "uartFG", "uartQRPW", "uartUVGD", "uartWJ"],
            ),
            ImpType::Imp004m => {
                (named("pin", "ABCDEFGHJKLMNPQRSW"), &["i2cNM", "i2cQP"], &["uartBCAW", "uartFGJH", "uartHJ", "uartQ"])
            }
            ImpType::Imp005 => {
                let mut pins = named("pin", "ABCDEFGHIJKLMNOPQRSTUVWXY");
                pins.extend(named("pinX", "ABCD"));
                (pins, &["i2c0", "i2c89", "i2cJK", "i2cXDC"], &["uart0", "uart1", "uart2"])
            }
        };
        Board {
            pins: pins.iter().map(|name| Pin::new(name)).collect(),
            i2c: i2c.iter().map(|name| (name.to_string(), I2cBus::new())).collect(),
            uarts: uarts.iter().map(|name| Uart::new(name)).collect(),
            spiflash: SpiFlash::new(FLASH_SECTORS, FLASH_CHIP_ID),
            wires: Vec::new(),
        }
    }

    pub fn pin(&self, name: &str) -> Option<&Pin> {
        self.pins.iter().find(|p| p.name() == name)
    }

    pub fn pin_index(&self, name: &str) -> Option<usize> {
        self.pins.iter().position(|p| p.name() == name)
    }

    pub fn i2c_bus(&mut self, name: &str) -> Option<&mut I2cBus> {
        self.i2c.iter_mut().find(|(n, _)| n == name).map(|(_, bus)| bus)
    }

    pub fn uart(&self, name: &str) -> Option<&Uart> {
        self.uarts.iter().find(|u| u.name() == name)
    }

    /// Wires pin `from` to pin `to`: `to` sees the level on `from`'s wire from now on
    /// (one way; wire both ways for a bidirectional link). False if a pin is unknown.
    pub fn wire(&mut self, from: &str, to: &str, now: SimTime) -> bool {
        let (Some(a), Some(b)) = (self.pin_index(from), self.pin_index(to)) else { return false };
        self.wires.push((a, b));
        self.follow_wires(a, now);
        true
    }

    /// Carries pin `from`'s level along its wires; returns the driven pins whose digital
    /// input level changed (their state-change callbacks are due).
    pub(crate) fn follow_wires(&mut self, from: usize, now: SimTime) -> Vec<usize> {
        let level = self.pins[from].level();
        let targets: Vec<usize> = self.wires.iter().filter(|(a, _)| *a == from).map(|(_, b)| *b).collect();
        targets.into_iter().filter(|&to| self.pins[to].drive(Some(level), now)).collect()
    }

    /// Deep sleep: every pin but a wake-up input floats, as the imp tri-states them.
    pub fn sleep(&mut self, now: SimTime) {
        self.float_pins(now, |mode| !matches!(mode, PinMode::DigitalIn { wakeup: true, .. }));
    }

    /// Unconfigures the pins whose mode `floats` picks, and carries the new levels.
    fn float_pins(&mut self, now: SimTime, floats: impl Fn(PinMode) -> bool) {
        for pin in &mut self.pins {
            if floats(pin.mode()) {
                pin.configure(PinMode::Unconfigured, None, now);
            }
        }
        for from in 0..self.pins.len() {
            self.follow_wires(from, now);
        }
    }

    /// What a Squirrel restart does to the hardware: pins unconfigured, buses off.
    pub fn reset(&mut self, now: SimTime) {
        self.float_pins(now, |_| true);
        for (_, bus) in &mut self.i2c {
            bus.disable();
        }
        for uart in &mut self.uarts {
            uart.disable();
        }
        self.spiflash.disable();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pin counts the Dev Center's `pin` page gives each type (the imp005's model
    /// has pins of its own, see `Board::new`).
    #[test]
    fn each_type_has_its_pins() {
        let count = |t| Board::new(t).pins.len();
        assert_eq!(count(ImpType::Imp001), 6);
        assert_eq!(count(ImpType::Imp002), 12);
        assert_eq!(count(ImpType::Imp003), 23);
        assert_eq!(count(ImpType::Imp004m), 18);
        let imp002 = Board::new(ImpType::Imp002);
        assert!(imp002.pin("pin6").is_some() && imp002.pin("pinE").is_some() && imp002.uart("uart6E").is_some());
        assert!(Board::new(ImpType::Imp004m).pin("pinT").is_none());
    }
}
