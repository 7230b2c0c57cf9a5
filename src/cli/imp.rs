//! `impish imp DEVICE.nut [--agent AGENT.nut] [--for SECONDS] [--input SCRIPT]
//! [--type imp005] [--realtime]`: run one imp — device and agent code on a virtual
//! clock — and print its log stream as impCentral's log pane shows it.

use impish_factory::hardware::script;
use impish_factory::imp::identity::{Identity, ImpType};
use impish_factory::imp::{Firmware, Imp, ImpConfig};
use impish_factory::scheduler::Pace;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Virtual seconds a run lasts unless `--for` says otherwise (firmware usually runs
/// forever).
const DEFAULT_SECONDS: f64 = 60.0;

#[derive(clap::Args)]
pub struct Args {
    /// The device code.
    device: PathBuf,
    /// The agent code.
    #[arg(long)]
    agent: Option<PathBuf>,
    /// How long to run, in seconds of imp time [default: 60; unlimited with --realtime].
    #[arg(long = "for", value_name = "SECONDS")]
    seconds: Option<f64>,
    /// An input script: button presses, pin levels and faults at given times.
    #[arg(long, value_name = "SCRIPT")]
    input: Option<PathBuf>,
    /// The imp module, which names the pins and buses (imp001, imp005).
    #[arg(long = "type", default_value = "imp005", value_parser = parse_type)]
    imp_type: ImpType,
    /// Pace the clock to the wall clock instead of jumping to the next event.
    #[arg(long)]
    realtime: bool,
}

fn parse_type(name: &str) -> Result<ImpType, String> {
    ImpType::from_name(name).ok_or_else(|| format!("unknown imp type {name:?} (expected imp001 or imp005)"))
}

fn read(path: &Path) -> Result<Firmware, String> {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => Ok(Firmware { name, source: String::from_utf8_lossy(&bytes).into_owned() }),
        Err(e) => Err(format!("{name}: {e}")),
    }
}

pub fn run(args: &Args) -> ExitCode {
    match run_imp(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run_imp(args: &Args) -> Result<ExitCode, String> {
    let device = read(&args.device)?;
    let agent = args.agent.as_deref().map(read).transpose()?;
    let inputs = match &args.input {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            script::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Vec::new(),
    };
    let limit = match (args.seconds, args.realtime) {
        (Some(s), _) if !(s.is_finite() && s >= 0.0) => return Err(format!("--for {s}: expected seconds >= 0")),
        (Some(s), _) => Some(Duration::from_secs_f64(s)),
        (None, true) => None,
        (None, false) => Some(Duration::from_secs_f64(DEFAULT_SECONDS)),
    };
    let pace = if args.realtime { Pace::Realtime { started: Instant::now() } } else { Pace::Virtual };
    let identity = Identity { imp_type: args.imp_type, ..Identity::default() };
    let config = ImpConfig { agent, identity, pace, ..ImpConfig::new(device) };
    let mut imp = Imp::new(config).map_err(|e| e.to_string())?;
    imp.set_log_sink(Box::new(|line| println!("{line}")));
    for input in inputs {
        imp.schedule_input(input).map_err(|e| e.to_string())?;
    }
    imp.run_until(limit);
    Ok(if imp.uncaught_errors() == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
