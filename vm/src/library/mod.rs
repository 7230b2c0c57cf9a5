//! The base library every VM has: the global functions (`baselib`), the default
//! delegates of each type (`delegates`), and the number formatting both use (`numfmt`).

pub(crate) mod baselib;
pub(crate) mod delegates;
pub mod numfmt;
