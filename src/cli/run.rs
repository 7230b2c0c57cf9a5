//! `impish run [--profile squirrel|imp] FILE`: run a script as the reference `sq FILE`.

use std::cell::RefCell;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use super::{read_source, ProfileArg};
use impish_vm::{Profile, Vm};

#[derive(clap::Args)]
pub struct Args {
    /// Which Squirrel to emulate: stock 3.2 (`squirrel`) or Electric Imp (`imp`).
    #[arg(long, value_enum, default_value = "squirrel")]
    profile: ProfileArg,
    /// The script to run.
    file: PathBuf,
}

pub fn run(args: &Args) -> ExitCode {
    let (name, source) = match read_source(&args.file) {
        Ok(read) => read,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let mut vm = Vm::new(args.profile.into());
    impish_stdlib::register(&mut vm);
    let out = Rc::new(RefCell::new(std::io::BufWriter::new(std::io::stdout())));
    let sink = out.clone();
    vm.set_output(Box::new(move |b| {
        let _ = sink.borrow_mut().write_all(b);
    }));
    let status = impish_vm::run_script(&mut vm, &source, &name);
    let _ = out.borrow_mut().flush();
    ExitCode::from(status as u8)
}

#[derive(clap::Args)]
pub struct DisasmArgs {
    /// The script to compile and list.
    file: PathBuf,
}

/// `impish disasm FILE`: the bytecode the compiler produces for a script.
pub fn disasm(args: &DisasmArgs) -> ExitCode {
    let (name, source) = match read_source(&args.file) {
        Ok(read) => read,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let mut vm = Vm::new(Profile::Squirrel);
    match vm.compile(&source, &name) {
        Ok(f) => {
            print!("{}", vm.disassemble(f).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let (err, out) = e.report();
            eprint!("{err}");
            print!("{out}");
            ExitCode::from(impish_vm::runner::COMPILE_ERROR_STATUS as u8)
        }
    }
}
