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
mod dispatch;
pub mod http;
pub mod identity;
pub mod imp_type;
pub(crate) mod json;
mod lifecycle;
pub mod log;
pub mod message;
mod shared;
mod templates;

pub(crate) use bindings::constants::wake;
pub use connection::{RECONNECT_WINDOW, RETRY_PERIOD};
pub(crate) use shared::{BlinkUp, Event, Outgoing, Reload};
pub use shared::{NetworkConfig, ReplyTo, Requester, Side};

use bindings::constants::factory::{BLINKUP_ACTIVEHIGH, BLINKUP_FAST};
use bindings::{Ctx, Shape};
use board::Board;
use callbacks::Kind;
use connection::State;
use http::{HttpClient, HttpRequest, HttpResponse, Incoming, NoHttp};
use identity::{config_params, Identity, Role};
use log::{LogLine, LogSink};
use message::Message;
use shared::{Shared, SideState};

use crate::cloud::{LogKind, SimTime};
use crate::hardware::pin::{Drive, PinMode};
use crate::hardware::script::{Action, InputEvent};
use crate::scheduler::{Next, Pace, Scheduler};
use crate::status_led::StatusLed;
use impish_vm::{Error, Value, Vm};
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

/// What the `nv` table may hold: "a small bank of memory — just under 4KB" (Device
/// Data Persistence), counted as `server.save`'s binary format counts (ours).
pub const NV_BYTES: usize = 4000;

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

impl Firmware {
    /// The source as it can be compiled under any other name (deployed to a device
    /// group, written to a file): headed by a `#line` marker naming its file, as Builder
    /// writes them, unless it already starts with one or is empty.
    pub fn marked_source(&self) -> String {
        match self.source.is_empty() || self.source.starts_with("#line") {
            true => self.source.clone(),
            false => format!("#line 1 \"{}\"\n{}", self.name.replace('"', "\\\""), self.source),
        }
    }
}

pub struct ImpConfig {
    pub device: Firmware,
    pub agent: Option<Firmware>,
    pub identity: Identity,
    pub role: Role,
    pub pace: Pace,
    /// Runs on every fresh VM (at boot and at each Squirrel restart) after the imp API
    /// is installed and before the firmware is compiled: for extra globals (test
    /// frameworks) and for metering (profiles, memory limits). The device's memory
    /// limit is already its imp type's free memory (`ImpType::free_memory`), counted in
    /// imp bytes beyond the API's.
    pub setup_vm: Option<VmSetup>,
    /// How many instructions one event may run before it is stopped with an error
    /// (as an uncaught error: logged, and the device restarts); `None`: no limit.
    pub instruction_budget: Option<u64>,
    /// How long after the agent the device boots: zero for a power-on (the agent is
    /// already up in the cloud), some seconds after a deploy, when the device downloads
    /// the new code and restarts while the agent restarts at once.
    pub device_boot_delay: Duration,
    /// When the imp powers on: an imp joining a world that has run for a while boots at
    /// the world's time, not at zero.
    pub started_at: SimTime,
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
            device_boot_delay: Duration::ZERO,
            started_at: SimTime::ZERO,
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
#[error("the input script acts on {0}, which this {1} does not have")]
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
    /// Each uncaught error, in one line: `message (in f file.nut:12)`.
    uncaught: Vec<String>,
    instruction_budget: Option<u64>,
}

impl Imp {
    /// Compiles the device and agent code (a compile error is returned at once) and
    /// queues their boot at time zero: the agent first, as it is already up in the cloud.
    pub fn new(config: ImpConfig) -> Result<Imp, Error> {
        let mut scheduler = Scheduler::new(config.pace);
        scheduler.advance_to(config.started_at);
        let shared = Shared {
            scheduler,
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
            ambient: Default::default(),
            powersave: false,
            wifi_scanning: false,
            usb_enabled: false,
            saved: None,
            agent_detached: false,
            quiet_since: None,
            agent_asleep: false,
            agent_lifetimes: {
                let timing = crate::timing::FactoryTiming::default();
                (timing.dut_agent_lifetime, timing.agent_lifetime)
            },
        };
        let device_boot_delay = config.device_boot_delay.as_secs_f64();
        let mut imp = Imp {
            shared: Rc::new(RefCell::new(shared)),
            firmware: [Some(config.device), config.agent],
            setup_vm: config.setup_vm,
            running: [None, None],
            uncaught: Vec::new(),
            instruction_budget: config.instruction_budget,
        };
        for side in [Side::Agent, Side::Device] {
            if imp.firmware[side.index()].is_some() {
                imp.running[side.index()] = imp.start(side)?;
                let delay = if side == Side::Device { device_boot_delay } else { 0.0 };
                imp.shared
                    .borrow_mut()
                    .scheduler
                    .after(delay, Event::Boot { side, generation: 0, reason: wake::POWER_ON });
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

    /// Whether [`Imp::log`] keeps the lines logged from now on (it does by default): an
    /// imp that runs for a whole line, and whose log nobody reads, need not.
    pub fn set_log_kept(&mut self, kept: bool) {
        self.shared.borrow_mut().log.set_kept(kept);
    }

    /// Queues an outside action on a pin (or the network, or the agent's URL) at its time.
    pub fn schedule_input(&mut self, input: InputEvent) -> Result<(), UnknownPin> {
        match input.action {
            Action::Disconnect(duration) => {
                self.schedule_disconnect(input.at, duration);
                return Ok(());
            }
            Action::Request(request) => {
                self.schedule_request(input.at, request);
                return Ok(());
            }
            _ => {}
        }
        self.board_handle().check_input(&input)?;
        self.shared.borrow_mut().scheduler.at(input.at, Event::Input(input));
        Ok(())
    }

    /// A client outside the simulation sends `request` (its `url` the path after the
    /// agent's URL) to the agent at `at`; the agent's answer is logged.
    pub fn schedule_request(&mut self, at: SimTime, request: HttpRequest) {
        let mut shared = self.shared.borrow_mut();
        let from = Requester::Outside(format!("{} {}", request.method, request.url).into());
        let url = format!("{}{}", shared.identity.agent_url, request.url);
        // A path after the agent's own URL is always the agent's.
        if let Some(incoming) = Incoming::for_agent(&HttpRequest { url, ..request }, &shared.identity.agent_url) {
            shared.scheduler.at(at, Event::Request { incoming, from });
        }
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

    /// How long the agent outlives its device when it goes quiet: a DUT's factory
    /// agent (`dut`), any other agent (`other`).
    pub(crate) fn set_agent_lifetimes(&mut self, dut: Duration, other: Duration) {
        self.shared.borrow_mut().agent_lifetimes = (dut, other);
    }

    /// Whether the agent's Squirrel runs: it has code, and its lifetime without its
    /// device is not over.
    pub fn agent_running(&self) -> bool {
        self.running[Side::Agent.index()].is_some()
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
        self.uncaught.len()
    }

    /// The uncaught errors, each in one line with where it was raised:
    /// `device: the index 'x' does not exist (in main dut.device.nut:12)`.
    pub fn uncaught_error_lines(&self) -> &[String] {
        &self.uncaught
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

    /// Whether this imp has what `input` acts on: its pin, UART or SPI bus, or the
    /// sensor or radio a change of the surroundings needs.
    pub fn check_input(&self, input: &InputEvent) -> Result<(), UnknownPin> {
        let shared = self.0.borrow();
        let board = &shared.board;
        let known = match &input.action {
            Action::Receive(_) => board.uart(&input.pin).is_some() || board.spi.iter().any(|b| b.name() == input.pin),
            Action::Ambient(change) => shared.identity.imp_type.features().accepts(change),
            Action::Drive(_) | Action::Stick(_) => board.pin(&input.pin).is_some(),
            Action::Disconnect(_) | Action::Request(_) => true,
        };
        match known {
            true => Ok(()),
            false => Err(UnknownPin(input.pin.clone(), shared.identity.imp_type.name())),
        }
    }

    /// An outside action on a pin, now (whatever `input.at` says); a digital input
    /// whose level it changes queues its state-change callback. Unknown pins are ignored.
    pub fn apply_input(&self, input: InputEvent) {
        let mut shared = self.0.borrow_mut();
        let now = shared.now();
        let level = match input.action {
            Action::Drive(level) | Action::Stick(level) => level,
            Action::Receive(bytes) => return shared.receive(&input.pin, &bytes),
            Action::Ambient(change) => return shared.change_ambient(change),
            // Outages and requests are scheduled whole by `Imp::schedule_input`.
            Action::Disconnect(_) | Action::Request(_) => return,
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
