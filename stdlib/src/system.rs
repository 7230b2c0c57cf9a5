//! The system library: `clock`, `time`, `date` (and `getenv` in the squirrel
//! profile). Time comes from a [`TimeSource`] so an embedder (the imp runtime's
//! virtual clock) can decide what "now" is.
//!
//! `date` works in UTC whether `'l'` (local, the default) or `'u'` is asked for:
//! impish keeps no time-zone database, and the imp reports UTC anyway.

use std::rc::Rc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use impish_vm::{Args, Bytes, Fail, Profile, Value, Vm};

use crate::natives;

/// Where the system functions read the time.
pub trait TimeSource {
    /// Seconds since the Unix epoch.
    fn now(&self) -> i64;
    /// Microseconds past `now()`'s second, for the imp's `date().usec`.
    fn usec(&self) -> i64;
    /// Seconds of processor time used so far (`clock()`).
    fn clock(&self) -> f64;
}

/// The host's wall clock; `clock()` counts from the source's creation.
pub struct HostTime {
    started: Instant,
}

impl Default for HostTime {
    fn default() -> HostTime {
        HostTime { started: Instant::now() }
    }
}

impl TimeSource for HostTime {
    fn now(&self) -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
    }

    fn usec(&self) -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_micros().into())
    }

    fn clock(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

/// The time source of a VM's system functions, kept as its host data: the VMs made
/// from a template share these natives, and each reads its own clock.
struct Clock(Rc<dyn TimeSource>);

/// Makes the system functions of `vm` read the time from `source`.
pub fn set_time_source(vm: &mut Vm, source: Rc<dyn TimeSource>) {
    vm.set_host_data(Clock(source));
}

/// The time source of `vm`'s system functions (`install` sets one).
fn source(vm: &Vm) -> Rc<dyn TimeSource> {
    match vm.host_data::<Clock>() {
        Some(clock) => clock.0.clone(),
        None => Rc::new(HostTime::default()),
    }
}

/// Installs the functions as globals, reading the time from `source`.
pub fn install(vm: &mut Vm, source: Rc<dyn TimeSource>) {
    set_time_source(vm, source);
    let root = vm.root_table();
    vm.register_in(root, "clock", |vm, _| Ok(Value::Float(self::source(vm).clock() as f32)), 0, None);
    vm.register_fn_in(root, "time", |vm: &mut Vm| vm.profile().wrap(self::source(vm).now()));
    vm.register_in(root, "date", date, -1, Some(".nn"));
    if vm.profile() == Profile::Squirrel {
        vm.register_fn_in(root, "getenv", |Bytes(name): Bytes| {
            let value = std::str::from_utf8(&name).ok().and_then(std::env::var_os);
            value.map(|v| v.to_string_lossy().into_owned())
        });
    }
}

/// `date([t])`: the time `t` (default now) broken down into a table.
fn date(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (t, usec) = if args.len() > 1 {
        (args.int(vm, 1), 0)
    } else {
        let source = source(vm);
        (source.now(), source.usec())
    };
    if vm.profile() == Profile::Squirrel {
        return Ok(date_table(vm, civil(t)));
    }
    // The imp's table also has the timestamp and its microseconds, and is all
    // zeros for a time outside 2000-2099 (Dev Center, "date()").
    let (c, t, usec) = if IMP_DATES.contains(&t) { (civil(t), t, usec) } else { (CivilTime::default(), 0, 0) };
    let table = date_table(vm, c);
    natives::set(vm, table, "time", Value::Int(t));
    natives::set(vm, table, "usec", Value::Int(usec));
    Ok(table)
}

/// The times the imp's `date(t)` describes: 2000-01-01 to 2099-12-31 (Dev Center).
const IMP_DATES: std::ops::RangeInclusive<i64> = 946_684_800..=4_102_444_799;

/// A broken-down UTC time, as C's `struct tm` has it (month 0-based, years from 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CivilTime {
    pub sec: i64,
    pub min: i64,
    pub hour: i64,
    pub day: i64,
    pub month: i64,
    pub year: i64,
    pub wday: i64,
    pub yday: i64,
}

/// Splits seconds since the epoch into calendar fields (proleptic Gregorian).
pub fn civil(t: i64) -> CivilTime {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    // Days to civil date, counting eras of 400 years from 0000-03-01.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 2 } else { mp - 10 };
    let year = yoe + era * 400 + (month < 2) as i64;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const BEFORE: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let yday = BEFORE[month as usize] + day - 1 + (leap && month > 1) as i64;
    CivilTime {
        sec: secs % 60,
        min: secs / 60 % 60,
        hour: secs / 3600,
        day,
        month,
        year,
        wday: (days + 4).rem_euclid(7),
        yday,
    }
}

/// The table `date` returns.
fn date_table(vm: &mut Vm, c: CivilTime) -> Value {
    let table = vm.new_table();
    let fields = [
        ("sec", c.sec),
        ("min", c.min),
        ("hour", c.hour),
        ("day", c.day),
        ("month", c.month),
        ("year", c.year),
        ("wday", c.wday),
        ("yday", c.yday),
    ];
    for (name, v) in fields {
        natives::set(vm, table, name, Value::Int(v));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_time_matches_gmtime() {
        let epoch = CivilTime { sec: 0, min: 0, hour: 0, day: 1, month: 0, year: 1970, wday: 4, yday: 0 };
        assert_eq!(civil(0), epoch);
        // 2024-02-29 12:34:56 UTC, a Thursday, day 59 of a leap year.
        let leap = CivilTime { sec: 56, min: 34, hour: 12, day: 29, month: 1, year: 2024, wday: 4, yday: 59 };
        assert_eq!(civil(1_709_210_096), leap);
        // 1969-12-31 23:59:59, before the epoch.
        assert_eq!(civil(-1).year, 1969);
        assert_eq!((civil(-1).yday, civil(-1).wday), (364, 3));
    }
}
