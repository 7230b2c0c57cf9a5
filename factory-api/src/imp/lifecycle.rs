//! An imp's Squirrel lifecycle: starting a VM for a side, booting and rebooting it,
//! new firmware, `nv` across restarts, deep sleep and waking, BlinkUp, the link to the
//! server coming and going, and what an uncaught error does to each side.

use super::*;

impl Imp {
    /// A fresh VM for `side` with the standard library and the imp API, and its
    /// compiled (pinned) main function; none for a side with no code (a device in no
    /// group, an agent-less group), whose Squirrel would do nothing.
    pub(super) fn start(&self, side: Side) -> Result<Option<Running>, Error> {
        let Some(firmware) = self.firmware[side.index()].clone().filter(|f| !f.source.trim().is_empty()) else {
            return Ok(None);
        };
        let imp_type = self.shared.borrow().identity.imp_type;
        let mut vm = templates::new_vm(Shape { side, imp_type });
        bindings::attach(&mut vm, &Ctx { shared: self.shared.clone(), side });
        if let Some(setup) = &self.setup_vm {
            setup(side, &mut vm);
        }
        let main = vm.compile(&firmware.source, &firmware.name)?;
        vm.pin(main);
        Ok(Some(Running { vm, main: Some(main) }))
    }

    /// The outside world's network changes. A device that lost it reconnects when it
    /// comes back, unless it gave up (`RETURN_ON_ERROR` after a minute) or sleeps; a
    /// waiting `server.connect` gets its answer.
    pub(super) fn link(&mut self, up: bool) {
        let mut shared = self.shared.borrow_mut();
        if !up {
            shared.disconnected(true);
            return;
        }
        let now = shared.now();
        if !shared.connection.link_up(now) {
            // A `server.connect` finishing while the outside world has the network down.
            return;
        }
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
    pub(super) fn give_up(&mut self, since: SimTime) {
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
    pub(super) fn deep_sleep(&mut self, wake_at: SimTime, reason: i32) {
        self.keep_nv();
        self.running[Side::Device.index()] = None;
        let mut shared = self.shared.borrow_mut();
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

    /// Flashes a factory BlinkUp on its pin: one level per bit at 60 Hz (142 Hz with
    /// `BLINKUP_FAST`), lit high with `BLINKUP_ACTIVEHIGH` (else low). Squirrel is
    /// suspended meanwhile: the clock moves past the flash before anything else runs.
    pub(super) fn flash(&mut self, blinkup: BlinkUp) {
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

    /// The cloud moved the device: both VMs stop (their timers and handlers with them)
    /// and restart into the new code, and the device reconnects for its configparams.
    ///
    /// A group that gives the device no agent (production, until an end user activates
    /// the unit) leaves the old agent running, cut off from the device, until its
    /// lifetime without its device is over: 24 h for a DUT's factory agent.
    pub(super) fn reload(&mut self, reload: Reload) {
        self.keep_nv();
        let restarted: &[Side] = match reload.agent {
            Some(agent) => {
                self.firmware = [Some(reload.device), Some(agent)];
                self.running = [None, None];
                self.shared.borrow_mut().agent_detached = false;
                &[Side::Device, Side::Agent]
            }
            None => {
                self.firmware[Side::Device.index()] = Some(reload.device);
                self.running[Side::Device.index()] = None;
                self.detach_agent();
                &[Side::Device]
            }
        };
        let mut shared = self.shared.borrow_mut();
        shared.role = reload.role;
        shared.device_online = false;
        shared.connection.held = None;
        if shared.connection.state == State::Asleep {
            shared.connection.state = State::Connected;
            shared.came_back();
            if let Some(timer) = shared.sleep_wake.take() {
                shared.scheduler.cancel(timer);
            }
        }
        for &side in restarted {
            let state = shared.side(side);
            state.generation += 1;
            state.idle = false;
        }
        shared.rearm_idle();
        shared.log(LogKind::Status, "Restarting into new code".into());
        for &side in restarted.iter().rev() {
            let generation = shared.sides[side.index()].generation;
            shared.scheduler.after(0.0, Event::Boot { side, generation, reason: reload.reason });
        }
    }

    /// The device leaves its agent behind: the agent hears nothing more from it and
    /// stops when its lifetime without the device (by its role) is over.
    fn detach_agent(&mut self) {
        let mut shared = self.shared.borrow_mut();
        if shared.agent_detached || self.running[Side::Agent.index()].is_none() {
            return;
        }
        shared.agent_detached = true;
        let generation = shared.sides[Side::Agent.index()].generation;
        let at = shared.now() + shared.agent_lifetime();
        shared.scheduler.at(at, Event::AgentStops { generation, quiet_since: None });
    }

    /// The agent's lifetime without its device is over: its Squirrel stops, with its
    /// timers and handlers; if its device was only away, it restarts when it is back.
    pub(super) fn stop_agent(&mut self, quiet_since: Option<SimTime>) {
        let mut shared = self.shared.borrow_mut();
        if self.running[Side::Agent.index()].is_none()
            || (quiet_since.is_some() && shared.quiet_since.map(|(since, _)| since) != quiet_since)
        {
            return;
        }
        self.running[Side::Agent.index()] = None;
        shared.agent_asleep = quiet_since.is_some();
        let state = shared.side(Side::Agent);
        state.generation += 1;
        state.idle = false;
        shared.rearm_idle();
        shared.log(LogKind::Status, "Agent stopped: its device has been gone for its lifetime".into());
    }

    /// Starts (or restarts) a side's Squirrel and runs its main function.
    pub(super) fn boot(&mut self, side: Side, reason: i32) {
        if self.running[side.index()].as_ref().is_none_or(|r| r.main.is_none()) {
            match self.start(side) {
                Ok(running) => self.running[side.index()] = running,
                Err(e) => return self.uncaught(side, e),
            }
        }
        let params = {
            let mut shared = self.shared.borrow_mut();
            if side == Side::Device {
                shared.wake_reason = reason;
                // A fresh Squirrel has not enabled the USB port (its callback died too).
                shared.usb_enabled = false;
                let now = shared.now();
                if reason != wake::POWER_ON {
                    shared.board.reset(now);
                }
                if shared.connection.state == State::Asleep {
                    shared.sleep_wake = None;
                    shared.connection.state = State::Connected;
                    if shared.connection.link_up(now) {
                        shared.came_back();
                    } else {
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
            // The main function stays pinned: its code is the program image, resident
            // as long as the VM, so the strings it names stay the program's (see the
            // VM's `footprint`).
            if let Some(main) = running.main.take() {
                self.call(side, main, &[]);
            }
        }
    }

    /// The device's Squirrel is about to stop while the imp stays powered (deep sleep,
    /// a restart after an error, new code): its `nv` table is kept, on the types that
    /// have one (`Features::nv`), if it is serialisable and under `NV_BYTES`.
    pub(super) fn keep_nv(&mut self) {
        let has_nv = self.shared.borrow().identity.imp_type.features().nv;
        let nv = self.with_vm(Side::Device, |vm| {
            let nv = vm.get_global("nv").filter(|_| has_nv)?;
            Some(Message::capture(vm, nv).map(|captured| captured.message))
        });
        let mut shared = self.shared.borrow_mut();
        shared.nv = match nv.flatten() {
            Some(Ok(nv)) if bindings::serialised_size(&nv) <= NV_BYTES => Some(nv),
            Some(Ok(nv)) => {
                let size = bindings::serialised_size(&nv);
                shared.log(LogKind::ServerError, format!("nv is not kept: {size} bytes is more than {NV_BYTES}"));
                None
            }
            Some(Err(why)) => {
                shared.log(LogKind::ServerError, format!("nv is not kept: {why}"));
                None
            }
            None => None,
        };
    }

    /// Puts the kept `nv` table back as a global, unless the imp lost power (a cold
    /// boot: power on, a hardware reset, power restored): the nv page says it "can't
    /// survive a cold boot", Device Data Persistence that it "will remain available for
    /// as long as the device is powered" [V].
    pub(super) fn restore_nv(&mut self, reason: i32) {
        let kept = !matches!(reason, wake::POWER_ON | wake::HW_RESET | wake::POWER_RESTORED);
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
    pub(super) fn idle(&mut self) {
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

    /// Logs an uncaught error with its call stack; the device restarts.
    pub(super) fn uncaught(&mut self, side: Side, error: Error) {
        let kind = side.log_kinds().1;
        let mut shared = self.shared.borrow_mut();
        let side_name = if side == Side::Device { "device" } else { "agent" };
        match &error {
            Error::Runtime(e) => {
                let message = match self.instruction_budget {
                    Some(budget) if e.message == RUNAWAY => {
                        format!("runaway code stopped: more than {budget} instructions in one event")
                    }
                    _ => e.message.clone(),
                };
                let place = e.stack.first().map(|f| format!(" (in {} {}:{})", f.function, f.file, f.line));
                self.uncaught.push(format!("{side_name}: {message}{}", place.unwrap_or_default()));
                shared.log(kind, message);
                for (depth, frame) in e.stack.iter().enumerate() {
                    let word = if depth == 0 { "in" } else { "from" };
                    shared.log(kind, format!("  {word} {} {}:{}", frame.function, frame.file, frame.line));
                }
            }
            Error::Compile(e) => {
                self.uncaught.push(format!("{side_name}: {}", e.to_string().lines().next().unwrap_or_default()));
                shared.log(kind, e.to_string());
            }
            Error::Internal(_) => {
                self.uncaught.push(format!("{side_name}: {error}"));
                shared.log(kind, error.to_string());
            }
        }
        if side == Side::Device {
            drop(shared);
            self.keep_nv();
            let mut shared = self.shared.borrow_mut();
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
