//! The golden-file harness that every impish suite of Squirrel programs uses.
//!
//! A suite is a folder of programs, `NAME.nut`, each beside the files that say what it
//! must print: `NAME.out` (stdout, byte for byte), `NAME.err` (a line the uncaught error
//! must contain), `NAME.dis` (a disassembly), whatever the suite's test asks for. The
//! test gives [`Suite::run`] a *runner*, a closure that runs one program its own way (an
//! in-process VM in `impish-vm` and `impish-stdlib`, the built `impish` through
//! [`process::run`] at the workspace root) and returns what it printed as [`Outputs`].
//! The harness finds the cases, runs them in the order of their names, compares
//! every expected file, and fails once at the end with all the failures, each
//! difference as a unified diff:
//!
//! ```no_run
//! use impish_golden::{Outputs, Suite};
//!
//! # fn print_of(_: &str) -> Result<String, String> { Ok(String::new()) }
//! Suite::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden"))
//!     .at_least(4)
//!     .run(|case| Ok(Outputs::new().whole("out", print_of(&case.source()?)?)));
//! ```
//!
//! A runner's `Err` is a failure no expected file can fix (the program did not compile,
//! ended with a signal, ran out of time); so is a panic of the runner, which fails that
//! case only.
//!
//! # Blessing
//!
//! With `IMPISH_BLESS=1` in the environment (`IMPISH_BLESS=1 cargo test --test
//! regressions`) a suite rewrites the expected files of the programs whose output
//! changed, from what they printed, instead of failing, and writes those of a new
//! program (a `NAME.nut` without them yet). Read `git diff` afterwards: the new text is
//! what impish does, not necessarily what it should do. Nothing is blessed from a failed
//! run (a runner's `Err`, a panic, a time-out) or for a known failure; a suite's
//! [`variant`](Suite::variant), which re-checks files its plain run owns, is skipped.
//!
//! # Known failures
//!
//! [`Suite::known_failures`] names a file listing the programs that do not pass yet,
//! `NAME: reason` a line, `#` comments; the list ends at the first `[section]` line
//! (the conformance gaps file keeps its `[deliberate]` differences there). A listed
//! program may fail; one that passes fails the suite, as does a name that is no program,
//! so the list only ever shrinks.

#![forbid(unsafe_code)]

mod known;
mod outputs;
pub mod process;
mod suite;

pub use outputs::Outputs;
pub use suite::{Case, Suite};

/// Whether this run rewrites expected files: `IMPISH_BLESS` set, and not to `0` or empty.
fn bless_requested() -> bool {
    std::env::var_os("IMPISH_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}
