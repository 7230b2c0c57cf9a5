//! The device's link to the server, and what the firmware's send policy makes of
//! losing it (`server.setsendtimeoutpolicy`, imp-api.md §2.5).
//!
//! The outside world drops the network for a while (`Imp::schedule_disconnect`); the
//! device code disconnects on purpose (`server.disconnect`), reconnects
//! (`server.connect`) or sleeps. What follows depends on the policy:
//!
//! - `SUSPEND_ON_ERROR` (the default): an unexpected loss suspends Squirrel while impOS
//!   retries for a minute; if the link is back by then, Squirrel carries on (its
//!   timers late); if not, the imp deep-sleeps and retries for a minute every nine
//!   minutes, and Squirrel restarts (`WAKEREASON_TIMER`, `nv` kept) once it connects.
//!   A call that needs the server while disconnected (`server.log`, `agent.send`,
//!   `server.bless`, `server.connect`) blocks the same way.
//! - `RETURN_ON_ERROR`: Squirrel keeps running; such calls return
//!   `SEND_ERROR_NOT_CONNECTED` (a log line is lost); impOS retries for a minute after an
//!   unexpected loss and then calls `server.onunexpecteddisconnect`'s callback; after
//!   that (and after `server.disconnect`) only `server.connect` reconnects.
//!
//! Messages from the agent to a disconnected device are lost. The agent sees the
//! device come and go through `device.isconnected`, `device.onconnect` and
//! `device.ondisconnect`, as the "Device connected/disconnected" status lines say.

use super::shared::{Event, Shared, Side};
use crate::cloud::{LogKind, SimTime};
use std::time::Duration;

/// How long impOS tries to reconnect before it gives up (documented: one minute).
pub const RECONNECT_WINDOW: Duration = Duration::from_secs(60);

/// Under `SUSPEND_ON_ERROR`, how often a disconnected imp wakes from deep sleep to
/// retry (documented: every nine minutes, after its minute of trying).
pub const RETRY_PERIOD: Duration = Duration::from_secs(600);

/// `server.connect` and `server.onunexpecteddisconnect` reasons (documented values).
pub(crate) mod reason {
    pub const NOT_CONNECTED: i64 = 0;
    pub const SERVER_CONNECTED: i64 = 5;
}

/// `server.setsendtimeoutpolicy` reconnect policies; the values are ours.
pub(crate) mod policy {
    pub const SUSPEND_ON_ERROR: i64 = 0;
    pub const RETURN_ON_ERROR: i64 = 1;
    pub const RETURN_ON_ERROR_NO_DISCONNECT: i64 = 2;
}

/// Send error codes (documented values).
pub(crate) mod send_error {
    pub const NOT_CONNECTED: i64 = 1;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    Connected,
    /// The network dropped under the device at `since`; impOS is retrying.
    Lost {
        since: SimTime,
    },
    /// Disconnected on purpose, or impOS gave up: only code reconnects.
    Off,
    /// In deep sleep: the network interface is off.
    Asleep,
}

/// A `server.connect` callback waiting under `RETURN_ON_ERROR`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PendingConnect {
    pub generation: u32,
    pub callback: i64,
    pub deadline: SimTime,
}

/// What a call that needs the server gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    Connected,
    /// `RETURN_ON_ERROR` and no connection: the call fails with a send error.
    NotConnected,
    /// `SUSPEND_ON_ERROR` and no link within the minute: Squirrel stops, the imp
    /// sleeps until it can connect.
    Stopped,
}

pub(crate) struct Connection {
    pub state: State,
    /// `RETURN_ON_ERROR` (or its no-disconnect variant) is in force.
    pub returns_on_error: bool,
    /// Network outages from the outside world: down from `.0` until `.1`.
    outages: Vec<(SimTime, SimTime)>,
    pub pending_connect: Option<PendingConnect>,
    /// Squirrel is suspended while impOS reconnects: the device's events wait here.
    pub held: Option<Vec<Event>>,
}

impl Default for Connection {
    fn default() -> Connection {
        Connection {
            state: State::Connected,
            returns_on_error: false,
            outages: Vec::new(),
            pending_connect: None,
            held: None,
        }
    }
}

impl Connection {
    pub fn add_outage(&mut self, from: SimTime, until: SimTime) {
        self.outages.push((from, until));
    }

    pub fn link_up(&self, at: SimTime) -> bool {
        !self.outages.iter().any(|&(from, until)| from <= at && at < until)
    }

    /// The first moment at or after `at` when the network is up.
    pub fn link_up_from(&self, mut at: SimTime) -> SimTime {
        while let Some(&(_, until)) = self.outages.iter().find(|&&(from, until)| from <= at && at < until) {
            at = until;
        }
        at
    }

    /// Under `SUSPEND_ON_ERROR`, trying from `from`: when the imp connects. Either
    /// within its first minute (`Ok`, Squirrel waits) or in one of the minutes it
    /// wakes for every nine minutes of deep sleep (`Err`, Squirrel restarts then).
    pub fn suspended_reconnect(&self, from: SimTime) -> Result<SimTime, SimTime> {
        let mut attempt = from;
        loop {
            let up = self.link_up_from(attempt);
            if up <= attempt + RECONNECT_WINDOW {
                return if attempt == from { Ok(up) } else { Err(up) };
            }
            attempt += RETRY_PERIOD;
        }
    }
}

impl Shared {
    /// Whether the device's Squirrel is suspended while impOS reconnects.
    pub fn device_held(&self) -> bool {
        self.connection.held.is_some()
    }

    /// `device.isconnected()` on the agent.
    pub fn device_visible(&self) -> bool {
        self.connection.state == State::Connected && !self.agent_detached
    }

    /// A call that needs the server (`server.log`, `agent.send`, `server.bless`...):
    /// reconnects first when the policy says so, blocking Squirrel while it does.
    pub fn reach_server(&mut self) -> Reach {
        if self.connection.state == State::Connected {
            return Reach::Connected;
        }
        if self.connection.returns_on_error || self.connection.state == State::Asleep {
            return Reach::NotConnected;
        }
        match self.connection.suspended_reconnect(self.now()) {
            Ok(at) => {
                self.scheduler.advance_to(at);
                self.connected();
                Reach::Connected
            }
            Err(at) => {
                self.stop = Some(super::Stop::Sleep { wake_at: at, reason: super::wake::TIMER });
                Reach::Stopped
            }
        }
    }

    /// The device holds a connection again.
    pub fn connected(&mut self) {
        if self.connection.state == State::Connected {
            return;
        }
        self.connection.state = State::Connected;
        self.came_back();
        if self.device_online {
            self.announce(true);
        }
        self.release_held();
        self.rearm_idle();
    }

    /// How long the agent outlives its device: 24 h for a DUT's factory agent, 30 days
    /// for any other ("Agents have a 30-day lifespan when their device is offline").
    pub fn agent_lifetime(&self) -> Duration {
        match self.role {
            super::identity::Role::Dut { .. } => self.agent_lifetimes.0,
            _ => self.agent_lifetimes.1,
        }
    }

    /// The device stops talking to the server (lost, disconnected, asleep): its agent
    /// stops if the device stays away for the agent's lifetime.
    fn went_quiet(&mut self) {
        if self.quiet_since.is_some() {
            return;
        }
        let now = self.now();
        let generation = self.sides[Side::Agent.index()].generation;
        let at = now + self.agent_lifetime();
        let timer = self.scheduler.at(at, Event::AgentStops { generation, quiet_since: Some(now) });
        self.quiet_since = Some((now, timer));
    }

    /// The device talks to the server again: an agent that stopped meanwhile restarts
    /// (at the same URL, its `server.save` data kept).
    pub fn came_back(&mut self) {
        if let Some((_, timer)) = self.quiet_since.take() {
            self.scheduler.cancel(timer);
        }
        if std::mem::take(&mut self.agent_asleep) {
            let generation = self.sides[Side::Agent.index()].generation;
            let reason = super::wake::POWER_ON;
            self.scheduler.after(0.0, Event::Boot { side: Side::Agent, generation, reason });
        }
    }

    /// The device lost (or dropped) its connection: `unexpected` when the network
    /// dropped under it.
    pub fn disconnected(&mut self, unexpected: bool) {
        if self.connection.state != State::Connected {
            return;
        }
        let now = self.now();
        self.connection.state = if unexpected { State::Lost { since: now } } else { State::Off };
        self.went_quiet();
        if self.device_online {
            self.announce(false);
        }
        if unexpected {
            if !self.connection.returns_on_error {
                self.connection.held = Some(Vec::new());
            }
            self.scheduler.at(now + RECONNECT_WINDOW, Event::GiveUp { since: now });
        }
        self.rearm_idle();
    }

    /// The status line impCentral shows, and the agent's `device.onconnect` or
    /// `device.ondisconnect`.
    pub fn announce(&mut self, connected: bool) {
        let text = if connected { "Device connected" } else { "Device disconnected" };
        self.log(LogKind::Status, text.into());
        self.scheduler.after(0.0, Event::DeviceLink { connected });
    }

    /// Squirrel resumes: the device's events that waited run now, in their order.
    pub fn release_held(&mut self) {
        for event in self.connection.held.take().unwrap_or_default() {
            self.scheduler.after(0.0, event);
        }
    }

    /// An event for the device while Squirrel is suspended waits; others pass.
    pub fn hold(&mut self, event: Event) -> Option<Event> {
        match (&mut self.connection.held, event.side()) {
            (Some(held), Some(Side::Device)) => {
                held.push(event);
                None
            }
            _ => Some(event),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> SimTime {
        Duration::from_secs(s)
    }

    #[test]
    fn the_link_is_up_outside_outages_even_when_they_chain() {
        let mut c = Connection::default();
        c.add_outage(secs(10), secs(20));
        c.add_outage(secs(20), secs(30));
        assert!(c.link_up(secs(9)) && !c.link_up(secs(10)) && !c.link_up(secs(25)) && c.link_up(secs(30)));
        assert_eq!(c.link_up_from(secs(12)), secs(30));
        assert_eq!(c.link_up_from(secs(40)), secs(40));
    }

    #[test]
    fn suspended_reconnects_wait_a_minute_then_retry_every_nine_minutes() {
        let mut c = Connection::default();
        c.add_outage(secs(0), secs(50));
        assert_eq!(c.suspended_reconnect(secs(0)), Ok(secs(50)));
        let mut c = Connection::default();
        c.add_outage(secs(0), secs(1000));
        // Tries 0–60, 600–660, 1200–1260: connects as the third minute starts.
        assert_eq!(c.suspended_reconnect(secs(0)), Err(secs(1200)));
        let mut c = Connection::default();
        c.add_outage(secs(0), secs(630));
        assert_eq!(c.suspended_reconnect(secs(0)), Err(secs(630)));
    }
}
