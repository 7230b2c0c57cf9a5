//! `impish`: run, check, test and benchmark Squirrel firmware on your own machine.

#![forbid(unsafe_code)]

mod cli;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Counting every byte lets `--memory-limit` and `impish bench` see what scripts hold.
#[global_allocator]
static ALLOCATOR: impish_vm::memory::CountingAllocator = impish_vm::memory::CountingAllocator;

#[derive(Parser)]
#[command(name = "impish", version, about = "A fast, faithful Squirrel 3 VM with the Electric Imp factory API")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile Squirrel files and report errors as the reference does; exits 0 when all are clean.
    Check(cli::check::Args),
    /// Run imp firmware (device and agent code) in virtual time and print its log;
    /// with `--profile squirrel`, run a script as the reference `sq FILE` does.
    #[command(alias = "imp")]
    Run(cli::run::Args),
    /// Print the bytecode of a Squirrel script.
    Disasm(cli::run::DisasmArgs),
    /// Measure a script or a firmware: wall time, instructions, heap, collector, hottest functions.
    Bench(cli::bench::Args),
    /// Simulate a connected-factory assembly line from a line file and report on every unit.
    Line(cli::line::Args),
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
    }
}
