//! The interpreter: the dispatch loop (`exec`), its frames, inline caches and the
//! operations its instructions perform (`ops`), and the instruction meter.

pub(crate) mod cache;
pub(crate) mod coroutine;
pub(crate) mod exec;
pub(crate) mod frame;
pub mod meter;
pub(crate) mod ops;
