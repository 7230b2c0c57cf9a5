//! `impish test [TEST_HOME] [--tests FILTER] [--lib DIR]... [--log] [--junit FILE] [--type T]
//! [--instruction-budget N]`: run an
//! impt test project (`.impt.test`, impUnit test cases) locally on simulated imps in
//! virtual time, print impt's transcript and `N passed, N failed`, and optionally write
//! JUnit XML. Exits 1 when a test failed, 2 when the run could not start or `--tests`
//! selects no test method (a typo must not pass CI).

use impish_factory::imp::identity::ImpType;
use impish_factory::testing::{self, filter::Filter, junit, output::Transcript, Progress, RunOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The test home: the folder with `.impt.test` (default: the current folder).
    #[arg(default_value = ".")]
    home: PathBuf,
    /// Run only some tests: `[testFile][:testCase][::testMethod]`, the file part a regular expression.
    #[arg(short = 't', long, value_name = "FILTER")]
    tests: Option<String>,
    #[command(flatten)]
    sources: super::SourceArgs,
    /// Show the imps' own log (device, agent and status lines) among the test lines.
    #[arg(long)]
    log: bool,
    /// Also write the results as JUnit XML.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// The imp module the tests run on (imp001, imp002, imp003, imp004m, imp005)
    /// [default: `.impt.test`'s "impType", else imp005].
    #[arg(long = "type", value_parser = super::run::parse_type)]
    imp_type: Option<ImpType>,
    /// Instructions one callback may execute before it is stopped as runaway code, or
    /// `none` [default: `.impt.test`'s "instructionBudget", else 500000000].
    #[arg(long, value_name = "N", value_parser = super::run::parse_budget)]
    instruction_budget: Option<super::run::Budget>,
    /// The device's memory in imp bytes ("100K", "2M") [default: its imp type's free
    /// memory].
    #[arg(long, value_name = "BYTES", value_parser = super::parse_bytes)]
    memory_limit: Option<usize>,
}

pub fn run(args: &Args) -> ExitCode {
    let filter = match args.tests.as_deref().map(Filter::parse).transpose() {
        Ok(filter) => filter.unwrap_or_else(Filter::all),
        Err(e) => return fail(e.to_string()),
    };
    let options = RunOptions {
        filter,
        library_dirs: args.sources.libs.clone(),
        show_log: args.log,
        imp_type: args.imp_type,
        instruction_budget: args.instruction_budget.map(|b| b.0),
        memory_limit: args.memory_limit,
        ..RunOptions::new(&args.home)
    };
    // Each session is printed as it ends.
    let mut transcript = Transcript::default();
    let shown = testing::run_with_progress(&options, &mut |progress| match progress {
        Progress::Found { config, files } => super::print(&transcript.header(config, files)),
        Progress::Session(session) => super::print(&transcript.session(session)),
    });
    let report = match shown {
        Ok(report) => report,
        Err(e) => return fail(e.to_string()),
    };
    super::print(&transcript.footer(&report));
    if let Some(path) = &args.junit {
        if let Err(e) = std::fs::write(path, junit::render(&report)) {
            return fail(format!("{}: cannot write: {e}", path.display()));
        }
    }
    let tests = report.sessions.iter().flat_map(|s| &s.outcomes).filter(|o| o.is_test).count();
    match (&args.tests, tests, report.succeeded()) {
        (Some(filter), 0, true) => fail(format!("--tests {filter:?} selects no test method")),
        (_, _, true) => ExitCode::SUCCESS,
        (_, _, false) => ExitCode::FAILURE,
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("impish test: {message}");
    ExitCode::from(2)
}
