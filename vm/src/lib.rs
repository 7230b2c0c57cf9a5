//! impish-vm: the Squirrel 3 language core.
//!
//! Source text flows `syntax` (lexer, layout, parser → AST) → compiler (AST →
//! bytecode) → interpreter, over a heap of `Copy` values. This crate knows nothing of
//! imps; the libraries and the imp runtime build on its embedding API.
//!
//! # Embedding
//!
//! Create a [`Vm`] for a profile, give scripts Rust functions and types, run Squirrel,
//! call back into it. The typed API ([`embed`]) converts values both ways, derives a
//! native's checks from its closure's signature and keeps values alive in handles:
//!
//! ```
//! use impish_vm::{ClassBuilder, Error, Function, Profile, Vm};
//!
//! let mut vm = Vm::new(Profile::Squirrel);
//! // Two integers in, one out: calls with other arguments fail before the closure runs.
//! vm.register_fn("twice", |n: i64| n * 2);
//! // A `Result` error becomes a Squirrel error scripts can catch.
//! vm.register_fn("ratio", |a: f64, b: f64| if b == 0.0 { Err("division by zero") } else { Ok(a / b) });
//!
//! // A Rust type as a class: scripts construct it and call its methods.
//! struct Tally(Vec<String>);
//! let tally = ClassBuilder::<Tally>::new("Tally")
//!     .constructor(|| Tally(Vec::new()))
//!     .method("add", |t: &mut Tally, name: String| t.0.push(name))
//!     .getter("count", |t: &Tally| t.0.len());
//! vm.register_class(tally)?;
//!
//! vm.eval::<()>("function greet(name) { return \"hi \" + name + \" \" + twice(21) }")?;
//! assert_eq!(vm.call_fn::<String>("greet", "imp")?, "hi imp 42");
//! assert_eq!(vm.eval::<i64>("local t = Tally(); t.add(\"a\"); t.add(\"b\"); return t.count")?, 2);
//!
//! // A function kept in Rust stays alive (a rooted handle) until the handle is dropped.
//! let on_tick: Function = vm.eval("function(n) { return n * ratio(3, 2) }")?;
//! assert_eq!(on_tick.call::<f32>(&mut vm, 4)?, 6.0);
//!
//! // Errors are typed: a runtime error carries the message and the Squirrel call stack
//! // (`{:#}` shows it).
//! let failure = vm.eval::<i64>("twice(\"x\")").expect_err("a type error");
//! assert_eq!(failure.to_string(), "parameter 1 has an invalid type 'string' ; expected: 'integer'");
//! # Ok::<(), Error>(())
//! ```
//!
//! Under it is the raw API the libraries use for their hot natives: a plain function
//! reading its arguments in place, with the reference's arity and type-mask notation,
//! and [`Value`]s, which are not kept alive by Rust (see below):
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
//! // The same through the typed registration: `vm.register_fn("twice", Raw::new(twice, 2, Some(".i")))`.
//! vm.run_source("function greet(name) { return \"hi \" + name + \" \" + twice(21) }", "demo.nut")
//!     .expect("the script runs");
//!
//! let greet = vm.get_global("greet").expect("greet is defined");
//! let name = vm.string("imp");
//! let root = vm.root_table();
//! let answer = vm.call(greet, root, &[name]).expect("the call succeeds");
//! assert_eq!(vm.str_bytes(answer), Some(&b"hi imp 42"[..]));
//!
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
//! - A host or embedder keeps a value it stores outside the VM in a [`Handle`] (or a
//!   typed one: [`Function`], [`Table`], [`Array`]), which roots it until dropped; the
//!   raw form is [`Vm::pin`] until [`Vm::unpin`].
//! - A value given to a VM must come from that VM: every value that enters from Rust is
//!   checked (a value of another VM is a panic, not a wrong read; a handle of another VM
//!   is an error, since each handle knows its VM).
//! - Forgetting to hold is a bug, but never a read of freed memory: the interpreter reads
//!   every object whose id it got from a register or a container through a checked slot,
//!   and a stale id is an internal error. [`Vm::set_gc_stress`] collects at every
//!   safepoint and never reuses ids, so such a bug shows at once in tests.
//! - A panic inside the VM (a bug of impish's) is caught at [`Vm::call`] and
//!   [`Vm::compile`] and becomes [`Error::Internal`]; that VM refuses later calls.
//!
//! The heap and the collector are private to this crate; libraries read containers
//! through [`Vm::array_items`], [`Vm::table_entries`] and [`Vm::resolve`].

pub use impish_syntax as syntax;

mod api;
mod compiler;
mod heap;
mod interpreter;
mod library;

pub use api::{embed, error, runner, vm};
pub use heap::{footprint, memory};
pub use interpreter::meter;
pub use library::numfmt;

pub use embed::{
    Array, Bytes, ClassBuilder, ConvError, FromSquirrel, Function, Handle, IntoSquirrel, Raw, Rest, Table, This,
};
pub use error::{format_uncaught, Error, RuntimeError, StackEntry};
pub use heap::string::c_str;
pub use heap::value::{Type, Value};
pub use meter::{FunctionCost, NotCounting, VmStats};
pub use runner::run_script;
pub use vm::{Args, Fail, Indexer, NativeEntry, NotATemplate, PlainNative, Profile, Template, Vm};
