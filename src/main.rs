//! `impish`: run, check, test and benchmark Squirrel firmware on your own machine.

mod cli;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "impish", version, about = "A fast, faithful Squirrel 3 VM with the Electric Imp factory API")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse Squirrel files and report syntax errors; exits 0 when all are clean.
    Check(cli::check::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check(args) => cli::check::run(&args),
    }
}
