//! One imp: a device VM and an agent VM on one virtual clock, with a board, an
//! identity and one log stream.
//!
//! Code runs to completion, then queued events run one at a time: timers, pin edges,
//! messages between device and agent, scripted inputs, idle points. A callback never
//! interrupts running code. An uncaught error is logged with its call stack; on the
//! agent the VM keeps running, on the device Squirrel restarts (a fresh VM after
//! `RESTART_DELAY`, with `hardware.wakereason()` = `WAKEREASON_SQUIRREL_ERROR`), and
//! the old VM's pending timers and handlers die with it.
//!
//! The device's `imp.configparams` is empty at boot and filled at the first idle point,
//! when the simulated device has talked to the server (imp-api.md §1.6).

mod bindings;
pub mod board;
mod callbacks;
pub mod clock;
pub mod identity;
pub mod log;
pub mod message;
mod world;

pub use world::Side;

use bindings::constants::wake;
use bindings::Ctx;
use board::Board;
use callbacks::Kind;
use identity::{config_params, Identity, Role};
use log::{LogLine, LogSink};
use world::{Event, SideState, World};

use crate::cloud::{LogKind, SimTime};
use crate::hardware::pin::PinMode;
use crate::hardware::script::{Action, InputEvent};
use crate::scheduler::{Next, Pace, Scheduler};
use impish_vm::{Error, Profile, Value, Vm};
use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;
use std::time::Duration;

/// How long the device stays down after an uncaught error before Squirrel restarts.
/// Ours: the imp's own delay is undocumented; a delay keeps a firmware that fails at
/// boot from restarting in a tight loop.
pub const RESTART_DELAY: Duration = Duration::from_secs(1);

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
}

impl ImpConfig {
    /// A plain imp005 with the default identity, on virtual time, with no agent code.
    pub fn new(device: Firmware) -> ImpConfig {
        ImpConfig { device, agent: None, identity: Identity::default(), role: Role::Plain, pace: Pace::Virtual }
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
    world: Rc<RefCell<World>>,
    firmware: [Option<Firmware>; 2],
    running: [Option<Running>; 2],
    uncaught: usize,
}

impl Imp {
    /// Compiles the device and agent code (a compile error is returned at once) and
    /// queues their boot at time zero: the agent first, as it is already up in the cloud.
    pub fn new(config: ImpConfig) -> Result<Imp, Error> {
        let world = World {
            scheduler: Scheduler::new(config.pace),
            board: Board::new(config.identity.imp_type),
            log: log::Log::default(),
            identity: config.identity,
            role: config.role,
            realtime: matches!(config.pace, Pace::Realtime { .. }),
            device_online: false,
            wake_reason: wake::POWER_ON,
            sides: [SideState::default(), SideState::default()],
        };
        let mut imp = Imp {
            world: Rc::new(RefCell::new(world)),
            firmware: [Some(config.device), config.agent],
            running: [None, None],
            uncaught: 0,
        };
        for side in [Side::Agent, Side::Device] {
            if imp.firmware[side.index()].is_some() {
                imp.running[side.index()] = Some(imp.start(side)?);
                imp.world.borrow_mut().scheduler.after(0.0, Event::Boot { side, reason: wake::POWER_ON });
            }
        }
        imp.world.borrow_mut().rearm_idle();
        Ok(imp)
    }

    /// Sends every log line to `sink` as it is logged (the sink runs while the imp's
    /// state is borrowed, so it must not call back into this imp).
    pub fn set_log_sink(&mut self, sink: LogSink) {
        self.world.borrow_mut().log.set_sink(sink);
    }

    /// Queues an outside action on a pin at its time.
    pub fn schedule_input(&mut self, input: InputEvent) -> Result<(), UnknownPin> {
        let mut world = self.world.borrow_mut();
        if world.board.pin(&input.pin).is_none() {
            return Err(UnknownPin(input.pin, world.identity.imp_type.name()));
        }
        world.scheduler.at(input.at, Event::Input(input));
        Ok(())
    }

    /// Runs events until nothing is left or the clock reaches `limit`.
    pub fn run_until(&mut self, limit: Option<SimTime>) -> Outcome {
        loop {
            let next = self.world.borrow_mut().scheduler.next(limit);
            match next {
                Next::Event(event) | Next::Idle(event) => self.dispatch(event),
                Next::Finished => return Outcome::Finished,
                Next::LimitReached => return Outcome::LimitReached,
            }
        }
    }

    /// Runs for `duration` of virtual time from now.
    pub fn run_for(&mut self, duration: Duration) -> Outcome {
        let limit = self.now() + duration;
        self.run_until(Some(limit))
    }

    pub fn now(&self) -> SimTime {
        self.world.borrow().now()
    }

    pub fn log(&self) -> Ref<'_, [LogLine]> {
        Ref::map(self.world.borrow(), |w| w.log.lines())
    }

    pub fn board(&self) -> Ref<'_, Board> {
        Ref::map(self.world.borrow(), |w| &w.board)
    }

    /// The board, to attach bus devices or fault parts before (or between) runs.
    pub fn board_mut(&mut self) -> RefMut<'_, Board> {
        RefMut::map(self.world.borrow_mut(), |w| &mut w.board)
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
        impish_stdlib::register_with_time(&mut vm, Rc::new(clock::VirtualTime(self.world.clone())));
        bindings::install(&mut vm, &Ctx { world: self.world.clone(), side });
        let main = vm.compile(&firmware.source, &firmware.name)?;
        vm.pin(main);
        Ok(Running { vm, main: Some(main) })
    }

    fn dispatch(&mut self, event: Event) {
        match event {
            Event::Boot { side, reason } => self.boot(side, reason),
            Event::Timer { side, generation, callback } if self.is_current(side, generation) => {
                let callback = self.with_vm(side, |vm| callbacks::take(vm, Kind::Timer, Value::Int(callback)));
                if let Some(f) = callback.flatten() {
                    self.call(side, f, &[]);
                }
            }
            Event::Timer { .. } => {}
            Event::PinChanged { generation, pin } if self.is_current(Side::Device, generation) => {
                let name = self.world.borrow().board.pins[pin].name().to_string();
                let handler = self.with_vm(Side::Device, |vm| {
                    let key = vm.string(&name);
                    callbacks::get(vm, Kind::Pin, key)
                });
                if let Some(f) = handler.flatten() {
                    self.call(Side::Device, f, &[]);
                }
            }
            Event::PinChanged { .. } => {}
            Event::Input(input) => self.apply_input(input),
            Event::Message { to, name, data } => {
                let delivery = self.with_vm(to, |vm| {
                    let key = vm.string(&name);
                    let handler = callbacks::get(vm, Kind::Handler, key)?;
                    Some((handler, data.restore(vm).map_err(|fail| describe_fail(vm, fail))))
                });
                match delivery.flatten() {
                    Some((handler, Ok(value))) => self.call(to, handler, &[value]),
                    Some((_, Err(why))) => {
                        self.world.borrow_mut().log(to.log_kinds().1, format!("message {name:?}: {why}"))
                    }
                    None => {}
                }
            }
            Event::Idle => self.idle(),
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
            let mut world = self.world.borrow_mut();
            if side == Side::Device {
                world.wake_reason = reason;
                if reason != wake::POWER_ON {
                    let now = world.now();
                    world.board.reset(now);
                }
            } else {
                world.log(LogKind::Status, "Agent restarted: reload.".into());
            }
            let (device, agent) = config_params(&world.identity, &world.role);
            match side {
                Side::Device => world.device_online.then_some(device),
                Side::Agent => Some(agent),
            }
        };
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

    /// An idle point: the device comes online the first time; then one waiting
    /// `onidle` callback runs (the device's before the agent's).
    fn idle(&mut self) {
        let went_online = {
            let mut world = self.world.borrow_mut();
            let first = !world.device_online;
            world.device_online = true;
            first.then(|| config_params(&world.identity, &world.role).0)
        };
        if let Some(params) = went_online {
            self.with_vm(Side::Device, |vm| bindings::fill_config_params(vm, &params));
            self.world.borrow_mut().log(LogKind::Status, "Device connected".into());
        }
        let waiting = [Side::Device, Side::Agent].into_iter().find(|s| self.world.borrow().sides[s.index()].idle);
        if let Some(side) = waiting {
            self.world.borrow_mut().side(side).idle = false;
            if let Some(f) = self.with_vm(side, |vm| callbacks::take(vm, Kind::Idle, Value::Int(0))).flatten() {
                self.call(side, f, &[]);
            }
        }
        self.world.borrow_mut().rearm_idle();
    }

    fn apply_input(&mut self, input: InputEvent) {
        let mut world = self.world.borrow_mut();
        let now = world.now();
        let Some(index) = world.board.pin_index(&input.pin) else { return };
        let pin = &mut world.board.pins[index];
        let before = pin.read().ok();
        match input.action {
            Action::Drive(level) => {
                pin.drive(level, now);
            }
            Action::Stick(level) => pin.stick(level, now),
        }
        let edge = matches!(pin.mode(), PinMode::DigitalIn { .. }) && pin.read().ok() != before;
        if edge {
            let generation = world.side(Side::Device).generation;
            world.scheduler.after(0.0, Event::PinChanged { generation, pin: index });
        }
    }

    fn is_current(&self, side: Side, generation: u32) -> bool {
        self.world.borrow().sides[side.index()].generation == generation
    }

    /// Runs `f` on a side's VM, if it has one (a crashed device has none until restart).
    fn with_vm<T>(&mut self, side: Side, f: impl FnOnce(&mut Vm) -> T) -> Option<T> {
        self.running[side.index()].as_mut().map(|r| f(&mut r.vm))
    }

    /// Calls a script function with the root table as `this`; an error is uncaught.
    fn call(&mut self, side: Side, f: Value, args: &[Value]) {
        let Some(running) = self.running[side.index()].as_mut() else { return };
        let root = running.vm.root_table();
        if let Err(e) = running.vm.call(f, root, args) {
            self.uncaught(side, e);
        }
    }

    /// Logs an uncaught error with its call stack; the device restarts.
    fn uncaught(&mut self, side: Side, error: Error) {
        self.uncaught += 1;
        let kind = side.log_kinds().1;
        let mut world = self.world.borrow_mut();
        match &error {
            Error::Runtime(e) => {
                world.log(kind, e.message.clone());
                for (depth, frame) in e.stack.iter().enumerate() {
                    let word = if depth == 0 { "in" } else { "from" };
                    world.log(kind, format!("  {word} {} {}:{}", frame.function, frame.file, frame.line));
                }
            }
            Error::Compile(e) => world.log(kind, e.to_string()),
        }
        if side == Side::Device {
            let state = world.side(Side::Device);
            state.generation += 1;
            state.idle = false;
            world.rearm_idle();
            world.log(LogKind::Status, "Device restarting after an uncaught error".into());
            world.scheduler.after(RESTART_DELAY.as_secs_f64(), Event::Boot { side, reason: wake::SQUIRREL_ERROR });
            drop(world);
            self.running[side.index()] = None;
        }
    }
}

/// The text of a failure raised outside a script call.
fn describe_fail(vm: &Vm, fail: impish_vm::Fail) -> String {
    match fail {
        impish_vm::Fail::Error(v) | impish_vm::Fail::Suspend(v) => vm.describe(v),
    }
}
