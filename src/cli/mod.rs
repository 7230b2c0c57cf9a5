//! One module per subcommand, and what several of them share: reading a source file
//! and naming a profile.

use std::path::Path;

pub mod check;
pub mod imp;
pub mod run;

/// A script's name (its path as given) and text (bytes that are not UTF-8 are
/// replaced: Squirrel source is read as text).
pub fn read_source(path: &Path) -> Result<(String, String), String> {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => Ok((name, String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) => Err(format!("{name}: cannot read: {e}")),
    }
}

/// `--profile`: which Squirrel to emulate.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ProfileArg {
    /// Stock Squirrel 3.2, as the reference `sq` (64-bit integers, libraries as globals).
    Squirrel,
    /// Electric Imp's Squirrel 3.0.4 (32-bit integers, `math.` namespace, no threads).
    Imp,
}

impl From<ProfileArg> for impish_vm::Profile {
    fn from(arg: ProfileArg) -> Self {
        match arg {
            ProfileArg::Squirrel => impish_vm::Profile::Squirrel,
            ProfileArg::Imp => impish_vm::Profile::Imp,
        }
    }
}
