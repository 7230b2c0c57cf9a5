//! What the device VM, the agent VM and the run loop share: the clock and its queue,
//! the board, the log and the identity. Natives hold it as `Rc<RefCell<Shared>>` and
//! borrow it only between calls into script.

use super::bindings::Saved;
use super::board::Board;
use super::connection::Connection;
use super::http::{HttpClient, HttpRequest, HttpResponse, Incoming};
use super::identity::{Identity, Role};
use super::log::Log;
use super::message::Message;
use super::message::Message as Data;
use super::{Firmware, Stop};
use crate::cloud::{LogKind, SimTime};
use crate::hardware::ambient::{Ambient, Change, UsbDevice};
use crate::hardware::sampler::Filled;
use crate::hardware::script::InputEvent;
use crate::scheduler::{Scheduler, TimerHandle};
use crate::status_led::StatusLed;
use std::cell::RefCell;
use std::collections::HashMap;
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
    /// A UART's receive buffer got data while empty: its `configure` callback is due.
    UartData {
        generation: u32,
        uart: usize,
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
        from: Requester,
    },
    /// The answer to one of this agent's requests, for its `sendasync` callback.
    Response {
        reply: ReplyTo,
        response: HttpResponse,
    },
    /// The cloud moved the device: both sides restart into this code and role.
    Reload(Box<Reload>),
    /// An agent's `sendasync` got no answer in time.
    HttpTimeout {
        generation: u32,
        callback: i64,
    },
    /// The outside world's network goes down or comes back.
    Link {
        up: bool,
    },
    /// A minute after the device lost its link at `since`: impOS gives up retrying.
    GiveUp {
        since: SimTime,
    },
    /// The agent hears that its device connected or disconnected.
    DeviceLink {
        connected: bool,
    },
    /// A one-shot callback waiting in `Kind::Pending` gets its integer answer (a
    /// `server.connect` reason).
    Answer {
        side: Side,
        generation: u32,
        callback: i64,
        value: i64,
    },
    /// `server.connect`'s timeout under `RETURN_ON_ERROR`.
    ConnectTimeout {
        callback: i64,
    },
    /// The sampler filled a buffer: the one due at `due`, or (after `stop()`) this one.
    SamplerBuffer {
        generation: u32,
        filled: Option<Filled>,
        due: SimTime,
    },
    /// A USB device was plugged in (or, `None`, unplugged) while the port was enabled.
    Usb {
        generation: u32,
        device: Option<UsbDevice>,
    },
    /// A background WiFi scan finished.
    WifiScan {
        generation: u32,
    },
    /// The agent's lifetime without its device is over: it stops. `quiet_since`: the
    /// device went offline then (it stops only if the device has not come back since);
    /// `None`: the device left it for good (a group with no agent).
    AgentStops {
        generation: u32,
        quiet_since: Option<SimTime>,
    },
}

impl Event {
    /// The VM an event runs code in, when only one (an idle point may run either).
    pub fn side(&self) -> Option<Side> {
        match self {
            Event::Boot { side, .. } | Event::Timer { side, .. } | Event::Answer { side, .. } => Some(*side),
            Event::Message { to, .. } => Some(*to),
            Event::PinChanged { .. }
            | Event::UartData { .. }
            | Event::BlinkUp(_)
            | Event::Blessed { .. }
            | Event::ConnectTimeout { .. }
            | Event::SamplerBuffer { .. }
            | Event::Usb { .. }
            | Event::WifiScan { .. } => Some(Side::Device),
            Event::Request { .. }
            | Event::Response { .. }
            | Event::HttpTimeout { .. }
            | Event::DeviceLink { .. }
            | Event::AgentStops { .. } => Some(Side::Agent),
            Event::Input(_) | Event::Idle | Event::Reload(_) | Event::Link { .. } | Event::GiveUp { .. } => None,
        }
    }
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

/// Who sent a request to an agent's URL, so its answer goes back there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requester {
    /// Another agent (or this one), through `http.request(...).sendasync`.
    Agent(ReplyTo),
    /// The world outside the simulation (an input script's `http` line): its answer is
    /// logged. The request line, `GET /status`, names it.
    Outside(Rc<str>),
}

/// New firmware and role, as the cloud assigns them.
pub(crate) struct Reload {
    pub device: Firmware,
    /// `None`: the new group gives the device no agent (a blessed unit has none until
    /// an end user activates it); the old agent lives out its lifetime without it.
    pub agent: Option<Firmware>,
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
    Reply { to: Requester, response: HttpResponse },
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
    /// Until when this side's code is busy: `imp.sleep` blocks one side only, so its
    /// events wait until then while the other side's run at their own times.
    pub busy_until: SimTime,
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
    /// The device's link to the server.
    pub connection: Connection,
    /// A native asked the device's Squirrel to stop (deep sleep); the run loop acts on
    /// it when the call into script returns.
    pub stop: Option<Stop>,
    /// The device's `nv` table, kept through deep sleep.
    pub nv: Option<Data>,
    /// The timer that ends the device's deep sleep (a wake-up pin may end it sooner).
    pub sleep_wake: Option<TimerHandle>,
    /// The timeout timers of the agent's `sendasync` requests, by callback id.
    pub http_timeouts: HashMap<i64, TimerHandle>,
    /// What the imp's sensors and radios read (scripted by inputs and tests).
    pub ambient: Ambient,
    /// `imp.setpowersave`.
    pub powersave: bool,
    /// A background `imp.scanwifinetworks` is running.
    pub wifi_scanning: bool,
    /// `hardware.usb.configure` enabled the host port.
    pub usb_enabled: bool,
    /// The agent's `server.save` table.
    pub saved: Option<Saved>,
    /// The device moved to a group that gives it no agent: the agent it had runs on
    /// until its lifetime is over, but hears nothing from the device.
    pub agent_detached: bool,
    /// How long an agent outlives its device: a DUT's (`.0`), any other's (`.1`).
    pub agent_lifetimes: (Duration, Duration),
    /// When the device stopped talking to the server, while it stays away, and the
    /// timer that stops its agent if it stays away for the agent's lifetime.
    pub quiet_since: Option<(SimTime, TimerHandle)>,
    /// The agent stopped while its device was away: it restarts when the device is back.
    pub agent_asleep: bool,
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

    /// The part on a UART sends `bytes` (a configured UART whose buffer was empty
    /// queues its data callback), or the part on an SPI bus queues them to clock back.
    /// Unknown buses are ignored.
    pub fn receive(&mut self, bus: &str, bytes: &[u8]) {
        if let Some(spi) = self.board.spi_bus(bus) {
            return spi.reply(bytes);
        }
        let Some(index) = self.board.uarts.iter().position(|u| u.name() == bus) else { return };
        if self.board.uarts[index].receive(bytes) {
            let generation = self.side(Side::Device).generation;
            self.scheduler.after(0.0, Event::UartData { generation, uart: index });
        }
    }

    /// The surroundings change; a USB device plugged in or out is an event for an
    /// enabled port.
    pub fn change_ambient(&mut self, change: Change) {
        let usb = match &change {
            Change::Usb(device) => Some(device.clone()),
            _ => None,
        };
        self.ambient.apply(change);
        if let Some(device) = usb {
            super::bindings::usb::notify(self, device);
        }
    }

    /// Keeps the scheduler's idle slot armed while an idle point has work to do.
    pub fn rearm_idle(&mut self) {
        let device_ready = !self.device_held();
        let connecting = !self.device_online && self.connection.state == super::connection::State::Connected;
        let needed = (device_ready && (connecting || self.sides[Side::Device.index()].idle))
            || self.sides[Side::Agent.index()].idle;
        self.scheduler.set_idle(needed.then_some(Event::Idle));
    }
}
