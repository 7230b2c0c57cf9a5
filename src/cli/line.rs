//! `impish line LINE.toml [--json FILE] [--html FILE] [--quiet]`: simulate a
//! connected-factory assembly line from a line file, with a progress bar while it runs,
//! then a table of every unit and a summary; the full report as JSON or as one HTML page.
//! With `--cloud`, against a kept cloud that impt set up: a store (SQLite or PostgreSQL)
//! or a running `impish cloud serve` reached over its API.
//! Exits 1 when the line failed (a unit escaped unblessed, a unit blessed or rejected
//! against what its faults predict, an uncaught firmware error: the summary says which),
//! 1 also when its firmware does not compile, 2 when the line file (or the cloud, or the
//! credentials for it) is wrong.

use super::Stop;
use impish_cloud::credentials::Credentials;
use impish_cloud::remote::RemoteCloud;
use impish_cloud::sql::Delivery;
use impish_cloud::store;
use impish_factory::cloud::HttpSink;
use impish_factory::line::report::JsonWriter;
use impish_factory::line::{self, html, Keep, LineError, Progress, Report};
use indicatif::{ProgressBar, ProgressStyle};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

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
    /// Run against a kept cloud (sqlite:PATH, postgres://..., or the API of a running
    /// `impish cloud serve`, http://HOST:PORT/v5), as the account that IMPT_LOGINKEY, or
    /// IMPT_USER and IMPT_PASSWORD, name: the line's one stage runs the fixture in
    /// --factory-dg with the deployments of that group and its targets.
    #[arg(long, value_name = "DB|URL", requires = "factory_dg")]
    cloud: Option<String>,
    /// The factory device group of a line against a kept cloud.
    #[arg(long, value_name = "NAME", requires = "cloud")]
    factory_dg: Option<String>,
    #[command(flatten)]
    sources: super::SourceArgs,
}

/// How long a line against a cloud's API waits for a server that stopped answering.
const API_PATIENCE: Duration = Duration::from_secs(60);

/// The kept cloud and factory group `--cloud` and `--factory-dg` name.
fn kept_cloud(args: &Args, deliver_webhooks: bool) -> Result<Option<line::KeptCloud>, String> {
    let (Some(db), Some(factory)) = (&args.cloud, &args.factory_dg) else { return Ok(None) };
    if db.starts_with("http://") || db.starts_with("https://") {
        // The server fires the webhooks.
        let cloud = RemoteCloud::connect(db, Credentials::from_impt_env()?, API_PATIENCE).map_err(|e| e.to_string())?;
        let factory = cloud.group_named(factory).map_err(|e| e.to_string())?;
        return Ok(Some(line::KeptCloud { cloud: Box::new(cloud), factory }));
    }
    // The line's blesses wait for their webhooks' receivers, as the simulated cloud's do.
    let delivery = deliver_webhooks.then(|| Delivery::Now(Box::new(HttpSink::new(super::cloud::WEBHOOK_TIMEOUT))));
    let cloud = store::open(db, delivery).map_err(|e| e.to_string())?;
    let account = store::account_from_impt_env(cloud.as_ref())?;
    let factory = store::group_named(cloud.as_ref(), account, factory)?;
    Ok(Some(line::KeptCloud { cloud, factory }))
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

fn cannot_write(path: &Path, e: std::io::Error) -> String {
    format!("{}: cannot write: {e}", path.display())
}

fn write(path: &Path, contents: &[u8]) -> Result<(), String> {
    std::fs::write(path, contents).map_err(|e| cannot_write(path, e))
}

fn run_line(args: &Args) -> Result<Report, Stop> {
    let description = line::load_with_libraries(&args.line, &args.sources.libs).map_err(|e| match e {
        LineError::Firmware(message) => Stop::Failed(message),
        other => Stop::BadInput(other.to_string()),
    })?;
    let bar = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(description.duts as u64) };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} units  {msg}  [{elapsed_precise}, eta {eta}]")
            .map_err(|e| e.to_string())?,
    );
    let kept = kept_cloud(args, description.cloud.deliver_webhooks)?;
    // The JSON report has every unit whole: written as each leaves the line, so the
    // run keeps only the units the table (or the HTML page) shows.
    let mut json = match &args.json {
        Some(path) => {
            let file = File::create(path).map_err(|e| cannot_write(path, e))?;
            Some(JsonWriter::start(BufWriter::new(file), &description).map_err(|e| cannot_write(path, e))?)
        }
        None => None,
    };
    let keep = Keep {
        passing: if args.html.is_some() { html::MAX_ROWS } else { TABLE_ROWS },
        timelines: args.html.is_some(),
        cloud_events: args.json.is_some(),
        fixture_logs: args.json.is_some(),
        each: &mut |unit| json.iter_mut().for_each(|json| json.unit(unit)),
    };
    let report = line::run_keeping(&description, kept, keep, &mut |p: Progress| {
        bar.set_position(p.done as u64);
        bar.set_message(format!("{} blessed, {} rejected", p.blessed, p.done - p.blessed));
    })
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    if !args.quiet {
        super::print(&format!("{}\n", report.table(TABLE_ROWS)));
    }
    super::print(&report.summary_text());
    if let (Some(path), Some(json)) = (&args.json, json) {
        json.finish(&report).map_err(|e| cannot_write(path, e))?;
    }
    if let Some(path) = &args.html {
        write(path, html::render(&report).as_bytes())?;
    }
    Ok(report)
}
