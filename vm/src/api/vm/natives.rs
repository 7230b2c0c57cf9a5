//! Native functions: making them, their arguments, and calling them with the
//! reference's parameter checks.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use foldhash::fast::FixedState;

use super::*;
use crate::heap::memory;
use crate::heap::object::*;
use crate::heap::value::*;

/// The arguments of a native call, read in place from the VM stack.
/// Index 0 is `this`; parameters follow.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    pub(crate) base: u32,
    pub(crate) count: u32,
    pub(crate) func: Option<NativeId>,
}

impl Args {
    /// Number of arguments including `this`.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Argument `i` (0 = `this`), null when absent.
    #[inline]
    pub fn get(&self, vm: &Vm, i: usize) -> Value {
        if i < self.count as usize {
            // Word by word (see `Value::read_split`): the caller has just written it.
            let slot: *const Value = &vm.ex.stack[self.base as usize + i];
            // SAFETY: `slot` comes from a reference to a stack value.
            unsafe { Value::read_split(slot) }
        } else {
            Value::Null
        }
    }

    pub fn this(&self, vm: &Vm) -> Value {
        self.get(vm, 0)
    }

    /// Argument `i` as an integer, as the reference's `sq_getinteger` reads it (a float
    /// converted as the profile converts it, a bool as 0/1); 0 when absent or of another
    /// type, for natives whose type mask already rejects other types.
    #[inline]
    pub fn int(&self, vm: &Vm, i: usize) -> i64 {
        match self.get(vm, i) {
            // The common case first, without the profile's float conversion inlined.
            Value::Int(n) => n,
            v => vm.profile.integer_of(v).unwrap_or(0),
        }
    }

    /// The native's `i`-th free value (see `Vm::new_native_with`).
    pub fn free(&self, vm: &Vm, i: usize) -> Value {
        self.func.and_then(|f| vm.heap.native(f).free.get(i).copied()).unwrap_or(Value::Null)
    }
}

/// A native to register: name, function, parameter count (counting `this`, the
/// reference's convention: 0 unchecked, n exactly, -n at least), type mask.
pub type NativeEntry = (&'static str, PlainNative, i32, Option<&'static str>);

impl Vm {
    /// A native function value. `nparams`: 0 unchecked, n > 0 exactly n arguments
    /// (counting `this`), n < 0 at least -n. `typemask` uses the reference's letters
    /// (`"tn|s"` etc., `.` any), one group per argument starting with `this`.
    pub fn new_native(&mut self, name: &str, f: PlainNative, nparams: i32, typemask: Option<&str>) -> Value {
        self.new_plain_native_with(name, f, nparams, typemask, Vec::new())
    }

    /// Like `new_native`, with free values the native reads through `Args::free`
    /// (kept alive by the collector); called directly, unlike `new_native_with`'s
    /// closures.
    pub fn new_plain_native_with(
        &mut self,
        name: &str,
        f: PlainNative,
        nparams: i32,
        typemask: Option<&str>,
        free: Vec<Value>,
    ) -> Value {
        self.new_native_body(name, NativeBody::Plain(f), nparams, typemask, free)
    }

    /// Like `new_native`, for closures, with free values the native reads through
    /// `Args::free` (kept alive by the collector).
    pub fn new_native_with(
        &mut self,
        name: &str,
        f: NativeFn,
        nparams: i32,
        typemask: Option<&str>,
        free: Vec<Value>,
    ) -> Value {
        self.new_native_body(name, NativeBody::Closure(f), nparams, typemask, free)
    }

    /// A native with the code of `native` under new parameter checks (`None` when
    /// `native` is not a native function).
    pub fn renative(&mut self, native: Value, name: &str, nparams: i32, typemask: Option<&str>) -> Option<Value> {
        let Value::Native(id) = native else { return None };
        let body = self.heap.native(id).body.clone();
        Some(self.new_native_body(name, body, nparams, typemask, Vec::new()))
    }

    /// A native value from either kind of code.
    pub fn new_native_body(
        &mut self,
        name: &str,
        body: NativeBody,
        nparams: i32,
        typemask: Option<&str>,
        free: Vec<Value>,
    ) -> Value {
        self.native_with_masks(name, body, nparams, typemask.map(parse_typemask), free)
    }

    /// [`Vm::new_native_body`] with the type masks already parsed (one per argument).
    pub(crate) fn native_with_masks(
        &mut self,
        name: &str,
        body: NativeBody,
        nparams: i32,
        typemask: Option<Rc<[u32]>>,
        free: Vec<Value>,
    ) -> Value {
        self.admit_all(&free);
        let name = self.heap.intern(name.as_bytes());
        let typed_from = typemask.as_deref().map_or(0, |m| m.iter().take_while(|&&m| m == u32::MAX).count() as u32);
        Value::Native(self.heap.alloc_native(NativeFunction {
            name,
            body,
            arity: Arity::of(nparams),
            typemask,
            typed_from,
            env: None,
            free: free.into_boxed_slice(),
        }))
    }

    /// Registers a native function as a root-table global.
    pub fn register(
        &mut self,
        name: &str,
        f: fn(&mut Vm, Args) -> Result<Value, Fail>,
        nparams: i32,
        typemask: Option<&str>,
    ) {
        let v = self.new_native(name, f, nparams, typemask);
        self.set_global(name, v);
    }

    /// Adds a native to `table` (e.g. a library namespace or a delegate table).
    pub fn register_in(
        &mut self,
        table: Value,
        name: &str,
        f: fn(&mut Vm, Args) -> Result<Value, Fail>,
        nparams: i32,
        typemask: Option<&str>,
    ) {
        let v = self.new_native(name, f, nparams, typemask);
        self.set_native_in(table, v);
    }

    /// Sets `table[name] = native` under the name `native` was made with, which is
    /// interned already (a library's thousands of natives would intern each twice).
    /// A value that is not a native function is not set.
    pub fn set_native_in(&mut self, table: Value, native: Value) {
        if let Value::Native(id) = native {
            let k = Value::Str(self.heap.native(id).name);
            self.table_set(table, k, native);
        }
    }

    /// Registers each of `entries` in `table` (a library namespace, a class, a delegate).
    pub fn register_all(&mut self, table: Value, entries: &[NativeEntry]) {
        for &(name, f, nparams, typemask) in entries {
            self.register_in(table, name, f, nparams, typemask);
        }
    }

    /// Invokes a native with parameter checks. Inlined into its two callers (the
    /// dispatch loop's `call_slow` and `call_at`), so a native call costs one function
    /// call, not three; plain functions are called directly.
    #[inline(always)]
    pub(crate) fn call_native(&mut self, id: NativeId, args: Args) -> Result<Value, Fail> {
        // The native is live: it is being called from a register or a rooted value.
        let nf = self.heap.natives.get_live(id.0);
        if !nf.arity.admits(args.count) {
            return Err(self.error("wrong number of parameters"));
        }
        // A native bound to an environment sees the environment as `this`, and its type
        // mask checks what it will see: `[].sort.bindenv({})` takes no table.
        if let Some(env) = nf.env {
            self.ex.stack[args.base as usize] = self.heap.weak_target(env);
        }
        if let Some(mask) = &nf.typemask {
            // `.` (any) is all ones, and every value has a type bit: the check starts
            // at the first mask that constrains. The arguments are read as one slice,
            // within which the loop needs no bounds checks.
            let to = mask.len().min(args.count as usize);
            let given = &self.ex.stack[args.base as usize..][..to];
            for i in nf.typed_from as usize..to {
                let (m, v) = (mask[i], given[i]);
                if raw_type_bit(v) & m == 0 {
                    return Err(self.param_type_error(i, m, v));
                }
            }
        }
        let plain = match &nf.body {
            NativeBody::Plain(f) => Some(*f),
            NativeBody::Closure(_) => None,
        };
        if self.native_depth >= MAX_NATIVE_DEPTH {
            return Err(self.native_stack_overflow());
        }
        self.native_depth += 1;
        let held = self.held.len();
        let r = match plain {
            Some(f) => f(self, args),
            None => self.call_native_closure(id, args),
        };
        self.held.truncate(held);
        self.native_depth -= 1;
        // What a native returns enters the registers: it must be this VM's.
        if let Ok(v) | Err(Fail::Error(v) | Fail::Suspend(v)) = r {
            self.admit(v);
        }
        r
    }

    /// Runs a native's shared closure (kept out of `call_native`, which plain
    /// functions, the common kind, take without a second look-up).
    #[inline(never)]
    fn call_native_closure(&mut self, id: NativeId, args: Args) -> Result<Value, Fail> {
        match &self.heap.native(id).body {
            NativeBody::Closure(c) => {
                let c = c.clone();
                c(self, args)
            }
            NativeBody::Plain(f) => {
                let f = *f;
                f(self, args)
            }
        }
    }

    fn param_type_error(&mut self, i: usize, mask: u32, v: Value) -> Fail {
        let mut names = Vec::new();
        for bit in 0..16 {
            let m = 1u32 << bit;
            if mask & m != 0 {
                names.push(type_bit_name(m));
            }
        }
        let msg = format!("parameter {i} has an invalid type '{}' ; expected: '{}'", v.type_of(), names.join("|"));
        self.error(msg)
    }
}

/// The reference's type bit of a value (closures and natives differ here).
pub(crate) fn raw_type_bit(v: Value) -> u32 {
    match v {
        Value::Closure(_) => 0x100,
        Value::Native(_) => 0x200,
        other => other.type_of().mask(),
    }
}

pub(crate) fn type_bit_name(m: u32) -> &'static str {
    match m {
        0x1 => "null",
        0x2 => "integer",
        0x4 => "float",
        0x8 => "bool",
        0x10 => "string",
        0x20 => "table",
        0x40 => "array",
        0x80 => "userdata",
        0x100 | 0x200 | 0x2000 => "function",
        0x400 => "generator",
        0x800 => "userdata",
        0x1000 => "thread",
        0x4000 => "class",
        0x8000 => "instance",
        0x10000 => "weakref",
        _ => "outer",
    }
}

/// Spellings of type masks parsed once per thread, at most.
const TYPEMASKS_KEPT: usize = 1024;

thread_local! {
    static TYPEMASKS: RefCell<HashMap<Box<str>, Rc<[u32]>, FixedState>> = RefCell::new(HashMap::default());
}

/// Parses a typemask in the reference's notation into one mask per argument, once per
/// spelling: every VM registers its libraries with the same few dozen masks, and a
/// native only reads its mask, so all share one copy. The copies are the host's memory.
pub(crate) fn parse_typemask(spec: &str) -> Rc<[u32]> {
    TYPEMASKS.with_borrow_mut(|kept| match kept.get(spec) {
        Some(mask) => mask.clone(),
        None => memory::unmetered(|| {
            let mask: Rc<[u32]> = parse_spec(spec).into();
            if kept.len() < TYPEMASKS_KEPT {
                kept.insert(spec.into(), mask.clone());
            }
            mask
        }),
    })
}

fn parse_spec(spec: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut cur = 0u32;
    let mut pending = false;
    let mut after_bar = false;
    for ch in spec.chars() {
        let bit = match ch {
            'o' => 0x1,
            'i' => 0x2,
            'f' => 0x4,
            'n' => 0x6,
            'b' => 0x8,
            's' => 0x10,
            't' => 0x20,
            'a' => 0x40,
            'u' => 0x80,
            'c' => 0x300,
            'g' => 0x400,
            'p' => 0x800,
            'v' => 0x1000,
            'y' => 0x4000,
            'x' => 0x8000,
            'r' => 0x10000,
            '.' => u32::MAX,
            '|' => {
                after_bar = true;
                continue;
            }
            _ => continue,
        };
        if pending && !after_bar {
            out.push(cur);
            cur = 0;
        }
        cur = if bit == u32::MAX || cur == u32::MAX { u32::MAX } else { cur | bit };
        pending = true;
        after_bar = false;
    }
    if pending {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typemask_parsing() {
        assert_eq!(&*parse_typemask("t|a s"), &[0x60, 0x10]);
        assert_eq!(&*parse_typemask(".n"), &[u32::MAX, 0x6]);
        assert_eq!(&*parse_typemask("xs|o"), &[0x8000, 0x11]);
    }
}
