//! The imp's event queue on a virtual clock.
//!
//! An imp runs one piece of Squirrel to completion, then the next queued event: due
//! timers in the order they fell due (equal times in the order they were set, so many
//! `imp.wakeup(0, ...)` calls run first-in first-out, as Promise libraries need), then
//! the single `imp.onidle` callback when nothing else is due, then — when idle — the
//! clock jumps to the next timer. Virtual time makes a 300 s scenario take milliseconds
//! and every run identical; `Pace::Realtime` waits for the wall clock instead.
//!
//! The queue is generic over what an event is, so it knows nothing of the VM.

use crate::cloud::SimTime;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::{Duration, Instant};

/// Timers are kept to 0.01 s, as on the imp.
pub const RESOLUTION: Duration = Duration::from_millis(10);

/// The longest `imp.wakeup` interval the imp accepts, in seconds.
pub const MAX_WAKEUP_SECONDS: f64 = 10_737_418.0;

/// Identifies a timer for `cancel`; never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimerHandle(u64);

/// How the clock advances when the imp is idle.
#[derive(Clone, Copy, Debug)]
pub enum Pace {
    /// Jump straight to the next timer.
    Virtual,
    /// Sleep until the wall clock reaches the next timer (time 0 is `started`).
    Realtime { started: Instant },
}

/// What to run next.
#[derive(Debug, PartialEq, Eq)]
pub enum Next<E> {
    /// A timer or other queued event, now due.
    Event(E),
    /// The `onidle` callback: nothing else was due.
    Idle(E),
    /// Nothing is queued at all: the imp sleeps forever.
    Finished,
    /// The next event lies beyond the limit given to `next`; the clock stopped there.
    LimitReached,
}

pub struct Scheduler<E> {
    now: SimTime,
    /// When the event `next` returned last fell due.
    due: SimTime,
    pace: Pace,
    /// (due time, sequence): the sequence keeps equal times first-in first-out.
    queue: BinaryHeap<Reverse<(SimTime, u64)>>,
    events: HashMap<u64, E>,
    next_sequence: u64,
    idle: Option<E>,
}

impl<E> Scheduler<E> {
    pub fn new(pace: Pace) -> Scheduler<E> {
        Scheduler {
            now: Duration::ZERO,
            due: Duration::ZERO,
            pace,
            queue: BinaryHeap::new(),
            events: HashMap::new(),
            next_sequence: 0,
            idle: None,
        }
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Moves the clock forward while code runs (`imp.sleep`, a BlinkUp that blocks
    /// Squirrel); never backwards.
    pub fn advance_to(&mut self, at: SimTime) {
        self.now = self.now.max(at);
    }

    /// When the event `next` returned last fell due: earlier than `now` when code ran
    /// past it (`imp.sleep`).
    pub fn due(&self) -> SimTime {
        self.due
    }

    /// Sets the clock for the event about to run, backwards too: an event of one side
    /// that fell due while the other side's code slept runs at its own time, as on an
    /// imp, where device and agent run apart.
    pub fn run_at(&mut self, at: SimTime) {
        self.now = at;
    }

    /// `imp.wakeup(seconds, ...)`: due after `seconds`, kept to the timer resolution
    /// (a positive interval shorter than 0.01 s becomes 0.01 s; 0 stays 0).
    pub fn after(&mut self, seconds: f64, event: E) -> TimerHandle {
        let seconds = if seconds.is_finite() { seconds.clamp(0.0, MAX_WAKEUP_SECONDS) } else { 0.0 };
        let ticks = (seconds / RESOLUTION.as_secs_f64() - 1e-9).ceil().max(0.0) as u64;
        let at = self.now + RESOLUTION * ticks as u32;
        self.at(at, event)
    }

    /// An event due at `at` (an event in the past is due now).
    pub fn at(&mut self, at: SimTime, event: E) -> TimerHandle {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.queue.push(Reverse((at.max(self.now), sequence)));
        self.events.insert(sequence, event);
        TimerHandle(sequence)
    }

    /// `imp.cancelwakeup`: false when the timer already ran or was cancelled.
    pub fn cancel(&mut self, handle: TimerHandle) -> bool {
        self.events.remove(&handle.0).is_some()
    }

    /// `imp.onidle`: one slot; a new callback replaces the old, `None` clears it.
    pub fn set_idle(&mut self, event: Option<E>) {
        self.idle = event;
    }

    /// Whether anything is left to run.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.idle.is_none()
    }

    /// When the next thing would run (now, if something is due or the idle slot is
    /// armed), without running it: a world of imps picks the earliest.
    pub fn next_time(&mut self) -> Option<SimTime> {
        if self.idle.is_some() {
            return Some(self.now);
        }
        self.next_due_time().map(|at| at.max(self.now))
    }

    /// The next thing to run, advancing the clock when nothing is due; the clock never
    /// passes `limit`.
    pub fn next(&mut self, limit: Option<SimTime>) -> Next<E> {
        if let Some(event) = self.pop_due() {
            return Next::Event(event);
        }
        if let Some(event) = self.idle.take() {
            return Next::Idle(event);
        }
        let Some(at) = self.next_due_time() else {
            return Next::Finished;
        };
        if limit.is_some_and(|limit| at > limit) {
            self.now = self.now.max(limit.unwrap_or(at));
            return Next::LimitReached;
        }
        if let Pace::Realtime { started } = self.pace {
            if let Some(wait) = at.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        self.now = at;
        self.pop_due().map_or(Next::Finished, Next::Event)
    }

    /// The earliest live timer's time, dropping cancelled ones from the heap.
    fn next_due_time(&mut self) -> Option<SimTime> {
        while let Some(&Reverse((at, sequence))) = self.queue.peek() {
            if self.events.contains_key(&sequence) {
                return Some(at);
            }
            self.queue.pop();
        }
        None
    }

    fn pop_due(&mut self) -> Option<E> {
        while let Some(at) = self.next_due_time() {
            if at > self.now {
                return None;
            }
            let Reverse((at, sequence)) = self.queue.pop()?;
            if let Some(event) = self.events.remove(&sequence) {
                self.due = at;
                return Some(event);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn virtual_clock() -> Scheduler<&'static str> {
        Scheduler::new(Pace::Virtual)
    }

    fn drain(s: &mut Scheduler<&'static str>) -> Vec<(u128, String)> {
        let mut ran = Vec::new();
        loop {
            match s.next(None) {
                Next::Event(e) => ran.push((s.now().as_millis(), e.to_string())),
                Next::Idle(e) => ran.push((s.now().as_millis(), format!("idle:{e}"))),
                Next::Finished | Next::LimitReached => return ran,
            }
        }
    }

    #[test]
    fn many_zero_delay_timers_run_first_in_first_out() {
        let mut s = Scheduler::new(Pace::Virtual);
        for i in 0..1000 {
            s.after(0.0, i);
        }
        let order: Vec<i32> = std::iter::from_fn(|| match s.next(None) {
            Next::Event(i) => Some(i),
            _ => None,
        })
        .collect();
        assert_eq!(order, (0..1000).collect::<Vec<_>>());
        assert_eq!(s.now(), Duration::ZERO);
    }

    #[test]
    fn timers_run_in_time_order_and_the_clock_jumps() {
        let mut s = virtual_clock();
        s.after(300.0, "five minutes");
        s.after(0.5, "half");
        s.after(0.5, "half again");
        s.after(0.001, "rounded up to 10 ms");
        let started = Instant::now();
        assert_eq!(
            drain(&mut s),
            vec![
                (10, "rounded up to 10 ms".into()),
                (500, "half".into()),
                (500, "half again".into()),
                (300_000, "five minutes".into()),
            ]
        );
        assert!(started.elapsed() < Duration::from_secs(1), "virtual time does not wait");
    }

    #[test]
    fn idle_runs_once_after_due_events_and_before_the_clock_moves() {
        let mut s = virtual_clock();
        s.after(1.0, "later");
        s.after(0.0, "now");
        s.set_idle(Some("first"));
        s.set_idle(Some("replaced"));
        assert_eq!(drain(&mut s), vec![(0, "now".into()), (0, "idle:replaced".into()), (1000, "later".into())]);
        s.set_idle(Some("cleared"));
        s.set_idle(None);
        assert!(s.is_empty());
    }

    #[test]
    fn cancelled_timers_never_run() {
        let mut s = virtual_clock();
        let a = s.after(1.0, "cancelled");
        s.after(2.0, "kept");
        assert!(s.cancel(a));
        assert!(!s.cancel(a), "cancelling twice is a no-op");
        assert_eq!(drain(&mut s), vec![(2000, "kept".into())]);
    }

    #[test]
    fn a_limit_stops_the_clock_there() {
        let mut s = virtual_clock();
        s.after(10.0, "in ten");
        s.after(120.0, "in two minutes");
        assert_eq!(s.next(Some(Duration::from_secs(60))), Next::Event("in ten"));
        assert_eq!(s.next(Some(Duration::from_secs(60))), Next::LimitReached);
        assert_eq!(s.now(), Duration::from_secs(60));
        assert_eq!(s.next(None), Next::Event("in two minutes"));
    }

    #[test]
    fn odd_intervals_are_clamped() {
        let mut s = virtual_clock();
        s.after(f64::NAN, "nan");
        s.after(-5.0, "negative");
        s.after(1e12, "too far");
        assert_eq!(
            drain(&mut s),
            vec![(0, "nan".into()), (0, "negative".into()), (MAX_WAKEUP_SECONDS as u128 * 1000, "too far".into())]
        );
    }

    #[test]
    fn realtime_pace_waits_for_the_wall_clock() {
        let mut s = Scheduler::new(Pace::Realtime { started: Instant::now() });
        s.after(0.05, "tick");
        let started = Instant::now();
        assert_eq!(s.next(None), Next::Event("tick"));
        assert!(started.elapsed() >= Duration::from_millis(45));
    }
}
