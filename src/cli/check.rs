//! `impish check FILE|DIR...`: read each file through Builder as firmware is read, compile
//! it (without running it) and report its first error as the reference compiler words and
//! places it, in the original file and line; a folder stands for the `.nut` files under
//! it. `--ast` prints each tree as S-expressions, to see how a program was read.

use super::{SourceArgs, Stop};
use impish_vm::syntax::{self, sexpr};
use impish_vm::{Error, Profile, Vm};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Squirrel source files, or folders to check every `.nut` file in (recursively).
    #[arg(required = true, value_name = "FILE|DIR")]
    files: Vec<PathBuf>,
    /// Print the syntax tree of each file (one S-expression per statement).
    #[arg(long)]
    ast: bool,
    #[command(flatten)]
    sources: SourceArgs,
}

pub fn run(args: &Args) -> ExitCode {
    let mut files = Vec::new();
    for path in &args.files {
        if let Err(e) = collect(path, &mut files) {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    }
    let (mut failed, mut unreadable) = (0, 0);
    for path in &files {
        match args.sources.firmware(path) {
            Err(Stop::BadInput(message)) => {
                eprintln!("{message}");
                unreadable += 1;
            }
            Err(Stop::Failed(message)) => {
                eprintln!("{message}\n");
                failed += 1;
            }
            Ok(firmware) => {
                if let Err(err) = check(&firmware.source, &firmware.name, args.ast) {
                    eprintln!("{err}\n");
                    failed += 1;
                }
            }
        }
    }
    let total = files.len();
    let plural = if total == 1 { "" } else { "s" };
    let mut summary = format!("{total} file{plural} checked, ");
    summary += &match (failed, unreadable) {
        (0, 0) => "no errors".to_string(),
        (f, 0) => format!("{f} with errors"),
        (f, u) => format!("{f} with errors, {u} unreadable"),
    };
    super::print(&format!("{summary}\n"));
    match (failed, unreadable) {
        (_, u) if u > 0 => ExitCode::from(2),
        (0, _) => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

/// `path` itself, or the `.nut` files under the folder `path`, in name order.
fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    if !path.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for entry in paths {
        if entry.is_dir() {
            collect(&entry, files)?;
        } else if entry.extension().is_some_and(|e| e == "nut") {
            files.push(entry);
        }
    }
    Ok(())
}

/// Parses (printing the tree when asked) and compiles one source. The language the
/// compiler accepts is the same in both profiles, so one profile serves.
fn check(source: &str, name: &str, print_ast: bool) -> Result<(), Error> {
    if print_ast {
        super::print(&sexpr::program(&syntax::parse(source, name)?.program));
    }
    Vm::new(Profile::Squirrel).compile(source, name).map(|_| ())
}
