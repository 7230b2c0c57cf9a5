//! Deep sleep on the device: `server.sleepfor`, `server.sleepuntil`, `imp.deepsleepfor`
//! and `imp.deepsleepuntil`. Each stops Squirrel at once (code after the call never
//! runs); the run loop keeps `nv`, floats the pins and restarts Squirrel at the wake
//! time with `WAKEREASON_TIMER`, or sooner with `WAKEREASON_PIN` when a
//! `DIGITAL_IN_WAKEUP` pin rises. The `server.` forms flush pending messages first,
//! which in the simulation have already gone.

use super::constants::wake;
use super::server::stop_squirrel;
use super::{method, number, Ctx};
use crate::cloud::SimTime;
use crate::imp::clock::{unix_seconds, EPOCH_UNIX};
use crate::imp::Stop;
use impish_vm::{Args, Fail, Value, Vm};
use std::time::Duration;

/// The longest deep sleep, in seconds (documented: 28 days minus two seconds).
const MAX_SLEEP_SECONDS: f64 = 2_419_198.0;

const DAY: i64 = 86_400;

pub(super) fn install(vm: &mut Vm) {
    let server = vm.get_global("server").unwrap_or_default();
    let imp = vm.get_global("imp").unwrap_or_default();
    for (table, owner, deep) in [(server, "server", ""), (imp, "imp", "deep")] {
        let (sleepfor, sleepuntil) = (format!("{deep}sleepfor"), format!("{deep}sleepuntil"));
        let name = format!("{owner}.{sleepfor}");
        method(vm, table, &sleepfor, 2, ".n", move |vm, args, c| {
            let seconds = number(args.get(vm, 1)).unwrap_or(-1.0);
            if !(0.0..=MAX_SLEEP_SECONDS).contains(&seconds) {
                return Err(vm.error(format!("{name}: the duration must be 0 to {MAX_SLEEP_SECONDS} seconds")));
            }
            let now = c.shared.borrow().now();
            sleep(vm, c, now + Duration::from_secs_f64(seconds))
        });
        let name = format!("{owner}.{sleepuntil}");
        method(vm, table, &sleepuntil, -3, ".nnnn", move |vm, args, c| {
            let Some(at) = time_of_day(vm, args) else {
                return Err(vm.error(format!("{name}: expected hour 0-23, minute 0-59, second 0-59, day 0-6")));
            };
            let now = c.shared.borrow().now();
            sleep(vm, c, next_time_of_day(now, at))
        });
    }
}

/// Stops Squirrel for a deep sleep until `wake_at`.
fn sleep(vm: &mut Vm, ctx: &Ctx, wake_at: SimTime) -> Result<Value, Fail> {
    ctx.shared.borrow_mut().stop = Some(Stop::Sleep { wake_at, reason: wake::TIMER });
    Err(stop_squirrel(vm))
}

/// A UTC wake-up time: seconds into the day, and the weekday (0 = Sunday) if given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TimeOfDay {
    second_of_day: i64,
    weekday: Option<i64>,
}

fn time_of_day(vm: &Vm, args: Args) -> Option<TimeOfDay> {
    let arg = |i: usize, range: std::ops::RangeInclusive<i64>, default: Option<i64>| {
        if i >= args.len() {
            return default;
        }
        number(args.get(vm, i)).map(|n| n as i64).filter(|n| range.contains(n))
    };
    let (hour, minute, second) = (arg(1, 0..=23, None)?, arg(2, 0..=59, None)?, arg(3, 0..=59, Some(0))?);
    let weekday = if args.len() > 4 { Some(arg(4, 0..=6, None)?) } else { None };
    Some(TimeOfDay { second_of_day: hour * 3600 + minute * 60 + second, weekday })
}

/// The first moment after `now` at that UTC time of day (and weekday).
fn next_time_of_day(now: SimTime, at: TimeOfDay) -> SimTime {
    let unix = unix_seconds(now);
    let mut day = unix.div_euclid(DAY);
    loop {
        let candidate = day * DAY + at.second_of_day;
        // 1970-01-01 was a Thursday (4).
        let weekday_ok = at.weekday.is_none_or(|w| (day + 4).rem_euclid(7) == w);
        if candidate > unix && weekday_ok {
            return Duration::from_secs((candidate - EPOCH_UNIX).max(0) as u64);
        }
        day += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_time_of_day_is_today_tomorrow_or_on_the_weekday() {
        // Virtual time 0 is Thursday 2026-01-01 00:00 UTC.
        let at = |h: i64, m: i64, weekday| TimeOfDay { second_of_day: h * 3600 + m * 60, weekday };
        assert_eq!(next_time_of_day(SimTime::ZERO, at(0, 15, None)), Duration::from_secs(900));
        assert_eq!(next_time_of_day(Duration::from_secs(3600), at(0, 15, None)), Duration::from_secs(DAY as u64 + 900));
        // Next Saturday (6) is 2026-01-03.
        assert_eq!(next_time_of_day(SimTime::ZERO, at(12, 0, Some(6))), Duration::from_secs(2 * DAY as u64 + 43_200));
    }
}
