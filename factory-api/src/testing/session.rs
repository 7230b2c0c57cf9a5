//! One test session: a test file's build on a fresh imp in virtual time, followed the
//! way impt follows a device's log stream. The runner in the tested VM reports through
//! a native. `server.error`/`agent.error` lines are shown as test lines but fail nothing
//! (impt's helper only prints them; before the session starts they are warnings); a
//! device restarted by an uncaught error, a disconnection (unless allowed), or a
//! session that goes silent longer than the timeout, or never starts, fails.

use super::assembly::Build;
use super::discovery::TestFile;
use super::results::{Counts, Line, SessionReport, Tag, TestOutcome};
use super::testbench::{LateBoard, Testbench};
use crate::cloud::{LogKind, SimTime};
use crate::imp::identity::{Identity, ImpType};
use crate::imp::{Imp, ImpConfig, Outcome, Side, VmSetup};
use impish_vm::{Args, Fail, Value, Vm};
use std::cell::{OnceCell, RefCell};
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

/// How long a session may take to start (impt's watchdog).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long after the agent the device boots in a session with agent code: impt deploys,
/// the agent restarts at once, and the device downloads the code and restarts [U: not
/// documented]. MessageManager's partner tests bound it: the device's handlers must be up
/// (1.0 s after its boot) before the agent test's first message (2.5 s after the agent's),
/// and its first message (1.5 s after boot) must come after the agent test listens (2 s):
/// between 0.5 and 1.5 s; its configuration calls the two sides "cannot start
/// simultaneously".
pub const DEVICE_RESTART_AFTER_DEPLOY: Duration = Duration::from_secs(1);
/// Silence allowed beyond the test timeout before the session counts as hung (impt's).
const EXTRA_TIMEOUT: Duration = Duration::from_secs(5);

/// The settings a session needs from the configuration.
pub struct SessionSettings<'a> {
    pub home: &'a Path,
    pub timeout: f64,
    pub allow_disconnect: bool,
    /// Show the imp's whole log (device, agent and status lines) among the test lines.
    pub show_log: bool,
    pub imp_type: ImpType,
    /// Instructions one callback may run; `None`: no limit.
    pub instruction_budget: Option<u64>,
    /// The device's memory limit over the imp type's free memory.
    pub memory_limit: Option<usize>,
}

/// A message from the runner: impUnit's message types.
struct Report {
    at: SimTime,
    /// How many log lines came before it.
    log_position: usize,
    kind: String,
    /// The value as impt shows it: strings as they are, anything else as JSON.
    text: Option<String>,
    /// The value as JSON (impt shows `info()` messages so).
    json: String,
    counts: Option<Counts>,
    /// Where the failing test raised its failure (`TEST_TRACE`).
    trace: Option<Trace>,
}

/// A failing test method's call stack, innermost first, without the framework's frames.
struct Trace {
    /// An error raised by the code (not by an assertion).
    runtime_error: bool,
    stack: Vec<String>,
}

type Reports = Rc<RefCell<Vec<Report>>>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Ready,
    Started,
    Finished,
}

/// Follows one session, turning what happens into outcomes and transcript lines.
struct Follower<'a> {
    report: SessionReport,
    settings: &'a SessionSettings<'a>,
    state: State,
    /// The outcome of the item that is running.
    running: Option<usize>,
    /// The device's last runtime error while the running item ran, with its call stack:
    /// what failed it if the device restarts.
    device_error: Option<(String, Vec<String>)>,
}

/// Runs `build` (assembled for `file`) and reports.
pub fn run(file: &TestFile, build: &Build, settings: &SessionSettings) -> SessionReport {
    let mut follower = Follower::new(file, settings);
    let board: LateBoard = Rc::new(OnceCell::new());
    let reports: Reports = Rc::default();
    let setup = vm_setup(file.side, settings.memory_limit, board.clone(), reports.clone());
    let config = ImpConfig {
        agent: build.agent.clone(),
        setup_vm: Some(setup),
        identity: Identity { imp_type: settings.imp_type, ..Identity::default() },
        instruction_budget: settings.instruction_budget,
        device_boot_delay: if build.agent.is_some() { DEVICE_RESTART_AFTER_DEPLOY } else { Duration::ZERO },
        ..ImpConfig::new(build.device.clone())
    };
    let mut imp = match Imp::new(config) {
        Ok(imp) => imp,
        Err(e) => {
            follower.session_error(SimTime::ZERO, e.to_string());
            return follower.report;
        }
    };
    // Set once, right after the imp is made: nothing has run yet.
    let _ = board.set(imp.board_handle());
    let (mut seen_lines, mut uncaught) = (0, 0);
    let mut deadline = STARTUP_TIMEOUT;
    while follower.state != State::Finished {
        let stopped = imp.step(Some(deadline));
        crate::world::serve_alone(&mut imp);
        // The step's log lines and reports, in the order they happened.
        let lines: Vec<(SimTime, LogKind, String)> =
            imp.log()[seen_lines..].iter().map(|l| (l.at, l.kind, l.message.clone())).collect();
        let mut new_reports = reports.borrow_mut().drain(..).collect::<Vec<Report>>().into_iter().peekable();
        let device_errors = lines.iter().any(|(_, kind, _)| *kind == LogKind::ServerError);
        for (index, (at, kind, message)) in lines.into_iter().enumerate() {
            while let Some(report) = new_reports.next_if(|r| r.log_position <= seen_lines + index) {
                deadline = follower.on_report(report, settings.timeout);
            }
            follower.log_line(at, kind, message);
        }
        for report in new_reports {
            deadline = follower.on_report(report, settings.timeout);
        }
        seen_lines = imp.log().len();
        if imp.uncaught_errors() != uncaught {
            uncaught = imp.uncaught_errors();
            // The device's Squirrel is gone after its own error: it restarts.
            let device_down = device_errors && !imp.vm_stats(0).iter().any(|(side, _)| *side == Side::Device);
            if file.side == Side::Device && device_down {
                let why = match follower.state {
                    State::Ready => "The device restarted after an uncaught error before the tests started",
                    _ => "The device restarted after an uncaught error; the session ended",
                };
                follower.device_restarted(imp.now(), why);
            }
        }
        match stopped {
            _ if follower.state == State::Finished => {}
            Some(Outcome::Finished) => {
                let why = "Nothing is left to run, but the session has not finished";
                follower.session_error(imp.now(), why.into());
            }
            Some(Outcome::LimitReached) => {
                let why =
                    if follower.state == State::Ready { "Session startup timed out" } else { "Testing timed out" };
                follower.session_error(deadline, why.into());
            }
            None => {}
        }
    }
    follower.report.duration = imp.now();
    follower.report
}

/// Every VM gets the test bench; the tested side also gets the runner's reporter.
fn vm_setup(tested: Side, memory_limit: Option<usize>, board: LateBoard, reports: Reports) -> VmSetup {
    let bench = Testbench::new(board.clone());
    Rc::new(move |side, vm: &mut Vm| {
        bench.install(vm);
        if let (Side::Device, Some(limit)) = (side, memory_limit) {
            // Without the counting allocator the limit cannot be enforced, as the
            // imp type's own cannot (see `Imp::start`).
            let _ = vm.set_memory_limit(Some(limit));
        }
        if side == tested {
            install_reporter(vm, board.clone(), reports.clone());
        }
    })
}

/// `__impish_report(type, value)`, which the framework's runner calls.
fn install_reporter(vm: &mut Vm, board: LateBoard, reports: Reports) {
    install_try(vm, board.clone(), reports.clone());
    let report = move |vm: &mut Vm, args: Args| -> Result<Value, Fail> {
        let kind = vm.str_bytes(args.get(vm, 1)).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
        let value = args.get(vm, 2);
        let json = json_text(vm, value);
        let text = match value {
            Value::Null => None,
            v => Some(vm.str_bytes(v).map_or_else(|| json.clone(), |b| String::from_utf8_lossy(b).into_owned())),
        };
        let counts = (kind == "SESSION_RESULT").then(|| {
            let count = |vm: &mut Vm, name: &str| {
                let key = vm.string(name);
                match vm.table_get(value, key) {
                    Some(Value::Int(n)) => n,
                    _ => 0,
                }
            };
            Counts { tests: count(vm, "tests"), assertions: count(vm, "assertions"), failures: count(vm, "failures") }
        });
        let (at, log_position) = board.get().map_or((SimTime::ZERO, 0), |b| (b.now(), b.log_len()));
        reports.borrow_mut().push(Report { at, log_position, kind, text, json, counts, trace: None });
        Ok(Value::Null)
    };
    let native = vm.new_native_with("__impish_report", Rc::new(report), 3, Some("..."), Vec::new());
    vm.set_global("__impish_report", native);
}

/// `__impish_try(f, this)`: `{ok = true, value = f's result}`, or, when `f` fails,
/// `{ok = false, value = the error}` after reporting where it was raised (`TEST_TRACE`).
fn install_try(vm: &mut Vm, board: LateBoard, reports: Reports) {
    let attempt = move |vm: &mut Vm, args: Args| -> Result<Value, Fail> {
        let (f, this) = (args.get(vm, 1), args.get(vm, 2));
        let result = vm.call(f, this, &[]);
        let outcome = vm.new_table();
        let (ok, value) = match result {
            Ok(value) => (true, value),
            Err(impish_vm::Error::Runtime(e)) => {
                let framework = |file: &str| file == super::assembly::FRAMEWORK_PATH;
                // An assertion throws from inside the framework; anything else is the code's error.
                let runtime_error = e.stack.first().is_none_or(|f| !framework(&f.file));
                let stack = e.stack.iter().filter(|f| !framework(&f.file));
                let stack = stack.map(|f| format!("{} {}:{}", f.function, f.file, f.line)).collect();
                let (at, log_position) = board.get().map_or((SimTime::ZERO, 0), |b| (b.now(), b.log_len()));
                let trace = Some(Trace { runtime_error, stack });
                let kind = "TEST_TRACE".to_string();
                reports.borrow_mut().push(Report {
                    at,
                    log_position,
                    kind,
                    text: None,
                    json: String::new(),
                    counts: None,
                    trace,
                });
                let text = if e.message == "unknown" { e.value } else { e.message };
                (false, vm.string(&text))
            }
            Err(e) => return Err(vm.error(e.to_string())),
        };
        for (key, value) in [("ok", Value::Bool(ok)), ("value", value)] {
            let key = vm.string(key);
            vm.table_set(outcome, key, value);
        }
        Ok(outcome)
    };
    let native = vm.new_native_with("__impish_try", Rc::new(attempt), 3, Some("..."), Vec::new());
    vm.set_global("__impish_try", native);
}

/// A value as compact JSON, or as Squirrel describes it when it is not data.
fn json_text(vm: &Vm, value: Value) -> String {
    crate::imp::json::encode(vm, value, true)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_else(|_| vm.describe(value))
}

impl<'a> Follower<'a> {
    fn new(file: &TestFile, settings: &'a SessionSettings<'a>) -> Follower<'a> {
        let report = SessionReport {
            file: file.clone(),
            name: file.name.clone(),
            outcomes: Vec::new(),
            counts: None,
            error: None,
            skipped: false,
            lines: Vec::new(),
            duration: SimTime::ZERO,
        };
        Follower { report, settings, state: State::Ready, running: None, device_error: None }
    }

    fn line(&mut self, at: SimTime, tag: Tag, text: String) {
        self.report.lines.push(Line { at, tag, text });
    }

    /// The device restarted after an uncaught error: the running test fails with that
    /// error and its call stack, and the session ends.
    fn device_restarted(&mut self, at: SimTime, why: &str) {
        if let (Some(running), Some((error, stack))) = (self.running, self.device_error.take()) {
            let outcome = &mut self.report.outcomes[running];
            if outcome.failure.is_none() {
                outcome.failure = Some(error);
                outcome.runtime_error = true;
                outcome.stack = stack;
            }
        }
        self.session_error(at, why.into());
    }

    /// The session cannot go on: the running test (if any) fails with `why`, and so
    /// does the session.
    fn session_error(&mut self, at: SimTime, why: String) {
        self.line(at, Tag::Error, why.clone());
        if let Some(running) = self.running.take() {
            let outcome = &mut self.report.outcomes[running];
            outcome.failure.get_or_insert_with(|| why.clone());
            outcome.ended = Some(at);
        }
        self.report.error.get_or_insert(why);
        self.finish(at);
    }

    fn finish(&mut self, at: SimTime) {
        if self.state == State::Finished {
            return;
        }
        self.state = State::Finished;
        let verdict = if self.report.succeeded() { "succeeded" } else { "failed" };
        let text = format!("Session \"{}\" {verdict}", self.report.name);
        self.line(at, Tag::Test, text);
    }

    /// An error line of the log (`server.error`, `agent.error`, an uncaught error and
    /// its call stack), or a disconnection.
    fn log_line(&mut self, at: SimTime, kind: LogKind, message: String) {
        if let Some(running) = self.running {
            let line = crate::imp::log::LogLine { at, kind, message: message.clone() };
            self.report.outcomes[running].log.push(line.to_string());
        }
        if kind == LogKind::ServerError && self.state == State::Started && self.running.is_some() {
            // An uncaught error's call stack follows it, a line a frame.
            match message.strip_prefix("  in ").or(message.strip_prefix("  from ")) {
                Some(frame) => self.device_error.iter_mut().for_each(|(_, stack)| stack.push(frame.to_string())),
                None => self.device_error = Some((format!("Device runtime error: {message}"), Vec::new())),
            }
        }
        if self.settings.show_log {
            let tag = match kind {
                LogKind::ServerLog | LogKind::ServerError => Tag::Device,
                LogKind::AgentLog | LogKind::AgentError => Tag::Agent,
                LogKind::Status => Tag::Status,
            };
            let prefix = if matches!(kind, LogKind::ServerError | LogKind::AgentError) { "ERROR: " } else { "" };
            self.line(at, tag, format!("{prefix}{message}"));
        }
        // Runtime errors are printed, failing nothing (a device restart does, see
        // `device_restarted`); only a disconnection fails the running test.
        let (what, fails) = match kind {
            LogKind::ServerError => (format!("Device runtime error: {message}"), false),
            LogKind::AgentError => (format!("Agent runtime error: {message}"), false),
            LogKind::Status if message.contains("Device disconnected") && self.state == State::Started => {
                if self.settings.allow_disconnect {
                    self.line(at, Tag::Info, "Disconnected (allowed by test config).".into());
                    return;
                }
                ("Device disconnected".to_string(), true)
            }
            _ => return,
        };
        match (self.state, self.running) {
            (State::Ready, _) => self.line(at, Tag::Warning, what),
            (State::Started, running) => {
                self.line(at, Tag::Test, what.clone());
                match running {
                    Some(running) if fails => _ = self.report.outcomes[running].failure.get_or_insert(what),
                    None if fails => _ = self.report.error.get_or_insert(what),
                    _ => {}
                }
            }
            (State::Finished, _) => {}
        }
    }

    /// A message from the runner; returns the new deadline for the next one.
    fn on_report(&mut self, report: Report, timeout: f64) -> SimTime {
        let at = report.at;
        self.apply(report);
        at + Duration::from_secs_f64(timeout) + EXTRA_TIMEOUT
    }

    fn apply(&mut self, report: Report) {
        let at = report.at;
        match (report.kind.as_str(), self.state) {
            ("SESSION_START", State::Ready) => self.state = State::Started,
            ("SESSION_START", _) => self.session_error(at, "Invalid test session state".into()),
            (_, State::Ready) => self.session_error(at, "Invalid test session state".into()),
            ("TEST_START", _) => {
                self.device_error = None;
                let label = report.text.unwrap_or_default();
                let (class, method) = label.trim_end_matches("()").split_once("::").unwrap_or((&label, ""));
                let outcome = TestOutcome {
                    class: class.to_string(),
                    method: method.to_string(),
                    is_test: method.starts_with("test"),
                    started: at,
                    ended: None,
                    failure: None,
                    runtime_error: false,
                    stack: Vec::new(),
                    log: Vec::new(),
                };
                self.running = Some(self.report.outcomes.len());
                self.report.outcomes.push(outcome);
                self.line(at, Tag::Test, label);
            }
            (kind @ ("TEST_OK" | "TEST_FAIL"), _) => {
                let Some(running) = self.running.take() else { return };
                let outcome = &mut self.report.outcomes[running];
                outcome.ended = Some(at);
                if kind == "TEST_FAIL" && outcome.failure.is_none() {
                    outcome.failure = Some(report.text.clone().unwrap_or_else(|| "null".into()));
                }
                let text = match (&outcome.failure, report.text) {
                    (Some(failure), _) => format!("Failure: {failure}"),
                    (None, Some(message)) => format!("Success: {message}"),
                    (None, None) => "Success".to_string(),
                };
                self.line(at, Tag::Test, text);
            }
            ("TEST_TRACE", _) => {
                if let (Some(running), Some(trace)) = (self.running, report.trace) {
                    let outcome = &mut self.report.outcomes[running];
                    outcome.runtime_error = trace.runtime_error;
                    outcome.stack = trace.stack;
                }
            }
            ("INFO", _) => self.line(at, Tag::Test, report.json),
            ("EXTERNAL_COMMAND", _) => self.external_command(at, report.text.unwrap_or_default()),
            ("SESSION_RESULT", _) => {
                let counts = report.counts.unwrap_or_default();
                // Errors from the log fail tests impUnit itself counted as passed.
                let failures = self.report.outcomes.iter().filter(|o| !o.passed()).count();
                let failures = counts.failures.max(failures as i64);
                let text = format!("Tests: {}, Assertions: {}, Failures: {failures}", counts.tests, counts.assertions);
                self.line(at, Tag::Test, text);
                self.report.counts = Some(counts);
                self.finish(at);
            }
            _ => {}
        }
    }

    /// `runCommand()`: a host command run in the test home, as impt runs it; a failing
    /// command fails the session.
    fn external_command(&mut self, at: SimTime, command: String) {
        self.line(at, Tag::Info, format!("Running external command: {command}."));
        let output = std::process::Command::new("sh").arg("-c").arg(&command).current_dir(self.settings.home).output();
        match output {
            Ok(output) => {
                let stdout = String::from_utf8_lossy(&output.stdout);
                let shown: Vec<String> = stdout.trim().lines().map(|l| format!("> {l}")).collect();
                if !shown.is_empty() {
                    self.line(at, Tag::Info, shown.join("\n"));
                }
                if !output.status.success() {
                    let code = output.status.code().unwrap_or(-1);
                    self.session_error(at, format!("External command failed with exit code {code}"));
                }
            }
            Err(e) => self.session_error(at, format!("External command could not run: {e}")),
        }
    }
}
