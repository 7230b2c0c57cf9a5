//! `impish-fuzz`: fuzzing and differential campaigns over the impish VM (see README.md).

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use impish_fuzz::campaign::{workspace_root, Campaign};
use impish_fuzz::case::{self, Mode};
use impish_fuzz::exec::Limits;
use impish_fuzz::mutate::Corpus;
use impish_fuzz::reference::{self, Reference};
use impish_fuzz::worker::{self, Check, Job, REFERENCE_TIMEOUT};
use impish_fuzz::{exec, regress};
use impish_vm::Profile;

// Counting allocations is what makes the memory limit enforceable.
#[global_allocator]
static ALLOCATOR: impish_vm::memory::CountingAllocator = impish_vm::memory::CountingAllocator;

#[derive(Parser)]
#[command(name = "impish-fuzz", about = "Fuzzing and differential testing of the impish VM")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ProfileArg {
    Squirrel,
    Imp,
}

impl From<ProfileArg> for Profile {
    fn from(p: ProfileArg) -> Profile {
        match p {
            ProfileArg::Squirrel => Profile::Squirrel,
            ProfileArg::Imp => Profile::Imp,
        }
    }
}

/// What every case needs to be rebuilt and run.
#[derive(clap::Args)]
struct CaseArgs {
    #[arg(long, value_enum, default_value = "squirrel")]
    profile: ProfileArg,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Instructions one case may execute.
    #[arg(long, default_value_t = Limits::default().instructions)]
    instructions: u64,
    /// Bytes one case may hold.
    #[arg(long, default_value_t = Limits::default().memory)]
    memory: usize,
    /// Run every case with a collection at every safepoint (slow; finds values a
    /// native forgot to hold).
    #[arg(long)]
    gc_stress: bool,
    /// The reference `sq` for `diff` [default: $SQ].
    #[arg(long)]
    sq: Option<PathBuf>,
    /// The workspace whose corpus `mutate` reads [default: this crate's workspace].
    #[arg(long)]
    root: Option<PathBuf>,
}

impl CaseArgs {
    fn limits(&self) -> Limits {
        Limits { instructions: self.instructions, memory: self.memory, gc_stress: self.gc_stress, ..Limits::default() }
    }

    fn root(&self) -> PathBuf {
        self.root.clone().unwrap_or_else(workspace_root)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Random programs: find panics, aborts and hangs.
    Gen(RunArgs),
    /// Mutated corpus programs: find panics, aborts and hangs.
    Mutate(RunArgs),
    /// Random programs in impish and in the reference `sq` (--sq or $SQ): find mismatches.
    Diff(RunArgs),
    /// Print the program of one case.
    Show {
        #[arg(value_enum)]
        mode: Mode,
        #[arg(long)]
        index: u64,
        #[command(flatten)]
        case: CaseArgs,
    },
    /// Write a finding (its folder) as tests/regressions/PROFILE/NAME.{nut,out,err}, with
    /// the reference's output.
    Regress {
        finding: PathBuf,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        case: CaseArgs,
    },
    /// (internal) Run cases FROM..TO, reporting to the parent on stdout.
    #[command(hide = true)]
    Worker {
        #[arg(long, value_enum)]
        mode: Mode,
        #[arg(long)]
        from: u64,
        #[arg(long)]
        to: u64,
        #[command(flatten)]
        case: CaseArgs,
    },
    /// (internal) Print the failure signature of one program, or `ok`.
    #[command(hide = true)]
    Probe {
        #[arg(long, value_enum)]
        mode: Mode,
        #[arg(long)]
        from: u64,
        #[arg(long)]
        to: u64,
        #[command(flatten)]
        case: CaseArgs,
        file: PathBuf,
    },
}

#[derive(clap::Args)]
struct RunArgs {
    /// Stop after this many cases.
    #[arg(long)]
    cases: Option<u64>,
    /// Stop after this many minutes.
    #[arg(long)]
    minutes: Option<f64>,
    /// The first case index (to continue a campaign).
    #[arg(long, default_value_t = 0)]
    start: u64,
    /// Where findings are written.
    #[arg(long, default_value = "target/fuzz-findings")]
    findings: PathBuf,
    /// Seconds a case may run before it counts as a hang.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// Candidate programs the minimiser may try per finding.
    #[arg(long, default_value_t = 2000)]
    tries: usize,
    #[command(flatten)]
    case: CaseArgs,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Gen(args) => campaign(Mode::Gen, args),
        Command::Mutate(args) => campaign(Mode::Mutate, args),
        Command::Diff(args) => campaign(Mode::Diff, args),
        Command::Show { mode, index, case } => {
            let corpus = Corpus::load(&case.root());
            print!("{}", case::source(mode, case.profile.into(), case.seed, index, &corpus));
            ExitCode::SUCCESS
        }
        Command::Regress { finding, name, case } => {
            let Some(sq) = reference::locate(case.sq.as_deref()) else {
                eprintln!("regress needs the reference: --sq PATH or SQ=PATH");
                return ExitCode::from(2);
            };
            match regress::write(&finding, &name, &sq, &case.root()) {
                Ok(path) => {
                    println!("{}", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Worker { mode, from, to, case } => {
            let job = Job {
                mode,
                profile: case.profile.into(),
                seed: case.seed,
                from,
                to,
                limits: case.limits(),
                sq: case.sq.clone(),
                root: case.root(),
            };
            match worker::work(&job) {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::FAILURE,
            }
        }
        Command::Probe { mode, case, file, .. } => {
            exec::quiet_panics();
            let source = String::from_utf8_lossy(&std::fs::read(&file).unwrap_or_default()).into_owned();
            let reference = match (mode, &case.sq) {
                (Mode::Diff, Some(sq)) => Reference::new(sq.clone(), REFERENCE_TIMEOUT).ok(),
                _ => None,
            };
            match worker::check(case.profile.into(), &source, &case.limits(), reference.as_ref()) {
                Check::Finding(sig) => println!("{sig}"),
                _ => println!("ok"),
            }
            ExitCode::SUCCESS
        }
    }
}

fn campaign(mode: Mode, args: RunArgs) -> ExitCode {
    let sq = reference::locate(args.case.sq.as_deref());
    if mode == Mode::Diff && sq.is_none() {
        eprintln!("diff needs the reference: --sq PATH or SQ=PATH");
        return ExitCode::from(2);
    }
    if args.cases.is_none() && args.minutes.is_none() {
        eprintln!("give --cases N or --minutes M");
        return ExitCode::from(2);
    }
    let campaign = Campaign {
        mode,
        profile: args.case.profile.into(),
        seed: args.case.seed,
        start: args.start,
        cases: args.cases,
        minutes: args.minutes,
        limits: args.case.limits(),
        sq,
        root: args.case.root(),
        findings: args.findings,
        timeout: Duration::from_secs_f64(args.timeout),
        tries: args.tries,
    };
    match campaign.run() {
        Ok(report) => {
            print!("{}", report.summary(&campaign));
            // A crash is always a bug of ours; a mismatch may be the reference's.
            if report.crashes() > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
