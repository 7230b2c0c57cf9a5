//! What the device VM, the agent VM and the run loop share: the clock and its queue,
//! the board, the log and the identity. Natives hold it as `Rc<RefCell<Shared>>` and
//! borrow it only between calls into script.

use super::board::Board;
use super::identity::{Identity, Role};
use super::log::Log;
use super::http::{HttpClient, HttpRequest, HttpResponse, Incoming};
use super::message::Message;
use super::Firmware;
use crate::status_led::StatusLed;
use crate::cloud::{LogKind, SimTime};
use crate::hardware::script::InputEvent;
use crate::scheduler::Scheduler;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

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
        generation: u32,
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
    /// The fixture's enrolment token arrived: the BlinkUp LED flashes, Squirrel waits.
    BlinkUp(BlinkUp),
    /// The cloud answered the device's `server.bless`.
    Blessed {
        generation: u32,
        callback: i64,
        blessed: bool,
    },
    /// A request to this imp's agent URL, for `http.onrequest`.
    Request {
        incoming: Incoming,
        reply: ReplyTo,
    },
    /// The answer to one of this agent's requests, for its `sendasync` callback.
    Response {
        reply: ReplyTo,
        response: HttpResponse,
    },
    /// The cloud moved the device: both sides restart into this code and role.
    Reload(Box<Reload>),
}

/// A factory BlinkUp: what it carries, on which pin, how it flashes.
#[derive(Clone, Debug)]
pub(crate) struct BlinkUp {
    /// The WiFi network the DUT will join (its password is not kept: the imp cannot
    /// read a stored password back either).
    pub ssid: String,
    pub pin: usize,
    pub flags: i64,
    /// The single-use enrolment token, once the cloud has issued it.
    pub token: Option<String>,
}

/// Where an HTTP answer goes: the requesting imp (its index in a world) and the agent's
/// `sendasync` callback there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplyTo {
    pub imp: usize,
    pub generation: u32,
    pub callback: i64,
}

/// New firmware and role, as the cloud assigns them.
pub(crate) struct Reload {
    pub device: Firmware,
    pub agent: Firmware,
    pub role: Role,
    pub reason: i32,
}

/// What an imp asks of the world around it (the cloud, other imps, the network); the
/// run loop handles these after each event, outside any script call.
pub(crate) enum Outgoing {
    /// `server.factoryblinkup`: fetch an enrolment token, then flash.
    TokenRequest(BlinkUp),
    /// The BlinkUp flashed from `started` to now; the unit in front of the fixture
    /// may enrol with it.
    BlinkUpSent { blinkup: BlinkUp, started: SimTime },
    /// `server.bless(passed, callback)`.
    Bless { passed: bool, generation: u32, callback: i64 },
    /// An agent's `sendasync`.
    Http { request: HttpRequest, generation: u32, callback: i64 },
    /// An agent's `response.send` to a request routed to it.
    Reply { to: ReplyTo, response: HttpResponse },
}

/// The network and factory settings firmware stored (`imp.setwificonfiguration`,
/// `imp.setenroltokens`, `imp.enableblinkup`, `imp.clearconfiguration`), for tests to
/// check what a unit ships with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkConfig {
    pub wifi_ssid: Option<String>,
    /// (plan ID, enrolment token).
    pub enrol_tokens: Option<(String, String)>,
    pub blinkup_enabled: Option<bool>,
    /// The `CONFIG_*` actions of each `imp.clearconfiguration` call, in order: they take
    /// effect at the next connection, so the unit ships unconfigured.
    pub cleared: Vec<i64>,
}

/// Per-VM bookkeeping kept outside the VM.
#[derive(Default)]
pub(crate) struct SideState {
    pub generation: u32,
    pub next_callback: i64,
    /// An `imp.onidle` callback is waiting.
    pub idle: bool,
}

pub(crate) struct Shared {
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
    pub outbox: Vec<Outgoing>,
    pub status_led: StatusLed,
    pub network: NetworkConfig,
    pub http_client: Rc<RefCell<dyn HttpClient>>,
    /// How long a factory BlinkUp flashes (and blocks the fixture's Squirrel).
    pub blinkup_duration: Duration,
}

impl Shared {
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
