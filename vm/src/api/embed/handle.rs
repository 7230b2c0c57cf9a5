//! Rooted handles: Squirrel values kept alive from Rust for as long as Rust keeps them.
//!
//! Each VM has one root set, shared through an `Rc` with every handle it made; the
//! collector reads the set as roots. Making a handle takes a slot, dropping it frees
//! the slot (RAII), so a callback kept in a Rust event queue or a table kept in a host
//! struct lives exactly as long as its handle, under any collection schedule.
//!
//! A handle answers only to the VM whose set it is in: given to another VM, it is
//! refused with an error ("belongs to another VM") instead of naming that VM's objects.
//! The set is reached through a `RefCell` borrowed only inside these functions, never
//! across a call into a script.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use crate::api::error::Error;
use crate::api::vm::Vm;
use crate::heap::value::{Type, Value};

use super::args::IntoArgs;
use super::convert::{FromSquirrel, IntoSquirrel, TypeSet};
use super::error::ConvError;

/// The values handles keep alive, by slot; free slots hold `null`.
#[derive(Default)]
pub(crate) struct RootSlots {
    values: Vec<Value>,
    free: Vec<u32>,
}

/// A VM's root set, shared with its handles.
pub(crate) type Roots = Rc<RefCell<RootSlots>>;

impl RootSlots {
    fn add(&mut self, v: Value) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                self.values[slot as usize] = v;
                slot
            }
            None => {
                self.values.push(v);
                (self.values.len() - 1) as u32
            }
        }
    }

    fn remove(&mut self, slot: u32) {
        if let Some(v) = self.values.get_mut(slot as usize) {
            *v = Value::Null;
            self.free.push(slot);
        }
    }

    /// Every rooted value (and `null` for free slots), for the collector.
    pub(crate) fn values(&self) -> &[Value] {
        &self.values
    }
}

/// A Squirrel value kept alive from Rust: the collector does not free it while the
/// handle (or a clone of it) exists.
///
/// ```
/// use impish_vm::{Handle, Profile, Vm};
///
/// let mut vm = Vm::new(Profile::Squirrel);
/// vm.set_gc_stress(true);
/// let list: Handle = vm.eval("[1, 2, 3]").expect("an array");
/// vm.eval::<()>("for (local i = 0; i < 100; i++) { local t = {} }").expect("runs");
/// assert_eq!(list.get::<Vec<i64>>(&vm), Ok(vec![1, 2, 3]));
/// ```
pub struct Handle {
    roots: Roots,
    slot: u32,
    value: Value,
}

impl Handle {
    /// Keeps `value`, one of `vm`'s values, alive.
    pub fn new(vm: &Vm, value: Value) -> Result<Handle, ConvError> {
        if vm.heap.owns(value) {
            Ok(Handle::root(vm, value))
        } else {
            Err(ConvError::foreign())
        }
    }

    /// A handle of a value the VM produced itself.
    pub(crate) fn root(vm: &Vm, value: Value) -> Handle {
        let roots = vm.embed.roots.clone();
        let slot = roots.borrow_mut().add(value);
        Handle { roots, slot, value }
    }

    /// The value, checked to be `vm`'s. It stays valid while the handle lives.
    pub fn value(&self, vm: &Vm) -> Result<Value, ConvError> {
        if Rc::ptr_eq(&self.roots, &vm.embed.roots) {
            Ok(self.value)
        } else {
            Err(ConvError::foreign())
        }
    }

    /// The value converted to `T`.
    pub fn get<T: FromSquirrel>(&self, vm: &Vm) -> Result<T, ConvError> {
        T::from_squirrel(self.value(vm)?, vm)
    }

    pub fn type_of(&self) -> Type {
        self.value.type_of()
    }

    pub fn is_null(&self) -> bool {
        self.value.is_null()
    }
}

impl Clone for Handle {
    fn clone(&self) -> Handle {
        let slot = self.roots.borrow_mut().add(self.value);
        Handle { roots: self.roots.clone(), slot, value: self.value }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // Never borrowed across a drop; if it were, the slot would stay (a leak, no more).
        if let Ok(mut roots) = self.roots.try_borrow_mut() {
            roots.remove(self.slot);
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handle({})", self.type_of())
    }
}

impl FromSquirrel for Handle {
    const TYPES: TypeSet = TypeSet::ANY;

    fn from_squirrel(value: Value, vm: &Vm) -> Result<Handle, ConvError> {
        Ok(Handle::root(vm, value))
    }
}

impl IntoSquirrel for &Handle {
    fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
        self.value(vm)
    }
}

impl IntoSquirrel for Handle {
    fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
        self.value(vm)
    }
}

/// A handle restricted to one kind of value, with that kind's accessors.
macro_rules! typed_handle {
    ($(#[$doc:meta])* $name:ident, $types:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name(Handle);

        impl $name {
            /// The handle, for the accessors every value has.
            pub fn handle(&self) -> &Handle {
                &self.0
            }

            pub fn into_handle(self) -> Handle {
                self.0
            }

            /// The value, checked to be `vm`'s (see [`Handle::value`]).
            pub fn value(&self, vm: &Vm) -> Result<Value, ConvError> {
                self.0.value(vm)
            }
        }

        impl FromSquirrel for $name {
            const TYPES: TypeSet = $types;

            fn from_squirrel(value: Value, vm: &Vm) -> Result<$name, ConvError> {
                if Self::TYPES.contains(value) {
                    Ok($name(Handle::root(vm, value)))
                } else {
                    Err(ConvError::not_in(value, Self::TYPES))
                }
            }
        }

        impl TryFrom<Handle> for $name {
            type Error = ConvError;

            fn try_from(h: Handle) -> Result<$name, ConvError> {
                if <$name as FromSquirrel>::TYPES.contains(h.value) {
                    Ok($name(h))
                } else {
                    Err(ConvError::not_in(h.value, <$name as FromSquirrel>::TYPES))
                }
            }
        }

        impl IntoSquirrel for &$name {
            fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
                self.0.value(vm)
            }
        }

        impl IntoSquirrel for $name {
            fn into_squirrel(self, vm: &mut Vm) -> Result<Value, ConvError> {
                self.0.value(vm)
            }
        }
    };
}

typed_handle! {
    /// A table kept alive from Rust. Its accessors read and write raw slots (no
    /// delegates, no metamethods), so they never run a script.
    Table, TypeSet::TABLE
}

typed_handle! {
    /// An array kept alive from Rust.
    Array, TypeSet::ARRAY
}

typed_handle! {
    /// A Squirrel function or native kept alive from Rust: a callback to call later.
    Function, TypeSet::FUNCTION
}

impl Table {
    /// A new empty table.
    pub fn new(vm: &mut Vm) -> Table {
        let t = vm.new_table();
        Table(Handle::root(vm, t))
    }

    /// The slot `key` converted to `V` (a missing slot reads as `null`, so
    /// `Option<V>` tells missing from present).
    pub fn get<V: FromSquirrel>(&self, vm: &mut Vm, key: impl IntoSquirrel) -> Result<V, ConvError> {
        let table = self.value(vm)?;
        let key = key.into_squirrel(vm)?;
        let value = vm.table_get(table, key).unwrap_or(Value::Null);
        V::from_squirrel(value, vm).map_err(|e| e.at_key(vm, key).subject("the table"))
    }

    /// Sets (or creates) the slot `key`.
    pub fn set(&self, vm: &mut Vm, key: impl IntoSquirrel, value: impl IntoSquirrel) -> Result<(), ConvError> {
        let table = self.value(vm)?;
        let key = key.into_squirrel(vm)?;
        if key.is_null() {
            return Err(ConvError::other("a table key is null"));
        }
        let mark = vm.held.len();
        vm.held.push(key);
        let value = value.into_squirrel(vm);
        vm.held.truncate(mark);
        vm.table_set(table, key, value.map_err(|e| e.at_key(vm, key).subject("the table"))?);
        Ok(())
    }

    /// The number of slots.
    pub fn len(&self, vm: &Vm) -> Result<usize, ConvError> {
        let table = self.value(vm)?;
        Ok(vm.table_entries(table).map_or(0, Iterator::count))
    }

    pub fn is_empty(&self, vm: &Vm) -> Result<bool, ConvError> {
        self.len(vm).map(|n| n == 0)
    }
}

impl Vm {
    /// The root table, kept as a [`Table`]: typed access to globals.
    pub fn globals(&self) -> Table {
        Table(Handle::root(self, self.root_table()))
    }
}

impl Array {
    /// A new empty array.
    pub fn new(vm: &mut Vm) -> Array {
        let a = vm.new_array(Vec::new());
        Array(Handle::root(vm, a))
    }

    pub fn len(&self, vm: &Vm) -> Result<usize, ConvError> {
        let array = self.value(vm)?;
        Ok(vm.array_items(array).map_or(0, <[Value]>::len))
    }

    pub fn is_empty(&self, vm: &Vm) -> Result<bool, ConvError> {
        self.len(vm).map(|n| n == 0)
    }

    /// Element `i` converted to `T`.
    pub fn get<T: FromSquirrel>(&self, vm: &Vm, i: usize) -> Result<T, ConvError> {
        let array = self.value(vm)?;
        let items = vm.array_items(array).unwrap_or_default();
        match items.get(i) {
            Some(&v) => T::from_squirrel(vm.resolve(v), vm).map_err(|e| e.at_index(i).subject("the array")),
            None => {
                Err(ConvError::invalid_value(i, format_args!("an index below {}", items.len())).subject("the index"))
            }
        }
    }

    /// Replaces element `i`.
    pub fn set(&self, vm: &mut Vm, i: usize, value: impl IntoSquirrel) -> Result<(), ConvError> {
        let array = self.value(vm)?;
        let v = value.into_squirrel(vm).map_err(|e| e.at_index(i).subject("the array"))?;
        let Value::Array(a) = array else { unreachable!("checked to be an array") };
        match vm.heap.array_mut(a).get_mut(i) {
            Some(slot) => {
                *slot = v;
                Ok(())
            }
            None => {
                let n = vm.heap.array(a).len();
                Err(ConvError::invalid_value(i, format_args!("an index below {n}")).subject("the index"))
            }
        }
    }

    /// Appends an element.
    pub fn push(&self, vm: &mut Vm, value: impl IntoSquirrel) -> Result<(), ConvError> {
        let array = self.value(vm)?;
        let v = value.into_squirrel(vm).map_err(|e| e.subject("the new element"))?;
        let Value::Array(a) = array else { unreachable!("checked to be an array") };
        // Growing checks the memory limit, which may collect: the new element is held.
        let mark = vm.held.len();
        vm.held.push(v);
        let grown = vm.array_room(a, 1).map(|items| items.push(v));
        vm.held.truncate(mark);
        grown.map_err(|fail| ConvError::other(vm.runtime_error(fail).message).subject("the array"))
    }
}

impl Function {
    /// Calls the function with the root table as `this`; see [`Vm::call_fn`].
    pub fn call<R: FromSquirrel>(&self, vm: &mut Vm, args: impl IntoArgs) -> Result<R, Error> {
        let f = self.value(vm)?;
        let this = vm.root_table();
        vm.call_typed(f, this, args)
    }

    /// Calls the function with `this` bound to `this`.
    pub fn call_with<R: FromSquirrel>(
        &self,
        vm: &mut Vm,
        this: impl IntoSquirrel,
        args: impl IntoArgs,
    ) -> Result<R, Error> {
        let f = self.value(vm)?;
        let this = this.into_squirrel(vm).map_err(|e| e.subject("this"))?;
        vm.call_typed(f, this, args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;

    #[test]
    fn slots_are_reused_and_freed_slots_root_nothing() {
        let mut roots = RootSlots::default();
        let a = roots.add(Value::Int(1));
        let b = roots.add(Value::Int(2));
        roots.remove(a);
        assert!(roots.values()[a as usize].is_null());
        assert_eq!(roots.add(Value::Int(3)), a);
        assert_ne!(a, b);
    }

    #[test]
    fn a_dropped_handle_lets_its_value_go() {
        let mut vm = Vm::new(Profile::Squirrel);
        let t = vm.new_table();
        let kept = Handle::new(&vm, t).expect("own value");
        let copy = kept.clone();
        drop(kept);
        vm.collect_garbage();
        assert_eq!(copy.get::<std::collections::HashMap<String, i64>>(&vm), Ok(Default::default()));
        drop(copy);
        assert!(vm.collect_garbage() >= 1, "the table is freed once no handle holds it");
    }

    #[test]
    fn a_handle_of_another_vm_is_refused() {
        let mut a = Vm::new(Profile::Squirrel);
        let b = Vm::new(Profile::Squirrel);
        let t = Table::new(&mut a);
        assert_eq!(t.len(&b), Err(ConvError::foreign()));
        assert_eq!(t.handle().get::<Value>(&b).map(|_| ()), Err(ConvError::foreign()));
    }

    #[test]
    fn typed_handles_check_their_type() {
        let mut vm = Vm::new(Profile::Squirrel);
        let s = vm.string("x");
        let h = Handle::new(&vm, s).expect("own value");
        let e = Table::try_from(h).unwrap_err();
        assert_eq!(e.to_string(), "the value has an invalid type 'string' ; expected: 'table'");
    }
}
