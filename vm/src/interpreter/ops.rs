//! The semantics of Squirrel's operators on arbitrary values: indexing with delegation
//! and metamethods, new slots, deletion, arithmetic, comparison, conversion to string,
//! `typeof`, `clone`, `in` and `instanceof`. The interpreter inlines the common cases
//! and falls back to these.

use crate::api::vm::{Fail, Profile, Vm};
use crate::compiler::bytecode::{Instr, Proto};
use crate::heap::object::*;
use crate::heap::string::c_str;
use crate::heap::table::Table;
use crate::heap::value::*;
use crate::interpreter::cache::{CacheWord, InlineCache};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl ArithOp {
    fn symbol(self) -> char {
        match self {
            ArithOp::Add => '+',
            ArithOp::Sub => '-',
            ArithOp::Mul => '*',
            ArithOp::Div => '/',
            ArithOp::Mod => '%',
        }
    }

    fn meta(self) -> Meta {
        match self {
            ArithOp::Add => Meta::Add,
            ArithOp::Sub => Meta::Sub,
            ArithOp::Mul => Meta::Mul,
            ArithOp::Div => Meta::Div,
            ArithOp::Mod => Meta::Modulo,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BitOp {
    And,
    Or,
    Xor,
    Shl,
    Shr,
    UShr,
}

/// C `printf("%g")` of a float (how Squirrel prints floats).
pub fn format_float(f: f64) -> String {
    let mut out = Vec::new();
    crate::library::numfmt::write_g(&mut out, f);
    String::from_utf8_lossy(&out).into_owned()
}

/// C `printf("%.<prec>g")` (error messages use 14 digits).
pub fn format_float_prec(f: f64, prec: usize) -> String {
    let mut out = Vec::new();
    let spec = crate::library::numfmt::Spec { precision: Some(prec), ..Default::default() };
    crate::library::numfmt::write_float(&mut out, f, crate::library::numfmt::FloatStyle::General, false, &spec);
    String::from_utf8_lossy(&out).into_owned()
}

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
        let r = class.members.get(key, &self.heap.strings)?;
        Some(match MemberRef::decode(r)? {
            MemberRef::Field(i) => self.heap.real(class.fields[i].value),
            MemberRef::Method(i) => class.methods[i].value,
        })
    }

    #[inline]
    pub(crate) fn instance_get(&self, i: InstanceId, key: Value) -> Option<Value> {
        let inst = self.heap.instance(i);
        let class = self.heap.class(inst.class);
        let r = class.members.get(key, &self.heap.strings)?;
        Some(match MemberRef::decode(r)? {
            MemberRef::Field(f) => self.heap.real(inst.fields[f]),
            MemberRef::Method(m) => class.methods[m].value,
        })
    }

    /// `t[key]` (raw) for a constant key, through the inline cache of instruction `pc`.
    #[inline(always)]
    pub(crate) fn table_get_cached(&self, t: TableId, key: Value, ic: &InlineCache, pc: usize) -> Option<Value> {
        if let (Value::Str(k), Some(n)) = (key, ic.table_node(pc)) {
            if let Some(v) = self.heap.table(t).value_at(n, k) {
                return Some(v);
            }
        }
        self.table_get_uncached(t, key, ic, pc)
    }

    /// `table_get_cached` when the cache misses: a lookup that refills it. Out of line,
    /// so the interpreter inlines only the hit.
    #[inline(never)]
    fn table_get_uncached(&self, t: TableId, key: Value, ic: &InlineCache, pc: usize) -> Option<Value> {
        let table = self.heap.table(t);
        let Value::Str(k) = key else { return table.get(key, &self.heap.strings) };
        let n = table.node_of(key, &self.heap.strings)?;
        ic.set_table_node(pc, n);
        table.value_at(n, k)
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

    /// The member `key` of instance `i`'s class, through the inline cache.
    #[inline(always)]
    fn member_cached(&self, class: ClassId, key: Value, ic: &InlineCache, pc: usize) -> Option<MemberRef> {
        if let Some(r) = ic.member(pc, class) {
            return Some(r);
        }
        if ic.via_root(pc, class, self.member_edits).is_some() {
            return None;
        }
        let r = MemberRef::decode(self.heap.class(class).members.get(key, &self.heap.strings)?)?;
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
                if let Some(i) = as_index(self.profile, key) {
                    let b = self.heap.str(s);
                    let n = if i < 0 { i + b.len() as i64 } else { i };
                    let byte = usize::try_from(n).ok().and_then(|n| b.get(n).copied());
                    return Ok(byte.map(|c| Value::Int(self.profile.char_value(c))));
                }
            }
            _ => {}
        }
        if raw {
            return Ok(None);
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
        if let Some(d) = self.default_delegate(obj) {
            if let Some(v) = self.heap.table(d).get(key, &self.heap.strings) {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    /// `obj[key]`; `root_fallback` is set when `obj` is the frame's `this` (register 0).
    pub(crate) fn get(&mut self, obj: Value, key: Value, root_fallback: bool) -> Result<Value, Fail> {
        if let Some(v) = self.get_opt(obj, key, false)? {
            return Ok(v);
        }
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
                if self.instance_set(i, key, val) {
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

    // ----- arithmetic -----------------------------------------------------------------

    /// `a op b` for every operand combination (the interpreter inlines int/int).
    pub(crate) fn arith(&mut self, op: ArithOp, a: Value, b: Value) -> Result<Value, Fail> {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => self.int_arith(op, x, y),
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                let (x, y) = (as_f32(a), as_f32(b));
                Ok(Value::Float(match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x * y,
                    ArithOp::Div => x / y,
                    ArithOp::Mod => (x as f64 % y as f64) as f32,
                }))
            }
            _ if op == ArithOp::Add && (matches!(a, Value::Str(_)) || matches!(b, Value::Str(_))) => self.concat(a, b),
            _ => {
                if let Some(mm) = self.meta_of(a, op.meta()) {
                    return self.call_own(mm, a, &[b]);
                }
                let (ta, tb) = (a.type_of(), b.type_of());
                Err(self.error(format!("arith op {} on between '{ta}' and '{tb}'", op.symbol())))
            }
        }
    }

    pub(crate) fn int_arith(&mut self, op: ArithOp, x: i64, y: i64) -> Result<Value, Fail> {
        let r = match op {
            ArithOp::Add => x.wrapping_add(y),
            ArithOp::Sub => x.wrapping_sub(y),
            ArithOp::Mul => x.wrapping_mul(y),
            ArithOp::Div => {
                if y == 0 {
                    return Err(self.error("division by zero"));
                }
                // MIN / -1 overflows. The reference's `/` on two integers divides
                // unchecked, and x86 `idiv` kills it with SIGFPE; we raise the error its
                // checked path (compound assignment to a slot) gives for a 32-bit MIN.
                let min = match self.profile {
                    Profile::Squirrel => i64::MIN,
                    Profile::Imp => i64::from(i32::MIN),
                };
                if y == -1 && x == min {
                    return Err(self.error("integer overflow"));
                }
                x.wrapping_div(y)
            }
            ArithOp::Mod => {
                if y == 0 {
                    return Err(self.error("modulo by zero"));
                }
                if y == -1 {
                    0
                } else {
                    x.wrapping_rem(y)
                }
            }
        };
        Ok(Value::Int(self.profile.wrap(r)))
    }

    pub(crate) fn bitwise(&mut self, op: BitOp, a: Value, b: Value) -> Result<Value, Fail> {
        let (Value::Int(x), Value::Int(y)) = (a, b) else {
            let (ta, tb) = (a.type_of(), b.type_of());
            return Err(self.error(format!("bitwise op between '{ta}' and '{tb}'")));
        };
        Ok(Value::Int(int_bitwise(self.profile == crate::Profile::Imp, op, x, y)))
    }

    pub(crate) fn negate(&mut self, a: Value) -> Result<Value, Fail> {
        match a {
            Value::Int(i) => Ok(Value::Int(self.profile.wrap(i.wrapping_neg()))),
            Value::Float(f) => Ok(Value::Float(-f)),
            _ => {
                if let Some(mm) = self.meta_of(a, Meta::Unm) {
                    return self.call_own(mm, a, &[]);
                }
                let t = a.type_of();
                Err(self.error(format!("attempt to negate a {t}")))
            }
        }
    }

    /// String concatenation with `tostring` semantics on both sides. Only the result
    /// is interned (see `Text`).
    pub(crate) fn concat(&mut self, a: Value, b: Value) -> Result<Value, Fail> {
        let a = self.as_text(a)?;
        let b = self.as_text(b)?;
        let mut text = Text::new();
        text.push(self, a, b)?;
        text.push(self, b, Value::Null)?;
        Ok(Value::Str(text.finish(self)))
    }

    /// `first + x1 + x2 + ...` for `Op::Concat`: each `+` exactly as `arith` does it,
    /// left to right, and each operand read only when its `+` comes (a metamethod of
    /// an earlier step may assign a local it names). Once the running value is a
    /// string, the rest of the text is appended to it in one buffer, so only the final
    /// string is interned.
    pub(crate) fn concat_chain(
        &mut self,
        base: usize,
        first: Value,
        words: &[Instr],
        proto: &Proto,
    ) -> Result<Value, Fail> {
        let mut acc = first;
        // Whether the running value became a string (then its text is in `text`).
        let mut is_text = false;
        let mut text = Text::new();
        for w in words {
            let v = match w.a {
                0 => self.ex.stack[base + w.b as usize],
                _ => proto.consts.get(w.d as usize).copied().unwrap_or(Value::Null),
            };
            if is_text {
                // The running value is a string: `+` appends `v`'s text.
                let v = self.as_text(v)?;
                text.push(self, v, Value::Null)?;
            } else if matches!(acc, Value::Str(_)) || matches!(v, Value::Str(_)) {
                let a = self.as_text(acc)?;
                let b = self.as_text(v)?;
                text.push(self, a, b)?;
                text.push(self, b, Value::Null)?;
                is_text = true;
            } else {
                acc = self.arith(ArithOp::Add, acc, v)?;
            }
        }
        Ok(if is_text { Value::Str(text.finish(self)) } else { acc })
    }

    /// Writes the text of `v` at `out[at..]` when it is a string or an integer that
    /// fits, and returns where it ends; None (leaving the rest to `push_plain`)
    /// otherwise. The common concatenations are built here, on the stack, without a
    /// `Vec` or `memcpy` call.
    #[inline(always)]
    fn put_short(&self, v: Value, out: &mut [u8; SHORT_TEXT], at: usize) -> Option<usize> {
        match v {
            Value::Str(s) => {
                let text = self.heap.strings.get(s);
                let end = at + text.bytes().len();
                // An inline body is copied whole (a fixed-size move, no length cases):
                // the bytes after `end` are overwritten or ignored.
                if let (Some(window), Some(dst)) = (text.inline_window(), out.get_mut(at..at + INLINE_WINDOW)) {
                    dst.copy_from_slice(window);
                    return Some(end);
                }
                let dst = out.get_mut(at..end)?;
                crate::heap::string::copy_short(dst, text.bytes());
                Some(end)
            }
            Value::Int(i) => {
                let n = i.unsigned_abs();
                let end = at + (i < 0) as usize + decimal_len(n);
                let dst = out.get_mut(at..end)?;
                let digits = if i < 0 {
                    dst[0] = b'-';
                    &mut dst[1..]
                } else {
                    dst
                };
                write_decimal(digits, n);
                Some(end)
            }
            _ => None,
        }
    }

    /// `v` itself when its text needs no metamethod, else the string `_tostring` gives.
    #[inline]
    fn as_text(&mut self, v: Value) -> Result<Value, Fail> {
        match v {
            Value::Table(_) | Value::Instance(_) | Value::UserData(_) => Ok(Value::Str(self.tostring(v)?)),
            v => Ok(v),
        }
    }

    // ----- comparison -----------------------------------------------------------------

    /// `==`: numbers by value across int/float, everything else by identity.
    #[inline]
    pub(crate) fn equals(&self, a: Value, b: Value) -> bool {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Float(x), Value::Float(y)) => x == y,
            (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => x as f32 == y,
            _ => a.raw_eq(b),
        }
    }

    /// Three-way comparison for `< <= > >= <=>` (negative, zero, positive). As in the
    /// reference, two floats are equal only with the same bits and otherwise "greater"
    /// unless `<` holds, so `-0.0 > 0.0` and `0.0 > -0.0` are both true and NaN is
    /// greater than anything but itself.
    pub(crate) fn compare(&mut self, a: Value, b: Value) -> Result<i64, Fail> {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => Ok((x > y) as i64 - (x < y) as i64),
            (Value::Float(x), Value::Float(y)) => Ok(if x.to_bits() == y.to_bits() {
                0
            } else if x < y {
                -1
            } else {
                1
            }),
            (Value::Int(x), Value::Float(y)) => {
                let x = x as f32;
                Ok(if x == y {
                    0
                } else if x < y {
                    -1
                } else {
                    1
                })
            }
            (Value::Float(x), Value::Int(y)) => {
                let y = y as f32;
                Ok(if x == y {
                    0
                } else if x < y {
                    -1
                } else {
                    1
                })
            }
            (Value::Str(x), Value::Str(y)) => {
                if x == y {
                    return Ok(0);
                }
                let (p, q) = (self.heap.str(x), self.heap.str(y));
                Ok(strcmp(p, q, self.profile))
            }
            _ if a.type_of() == b.type_of() => {
                if a.raw_eq(b) {
                    return Ok(0);
                }
                if matches!(a, Value::Table(_) | Value::Instance(_) | Value::UserData(_)) {
                    if let Some(mm) = self.meta_of(a, Meta::Cmp) {
                        return match self.call_own(mm, a, &[b])? {
                            Value::Int(i) => Ok(i),
                            _ => Err(self.error("_cmp must return an integer")),
                        };
                    }
                }
                let (x, y) = (raw_bits(a), raw_bits(b));
                Ok(if x < y { -1 } else { 1 })
            }
            (Value::Null, _) => Ok(-1),
            (_, Value::Null) => Ok(1),
            _ => {
                let (x, y) = (self.print_obj_val(a), self.print_obj_val(b));
                Err(self.error(format!("comparison between '{}' and '{}'", truncate50(&x), truncate50(&y))))
            }
        }
    }

    // ----- conversions ----------------------------------------------------------------

    /// `tostring` semantics: numbers formatted, `_tostring` honoured.
    pub(crate) fn tostring(&mut self, v: Value) -> Result<StrId, Fail> {
        match v {
            Value::Str(s) => Ok(s),
            Value::Table(_) | Value::Instance(_) | Value::UserData(_) => {
                if let Some(mm) = self.meta_of(v, Meta::ToString) {
                    let r = self.call_own(mm, v, &[])?;
                    if let Value::Str(s) = r {
                        return Ok(s);
                    }
                    return self.tostring(r);
                }
                let s = self.plain_string(v);
                Ok(self.heap.intern(&s))
            }
            _ => {
                let s = self.plain_string(v);
                Ok(self.heap.intern(&s))
            }
        }
    }

    /// The text of a value without calling metamethods.
    pub(crate) fn plain_string(&self, v: Value) -> Vec<u8> {
        let mut out = Vec::new();
        self.push_plain(v, &mut out);
        out
    }

    /// Checks a concatenation growing its buffer (of capacity `cap`) to `len` bytes,
    /// `keep` alive should the check collect: the text is copied once more when
    /// interned, and building a long text costs a budget instruction per 16 bytes.
    #[inline(never)]
    fn text_room(&mut self, len: usize, cap: usize, keep: [Value; 2]) -> Result<(), Fail> {
        let grow = len.saturating_sub(cap);
        self.charge((len / 16) as u64)?;
        self.reserve_keeping(len + grow, &keep)
    }

    /// Appends the text of a value without calling metamethods.
    pub(crate) fn push_plain(&self, v: Value, out: &mut Vec<u8>) {
        match v {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
            Value::Int(i) => push_int(out, i),
            Value::Float(f) => out.extend_from_slice(format_float(f as f64).as_bytes()),
            Value::Str(s) => out.extend_from_slice(self.heap.str(s)),
            other => {
                let id = other.object_id().unwrap_or(0) as u64;
                let addr = 0x5555_0000_0000u64 + ((other.tag() as u64) << 28) + id * 0x40;
                out.extend_from_slice(format!("({} : 0x{:016x})", other.type_of(), addr).as_bytes());
            }
        }
    }

    /// `typeof v` (honours `_typeof`).
    pub(crate) fn type_of_value(&mut self, v: Value) -> Result<Value, Fail> {
        if matches!(v, Value::Table(_) | Value::Instance(_) | Value::UserData(_)) {
            if let Some(mm) = self.meta_of(v, Meta::Typeof) {
                return self.call_own(mm, v, &[]);
            }
        }
        Ok(self.type_name(v))
    }

    /// The raw type name of `v` as an interned string.
    #[inline]
    pub(crate) fn type_name(&self, v: Value) -> Value {
        let i = match v.type_of() {
            Type::Null => 0,
            Type::Bool => 1,
            Type::Integer => 2,
            Type::Float => 3,
            Type::String => 4,
            Type::Table => 5,
            Type::Array => 6,
            Type::Function => 7,
            Type::Class => 8,
            Type::Instance => 9,
            Type::Generator => 10,
            Type::Thread => 11,
            Type::WeakRef => 12,
            Type::UserData => 13,
        };
        Value::Str(self.names.types[i])
    }

    // ----- objects --------------------------------------------------------------------

    pub(crate) fn clone_value(&mut self, v: Value) -> Result<Value, Fail> {
        match v {
            Value::Table(t) => {
                let copy: Table = self.heap.table(t).cloned();
                let n = Value::Table(self.heap.alloc_table(copy));
                if let Some(mm) = self.meta_of(n, Meta::Cloned) {
                    self.call_own(mm, n, &[v])?;
                }
                Ok(n)
            }
            Value::Instance(i) => {
                let inst = self.heap.instance(i);
                let copy = Instance { class: inst.class, fields: inst.fields.clone(), user: None };
                let n = Value::Instance(self.heap.alloc_instance(copy));
                if let Some(mm) = self.meta_of(n, Meta::Cloned) {
                    self.call_own(mm, n, &[v])?;
                }
                Ok(n)
            }
            Value::Array(a) => {
                let copy = self.heap.array(a).clone();
                Ok(Value::Array(self.heap.alloc_array(copy)))
            }
            other => {
                let t = other.type_of();
                Err(self.error(format!("cloning a {t}")))
            }
        }
    }

    pub(crate) fn instance_of(&mut self, a: Value, b: Value) -> Result<bool, Fail> {
        let Value::Class(target) = b else {
            let (ta, tb) = (a.type_of(), b.type_of());
            return Err(self.error(format!("cannot apply instanceof between a {tb} and a {ta}")));
        };
        let Value::Instance(i) = a else { return Ok(false) };
        let mut c = Some(self.heap.instance(i).class);
        while let Some(cls) = c {
            if cls == target {
                return Ok(true);
            }
            c = self.heap.class(cls).base;
        }
        Ok(false)
    }

    /// `key in obj`: a raw lookup (no delegates, no metamethods).
    pub(crate) fn contains(&mut self, obj: Value, key: Value) -> Result<bool, Fail> {
        Ok(self.get_opt(obj, key, true)?.is_some())
    }
}

/// An integer index from an integer or float key.
#[inline]
pub(crate) fn as_index(profile: Profile, key: Value) -> Option<i64> {
    match key {
        Value::Int(i) => Some(i),
        Value::Float(f) => Some(profile.float_to_int(f)),
        _ => None,
    }
}

#[inline]
pub(crate) fn as_f32(v: Value) -> f32 {
    match v {
        Value::Int(i) => i as f32,
        Value::Float(f) => f,
        _ => 0.0,
    }
}

/// C `strcmp` on byte strings as the profile's reference answers it: both stop at the
/// first NUL; x86-64 glibc (the squirrel profile's `sq`) returns the difference of the
/// first differing bytes, unsigned (`"abc" <=> "ab"` is 99, `"\xff" <=> "a"` is 158);
/// i386 glibc (the 32-bit `sq` the imp profile follows) returns -1 or 1.
fn strcmp(a: &[u8], b: &[u8], profile: Profile) -> i64 {
    let (a, b) = (c_str(a), c_str(b));
    let at = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let diff = i64::from(a.get(at).copied().unwrap_or(0)) - i64::from(b.get(at).copied().unwrap_or(0));
    match profile {
        Profile::Squirrel => diff,
        Profile::Imp => diff.signum(),
    }
}

fn raw_bits(v: Value) -> u64 {
    match v {
        Value::Bool(b) => b as u64,
        other => other.object_id().unwrap_or(0) as u64,
    }
}

/// An operand as sq's messages print it, `%.50s`: 50 bytes, here cut back to a
/// character boundary (where sq would split a UTF-8 sequence).
fn truncate50(s: &str) -> &str {
    let mut end = s.len().min(50);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// How many bytes `Vm::put_short` copies for an inline string.
const INLINE_WINDOW: usize = crate::heap::string::INLINE;

/// The longest concatenation `Vm::put_short` builds on the stack.
const SHORT_TEXT: usize = 64;

/// The text of a concatenation being built: on the stack while it is short and made
/// of strings and integers, else in the VM's scratch buffer.
struct Text {
    short: [u8; SHORT_TEXT],
    len: usize,
    long: Option<Vec<u8>>,
}

impl Text {
    #[inline(always)]
    fn new() -> Text {
        Text { short: [0; SHORT_TEXT], len: 0, long: None }
    }

    /// Appends the text of `v` (a value `as_text` returned: no metamethod left);
    /// `pending` is the operand still to come, kept alive should the memory check
    /// collect. The check runs only once the text outgrows the stack.
    #[inline(always)]
    fn push(&mut self, vm: &mut Vm, v: Value, pending: Value) -> Result<(), Fail> {
        let long = match &mut self.long {
            Some(long) => long,
            None => {
                if let Some(end) = vm.put_short(v, &mut self.short, self.len) {
                    self.len = end;
                    return Ok(());
                }
                let mut buf = std::mem::take(&mut vm.scratch);
                buf.clear();
                buf.extend_from_slice(&self.short[..self.len]);
                self.long.insert(buf)
            }
        };
        let Value::Str(s) = v else {
            vm.push_plain(v, long);
            return Ok(());
        };
        let n = vm.heap.str(s).len();
        // Within the buffer's capacity and off the budget, there is nothing to check.
        if n > long.capacity() - long.len() || vm.metering {
            if let Err(e) = vm.text_room(long.len() + n, long.capacity(), [v, pending]) {
                vm.scratch = self.long.take().unwrap_or_default();
                return Err(e);
            }
        }
        long.extend_from_slice(vm.heap.str(s));
        Ok(())
    }

    /// Interns the text (and gives the scratch buffer back). By reference, so the
    /// buffer is not copied to a new place first.
    #[inline(always)]
    fn finish(&mut self, vm: &mut Vm) -> StrId {
        match self.long.take() {
            None => vm.heap.intern(&self.short[..self.len]),
            Some(buf) => {
                let s = vm.heap.intern(&buf);
                vm.scratch = buf;
                s
            }
        }
    }
}

/// Appends the decimal text of `i` (no formatter machinery: concatenation is hot).
fn push_int(out: &mut Vec<u8>, i: i64) {
    let mut digits = [0u8; 20];
    let n = i.unsigned_abs();
    let digits = &mut digits[..decimal_len(n)];
    write_decimal(digits, n);
    if i < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(digits);
}

/// The number of decimal digits of `n`: estimated from its bit length (times
/// log10(2) ~ 1233/4096), then corrected by one comparison.
#[inline(always)]
fn decimal_len(n: u64) -> usize {
    // 0 counts as 1 (one digit).
    let n = n | 1;
    let bits = 64 - n.leading_zeros() as usize;
    let t = (bits * 1233) >> 12;
    t + 1 - (n < POW10[t]) as usize
}

/// 10^0 ... 10^19.
const POW10: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// "00", "01", ... "99": the digits of every value below 100.
const DIGIT_PAIRS: [u8; 200] = {
    let mut t = [0; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// Writes the decimal digits of `n` into `out`, which is `decimal_len(n)` long: two
/// digits per division.
#[inline(always)]
fn write_decimal(out: &mut [u8], mut n: u64) {
    let mut k = out.len();
    while n >= 100 && k >= 2 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        k -= 2;
        out[k..k + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if n >= 10 && k >= 2 {
        let pair = n as usize * 2;
        out[k - 2..k].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    } else if k >= 1 {
        out[k - 1] = b'0' + n as u8;
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

/// A bitwise operation on integers, for the imp profile (`narrow`: 32-bit integers)
/// or stock Squirrel. A plain function, so the interpreter, which knows its profile
/// statically, pays for no profile test.
#[inline(always)]
pub(crate) fn int_bitwise(narrow: bool, op: BitOp, x: i64, y: i64) -> i64 {
    let r = match op {
        BitOp::And => x & y,
        BitOp::Or => x | y,
        BitOp::Xor => x ^ y,
        BitOp::Shl => x.wrapping_shl(y as u32),
        BitOp::Shr => x.wrapping_shr(y as u32),
        BitOp::UShr if narrow => ((x as u32).wrapping_shr(y as u32)) as i32 as i64,
        BitOp::UShr => ((x as u64).wrapping_shr(y as u32)) as i64,
    };
    if narrow {
        r as i32 as i64
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_g() {
        assert_eq!(format_float(1.0), "1");
        assert_eq!(format_float(0.1f32 as f64), "0.1");
        assert_eq!(format_float(2.0 / 3.0), "0.666667");
        assert_eq!(format_float(1e20), "1e+20");
        assert_eq!(format_float(1234567.0), "1.23457e+06");
        assert_eq!(format_float(1e-5), "1e-05");
        assert_eq!(format_float(-0.0), "-0");
        assert_eq!(format_float(f64::INFINITY), "inf");
        assert_eq!(format_float(100000.0), "100000");
        assert_eq!(format_float(0.0001), "0.0001");
        assert_eq!(format_float_prec(1.23456, 14), "1.23456");
    }

    #[test]
    fn decimal_lengths() {
        let mut cases = vec![0, u64::MAX, u64::MAX / 10];
        for i in 0..20 {
            let p = 10u64.pow(i);
            cases.extend([p - 1, p, p + 1]);
        }
        for n in cases {
            assert_eq!(decimal_len(n), n.to_string().len(), "{n}");
        }
    }

    #[test]
    fn integer_text() {
        for i in [0, 7, -7, 9, 10, -10, 99, 100, 101, -999, 1000, 65536, 1234567890, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            push_int(&mut out, i);
            assert_eq!(out, i.to_string().into_bytes());
        }
    }
}
