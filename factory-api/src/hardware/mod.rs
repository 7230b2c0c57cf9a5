//! Hardware models: what firmware drives and what tests and line scripts observe.
//!
//! These know nothing of Squirrel. The imp runtime binds them to `hardware.*`; tests
//! and line simulations script their inputs (button presses, sensor values, dead
//! parts, stuck pins) and read back their outputs (LED levels over time, bytes sent
//! to a printer, flash contents).

pub mod ambient;
pub mod i2c;
pub mod pin;
pub mod sampler;
pub mod script;
pub mod spi;
pub mod spiflash;
pub mod uart;
