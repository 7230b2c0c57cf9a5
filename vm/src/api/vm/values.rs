//! Making and reading values from Rust: strings, tables, arrays, user data, classes.

use super::*;
use crate::heap::object::*;
use crate::heap::table::Table;
use crate::heap::value::*;
use crate::heap::FIRST_ARRAY_ROOM;

impl Vm {
    pub fn string(&mut self, s: &str) -> Value {
        Value::Str(self.heap.intern(s.as_bytes()))
    }

    pub fn bytes(&mut self, s: &[u8]) -> Value {
        Value::Str(self.heap.intern(s))
    }

    /// What a container slot holding `v` reads as: a weak reference's target (null once
    /// collected); any other value itself.
    pub fn resolve(&self, v: Value) -> Value {
        self.heap.real(v)
    }

    /// The elements of an array, as stored (see [`Vm::resolve`]).
    pub fn array_items(&self, v: Value) -> Option<&[Value]> {
        match v {
            Value::Array(a) => Some(self.heap.array(a)),
            _ => None,
        }
    }

    /// The (key, value) pairs of a table in iteration order, as stored.
    pub fn table_entries(&self, v: Value) -> Option<impl Iterator<Item = (Value, Value)> + '_> {
        match v {
            Value::Table(t) => Some(self.heap.table(t).entries()),
            _ => None,
        }
    }

    /// The string `write` composes, written into a buffer the VM reuses (so making it
    /// allocates nothing but the string itself): for natives that build text, such as
    /// `format`. `write` sees the VM, to read its arguments.
    pub fn build_string<E>(&mut self, write: impl FnOnce(&Vm, &mut Vec<u8>) -> Result<(), E>) -> Result<Value, E> {
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        let made = write(self, &mut buf).map(|()| Value::Str(self.heap.intern(&buf)));
        self.scratch = buf;
        made
    }

    /// Bytes `range` of string `s` as a string, made without copying them out first;
    /// None when `s` is not a string or the range is not inside it.
    pub fn substring(&mut self, s: Value, range: std::ops::Range<usize>) -> Option<Value> {
        let Value::Str(id) = s else { return None };
        let inside = range.start <= range.end && range.end <= self.heap.str(id).len();
        inside.then(|| Value::Str(self.heap.intern_sub(id, range)))
    }

    /// The bytes of a string value.
    pub fn str_bytes(&self, v: Value) -> Option<&[u8]> {
        match v {
            Value::Str(s) => Some(self.heap.str(s)),
            _ => None,
        }
    }

    pub fn new_table(&mut self) -> Value {
        Value::Table(self.heap.new_table(0))
    }

    /// A new table holding `pairs` (raw slots, set in order; null keys are skipped),
    /// sized for them up front: what natives return as records (`{begin, end}`).
    pub fn new_table_from(&mut self, pairs: &[(Value, Value)]) -> Value {
        for &(key, val) in pairs {
            self.admit(key);
            self.admit(val);
        }
        Value::Table(self.heap.new_record(pairs))
    }

    /// An array of tables of the same `keys`, one per row of values (each the table
    /// [`Vm::new_table_from`] makes of its pairs): for a native's list of records.
    pub fn new_record_array<const N: usize>(
        &mut self,
        keys: [Value; N],
        rows: impl ExactSizeIterator<Item = [Value; N]>,
    ) -> Value {
        self.admit_all(&keys);
        let items = self.heap.new_records(keys, rows);
        Value::Array(self.heap.alloc_array(items))
    }

    /// `begin` and `end`, the keys of a span record (a regexp's match), interned for
    /// the VM's life so that natives making many spans do not look them up each time.
    pub fn span_keys(&self) -> [Value; 2] {
        self.names.span.map(Value::Str)
    }

    pub fn new_array(&mut self, items: Vec<Value>) -> Value {
        self.admit_all(&items);
        Value::Array(self.heap.alloc_array(items))
    }

    /// A new array of `n` copies of `fill`, its size checked by [`Vm::reserve`] first.
    pub fn new_array_filled(&mut self, n: usize, fill: Value) -> Result<Value, Fail> {
        self.filled_array(n, fill).map(Value::Array)
    }

    pub(crate) fn filled_array(&mut self, n: usize, fill: Value) -> Result<ArrayId, Fail> {
        let mut items = Vec::new();
        self.reserve_values(n)?;
        if items.try_reserve_exact(n).is_err() {
            return Err(self.error("out of memory"));
        }
        items.resize(n, fill);
        Ok(self.heap.alloc_array(items))
    }

    /// Array `a`, a running native's `this` (so live), with room for `extra` more
    /// items: every growth of an existing array goes through here, so its size is
    /// checked by [`Vm::reserve`] before the array reallocates. Inlined, with the
    /// growth apart: a push into spare capacity (most of them) costs one comparison
    /// more than a bare `Vec::push`.
    #[inline]
    pub(crate) fn array_room(&mut self, a: ArrayId, extra: usize) -> Result<&mut Vec<Value>, Fail> {
        let arr = self.heap.arrays.get_live(a.0);
        if arr.capacity() - arr.len() < extra {
            self.array_grow(a, extra)?;
        }
        Ok(self.heap.arrays.get_live_mut(a.0))
    }

    /// The growth of [`Vm::array_room`]: checked, then made.
    #[inline(never)]
    fn array_grow(&mut self, a: ArrayId, extra: usize) -> Result<(), Fail> {
        let arr = self.heap.array(a);
        let (len, cap) = (arr.len(), arr.capacity());
        // What the vector will allocate: at least double its capacity.
        let items = len.saturating_add(extra).max(cap.saturating_mul(2));
        self.reserve_values(items)?;
        if cap == 0 && extra <= FIRST_ARRAY_ROOM {
            // The room `Vec` would make, on a recycled buffer when one is kept.
            *self.heap.array_mut(a) = self.heap.first_array_buffer();
            return Ok(());
        }
        if self.heap.array_mut(a).try_reserve(extra).is_err() {
            return Err(self.error("out of memory"));
        }
        Ok(())
    }

    /// A runtime error carrying `msg` (for natives: `return Err(vm.error("..."))`).
    pub fn error(&mut self, msg: impl AsRef<str>) -> Fail {
        Fail::Error(self.string(msg.as_ref()))
    }

    pub fn root_table(&self) -> Value {
        Value::Table(self.root)
    }

    pub fn const_table(&self) -> Value {
        Value::Table(self.consts)
    }

    /// A table private to the embedder and libraries (not reachable from scripts).
    pub fn registry(&self) -> Value {
        Value::Table(self.registry)
    }

    /// Raw slot write in a table (creating it).
    pub fn table_set(&mut self, table: Value, key: Value, val: Value) {
        let (key, val) = (self.admit(key), self.admit(val));
        if let (Value::Table(t), false) = (table, key.is_null()) {
            if t == self.delegates.instance {
                self.member_edits += 1;
            }
            self.heap.tables.get_mut(t.0).insert(key, val, &self.heap.strings);
        }
    }

    /// Raw slot read from a table.
    pub fn table_get(&self, table: Value, key: Value) -> Option<Value> {
        match table {
            Value::Table(t) => self.heap.table(t).get(key, &self.heap.strings).map(|v| self.heap.real(v)),
            _ => None,
        }
    }

    pub fn set_global(&mut self, name: &str, val: Value) {
        let k = self.string(name);
        self.table_set(Value::Table(self.root), k, val);
    }

    pub fn get_global(&mut self, name: &str) -> Option<Value> {
        let k = self.string(name);
        self.table_get(Value::Table(self.root), k)
    }

    /// A user-data value with native payload and a delegate table for its methods.
    pub fn new_userdata<T: std::any::Any>(&mut self, data: T, delegate: Option<Value>) -> Value {
        let delegate = match delegate.map(|d| self.admit(d)) {
            Some(Value::Table(t)) => Some(t),
            _ => None,
        };
        Value::UserData(self.heap.alloc_userdata(UserData { data: std::rc::Rc::new(data), delegate }))
    }

    pub fn userdata<T: 'static>(&self, v: Value) -> Option<&T> {
        match v {
            Value::UserData(u) => self.heap.userdata.get(u.0).data.downcast_ref(),
            _ => None,
        }
    }

    /// The payload of user data `v`, to change. `None` also for the payload of user
    /// data made before a [`Template`](crate::Template) was taken, which its VMs share.
    pub fn userdata_mut<T: 'static>(&mut self, v: Value) -> Option<&mut T> {
        match v {
            Value::UserData(u) => std::rc::Rc::get_mut(&mut self.heap.userdata.get_mut(u.0).data)?.downcast_mut(),
            _ => None,
        }
    }

    /// Native data attached to an instance (e.g. by a library's constructor).
    pub fn instance_data<T: 'static>(&self, v: Value) -> Option<&T> {
        match v {
            Value::Instance(i) => self.heap.instance(i).user.as_ref()?.downcast_ref(),
            _ => None,
        }
    }

    pub fn instance_data_mut<T: 'static>(&mut self, v: Value) -> Option<&mut T> {
        match v {
            Value::Instance(i) => self.heap.instance_mut(i).user.as_mut()?.downcast_mut(),
            _ => None,
        }
    }

    /// [`Vm::instance_data_mut`] together with the bytes of string `s` (empty if it is
    /// not a string): a native matches its object's state against a string argument
    /// without copying the string out of the heap first.
    pub fn instance_data_mut_with_str<T: 'static>(&mut self, v: Value, s: Value) -> Option<(&mut T, &[u8])> {
        let Value::Instance(i) = v else { return None };
        let bytes = match s {
            Value::Str(s) => self.heap.strings.bytes(s),
            _ => &[],
        };
        let data = self.heap.instances.get_mut(i.0).user.as_mut()?.downcast_mut()?;
        Some((data, bytes))
    }

    pub fn set_instance_data(&mut self, v: Value, data: Box<dyn std::any::Any>) {
        if let Value::Instance(i) = v {
            self.heap.instance_mut(i).user = Some(data);
        }
    }

    /// Gives a native class a fast path for `x[i]` and `x[i] = v` with an integer `i`
    /// (see [`Indexer`]); set it after the class's `_get` and `_set`.
    pub fn set_indexer(&mut self, class: Value, indexer: Indexer) {
        if let Value::Class(c) = class {
            let class = self.heap.class(c);
            let natives = [Meta::Get, Meta::Set].map(|m| class.meta(m).unwrap_or(Value::Null));
            self.indexers.push((c, natives, indexer));
        }
    }

    /// A new empty class, for libraries that define native classes (`blob`, `regexp`).
    pub fn new_empty_class(&mut self) -> Value {
        Value::Class(self.heap.alloc_class(Class::with_members(Table::with_capacity(0))))
    }

    /// Declares a class member as `class { name = val }` does (the constructor and
    /// metamethods such as `_get` included).
    pub fn class_set(&mut self, class: Value, name: &str, val: Value) -> Result<(), Fail> {
        self.admit(val);
        let key = self.string(name);
        self.new_slot(class, key, val, false)
    }

    /// Makes `class` derive from `base` after the fact (for `instanceof` only: it
    /// inherits no members), as the reference's blob derives from its stream.
    pub fn class_set_base(&mut self, class: Value, base: Value) {
        if let (Value::Class(c), Value::Class(b)) = (class, base) {
            self.heap.class_mut(c).base = Some(b);
        }
    }

    /// Whether `v` is an instance of `class` or of a class derived from it.
    pub fn is_instance_of(&mut self, v: Value, class: Value) -> bool {
        matches!(class, Value::Class(_)) && self.instance_of(v, class).unwrap_or(false)
    }

    /// The default delegate of a type (the methods all its values answer to), so a
    /// library can add, replace or remove methods for its profile.
    pub fn type_delegate(&self, t: Type) -> Option<Value> {
        let d = &self.delegates;
        let id = match t {
            Type::Table => d.table,
            Type::Array => d.array,
            Type::String => d.string,
            Type::Integer | Type::Float | Type::Bool => d.number,
            Type::Function => d.function,
            Type::Generator => d.generator,
            Type::Thread => d.thread,
            Type::Class => d.class,
            Type::Instance => d.instance,
            Type::WeakRef => d.weakref,
            Type::Null | Type::UserData => return None,
        };
        Some(Value::Table(id))
    }

    /// Removes a raw slot from a table, returning its value.
    pub fn table_remove(&mut self, table: Value, key: Value) -> Option<Value> {
        match table {
            Value::Table(t) => self.heap.tables.get_mut(t.0).remove(key, &self.heap.strings),
            _ => None,
        }
    }
}

/// A native class's fast path for integer indexing: its getter and setter work on an
/// instance's native data directly, where the class's `_get` and `_set` natives would
/// be called, and must give the same results. The natives still handle every other
/// key, whatever the fast path declines (`None`, `false`) and derived classes; the
/// fast path is skipped once `_get`/`_set` are no longer the natives it was set with.
#[derive(Clone, Copy)]
pub struct Indexer {
    /// The element at `i`, or `None` to leave it to `_get`.
    pub get: fn(&dyn std::any::Any, i64) -> Option<Value>,
    /// Stores `v` at `i`, or returns false to leave it to `_set`.
    pub set: fn(&mut dyn std::any::Any, i64, Value) -> bool,
}
