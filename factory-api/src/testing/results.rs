//! What a test run found: per session (one test file), what each test method (and each
//! `setUp`/`tearDown`) did, and the transcript impt would print, stamped with virtual
//! time. The text output and the JUnit XML are both read from here.

use super::config::TestConfig;
use super::discovery::TestFile;
use crate::cloud::SimTime;

/// impt's line tags: `[+t/dt s test]`, `info`, `warning`, `error`; and with `--log`,
/// the imp's own log lines tagged by where they come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    Test,
    Info,
    Warning,
    Error,
    Device,
    Agent,
    Status,
}

impl Tag {
    pub fn name(self) -> &'static str {
        match self {
            Tag::Test => "test",
            Tag::Info => "info",
            Tag::Warning => "warning",
            Tag::Error => "error",
            Tag::Device => "device",
            Tag::Agent => "agent",
            Tag::Status => "status",
        }
    }
}

/// One line of the transcript, at a session's virtual time.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub at: SimTime,
    pub tag: Tag,
    pub text: String,
}

/// A test method, or a test case's `setUp` or `tearDown`.
#[derive(Clone, Debug, PartialEq)]
pub struct TestOutcome {
    pub class: String,
    pub method: String,
    /// A `test*` method (not `setUp`/`tearDown`).
    pub is_test: bool,
    pub started: SimTime,
    /// `None` while it runs (a session that ended mid-test leaves it so).
    pub ended: Option<SimTime>,
    /// Why it failed.
    pub failure: Option<String>,
    /// The failure was an error raised by the code (not an assertion, a timeout or a
    /// disconnection).
    pub runtime_error: bool,
    /// Where the failure was raised, innermost first: `function file:line`.
    pub stack: Vec<String>,
    /// The imp's log while it ran, as impCentral shows it.
    pub log: Vec<String>,
}

impl TestOutcome {
    pub fn passed(&self) -> bool {
        self.ended.is_some() && self.failure.is_none()
    }

    pub fn duration(&self) -> SimTime {
        self.ended.map_or(SimTime::ZERO, |end| end.saturating_sub(self.started))
    }
}

/// impUnit's own count at the end of a session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub tests: i64,
    pub assertions: i64,
    pub failures: i64,
}

/// One test file run on one simulated imp.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionReport {
    pub file: TestFile,
    /// The session's name in the transcript.
    pub name: String,
    pub outcomes: Vec<TestOutcome>,
    /// What impUnit reported at the end, if it got there.
    pub counts: Option<Counts>,
    /// A failure of the session itself (it did not build, start or finish).
    pub error: Option<String>,
    /// impt skipped it: its code has no selected test case or method.
    pub skipped: bool,
    pub lines: Vec<Line>,
    /// Virtual time from boot to the end of the session.
    pub duration: SimTime,
}

impl SessionReport {
    /// Failures: of tests, of `setUp`/`tearDown`, of tests the session never finished,
    /// and of the session itself.
    pub fn failed(&self) -> usize {
        let items = self.outcomes.iter().filter(|o| !o.passed()).count();
        items + usize::from(self.error.is_some() && items == 0)
    }

    pub fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.is_test && o.passed()).count()
    }

    pub fn succeeded(&self) -> bool {
        self.failed() == 0
    }
}

/// A whole `impish test`.
#[derive(Clone, Debug, PartialEq)]
pub struct RunReport {
    pub config: TestConfig,
    pub files: Vec<TestFile>,
    pub sessions: Vec<SessionReport>,
}

impl RunReport {
    pub fn passed(&self) -> usize {
        self.sessions.iter().map(SessionReport::passed).sum()
    }

    pub fn failed(&self) -> usize {
        self.sessions.iter().map(SessionReport::failed).sum()
    }

    pub fn succeeded(&self) -> bool {
        self.failed() == 0
    }
}
