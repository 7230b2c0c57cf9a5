//! The embedding API: the VM and its raw native interface (`vm`), errors, the script
//! runner the CLI and hosts share, and the typed layer over them (`embed`).

pub mod embed;
pub mod error;
pub mod runner;
pub mod vm;
