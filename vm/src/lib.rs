//! impish-vm: the Squirrel 3 language core.
//!
//! Source text flows `syntax` (lexer, layout, parser → AST) → compiler (AST →
//! bytecode) → interpreter, over a heap of `Copy` values. This crate knows nothing of
//! imps; the libraries and the imp runtime build on its embedding API.
//!
//! # Embedding
//!
//! Create a [`Vm`] for a profile, register natives, run Squirrel, call back into it:
//!
//! ```
//! use impish_vm::{Args, Fail, Profile, Value, Vm};
//!
//! /// `twice(n)`: a native function, reading its argument in place (0 is `this`).
//! fn twice(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
//!     match args.get(vm, 1) {
//!         Value::Int(n) => Ok(Value::Int(n * 2)),
//!         _ => Err(vm.error("twice: integer expected")),
//!     }
//! }
//!
//! let mut vm = Vm::new(Profile::Squirrel);
//! // Two parameters counting `this`; the type mask checks them (`.` any, `i` integer).
//! vm.register("twice", twice, 2, Some(".i"));
//! vm.run_source("function greet(name) { return \"hi \" + name + \" \" + twice(21) }", "demo.nut")
//!     .expect("the script runs");
//!
//! let greet = vm.get_global("greet").expect("greet is defined");
//! let name = vm.string("imp");
//! let root = vm.root_table();
//! let answer = vm.call(greet, root, &[name]).expect("the call succeeds");
//! assert_eq!(vm.str_bytes(answer), Some(&b"hi imp 42"[..]));
//!
//! // Errors are typed: a runtime error carries the message and the Squirrel call stack.
//! let failure = vm.run_source("twice(\"x\")", "bad.nut").expect_err("a type error");
//! assert!(failure.to_string().contains("parameter 1 has an invalid type 'string'"));
//! ```

//! # Keeping values alive
//!
//! A [`Value`] is a plain copyable handle; the collector owns what it names, and may
//! run at any safepoint of the interpreter: inside every call back into the VM
//! ([`Vm::call`], [`Vm::call_value`], a callback, a metamethod) and when memory is
//! reserved near the limit ([`Vm::reserve`]). So:
//!
//! - A native's arguments stay alive while it runs. Anything else it keeps in Rust across
//!   such a call (a copy of a container's items, a result being built) it holds with
//!   [`Vm::hold`]; what it held is released when it returns.
//! - A host or embedder keeps a value it stores outside the VM with [`Vm::pin`] until
//!   [`Vm::unpin`].
//! - A value given to a VM must come from that VM: every value that enters from Rust is
//!   checked (a value of another VM is a panic, not a wrong read).
//! - Forgetting to hold is a bug, but never a read of freed memory: the interpreter reads
//!   every object whose id it got from a register or a container through a checked slot,
//!   and a stale id is an internal error. [`Vm::set_gc_stress`] collects at every
//!   safepoint and never reuses ids, so such a bug shows at once in tests.
//! - A panic inside the VM (a bug of impish's) is caught at [`Vm::call`] and
//!   [`Vm::compile`] and becomes [`Error::Internal`]; that VM refuses later calls.
//!
//! The heap and the collector are private to this crate; libraries read containers
//! through [`Vm::array_items`], [`Vm::table_entries`] and [`Vm::resolve`].

pub mod syntax;

mod arena;
mod baselib;
mod bytecode;
mod cache;
mod compiler;
mod coroutine;
mod delegates;
pub mod error;
mod exec;
mod frame;
mod heap;
pub mod memory;
pub mod meter;
pub mod numfmt;
mod object;
mod ops;
pub mod runner;
mod string;
mod table;
mod value;
pub mod vm;

pub use error::{format_uncaught, Error, RuntimeError, StackEntry};
pub use meter::{FunctionCost, NotCounting, VmStats};
pub use runner::run_script;
pub use string::c_str;
pub use value::{Type, Value};
pub use vm::{Args, Fail, Profile, Vm};
