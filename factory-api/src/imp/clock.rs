//! Virtual wall-clock time: every imp starts at the same instant, so `time()`, `date()`
//! and log timestamps are identical from run to run.

use crate::cloud::SimTime;
use impish_stdlib::system::{civil, TimeSource};
use std::cell::RefCell;
use std::rc::Rc;

use super::shared::Shared;

/// The wall-clock time at virtual time zero: 2026-01-01 00:00:00 UTC, in Unix seconds.
pub const EPOCH_UNIX: i64 = 1_767_225_600;

/// Unix seconds at virtual time `at`.
pub fn unix_seconds(at: SimTime) -> i64 {
    EPOCH_UNIX + at.as_secs() as i64
}

/// `2026-01-01 00:00:01.250 +00:00`, as impCentral's log pane stamps lines.
pub fn log_timestamp(at: SimTime) -> String {
    let c = civil(unix_seconds(at));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03} +00:00",
        c.year,
        c.month + 1,
        c.day,
        c.hour,
        c.min,
        c.sec,
        at.subsec_millis()
    )
}

/// `time()`, `date()` and `clock()` on the imp's virtual clock.
pub(crate) struct VirtualTime(pub Rc<RefCell<Shared>>);

impl TimeSource for VirtualTime {
    fn now(&self) -> i64 {
        unix_seconds(self.0.borrow().now())
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
    }
}
