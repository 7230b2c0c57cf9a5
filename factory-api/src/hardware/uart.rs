//! A UART: what firmware sends (recorded with times, e.g. labels "printed" by a
//! fixture's printer) and what the device on the other end sends back.

use crate::cloud::SimTime;
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UartConfig {
    pub baud: u32,
    pub word_bits: u8,
    pub parity: Parity,
    pub stop_bits: u8,
    pub flags: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parity {
    None,
    Even,
    Odd,
}

/// Bytes written in one `uart.write` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmission {
    pub at: SimTime,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum UartError {
    #[error("uart {0} is not configured")]
    NotConfigured(String),
    /// The imp002's `uartB`: "there is no available transmit pin".
    #[error("uart {0} has no transmit pin: it only receives")]
    ReceiveOnly(String),
}

#[derive(Clone, Debug)]
pub struct Uart {
    name: String,
    /// It has a transmit pin (every UART but the imp002's `uartB`).
    transmits: bool,
    config: Option<UartConfig>,
    sent: Vec<Transmission>,
    incoming: VecDeque<u8>,
}

impl Uart {
    pub fn new(name: &str) -> Uart {
        Uart { name: name.into(), transmits: true, config: None, sent: Vec::new(), incoming: VecDeque::new() }
    }

    /// A UART with a receive pin only.
    pub fn receive_only(name: &str) -> Uart {
        Uart { transmits: false, ..Uart::new(name) }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn configure(&mut self, config: UartConfig) {
        self.config = Some(config);
    }

    pub fn disable(&mut self) {
        self.config = None;
    }

    pub fn config(&self) -> Option<UartConfig> {
        self.config
    }

    pub fn write(&mut self, bytes: &[u8], now: SimTime) -> Result<(), UartError> {
        if self.config.is_none() {
            return Err(UartError::NotConfigured(self.name.clone()));
        }
        if !self.transmits {
            return Err(UartError::ReceiveOnly(self.name.clone()));
        }
        self.sent.push(Transmission { at: now, bytes: bytes.to_vec() });
        Ok(())
    }

    /// `uart.read()`: the next received byte, or -1 when none is waiting.
    pub fn read(&mut self) -> i32 {
        self.incoming.pop_front().map_or(-1, i32::from)
    }

    /// `uart.readstring(max)`/`readblob(max)`: up to `max` waiting bytes.
    pub fn read_up_to(&mut self, max: usize) -> Vec<u8> {
        let n = max.min(self.incoming.len());
        self.incoming.drain(..n).collect()
    }

    /// The peer sends `bytes`; true when the data callback is due (it had nothing waiting).
    pub fn receive(&mut self, bytes: &[u8]) -> bool {
        let was_empty = self.incoming.is_empty();
        self.incoming.extend(bytes);
        was_empty && !bytes.is_empty() && self.config.is_some()
    }

    pub fn sent(&self) -> &[Transmission] {
        &self.sent
    }

    /// Everything sent so far, as one byte string.
    pub fn sent_bytes(&self) -> Vec<u8> {
        self.sent.iter().flat_map(|t| t.bytes.iter().copied()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn records_what_is_sent_and_queues_what_arrives() {
        let mut printer = Uart::new("uart0");
        assert_eq!(printer.write(b"x", Duration::ZERO), Err(UartError::NotConfigured("uart0".into())));
        printer.configure(UartConfig { baud: 9600, word_bits: 8, parity: Parity::None, stop_bits: 1, flags: 0 });
        printer.write(b"LABEL ", Duration::from_secs(3)).expect("configured");
        printer.write(b"0c2a69000002", Duration::from_secs(3)).expect("configured");
        assert_eq!(printer.sent_bytes(), b"LABEL 0c2a69000002");
        assert_eq!(printer.sent()[0].at, Duration::from_secs(3));
        assert_eq!(printer.read(), -1);
        assert!(printer.receive(b"OK"));
        assert!(!printer.receive(b"!"), "the callback is already due");
        assert_eq!((printer.read(), printer.read(), printer.read(), printer.read()), (79, 75, 33, -1));
        printer.receive(b"abc");
        assert_eq!((printer.read_up_to(2), printer.read_up_to(9)), (b"ab".to_vec(), b"c".to_vec()));
        let mut receiver = Uart::receive_only("uartB");
        receiver.configure(printer.config().expect("configured"));
        assert_eq!(receiver.write(b"x", Duration::ZERO), Err(UartError::ReceiveOnly("uartB".into())));
    }
}
