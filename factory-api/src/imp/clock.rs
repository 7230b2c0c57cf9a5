//! Virtual wall-clock time: every imp starts at the same instant, so `time()`, `date()`
//! and log timestamps are identical from run to run.

use crate::cloud::SimTime;
use impish_stdlib::system::{civil, TimeSource};
use std::cell::RefCell;
use std::rc::Rc;

use super::shared::{Shared, Side};

/// The wall-clock time at virtual time zero: 2026-01-01 00:00:00 UTC, in Unix seconds.
pub const EPOCH_UNIX: i64 = 1_767_225_600;

/// Unix seconds at virtual time `at`.
pub fn unix_seconds(at: SimTime) -> i64 {
    EPOCH_UNIX + at.as_secs() as i64
}

/// `2026-01-01 00:00:01.250 +00:00`, as impCentral's log pane stamps lines.
pub fn log_timestamp(at: SimTime) -> String {
    timestamp(at, " ", " +00:00")
}

/// `2026-01-01T00:00:01.250Z` (ISO 8601), for machine-readable logs.
pub fn iso_timestamp(at: SimTime) -> String {
    timestamp(at, "T", "Z")
}

fn timestamp(at: SimTime, separator: &str, zone: &str) -> String {
    let c = civil(unix_seconds(at));
    let (year, month, day, ms) = (c.year, c.month + 1, c.day, at.subsec_millis());
    format!("{year:04}-{month:02}-{day:02}{separator}{:02}:{:02}:{:02}.{ms:03}{zone}", c.hour, c.min, c.sec)
}

/// `time()`, `date()` and `clock()` on the imp's virtual clock, as `side` reads it.
pub(crate) struct VirtualTime(pub Rc<RefCell<Shared>>, pub Side);

impl TimeSource for VirtualTime {
    fn now(&self) -> i64 {
        unix_seconds(self.0.borrow().now())
    }

    /// The agent's microseconds; the device's are always 0 (Dev Center, "date()":
    /// `usec` "is non-functional on the device").
    fn usec(&self) -> i64 {
        match self.1 {
            Side::Agent => self.0.borrow().now().subsec_micros().into(),
            Side::Device => 0,
        }
    }

    fn clock(&self) -> f64 {
        self.0.borrow().now().as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_count_from_the_epoch_in_milliseconds() {
        assert_eq!(log_timestamp(Duration::from_millis(1250)), "2026-01-01 00:00:01.250 +00:00");
        assert_eq!(log_timestamp(Duration::from_secs(86_400 + 3661)), "2026-01-02 01:01:01.000 +00:00");
        assert_eq!(iso_timestamp(Duration::from_millis(86_400_007)), "2026-01-02T00:00:00.007Z");
    }
}
