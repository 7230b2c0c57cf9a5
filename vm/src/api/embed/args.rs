//! Parameter lists: what a typed native takes, and what a typed call passes.
//!
//! A typed native's parameters are read in order by [`FromArg`]: a plain
//! [`FromSquirrel`] type takes the next argument, [`This`] takes `this`, [`Rest`] takes
//! all the remaining ones. Each parameter also declares itself in the native's
//! [`Signature`], which becomes the arity and type mask the VM checks before the native
//! runs, so a wrong call fails with the reference's own message.
//!
//! A typed call's arguments are [`IntoArgs`]: nothing (`()`), one value, a tuple, or
//! [`Rest`].

use crate::api::vm::{Args, Vm};
use crate::heap::value::Value;

use super::convert::{FromSquirrel, IntoSquirrel, TypeSet};
use super::error::ConvError;

/// A native's arity and type mask, built from its parameter types.
#[derive(Clone, Debug)]
pub struct Signature {
    /// One per argument, `this` first.
    masks: Vec<TypeSet>,
    /// Declared parameters (not counting `this` or a [`Rest`]).
    params: usize,
    /// Parameters up to the last one that may not be left out.
    required: usize,
    variadic: bool,
}

impl Default for Signature {
    fn default() -> Signature {
        Signature { masks: vec![TypeSet::ANY], params: 0, required: 0, variadic: false }
    }
}

impl Signature {
    /// One more parameter of `types`; `optional` ones may be left out (read as null).
    pub(crate) fn param(&mut self, types: TypeSet, optional: bool) {
        self.masks.push(types);
        self.params += 1;
        if !optional {
            self.required = self.params;
        }
    }

    /// What `this` must be.
    pub(crate) fn this(&mut self, types: TypeSet) {
        self.masks[0] = types;
    }

    /// Any number of further arguments.
    pub(crate) fn rest(&mut self) {
        self.variadic = true;
    }

    /// The VM's parameter count (with `this`): exact, or "at least" (negative) when
    /// parameters may be left out or more may follow.
    pub(crate) fn nparams(&self) -> i32 {
        let n = |k: usize| i32::try_from(k + 1).unwrap_or(i32::MAX);
        if self.variadic || self.required < self.params {
            -n(self.required)
        } else {
            n(self.params)
        }
    }

    /// The most arguments (with `this`) the native takes, when the VM's "at least"
    /// count does not bound them.
    pub(crate) fn max_args(&self) -> Option<usize> {
        (!self.variadic && self.required < self.params).then_some(self.params + 1)
    }

    /// The type mask, or `None` when every argument may be anything.
    pub(crate) fn typemask(&self) -> Option<std::rc::Rc<[u32]>> {
        let checks = self.masks.iter().any(|&m| m != TypeSet::ANY);
        checks.then(|| self.masks.iter().map(|m| m.bits()).collect())
    }
}

/// Reads a native's arguments in order (argument 0 is `this`).
#[derive(Clone, Copy, Debug)]
pub struct ArgCursor {
    args: Args,
    next: usize,
}

impl ArgCursor {
    pub(crate) fn new(args: Args) -> ArgCursor {
        ArgCursor { args, next: 1 }
    }

    /// The next argument and its position (null past the last one).
    pub(crate) fn take(&mut self, vm: &Vm) -> (usize, Value) {
        let i = self.next;
        self.next += 1;
        (i, self.args.get(vm, i))
    }

    pub(crate) fn this(&self, vm: &Vm) -> Value {
        self.args.this(vm)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A parameter type of a typed native: every [`FromSquirrel`] type, [`This`] and
/// [`Rest`].
pub trait FromArg: sealed::Sealed + Sized {
    /// Adds the parameter to the native's signature.
    fn declare(sig: &mut Signature);

    /// Reads the parameter from the arguments.
    fn from_arg(vm: &Vm, args: &mut ArgCursor) -> Result<Self, ConvError>;
}

impl<T: FromSquirrel> sealed::Sealed for T {}

impl<T: FromSquirrel> FromArg for T {
    fn declare(sig: &mut Signature) {
        sig.param(T::TYPES, T::OPTIONAL);
    }

    fn from_arg(vm: &Vm, args: &mut ArgCursor) -> Result<T, ConvError> {
        let (i, v) = args.take(vm);
        T::from_squirrel(v, vm).map_err(|e| e.param(i))
    }
}

/// A parameter that reads `this` (argument 0) instead of the next argument: for
/// natives that are methods of a type, like `"text".tointeger()`.
#[derive(Clone, Debug, PartialEq)]
pub struct This<T>(pub T);

impl<T: FromSquirrel> sealed::Sealed for This<T> {}

impl<T: FromSquirrel> FromArg for This<T> {
    fn declare(sig: &mut Signature) {
        sig.this(T::TYPES);
    }

    fn from_arg(vm: &Vm, args: &mut ArgCursor) -> Result<This<T>, ConvError> {
        T::from_squirrel(args.this(vm), vm).map(This).map_err(|e| e.param(0))
    }
}

/// The remaining arguments, any number of them (a native's last parameter), or the
/// arguments of a call spread from a vector.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rest<T>(pub Vec<T>);

impl<T: FromSquirrel> sealed::Sealed for Rest<T> {}

impl<T: FromSquirrel> FromArg for Rest<T> {
    fn declare(sig: &mut Signature) {
        sig.rest();
    }

    fn from_arg(vm: &Vm, args: &mut ArgCursor) -> Result<Rest<T>, ConvError> {
        let mut items = Vec::new();
        while args.next < args.args.len() {
            items.push(T::from_arg(vm, args)?);
        }
        Ok(Rest(items))
    }
}

/// The arguments of a typed call: `()`, one value, a tuple of values, or [`Rest`].
pub trait IntoArgs {
    /// Converts the arguments into `out`, holding each value made (see [`Vm::hold`]):
    /// the caller releases them.
    fn push_args(self, vm: &mut Vm, out: &mut Vec<Value>) -> Result<(), ConvError>;
}

/// Converts one argument into `out` and holds it.
fn push_arg(vm: &mut Vm, out: &mut Vec<Value>, arg: impl IntoSquirrel) -> Result<(), ConvError> {
    let n = out.len() + 1;
    let v = arg.into_squirrel(vm).map_err(|e| e.subject(format_args!("argument {n}")))?;
    vm.held.push(v);
    out.push(v);
    Ok(())
}

impl<T: IntoSquirrel> IntoArgs for T {
    fn push_args(self, vm: &mut Vm, out: &mut Vec<Value>) -> Result<(), ConvError> {
        push_arg(vm, out, self)
    }
}

impl<T: IntoSquirrel> IntoArgs for Rest<T> {
    fn push_args(self, vm: &mut Vm, out: &mut Vec<Value>) -> Result<(), ConvError> {
        self.0.into_iter().try_for_each(|arg| push_arg(vm, out, arg))
    }
}

macro_rules! tuple_args {
    ($($A:ident),*) => {
        impl<$($A: IntoSquirrel),*> IntoArgs for ($($A,)*) {
            #[allow(non_snake_case, unused_variables)]
            fn push_args(self, vm: &mut Vm, out: &mut Vec<Value>) -> Result<(), ConvError> {
                let ($($A,)*) = self;
                $(push_arg(vm, out, $A)?;)*
                Ok(())
            }
        }
    };
}

super::for_each_arity!(tuple_args);

#[cfg(test)]
mod tests {
    use super::*;

    fn signature<F: FnOnce(&mut Signature)>(declare: F) -> Signature {
        let mut sig = Signature::default();
        declare(&mut sig);
        sig
    }

    #[test]
    fn signatures_become_arities_and_masks() {
        let exact = signature(|s| {
            i64::declare(s);
            String::declare(s);
        });
        assert_eq!((exact.nparams(), exact.max_args()), (3, None));
        assert_eq!(exact.typemask().as_deref(), Some(&[u32::MAX, 0x2, 0x10][..]));

        let optional = signature(|s| {
            i64::declare(s);
            Option::<i64>::declare(s);
        });
        assert_eq!((optional.nparams(), optional.max_args()), (-2, Some(3)));

        let rest = signature(|s| {
            This::<String>::declare(s);
            Rest::<i64>::declare(s);
        });
        assert_eq!((rest.nparams(), rest.max_args()), (-1, None));
        assert_eq!(rest.typemask().as_deref(), Some(&[0x10][..]));

        let any = signature(Value::declare);
        assert_eq!((any.nparams(), any.typemask()), (2, None));
    }
}
