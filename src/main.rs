//! `impish`: run, check, test and benchmark Squirrel firmware on your own machine.

#![forbid(unsafe_code)]

mod cli;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Counting every byte lets `--memory-limit` and `impish bench` see what scripts hold.
#[global_allocator]
static ALLOCATOR: impish_vm::memory::CountingAllocator = impish_vm::memory::CountingAllocator;

#[derive(Parser)]
#[command(
    name = "impish",
    version,
    about = "A fast, faithful Squirrel 3 VM with the Electric Imp factory API",
    after_help = EXIT_STATUS
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// What every command's exit status means (`--help` shows it).
const EXIT_STATUS: &str = "\
Exit status:
  0  success
  1  what ran or was checked failed: a test, a line (a unit blessed or rejected
     against what its faults predict, an uncaught firmware error), an uncaught error
     in `run` or `bench`, firmware or a script that does not compile
  2  usage or input error: bad arguments, an unreadable file, a bad line file,
     board file, input script or test configuration, a `--tests` filter that
     selects no test
  `run --profile squirrel` exits as the reference `sq` does.";

/// Only the subcommand given builds its arguments (`defer`): building all eight
/// commands' options ran more code at every start than an empty script does, and the
/// pages of that code count in each run's peak memory (issue #17). Deferred arguments
/// come with their struct's doc comment as the command's about, replacing the
/// variant's: the `clap::Args` structs carry plain comments.
#[derive(Subcommand)]
#[command(defer = true)]
enum Command {
    /// Compile Squirrel files (or every `.nut` file in a folder) and report errors as the reference does.
    Check(cli::check::Args),
    /// Run imp firmware (device and agent code) in virtual time and print its log;
    /// with `--profile squirrel`, run a script as the reference `sq FILE` does.
    #[command(visible_alias = "imp")]
    Run(cli::run::Args),
    /// Print the bytecode of a Squirrel script.
    Disasm(cli::run::DisasmArgs),
    /// Measure a script or a firmware: wall time, instructions, heap, collector, hottest functions.
    Bench(cli::bench::Args),
    /// Simulate a connected-factory assembly line from a line file and report on every unit.
    Line(cli::line::Args),
    /// A local impCentral kept in SQLite or PostgreSQL: serve its API, add accounts and devices.
    #[command(subcommand)]
    Cloud(cli::cloud::Command),
    /// Run an impt test project (impUnit test cases) locally on simulated imps, in virtual time.
    Test(cli::test::Args),
    /// Write the device (and agent) code as Builder assembles it, with `#line` markers.
    Build(cli::build::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check(args) => cli::check::run(&args),
        Command::Run(args) => cli::run::run(&args),
        Command::Disasm(args) => cli::run::disasm(&args),
        Command::Bench(args) => cli::bench::run(&args),
        Command::Line(args) => cli::line::run(&args),
        Command::Test(args) => cli::test::run(&args),
        Command::Build(args) => cli::build::run(&args),
        Command::Cloud(command) => cli::cloud::run(&command),
    }
}
