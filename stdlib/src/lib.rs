//! impish-stdlib: the libraries Squirrel scripts and imp firmware call.
