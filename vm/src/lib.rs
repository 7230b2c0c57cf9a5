//! impish-vm: the Squirrel 3 language core.
//!
//! Source text flows `syntax` (lexer, layout, parser → AST) → compiler (AST →
//! bytecode) → interpreter, over a heap of `Copy` values. This crate knows nothing of
//! imps; the libraries and the imp runtime build on its embedding API.

pub mod syntax;
