//! `impish check FILE...`: read each file through Builder as firmware is read, compile
//! it (without running it) and report its first error as the reference compiler words and
//! places it, in the original file and line; `--ast` prints each
//! tree as S-expressions, to see how a program was read.

use super::SourceArgs;
use impish_vm::syntax::{self, sexpr};
use impish_vm::{Error, Profile, Vm};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Squirrel source files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print the syntax tree of each file (one S-expression per statement).
    #[arg(long)]
    ast: bool,
    #[command(flatten)]
    sources: SourceArgs,
}

pub fn run(args: &Args) -> ExitCode {
    let mut failed = 0;
    for path in &args.files {
        let outcome = args
            .sources
            .firmware(path)
            .and_then(|firmware| check(&firmware.source, &firmware.name, args.ast).map_err(|err| format!("{err}\n")));
        if let Err(message) = outcome {
            eprintln!("{message}");
            failed += 1;
        }
    }
    let total = args.files.len();
    if failed == 0 {
        super::print(&format!("{total} file{} checked, no errors\n", if total == 1 { "" } else { "s" }));
        ExitCode::SUCCESS
    } else {
        super::print(&format!("{total} file{} checked, {failed} with errors\n", if total == 1 { "" } else { "s" }));
        ExitCode::FAILURE
    }
}

/// Parses (printing the tree when asked) and compiles one source. The language the
/// compiler accepts is the same in both profiles, so one profile serves.
fn check(source: &str, name: &str, print_ast: bool) -> Result<(), Error> {
    if print_ast {
        super::print(&sexpr::program(&syntax::parse(source, name)?.program));
    }
    Vm::new(Profile::Squirrel).compile(source, name).map(|_| ())
}
