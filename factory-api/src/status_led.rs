//! The imp's status LED, as a DUT shows it on a factory line.
//!
//! The docs describe states, not pin levels: green for 3 s after a successful factory
//! BlinkUp, solid green for as long as the device is powered once blessed, solid red when
//! tests failed or blessing failed, and BlinkUp's own flashing. A line report draws
//! these over time, so the LED is a recorded timeline of colours.

use crate::cloud::SimTime;
use std::time::Duration;

/// How long the LED shows green after a successful factory BlinkUp.
pub const BLINKUP_SUCCESS_GREEN: Duration = Duration::from_secs(3);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LedColor {
    Off,
    Green,
    Red,
    /// Receiving BlinkUp (the light sensor is active; the LED flashes).
    Flashing,
}

impl LedColor {
    pub fn name(self) -> &'static str {
        match self {
            LedColor::Off => "off",
            LedColor::Green => "green",
            LedColor::Red => "red",
            LedColor::Flashing => "flashing",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColorChange {
    pub at: SimTime,
    pub color: LedColor,
}

#[derive(Clone, Debug, Default)]
pub struct StatusLed {
    timeline: Vec<ColorChange>,
    /// Blessed or rejected: the colour stays until power-off.
    latched: bool,
}

impl StatusLed {
    pub fn new() -> StatusLed {
        StatusLed::default()
    }

    /// The colour at `at`.
    pub fn color_at(&self, at: SimTime) -> LedColor {
        self.timeline.iter().take_while(|c| c.at <= at).last().map_or(LedColor::Off, |c| c.color)
    }

    pub fn timeline(&self) -> &[ColorChange] {
        &self.timeline
    }

    /// Shows `color` from `at` on, replacing whatever was planned after `at` (the end of
    /// a 3 s green) and a change at the same instant.
    fn set(&mut self, at: SimTime, color: LedColor) {
        if self.latched {
            return;
        }
        self.timeline.retain(|c| c.at < at);
        if self.color_at(at) != color {
            self.timeline.push(ColorChange { at, color });
        }
    }

    /// BlinkUp starts being received.
    pub fn blinkup_started(&mut self, at: SimTime) {
        self.set(at, LedColor::Flashing);
    }

    /// BlinkUp succeeded: green for three seconds, then off.
    pub fn blinkup_succeeded(&mut self, at: SimTime) {
        self.set(at, LedColor::Green);
        if !self.latched {
            self.timeline.push(ColorChange { at: at + BLINKUP_SUCCESS_GREEN, color: LedColor::Off });
        }
    }

    /// `server.bless` answered: solid green when blessed, solid red otherwise, for good.
    pub fn bless_result(&mut self, at: SimTime, blessed: bool) {
        self.set(at, if blessed { LedColor::Green } else { LedColor::Red });
        self.latched = true;
    }

    /// Power cycle: the LED starts over.
    pub fn power_off(&mut self, at: SimTime) {
        self.latched = false;
        self.set(at, LedColor::Off);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: u64) -> SimTime {
        Duration::from_secs(secs)
    }

    fn colors(led: &StatusLed) -> Vec<(u64, &'static str)> {
        led.timeline().iter().map(|c| (c.at.as_secs(), c.color.name())).collect()
    }

    #[test]
    fn blinkup_then_blessing() {
        let mut led = StatusLed::new();
        led.blinkup_started(s(10));
        led.blinkup_succeeded(s(12));
        assert_eq!(led.color_at(s(14)), LedColor::Green);
        assert_eq!(led.color_at(s(15)), LedColor::Off, "three seconds of green");
        led.bless_result(s(20), true);
        led.blinkup_started(s(30));
        assert_eq!(colors(&led), vec![(10, "flashing"), (12, "green"), (15, "off"), (20, "green")]);
        assert_eq!(led.color_at(s(1000)), LedColor::Green, "blessed stays green");
    }

    #[test]
    fn a_quick_failure_cuts_the_green_short_and_stays_red() {
        let mut led = StatusLed::new();
        led.blinkup_succeeded(s(0));
        led.bless_result(s(1), false);
        assert_eq!(colors(&led), vec![(0, "green"), (1, "red")]);
        led.power_off(s(5));
        assert_eq!(led.color_at(s(5)), LedColor::Off);
    }
}
