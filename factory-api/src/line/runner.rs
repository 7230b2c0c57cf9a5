//! Running a line: the cloud set up as the description says (a product, a factory and
//! a DUT device group per stage, one production group, the firmware deployed to each,
//! the webhooks), one fixture imp per stage, and the units, one after another.
//!
//! The operator puts a unit in front of a stage's fixture and presses its button; the
//! fixture's BlinkUp enrols the unit into the stage's DUT group, the DUT firmware tests
//! it, blesses it (or not) and reports to the fixture. Everything goes through the
//! `World` and its `CloudBackend`; the runner only watches the world's milestones to
//! know when the operator moves on:
//! - a press that does not get a BlinkUp to the unit (the fixture ignores it while it
//!   throttles) is repeated after `retry_after`, up to `presses` times;
//! - a stage is over when the unit's agent has reported to the fixture's agent and its
//!   bless request, if it made one, has been answered; a blessed unit is watched until
//!   it has restarted into the application firmware;
//! - a unit that never reports (its firmware keeps crashing, say) is taken off after
//!   `give_up_after`.
//!
//! A unit that failed a stage leaves the line; one that left is retired from the world,
//! so the world holds the fixtures and one unit however long the line.

use super::description::{LineDescription, LineError, Stage};
use super::population::{self, UnitPlan};
use super::problems;
use super::report::{
    CloudEventReport, FixtureReport, LedChange, Millis, Reached, Report, StageReport, Summary, UnitEvent, UnitReport,
    Verdict, WebhookReport,
};
use crate::cloud::{
    CloudBackend, CloudError, CloudEvent, Code, DeviceCloud, DeviceId, GroupId, GroupType, Happening, HttpSink,
    MemoryCloud, NewAccount, NewGroup, SimTime, WebhookEvent,
};
use crate::hardware::script::{Action, InputEvent};
use crate::imp::identity::{Identity, ImpType};
use crate::world::{ImpId, Milestone, World, WorldError};
use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The account's unbond key (nothing on a line unbonds; the cloud wants one).
const UNBOND_KEY: &str = "line-unbond-key";
/// Fixtures' MACs start here, units' MACs after `UNIT_MAC` (unit 1 is `UNIT_MAC + 1`).
const FIXTURE_MAC: u64 = 0x0c2a_69f0_0000;
const UNIT_MAC: u64 = 0x0c2a_6900_0000;
/// A blessed unit stays in view this long after restarting into the application, so
/// the application's first lines are in its log.
const APPLICATION_SETTLE: Duration = Duration::from_secs(1);
/// A bouncing button's contacts open and close this far apart.
const BOUNCE: Duration = Duration::from_millis(5);
/// A unit whose connection drops loses it this long after enrolment: as its DUT
/// firmware starts, so its calls to the server wait for impOS to reconnect.
const DROP_AFTER_ENROLMENT: Duration = Duration::ZERO;
/// How long webhook deliveries may take when the line POSTs them.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(5);
/// A fixture works the whole line, flashing hundreds of BlinkUp levels per unit: its
/// pins keep only their latest changes, so a long line costs no more memory per unit.
const FIXTURE_TRACE: usize = 4096;

/// How far the line has got, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub blessed: usize,
}

/// A kept cloud a line runs against (`impish line --cloud`), in this process or over its
/// API: the fixture already in its factory group runs that group's deployment, DUTs
/// enrol into the group's DUT target and are blessed into its production target,
/// running those groups' deployments.
pub struct KeptCloud {
    pub cloud: Box<dyn DeviceCloud>,
    pub factory: GroupId,
}

/// What a run keeps of the units that have left the line. A long line keeps only what
/// its summary, table and problems need, so its memory does not grow with the units
/// already finished; the rest of each unit goes to `each` as it leaves (`--json`
/// streams it to its file).
pub struct Keep<'a> {
    /// Passing units kept in the report: the first ones. Rejected units, and any a
    /// problem names (an uncaught error, against prediction), are always kept.
    pub passing: usize,
    /// Kept units keep their logs, milestones and LED timelines (the HTML page draws them).
    pub timelines: bool,
    /// The report lists the cloud's events and webhooks.
    pub cloud_events: bool,
    /// The report has the fixtures' logs (else each fixture keeps none).
    pub fixture_logs: bool,
    /// Hears every unit, whole, as it leaves the line.
    pub each: &'a mut dyn FnMut(&UnitReport),
}

impl Keep<'_> {
    /// Every unit whole, and the cloud's events: the report of a short line or a test.
    pub fn everything(each: &mut dyn FnMut(&UnitReport)) -> Keep<'_> {
        Keep { passing: usize::MAX, timelines: true, cloud_events: true, fixture_logs: true, each }
    }
}

/// Runs the whole line on a cloud of its own and reports on it; `progress` hears after
/// every unit.
pub fn run(line: &LineDescription, progress: &mut dyn FnMut(Progress)) -> Result<Report, LineError> {
    run_on(line, None, progress)
}

/// Runs the whole line, on `kept` if given (the line's one stage then takes its firmware
/// from the cloud's deployments, and its injected bless failures are not injected).
pub fn run_on(
    line: &LineDescription,
    kept: Option<KeptCloud>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, LineError> {
    run_keeping(line, kept, Keep::everything(&mut |_| {}), progress)
}

/// Runs the whole line as `run_on` does, keeping of the finished units what `keep` says.
pub fn run_keeping(
    line: &LineDescription,
    kept: Option<KeptCloud>,
    keep: Keep,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, LineError> {
    let started = Instant::now();
    let mut plans =
        population::plan(line).map_err(|message| LineError::Population { file: line.file.clone(), message })?;
    let floor = match kept {
        None => Floor::set_up(line, &plans),
        Some(_) if line.stages.len() != 1 => {
            return Err(LineError::SetUp(format!("a line against a cloud has one stage, not {}", line.stages.len())))
        }
        Some(kept) => {
            // A kept cloud serves every bless request: no unit is planned to see one fail.
            plans.iter_mut().for_each(|plan| plan.bless_fails = false);
            Floor::set_up_on(line, kept)
        }
    };
    let mut floor = floor.map_err(|e| LineError::SetUp(e.to_string()))?;
    for station in &floor.stations {
        floor.world.imp_mut(station.fixture).set_log_kept(keep.fixture_logs);
    }
    let mut finished = Finished::new(keep);
    for (index, plan) in plans.iter().enumerate() {
        if index > 0 {
            floor.wait(line.operator.swap.0);
        }
        let unit = floor.run_unit(index, plan).map_err(|e| LineError::SetUp(e.to_string()))?;
        finished.add(unit);
        if let Some(events) = floor.world.cloud_mut().take_history() {
            finished.cloud(events);
        }
        progress(Progress { done: finished.processed, total: plans.len(), blessed: finished.blessed });
    }
    if !finished.history_read {
        // A kept cloud keeps its history: read it whole once the line is over.
        finished.cloud(floor.world.cloud().events().unwrap_or_default());
    }
    Ok(floor.report(finished, &plans, started))
}

/// The units that have left the line, as far as the report keeps them, and what the
/// summary counts of them all.
struct Finished<'a> {
    keep: Keep<'a>,
    units: Vec<UnitReport>,
    processed: usize,
    blessed: usize,
    escapes: usize,
    rejected_by_fault: BTreeMap<String, usize>,
    cloud_events: Vec<CloudEventReport>,
    webhooks: Vec<WebhookReport>,
    blessing_webhooks: usize,
    /// The cloud has handed its events over as they came.
    history_read: bool,
}

impl<'a> Finished<'a> {
    fn new(keep: Keep<'a>) -> Finished<'a> {
        Finished {
            keep,
            units: Vec::new(),
            processed: 0,
            blessed: 0,
            escapes: 0,
            rejected_by_fault: BTreeMap::new(),
            cloud_events: Vec::new(),
            webhooks: Vec::new(),
            blessing_webhooks: 0,
            history_read: false,
        }
    }

    fn add(&mut self, mut unit: UnitReport) {
        (self.keep.each)(&unit);
        self.processed += 1;
        self.blessed += usize::from(unit.blessed);
        self.escapes += usize::from(unit.escape);
        if !unit.blessed {
            let fault = unit.injected.clone().unwrap_or_else(|| "no injected fault".into());
            *self.rejected_by_fault.entry(fault).or_insert(0) += 1;
        }
        let named = !unit.blessed || unit.blessed != unit.expected_blessed || !unit.uncaught_errors.is_empty();
        if !(named || self.blessed <= self.keep.passing) {
            return;
        }
        if !self.keep.timelines {
            (unit.events, unit.led_timeline, unit.log) = (Vec::new(), Vec::new(), Vec::new());
        }
        self.units.push(unit);
    }

    /// Counts the cloud's events, and keeps them if the report lists them.
    fn cloud(&mut self, events: Vec<CloudEvent>) {
        self.history_read = true;
        for e in events {
            if let Happening::Webhook { url, event, payload, delivery, .. } = &e.what {
                self.blessing_webhooks += usize::from(*event == WebhookEvent::Blessing);
                if self.keep.cloud_events {
                    self.webhooks.push(WebhookReport {
                        at_ms: ms(e.at),
                        event: event.name(),
                        url: url.clone(),
                        payload: payload.iter().cloned().collect(),
                        delivery: delivery.as_ref().map(|d| match d {
                            Ok(status) => status.to_string(),
                            Err(why) => why.clone(),
                        }),
                    });
                }
            }
            if self.keep.cloud_events {
                self.cloud_events.push(CloudEventReport { at_ms: ms(e.at), what: e.what.to_string() });
            }
        }
    }
}

/// The unit unit `index` is: its identity, its MAC counted from `first_mac`.
fn unit_identity(imp_type: ImpType, first_mac: u64, index: usize) -> Identity {
    Identity::from_mac(imp_type, first_mac + index as u64 + 1)
}

/// A stage's station: its fixture.
struct Station {
    fixture: ImpId,
}

/// The factory floor: the world with its fixtures, and the production group.
struct Floor<'a> {
    line: &'a LineDescription,
    world: World<dyn DeviceCloud>,
    stations: Vec<Station>,
    production: GroupId,
    /// Whether blessed units restart into the production group's firmware.
    load_code_after_blessing: bool,
    /// Units' MACs count from here.
    unit_mac: u64,
    /// What the line did wrong beyond single units (a fixture that ignores its button).
    problems: Vec<String>,
}

/// The firmware as deployed, headed by a `#line` marker so errors name its file, not the
/// device group.
fn code(code: &super::description::Code) -> Code {
    Code { device: code.device.marked_source().into(), agent: code.agent.marked_source().into() }
}

fn ms(at: SimTime) -> Millis {
    at.as_millis() as Millis
}

impl<'a> Floor<'a> {
    fn set_up(line: &'a LineDescription, plans: &[UnitPlan]) -> Result<Floor<'a>, WorldError> {
        let mut cloud = MemoryCloud::new();
        let account = cloud.create_account(NewAccount::new("line", UNBOND_KEY))?;
        for (index, plan) in plans.iter().enumerate() {
            if plan.bless_fails {
                cloud.fail_next_bless(&DeviceId::new(&unit_identity(line.board.imp_type, UNIT_MAC, index).device_id));
            }
        }
        if line.cloud.deliver_webhooks {
            cloud.deliver_webhooks(Box::new(HttpSink::new(WEBHOOK_TIMEOUT)));
        }
        let (factory_kind, dut_kind, production_kind) = match line.test_zone {
            true => (GroupType::PreFactory, GroupType::PreDut, GroupType::PreProduction),
            false => (GroupType::Factory, GroupType::Dut, GroupType::Production),
        };
        let t0 = SimTime::ZERO;
        let product = cloud.create_product(account, &line.product)?;
        let production = NewGroup {
            load_code_after_blessing: line.load_code_after_blessing,
            ..NewGroup::new(product, "production", production_kind)
        };
        let production = cloud.create_group(production)?;
        cloud.deploy(production, code(&line.application).into(), t0)?;
        let mut factories = Vec::new();
        for stage in &line.stages {
            let factory =
                cloud.create_group(NewGroup::new(product, &format!("{} fixtures", stage.name), factory_kind))?;
            let dut = cloud.create_group(NewGroup::new(product, &format!("{} DUTs", stage.name), dut_kind))?;
            cloud.set_targets(factory, dut, production)?;
            cloud.deploy(factory, code(&stage.fixture).into(), t0)?;
            cloud.deploy(dut, code(&stage.dut).into(), t0)?;
            factories.push(factory);
        }
        for hook in &line.webhooks {
            cloud.add_webhook(production, hook.event, &hook.url, hook.content_type)?;
        }
        let mut world = World::new(Box::new(cloud) as Box<dyn DeviceCloud>);
        world.set_timing(line.timing.clone(), line.seed);
        let mut stations = Vec::new();
        for (index, (stage, factory)) in line.stages.iter().zip(factories).enumerate() {
            let identity = Identity::from_mac(ImpType::Imp005, FIXTURE_MAC + index as u64 + 1);
            let fixture = world.add_imp(&format!("fixture ({})", stage.name), identity, Some(factory))?;
            for pin in &mut world.imp_mut(fixture).board_mut().pins {
                pin.limit_trace(FIXTURE_TRACE);
            }
            stations.push(Station { fixture });
        }
        let load_code_after_blessing = line.load_code_after_blessing;
        Ok(Floor {
            line,
            world,
            stations,
            production,
            load_code_after_blessing,
            unit_mac: UNIT_MAC,
            problems: Vec::new(),
        })
    }

    /// The floor of a line against a kept cloud: its factory group's first fixture is
    /// the station; units take a random block of MACs, so runs and lines sharing the
    /// cloud do not collide.
    fn set_up_on(line: &'a LineDescription, kept: KeptCloud) -> Result<Floor<'a>, WorldError> {
        let factory = kept.cloud.group(kept.factory)?;
        let production = factory.production_target.ok_or(CloudError::MissingTarget(factory.id, "production"))?;
        let load_code_after_blessing = kept.cloud.group(production)?.load_code_after_blessing;
        let fixture = kept.cloud.devices_in(factory.id)?.into_iter().next();
        let fixture = fixture.ok_or(CloudError::NotAFactoryFixture(DeviceId::new("(none in the factory group)")))?;
        let imp_type = ImpType::from_name(&fixture.imp_type).unwrap_or(ImpType::Imp005);
        let mac = u64::from_str_radix(&fixture.mac, 16).map_err(|_| CloudError::UnknownDevice(fixture.id.clone()))?;
        let mut world = World::new(kept.cloud);
        // A kept cloud outlives the run: what the line tells it is stamped in real (Unix)
        // time, the line's time zero being when it started, as the server's own devices
        // stamp theirs.
        world.set_cloud_epoch(SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default());
        let station = world.add_imp(
            &format!("fixture ({})", line.stages[0].name),
            Identity::from_mac(imp_type, mac),
            Some(factory.id),
        )?;
        let unit_mac = UNIT_MAC + (fastrand::u64(..0xe0_0000) & !0xfff);
        let stations = vec![Station { fixture: station }];
        Ok(Floor { line, world, stations, production, load_code_after_blessing, unit_mac, problems: Vec::new() })
    }

    /// Time passes with nothing for the operator to do.
    fn wait(&mut self, duration: Duration) {
        let until = self.world.now() + duration;
        self.run_to(until, &mut Watch::default(), None);
    }

    /// Runs the world to `until`, noting the unit's milestones.
    fn run_to(&mut self, until: SimTime, watch: &mut Watch, unit: Option<(ImpId, ImpId)>) {
        while self.world.step(Some(until)) {
            self.absorb(watch, unit);
        }
        self.world.advance_to(until);
    }

    /// Runs the world until `done` holds for the unit's milestones, or to `limit`.
    fn run_until(&mut self, limit: SimTime, watch: &mut Watch, unit: (ImpId, ImpId), done: impl Fn(&Watch) -> bool) {
        while !done(watch) {
            if !self.world.step(Some(limit)) {
                self.world.advance_to(limit);
                return;
            }
            self.absorb(watch, Some(unit));
        }
    }

    /// Takes the world's milestones; the ones of `unit` (at its `fixture`) go into `watch`.
    fn absorb(&mut self, watch: &mut Watch, unit: Option<(ImpId, ImpId)>) {
        for milestone in self.world.take_milestones() {
            if let Some((_, fixture)) = unit.filter(|(unit, _)| milestone.imp == *unit) {
                let cloud = self.world.cloud();
                let name = |group: GroupId| cloud.group(group).map_or_else(|_| group.to_string(), |g| g.name.clone());
                watch.note(milestone, fixture, self.production, &name);
            }
        }
    }

    /// The operator presses `stage`'s button at `at` (bouncing first, if the operator does).
    fn press(&mut self, station: usize, stage: &Stage, at: SimTime) -> Result<(), WorldError> {
        let operator = &self.line.operator;
        let level = |at, level| InputEvent { at, pin: stage.button.clone(), action: Action::Drive(Some(level)) };
        let mut t = at;
        for _ in 0..operator.bounces {
            self.world.schedule_input(self.stations[station].fixture, level(t, 1.0))?;
            self.world.schedule_input(self.stations[station].fixture, level(t + BOUNCE, 0.0))?;
            t += BOUNCE * 2;
        }
        self.world.schedule_input(self.stations[station].fixture, level(t, 1.0))?;
        self.world.schedule_input(self.stations[station].fixture, level(t + operator.hold.0, 0.0))?;
        Ok(())
    }

    /// One unit, built with its plan's defect, through every stage it passes.
    fn run_unit(&mut self, index: usize, plan: &UnitPlan) -> Result<UnitReport, WorldError> {
        let line = self.line;
        let identity = unit_identity(line.board.imp_type, self.unit_mac, index);
        let device_id = identity.device_id.clone();
        let unit = self.world.add_imp(&format!("unit {}", index + 1), identity, None)?;
        let defect = plan.defect.map(|d| &line.population[d]);
        population::build(self.world.imp_mut(unit), &line.board, defect.map(|f| &f.defect))?;
        let placed = self.world.now();
        let mut record = Vec::new();
        let mut stages = Vec::new();
        let mut furthest = (Reached::BlinkUp, 0);
        let mut presses = plan.press_delays.iter().copied();
        for (s, stage) in line.stages.iter().enumerate() {
            if s > 0 {
                self.wait(line.operator.swap.0);
            }
            let drops = plan.drops_connection && s + 1 == line.stages.len();
            let (report, reached) = self.run_stage(unit, s, stage, drops, &mut presses, &mut record)?;
            furthest = furthest.max((reached, s));
            let passed = report.verdict == Verdict::Passed;
            stages.push(report);
            if !passed {
                break;
            }
        }
        let left = self.world.now();
        let failures = record.iter().flat_map(|w: &Watch| w.failures()).collect();
        let imp = self.world.retire(unit).expect("the unit was in the world until now");
        self.world.take_log();
        let cloud = self.world.cloud();
        let device = cloud.device(&DeviceId::new(&device_id))?;
        let in_production_group = device.group == Some(self.production);
        let ran_application = record.iter().any(|w| w.production_restart.is_some_and(|at| at <= left));
        let reached = match (device.blessed, ran_application) {
            (true, true) => (Reached::Application, furthest.1),
            (true, false) => (Reached::Blessed, furthest.1),
            _ => furthest,
        };
        let (led_timeline, led) = {
            let led = imp.status_led();
            let timeline = led.timeline().iter().map(|c| LedChange { at_ms: ms(c.at), color: c.color.name() });
            (timeline.collect::<Vec<_>>(), led.color_at(left).name())
        };
        let log = imp.log().iter().map(|l| l.to_string()).collect();
        let mut events: Vec<UnitEvent> = record.into_iter().flat_map(|w| w.events).collect();
        events.sort_by_key(|e| e.at_ms);
        let injected = match (defect, plan.bless_fails) {
            (Some(fault), _) => Some(fault.name.clone()),
            (None, true) => Some("failed bless request".to_string()),
            (None, false) => None,
        };
        Ok(UnitReport {
            unit: index + 1,
            device_id,
            injected,
            dropped_connection: plan.drops_connection,
            reached: reached.0,
            stage: line.stages[reached.1].name.clone(),
            stages,
            failures,
            led,
            led_timeline,
            blessed: device.blessed,
            in_production_group,
            escape: !device.blessed && (in_production_group || ran_application),
            expected_blessed: !plan.should_fail(),
            placed_ms: ms(placed),
            left_ms: ms(left),
            events,
            uncaught_errors: imp.uncaught_error_lines().to_vec(),
            log,
        })
    }

    /// One stage: place the unit, press until a BlinkUp enrols it, wait for its result
    /// (dropping its connection for a while just after enrolment, if it is to drop).
    fn run_stage(
        &mut self,
        unit: ImpId,
        s: usize,
        stage: &Stage,
        drops_connection: bool,
        delays: &mut impl Iterator<Item = Duration>,
        record: &mut Vec<Watch>,
    ) -> Result<(StageReport, Reached), WorldError> {
        let operator = &self.line.operator;
        let fixture = self.stations[s].fixture;
        let placed = self.world.now();
        self.world.place_dut(fixture, Some(unit));
        let mut watch =
            Watch { events: vec![event(placed, format!("placed in the {} fixture", stage.name))], ..Watch::default() };
        let (mut presses, mut first_press) = (0, None);
        while watch.blinkup.is_none() && presses < operator.presses.max(1) {
            let wait = if presses == 0 { operator.press_after.0 } else { Duration::ZERO };
            let at = self.world.now() + wait + delays.next().unwrap_or_default();
            self.press(s, stage, at)?;
            watch.events.push(event(at, "button pressed".into()));
            first_press.get_or_insert(at);
            presses += 1;
            let retry = at + operator.hold.0 + operator.retry_after.0;
            self.run_until(retry, &mut watch, (unit, fixture), |w| w.blinkup.is_some());
            self.check_button(fixture, stage);
        }
        if watch.blinkup.is_some() {
            let give_up = first_press.unwrap_or(placed) + operator.give_up_after.0;
            self.run_until(give_up, &mut watch, (unit, fixture), |w| w.enrolled.is_some());
        }
        if let Some(enrolled) = watch.enrolled {
            if drops_connection {
                let (at, outage) = (enrolled + DROP_AFTER_ENROLMENT, self.line.cloud.drop_for.0);
                self.world.imp_mut(unit).schedule_disconnect(at, outage);
                watch.events.push(event(at, format!("connection drops for {:.1} s", outage.as_secs_f64())));
            }
            let give_up = first_press.unwrap_or(placed) + operator.give_up_after.0;
            let load_code = self.load_code_after_blessing;
            self.run_until(give_up, &mut watch, (unit, fixture), |w| w.done_at(load_code).is_some());
            match watch.done_at(load_code) {
                Some(done) => self.run_to(done, &mut watch, Some((unit, fixture))),
                None => watch.events.push(event(self.world.now(), "no result: the operator gave up".into())),
            }
        }
        self.world.place_dut(fixture, None);
        let now = self.world.now();
        let verdict = watch.verdict(now);
        let reached = watch.reached(now);
        let tests_passed = watch.tests_passed();
        let report = StageReport {
            name: stage.name.clone(),
            verdict,
            tests_passed,
            presses,
            placed_ms: ms(placed),
            done_ms: ms(now),
        };
        record.push(watch);
        Ok((report, reached))
    }

    /// A fixture whose firmware does not read its button (not a digital input after a
    /// press) can never start a BlinkUp: a line problem, named once.
    fn check_button(&mut self, fixture: ImpId, stage: &Stage) {
        let imp = self.world.imp(fixture);
        let read = imp.board().pin(&stage.button).is_some_and(|pin| pin.mode().is_digital_input());
        let problem = format!(
            "the {} fixture's firmware does not read its button {} (not a digital input when the operator presses it)",
            stage.name, stage.button
        );
        if !read && !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    fn report(self, finished: Finished, plans: &[UnitPlan], started: Instant) -> Report {
        let fixtures: Vec<FixtureReport> = (self.line.stages.iter().zip(&self.stations))
            .map(|(stage, station)| {
                let imp = self.world.imp(station.fixture);
                let printed = imp.board().uart("uart0").map(|u| String::from_utf8_lossy(&u.sent_bytes()).into_owned());
                FixtureReport {
                    stage: stage.name.clone(),
                    device_id: imp.identity().device_id.clone(),
                    printed: printed.unwrap_or_default(),
                    uncaught_errors: imp.uncaught_error_lines().to_vec(),
                    log: imp.log().iter().map(|l| l.to_string()).collect(),
                }
            })
            .collect();
        let line_time_s = self.world.now().as_secs_f64();
        let wall_time_s = started.elapsed().as_secs_f64();
        let per = |n: usize, seconds: f64| if seconds > 0.0 { n as f64 / seconds } else { 0.0 };
        let problems = [self.problems, problems::of(&finished.units, &fixtures)].concat();
        let processed = finished.processed;
        let summary = Summary {
            problems,
            processed,
            blessed: finished.blessed,
            rejected: processed - finished.blessed,
            escapes: finished.escapes,
            expected_blessed: plans.iter().filter(|p| !p.should_fail()).count(),
            rejected_by_fault: finished.rejected_by_fault,
            blessing_webhooks: finished.blessing_webhooks,
            line_time_s,
            throughput_per_hour: per(processed, line_time_s) * 3600.0,
            wall_time_s,
            units_per_wall_second: per(processed, wall_time_s),
        };
        Report {
            line: self.line.file.clone(),
            product: self.line.product.clone(),
            seed: self.line.seed,
            stages: self.line.stages.iter().map(|s| s.name.clone()).collect(),
            units: finished.units,
            fixtures,
            cloud_events: finished.cloud_events,
            webhooks: finished.webhooks,
            summary,
        }
    }
}

fn event(at: SimTime, what: String) -> UnitEvent {
    UnitEvent { at_ms: ms(at), what }
}

/// What the world did for one unit at one stage.
#[derive(Default)]
struct Watch {
    blinkup: Option<SimTime>,
    enrolled: Option<SimTime>,
    bless_answer: Option<(SimTime, bool)>,
    /// What the firmware asked the cloud: `server.bless(passed, ...)`.
    bless_requested: Option<bool>,
    production_restart: Option<SimTime>,
    /// The unit's agent's report to the stage's fixture: when, and its body.
    report: Option<(SimTime, Vec<u8>)>,
    events: Vec<UnitEvent>,
}

impl Watch {
    /// Notes a milestone of the unit at `fixture`; `name` names device groups.
    fn note(&mut self, milestone: Milestone, fixture: ImpId, production: GroupId, name: &dyn Fn(GroupId) -> String) {
        use crate::world::Reached as World;
        let at = milestone.at;
        let what = match milestone.what {
            World::BlinkUpReceived { .. } => {
                self.blinkup = Some(at);
                "factory BlinkUp received".into()
            }
            World::Enrolled { group, .. } => {
                self.enrolled = Some(at);
                format!("enrolled into \"{}\" by factory BlinkUp", name(group))
            }
            World::EnrolmentRefused { why } => format!("enrolment refused: {why}"),
            World::BlessRequested { passed } => {
                self.bless_requested = Some(passed);
                format!("server.bless({passed})")
            }
            World::BlessAnswered { blessed } => {
                self.bless_answer = Some((at, blessed));
                (if blessed { "blessed" } else { "not blessed" }).into()
            }
            World::Restarted { group: Some(group) } if group == production => {
                self.production_restart = Some(at);
                "restarts into the application firmware".into()
            }
            World::Restarted { group } => {
                format!("restarts into {}", group.map_or("no code".to_string(), |g| format!("\"{}\"'s code", name(g))))
            }
            World::AgentRequest { to, body, .. } if to == fixture && self.report.is_none() => {
                self.report = Some((at, body));
                "reported to the fixture".into()
            }
            World::AgentRequest { method, .. } => format!("agent {method} to another agent"),
        };
        self.events.push(event(at, what));
    }

    /// When the stage is over for the operator, once it is known: the report is in, the
    /// bless request (if any) answered and, for a blessed unit whose production group
    /// loads code, the application started.
    fn done_at(&self, load_code_after_blessing: bool) -> Option<SimTime> {
        let mut at = self.report.as_ref()?.0;
        if self.bless_requested.is_some() {
            let (answered, blessed) = self.bless_answer?;
            at = at.max(answered);
            if blessed && load_code_after_blessing {
                at = at.max(self.production_restart? + APPLICATION_SETTLE);
            }
        }
        Some(at)
    }

    /// The report's body as JSON, when it is a JSON object.
    fn report_json(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        match serde_json::from_slice(&self.report.as_ref()?.1).ok()? {
            serde_json::Value::Object(fields) => Some(fields),
            _ => None,
        }
    }

    /// The failures the report lists (a `failures` array of strings).
    fn failures(&self) -> Vec<String> {
        let Some(fields) = self.report_json() else { return Vec::new() };
        let Some(serde_json::Value::Array(items)) = fields.get("failures") else { return Vec::new() };
        items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect()
    }

    /// The report's `passed` field.
    fn reported_passed(&self) -> Option<bool> {
        self.report_json()?.get("passed")?.as_bool()
    }

    /// The firmware's own verdict on its tests: what it asked `server.bless` for, or
    /// else what it reported.
    fn tests_passed(&self) -> Option<bool> {
        self.bless_requested.or_else(|| self.reported_passed())
    }

    /// The cloud's answer decides a blessing stage; otherwise the report's `passed`.
    fn verdict(&self, now: SimTime) -> Verdict {
        if self.enrolled.is_none() {
            return Verdict::NoBlinkUp;
        }
        if let Some((_, blessed)) = self.bless_answer.filter(|(at, _)| *at <= now) {
            return if blessed { Verdict::Passed } else { Verdict::Failed };
        }
        match (self.reported_passed(), &self.report) {
            (Some(true), _) => Verdict::Passed,
            (_, None) => Verdict::NoResult,
            (_, Some(_)) => Verdict::Failed,
        }
    }

    fn reached(&self, now: SimTime) -> Reached {
        match (self.enrolled, &self.report, self.bless_answer.filter(|(at, _)| *at <= now)) {
            (None, _, _) => Reached::BlinkUp,
            (Some(_), None, None) => Reached::Enrolled,
            _ => Reached::Tested,
        }
    }
}
