//! Running one program of a suite through the built `impish`, and what it is held to.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use impish_golden::process::{self, Finished};
use impish_golden::Outputs;

/// Runs `impish ARGS FILE` in FILE's folder, naming the file without its folder, so
/// what it prints does not depend on where the checkout is; `Err` when it cannot start
/// or outlives `limit`.
pub fn run_file(args: &[&str], file: &Path, limit: Duration) -> Result<Finished, String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_impish"));
    command.current_dir(file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")));
    command.args(args).arg(file.file_name().unwrap_or(file.as_os_str()));
    process::run(command, limit)
}

/// What a conformance or regression program must print: `NAME.out` is its stdout byte
/// for byte, and the first line of `NAME.err`, when there is one, is in its stderr (the
/// uncaught error).
pub fn expected_outputs(run: Finished) -> Outputs {
    Outputs::new().whole("out", run.stdout).line("err", "stderr", run.stderr)
}
