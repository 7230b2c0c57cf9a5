//! Running a whole script the way the reference `sq FILE` does: the script's output on
//! stdout, an uncaught error reported on stderr in `sq`'s format, compile errors in
//! `sq`'s format with exit status 254.

use crate::api::error::Error;
use crate::api::vm::Vm;

/// Exit status `sq` uses for a script that does not compile.
pub const COMPILE_ERROR_STATUS: i32 = 254;

/// Exit status after an internal error (sysexits' EX_SOFTWARE): never a script's.
pub const INTERNAL_ERROR_STATUS: i32 = 70;

/// Compiles and runs `source` as the main script; returns the process exit status.
pub fn run_script(vm: &mut Vm, source: &str, file: &str) -> i32 {
    match vm.run_source(source, file) {
        Ok(_) => 0,
        Err(e) => {
            let (err, out) = e.report();
            vm.write_out(out.as_bytes());
            vm.write_err(err.as_bytes());
            match e {
                Error::Compile(_) => COMPILE_ERROR_STATUS,
                Error::Runtime(_) => 0,
                Error::Internal(_) => INTERNAL_ERROR_STATUS,
            }
        }
    }
}
