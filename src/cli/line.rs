//! `impish line LINE.toml [--json FILE] [--html FILE] [--quiet]`: simulate a
//! connected-factory assembly line from a line file, with a progress bar while it runs,
//! then a table of every unit and a summary; the full report as JSON or as one HTML page.
//! Exits 1 when the line failed (a unit escaped unblessed, a unit blessed or rejected
//! against what its faults predict, an uncaught firmware error: the summary says which),
//! 1 also when its firmware does not compile, 2 when the line file is wrong.

use super::Stop;
use impish_factory::line::{self, html, LineError, Progress, Report};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Rows of passing units the table shows before it only lists rejected ones.
const TABLE_ROWS: usize = 100;

#[derive(clap::Args)]
pub struct Args {
    /// The line description (TOML; see samples/factory/README.md).
    line: PathBuf,
    /// Write the full report (units, stages, LED timelines, logs, cloud events, webhooks) as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write a single-file HTML report with a timeline of each unit's LED and stages.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Print only the summary (no progress bar, no table).
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: &Args) -> ExitCode {
    match run_line(args) {
        Ok(report) if report.passed() => ExitCode::SUCCESS,
        Ok(report) => {
            let s = &report.summary;
            eprintln!("the line failed: {} problem(s), {} escape(s) (see the summary)", s.problems.len(), s.escapes);
            ExitCode::FAILURE
        }
        Err(stop) => stop.report(),
    }
}

fn write(path: &Path, contents: &[u8]) -> Result<(), String> {
    std::fs::write(path, contents).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}

fn run_line(args: &Args) -> Result<Report, Stop> {
    let description = line::load(&args.line).map_err(|e| match e {
        LineError::Firmware(message) => Stop::Failed(message),
        other => Stop::BadInput(other.to_string()),
    })?;
    let bar = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(description.duts as u64) };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} units  {msg}  [{elapsed_precise}, eta {eta}]")
            .map_err(|e| e.to_string())?,
    );
    let report = line::run(&description, &mut |p: Progress| {
        bar.set_position(p.done as u64);
        bar.set_message(format!("{} blessed, {} rejected", p.blessed, p.done - p.blessed));
    })
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    if !args.quiet {
        super::print(&format!("{}\n", report.table(TABLE_ROWS)));
    }
    super::print(&report.summary_text());
    if let Some(path) = &args.json {
        let json = serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?;
        write(path, &json)?;
    }
    if let Some(path) = &args.html {
        write(path, html::render(&report).as_bytes())?;
    }
    Ok(report)
}
