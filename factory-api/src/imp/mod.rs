//! One imp: a device VM and an agent VM on one virtual clock, with a board, an
//! identity and one log stream.
//!
//! Code runs to completion, then queued events run one at a time: timers, pin edges,
//! messages between device and agent, scripted inputs, idle points. A callback never
//! interrupts running code. An uncaught error is logged with its call stack; on the
//! agent the VM keeps running, on the device Squirrel restarts (a fresh VM after
//! `RESTART_DELAY`, with `hardware.wakereason()` = `WAKEREASON_SQUIRREL_ERROR`), and
//! the old VM's pending timers and handlers die with it. An event that runs more than
//! its instruction budget (`ImpConfig::instruction_budget`) is stopped as such an error.
//!
//! The device's `imp.configparams` is empty at boot and filled at the first idle point,
//! when the simulated device has talked to the server (imp-api.md §1.6). Its link to
//! the server can drop (`Imp::schedule_disconnect`, `server.disconnect`; see
//! `connection`), and it can deep-sleep: Squirrel stops, `nv` is kept, and Squirrel
//! restarts at the wake time or when a wake-up pin rises.

mod bindings;
pub mod board;
mod callbacks;
pub mod clock;
mod connection;
pub mod http;
pub mod identity;
pub(crate) mod json;
pub mod log;
pub mod message;
mod shared;

pub(crate) use bindings::constants::wake;
pub use connection::{RECONNECT_WINDOW, RETRY_PERIOD};
pub(crate) use shared::{BlinkUp, Event, Outgoing, Reload};
pub use shared::{NetworkConfig, ReplyTo, Side};

use bindings::constants::factory::{BLINKUP_ACTIVEHIGH, BLINKUP_FAST};
use bindings::Ctx;
use board::Board;
use callbacks::Kind;
use connection::State;
use http::{HttpClient, HttpResponse, Incoming, NoHttp};
use identity::{config_params, Identity, Role};
use log::{LogLine, LogSink};
use message::Message;
use shared::{Shared, SideState};

use crate::cloud::{LogKind, SimTime};
use crate::hardware::pin::{Drive, PinMode};
use crate::hardware::script::{Action, InputEvent};
use crate::scheduler::{Next, Pace, Scheduler};
use crate::status_led::StatusLed;
use impish_vm::{Error, Profile, Value, Vm};
use std::cell::{Ref, RefCell, RefMut};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

/// How long the device stays down after an uncaught error before Squirrel restarts.
/// Ours: the imp's own delay is undocumented; a delay keeps a firmware that fails at
/// boot from restarting in a tight loop.
pub const RESTART_DELAY: Duration = Duration::from_secs(1);

/// How much Squirrel one event (a callback, or the boot run) may execute before it is
/// stopped as runaway code, unless `ImpConfig::instruction_budget` says otherwise.
/// Ours: the imp's watchdog is undocumented; this is some seconds of a fast host's
/// time, far beyond anything an event-driven imp callback needs.
pub const DEFAULT_INSTRUCTION_BUDGET: u64 = 500_000_000;

/// How long a factory BlinkUp flashes unless the world says otherwise. Ours: the real
/// time is undocumented; samples throttle repeat BlinkUps for 5–10 s.
pub const BLINKUP_DURATION: Duration = Duration::from_secs(4);

/// BlinkUp bit rates: one LED level per bit.
const BLINKUP_HZ: f64 = 60.0;
const BLINKUP_FAST_HZ: f64 = 142.0;

/// Why the device's Squirrel stops short of an error (a native sets it; the run loop
/// acts on it when the call into script returns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// Deep sleep until `wake_at`, then restart with this `hardware.wakereason()`.
    Sleep { wake_at: SimTime, reason: i32 },
}

/// A source file and the name its errors and call stacks use.
#[derive(Clone, Debug)]
pub struct Firmware {
    pub name: String,
    pub source: String,
}

pub struct ImpConfig {
    pub device: Firmware,
    pub agent: Option<Firmware>,
    pub identity: Identity,
    pub role: Role,
    pub pace: Pace,
    /// Runs on every fresh VM (at boot and at each Squirrel restart) after the imp API
    /// is installed and before the firmware is compiled: for extra globals (test
    /// frameworks) and for metering (profiles, memory limits).
    pub setup_vm: Option<VmSetup>,
    /// How many instructions one event may run before it is stopped with an error
    /// (as an uncaught error: logged, and the device restarts); `None`: no limit.
    pub instruction_budget: Option<u64>,
}

/// See [`ImpConfig::setup_vm`].
pub type VmSetup = Rc<dyn Fn(Side, &mut Vm)>;

impl ImpConfig {
    /// A plain imp005 with the default identity, on virtual time, with no agent code.
    pub fn new(device: Firmware) -> ImpConfig {
        ImpConfig {
            device,
            agent: None,
            identity: Identity::default(),
            role: Role::Plain,
            pace: Pace::Virtual,
            setup_vm: None,
            instruction_budget: Some(DEFAULT_INSTRUCTION_BUDGET),
        }
    }
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing is left to run: no timers, no handlers with anything to handle.
    Finished,
    /// The clock reached the limit.
    LimitReached,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("the input script drives {0}, which this {1} does not have")]
pub struct UnknownPin(pub String, pub &'static str);

/// A side's VM, and its main function until the boot event runs it.
struct Running {
    vm: Vm,
    main: Option<Value>,
}

pub struct Imp {
    shared: Rc<RefCell<Shared>>,
    firmware: [Option<Firmware>; 2],
    setup_vm: Option<VmSetup>,
    running: [Option<Running>; 2],
    uncaught: usize,
    instruction_budget: Option<u64>,
}

impl Imp {
    /// Compiles the device and agent code (a compile error is returned at once) and
    /// queues their boot at time zero: the agent first, as it is already up in the cloud.
    pub fn new(config: ImpConfig) -> Result<Imp, Error> {
        let shared = Shared {
            scheduler: Scheduler::new(config.pace),
            board: Board::new(config.identity.imp_type),
            log: log::Log::default(),
            identity: config.identity,
            role: config.role,
            realtime: matches!(config.pace, Pace::Realtime { .. }),
            device_online: false,
            wake_reason: wake::POWER_ON,
            sides: [SideState::default(), SideState::default()],
            outbox: Vec::new(),
            status_led: StatusLed::new(),
            network: NetworkConfig::default(),
            http_client: Rc::new(RefCell::new(NoHttp)),
            blinkup_duration: BLINKUP_DURATION,
            connection: connection::Connection::default(),
            stop: None,
            nv: None,
            sleep_wake: None,
            http_timeouts: HashMap::new(),
        };
        let mut imp = Imp {
            shared: Rc::new(RefCell::new(shared)),
            firmware: [Some(config.device), config.agent],
            setup_vm: config.setup_vm,
            running: [None, None],
            uncaught: 0,
            instruction_budget: config.instruction_budget,
        };
        for side in [Side::Agent, Side::Device] {
            if imp.firmware[side.index()].is_some() {
                imp.running[side.index()] = Some(imp.start(side)?);
                imp.shared
                    .borrow_mut()
                    .scheduler
                    .after(0.0, Event::Boot { side, generation: 0, reason: wake::POWER_ON });
            }
        }
        imp.shared.borrow_mut().rearm_idle();
        Ok(imp)
    }

    /// Sends every log line to `sink` as it is logged (the sink runs while the imp's
    /// state is borrowed, so it must not call back into this imp).
    pub fn set_log_sink(&mut self, sink: LogSink) {
        self.shared.borrow_mut().log.set_sink(sink);
    }

    /// Queues an outside action on a pin at its time.
    pub fn schedule_input(&mut self, input: InputEvent) -> Result<(), UnknownPin> {
        if let Action::Disconnect(duration) = input.action {
            self.schedule_disconnect(input.at, duration);
            return Ok(());
        }
        let mut shared = self.shared.borrow_mut();
        let known = match input.action {
            Action::Receive(_) => shared.board.uart(&input.pin).is_some(),
            Action::Drive(_) | Action::Stick(_) | Action::Disconnect(_) => shared.board.pin(&input.pin).is_some(),
        };
        if !known {
            return Err(UnknownPin(input.pin, shared.identity.imp_type.name()));
        }
        shared.scheduler.at(input.at, Event::Input(input));
        Ok(())
    }

    /// The device's network goes down at `at` and comes back `duration` later. What
    /// the device does meanwhile follows its send policy (see `server.setsendtimeoutpolicy`):
    /// by default Squirrel is suspended while impOS retries for a minute, then the imp
    /// deep-sleeps and retries every nine minutes. The agent sees "Device disconnected"
    /// and "Device connected" (and its `device.ondisconnect`/`onconnect` callbacks).
    pub fn schedule_disconnect(&mut self, at: SimTime, duration: Duration) {
        let mut shared = self.shared.borrow_mut();
        shared.connection.add_outage(at, at + duration);
        shared.scheduler.at(at, Event::Link { up: false });
        shared.scheduler.at(at + duration, Event::Link { up: true });
    }

    /// Whether the device holds a connection to the server now.
    pub fn device_connected(&self) -> bool {
        self.shared.borrow().connection.state == State::Connected
    }

    /// Runs events until nothing is left or the clock reaches `limit`. Alone, an imp
    /// has no cloud (factory calls are refused) and answers only requests to its own
    /// agent URL; `crate::world::World` runs imps together with a cloud.
    pub fn run_until(&mut self, limit: Option<SimTime>) -> Outcome {
        loop {
            if let Some(outcome) = self.step(limit) {
                return outcome;
            }
            crate::world::serve_alone(self);
        }
    }

    /// Runs the next event, unless nothing is left or it lies beyond `limit`.
    pub(crate) fn step(&mut self, limit: Option<SimTime>) -> Option<Outcome> {
        let next = self.shared.borrow_mut().scheduler.next(limit);
        match next {
            Next::Event(event) | Next::Idle(event) => self.dispatch(event),
            Next::Finished => return Some(Outcome::Finished),
            Next::LimitReached => return Some(Outcome::LimitReached),
        }
        None
    }

    /// When this imp's next event is due.
    pub(crate) fn next_time(&mut self) -> Option<SimTime> {
        self.shared.borrow_mut().scheduler.next_time()
    }

    /// Queues `event` at `at`, first bringing this imp's clock up to the world's `now`
    /// (a world runs the earliest event of all imps, so nothing of this imp is due
    /// before it).
    pub(crate) fn post(&mut self, now: SimTime, at: SimTime, event: Event) {
        let mut shared = self.shared.borrow_mut();
        shared.scheduler.advance_to(now);
        shared.scheduler.at(at, event);
    }

    /// Brings the clock up to `at` (a world stops all imps at its limit).
    pub(crate) fn advance_to(&mut self, at: SimTime) {
        self.shared.borrow_mut().scheduler.advance_to(at);
    }

    /// What the imp asked of the world since the last call.
    pub(crate) fn take_outbox(&mut self) -> Vec<Outgoing> {
        std::mem::take(&mut self.shared.borrow_mut().outbox)
    }

    /// A line in this imp's log, now.
    pub(crate) fn log_line(&mut self, kind: LogKind, message: String) {
        self.shared.borrow_mut().log(kind, message);
    }

    pub fn identity(&self) -> Ref<'_, Identity> {
        Ref::map(self.shared.borrow(), |w| &w.identity)
    }

    /// The status LED's colours over time (what a DUT shows on the line).
    pub fn status_led(&self) -> Ref<'_, StatusLed> {
        Ref::map(self.shared.borrow(), |w| &w.status_led)
    }

    pub(crate) fn status_led_mut(&mut self) -> RefMut<'_, StatusLed> {
        RefMut::map(self.shared.borrow_mut(), |w| &mut w.status_led)
    }

    /// The network and factory settings the firmware stored.
    pub fn network(&self) -> Ref<'_, NetworkConfig> {
        Ref::map(self.shared.borrow(), |w| &w.network)
    }

    pub(crate) fn network_mut(&mut self) -> RefMut<'_, NetworkConfig> {
        RefMut::map(self.shared.borrow_mut(), |w| &mut w.network)
    }

    /// Where requests to URLs outside the simulation go (by default nowhere).
    pub fn set_http_client(&mut self, client: Rc<RefCell<dyn HttpClient>>) {
        self.shared.borrow_mut().http_client = client;
    }

    pub(crate) fn http_client(&self) -> Rc<RefCell<dyn HttpClient>> {
        self.shared.borrow().http_client.clone()
    }

    /// How long a factory BlinkUp from this imp flashes.
    pub fn set_blinkup_duration(&mut self, duration: Duration) {
        self.shared.borrow_mut().blinkup_duration = duration;
    }

    /// Runs for `duration` of virtual time from now.
    pub fn run_for(&mut self, duration: Duration) -> Outcome {
        let limit = self.now() + duration;
        self.run_until(Some(limit))
    }

    pub fn now(&self) -> SimTime {
        self.shared.borrow().now()
    }

    pub fn log(&self) -> Ref<'_, [LogLine]> {
        Ref::map(self.shared.borrow(), |w| w.log.lines())
    }

    pub fn board(&self) -> Ref<'_, Board> {
        Ref::map(self.shared.borrow(), |w| &w.board)
    }

    /// The board, to attach bus devices or fault parts before (or between) runs.
    pub fn board_mut(&mut self) -> RefMut<'_, Board> {
        RefMut::map(self.shared.borrow_mut(), |w| &mut w.board)
    }

    /// The board and clock for natives that act on the hardware while scripts run.
    pub fn board_handle(&self) -> BoardHandle {
        BoardHandle(self.shared.clone())
    }

    /// Each running side's VM costs since its last (re)start.
    pub fn vm_stats(&self, top: usize) -> Vec<(Side, impish_vm::VmStats)> {
        [Side::Device, Side::Agent]
            .into_iter()
            .filter_map(|side| self.running[side.index()].as_ref().map(|r| (side, r.vm.stats(top))))
            .collect()
    }

    /// How many uncaught errors the device and agent have had.
    pub fn uncaught_errors(&self) -> usize {
        self.uncaught
    }

    /// A fresh VM for `side` with the standard library and the imp API, and its
    /// compiled (pinned) main function.
    fn start(&self, side: Side) -> Result<Running, Error> {
        let firmware = self.firmware[side.index()]
            .clone()
            .unwrap_or_else(|| Firmware { name: "agent_code".into(), source: String::new() });
        let mut vm = Vm::new(Profile::Imp);
        impish_stdlib::register_with_time(&mut vm, Rc::new(clock::VirtualTime(self.shared.clone())));
        bindings::install(&mut vm, &Ctx { shared: self.shared.clone(), side });
        if let Some(setup) = &self.setup_vm {
            setup(side, &mut vm);
        }
        let main = vm.compile(&firmware.source, &firmware.name)?;
        vm.pin(main);
        Ok(Running { vm, main: Some(main) })
    }

    /// Calls the device's handler for a pin or a UART, registered under its name.
    fn call_device_handler(&mut self, kind: Kind, name: &str) {
        let handler = self.with_vm(Side::Device, |vm| {
            let key = vm.string(name);
            callbacks::get(vm, kind, key)
        });
        if let Some(f) = handler.flatten() {
            self.call(Side::Device, f, &[]);
        }
    }

    fn dispatch(&mut self, event: Event) {
        // Messages to a disconnected device are lost, not held for later.
        if matches!(event, Event::Message { to: Side::Device, .. }) && !self.device_connected() {
            return;
        }
        let Some(event) = self.shared.borrow_mut().hold(event) else { return };
        match event {
            Event::Boot { side, generation, reason } if self.is_current(side, generation) => self.boot(side, reason),
            Event::Boot { .. } => {}
            Event::Timer { side, generation, callback } if self.is_current(side, generation) => {
                let callback = self.with_vm(side, |vm| callbacks::take(vm, Kind::Timer, Value::Int(callback)));
                if let Some(f) = callback.flatten() {
                    self.call(side, f, &[]);
                }
            }
            Event::Timer { .. } => {}
            Event::PinChanged { generation, pin } if self.is_current(Side::Device, generation) => {
                let name = self.shared.borrow().board.pins[pin].name().to_string();
                self.call_device_handler(Kind::Pin, &name);
            }
            Event::PinChanged { .. } => {}
            Event::UartData { generation, uart } if self.is_current(Side::Device, generation) => {
                let name = self.shared.borrow().board.uarts[uart].name().to_string();
                self.call_device_handler(Kind::Uart, &name);
            }
            Event::UartData { .. } => {}
            Event::Input(input) => self.apply_input(input),
            Event::Message { to, name, data } => {
                let delivery = self.with_vm(to, |vm| {
                    let key = vm.string(&name);
                    let handler = callbacks::get(vm, Kind::Handler, key)?;
                    Some((handler, data.restore(vm).map_err(|fail| describe_fail(vm, fail))))
                });
                match delivery.flatten() {
                    Some((handler, Ok(value))) => {
                        self.call(to, handler, &[value]);
                    }
                    Some((_, Err(why))) => {
                        self.shared.borrow_mut().log(to.log_kinds().1, format!("message {name:?}: {why}"))
                    }
                    None => {}
                }
            }
            Event::Idle => self.idle(),
            Event::BlinkUp(blinkup) => self.flash(blinkup),
            Event::Blessed { generation, callback, blessed } => {
                let now = self.now();
                self.shared.borrow_mut().status_led.bless_result(now, blessed);
                self.answer(Side::Device, generation, callback, |_| Value::Bool(blessed));
            }
            Event::Request { incoming, reply } => self.request(&incoming, reply),
            Event::Response { reply, response } => self.http_answer(reply.generation, reply.callback, response),
            Event::HttpTimeout { generation, callback } => {
                self.shared.borrow_mut().http_timeouts.remove(&callback);
                self.http_answer(generation, callback, HttpResponse::timed_out());
            }
            Event::Reload(reload) => self.reload(*reload),
            Event::Link { up } => self.link(up),
            Event::GiveUp { since } => self.give_up(since),
            Event::DeviceLink { connected } => {
                let key = if connected { "connect" } else { "disconnect" };
                let handler = self.with_vm(Side::Agent, |vm| {
                    let key = vm.string(key);
                    callbacks::get(vm, Kind::Connection, key)
                });
                if let Some(f) = handler.flatten() {
                    self.call(Side::Agent, f, &[]);
                }
            }
            Event::Answer { side, generation, callback, value } => {
                self.answer(side, generation, callback, |_| Value::Int(value));
            }
            Event::ConnectTimeout { callback } => {
                let mut shared = self.shared.borrow_mut();
                let expired = shared.connection.pending_connect.filter(|p| p.callback == callback);
                if let Some(pending) = expired {
                    shared.connection.pending_connect = None;
                    drop(shared);
                    self.answer(Side::Device, pending.generation, callback, |_| {
                        Value::Int(connection::reason::NOT_CONNECTED)
                    });
                }
            }
        }
    }

    /// The outside world's network changes. A device that lost it reconnects when it
    /// comes back, unless it gave up (`RETURN_ON_ERROR` after a minute) or sleeps; a
    /// waiting `server.connect` gets its answer.
    fn link(&mut self, up: bool) {
        let mut shared = self.shared.borrow_mut();
        if !up {
            shared.disconnected(true);
            return;
        }
        let now = shared.now();
        match shared.connection.state {
            State::Lost { .. } => shared.connected(),
            State::Off => match shared.connection.pending_connect.take() {
                Some(pending) if pending.deadline >= now => {
                    shared.connected();
                    let answer = Event::Answer {
                        side: Side::Device,
                        generation: pending.generation,
                        callback: pending.callback,
                        value: connection::reason::SERVER_CONNECTED,
                    };
                    shared.scheduler.after(0.0, answer);
                }
                pending => shared.connection.pending_connect = pending,
            },
            State::Connected | State::Asleep => {}
        }
    }

    /// A minute after an unexpected loss the device is still offline: under
    /// `RETURN_ON_ERROR` its `server.onunexpecteddisconnect` callback runs; under
    /// `SUSPEND_ON_ERROR` it deep-sleeps until a retry can connect.
    fn give_up(&mut self, since: SimTime) {
        let mut shared = self.shared.borrow_mut();
        if shared.connection.state != (State::Lost { since }) {
            return;
        }
        if shared.connection.returns_on_error {
            shared.connection.state = State::Off;
            drop(shared);
            let handler = self.with_vm(Side::Device, |vm| {
                let key = vm.string("unexpecteddisconnect");
                callbacks::get(vm, Kind::Connection, key)
            });
            if let Some(f) = handler.flatten() {
                self.call(Side::Device, f, &[Value::Int(connection::reason::NOT_CONNECTED)]);
            }
        } else if let Err(wake_at) = shared.connection.suspended_reconnect(since) {
            drop(shared);
            self.deep_sleep(wake_at, wake::TIMER);
        }
    }

    /// The device's Squirrel stops for deep sleep: `nv` is kept, pins other than the
    /// wake-up pin float, the network goes off, and Squirrel restarts at `wake_at`
    /// (or when the wake-up pin rises) with `reason`.
    fn deep_sleep(&mut self, wake_at: SimTime, reason: i32) {
        let nv = self.with_vm(Side::Device, |vm| {
            let nv = vm.get_global("nv")?;
            Some(Message::capture(vm, nv))
        });
        self.running[Side::Device.index()] = None;
        let mut shared = self.shared.borrow_mut();
        shared.nv = match nv.flatten() {
            Some(Ok(nv)) => Some(nv),
            Some(Err(why)) => {
                shared.log(LogKind::ServerError, format!("nv is not kept through deep sleep: {why}"));
                None
            }
            None => None,
        };
        shared.disconnected(false);
        shared.connection.state = State::Asleep;
        shared.connection.held = None;
        shared.connection.pending_connect = None;
        shared.device_online = false;
        let now = shared.now();
        shared.board.sleep(now);
        let state = shared.side(Side::Device);
        state.generation += 1;
        state.idle = false;
        let generation = state.generation;
        let wake = shared.scheduler.at(wake_at, Event::Boot { side: Side::Device, generation, reason });
        shared.sleep_wake = Some(wake);
        shared.rearm_idle();
    }

    /// Calls the one-shot callback waiting for an answer, if its VM still runs.
    fn answer(&mut self, side: Side, generation: u32, callback: i64, value: impl FnOnce(&mut Vm) -> Value) {
        if !self.is_current(side, generation) {
            return;
        }
        let call = self.with_vm(side, |vm| {
            let f = callbacks::take(vm, Kind::Pending, Value::Int(callback))?;
            Some((f, value(vm)))
        });
        if let Some((f, arg)) = call.flatten() {
            self.call(side, f, &[arg]);
        }
    }

    /// The answer to an agent's `sendasync` (or its timeout): a stream callback gets
    /// the body, then the done callback the response (its body empty when streamed).
    /// Whichever comes second finds no callbacks and does nothing.
    fn http_answer(&mut self, generation: u32, callback: i64, mut response: HttpResponse) {
        if !self.is_current(Side::Agent, generation) {
            return;
        }
        let mut shared = self.shared.borrow_mut();
        if let Some(timer) = shared.http_timeouts.remove(&callback) {
            shared.scheduler.cancel(timer);
        }
        drop(shared);
        let stream = self.with_vm(Side::Agent, |vm| callbacks::take(vm, Kind::Stream, Value::Int(callback))).flatten();
        let waiting = self.with_vm(Side::Agent, |vm| callbacks::get(vm, Kind::Pending, Value::Int(callback))).flatten();
        if let (Some(stream), Some(_)) = (stream, waiting) {
            let body = std::mem::take(&mut response.body);
            if !body.is_empty() {
                if let Some(chunk) = self.with_vm(Side::Agent, |vm| vm.bytes(&body)) {
                    self.call(Side::Agent, stream, &[chunk]);
                }
            }
        }
        self.answer(Side::Agent, generation, callback, |vm| bindings::http::response_table(vm, &response));
    }

    /// Flashes a factory BlinkUp on its pin: one level per bit at 60 Hz (142 Hz with
    /// `BLINKUP_FAST`), lit high with `BLINKUP_ACTIVEHIGH` (else low). Squirrel is
    /// suspended meanwhile: the clock moves past the flash before anything else runs.
    fn flash(&mut self, blinkup: BlinkUp) {
        let mut shared = self.shared.borrow_mut();
        let (started, duration) = (shared.now(), shared.blinkup_duration);
        let hz = if blinkup.flags & BLINKUP_FAST != 0 { BLINKUP_FAST_HZ } else { BLINKUP_HZ };
        let (lit, dark) = if blinkup.flags & BLINKUP_ACTIVEHIGH != 0 { (1.0, 0.0) } else { (0.0, 1.0) };
        let Some(pin) = shared.board.pins.get_mut(blinkup.pin) else { return };
        pin.configure(PinMode::DigitalOut(Drive::PushPull), Some(dark), started);
        let bits = (duration.as_secs_f64() * hz) as u32;
        for bit in 0..bits {
            let level = if bit % 2 == 0 { lit } else { dark };
            // Outputs always accept 0 and 1.
            let _ = pin.write(level, started + Duration::from_secs_f64(f64::from(bit) / hz));
        }
        let _ = pin.write(dark, started + duration);
        shared.scheduler.advance_to(started + duration);
        shared.outbox.push(Outgoing::BlinkUpSent { blinkup, started });
    }

    /// A request to the agent's URL: its `http.onrequest` handler answers, or 404 when
    /// it has none, or 500 when it fails before answering (our choices).
    fn request(&mut self, incoming: &Incoming, reply: ReplyTo) {
        let call = self.with_vm(Side::Agent, |vm| {
            let handler = callbacks::get(vm, Kind::Request, Value::Int(0))?;
            let (request, response) =
                (bindings::http::request_table(vm, incoming), bindings::http::new_response(vm, reply));
            vm.pin(response);
            Some((handler, request, response))
        });
        let failure = match call.flatten() {
            None => {
                Some(HttpResponse { status: 404, headers: Vec::new(), body: b"no http.onrequest handler".to_vec() })
            }
            Some((handler, request, response)) => {
                let ok = self.call(Side::Agent, handler, &[request, response]);
                let sent = self.with_vm(Side::Agent, |vm| {
                    vm.unpin(response);
                    bindings::http::response_sent(vm, response)
                });
                (!ok && sent == Some(false)).then(|| HttpResponse {
                    status: 500,
                    headers: Vec::new(),
                    body: b"agent error".to_vec(),
                })
            }
        };
        if let Some(response) = failure {
            self.shared.borrow_mut().outbox.push(Outgoing::Reply { to: reply, response });
        }
    }

    /// The cloud moved the device: both VMs stop (their timers and handlers with them)
    /// and restart into the new code, and the device reconnects for its configparams.
    fn reload(&mut self, reload: Reload) {
        self.firmware = [Some(reload.device), Some(reload.agent)];
        self.running = [None, None];
        let mut shared = self.shared.borrow_mut();
        shared.role = reload.role;
        shared.device_online = false;
        shared.connection.held = None;
        if shared.connection.state == State::Asleep {
            shared.connection.state = State::Connected;
            if let Some(timer) = shared.sleep_wake.take() {
                shared.scheduler.cancel(timer);
            }
        }
        for side in [Side::Device, Side::Agent] {
            let state = shared.side(side);
            state.generation += 1;
            state.idle = false;
        }
        shared.rearm_idle();
        shared.log(LogKind::Status, "Restarting into new code".into());
        for side in [Side::Agent, Side::Device] {
            let generation = shared.sides[side.index()].generation;
            shared.scheduler.after(0.0, Event::Boot { side, generation, reason: reload.reason });
        }
    }

    /// Starts (or restarts) a side's Squirrel and runs its main function.
    fn boot(&mut self, side: Side, reason: i32) {
        if self.running[side.index()].as_ref().is_none_or(|r| r.main.is_none()) {
            match self.start(side) {
                Ok(running) => self.running[side.index()] = Some(running),
                Err(e) => return self.uncaught(side, e),
            }
        }
        let params = {
            let mut shared = self.shared.borrow_mut();
            if side == Side::Device {
                shared.wake_reason = reason;
                let now = shared.now();
                if reason != wake::POWER_ON {
                    shared.board.reset(now);
                }
                if shared.connection.state == State::Asleep {
                    shared.sleep_wake = None;
                    shared.connection.state = State::Connected;
                    if !shared.connection.link_up(now) {
                        shared.disconnected(true);
                    }
                    shared.rearm_idle();
                }
            } else {
                shared.log(LogKind::Status, "Agent restarted: reload.".into());
            }
            let (device, agent) = config_params(&shared.identity, &shared.role);
            match side {
                Side::Device => shared.device_online.then_some(device),
                Side::Agent => Some(agent),
            }
        };
        if side == Side::Device {
            self.restore_nv(reason);
        }
        if let Some(params) = params {
            self.with_vm(side, |vm| bindings::fill_config_params(vm, &params));
        }
        if let Some(running) = self.running[side.index()].as_mut() {
            if let Some(main) = running.main.take() {
                running.vm.unpin(main);
                self.call(side, main, &[]);
            }
        }
    }

    /// Puts the `nv` table kept through deep sleep back as a global; any other restart
    /// loses it (only timer, pin and snooze wakes keep it).
    fn restore_nv(&mut self, reason: i32) {
        let kept = matches!(reason, wake::TIMER | wake::PIN | wake::SNOOZE);
        let nv = if kept { self.shared.borrow().nv.clone() } else { None };
        self.shared.borrow_mut().nv = None;
        let Some(nv) = nv else { return };
        let restored = self.with_vm(Side::Device, |vm| match nv.restore(vm) {
            Ok(table) => {
                vm.set_global("nv", table);
                Ok(())
            }
            Err(fail) => Err(describe_fail(vm, fail)),
        });
        if let Some(Err(why)) = restored {
            self.shared.borrow_mut().log(LogKind::ServerError, format!("nv could not be restored: {why}"));
        }
    }

    /// An idle point: the device comes online the first time; then one waiting
    /// `onidle` callback runs (the device's before the agent's).
    fn idle(&mut self) {
        let went_online = {
            let mut shared = self.shared.borrow_mut();
            let first = !shared.device_online && shared.connection.state == State::Connected && !shared.device_held();
            shared.device_online |= first;
            first.then(|| config_params(&shared.identity, &shared.role).0)
        };
        if let Some(params) = went_online {
            self.with_vm(Side::Device, |vm| bindings::fill_config_params(vm, &params));
            self.shared.borrow_mut().announce(true);
        }
        let ready = |shared: &Shared, side: Side| {
            shared.sides[side.index()].idle && !(side == Side::Device && shared.device_held())
        };
        let waiting = [Side::Device, Side::Agent].into_iter().find(|&s| ready(&self.shared.borrow(), s));
        if let Some(side) = waiting {
            self.shared.borrow_mut().side(side).idle = false;
            if let Some(f) = self.with_vm(side, |vm| callbacks::take(vm, Kind::Idle, Value::Int(0))).flatten() {
                self.call(side, f, &[]);
            }
        }
        self.shared.borrow_mut().rearm_idle();
    }

    fn apply_input(&mut self, input: InputEvent) {
        self.board_handle().apply_input(input);
    }

    fn is_current(&self, side: Side, generation: u32) -> bool {
        self.shared.borrow().sides[side.index()].generation == generation
    }

    /// Runs `f` on a side's VM, if it has one (a crashed device has none until restart).
    fn with_vm<T>(&mut self, side: Side, f: impl FnOnce(&mut Vm) -> T) -> Option<T> {
        self.running[side.index()].as_mut().map(|r| f(&mut r.vm))
    }

    /// Calls a script function with the root table as `this`; an error is uncaught.
    /// False when it failed.
    fn call(&mut self, side: Side, f: Value, args: &[Value]) -> bool {
        let Some(running) = self.running[side.index()].as_mut() else { return false };
        let root = running.vm.root_table();
        running.vm.set_instruction_budget(self.instruction_budget);
        let result = running.vm.call(f, root, args);
        let stop = self.shared.borrow_mut().stop.take();
        match (stop, result) {
            (Some(Stop::Sleep { wake_at, reason }), _) => {
                self.deep_sleep(wake_at, reason);
                false
            }
            (None, Ok(_)) => true,
            (None, Err(e)) => {
                self.uncaught(side, e);
                false
            }
        }
    }

    /// Logs an uncaught error with its call stack; the device restarts.
    fn uncaught(&mut self, side: Side, error: Error) {
        self.uncaught += 1;
        let kind = side.log_kinds().1;
        let mut shared = self.shared.borrow_mut();
        match &error {
            Error::Runtime(e) => {
                let message = match self.instruction_budget {
                    Some(budget) if e.message == RUNAWAY => {
                        format!("runaway code stopped: more than {budget} instructions in one event")
                    }
                    _ => e.message.clone(),
                };
                shared.log(kind, message);
                for (depth, frame) in e.stack.iter().enumerate() {
                    let word = if depth == 0 { "in" } else { "from" };
                    shared.log(kind, format!("  {word} {} {}:{}", frame.function, frame.file, frame.line));
                }
            }
            Error::Compile(e) => shared.log(kind, e.to_string()),
            Error::Internal(_) => shared.log(kind, error.to_string()),
        }
        if side == Side::Device {
            let state = shared.side(Side::Device);
            state.generation += 1;
            state.idle = false;
            let generation = state.generation;
            shared.rearm_idle();
            shared.log(LogKind::Status, "Device restarting after an uncaught error".into());
            let boot = Event::Boot { side, generation, reason: wake::SQUIRREL_ERROR };
            shared.scheduler.after(RESTART_DELAY.as_secs_f64(), boot);
            drop(shared);
            self.running[side.index()] = None;
        }
    }
}

/// A handle on an imp's board and clock for natives that [`ImpConfig::setup_vm`]
/// installs (the hardware test API of `impish test`): they run inside script calls,
/// while the `Imp` itself is busy, so they reach the board through the state the imp
/// API's own natives share. Borrow it only between calls into script, as they do.
#[derive(Clone)]
pub struct BoardHandle(Rc<RefCell<Shared>>);

impl BoardHandle {
    pub fn now(&self) -> SimTime {
        self.0.borrow().now()
    }

    /// How many lines the imp's log holds: where a native's own records fall among them.
    pub fn log_len(&self) -> usize {
        self.0.borrow().log.lines().len()
    }

    /// Runs `f` on the board, given the current time.
    pub fn with_board<T>(&self, f: impl FnOnce(&mut Board, SimTime) -> T) -> T {
        let mut shared = self.0.borrow_mut();
        let now = shared.now();
        f(&mut shared.board, now)
    }

    /// An outside action on a pin, now (whatever `input.at` says); a digital input
    /// whose level it changes queues its state-change callback. Unknown pins are ignored.
    pub fn apply_input(&self, input: InputEvent) {
        let mut shared = self.0.borrow_mut();
        let now = shared.now();
        let level = match input.action {
            Action::Drive(level) | Action::Stick(level) => level,
            Action::Receive(bytes) => return shared.receive(&input.pin, &bytes),
            // Outages are scheduled whole by `Imp::schedule_input`.
            Action::Disconnect(_) => return,
        };
        let Some(index) = shared.board.pin_index(&input.pin) else { return };
        let pin = &mut shared.board.pins[index];
        let before = pin.read().ok();
        match input.action {
            Action::Drive(_) => {
                pin.drive(level, now);
            }
            _ => pin.stick(level, now),
        }
        let edge = matches!(pin.mode(), PinMode::DigitalIn { .. }) && pin.read().ok() != before;
        let wakes = matches!(pin.mode(), PinMode::DigitalIn { wakeup: true, .. }) && pin.level() >= 0.5;
        let generation = shared.side(Side::Device).generation;
        if shared.connection.state == State::Asleep {
            // Asleep, only a rising wake-up pin matters: it ends the sleep now.
            if edge && wakes {
                if let Some(timer) = shared.sleep_wake.take() {
                    shared.scheduler.cancel(timer);
                }
                shared.scheduler.after(0.0, Event::Boot { side: Side::Device, generation, reason: wake::PIN });
            }
        } else if edge {
            shared.scheduler.after(0.0, Event::PinChanged { generation, pin: index });
        }
    }
}

/// The VM's error when an event spends its instruction budget.
const RUNAWAY: &str = "instruction budget exceeded";

/// The text of a failure raised outside a script call.
fn describe_fail(vm: &Vm, fail: impish_vm::Fail) -> String {
    match fail {
        impish_vm::Fail::Error(v) | impish_vm::Fail::Suspend(v) => vm.describe(v),
        impish_vm::Fail::Switch(_) => "a thread switch outside a script call".to_string(),
    }
}
