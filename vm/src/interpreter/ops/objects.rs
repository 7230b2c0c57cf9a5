//! `clone`, `instanceof` and `in`.

use crate::api::vm::{Fail, Vm};
use crate::heap::object::*;
use crate::heap::table::Table;
use crate::heap::value::*;

impl Vm {
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
