//! Typed natives: Rust closures as Squirrel functions, their arity and type checks
//! derived from their signatures.
//!
//! A closure `|a: i64, b: i64| a + b` becomes a native taking two integers; a first
//! parameter `&mut Vm` gives it the VM (to call back into scripts, make values); its
//! result converts back by [`IntoReturn`], a `Result`'s error becoming a catchable
//! Squirrel error. Closures live in the VM as shared natives (the kind
//! [`Vm::new_native_with`] makes); state they capture is theirs (use `Cell`/`RefCell` for
//! state that changes, since a native may run re-entrantly). A plain
//! `fn(&mut Vm, Args)` goes through the same registration as [`Raw`], called directly
//! with no conversion: the fast path for hot natives.

use std::fmt;
use std::rc::Rc;

use crate::api::error::Error;
use crate::api::vm::{parse_typemask, Args, Fail, Vm};
use crate::heap::object::{NativeBody, PlainNative};
use crate::heap::value::Value;

use super::args::{ArgCursor, FromArg, IntoArgs, Signature};
use super::convert::{FromSquirrel, IntoSquirrel};
use super::error::{boundary_error, ConvError};
use super::handle::{Function, Handle};

/// A native ready to be made into a value: its code and its checks.
pub struct NativeSpec {
    pub(crate) body: NativeBody,
    pub(crate) nparams: i32,
    pub(crate) typemask: Option<std::rc::Rc<[u32]>>,
}

/// What [`Vm::register_fn`] takes: a Rust closure or function whose parameters are
/// [`FromArg`] types (any [`FromSquirrel`] type, [`This`](super::This),
/// [`Rest`](super::Rest)), optionally preceded by `&mut Vm`, returning an
/// [`IntoReturn`] type; or a [`Raw`] native. `M` is inferred: it tells the closure
/// shapes apart.
pub trait IntoNative<M> {
    fn into_native(self) -> NativeSpec;
}

/// A plain native function with the reference's checks (`nparams` counts `this`: 0
/// unchecked, n > 0 exactly n, n < 0 at least -n; the type mask uses the reference's
/// letters): no conversions, the fastest call.
#[derive(Clone)]
pub struct Raw {
    f: PlainNative,
    nparams: i32,
    typemask: Option<std::rc::Rc<[u32]>>,
}

impl Raw {
    pub fn new(f: PlainNative, nparams: i32, typemask: Option<&str>) -> Raw {
        Raw { f, nparams, typemask: typemask.map(parse_typemask) }
    }
}

impl IntoNative<Raw> for Raw {
    fn into_native(self) -> NativeSpec {
        NativeSpec { body: NativeBody::Plain(self.f), nparams: self.nparams, typemask: self.typemask }
    }
}

/// A Rust error a typed native returns, thrown into Squirrel: any `Display` error as
/// its message (a string, catchable by `try`/`catch`), a [`Fail`] as it is (to throw
/// any value).
pub trait Throw {
    fn throw(self, vm: &mut Vm) -> Fail;
}

impl<E: fmt::Display> Throw for E {
    fn throw(self, vm: &mut Vm) -> Fail {
        vm.error(self.to_string())
    }
}

impl Throw for Fail {
    fn throw(self, _: &mut Vm) -> Fail {
        self
    }
}

/// What a typed native may return: nothing (`()`, read as `null`), any
/// [`IntoSquirrel`] value, or a `Result` of either whose error is [`Throw`]n.
pub trait IntoReturn {
    fn into_return(self, vm: &mut Vm) -> Result<Value, Fail>;
}

impl<T: IntoSquirrel> IntoReturn for T {
    fn into_return(self, vm: &mut Vm) -> Result<Value, Fail> {
        self.into_squirrel(vm).map_err(|e| e.subject("the result").fail(vm))
    }
}

impl IntoReturn for () {
    fn into_return(self, _: &mut Vm) -> Result<Value, Fail> {
        Ok(Value::Null)
    }
}

impl<T: IntoReturn, E: Throw> IntoReturn for Result<T, E> {
    fn into_return(self, vm: &mut Vm) -> Result<Value, Fail> {
        match self {
            Ok(v) => v.into_return(vm),
            Err(e) => Err(e.throw(vm)),
        }
    }
}

/// A Rust callable whose parameters convert from a native's arguments: the closure
/// shapes typed natives and constructors share.
pub trait Invoke<M>: 'static {
    type Output;

    fn signature() -> Signature;

    /// Converts the arguments and calls.
    fn invoke(&self, vm: &mut Vm, args: &mut ArgCursor) -> Result<Self::Output, Fail>;
}

/// Marks closures without a `&mut Vm` parameter.
pub struct Plain;
/// Marks closures whose first parameter is `&mut Vm`.
pub struct WithVm;

/// `Invoke` for closures of one shape: `$marker`, with `&mut Vm` first when
/// `[Vm vm]` is given, then the parameters `$A`.
macro_rules! invoke_shape {
    ($marker:ident, [$($vm_ty:ident $vm:ident)?] $(, $A:ident)*) => {
        impl<F, R $(, $A: FromArg)*> Invoke<($marker, R $(, $A)*)> for F
        where
            F: Fn($(&mut $vm_ty,)? $($A),*) -> R + 'static,
        {
            type Output = R;

            fn signature() -> Signature {
                #[allow(unused_mut)]
                let mut sig = Signature::default();
                $($A::declare(&mut sig);)*
                sig
            }

            #[allow(non_snake_case, unused_variables)]
            fn invoke(&self, vm: &mut Vm, args: &mut ArgCursor) -> Result<R, Fail> {
                $(let $A = $A::from_arg(vm, args).map_err(|e| e.fail(vm))?;)*
                $(let $vm: &mut $vm_ty = vm;)?
                Ok(self($($vm,)? $($A),*))
            }
        }
    };
}

macro_rules! invoke {
    ($($A:ident),*) => {
        invoke_shape!(Plain, [] $(, $A)*);
        invoke_shape!(WithVm, [Vm vm] $(, $A)*);
    };
}

super::for_each_arity!(invoke);

impl<M, C: Invoke<M>> IntoNative<M> for C
where
    C::Output: IntoReturn,
{
    fn into_native(self) -> NativeSpec {
        native_of(C::signature(), move |vm, args| self.invoke(vm, args)?.into_return(vm))
    }
}

/// A native running `body` under the checks of `sig`: the VM checks the arity and
/// types it can express; a bound on optional parameters is checked here.
pub(crate) fn native_of(
    sig: Signature,
    body: impl Fn(&mut Vm, &mut ArgCursor) -> Result<Value, Fail> + 'static,
) -> NativeSpec {
    let max = sig.max_args();
    let code = move |vm: &mut Vm, args: Args| {
        if max.is_some_and(|max| args.len() > max) {
            return Err(vm.error("wrong number of parameters"));
        }
        body(vm, &mut ArgCursor::new(args))
    };
    NativeSpec { body: NativeBody::Closure(Rc::new(code)), nparams: sig.nparams(), typemask: sig.typemask() }
}

/// What a typed call calls: a global's name, a [`Function`] or [`Handle`], or a
/// [`Value`].
pub trait Callee {
    fn callee(self, vm: &mut Vm) -> Result<Value, Error>;
}

impl Callee for &str {
    fn callee(self, vm: &mut Vm) -> Result<Value, Error> {
        vm.get_global(self).ok_or_else(|| boundary_error(format!("the index '{self}' does not exist")))
    }
}

impl Callee for &Function {
    fn callee(self, vm: &mut Vm) -> Result<Value, Error> {
        Ok(self.value(vm)?)
    }
}

impl Callee for &Handle {
    fn callee(self, vm: &mut Vm) -> Result<Value, Error> {
        Ok(self.value(vm)?)
    }
}

impl Callee for Value {
    fn callee(self, vm: &mut Vm) -> Result<Value, Error> {
        Ok(self.into_squirrel(vm)?)
    }
}

impl Vm {
    /// A native function value made from a typed closure (or [`Raw`]); see
    /// [`Vm::register_fn`]. The value is not kept alive: store it, or keep it as a
    /// [`Function`] (`vm.new_fn(..)` converted with [`Handle::new`]).
    pub fn new_fn<M>(&mut self, name: &str, f: impl IntoNative<M>) -> Value {
        let spec = f.into_native();
        self.native_with_masks(name, spec.body, spec.nparams, spec.typemask, Vec::new())
    }

    /// Registers a typed closure as a global function. Its parameter types give the
    /// arity and type checks; its result converts back; a `Result`'s error becomes a
    /// Squirrel error the script can catch:
    ///
    /// ```
    /// use impish_vm::{Profile, Vm};
    ///
    /// let mut vm = Vm::new(Profile::Squirrel);
    /// vm.register_fn("add", |a: i64, b: i64| a + b);
    /// vm.register_fn("root", |x: f64| if x < 0.0 { Err("negative") } else { Ok(x.sqrt()) });
    /// assert_eq!(vm.eval::<i64>("add(2, 3)").unwrap(), 5);
    /// assert_eq!(vm.eval::<String>("try { root(-1) } catch (e) { return e }").unwrap(), "negative");
    /// let e = vm.eval::<i64>("add(1, \"x\")").unwrap_err();
    /// assert_eq!(e.to_string(), "parameter 2 has an invalid type 'string' ; expected: 'integer'");
    /// ```
    pub fn register_fn<M>(&mut self, name: &str, f: impl IntoNative<M>) {
        let native = self.new_fn(name, f);
        self.set_global(name, native);
    }

    /// [`Vm::register_fn`] into `table` (a library namespace, a delegate table).
    pub fn register_fn_in<M>(&mut self, table: Value, name: &str, f: impl IntoNative<M>) {
        let native = self.new_fn(name, f);
        self.set_native_in(table, native);
    }

    /// Calls a function (a global's name, a [`Function`], a [`Value`]) with the root
    /// table as `this`, converting the arguments (`()`, one value, a tuple, or
    /// [`Rest`](super::Rest)) and the result:
    ///
    /// ```
    /// use impish_vm::{Profile, Vm};
    ///
    /// let mut vm = Vm::new(Profile::Squirrel);
    /// vm.eval::<()>("function greet(name, times) { local s = \"\"; while (times--) s += name; return s }").unwrap();
    /// assert_eq!(vm.call_fn::<String>("greet", ("hi ", 2)).unwrap(), "hi hi ");
    /// ```
    pub fn call_fn<R: FromSquirrel>(&mut self, f: impl Callee, args: impl IntoArgs) -> Result<R, Error> {
        let f = f.callee(self)?;
        let this = self.root_table();
        self.call_typed(f, this, args)
    }

    /// Calls method `name` of `object` (a member found as `object.name` finds it, with
    /// `object` as `this`).
    pub fn call_method<R: FromSquirrel>(
        &mut self,
        object: impl IntoSquirrel,
        name: &str,
        args: impl IntoArgs,
    ) -> Result<R, Error> {
        let object = object.into_squirrel(self).map_err(|e| e.subject("the object"))?;
        let key = self.string(name);
        let mark = self.held.len();
        self.held.extend([object, key]);
        let method =
            self.guarded(|vm| vm.metered(|vm| vm.get(object, key, false)).map_err(|f| vm.runtime_error(f).into()));
        let result = method.and_then(|method| self.call_typed(method, object, args));
        self.held.truncate(mark);
        result
    }

    /// Runs Squirrel source and converts its result: the value of the source if it is
    /// one expression (`"1 + 2"`), else what the script `return`s.
    ///
    /// ```
    /// use impish_vm::{Profile, Vm};
    ///
    /// let mut vm = Vm::new(Profile::Squirrel);
    /// assert_eq!(vm.eval::<i64>("6 * 7").unwrap(), 42);
    /// assert_eq!(vm.eval::<Vec<i64>>("local a = [1]; a.push(2); return a").unwrap(), [1, 2]);
    /// ```
    pub fn eval<R: FromSquirrel>(&mut self, source: &str) -> Result<R, Error> {
        const FILE: &str = "eval";
        let f = match self.compile(&format!("return ({source}\n)"), FILE) {
            Ok(f) => f,
            Err(Error::Compile(_)) => self.compile(source, FILE)?,
            Err(e) => return Err(e),
        };
        let this = self.root_table();
        self.call_typed(f, this, ())
    }

    /// Global `name` converted to `T` (a missing global reads as `null`).
    pub fn global<T: FromSquirrel>(&mut self, name: &str) -> Result<T, ConvError> {
        let v = self.get_global(name).unwrap_or(Value::Null);
        T::from_squirrel(v, self).map_err(|e| e.subject(format_args!("global '{name}'")))
    }

    /// Calls `f` with `this` and converted arguments, and converts its result. `f`,
    /// `this` and the arguments are held until the call has them on its stack.
    pub(crate) fn call_typed<R: FromSquirrel>(
        &mut self,
        f: Value,
        this: Value,
        args: impl IntoArgs,
    ) -> Result<R, Error> {
        let mark = self.held.len();
        self.held.extend([f, this]);
        let mut values = Vec::new();
        let result = match args.push_args(self, &mut values) {
            Ok(()) => self.call(f, this, &values),
            Err(e) => Err(e.into()),
        };
        self.held.truncate(mark);
        let value = result?;
        R::from_squirrel(value, self).map_err(|e| e.subject("the result").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;

    #[test]
    fn optional_parameters_are_bounded() {
        let mut vm = Vm::new(Profile::Squirrel);
        vm.register_fn("opt", |a: i64, b: Option<i64>| a + b.unwrap_or(10));
        assert_eq!(vm.eval::<i64>("opt(1)").ok(), Some(11));
        assert_eq!(vm.eval::<i64>("opt(1, 2)").ok(), Some(3));
        assert_eq!(vm.eval::<i64>("opt(1, null)").ok(), Some(11));
        let e = vm.eval::<i64>("opt(1, 2, 3)").unwrap_err();
        assert_eq!(e.to_string(), "wrong number of parameters");
        let e = vm.eval::<i64>("opt()").unwrap_err();
        assert_eq!(e.to_string(), "wrong number of parameters");
    }

    #[test]
    fn raw_natives_register_alike() {
        fn twice(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
            Ok(Value::Int(vm.profile().integer_of(args.get(vm, 1)).unwrap_or(0) * 2))
        }
        let mut vm = Vm::new(Profile::Squirrel);
        vm.register_fn("twice", Raw::new(twice, 2, Some(".i")));
        assert_eq!(vm.eval::<i64>("twice(21)").ok(), Some(42));
        let e = vm.eval::<i64>("twice(1.5)").unwrap_err();
        assert_eq!(e.to_string(), "parameter 1 has an invalid type 'float' ; expected: 'integer'");
    }

    #[test]
    fn eval_takes_expressions_and_scripts() {
        let mut vm = Vm::new(Profile::Squirrel);
        assert_eq!(vm.eval::<i64>("1 + 2 // a comment").ok(), Some(3));
        assert_eq!(vm.eval::<Option<i64>>("local x = 1").ok(), Some(None));
        vm.eval::<()>("function f() { return 5 }").expect("defines f");
        assert_eq!(vm.call_fn::<i64>("f", ()).ok(), Some(5));
        let e = vm.eval::<i64>("1 +").unwrap_err();
        assert!(matches!(e, Error::Compile(_)), "{e:?}");
    }

    #[test]
    fn a_missing_callee_or_method_is_an_error() {
        let mut vm = Vm::new(Profile::Squirrel);
        let e = vm.call_fn::<()>("nothing", ()).unwrap_err();
        assert_eq!(e.to_string(), "the index 'nothing' does not exist");
        let e = vm.call_method::<()>("text", "nothing", ()).unwrap_err();
        assert_eq!(e.to_string(), "the index 'nothing' does not exist");
        assert_eq!(vm.call_method::<i64>("text", "len", ()).ok(), Some(4));
    }
}
