//! What the device VM, the agent VM and the run loop share: the clock and its queue,
//! the board, the log and the identity. Natives hold it as `Rc<RefCell<World>>` and
//! borrow it only between calls into script.

use super::board::Board;
use super::identity::{Identity, Role};
use super::log::Log;
use super::message::Message;
use crate::cloud::{LogKind, SimTime};
use crate::hardware::script::InputEvent;
use crate::scheduler::Scheduler;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Device,
    Agent,
}

impl Side {
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn other(self) -> Side {
        match self {
            Side::Device => Side::Agent,
            Side::Agent => Side::Device,
        }
    }

    /// The log kinds of `server.log` and `server.error` on this side.
    pub(crate) fn log_kinds(self) -> (LogKind, LogKind) {
        match self {
            Side::Device => (LogKind::ServerLog, LogKind::ServerError),
            Side::Agent => (LogKind::AgentLog, LogKind::AgentError),
        }
    }
}

/// A queued happening. Events for one VM carry its generation: a restarted VM has a
/// new one, so the old VM's timers and pin callbacks fall away.
pub(crate) enum Event {
    /// Start (or restart) a side's Squirrel with this `hardware.wakereason()`.
    Boot {
        side: Side,
        reason: i32,
    },
    Timer {
        side: Side,
        generation: u32,
        callback: i64,
    },
    /// A configured digital input changed level.
    PinChanged {
        generation: u32,
        pin: usize,
    },
    /// The outside world acts on a pin.
    Input(InputEvent),
    Message {
        to: Side,
        name: String,
        data: Message,
    },
    /// An idle point: the device connects (the first time), then one `onidle` runs.
    Idle,
}

/// Per-VM bookkeeping kept outside the VM.
#[derive(Default)]
pub(crate) struct SideState {
    pub generation: u32,
    pub next_callback: i64,
    /// An `imp.onidle` callback is waiting.
    pub idle: bool,
}

pub(crate) struct World {
    pub scheduler: Scheduler<Event>,
    pub board: Board,
    pub log: Log,
    pub identity: Identity,
    pub role: Role,
    /// Real-time pace: `imp.sleep` waits for the wall clock too.
    pub realtime: bool,
    /// The device has talked to the server since it booted (its configparams are in).
    pub device_online: bool,
    pub wake_reason: i32,
    pub sides: [SideState; 2],
}

impl World {
    pub fn now(&self) -> SimTime {
        self.scheduler.now()
    }

    pub fn log(&mut self, kind: LogKind, message: String) {
        let at = self.now();
        self.log.push(at, kind, message);
    }

    pub fn side(&mut self, side: Side) -> &mut SideState {
        &mut self.sides[side.index()]
    }

    /// A fresh id for a callback kept in a VM's registry.
    pub fn callback_id(&mut self, side: Side) -> i64 {
        let state = self.side(side);
        state.next_callback += 1;
        state.next_callback
    }

    /// Keeps the scheduler's idle slot armed while an idle point has work to do.
    pub fn rearm_idle(&mut self) {
        let needed = !self.device_online || self.sides.iter().any(|s| s.idle);
        self.scheduler.set_idle(needed.then_some(Event::Idle));
    }
}
