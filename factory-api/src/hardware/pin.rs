//! A GPIO pin: its configured mode, the level firmware drives, the level the outside
//! world drives, faults, and a trace of every change of the level on the wire.

use crate::cloud::SimTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pull {
    None,
    Up,
    Down,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drive {
    PushPull,
    OpenDrain,
    /// Open drain with the internal pull-up: released reads high.
    OpenDrainPullUp,
}

/// The modes of `pin.configure`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PinMode {
    Unconfigured,
    DigitalIn { pull: Pull, wakeup: bool },
    DigitalOut(Drive),
    AnalogIn,
    AnalogOut,
    PwmOut { period: f32 },
}

impl PinMode {
    pub fn is_digital_input(self) -> bool {
        matches!(self, PinMode::DigitalIn { .. })
    }
}

/// What `pin.read()` returns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reading {
    /// 0 or 1.
    Digital(i32),
    /// 0–65535.
    Analog(i32),
    /// The PWM duty cycle or analog output level, 0.0–1.0.
    Level(f32),
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("pin {0} is not configured")]
    Unconfigured(String),
    #[error("pin {0} is not configured as an output")]
    NotAnOutput(String),
    #[error("value out of range for pin {0}: expected 0.0 to 1.0")]
    OutOfRange(String),
}

/// A change of the level on the wire.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LevelChange {
    pub at: SimTime,
    pub level: f32,
}

#[derive(Clone, Debug)]
pub struct Pin {
    name: String,
    mode: PinMode,
    /// What firmware drives (digital 0/1, duty cycle or analog level).
    output: f32,
    /// What the outside world drives; `None` leaves the pin floating.
    external: Option<f32>,
    /// A fault: the wire is held at this level whatever anyone drives.
    stuck: Option<f32>,
    /// What the module drives the pin to until firmware configures it (the imp005's
    /// pins; every other imp's float).
    unconfigured_drive: Option<f32>,
    trace: Vec<LevelChange>,
    /// Keep only about this many of the latest changes (`None`: all of them).
    trace_limit: Option<usize>,
}

impl Pin {
    pub fn new(name: &str) -> Pin {
        Pin {
            name: name.into(),
            mode: PinMode::Unconfigured,
            output: 0.0,
            external: None,
            stuck: None,
            unconfigured_drive: None,
            trace: Vec::new(),
            trace_limit: None,
        }
    }

    /// A pin the module drives to `level` until firmware configures it.
    pub fn driven_until_configured(name: &str, level: f32) -> Pin {
        Pin { unconfigured_drive: Some(level), ..Pin::new(name) }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn mode(&self) -> PinMode {
        self.mode
    }

    /// `pin.configure(mode[, initial])`; outputs start at `initial` (default 0).
    pub fn configure(&mut self, mode: PinMode, initial: Option<f32>, now: SimTime) {
        self.mode = mode;
        if matches!(mode, PinMode::DigitalOut(_) | PinMode::AnalogOut | PinMode::PwmOut { .. }) {
            self.output = initial.unwrap_or(0.0);
        }
        self.record(now);
    }

    /// The level on the wire, 0.0–1.0.
    pub fn level(&self) -> f32 {
        if let Some(level) = self.stuck {
            return level;
        }
        let floating = |pull: bool| self.external.unwrap_or(if pull { 1.0 } else { 0.0 });
        match self.mode {
            PinMode::DigitalOut(Drive::PushPull) | PinMode::AnalogOut | PinMode::PwmOut { .. } => self.output,
            PinMode::DigitalOut(Drive::OpenDrain) if self.output == 0.0 => 0.0,
            PinMode::DigitalOut(Drive::OpenDrainPullUp) if self.output == 0.0 => 0.0,
            PinMode::DigitalOut(Drive::OpenDrain) => floating(false),
            PinMode::DigitalOut(Drive::OpenDrainPullUp) => floating(true),
            PinMode::DigitalIn { pull: Pull::Up, .. } => floating(true),
            PinMode::Unconfigured => self.unconfigured_drive.unwrap_or_else(|| floating(false)),
            PinMode::DigitalIn { .. } | PinMode::AnalogIn => floating(false),
        }
    }

    fn digital(&self) -> i32 {
        i32::from(self.level() >= 0.5)
    }

    /// `pin.read()`.
    pub fn read(&self) -> Result<Reading, PinError> {
        match self.mode {
            PinMode::Unconfigured => Err(PinError::Unconfigured(self.name.clone())),
            PinMode::AnalogIn => Ok(Reading::Analog((self.level().clamp(0.0, 1.0) * 65535.0).round() as i32)),
            PinMode::AnalogOut | PinMode::PwmOut { .. } => Ok(Reading::Level(self.output)),
            PinMode::DigitalIn { .. } | PinMode::DigitalOut(_) => Ok(Reading::Digital(self.digital())),
        }
    }

    /// `pin.write(value)`: 0/1 for digital outputs, 0.0–1.0 for PWM and analog outputs.
    pub fn write(&mut self, value: f32, now: SimTime) -> Result<(), PinError> {
        match self.mode {
            PinMode::DigitalOut(_) => self.output = if value != 0.0 { 1.0 } else { 0.0 },
            PinMode::AnalogOut | PinMode::PwmOut { .. } if (0.0..=1.0).contains(&value) => self.output = value,
            PinMode::AnalogOut | PinMode::PwmOut { .. } => return Err(PinError::OutOfRange(self.name.clone())),
            PinMode::Unconfigured => return Err(PinError::Unconfigured(self.name.clone())),
            _ => return Err(PinError::NotAnOutput(self.name.clone())),
        }
        self.record(now);
        Ok(())
    }

    /// The outside world drives the pin (`None` releases it). Returns true when a
    /// digital input's level changed: its state-change callback is due.
    pub fn drive(&mut self, level: Option<f32>, now: SimTime) -> bool {
        let before = self.digital();
        self.external = level;
        self.record(now);
        self.mode.is_digital_input() && self.stuck.is_none() && self.digital() != before
    }

    /// A fault: hold the wire at `level` (or free it with `None`).
    pub fn stick(&mut self, level: Option<f32>, now: SimTime) {
        self.stuck = level;
        self.record(now);
    }

    /// Every change of the wire level since the pin was first configured or driven
    /// (the latest ones only, under a trace limit).
    pub fn trace(&self) -> &[LevelChange] {
        &self.trace
    }

    /// Keeps at least the latest `keep` changes and at most twice as many: a pin that
    /// works for days (a fixture's BlinkUp LED flashes hundreds of levels per unit)
    /// then costs the same memory on the thousandth unit as on the first.
    pub fn limit_trace(&mut self, keep: usize) {
        self.trace_limit = Some(keep);
    }

    /// The level on the wire at `at` (not after now), from the trace.
    pub fn level_at(&self, at: SimTime) -> f32 {
        let before = self.trace.partition_point(|change| change.at <= at);
        match before {
            0 => self.trace.first().map_or_else(|| self.level(), |first| first.level),
            n => self.trace[n - 1].level,
        }
    }

    fn record(&mut self, at: SimTime) {
        let level = self.level();
        if self.trace.last().is_none_or(|last| last.level != level) {
            // The trace is the host's record, not the firmware's memory.
            impish_vm::memory::unmetered(|| self.trace.push(LevelChange { at, level }));
            if let Some(keep) = self.trace_limit.filter(|&keep| self.trace.len() > 2 * keep.max(1)) {
                self.trace.drain(..self.trace.len() - keep);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn secs(s: f32) -> SimTime {
        Duration::from_secs_f32(s)
    }

    #[test]
    fn outputs_record_level_changes_only() {
        let mut led = Pin::new("pinE");
        led.configure(PinMode::DigitalOut(Drive::PushPull), Some(0.0), secs(0.0));
        led.write(1.0, secs(1.0)).expect("write");
        led.write(1.0, secs(1.5)).expect("same level");
        led.write(0.0, secs(2.0)).expect("write");
        let levels: Vec<(f32, f32)> = led.trace().iter().map(|c| (c.at.as_secs_f32(), c.level)).collect();
        assert_eq!(levels, vec![(0.0, 0.0), (1.0, 1.0), (2.0, 0.0)]);
        assert_eq!((led.level_at(secs(0.5)), led.level_at(secs(1.0)), led.level_at(secs(9.0))), (0.0, 1.0, 0.0));
        assert_eq!(led.read(), Ok(Reading::Digital(0)));
    }

    #[test]
    fn a_limited_trace_keeps_the_latest_changes() {
        let mut led = Pin::new("pinM");
        led.limit_trace(3);
        led.configure(PinMode::DigitalOut(Drive::PushPull), Some(0.0), secs(0.0));
        for i in 1..100u16 {
            led.write(f32::from(i % 2), secs(f32::from(i))).expect("write");
            assert!(led.trace().len() <= 6);
        }
        let last = led.trace().last().map(|c| (c.at.as_secs_f32(), c.level));
        assert_eq!(last, Some((99.0, 1.0)));
        assert!(led.trace().len() >= 3);
        assert_eq!(led.level_at(secs(98.5)), 0.0, "recent levels are still known");
    }

    #[test]
    fn inputs_follow_pulls_and_report_edges() {
        let mut button = Pin::new("pinC");
        button.configure(PinMode::DigitalIn { pull: Pull::Up, wakeup: false }, None, secs(0.0));
        assert_eq!(button.read(), Ok(Reading::Digital(1)), "a pulled-up input reads high");
        assert!(button.drive(Some(0.0), secs(2.0)), "falling edge");
        assert!(!button.drive(Some(0.0), secs(2.1)), "no change, no callback");
        assert!(button.drive(None, secs(2.2)), "released: the pull-up lifts it");
        assert_eq!(button.write(1.0, secs(3.0)), Err(PinError::NotAnOutput("pinC".into())));
    }

    #[test]
    fn analog_and_pwm() {
        let mut sensor = Pin::new("pinA");
        sensor.configure(PinMode::AnalogIn, None, secs(0.0));
        sensor.drive(Some(0.42), secs(0.0));
        assert_eq!(sensor.read(), Ok(Reading::Analog(27525)));
        let mut pwm = Pin::new("pinB");
        pwm.configure(PinMode::PwmOut { period: 0.001 }, Some(0.25), secs(0.0));
        assert_eq!(pwm.read(), Ok(Reading::Level(0.25)));
        assert_eq!(pwm.write(1.5, secs(1.0)), Err(PinError::OutOfRange("pinB".into())));
    }

    #[test]
    fn open_drain_and_stuck_pins() {
        let mut line = Pin::new("pinD");
        line.configure(PinMode::DigitalOut(Drive::OpenDrainPullUp), Some(1.0), secs(0.0));
        assert_eq!(line.level(), 1.0);
        line.write(0.0, secs(1.0)).expect("pull low");
        assert_eq!(line.level(), 0.0);
        line.stick(Some(1.0), secs(2.0));
        line.write(0.0, secs(3.0)).expect("writes are accepted");
        assert_eq!(line.read(), Ok(Reading::Digital(1)), "a stuck pin ignores its driver");
        let mut driven = Pin::driven_until_configured("pinB", 1.0);
        driven.drive(Some(0.0), secs(0.0));
        assert_eq!(driven.level(), 1.0, "the module drives it, not the outside");
        driven.configure(PinMode::DigitalIn { pull: Pull::None, wakeup: false }, None, secs(1.0));
        assert_eq!(driven.level(), 0.0, "configured, it floats to what the outside drives");
        let mut unconfigured = Pin::new("pinQ");
        assert_eq!(unconfigured.read(), Err(PinError::Unconfigured("pinQ".into())));
        assert_eq!(unconfigured.write(1.0, secs(0.0)), Err(PinError::Unconfigured("pinQ".into())));
    }
}
