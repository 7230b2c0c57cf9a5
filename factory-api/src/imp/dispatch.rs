//! The imp's event loop: stepping the virtual clock, delivering each event (timers,
//! pins, messages, HTTP, replies, idle points) to its side's VM, and calling into it.

use super::*;
use crate::hardware::sampler::Filled;

impl Imp {
    /// Runs the next event, unless nothing is left or it lies beyond `limit`.
    pub(crate) fn step(&mut self, limit: Option<SimTime>) -> Option<Outcome> {
        let next = self.shared.borrow_mut().scheduler.next(limit);
        match next {
            Next::Event(event) => {
                self.clock_for(event.side(), true);
                self.dispatch(event);
            }
            Next::Idle(event) => {
                self.clock_for(Some(Side::Device), false);
                self.dispatch(event);
            }
            Next::Finished => return Some(Outcome::Finished),
            Next::LimitReached => return Some(Outcome::LimitReached),
        }
        None
    }

    /// Sets the clock for an event of `side` (`None`: the outside world's): its due
    /// time (`queued`; else the clock as it is), but not before that side's code is
    /// free again. After the device's `imp.sleep(2)` the agent's timer due a second
    /// in runs at 1 s, and the device's own events wait until 2 s.
    fn clock_for(&mut self, side: Option<Side>, queued: bool) {
        let mut shared = self.shared.borrow_mut();
        let at = if queued { shared.scheduler.due() } else { shared.now() };
        let free = side.map_or(SimTime::ZERO, |side| shared.side(side).busy_until);
        shared.scheduler.run_at(at.max(free));
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

    /// Calls the device's handler for a pin or a UART, registered under its name.
    pub(super) fn call_device_handler(&mut self, kind: Kind, name: &str) {
        let handler = self.with_vm(Side::Device, |vm| {
            let key = vm.string(name);
            callbacks::get(vm, kind, key)
        });
        if let Some(f) = handler.flatten() {
            self.call(Side::Device, f, &[]);
        }
    }

    pub(super) fn dispatch(&mut self, event: Event) {
        // Messages to a disconnected device are lost, not held for later.
        if matches!(event, Event::Message { to: Side::Device, .. }) && !self.device_connected() {
            return;
        }
        // An agent its device left behind hears nothing more from it.
        if matches!(event, Event::Message { .. } | Event::DeviceLink { .. }) && self.shared.borrow().agent_detached {
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
            Event::Request { incoming, from } => self.request(&incoming, from),
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
            Event::SamplerBuffer { generation, filled, due } if self.is_current(Side::Device, generation) => {
                self.sampler_buffer(filled, due)
            }
            Event::Usb { generation, device } if self.is_current(Side::Device, generation) => {
                let call = self.with_vm(Side::Device, |vm| bindings::usb::event(vm, device.as_ref())).flatten();
                if let Some((f, args)) = call {
                    self.call(Side::Device, f, &args);
                }
            }
            Event::WifiScan { generation } => {
                // The scan ends even if the Squirrel that started it has restarted since.
                let networks = {
                    let mut shared = self.shared.borrow_mut();
                    shared.wifi_scanning = false;
                    shared.ambient.networks.clone()
                };
                let call = self.with_vm(Side::Device, |vm| bindings::scan_finished(vm, &networks)).flatten();
                if let Some((f, list)) = call.filter(|_| self.is_current(Side::Device, generation)) {
                    self.call(Side::Device, f, &[list]);
                }
            }
            Event::AgentStops { generation, quiet_since } if self.is_current(Side::Agent, generation) => {
                self.stop_agent(quiet_since)
            }
            Event::SamplerBuffer { .. } | Event::Usb { .. } | Event::AgentStops { .. } => {}
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

    /// A sampler buffer is full (`filled`, after a stop) or due: the firmware's blob gets
    /// the samples and its callback runs; a running sampler's next buffer is queued.
    fn sampler_buffer(&mut self, filled: Option<Filled>, due: SimTime) {
        let filled = filled.or_else(|| {
            let mut shared = self.shared.borrow_mut();
            let board = &mut shared.board;
            let filled = board.sampler.due().filter(|d| *d == due).and_then(|_| board.sampler.fill(&board.pins));
            if filled.is_some() {
                bindings::sampler::schedule_next(&mut shared);
            }
            filled
        });
        let Some(filled) = filled else { return };
        if let Some((f, args)) = self.with_vm(Side::Device, |vm| bindings::sampler::deliver(vm, &filled)).flatten() {
            self.call(Side::Device, f, &args);
        }
    }

    /// Calls the one-shot callback waiting for an answer, if its VM still runs.
    pub(super) fn answer(&mut self, side: Side, generation: u32, callback: i64, value: impl FnOnce(&mut Vm) -> Value) {
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
    pub(super) fn http_answer(&mut self, generation: u32, callback: i64, mut response: HttpResponse) {
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

    /// A request to the agent's URL: its `http.onrequest` handler answers, or 404 when
    /// it has none, or 500 when it fails before answering (our choices).
    pub(super) fn request(&mut self, incoming: &Incoming, from: Requester) {
        let call = self.with_vm(Side::Agent, |vm| {
            let handler = callbacks::get(vm, Kind::Request, Value::Int(0))?;
            let (request, response) =
                (bindings::http::request_table(vm, incoming), bindings::http::new_response(vm, from.clone()));
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
            self.shared.borrow_mut().outbox.push(Outgoing::Reply { to: from, response });
        }
    }

    pub(super) fn apply_input(&mut self, input: InputEvent) {
        self.board_handle().apply_input(input);
    }

    pub(super) fn is_current(&self, side: Side, generation: u32) -> bool {
        self.shared.borrow().sides[side.index()].generation == generation
    }

    /// Runs `f` on a side's VM, if it has one (a crashed device has none until restart).
    pub(super) fn with_vm<T>(&mut self, side: Side, f: impl FnOnce(&mut Vm) -> T) -> Option<T> {
        self.running[side.index()].as_mut().map(|r| f(&mut r.vm))
    }

    /// Calls a script function with the root table as `this`; an error is uncaught.
    /// False when it failed.
    pub(super) fn call(&mut self, side: Side, f: Value, args: &[Value]) -> bool {
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
}
