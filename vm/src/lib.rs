//! impish-vm: the Squirrel 3 language core.
//!
//! Source text flows `syntax` (lexer, layout, parser → AST) → compiler (AST →
//! bytecode) → interpreter, over a heap of `Copy` values. This crate knows nothing of
//! imps; the libraries and the imp runtime build on its embedding API.

pub mod syntax;

mod arena;
mod baselib;
pub mod bytecode;
mod cache;
pub mod compiler;
mod delegates;
pub mod error;
mod exec;
mod frame;
pub mod heap;
pub mod numfmt;
pub mod object;
pub mod ops;
pub mod runner;
pub mod string;
pub mod table;
pub mod value;
pub mod vm;

pub use error::{format_uncaught, Error, RuntimeError, StackEntry};
pub use value::{Type, Value};
pub use runner::run_script;
pub use vm::{Args, Fail, Profile, Vm};
