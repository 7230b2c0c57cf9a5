//! A world of imps bound to one cloud: a factory line in a box.
//!
//! Every imp is registered in the `CloudBackend` and runs its device group's current
//! deployment. The imps share one virtual clock: the world always runs the earliest
//! event of any imp (ties go to the imp added first), so a run is deterministic and
//! every log line, pin level and cloud event falls in time order.
//!
//! Imps ask the world for what lies outside them (`Outgoing`): factory tokens and
//! blessing from the cloud, BlinkUp light reaching the unit the world placed in front
//! of a fixture (`place_dut`), HTTP to other agents (routed locally, in virtual time)
//! or to the network (the `HttpClient`, off by default). The answers go back as events.
//! When the cloud moves a device to a group with code — enrolment, or blessing with
//! `load_code_after_blessing` (two seconds after the bless callback) — it restarts
//! into that group's deployment. A blessed unit gets no agent until an end user
//! activates it: its factory agent runs on, cut off, for 24 h.
//!
//! The factory's steps take time (`timing`): the token reaches the fixture, the DUT
//! joins the network after the flash (its LED green for 3 s), enrols, downloads its
//! group's code and restarts; the bless answer comes a round trip later. What the
//! cloud does later than the request that caused it (an enrolment once the DUT has
//! connected) waits in the world's own queue, run in time order with the imps' events.
//!
//! An imp's own clock may run ahead while a factory BlinkUp blocks it; requests that
//! reach it meanwhile wait until the flash is over (its agent waits too: the model has
//! one queue per imp).
//!
//! What the world does for imps is also recorded as `Milestone`s (enrolment, bless
//! requests and answers, restarts into a group's code, reports from one agent to
//! another), so a line simulation can follow each unit without reading its log. A unit
//! that has left the line is `retire`d: the world stays as small as the line.

use crate::cloud::{
    BlessOutcome, CloudBackend, CloudError, DeploymentId, DeviceCloud, DeviceId, GroupId, GroupType, LogEntry, LogKind,
    MemoryCloud, NewDevice, SimTime,
};
use crate::hardware::script::InputEvent;
use crate::imp::http::{HttpClient, Incoming, NoHttp};
use crate::imp::identity::{Identity, ImpType, Role};
use crate::imp::log::LogLine;
use crate::imp::wake;
use crate::imp::{BlinkUp, Event, Firmware, Imp, ImpConfig, Outcome, Outgoing, Reload, ReplyTo, Requester, UnknownPin};
use crate::timing::{Delays, FactoryTiming};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

/// What a fixture logs when the cloud will not give it a factory enrolment token
/// (imp-api.md §1.1: logged, never thrown).
pub const NOT_A_FACTORY_IMP: &str = "Factory BlinkUp request failed. This is not a factory imp.";

/// An imp in a world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ImpId(pub usize);

#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    #[error(transparent)]
    Cloud(#[from] CloudError),
    #[error("{0}")]
    Compile(#[from] impish_vm::Error),
    #[error(transparent)]
    UnknownPin(#[from] UnknownPin),
}

/// A log line and the imp that logged it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorldLine {
    pub imp: Rc<str>,
    pub line: LogLine,
}

impl fmt::Display for WorldLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.imp, self.line)
    }
}

/// Something the world did for an imp, at a simulated time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Milestone {
    pub at: SimTime,
    pub imp: ImpId,
    pub what: Reached,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reached {
    /// The unit received a fixture's factory BlinkUp (it connects and enrols next).
    BlinkUpReceived { fixture: ImpId },
    /// A fixture's BlinkUp enrolled the unit into a DUT group.
    Enrolled { group: GroupId, fixture: ImpId },
    /// The cloud refused the unit's enrolment (it stays where it was).
    EnrolmentRefused { why: String },
    /// The firmware called `server.bless(passed, ...)`.
    BlessRequested { passed: bool },
    /// The bless callback will run with `blessed` (at `at`).
    BlessAnswered { blessed: bool },
    /// The imp restarts (at `at`) into the code of `group` (`None`: no group, no code).
    Restarted { group: Option<GroupId> },
    /// The imp's agent sent an HTTP request to another imp's agent (a DUT reporting to
    /// its fixture, in the connected-factory flow).
    AgentRequest { to: ImpId, method: String, body: Vec<u8> },
}

struct Member {
    imp: Imp,
    /// The unit in front of this fixture's BlinkUp LED.
    dut: Option<ImpId>,
}

/// What the cloud does for an imp later than the request that caused it.
enum CloudStep {
    /// The unit that received `fixture`'s BlinkUp has connected: it enrols with the token.
    Enrol { dut: ImpId, fixture: ImpId, token: String },
}

/// A world on a cloud of type `C`: a whole backend by default (administration too), or
/// only what devices reach (`dyn DeviceCloud`, as a line against a remote cloud has).
pub struct World<C: ?Sized + DeviceCloud = dyn CloudBackend> {
    /// By id; retired imps leave, so ids are never reused.
    members: BTreeMap<usize, Member>,
    next_id: usize,
    cloud: Box<C>,
    client: Rc<RefCell<dyn HttpClient>>,
    log: Rc<RefCell<Vec<WorldLine>>>,
    /// Lines logged since the last step, on their way into the cloud's device logs.
    cloud_log: Rc<RefCell<Vec<LogEntry>>>,
    milestones: Vec<Milestone>,
    blinkup_duration: Option<Duration>,
    delays: Delays,
    /// The cloud's steps to come, by time (and order of arrival).
    pending: BTreeMap<(SimTime, u64), CloudStep>,
    next_step: u64,
    /// The time a quiet world has reached (`advance_to`), so imps added later start then.
    quiet_until: SimTime,
    /// The cloud's clock at the world's time zero: what the world tells the cloud is
    /// stamped in the cloud's time (a server's Unix time, for imps on real time).
    cloud_epoch: SimTime,
}

impl Default for World {
    /// A world on a fresh `MemoryCloud`.
    fn default() -> World {
        World::new(Box::new(MemoryCloud::new()))
    }
}

impl<C: ?Sized + DeviceCloud> World<C> {
    pub fn new(cloud: Box<C>) -> World<C> {
        World {
            members: BTreeMap::new(),
            next_id: 0,
            cloud,
            client: Rc::new(RefCell::new(NoHttp)),
            log: Rc::default(),
            cloud_log: Rc::default(),
            milestones: Vec::new(),
            blinkup_duration: None,
            delays: Delays::new(FactoryTiming::default(), 0),
            pending: BTreeMap::new(),
            next_step: 0,
            quiet_until: SimTime::ZERO,
            cloud_epoch: SimTime::ZERO,
        }
    }

    /// How long the factory's steps take, for imps present and to come; the jitter is
    /// drawn from `seed`.
    pub fn set_timing(&mut self, timing: FactoryTiming, seed: u64) {
        for member in self.members.values_mut() {
            member.imp.set_agent_lifetimes(timing.dut_agent_lifetime, timing.agent_lifetime);
        }
        self.delays = Delays::new(timing, seed);
    }

    /// Stamps what the world tells the cloud `epoch` later than the world's time (the
    /// cloud's time at the world's time zero).
    pub fn set_cloud_epoch(&mut self, epoch: SimTime) {
        self.cloud_epoch = epoch;
    }

    /// The cloud's time at the world's time `at`.
    fn cloud_time(&self, at: SimTime) -> SimTime {
        at + self.cloud_epoch
    }

    pub fn cloud(&self) -> &C {
        &self.cloud
    }

    /// The cloud, for administration (products, groups, deployments, webhooks).
    pub fn cloud_mut(&mut self) -> &mut C {
        &mut self.cloud
    }

    /// Registers a new imp in the cloud (unless it knows it), assigns it to `group` (if
    /// any and not there already) and boots it
    /// with that group's current deployment (no code, and no agent, otherwise). Its
    /// agent URL is the one the cloud gives it; `name` tags its log lines.
    pub fn add_imp(&mut self, name: &str, mut identity: Identity, group: Option<GroupId>) -> Result<ImpId, WorldError> {
        let id = DeviceId::new(&identity.device_id);
        let imp_type = identity.imp_type.name().to_string();
        // A kept cloud may know the imp already (a fixture assigned with impt).
        if self.cloud.device(&id).is_err() {
            let mac = identity.mac().to_string();
            self.cloud.register_device(NewDevice {
                id: id.clone(),
                mac,
                imp_type,
                name: name.into(),
                account: None,
            })?;
        }
        let now = self.now();
        if let Some(group) = group.filter(|g| self.cloud.device(&id).is_ok_and(|d| d.group != Some(*g))) {
            self.cloud.assign(&id, group, self.cloud_time(now))?;
        }
        identity.agent_url = self.cloud.device(&id)?.agent_url.clone();
        let (device, agent, role) = self.code_for(&id)?;
        // A device in no group has no agent until the cloud gives it one.
        let agent = group.map(|_| agent);
        let config = ImpConfig { agent, identity, role, started_at: now, ..ImpConfig::new(device) };
        let mut imp = Imp::new(config)?;
        imp.set_http_client(self.client.clone());
        if let Some(duration) = self.blinkup_duration {
            imp.set_blinkup_duration(duration);
        }
        let timing = &self.delays.timing;
        imp.set_agent_lifetimes(timing.dut_agent_lifetime, timing.agent_lifetime);
        let (log, tag): (_, Rc<str>) = (self.log.clone(), name.into());
        let (cloud_log, device, epoch) = (self.cloud_log.clone(), id.clone(), self.cloud_epoch);
        imp.set_log_sink(Box::new(move |line| {
            log.borrow_mut().push(WorldLine { imp: tag.clone(), line: line.clone() });
            let (at, kind, message) = (line.at + epoch, line.kind, line.message.clone());
            cloud_log.borrow_mut().push(LogEntry { at, device: device.clone(), kind, message });
        }));
        let id = ImpId(self.next_id);
        self.next_id += 1;
        self.members.insert(id.0, Member { imp, dut: None });
        Ok(id)
    }

    /// Takes an imp out of the world (a unit that left the line): it runs no more, and
    /// no fixture has it in front of it. Its device stays registered in the cloud.
    pub fn retire(&mut self, imp: ImpId) -> Option<Imp> {
        for member in self.members.values_mut() {
            if member.dut == Some(imp) {
                member.dut = None;
            }
        }
        self.members.remove(&imp.0).map(|m| m.imp)
    }

    /// Moves an imp to another group by hand (development and factory groups), and
    /// restarts it into that group's code.
    pub fn assign(&mut self, imp: ImpId, group: GroupId) -> Result<(), WorldError> {
        let id = self.device_id(imp);
        self.cloud.assign(&id, group, self.cloud_time(self.now()))?;
        self.restart(imp)
    }

    /// Restarts an imp into its group's current code (`impt dg restart`, or a new
    /// deployment to its group).
    pub fn restart(&mut self, imp: ImpId) -> Result<(), WorldError> {
        let now = self.now();
        let id = self.device_id(imp);
        let group = self.cloud.device(&id)?.group;
        let (device, agent, role) = self.code_for(&id)?;
        let reload = Reload { device, agent: group.map(|_| agent), role, reason: wake::NEW_SQUIRREL };
        self.post(imp.0, now, now, Event::Reload(Box::new(reload)));
        self.reached(now, imp, Reached::Restarted { group });
        Ok(())
    }

    /// Puts `dut` in front of `fixture`'s BlinkUp LED (`None`: the fixture is empty).
    pub fn place_dut(&mut self, fixture: ImpId, dut: Option<ImpId>) {
        if let Some(member) = self.members.get_mut(&fixture.0) {
            member.dut = dut;
        }
    }

    /// Where agents' requests to URLs outside the world go (by default nowhere).
    pub fn set_http_client(&mut self, client: Rc<RefCell<dyn HttpClient>>) {
        for member in self.members.values_mut() {
            member.imp.set_http_client(client.clone());
        }
        self.client = client;
    }

    /// How long factory BlinkUps flash, for imps present and to come.
    pub fn set_blinkup_duration(&mut self, duration: Duration) {
        for member in self.members.values_mut() {
            member.imp.set_blinkup_duration(duration);
        }
        self.blinkup_duration = Some(duration);
    }

    /// An imp of this world (retired imps are gone: asking for one is a bug).
    pub fn imp(&self, imp: ImpId) -> &Imp {
        &self.member(imp).imp
    }

    /// The imp, to attach bus devices, wire pins or fault parts.
    pub fn imp_mut(&mut self, imp: ImpId) -> &mut Imp {
        &mut self.member_mut(imp).imp
    }

    fn member(&self, imp: ImpId) -> &Member {
        self.members.get(&imp.0).unwrap_or_else(|| panic!("imp {} is not in this world", imp.0))
    }

    fn member_mut(&mut self, imp: ImpId) -> &mut Member {
        self.members.get_mut(&imp.0).unwrap_or_else(|| panic!("imp {} is not in this world", imp.0))
    }

    pub fn schedule_input(&mut self, imp: ImpId, input: InputEvent) -> Result<(), WorldError> {
        Ok(self.member_mut(imp).imp.schedule_input(input)?)
    }

    /// The time of the world: the latest any imp has reached.
    pub fn now(&self) -> SimTime {
        self.members.values().map(|m| m.imp.now()).fold(self.quiet_until, SimTime::max)
    }

    /// The milestones recorded since the last call, in the order the world saw them.
    pub fn take_milestones(&mut self) -> Vec<Milestone> {
        std::mem::take(&mut self.milestones)
    }

    /// The log lines recorded since the last call (in the order logged).
    pub fn take_log(&mut self) -> Vec<WorldLine> {
        std::mem::take(&mut *self.log.borrow_mut())
    }

    fn reached(&mut self, at: SimTime, imp: ImpId, what: Reached) {
        self.milestones.push(Milestone { at, imp, what });
    }

    /// Every imp's log lines in time order (lines at one instant in the order logged).
    pub fn log(&self) -> Vec<WorldLine> {
        let mut lines = self.log.borrow().clone();
        lines.sort_by_key(|l| l.line.at);
        lines
    }

    /// Runs the earliest event of any imp, again and again, until nothing is left or
    /// the clock reaches `limit`.
    pub fn run_until(&mut self, limit: Option<SimTime>) -> Outcome {
        while self.step(limit) {}
        match limit {
            Some(limit) if self.next_time().is_some() => {
                self.advance_to(limit);
                Outcome::LimitReached
            }
            _ => Outcome::Finished,
        }
    }

    /// Runs the earliest event of any imp, if one is due by `limit`; false when none is.
    /// A caller that watches milestones steps, to stop at the event it waits for.
    pub fn step(&mut self, limit: Option<SimTime>) -> bool {
        let Some((at, index)) = self.next_event() else { return false };
        if limit.is_some_and(|limit| at > limit) {
            return false;
        }
        match index {
            Some(index) => {
                self.member_mut(ImpId(index)).imp.step(None);
                self.serve(index);
            }
            None => {
                if let Some(((at, _), step)) = self.pending.pop_first() {
                    self.cloud_step(at, step);
                }
            }
        }
        for entry in self.cloud_log.take() {
            // Logs are best effort, as impCentral's: a line the store refuses is dropped.
            let _ = self.cloud.log(entry);
        }
        true
    }

    /// When the next event of any imp is due.
    pub fn next_time(&mut self) -> Option<SimTime> {
        self.next_event().map(|(at, _)| at)
    }

    /// The earliest event's time and imp (ties go to the imp added first), or `None`
    /// for a step of the cloud's own, which goes before imps' events at its time.
    fn next_event(&mut self) -> Option<(SimTime, Option<usize>)> {
        let imps = (self.members.iter_mut()).filter_map(|(&i, m)| m.imp.next_time().map(|at| (at, Some(i))));
        let cloud = self.pending.keys().next().map(|&(at, _)| (at, None));
        imps.chain(cloud).min_by_key(|&(at, index)| (at, index.is_some(), index))
    }

    /// Brings every imp's clock up to `at`, with nothing run (time passing on a quiet
    /// line; call when no event is due before `at`).
    pub fn advance_to(&mut self, at: SimTime) {
        self.quiet_until = self.quiet_until.max(at);
        for member in self.members.values_mut() {
            member.imp.advance_to(at);
        }
    }

    pub fn run_for(&mut self, duration: Duration) -> Outcome {
        let limit = self.now() + duration;
        self.run_until(Some(limit))
    }

    fn device_id(&self, imp: ImpId) -> DeviceId {
        DeviceId::new(&self.imp(imp).identity().device_id)
    }

    /// Queues `event` for imp `index` at `at`, the world's time being `now` (nothing,
    /// when the imp has been retired).
    fn post(&mut self, index: usize, now: SimTime, at: SimTime, event: Event) {
        if let Some(member) = self.members.get_mut(&index) {
            member.imp.post(now, at, event);
        }
    }

    /// The code and role a device gets in its current group.
    fn code_for(&self, id: &DeviceId) -> Result<(Firmware, Firmware, Role), WorldError> {
        let device = self.cloud.device(id)?;
        let Some(group) = device.group.map(|g| self.cloud.group(g)).transpose()? else {
            return Ok((blank("device"), blank("agent"), Role::Plain));
        };
        let role = match group.kind {
            GroupType::Factory | GroupType::PreFactory => Role::Fixture,
            GroupType::Dut | GroupType::PreDut => match &device.fixture {
                Some(fixture) => Role::Dut { fixture: self.identity_of(fixture)? },
                None => Role::Plain,
            },
            _ => Role::Plain,
        };
        let (device, agent) = self.deployment_code(group.current_deployment, &group.name);
        Ok((device, agent, role))
    }

    /// A deployment's device and agent code, named after the group (no code without one).
    fn deployment_code(&self, deployment: Option<DeploymentId>, group: &str) -> (Firmware, Firmware) {
        match deployment.and_then(|d| self.cloud.deployment(d).ok()) {
            Some(d) => (
                Firmware { name: format!("{group}.device.nut"), source: d.code.device.to_string() },
                Firmware { name: format!("{group}.agent.nut"), source: d.code.agent.to_string() },
            ),
            None => (blank("device"), blank("agent")),
        }
    }

    /// The identity a DUT's configparams name for its fixture.
    fn identity_of(&self, fixture: &DeviceId) -> Result<Identity, WorldError> {
        if let Some(member) = self.members.values().find(|m| *m.imp.identity().device_id == *fixture.0) {
            return Ok(member.imp.identity().clone());
        }
        let d = self.cloud.device(fixture)?;
        let imp_type = ImpType::from_name(&d.imp_type).unwrap_or(ImpType::Imp005);
        Ok(Identity { imp_type, device_id: d.id.to_string(), agent_url: d.agent_url.clone() })
    }

    /// Handles what imp `index` asked for during its last event.
    fn serve(&mut self, index: usize) {
        let Some(member) = self.members.get_mut(&index) else { return };
        let (outbox, now) = (member.imp.take_outbox(), member.imp.now());
        let id = DeviceId::new(&member.imp.identity().device_id);
        let me = ImpId(index);
        for request in outbox {
            match request {
                Outgoing::TokenRequest(mut blinkup) => match self.cloud.factory_token(&id, self.cloud_time(now)) {
                    Ok(token) => {
                        blinkup.token = Some(token);
                        let at = now + self.delays.draw(self.delays.timing.token);
                        self.post(index, now, at, Event::BlinkUp(blinkup));
                    }
                    Err(_) => self.imp_mut(me).log_line(LogKind::ServerError, NOT_A_FACTORY_IMP.into()),
                },
                Outgoing::BlinkUpSent { blinkup, started } => self.blinkup_reaches(me, blinkup, started, now),
                Outgoing::Bless { passed, generation, callback } => {
                    self.reached(now, me, Reached::BlessRequested { passed });
                    let answer_at = now + self.delays.draw(self.delays.timing.bless);
                    let blessed = match self.cloud.bless(&id, passed, self.cloud_time(now)) {
                        Ok(BlessOutcome::Blessed { load_code_after_blessing, deployment, production_group }) => {
                            if load_code_after_blessing {
                                let name =
                                    self.cloud.group(production_group).map(|g| g.name.clone()).unwrap_or_default();
                                let (device, _) = self.deployment_code(deployment, &name);
                                // No agent until an end user activates the unit.
                                let reload =
                                    Reload { device, agent: None, role: Role::Plain, reason: wake::NEW_SQUIRREL };
                                let at = answer_at + self.delays.draw(self.delays.timing.application_restart);
                                self.post(index, now, at, Event::Reload(Box::new(reload)));
                                self.reached(at, me, Reached::Restarted { group: Some(production_group) });
                            }
                            true
                        }
                        Ok(BlessOutcome::TestsFailed) => false,
                        Err(e) => {
                            self.imp_mut(me).log_line(LogKind::Status, format!("Blessing failed: {e}"));
                            false
                        }
                    };
                    self.post(index, now, answer_at, Event::Blessed { generation, callback, blessed });
                    self.reached(answer_at, me, Reached::BlessAnswered { blessed });
                }
                Outgoing::Http { request, generation, callback } => {
                    let reply = ReplyTo { imp: index, generation, callback };
                    let target = self.members.iter().find_map(|(&i, m)| {
                        Incoming::for_agent(&request, &m.imp.identity().agent_url).map(|incoming| (i, incoming))
                    });
                    match target {
                        Some((to, incoming)) => {
                            let (method, body) = (request.method.clone(), request.body.clone());
                            self.reached(now, me, Reached::AgentRequest { to: ImpId(to), method, body });
                            self.post(to, now, now, Event::Request { incoming, from: Requester::Agent(reply) });
                        }
                        None => {
                            let response = self.client.borrow_mut().send(&request);
                            self.post(index, now, now, Event::Response { reply, response });
                        }
                    }
                }
                Outgoing::Reply { to: Requester::Agent(reply), response } => {
                    self.post(reply.imp, now, now, Event::Response { reply, response })
                }
                Outgoing::Reply { to: Requester::Outside(request), response } => {
                    self.imp_mut(me).log_line(LogKind::Status, answered(&request, &response))
                }
            }
        }
    }

    /// A fixture's BlinkUp light reaches the unit in front of it: its LED shows the
    /// flash, then green for 3 s; the unit joins the network and enrols with the token
    /// later (`cloud_step`).
    fn blinkup_reaches(&mut self, fixture: ImpId, blinkup: BlinkUp, started: SimTime, now: SimTime) {
        let Some(dut) = self.member(fixture).dut.filter(|dut| self.members.contains_key(&dut.0)) else {
            let message = "Factory BlinkUp sent, but no device is in front of the fixture".to_string();
            return self.imp_mut(fixture).log_line(LogKind::Status, message);
        };
        let member = self.imp_mut(dut);
        member.advance_to(now);
        member.status_led_mut().blinkup_started(started);
        member.status_led_mut().blinkup_succeeded(now);
        member.network_mut().wifi_ssid = Some(blinkup.ssid);
        self.reached(now, dut, Reached::BlinkUpReceived { fixture });
        let timing = &self.delays.timing;
        let (connect, enrol) = (timing.connect, timing.enrol);
        let at = now + self.delays.draw(connect) + self.delays.draw(enrol);
        let token = blinkup.token.unwrap_or_default();
        self.pending.insert((at, self.next_step), CloudStep::Enrol { dut, fixture, token });
        self.next_step += 1;
    }

    /// The cloud's step at `at`. An enrolled unit downloads the DUT group's code and
    /// restarts into it; a refusal (a blessed unit) is logged on the unit.
    fn cloud_step(&mut self, at: SimTime, step: CloudStep) {
        let CloudStep::Enrol { dut, fixture, token } = step;
        if !self.members.contains_key(&dut.0) {
            return;
        }
        self.imp_mut(dut).advance_to(at);
        let id = self.device_id(dut);
        let enrolled = self.cloud.enrol(&token, &id, self.cloud_time(at));
        match enrolled.map_err(WorldError::from).and_then(|enrolment| {
            let (device, agent, role) = self.code_for(&id)?;
            Ok((enrolment, Reload { device, agent: Some(agent), role, reason: wake::NEW_SQUIRREL }))
        }) {
            Ok((enrolment, reload)) => {
                let message =
                    format!("Factory BlinkUp: enrolled into {} by fixture {}", enrolment.group, enrolment.fixture);
                self.imp_mut(dut).log_line(LogKind::Status, message);
                self.reached(at, dut, Reached::Enrolled { group: enrolment.group, fixture });
                let start = at + self.delays.draw(self.delays.timing.download);
                self.post(dut.0, at, start, Event::Reload(Box::new(reload)));
                self.reached(start, dut, Reached::Restarted { group: Some(enrolment.group) });
            }
            Err(e) => {
                let why = e.to_string();
                self.imp_mut(dut).log_line(LogKind::Status, format!("Factory BlinkUp refused: {why}"));
                self.reached(at, dut, Reached::EnrolmentRefused { why });
            }
        }
    }
}

/// The log line for the agent's answer to an outside request (`GET /status`):
/// `GET /status answered 200: {"ok":true}`.
fn answered(request: &str, response: &crate::imp::http::HttpResponse) -> String {
    format!("{request} answered {}: {}", response.status, String::from_utf8_lossy(&response.body))
}

fn blank(side: &str) -> Firmware {
    Firmware { name: format!("(no {side} code)"), source: String::new() }
}

/// What an imp running alone asked for: there is no cloud, so factory calls are
/// refused as the cloud would refuse a device in no group; HTTP reaches its own agent
/// or its client.
pub(crate) fn serve_alone(imp: &mut Imp) {
    for request in imp.take_outbox() {
        let now = imp.now();
        match request {
            Outgoing::TokenRequest(_) => imp.log_line(LogKind::ServerError, NOT_A_FACTORY_IMP.into()),
            Outgoing::BlinkUpSent { .. } => {}
            Outgoing::Bless { generation, callback, .. } => {
                let why = CloudError::NotADut(DeviceId::new(&imp.identity().device_id));
                imp.log_line(LogKind::Status, format!("Blessing failed: {why}"));
                let at = now + FactoryTiming::default().bless;
                imp.post(now, at, Event::Blessed { generation, callback, blessed: false });
            }
            Outgoing::Http { request, generation, callback } => {
                let reply = ReplyTo { imp: 0, generation, callback };
                let agent_url = imp.identity().agent_url.clone();
                let event = match Incoming::for_agent(&request, &agent_url) {
                    Some(incoming) => Event::Request { incoming, from: Requester::Agent(reply) },
                    None => Event::Response { reply, response: imp.http_client().borrow_mut().send(&request) },
                };
                imp.post(now, now, event);
            }
            Outgoing::Reply { to: Requester::Agent(reply), response } => {
                imp.post(now, now, Event::Response { reply, response })
            }
            Outgoing::Reply { to: Requester::Outside(request), response } => {
                imp.log_line(LogKind::Status, answered(&request, &response))
            }
        }
    }
}
