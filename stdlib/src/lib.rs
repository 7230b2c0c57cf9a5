//! impish-stdlib: the libraries Squirrel scripts and imp firmware call.

pub mod format;
pub mod regexp;
