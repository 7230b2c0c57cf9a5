//! `impish test`: a local, device-free `impt test run`.
//!
//! Electric Imp developers write unit tests as impUnit `ImpTestCase` classes and run
//! them with `impt test run` on real devices, through the cloud. This runs the same
//! suites, unchanged, on simulated imps in virtual time, so a suite with minutes of
//! timers finishes in milliseconds:
//!
//! - `config`: `.impt.test` (or the legacy `.imptest`) and impt's defaults;
//! - `discovery` and `filter`: the test files, their sides and partners, `--tests`;
//! - `assembly`: each session's code, built as impt builds it (framework, code under
//!   test, the test file wrapped in a function, a bootstrap) through `crate::builder`;
//! - `impunit.nut`: our own impUnit (assertions, runner) and Promise 4.x, in Squirrel;
//! - `testbench`: a Squirrel API to script the simulated unit's hardware in tests;
//! - `session`: one test file on one fresh imp, followed as impt follows a log stream;
//! - `results`, `output` and `junit`: what happened, as impt prints it and as JUnit XML.

pub mod assembly;
pub mod config;
pub mod discovery;
pub mod filter;
pub mod junit;
pub mod output;
pub mod results;
pub mod session;
pub mod testbench;

use crate::builder::BuilderError;
use crate::imp::identity::ImpType;
use crate::imp::Side;
use assembly::Bootstrap;
use config::TestConfig;
use filter::Filter;
use results::{Line, RunReport, SessionReport, Tag};
use session::SessionSettings;
use std::path::{Path, PathBuf};

/// Why a test run could not start (a failing test is not an error: see [`RunReport`]).
#[derive(Debug, thiserror::Error)]
pub enum TestError {
    #[error("test home {0} is not a directory")]
    NoTestHome(String),
    #[error("{file}: {message}")]
    Config { file: String, message: String },
    #[error("--tests {spec:?}: {message}")]
    Filter { spec: String, message: String },
    #[error("No test files found")]
    NoTestFiles,
    #[error("{} source file \"{file}\" not found", if *side == Side::Device { "Device" } else { "Agent" })]
    SourceNotFound { side: Side, file: String },
    #[error("{0}")]
    Builder(BuilderError),
}

/// What to run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The test home (where `.impt.test` is).
    pub home: PathBuf,
    pub filter: Filter,
    /// Library folders searched for `#require` before the configured ones (`--lib`).
    pub library_dirs: Vec<PathBuf>,
    /// Show the imps' own log lines in the transcript (`--log`).
    pub show_log: bool,
    /// The imp module, over the configuration's `impType` (`--type`).
    pub imp_type: Option<ImpType>,
    /// The per-callback instruction budget, over the configuration's `instructionBudget`
    /// (`--instruction-budget`; `Some(None)`: no limit).
    pub instruction_budget: Option<Option<u64>>,
    /// The device's memory limit in imp bytes, over the imp type's free memory
    /// (`--memory-limit`); it needs the counting allocator, as `impish` has.
    pub memory_limit: Option<usize>,
}

impl RunOptions {
    pub fn new(home: impl AsRef<Path>) -> RunOptions {
        RunOptions {
            home: home.as_ref().to_path_buf(),
            filter: Filter::all(),
            library_dirs: Vec::new(),
            show_log: false,
            imp_type: None,
            instruction_budget: None,
            memory_limit: None,
        }
    }
}

/// How a run is going, for callers that show it as it goes.
pub enum Progress<'a> {
    /// The configuration is read and the test files found; sessions follow.
    Found { config: &'a TestConfig, files: &'a [discovery::TestFile] },
    /// A session is over.
    Session(&'a SessionReport),
}

/// Runs the selected test files one after the other, each on a fresh imp.
pub fn run(options: &RunOptions) -> Result<RunReport, TestError> {
    run_with_progress(options, &mut |_| {})
}

/// [`run`], telling `progress` when the files are found and as each session ends.
pub fn run_with_progress(options: &RunOptions, progress: &mut dyn FnMut(Progress)) -> Result<RunReport, TestError> {
    let mut config = TestConfig::load(&options.home)?;
    config.library_dirs.splice(0..0, options.library_dirs.iter().cloned());
    config.imp_type = options.imp_type.unwrap_or(config.imp_type);
    config.instruction_budget = options.instruction_budget.unwrap_or(config.instruction_budget);
    let files = discovery::find(&config, &options.filter)?;
    progress(Progress::Found { config: &config, files: &files });
    let settings = SessionSettings {
        home: &config.home,
        timeout: config.timeout,
        allow_disconnect: config.allow_disconnect,
        show_log: options.show_log,
        imp_type: config.imp_type,
        instruction_budget: config.instruction_budget,
        memory_limit: options.memory_limit,
    };
    let mut sessions: Vec<SessionReport> = Vec::new();
    for file in &files {
        let bootstrap = Bootstrap { session: &file.name, filter: &options.filter };
        let session = match assembly::assemble(&config, file, &bootstrap) {
            Ok(build) if !build.side(file.side).is_some_and(|code| options.filter.may_match_code(&code.source)) => {
                SessionReport { skipped: true, ..unrun(file, None) }
            }
            Ok(build) => session::run(file, &build, &settings),
            Err(TestError::Builder(e)) => unrun(file, Some(e.to_string())),
            Err(e) => return Err(e),
        };
        let failed = !session.succeeded();
        progress(Progress::Session(&session));
        sessions.push(session);
        if failed && config.stop_on_fail {
            break;
        }
    }
    Ok(RunReport { config, files, sessions })
}

/// A session that did not run: skipped, or (with `error`) its code did not build.
fn unrun(file: &discovery::TestFile, error: Option<String>) -> SessionReport {
    let mut lines: Vec<Line> = Vec::new();
    if let Some(error) = &error {
        lines.push(Line { at: Default::default(), tag: Tag::Error, text: error.clone() });
        lines.push(Line { at: Default::default(), tag: Tag::Test, text: format!("Session \"{}\" failed", file.name) });
    }
    SessionReport {
        file: file.clone(),
        name: file.name.clone(),
        outcomes: Vec::new(),
        counts: None,
        error,
        skipped: false,
        lines,
        duration: Default::default(),
    }
}
