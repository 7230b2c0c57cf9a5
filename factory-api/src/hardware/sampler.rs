//! `hardware.sampler`: the ADC sampling analog pins at a fixed rate into the firmware's
//! buffers, in virtual time. Sample `k` after `start()` is taken at `k / rate` seconds,
//! from the level each pin's wire had then (its trace), so a scripted input that changes
//! mid-buffer shows up in the samples that follow it.
//!
//! From api/hardware/sampler/configure [V]: 16-bit unsigned samples "with only 12 bits
//! of actual resolution, in the top 12 bits"; several pins are interleaved, one sample
//! of each per period; each buffer's size is a multiple of twice the pin count; the
//! callback gets each buffer as it fills. `sampler.stop()` hands over the partly filled
//! buffer with its byte count [V]. Byte order: little-endian, as the imp's ARM stores
//! them [P]. A callback always returns before the next buffer fills here, so buffers
//! never overrun.

use super::pin::Pin;
use crate::cloud::SimTime;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq)]
pub struct SamplerConfig {
    /// Board indices of the sampled pins, in the order their samples interleave.
    pub pins: Vec<usize>,
    pub rate_hz: f64,
    /// The byte size of each buffer, used in turn.
    pub buffer_sizes: Vec<usize>,
}

impl SamplerConfig {
    /// Samples of every pin that fit in buffer `i`.
    fn frames(&self, i: usize) -> u64 {
        (self.buffer_sizes[i] / (2 * self.pins.len())) as u64
    }
}

/// A full (or, at a stop, partial) buffer: which one and what it now holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filled {
    pub buffer: usize,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, Default)]
pub struct Sampler {
    config: Option<SamplerConfig>,
    running: Option<Running>,
}

#[derive(Clone, Copy, Debug)]
struct Running {
    started: SimTime,
    /// The buffer being filled, and the index of its first sample since the start.
    buffer: usize,
    first: u64,
}

impl Sampler {
    /// `sampler.configure`: stops any sampling in progress.
    pub fn configure(&mut self, config: SamplerConfig) {
        self.config = Some(config);
        self.running = None;
    }

    /// `sampler.reset()`: unconfigured and stopped.
    pub fn reset(&mut self) {
        *self = Sampler::default();
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// `sampler.start()`: when the first buffer will be full, or `None` if unconfigured
    /// (or already running).
    pub fn start(&mut self, now: SimTime) -> Option<SimTime> {
        if self.running.is_some() {
            return None;
        }
        self.config.as_ref()?;
        self.running = Some(Running { started: now, buffer: 0, first: 0 });
        self.due()
    }

    /// When the buffer being filled will be full.
    pub fn due(&self) -> Option<SimTime> {
        let (config, running) = (self.config.as_ref()?, self.running?);
        Some(self.sample_time(running, running.first + config.frames(running.buffer)))
    }

    /// The buffer that is full by now, and the next one started; `None` if not running.
    pub fn fill(&mut self, pins: &[Pin]) -> Option<Filled> {
        let config = self.config.as_ref()?;
        let running = self.running?;
        let end = running.first + config.frames(running.buffer);
        let filled = self.samples(pins, running, end);
        let next = (running.buffer + 1) % config.buffer_sizes.len();
        self.running = Some(Running { buffer: next, first: end, ..running });
        Some(filled)
    }

    /// `sampler.stop()`: the samples taken into the current buffer up to `now`.
    pub fn stop(&mut self, pins: &[Pin], now: SimTime) -> Option<Filled> {
        let (config, running) = (self.config.as_ref()?, self.running.take()?);
        let elapsed = now.saturating_sub(running.started).as_secs_f64();
        // A sample due at `now` has been taken (the epsilon absorbs float error).
        let taken = (elapsed * config.rate_hz + 1e-9).floor() as u64 + 1;
        let end = taken.clamp(running.first, running.first + config.frames(running.buffer));
        Some(self.samples(pins, running, end))
    }

    fn sample_time(&self, running: Running, k: u64) -> SimTime {
        let rate = self.config.as_ref().map_or(1.0, |c| c.rate_hz);
        running.started + Duration::from_secs_f64(k as f64 / rate)
    }

    /// Samples `running.first..end` of every pin, interleaved.
    fn samples(&self, pins: &[Pin], running: Running, end: u64) -> Filled {
        let config = self.config.as_ref().expect("a running sampler is configured");
        let mut bytes = Vec::with_capacity(((end - running.first) as usize) * 2 * config.pins.len());
        for k in running.first..end {
            let at = self.sample_time(running, k);
            for &pin in &config.pins {
                let level = pins.get(pin).map_or(0.0, |p| p.level_at(at)).clamp(0.0, 1.0);
                let sample = ((level * 4095.0).round() as u16) << 4;
                bytes.extend_from_slice(&sample.to_le_bytes());
            }
        }
        Filled { buffer: running.buffer, bytes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::pin::PinMode;

    fn secs(s: f64) -> SimTime {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn buffers_fill_in_turn_from_the_wire_levels() {
        let mut pin = Pin::new("pin5");
        pin.configure(PinMode::AnalogIn, None, secs(0.0));
        pin.drive(Some(0.5), secs(0.0));
        pin.drive(Some(1.0), secs(0.002));
        let mut sampler = Sampler::default();
        sampler.configure(SamplerConfig { pins: vec![0], rate_hz: 1000.0, buffer_sizes: vec![4, 6] });
        assert_eq!(sampler.start(secs(0.0)), Some(secs(0.002)));
        let first = sampler.fill(std::slice::from_ref(&pin)).expect("running");
        // 0.5 → 2048 (12 bits) → 0x8000, then 0x8000 again: the rise comes at 2 ms.
        assert_eq!(first, Filled { buffer: 0, bytes: vec![0x00, 0x80, 0x00, 0x80] });
        assert_eq!(sampler.due(), Some(secs(0.005)));
        let second = sampler.fill(std::slice::from_ref(&pin)).expect("running");
        assert_eq!(second, Filled { buffer: 1, bytes: vec![0xf0, 0xff, 0xf0, 0xff, 0xf0, 0xff] });
        assert_eq!(sampler.due(), Some(secs(0.007)), "back to the first buffer");
        let partial = sampler.stop(std::slice::from_ref(&pin), secs(0.0055)).expect("running");
        assert_eq!(partial, Filled { buffer: 0, bytes: vec![0xf0, 0xff] });
        assert!(!sampler.is_running() && sampler.fill(&[]).is_none());
    }
}
