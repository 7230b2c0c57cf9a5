//! `impish run FILE`: by default (`--profile imp`) FILE is device code run as an imp —
//! device and agent VMs on a virtual clock, with the event loop — and the log stream is
//! printed as impCentral's log pane shows it (or as JSON lines with `--json`).
//! `impish run --profile squirrel FILE` runs a plain script exactly as the reference
//! `sq FILE` does (the conformance tests depend on it). `impish imp` is an alias.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::{parse_bytes, parse_duration, read_source, ProfileArg, SourceArgs, Stop};
use impish_factory::hardware::script;
use impish_factory::imp::identity::{Identity, ImpType};
use impish_factory::imp::{Firmware, Imp, ImpConfig, Side, VmSetup, DEFAULT_INSTRUCTION_BUDGET};
use impish_factory::line::{description, population};
use impish_factory::scheduler::Pace;
use impish_vm::{Profile, Vm};

/// Virtual seconds an imp runs unless `--for` says otherwise (firmware usually runs
/// forever).
const DEFAULT_SECONDS: f64 = 60.0;

#[derive(clap::Args)]
pub struct Args {
    /// `imp`: FILE is device code, run as an imp with its event loop and agent.
    /// `squirrel`: FILE is a plain script, run as the reference `sq FILE` (stock 3.2).
    #[arg(long, value_enum, default_value = "imp")]
    profile: ProfileArg,
    /// The device code (or, with `--profile squirrel`, the script).
    file: PathBuf,
    /// Fail allocations beyond this many bytes ("100K", "2M") with a Squirrel "out of
    /// memory" error: the script's host bytes, or the imp's device code's imp bytes
    /// (what its objects would take on the imp) [default for an imp: its type's free
    /// memory, 85K on an imp001/002/003, 184K on an imp004m/006/C001, 1M on an imp005].
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    memory_limit: Option<usize>,
    /// For testing the VM itself (squirrel profile): collect at every safepoint and
    /// never reuse a freed object's id, so a value not kept alive shows at once (slow).
    #[arg(long)]
    gc_stress: bool,
    #[command(flatten)]
    imp: ImpArgs,
}

// What only an imp run takes (not a doc comment: see `Command` in main.rs).
#[derive(clap::Args)]
struct ImpArgs {
    /// The agent code.
    #[arg(long)]
    agent: Option<PathBuf>,
    /// How long to run in imp time: seconds, or with a unit (`90s`, `500ms`, `5m`, `2h`)
    /// [default: 60 s; unlimited with --realtime].
    #[arg(long = "for", value_name = "DURATION", value_parser = parse_duration)]
    seconds: Option<f64>,
    /// An input script: button presses, pin levels, UART input, network outages and
    /// HTTP requests to the agent at given times (samples/README.md has the grammar).
    #[arg(long, value_name = "SCRIPT")]
    input: Option<PathBuf>,
    /// A board file: the imp type, the jig's wires and the I2C parts, as the `[board]`
    /// table of a line file (samples/factory/README.md).
    #[arg(long, value_name = "FILE")]
    board: Option<PathBuf>,
    /// Print each log line as a JSON object with impCentral's log field names
    /// (`device_id`, `ts`, `type`, `msg`).
    #[arg(long)]
    json: bool,
    /// The imp module, which names the pins and buses, sets the device's free memory and
    /// decides which optional APIs exist (imp001, imp002, imp003, imp004m, imp005,
    /// imp006, impC001) [default: imp005].
    #[arg(long = "type", value_parser = parse_type)]
    imp_type: Option<ImpType>,
    /// Pace the clock to the wall clock instead of jumping to the next event.
    #[arg(long)]
    realtime: bool,
    /// Instructions one callback (or the boot run) may execute before it is stopped as
    /// runaway code, or `none` [default: 500000000].
    #[arg(long, value_name = "N", value_parser = parse_budget)]
    instruction_budget: Option<Budget>,
    #[command(flatten)]
    sources: SourceArgs,
}

impl ImpArgs {
    /// The imp-only options given, by name (refused with `--profile squirrel`).
    fn given(&self) -> Vec<&'static str> {
        let flags = [
            ("--agent", self.agent.is_some()),
            ("--for", self.seconds.is_some()),
            ("--input", self.input.is_some()),
            ("--board", self.board.is_some()),
            ("--json", self.json),
            ("--type", self.imp_type.is_some()),
            ("--realtime", self.realtime),
            ("--instruction-budget", self.instruction_budget.is_some()),
            ("--lib", !self.sources.libs.is_empty()),
        ];
        flags.into_iter().filter(|(_, given)| *given).map(|(name, _)| name).collect()
    }
}

/// `--instruction-budget`: a count, or no limit.
#[derive(Clone, Copy)]
pub struct Budget(pub Option<u64>);

pub fn parse_budget(text: &str) -> Result<Budget, String> {
    match text {
        "none" => Ok(Budget(None)),
        _ => match text.parse::<u64>() {
            Ok(n) if n > 0 => Ok(Budget(Some(n))),
            _ => Err(format!("{text:?}: expected a number of instructions above 0, or none")),
        },
    }
}

pub fn parse_type(name: &str) -> Result<ImpType, String> {
    ImpType::from_name(name).ok_or_else(|| format!("unknown imp type {name:?} (expected {})", ImpType::names()))
}

pub fn run(args: &Args) -> ExitCode {
    match args.profile {
        ProfileArg::Squirrel => {
            let given = args.imp.given();
            if !given.is_empty() {
                eprintln!("{}: only with --profile imp", given.join(", "));
                return ExitCode::from(2);
            }
            run_script(&args.file, args.memory_limit, args.gc_stress)
        }
        ProfileArg::Imp => run_imp(&args.file, &args.imp, args.memory_limit).unwrap_or_else(Stop::report),
    }
}

/// A plain script, as `sq FILE`: its output on stdout, errors on stderr, sq's status.
fn run_script(file: &Path, memory_limit: Option<usize>, gc_stress: bool) -> ExitCode {
    let (name, source) = match read_source(file) {
        Ok(read) => read,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let mut vm = Vm::new(Profile::Squirrel);
    impish_stdlib::register(&mut vm);
    vm.set_gc_stress(gc_stress);
    if let Err(e) = vm.set_memory_limit(memory_limit) {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    let out = Rc::new(RefCell::new(std::io::BufWriter::new(std::io::stdout())));
    let sink = out.clone();
    vm.set_output(Box::new(move |b| {
        super::write_stdout(&mut *sink.borrow_mut(), b);
    }));
    let status = impish_vm::run_script(&mut vm, &source, &name);
    super::stop_if_reader_gone(out.borrow_mut().flush());
    ExitCode::from(status as u8)
}

/// Device (and agent) code on an imp's event loop; fails when either side had an
/// uncaught error.
fn run_imp(file: &Path, args: &ImpArgs, memory_limit: Option<usize>) -> Result<ExitCode, Stop> {
    let device = args.sources.firmware(file)?;
    let agent = args.agent.as_deref().map(|agent| args.sources.firmware(agent)).transpose()?;
    let inputs = match &args.input {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            script::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Vec::new(),
    };
    let limit = match (args.seconds, args.realtime) {
        (Some(s), _) => Some(Duration::from_secs_f64(s)),
        (None, true) => None,
        (None, false) => Some(Duration::from_secs_f64(DEFAULT_SECONDS)),
    };
    let pace = if args.realtime { Pace::Realtime { started: Instant::now() } } else { Pace::Virtual };
    let board = args.board.as_deref().map(description::load_board).transpose().map_err(|e| e.to_string())?;
    let imp_type = match (&board, args.imp_type) {
        (Some(board), Some(given)) if given != board.imp_type => {
            let (given, file) = (given.name(), args.board.as_deref().unwrap_or(file).display());
            return Err(format!("--type {given} but the board file {file} is an {}", board.imp_type.name()).into());
        }
        (Some(board), _) => board.imp_type,
        (None, given) => given.unwrap_or(ImpType::Imp005),
    };
    let identity = Identity { imp_type, ..Identity::default() };
    let instruction_budget = args.instruction_budget.map_or(Some(DEFAULT_INSTRUCTION_BUDGET), |b| b.0);
    let setup_vm = device_memory_limit(memory_limit)?;
    let config = ImpConfig { agent, identity, pace, instruction_budget, setup_vm, ..ImpConfig::new(device) };
    let mut imp = Imp::new(config).map_err(|e| Stop::Failed(e.to_string()))?;
    if args.json {
        let device_id = imp.identity().device_id.clone();
        imp.set_log_sink(Box::new(move |line| super::print(&format!("{}\n", line.to_json(&device_id)))));
    } else {
        imp.set_log_sink(Box::new(|line| super::print(&format!("{line}\n"))));
    }
    if let Some(board) = &board {
        population::build(&mut imp, board, None).map_err(|e| e.to_string())?;
    }
    let script = args.input.as_deref().unwrap_or(file).display();
    let late: Vec<String> = inputs
        .iter()
        .filter(|input| limit.is_some_and(|limit| input.at > limit))
        .map(|input| format!("{} at {:.3} s", input.pin, input.at.as_secs_f64()))
        .collect();
    for input in inputs {
        imp.schedule_input(input).map_err(|e| format!("{script}: {e}"))?;
    }
    imp.run_until(limit);
    if let (Some(limit), false) = (limit, late.is_empty()) {
        let (count, limit) = (late.len(), limit.as_secs_f64());
        eprintln!(
            "{script}: {count} input event(s) after the run's end at {limit} s (--for) did not happen: {}",
            late.join(", ")
        );
    }
    Ok(if imp.uncaught_errors() == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// A VM setup that limits the device's memory to `limit` instead of its imp type's
/// figure (the agent, in the cloud, has plenty).
pub fn device_memory_limit(limit: Option<usize>) -> Result<Option<VmSetup>, String> {
    let Some(limit) = limit else { return Ok(None) };
    if !impish_vm::memory::is_counting() {
        return Err(impish_vm::NotCounting.to_string());
    }
    Ok(Some(Rc::new(move |side, vm: &mut Vm| {
        if side == Side::Device {
            // Checked above: this program counts its bytes, so the limit can be set.
            let _ = vm.set_memory_limit(Some(limit));
        }
    })))
}

#[derive(clap::Args)]
pub struct DisasmArgs {
    /// The script to compile and list (read through Builder, as firmware).
    file: PathBuf,
    #[command(flatten)]
    sources: SourceArgs,
}

/// `impish disasm FILE`: the bytecode the compiler produces for a script; a compile
/// error is reported as `impish check` reports it, with its exit status.
pub fn disasm(args: &DisasmArgs) -> ExitCode {
    let Firmware { name, source } = match args.sources.firmware(&args.file) {
        Ok(firmware) => firmware,
        Err(stop) => return stop.report(),
    };
    let mut vm = Vm::new(Profile::Squirrel);
    match vm.compile(&source, &name) {
        Ok(f) => {
            super::print(&vm.disassemble(f).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
