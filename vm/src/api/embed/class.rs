//! Native classes: a Rust type exposed to scripts as a Squirrel class.
//!
//! Each instance owns its Rust value, shared as `Rc<RefCell<T>>` in the instance's
//! native data: a script's instance and the host may both hold it, and the value is
//! dropped when the last of them lets go. Methods borrow it for the time of the call
//! (`&T` shared, `&mut T` exclusive): a method re-entered while an exclusive borrow is
//! running fails with a Squirrel error, never a panic. Properties are served by the
//! class's `_get`/`_set` metamethods, which only run for names that are no member.
//!
//! A Rust value may hold [`Handle`]s (a callback, a table): they keep what they name
//! alive while the value lives. A handle that leads back to its own instance (a
//! callback closing over it) keeps both alive for good: the collector does not see
//! through Rust values.
//!
//! ```
//! use impish_vm::{ClassBuilder, Profile, Vm};
//!
//! struct Counter {
//!     count: i64,
//! }
//!
//! let mut vm = Vm::new(Profile::Squirrel);
//! let counter = ClassBuilder::<Counter>::new("Counter")
//!     .constructor(|start: i64| Counter { count: start })
//!     .method("add", |c: &mut Counter, n: i64| c.count += n)
//!     .getter("count", |c: &Counter| c.count);
//! vm.register_class(counter).unwrap();
//! assert_eq!(vm.eval::<i64>("local c = Counter(40); c.add(2); return c.count").unwrap(), 42);
//! ```

use std::any::{type_name, TypeId};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::api::error::Error;
use crate::api::vm::{Fail, Vm};
use crate::heap::object::Instance;
use crate::heap::value::{ClassId, Value};

use super::args::{ArgCursor, FromArg, Signature};
use super::convert::{FromSquirrel, IntoSquirrel, TypeSet};
use super::error::ConvError;
use super::function::{native_of, IntoNative, IntoReturn, Invoke, NativeSpec, Throw};
use super::handle::Handle;

/// A registered native class: what converting an `Rc<RefCell<T>>` instantiates.
pub(crate) struct ClassEntry {
    class: Handle,
    name: Rc<str>,
}

/// A property reader: the value of a property of `&T`.
type Getter<T> = Box<dyn Fn(&mut Vm, &T) -> Result<Value, Fail>>;
/// A property writer: sets a property of `&mut T` from a Squirrel value.
type Setter<T> = Box<dyn Fn(&mut Vm, &mut T, Value) -> Result<(), Fail>>;

/// Describes a native class for `T`; [`Vm::register_class`] makes it.
pub struct ClassBuilder<T> {
    name: Rc<str>,
    constructor: Option<NativeSpec>,
    members: Vec<(String, NativeSpec)>,
    getters: HashMap<Vec<u8>, Getter<T>>,
    setters: HashMap<Vec<u8>, Setter<T>>,
}

/// What a constructor may return: the value, or a `Result` whose error is thrown.
pub trait IntoConstructed<T> {
    fn into_constructed(self, vm: &mut Vm) -> Result<T, Fail>;
}

impl<T> IntoConstructed<T> for T {
    fn into_constructed(self, _: &mut Vm) -> Result<T, Fail> {
        Ok(self)
    }
}

impl<T, E: Throw> IntoConstructed<T> for Result<T, E> {
    fn into_constructed(self, vm: &mut Vm) -> Result<T, Fail> {
        self.map_err(|e| e.throw(vm))
    }
}

/// A method of `T`: a closure taking `&T` or `&mut T` (after `&mut Vm`, if it takes
/// the VM) and then [`FromArg`] parameters. `M` is inferred.
pub trait Method<T, M>: 'static {
    type Output;

    fn signature() -> Signature;

    /// Converts the arguments, borrows `this` and calls.
    fn invoke(&self, vm: &mut Vm, this: &RefCell<T>, args: &mut ArgCursor, class: &str) -> Result<Self::Output, Fail>;
}

/// Marks methods taking `&T`.
pub struct Shared;
/// Marks methods taking `&mut T`.
pub struct Exclusive;
/// Marks methods taking `&mut Vm`, then `&T`.
pub struct SharedWithVm;
/// Marks methods taking `&mut Vm`, then `&mut T`.
pub struct ExclusiveWithVm;

/// `Method` for closures of one shape: `$marker`, `&mut Vm` first when `[Vm vm]` is
/// given, the receiver borrowed by `$borrow` and passed as `$($recv)+ T`.
macro_rules! method_shape {
    ($marker:ident, $borrow:ident, [$($recv:tt)+], [$($vm_ty:ident $vm:ident)?] $(, $A:ident)*) => {
        impl<F, R, T: 'static $(, $A: FromArg)*> Method<T, ($marker, R $(, $A)*)> for F
        where
            F: Fn($(&mut $vm_ty,)? $($recv)+ T $(, $A)*) -> R + 'static,
        {
            type Output = R;

            fn signature() -> Signature {
                let mut sig = Signature::default();
                sig.this(TypeSet::INSTANCE);
                $($A::declare(&mut sig);)*
                sig
            }

            #[allow(non_snake_case, unused_mut, unused_variables)]
            fn invoke(&self, vm: &mut Vm, this: &RefCell<T>, args: &mut ArgCursor, class: &str) -> Result<R, Fail> {
                $(let $A = $A::from_arg(vm, args).map_err(|e| e.fail(vm))?;)*
                let Ok(mut this) = this.$borrow() else { return Err(in_use(vm, class)) };
                $(let $vm: &mut $vm_ty = vm;)?
                Ok(self($($vm,)? $($recv)+ *this $(, $A)*))
            }
        }
    };
}

macro_rules! methods {
    ($($A:ident),*) => {
        method_shape!(Shared, try_borrow, [&], [] $(, $A)*);
        method_shape!(Exclusive, try_borrow_mut, [&mut], [] $(, $A)*);
        method_shape!(SharedWithVm, try_borrow, [&], [Vm vm] $(, $A)*);
        method_shape!(ExclusiveWithVm, try_borrow_mut, [&mut], [Vm vm] $(, $A)*);
    };
}

super::for_each_arity!(methods);

/// The error of a method called while another one holds the value exclusively.
fn in_use(vm: &mut Vm, class: &str) -> Fail {
    vm.error(format!("the '{class}' instance is in use by a method that is still running"))
}

/// The Rust value of instance `this`, for a member of class `class`.
fn cell_of<T: 'static>(vm: &Vm, this: Value, class: &str) -> Result<Rc<RefCell<T>>, ConvError> {
    if let Some(instance) = this_instance(vm, this) {
        match &instance.user {
            Some(data) => {
                if let Some(cell) = data.downcast_ref::<Rc<RefCell<T>>>() {
                    return Ok(cell.clone());
                }
            }
            None if derives_from::<T>(vm, instance.class) => {
                return Err(ConvError::other(format_args!("its '{class}' constructor has not run")))
            }
            None => {}
        }
    }
    Err(ConvError::invalid_type(this, class))
}

/// The instance `v` names, if it is a live one.
fn this_instance(vm: &Vm, v: Value) -> Option<&Instance> {
    match v {
        Value::Instance(i) => vm.heap.instances.try_get(i.0),
        _ => None,
    }
}

/// Whether class `c` is the class registered for `T` or derives from it.
fn derives_from<T: 'static>(vm: &Vm, c: ClassId) -> bool {
    let Some(Ok(Value::Class(native))) = vm.embed.classes.get(&TypeId::of::<T>()).map(|e| e.class.value(vm)) else {
        return false;
    };
    std::iter::successors(Some(c), |&c| vm.heap.class(c).base).any(|c| c == native)
}

impl<T: 'static> ClassBuilder<T> {
    /// A class named `name` with no members yet.
    pub fn new(name: &str) -> ClassBuilder<T> {
        ClassBuilder {
            name: name.into(),
            constructor: None,
            members: Vec::new(),
            getters: HashMap::new(),
            setters: HashMap::new(),
        }
    }

    /// How scripts make an instance (`Name(args)`): a closure of [`FromArg`]
    /// parameters (after `&mut Vm`, if it takes the VM) returning `T` or
    /// `Result<T, E>`. Without one, instances come only from Rust (an
    /// `Rc<RefCell<T>>` converted to a value).
    pub fn constructor<M, C>(mut self, f: C) -> Self
    where
        C: Invoke<M>,
        C::Output: IntoConstructed<T>,
    {
        let name = self.name.clone();
        let mut sig = C::signature();
        sig.this(TypeSet::INSTANCE);
        self.constructor = Some(native_of(sig, move |vm, args| {
            let this = args.this(vm);
            if cell_of::<T>(vm, this, &name).is_ok() {
                return Err(vm.error(format!("the '{name}' instance is already constructed")));
            }
            let value = f.invoke(vm, args)?.into_constructed(vm)?;
            vm.set_instance_data(this, Box::new(Rc::new(RefCell::new(value))));
            Ok(Value::Null)
        }));
        self
    }

    /// A method: a closure taking `&T` or `&mut T` (after `&mut Vm`, if it takes the
    /// VM) and [`FromArg`] parameters, returning an [`IntoReturn`] type. A method
    /// named like a metamethod (`_add`, `_tostring`, `_cmp`, ...) is one.
    pub fn method<M, F>(mut self, name: &str, f: F) -> Self
    where
        F: Method<T, M>,
        F::Output: IntoReturn,
    {
        let class = self.name.clone();
        let native = native_of(F::signature(), move |vm, args| {
            let this = cell_of::<T>(vm, args.this(vm), &class).map_err(|e| e.param(0).fail(vm))?;
            f.invoke(vm, &this, args, &class)?.into_return(vm)
        });
        self.members.push((name.to_string(), native));
        self
    }

    /// A static member function (called on the class or an instance; `this` is
    /// whatever it was called on).
    pub fn function<M>(mut self, name: &str, f: impl IntoNative<M>) -> Self {
        self.members.push((name.to_string(), f.into_native()));
        self
    }

    /// A property scripts read as `instance.name`.
    pub fn getter<R: IntoReturn>(mut self, name: &str, f: impl Fn(&T) -> R + 'static) -> Self {
        self.getters.insert(name.as_bytes().to_vec(), Box::new(move |vm, this| f(this).into_return(vm)));
        self
    }

    /// A property scripts write as `instance.name = value`.
    pub fn setter<V: FromSquirrel, R: IntoReturn>(mut self, name: &str, f: impl Fn(&mut T, V) -> R + 'static) -> Self {
        let subject = format!("property '{name}'");
        let set = move |vm: &mut Vm, this: &mut T, v: Value| {
            let v = V::from_squirrel(v, vm).map_err(|e| e.subject(&subject).fail(vm))?;
            f(this, v).into_return(vm).map(drop)
        };
        self.setters.insert(name.as_bytes().to_vec(), Box::new(set));
        self
    }

    /// Makes the class (not bound to any name): `Rc<RefCell<T>>` values convert to its
    /// instances from now on.
    pub fn build(self, vm: &mut Vm) -> Result<Handle, Error> {
        let ClassBuilder { name, constructor, mut members, getters, setters } = self;
        let class = vm.new_empty_class();
        let class = Handle::root(vm, class);
        let ctor = constructor.unwrap_or_else(|| {
            let name = name.clone();
            native_of(Signature::default(), move |vm, _| {
                Err(vm.error(format!("'{name}' has no constructor: its instances come from the host")))
            })
        });
        members.push(("constructor".into(), ctor));
        let type_name = name.clone();
        members.push(("_typeof".into(), (move |vm: &mut Vm| vm.string(&type_name)).into_native()));
        if !getters.is_empty() || !setters.is_empty() {
            members.extend(properties(&name, getters, setters));
        }
        for (member, spec) in members {
            let native = vm.native_with_masks(&member, spec.body, spec.nparams, spec.typemask, Vec::new());
            let class = class.value(vm)?;
            let declared = vm.class_set(class, &member, native);
            declared.map_err(|fail| Error::Runtime(vm.runtime_error(fail)))?;
        }
        vm.embed.classes.insert(TypeId::of::<T>(), ClassEntry { class: class.clone(), name });
        Ok(class)
    }
}

/// The `_get` and `_set` metamethods serving `getters` and `setters`; other names are
/// not found (a thrown null lets the lookup go on).
fn properties<T: 'static>(
    class: &Rc<str>,
    getters: HashMap<Vec<u8>, Getter<T>>,
    setters: HashMap<Vec<u8>, Setter<T>>,
) -> [(String, NativeSpec); 2] {
    let (class_get, class_set) = (class.clone(), class.clone());
    let readable: HashSet<Vec<u8>> = getters.keys().cloned().collect();
    let mut sig = Signature::default();
    sig.this(TypeSet::INSTANCE);
    sig.param(TypeSet::ANY, false);
    let get = native_of(sig.clone(), move |vm, args| {
        let this = cell_of::<T>(vm, args.this(vm), &class_get).map_err(|e| e.param(0).fail(vm))?;
        let key = args.take(vm).1;
        let Some(getter) = vm.str_bytes(key).and_then(|k| getters.get(k)) else { return Err(Fail::Error(Value::Null)) };
        let Ok(this) = this.try_borrow() else { return Err(in_use(vm, &class_get)) };
        getter(vm, &this)
    });
    sig.param(TypeSet::ANY, false);
    let set = native_of(sig, move |vm, args| {
        let this = cell_of::<T>(vm, args.this(vm), &class_set).map_err(|e| e.param(0).fail(vm))?;
        let (key, value) = (args.take(vm).1, args.take(vm).1);
        let Some(name) = vm.str_bytes(key).map(<[u8]>::to_vec) else { return Err(Fail::Error(Value::Null)) };
        let Some(setter) = setters.get(&name) else {
            return Err(if readable.contains(&name) {
                vm.error(format!("the property '{}' is read-only", String::from_utf8_lossy(&name)))
            } else {
                Fail::Error(Value::Null)
            });
        };
        let Ok(mut this) = this.try_borrow_mut() else { return Err(in_use(vm, &class_set)) };
        setter(vm, &mut this, value).map(|()| Value::Null)
    });
    [("_get".into(), get), ("_set".into(), set)]
}

impl Vm {
    /// Makes the class `class` describes and binds it to its name in the root table.
    pub fn register_class<T: 'static>(&mut self, class: ClassBuilder<T>) -> Result<(), Error> {
        let name = class.name.clone();
        let class = class.build(self)?;
        let value = class.value(self)?;
        self.set_global(&name, value);
        Ok(())
    }
}

/// The name of the class registered for `T`, or the Rust type's name.
fn class_name<T: 'static>(vm: &Vm) -> Rc<str> {
    match vm.embed.classes.get(&TypeId::of::<T>()) {
        Some(entry) => entry.name.clone(),
        None => type_name::<T>().into(),
    }
}

/// An instance of the native class registered for `T`: the instance's own value.
impl<T: 'static> FromSquirrel for Rc<RefCell<T>> {
    const TYPES: TypeSet = TypeSet::INSTANCE;

    fn from_squirrel(value: Value, vm: &Vm) -> Result<Rc<RefCell<T>>, ConvError> {
        cell_of(vm, value, &class_name::<T>(vm))
    }
}

/// A new instance of the native class registered for `T`, owning (sharing) the value.
/// No constructor runs.
impl<T: 'static> IntoSquirrel for Rc<RefCell<T>> {
    fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
        let class = match vm.embed.classes.get(&TypeId::of::<T>()) {
            Some(entry) => entry.class.value(vm)?,
            None => return Err(ConvError::other(format_args!("no class is registered for `{}`", type_name::<T>()))),
        };
        let Value::Class(c) = class else { return Err(ConvError::invalid_type(class, TypeSet::CLASS)) };
        let instance = vm.instantiate(c).map_err(|fail| ConvError::other(vm.runtime_error(fail).message))?;
        vm.set_instance_data(instance, Box::new(self));
        Ok(instance)
    }
}
