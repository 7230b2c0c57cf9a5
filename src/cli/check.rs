//! `impish check FILE...`: parse each file and report every syntax error found;
//! `--ast` prints each tree as S-expressions, to see how a program was read.

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
}

pub fn run(args: &Args) -> ExitCode {
    let mut failed = 0;
    for path in &args.files {
        let name = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => {
                let source = String::from_utf8_lossy(&bytes);
                match impish_vm::syntax::parse(&source, &name) {
                    Ok(ast) if args.ast => print!("{}", impish_vm::syntax::sexpr::program(&ast.program)),
                    Ok(_) => {}
                    Err(err) => {
                        eprintln!("{err}\n");
                        failed += 1;
                    }
                }
            }
            Err(err) => {
                eprintln!("{name}: cannot read: {err}");
                failed += 1;
            }
        }
    }
    let total = args.files.len();
    if failed == 0 {
        println!("{total} file{} checked, no errors", if total == 1 { "" } else { "s" });
        ExitCode::SUCCESS
    } else {
        println!("{total} file{} checked, {failed} with errors", if total == 1 { "" } else { "s" });
        ExitCode::FAILURE
    }
}
