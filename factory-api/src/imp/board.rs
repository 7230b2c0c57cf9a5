//! The hardware an imp's device code sees, laid out as its imp type names it: pins,
//! I2C buses, UARTs and the SPI flash, all models from `crate::hardware`.

use super::identity::ImpType;
use crate::cloud::SimTime;
use crate::hardware::i2c::I2cBus;
use crate::hardware::pin::{Pin, PinMode};
use crate::hardware::sampler::Sampler;
use crate::hardware::spi::SpiBus;
use crate::hardware::spiflash::{SpiFlash, SECTOR_SIZE};
use crate::hardware::uart::Uart;

/// The SPI flash's Macronix-style chip ID (its size is the imp type's).
const FLASH_CHIP_ID: u32 = 0xc2_2016;

pub struct Board {
    pub pins: Vec<Pin>,
    /// (name as in `hardware.i2c89`, bus).
    pub i2c: Vec<(String, I2cBus)>,
    pub spi: Vec<SpiBus>,
    pub uarts: Vec<Uart>,
    pub spiflash: SpiFlash,
    pub sampler: Sampler,
    /// (driving pin, driven pin) index pairs: a test jig's wires.
    wires: Vec<(usize, usize)>,
}

impl Board {
    /// The board of an imp type: its pins and buses as its table names them
    /// (`super::imp_type`). The model has no pin multiplexing: a pin and a bus on it
    /// work independently.
    pub fn new(imp_type: ImpType) -> Board {
        let spec = imp_type.spec();
        Board {
            pins: spec
                .pins()
                .map(|name| match spec.unconfigured_drive.iter().find(|(pin, _)| *pin == name) {
                    Some(&(_, level)) => Pin::driven_until_configured(&name, level),
                    None => Pin::new(&name),
                })
                .collect(),
            i2c: spec.i2c.iter().map(|name| (name.to_string(), I2cBus::new())).collect(),
            spi: spec.spi.iter().map(|name| SpiBus::new(name)).collect(),
            uarts: spec
                .uarts
                .iter()
                .map(|name| if spec.receive_only.contains(name) { Uart::receive_only(name) } else { Uart::new(name) })
                .collect(),
            spiflash: SpiFlash::new(imp_type.spiflash_size() / SECTOR_SIZE, FLASH_CHIP_ID),
            sampler: Sampler::default(),
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

    pub fn spi_bus(&mut self, name: &str) -> Option<&mut SpiBus> {
        self.spi.iter_mut().find(|b| b.name() == name)
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
        for bus in &mut self.spi {
            bus.disable();
        }
        self.spiflash.disable();
        self.sampler.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_is_its_types_table() {
        let imp006 = Board::new(ImpType::Imp006);
        assert_eq!(imp006.pins.len(), 55);
        assert!(imp006.pin("pinYN").is_some() && imp006.pin("pinYP").is_none());
        assert!(imp006.uart("uartYJKLM").is_some());
        let mut imp001 = Board::new(ImpType::Imp001);
        assert!(imp001.spi_bus("spi189").is_some() && imp001.uart("uart1289").is_some());
        assert!(imp001.i2c_bus("i2c0").is_none());
        assert!(Board::new(ImpType::Imp004m).pin("pinT").is_none());
    }

    /// `hardware.spiflash.size()` is the user part of the module's smallest allowed chip:
    /// SPIFlashFileSystem's tests fill the flash to the last sector with that in mind.
    #[test]
    fn the_flash_is_the_types_user_space() {
        let size = |t: ImpType| Board::new(t).spiflash.size();
        assert_eq!((size(ImpType::Imp003), size(ImpType::Imp004m)), (65536, 253952));
        assert_eq!((size(ImpType::Imp005), size(ImpType::Imp001)), (4 << 20, 0));
    }

    #[test]
    fn the_imp005_drives_some_pins_until_they_are_configured() {
        let mut board = Board::new(ImpType::Imp005);
        let level = |board: &Board, pin: &str| board.pin(pin).map(Pin::level);
        assert_eq!(
            (level(&board, "pinB"), level(&board, "pinA"), level(&board, "pinC")),
            (Some(1.0), Some(0.0), Some(0.0))
        );
        // A test-jig wire from pinB carries its level before any firmware runs.
        let c = board.pin_index("pinC").expect("pinC");
        board.pins[c].configure(
            PinMode::DigitalIn { pull: crate::hardware::pin::Pull::None, wakeup: false },
            None,
            SimTime::ZERO,
        );
        assert!(board.wire("pinB", "pinC", SimTime::ZERO));
        assert_eq!(level(&board, "pinC"), Some(1.0));
        assert_eq!(level(&Board::new(ImpType::Imp003), "pinB"), Some(0.0), "other imps float");
    }
}
