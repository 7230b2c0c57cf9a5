//! An SPI bus with the imp as controller: what firmware clocks out (recorded with times)
//! and what the peripheral clocks back, which tests and input scripts queue. SPI moves
//! data both ways at once, so every byte written reads one and every byte read writes
//! one (the imp's filler: zeros).

use super::uart::Transmission;
use crate::cloud::SimTime;
use std::collections::VecDeque;

/// What a peripheral with nothing queued clocks back. Ours: an undriven CIPO line with a
/// pull-up reads high.
pub const IDLE_BYTE: u8 = 0xff;

#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum SpiError {
    #[error("{0} is not configured")]
    NotConfigured(String),
    #[error("{0} has no chip-select line: configure it with USE_CS_L")]
    NoChipSelect(String),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpiConfig {
    /// The `spi.configure` flags (`CLOCK_IDLE_HIGH`, `USE_CS_L`, ...).
    pub flags: u32,
    pub speed_khz: f64,
}

#[derive(Clone, Debug)]
pub struct SpiBus {
    name: String,
    config: Option<SpiConfig>,
    chip_selected: bool,
    sent: Vec<Transmission>,
    replies: VecDeque<u8>,
}

impl SpiBus {
    pub fn new(name: &str) -> SpiBus {
        SpiBus { name: name.into(), config: None, chip_selected: false, sent: Vec::new(), replies: VecDeque::new() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn configure(&mut self, config: SpiConfig) {
        self.config = Some(config);
    }

    pub fn config(&self) -> Option<SpiConfig> {
        self.config
    }

    pub fn disable(&mut self) {
        self.config = None;
        self.chip_selected = false;
    }

    /// `spi.chipselect(state)`: only a bus configured with the `USE_CS_L` flag drives one.
    pub fn chip_select(&mut self, asserted: bool, use_cs_flag: u32) -> Result<(), SpiError> {
        let config = self.configured()?;
        if config.flags & use_cs_flag == 0 {
            return Err(SpiError::NoChipSelect(self.name.clone()));
        }
        self.chip_selected = asserted;
        Ok(())
    }

    pub fn chip_selected(&self) -> bool {
        self.chip_selected
    }

    /// One full-duplex transfer: `out` is clocked out and as many bytes clocked in.
    pub fn transfer(&mut self, out: &[u8], now: SimTime) -> Result<Vec<u8>, SpiError> {
        self.configured()?;
        impish_vm::memory::unmetered(|| self.sent.push(Transmission { at: now, bytes: out.to_vec() }));
        Ok(out.iter().map(|_| self.replies.pop_front().unwrap_or(IDLE_BYTE)).collect())
    }

    /// The peripheral queues `bytes` to clock back on the next transfers.
    pub fn reply(&mut self, bytes: &[u8]) {
        self.replies.extend(bytes);
    }

    pub fn sent(&self) -> &[Transmission] {
        &self.sent
    }

    /// Everything clocked out so far, as one byte string.
    pub fn sent_bytes(&self) -> Vec<u8> {
        self.sent.iter().flat_map(|t| t.bytes.iter().copied()).collect()
    }

    fn configured(&self) -> Result<SpiConfig, SpiError> {
        self.config.ok_or_else(|| SpiError::NotConfigured(self.name.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const USE_CS_L: u32 = 4;

    #[test]
    fn transfers_record_what_goes_out_and_return_what_was_queued() {
        let mut bus = SpiBus::new("spiEBCA");
        assert_eq!(bus.transfer(b"x", Duration::ZERO), Err(SpiError::NotConfigured("spiEBCA".into())));
        bus.configure(SpiConfig { flags: 0, speed_khz: 1000.0 });
        bus.reply(&[0x12, 0x34]);
        assert_eq!(bus.transfer(&[0x9f, 0, 0], Duration::from_secs(1)), Ok(vec![0x12, 0x34, IDLE_BYTE]));
        assert_eq!(bus.sent_bytes(), vec![0x9f, 0, 0]);
        assert_eq!(bus.sent()[0].at, Duration::from_secs(1));
        assert_eq!(bus.chip_select(true, USE_CS_L), Err(SpiError::NoChipSelect("spiEBCA".into())));
        bus.configure(SpiConfig { flags: USE_CS_L, speed_khz: 1000.0 });
        bus.chip_select(true, USE_CS_L).expect("USE_CS_L");
        assert!(bus.chip_selected());
        bus.disable();
        assert!(!bus.chip_selected());
    }
}
