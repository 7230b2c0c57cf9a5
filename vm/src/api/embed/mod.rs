//! The typed embedding API: Rust values in and out of Squirrel without touching
//! [`Value`]s, typed natives, rooted handles and native classes.
//!
//! - [`convert`]: [`FromSquirrel`] and [`IntoSquirrel`], the conversions of Rust types.
//! - [`args`]: parameter lists of typed natives ([`This`], [`Rest`]) and arguments
//!   of typed calls ([`IntoArgs`]).
//! - [`function`]: typed natives ([`Vm::register_fn`](crate::Vm::register_fn)), typed calls
//!   ([`Vm::call_fn`](crate::Vm::call_fn), [`Vm::eval`](crate::Vm::eval)).
//! - [`handle`]: [`Handle`] and its typed forms, values kept alive from Rust.
//! - [`class`]: [`ClassBuilder`], Rust types as Squirrel classes.
//! - [`error`]: [`ConvError`], why a conversion failed.
//!
//! Everything here is built on the raw API ([`Vm::new_native_body`](crate::Vm::new_native_body), [`Vm::call`](crate::Vm::call),
//! [`Vm::hold`](crate::Vm::hold)): it adds types, not new powers.

use std::any::TypeId;
use std::collections::HashMap;

use crate::heap::value::Value;

pub mod args;
pub mod class;
pub mod convert;
pub mod error;
pub mod function;
pub mod handle;

pub use args::{FromArg, IntoArgs, Rest, This};
pub use class::{ClassBuilder, IntoConstructed, Method};
pub use convert::{Bytes, FromSquirrel, IntoSquirrel, TypeSet};
pub use error::ConvError;
pub use function::{Callee, IntoNative, IntoReturn, Invoke, Raw, Throw};
pub use handle::{Array, Function, Handle, Table};

/// What a VM keeps for the typed API.
#[derive(Default)]
pub(crate) struct EmbedState {
    /// The values handles keep alive.
    pub(crate) roots: handle::Roots,
    /// The native classes registered, by the Rust type their instances hold.
    pub(crate) classes: HashMap<TypeId, class::ClassEntry>,
}

impl EmbedState {
    /// Adds the values handles keep alive to the collector's roots.
    pub(crate) fn push_roots(&self, roots: &mut Vec<Value>) {
        roots.extend_from_slice(self.roots.borrow().values());
    }
}

/// Invokes `$m!` once per parameter count the typed API supports (0 to 8); more
/// arguments come as a [`Rest`] or a container.
macro_rules! for_each_arity {
    ($m:ident) => {
        $m!();
        $m!(A1);
        $m!(A1, A2);
        $m!(A1, A2, A3);
        $m!(A1, A2, A3, A4);
        $m!(A1, A2, A3, A4, A5);
        $m!(A1, A2, A3, A4, A5, A6);
        $m!(A1, A2, A3, A4, A5, A6, A7);
        $m!(A1, A2, A3, A4, A5, A6, A7, A8);
    };
}
pub(crate) use for_each_arity;
