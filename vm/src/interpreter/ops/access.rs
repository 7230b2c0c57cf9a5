//! Reading and writing slots: delegation, metamethods, the inline caches' hit paths,
//! new slots and deletion.

use super::*;
use crate::api::vm::{Fail, Vm};
use crate::heap::object::*;
use crate::heap::string::{c_str, Strings};
use crate::heap::table::Table;
use crate::heap::value::*;
use crate::interpreter::cache::{CacheWord, InlineCache};

impl Vm {
    // ----- metamethods ----------------------------------------------------------------

    /// The metamethod `m` of a table (in its delegate), instance (in its class) or
    /// user data (in its delegate).
    #[inline]
    pub(crate) fn meta_of(&self, v: Value, m: Meta) -> Option<Value> {
        match v {
            Value::Table(t) => {
                let d = self.heap.table(t).delegate?;
                self.heap.table(d).get(Value::Str(self.names.meta[m as usize]), &self.heap.strings)
            }
            Value::Instance(i) => self.heap.class(self.heap.instance(i).class).meta(m),
            Value::UserData(u) => {
                let d = self.heap.userdata.get(u.0).delegate?;
                self.heap.table(d).get(Value::Str(self.names.meta[m as usize]), &self.heap.strings)
            }
            _ => None,
        }
    }

    // ----- reading --------------------------------------------------------------------

    #[inline]
    pub(crate) fn class_get(&self, c: ClassId, key: Value) -> Option<Value> {
        let class = self.heap.class(c);
        self.class_member(class, class.members.get(key, &self.heap.strings)?)
    }

    /// `class_get` for a constant key (`base.constructor(...)` in every derived
    /// constructor), through the inline cache of instruction `pc`: the node of the
    /// class's member table that held the key, which validates itself as a table's
    /// entry does (so any class may use the word).
    #[inline]
    pub(crate) fn class_get_cached(&self, c: ClassId, key: Value, ic: &InlineCache, pc: usize) -> Option<Value> {
        let Value::Str(k) = key else { return self.class_get(c, key) };
        let class = self.heap.class(c);
        self.class_member(class, cached_get(&class.members, k, &self.heap.strings, ic, pc)?)
    }

    /// The value of `class`'s member whose slot in its member table holds `r`.
    #[inline(always)]
    fn class_member(&self, class: &Class, r: Value) -> Option<Value> {
        Some(match MemberRef::decode(r)? {
            MemberRef::Field(i) => self.heap.real(class.fields[i].value),
            MemberRef::Method(i) => class.methods[i].value,
        })
    }

    #[inline]
    pub(crate) fn instance_get(&self, i: InstanceId, key: Value) -> Option<Value> {
        let class = self.heap.instance(i).class;
        let r = self.heap.class(class).members.get(key, &self.heap.strings)?;
        self.instance_member(i, r)
    }

    /// The value of instance `i`'s member whose slot in its class's member table holds `r`.
    #[inline(always)]
    fn instance_member(&self, i: InstanceId, r: Value) -> Option<Value> {
        let inst = self.heap.instance(i);
        Some(match MemberRef::decode(r)? {
            MemberRef::Field(f) => self.heap.real(inst.fields[f]),
            MemberRef::Method(m) => self.heap.class(inst.class).methods[m].value,
        })
    }

    /// `t[key]` (raw) for a constant key, through the inline cache of instruction `pc`.
    #[inline(always)]
    pub(crate) fn table_get_cached(&self, t: TableId, key: Value, ic: &InlineCache, pc: usize) -> Option<Value> {
        let table = self.heap.table(t);
        match key {
            Value::Str(k) => cached_get(table, k, &self.heap.strings, ic, pc),
            _ => table.get(key, &self.heap.strings),
        }
    }

    /// Overwrites an existing slot of `t` for a constant string key through the inline
    /// cache (other constant keys take the general path).
    #[inline(always)]
    pub(crate) fn table_set_cached(&mut self, t: TableId, k: StrId, val: Value, ic: &InlineCache, pc: usize) -> bool {
        if let Some(n) = ic.table_node(pc) {
            if self.heap.tables.get_mut(t.0).set_at(n, k, val) {
                return true;
            }
        }
        self.table_set_uncached(t, k, val, ic, pc)
    }

    /// `table_set_cached` when the cache misses: a lookup that refills it. Out of line,
    /// so the interpreter inlines only the hit.
    #[inline(never)]
    fn table_set_uncached(&mut self, t: TableId, k: StrId, val: Value, ic: &InlineCache, pc: usize) -> bool {
        match self.heap.table(t).node_of(Value::Str(k), &self.heap.strings) {
            Some(n) => {
                ic.set_table_node(pc, n);
                self.heap.tables.get_mut(t.0).set_at(n, k, val)
            }
            None => false,
        }
    }

    /// A name read through `this` in a method that is no member of the instance (the
    /// caller has just looked it up in the class): usually a global class or function,
    /// found in the root table through the inline cache. `None` whenever a `_get`
    /// metamethod or the instance default delegate could answer first; the caller then
    /// takes the general path.
    #[inline(never)]
    pub(crate) fn global_via_instance_cached(
        &self,
        i: InstanceId,
        key: Value,
        ic: &InlineCache,
        pc: usize,
    ) -> Option<Value> {
        let Value::Str(k) = key else { return None };
        let class_id = self.heap.instance(i).class;
        let root = self.heap.table(self.current_root());
        if let Some(v) = ic.via_root(pc, class_id, self.member_edits).and_then(|n| root.value_at(n, k)) {
            return Some(v);
        }
        let class = self.heap.class(class_id);
        if class.meta(Meta::Get).is_some()
            || class.members.get(key, &self.heap.strings).is_some()
            || self.heap.table(self.delegates.instance).get(key, &self.heap.strings).is_some()
        {
            return None;
        }
        let n = root.node_of(key, &self.heap.strings)?;
        ic.set_via_root(pc, class_id, n, self.member_edits);
        root.value_at(n, k)
    }

    /// A name read through `this` when `this` is a plain table that lacks it (the
    /// caller has just looked): a function called as a table's slot calling a global
    /// (`handlers[k](x)` whose body calls `chance()`), found in the root table through
    /// the inline cache, whose word the table's own lookup validates and so never
    /// mistakes. `None` whenever a delegate, `_get` or the table default delegate could
    /// answer first; the caller then takes the general path.
    #[inline(never)]
    pub(crate) fn global_via_table_cached(&self, t: TableId, key: Value, ic: &InlineCache, pc: usize) -> Option<Value> {
        let Value::Str(k) = key else { return None };
        if self.heap.table(t).delegate.is_some()
            || self.heap.table(self.delegates.table).get_str(k, &self.heap.strings).is_some()
        {
            return None;
        }
        cached_get(self.heap.table(self.current_root()), k, &self.heap.strings, ic, pc)
    }

    /// The member `key` of instance `i`'s class, through the inline cache.
    #[inline(always)]
    fn member_cached(&self, class: ClassId, key: Value, ic: &InlineCache, pc: usize) -> Option<MemberRef> {
        if let Some(r) = ic.member(pc, class) {
            return Some(r);
        }
        if ic.via_root(pc, class, self.member_edits).is_some() {
            return None;
        }
        let memo = &self.heap.member_memo;
        let name = match key {
            Value::Str(name) => Some(name),
            _ => None,
        };
        let r = match name.and_then(|name| memo.get(class, name)) {
            Some(r) => r,
            None => {
                let c = self.heap.class(class);
                let r = MemberRef::decode(c.members.get(key, &self.heap.strings)?)?;
                if let (Some(name), true) = (name, c.locked) {
                    memo.set(class, name, r);
                }
                r
            }
        };
        ic.set_member(pc, class, r);
        Some(r)
    }

    /// The member of instance `i` that cache word `word` holds for its class, or `None`
    /// when the word does not know the class (or the value is a weak reference, which
    /// the general path reads through).
    #[inline(always)]
    pub(crate) fn instance_member_hit(&self, i: InstanceId, word: &CacheWord) -> Option<Value> {
        let inst = self.heap.instances.get_live(i.0);
        let v = match word.member(inst.class)? {
            MemberRef::Field(f) => *inst.fields.get(f)?,
            MemberRef::Method(m) => self.heap.class(inst.class).methods.get(m)?.value,
        };
        not_weak(v)
    }

    /// The slot of table `t` that cache word `word` holds for string key `key`, or `None`
    /// (not cached, or a weak reference, which the general path reads through).
    #[inline(always)]
    pub(crate) fn table_member_hit(&self, t: TableId, key: Value, word: &CacheWord) -> Option<Value> {
        let Value::Str(k) = key else { return None };
        let table = self.heap.tables.get_live(t.0);
        not_weak(table.value_at(word.table_node()?, k)?)
    }

    /// The existing slot of table `t` for string key `key` that cache word `word` holds
    /// (overwriting a slot needs no metamethod).
    #[inline(always)]
    pub(crate) fn table_slot_hit(&mut self, t: TableId, key: Value, word: &CacheWord) -> Option<&mut Value> {
        let Value::Str(k) = key else { return None };
        let table = self.heap.tables.get_live_mut(t.0);
        table.slot_at(word.table_node()?, k)
    }

    /// The field slot of instance `i` that cache word `word` holds for its class.
    #[inline(always)]
    pub(crate) fn instance_field_hit(&mut self, i: InstanceId, word: &CacheWord) -> Option<&mut Value> {
        let inst = self.heap.instances.get_live_mut(i.0);
        match word.member(inst.class)? {
            MemberRef::Field(f) => inst.fields.get_mut(f),
            MemberRef::Method(_) => None,
        }
    }

    /// `instance_get` for a constant key, through the inline cache of instruction `pc`.
    #[inline(always)]
    pub(crate) fn instance_get_cached(&self, i: InstanceId, key: Value, ic: &InlineCache, pc: usize) -> Option<Value> {
        let inst = self.heap.instance(i);
        Some(match self.member_cached(inst.class, key, ic, pc)? {
            MemberRef::Field(f) => self.heap.real(inst.fields[f]),
            MemberRef::Method(m) => self.heap.class(inst.class).methods[m].value,
        })
    }

    /// `instance_set` for a constant key, through the inline cache of instruction `pc`.
    #[inline(always)]
    pub(crate) fn instance_set_cached(
        &mut self,
        i: InstanceId,
        key: Value,
        val: Value,
        ic: &InlineCache,
        pc: usize,
    ) -> bool {
        let class = self.heap.instance(i).class;
        if let Some(MemberRef::Field(f)) = self.member_cached(class, key, ic, pc) {
            self.heap.instance_mut(i).fields[f] = val;
            return true;
        }
        false
    }

    fn default_delegate(&self, v: Value) -> Option<TableId> {
        let d = &self.delegates;
        Some(match v {
            Value::Table(_) => d.table,
            Value::Array(_) => d.array,
            Value::Str(_) => d.string,
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => d.number,
            Value::Closure(_) | Value::Native(_) => d.function,
            Value::Generator(_) => d.generator,
            Value::Thread(_) => d.thread,
            Value::Class(_) => d.class,
            Value::Instance(_) => d.instance,
            Value::WeakRef(_) => d.weakref,
            _ => return None,
        })
    }

    /// `obj[key]` without the root fallback and without raising "does not exist":
    /// raw slots, then (unless `raw`) delegation, `_get` and the default delegate.
    pub(crate) fn get_opt(&mut self, obj: Value, key: Value, raw: bool) -> Result<Option<Value>, Fail> {
        match obj {
            Value::Table(t) => {
                if let Some(v) = self.heap.table(t).get(key, &self.heap.strings) {
                    return Ok(Some(self.heap.real(v)));
                }
            }
            Value::Array(a) => {
                if let Some(i) = as_index(self.profile, key) {
                    let arr = self.heap.array(a);
                    return Ok(usize::try_from(i).ok().and_then(|i| arr.get(i)).map(|v| self.heap.real(*v)));
                }
            }
            Value::Instance(i) => {
                if let Some(v) = self.instance_get(i, key) {
                    return Ok(Some(v));
                }
            }
            Value::Class(c) => {
                if let Some(v) = self.class_get(c, key) {
                    return Ok(Some(v));
                }
            }
            Value::Str(s) => {
                if let Some(byte) = self.string_byte(s, key) {
                    return Ok(byte);
                }
            }
            _ => {}
        }
        if raw {
            return Ok(None);
        }
        if let Some(v) = self.indexed_get(obj, key) {
            return Ok(Some(v));
        }
        // Delegation and `_get`.
        match obj {
            Value::Table(_) | Value::UserData(_) | Value::Instance(_) => {
                let delegate = match obj {
                    Value::Table(t) => self.heap.table(t).delegate,
                    Value::UserData(u) => self.heap.userdata.get(u.0).delegate,
                    _ => None,
                };
                let has_delegate = delegate.is_some() || matches!(obj, Value::Instance(_));
                if let Some(d) = delegate {
                    if let Some(v) = self.get_opt(Value::Table(d), key, false)? {
                        return Ok(Some(v));
                    }
                }
                if has_delegate {
                    if let Some(mm) = self.meta_of(obj, Meta::Get) {
                        match self.call_own(mm, obj, &[key]) {
                            Ok(v) => return Ok(Some(v)),
                            Err(Fail::Error(Value::Null)) => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(self.default_delegate_get(obj, key))
    }

    /// `obj[key]` in the default delegate of `obj`'s type, the last place `get_opt` looks.
    fn default_delegate_get(&self, obj: Value, key: Value) -> Option<Value> {
        self.heap.table(self.default_delegate(obj)?).get(key, &self.heap.strings)
    }

    /// Byte `key` of string `s` (None past either end), or None when `key` is no index.
    #[inline(always)]
    fn string_byte(&self, s: StrId, key: Value) -> Option<Option<Value>> {
        Some(self.string_byte_at(s, as_index(self.profile, key)?))
    }

    /// Byte `i` of string `s` (from the end when negative), None past either end: the
    /// interpreter reads `s[i]` (what parsers loop on) straight through this.
    #[inline(always)]
    pub(crate) fn string_byte_at(&self, s: StrId, i: i64) -> Option<Value> {
        let b = self.heap.str(s);
        let n = if i < 0 { i.wrapping_add(b.len() as i64) } else { i };
        let c = *b.get(usize::try_from(n).ok()?)?;
        Some(Value::Int(self.profile.char_value(c)))
    }

    /// `obj[key]`; `root_fallback` is set when `obj` is the frame's `this` (register 0).
    pub(crate) fn get(&mut self, obj: Value, key: Value, root_fallback: bool) -> Result<Value, Fail> {
        // A byte of a string (`s[i]`, what parsers loop on) or of a blob (`b[i]`, what
        // checksums loop on), before the general path.
        match (obj, key) {
            (Value::Str(s), _) => {
                if let Some(Some(v)) = self.string_byte(s, key) {
                    return Ok(v);
                }
            }
            (Value::Instance(i), Value::Int(k)) => {
                if let Some(v) = self.instance_index(i, k) {
                    return Ok(v);
                }
            }
            _ => {}
        }
        if let Some(v) = self.get_opt(obj, key, false)? {
            return Ok(v);
        }
        self.get_from_root(key, root_fallback)
    }

    /// `get` of instance `obj` after its `_get` said it has no slot `key` (see
    /// `FRAME_GET`): the rest of the way `get` goes.
    pub(crate) fn get_beyond_meta(&mut self, obj: Value, key: Value, root_fallback: bool) -> Result<Value, Fail> {
        match self.default_delegate_get(obj, key) {
            Some(v) => Ok(v),
            None => self.get_from_root(key, root_fallback),
        }
    }

    /// The end of `get` for a key its object lacks: the root table (when a fallback),
    /// else "does not exist".
    fn get_from_root(&mut self, key: Value, root_fallback: bool) -> Result<Value, Fail> {
        if root_fallback {
            let root = self.current_root();
            if let Some(v) = self.get_opt(Value::Table(root), key, false)? {
                return Ok(v);
            }
        }
        Err(self.idx_error(key))
    }

    /// The root table of the running closure (unresolved names fall back to it).
    pub(crate) fn current_root(&self) -> TableId {
        match self.ex.frames.last() {
            Some(f) => self.heap.closure(f.closure).root,
            None => self.root,
        }
    }

    pub(crate) fn idx_error(&mut self, key: Value) -> Fail {
        let s = self.print_obj_val(key);
        let msg = format!("the index '{}' does not exist", truncate50(&s));
        self.error(msg)
    }

    /// How error messages show a value: strings (as C sees them, up to a NUL) and
    /// numbers by value, others by type.
    pub(crate) fn print_obj_val(&self, v: Value) -> String {
        match v {
            Value::Str(s) => String::from_utf8_lossy(c_str(self.heap.str(s))).into_owned(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format_float_prec(f as f64, 14),
            other => other.type_of().name().to_string(),
        }
    }

    // ----- writing --------------------------------------------------------------------

    /// Assigns an existing slot through delegation and `_set`; false if nothing took it.
    fn try_set(&mut self, obj: Value, key: Value, val: Value) -> Result<bool, Fail> {
        match obj {
            Value::Table(t) => {
                if self.heap.tables.get_mut(t.0).set(key, val, &self.heap.strings) {
                    return Ok(true);
                }
                if let Some(d) = self.heap.table(t).delegate {
                    if self.try_set(Value::Table(d), key, val)? {
                        return Ok(true);
                    }
                }
            }
            Value::Instance(i) => {
                if self.instance_set(i, key, val) || self.indexed_set(i, key, val) {
                    return Ok(true);
                }
            }
            Value::Array(a) => {
                let Some(i) = as_index(self.profile, key) else {
                    let (t, k) = (obj.type_of(), key.type_of());
                    return Err(self.error(format!("indexing {t} with {k}")));
                };
                let arr = self.heap.array_mut(a);
                return match usize::try_from(i).ok().filter(|&i| i < arr.len()) {
                    Some(i) => {
                        arr[i] = val;
                        Ok(true)
                    }
                    None => Err(self.idx_error(key)),
                };
            }
            Value::UserData(_) => {}
            other => {
                let t = other.type_of();
                return Err(self.error(format!("trying to set '{t}'")));
            }
        }
        if let Some(mm) = self.meta_of(obj, Meta::Set) {
            match self.call_own(mm, obj, &[key, val]) {
                Ok(_) => return Ok(true),
                Err(Fail::Error(Value::Null)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }

    /// The [`Indexer`](crate::vm::Indexer) of instance `i`'s class, when it has one
    /// and its metamethod `m` (`_get` or `_set`) is still the native it stands for.
    fn indexer(&self, i: InstanceId, m: Meta) -> Option<crate::vm::Indexer> {
        let class = self.heap.instance(i).class;
        let (_, natives, indexer) = self.indexers.iter().find(|(c, ..)| *c == class)?;
        let native = natives[usize::from(m == Meta::Set)];
        let unchanged = matches!((self.heap.class(class).meta(m), native),
            (Some(Value::Native(now)), Value::Native(then)) if now == then);
        unchanged.then_some(*indexer)
    }

    /// `inst[k]` short of delegation and `_get`: a member, else the class's indexer,
    /// in the order `get_opt` tries them: a blob's `b[i]`, which `get` takes first
    /// (with the integer key looked up inline), before the general path.
    #[inline(always)]
    pub(crate) fn instance_index(&self, i: InstanceId, k: i64) -> Option<Value> {
        let key = Value::Int(k);
        let class = self.heap.instance(i).class;
        let member = self.heap.class(class).members.get_int(k).and_then(|r| self.instance_member(i, r));
        member.or_else(|| self.indexed_get(Value::Instance(i), key))
    }

    /// `obj[key]` for an integer key through the class's indexer, if it takes it.
    fn indexed_get(&self, obj: Value, key: Value) -> Option<Value> {
        let (Value::Instance(i), Value::Int(k)) = (obj, key) else { return None };
        let indexer = self.indexer(i, Meta::Get)?;
        (indexer.get)(self.heap.instance(i).user.as_deref()?, k)
    }

    /// `obj[key] = val` for an integer key through the class's indexer, if it takes it.
    pub(crate) fn indexed_set(&mut self, i: InstanceId, key: Value, val: Value) -> bool {
        let Value::Int(k) = key else { return false };
        let Some(indexer) = self.indexer(i, Meta::Set) else { return false };
        self.heap.instance_mut(i).user.as_deref_mut().is_some_and(|data| (indexer.set)(data, k, val))
    }

    #[inline]
    pub(crate) fn instance_set(&mut self, i: InstanceId, key: Value, val: Value) -> bool {
        let class = self.heap.instance(i).class;
        let r = self.heap.class(class).members.get(key, &self.heap.strings);
        if let Some(MemberRef::Field(f)) = r.and_then(MemberRef::decode) {
            self.heap.instance_mut(i).fields[f] = val;
            return true;
        }
        false
    }

    /// `obj[key] = val`; `root_fallback` as for `get`.
    pub(crate) fn set(&mut self, obj: Value, key: Value, val: Value, root_fallback: bool) -> Result<(), Fail> {
        if self.try_set(obj, key, val)? {
            return Ok(());
        }
        self.set_beyond(key, val, root_fallback)
    }

    /// The end of `set` for a key its object took no value for (nor its `_set`, see
    /// `FRAME_SET`): the root table (when a fallback), else "does not exist".
    pub(crate) fn set_beyond(&mut self, key: Value, val: Value, root_fallback: bool) -> Result<(), Fail> {
        if root_fallback && self.heap.tables.get_mut(self.root.0).set(key, val, &self.heap.strings) {
            return Ok(());
        }
        Err(self.idx_error(key))
    }

    /// `obj[key] <- val` (and class member declarations, with `is_static`).
    pub(crate) fn new_slot(&mut self, obj: Value, key: Value, val: Value, is_static: bool) -> Result<(), Fail> {
        if key.is_null() {
            return Err(self.error("null cannot be used as index"));
        }
        match obj {
            Value::Table(t) => {
                let tbl = self.heap.table(t);
                if tbl.delegate.is_some() && tbl.get(key, &self.heap.strings).is_none() {
                    if let Some(mm) = self.meta_of(obj, Meta::NewSlot) {
                        self.call_own(mm, obj, &[key, val])?;
                        return Ok(());
                    }
                }
                self.heap.tables.get_mut(t.0).insert(key, val, &self.heap.strings);
                Ok(())
            }
            Value::Instance(_) => match self.meta_of(obj, Meta::NewSlot) {
                Some(mm) => self.call_own(mm, obj, &[key, val]).map(|_| ()),
                None => Err(self.error("class instances do not support the new slot operator")),
            },
            Value::Class(c) => {
                if self.class_new_slot(c, key, val, is_static) {
                    Ok(())
                } else if self.heap.class(c).locked {
                    Err(self.error("trying to modify a class that has already been instantiated"))
                } else {
                    let k = self.print_obj_val(key);
                    Err(self.error(format!("the property '{k}' already exists")))
                }
            }
            other => {
                let (t, k) = (other.type_of(), key.type_of());
                Err(self.error(format!("indexing {t} with {k}")))
            }
        }
    }

    /// Adds or replaces a class member; false if the class is locked for fields.
    pub(crate) fn class_new_slot(&mut self, c: ClassId, key: Value, val: Value, is_static: bool) -> bool {
        let is_func = matches!(val, Value::Closure(_) | Value::Native(_));
        let to_methods = is_func || is_static;
        let class = self.heap.class(c);
        if class.locked && !to_methods {
            return false;
        }
        if class.locked {
            // Instances exist, so inline caches may hold "no such member" for it.
            self.member_edits += 1;
        }
        let existing = class.members.get(key, &self.heap.strings).and_then(MemberRef::decode);
        if let Some(MemberRef::Field(i)) = existing {
            self.heap.class_mut(c).fields[i].value = val;
            return true;
        }
        if to_methods {
            if is_func {
                if let Some(m) = Meta::ALL.iter().position(|m| Value::Str(self.names.meta[*m as usize]).raw_eq(key)) {
                    self.heap.class_mut(c).metamethods[m] = val;
                    return true;
                }
            }
            let mut val = val;
            if let (Some(base), Value::Closure(cl)) = (self.heap.class(c).base, val) {
                let old = self.heap.closure(cl);
                let copy = Closure {
                    proto: old.proto.clone(),
                    outers: old.outers.clone(),
                    defaults: old.defaults.clone(),
                    env: old.env,
                    root: old.root,
                    base: Some(base),
                };
                val = Value::Closure(self.heap.alloc_closure(copy));
            }
            let is_ctor = key.raw_eq(Value::Str(self.names.constructor));
            let class = self.heap.class_mut(c);
            match existing {
                Some(MemberRef::Method(i)) => class.methods[i].value = val,
                _ => {
                    let i = class.methods.len();
                    class.methods.push(Member { value: val, attrs: Value::Null });
                    if is_ctor {
                        class.constructor = Some(i);
                    }
                    let enc = MemberRef::Method(i).encode();
                    let heap = &mut self.heap;
                    heap.classes.get_mut(c.0).members.insert(key, enc, &heap.strings);
                }
            }
            return true;
        }
        let class = self.heap.class_mut(c);
        let i = class.fields.len();
        class.fields.push(Member { value: val, attrs: Value::Null });
        let enc = MemberRef::Field(i).encode();
        let heap = &mut self.heap;
        heap.classes.get_mut(c.0).members.insert(key, enc, &heap.strings);
        true
    }

    /// `delete obj[key]`, returning the removed value.
    pub(crate) fn delete_slot(&mut self, obj: Value, key: Value) -> Result<Value, Fail> {
        match obj {
            Value::Table(_) | Value::Instance(_) | Value::UserData(_) => {
                if let Some(mm) = self.meta_of(obj, Meta::DelSlot) {
                    return self.call_own(mm, obj, &[key]);
                }
                match obj {
                    Value::Table(t) => match self.heap.tables.get_mut(t.0).remove(key, &self.heap.strings) {
                        Some(v) => Ok(self.heap.real(v)),
                        None => Err(self.idx_error(key)),
                    },
                    other => {
                        let t = other.type_of();
                        Err(self.error(format!("cannot delete a slot from {t}")))
                    }
                }
            }
            other => {
                let t = other.type_of();
                Err(self.error(format!("attempt to delete a slot from a {t}")))
            }
        }
    }
}

/// `v` unless it is a weak reference, which the cache hit paths leave to the general
/// path (it reads through to the referent).
#[inline(always)]
fn not_weak(v: Value) -> Option<Value> {
    match v {
        Value::WeakRef(_) => None,
        v => Some(v),
    }
}

/// `table[k]` (raw) through the cache word of instruction `pc`: the node that held `k`
/// last time, which validates itself by key, so any table may share the word.
#[inline(always)]
fn cached_get(table: &Table, k: StrId, strings: &Strings, ic: &InlineCache, pc: usize) -> Option<Value> {
    match ic.table_node(pc).and_then(|n| table.value_at(n, k)) {
        Some(v) => Some(v),
        None => uncached_get(table, k, strings, ic, pc),
    }
}

/// `cached_get` when the word misses: a lookup that refills it. Out of line, so the
/// interpreter inlines only the hit.
#[inline(never)]
fn uncached_get(table: &Table, k: StrId, strings: &Strings, ic: &InlineCache, pc: usize) -> Option<Value> {
    let n = table.node_of(Value::Str(k), strings)?;
    ic.set_table_node(pc, n);
    table.value_at(n, k)
}
