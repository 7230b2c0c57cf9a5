//! Compiling and running scripts, calls into and between functions, and the
//! call stack an error records.

use std::ptr::NonNull;
use std::rc::Rc;

use super::*;
use crate::api::error::{Error, RuntimeError, StackEntry};
use crate::compiler::bytecode::Proto;
use crate::compiler::{self, image, CompileEnv};
use crate::heap::object::*;
use crate::heap::value::*;
use crate::interpreter::frame::{Frame, FRAME_ENTRY};
use crate::syntax::ParseError;

/// The most frames an error's call stack records. Every error that leaves a function
/// records one (before its frames are gone), caught later or not: without a bound, a
/// thread failing at each level of a deep recursion costs the square of the depth.
pub const MAX_TRACE: usize = 100;

/// `r` with its value read word by word, as `call_at` wrote it: copied whole, it would
/// be one 16-byte load that waits for those two stores to reach the cache (a callback's
/// result: a third of `call_at`'s time in funcarrays.nut). See `Value::read_split`.
#[inline(always)]
fn reloaded(r: Result<Value, Fail>) -> Result<Value, Fail> {
    match &r {
        Ok(v) => Ok(v.reload()),
        Err(_) => r,
    }
}

impl Vm {
    /// Compiles `source` into a closure (the script's main function).
    pub fn compile(&mut self, source: &str, file: &str) -> Result<Value, Error> {
        self.guarded(|vm| vm.metered(|vm| vm.compile_unmetered(source, file)))
    }

    fn compile_unmetered(&mut self, source: &str, file: &str) -> Result<Value, Error> {
        // The tree is the compiler's scratch (kept in the parse cache), not the script's
        // memory; what the script holds is the bytecode compiled from it.
        let ast = crate::heap::memory::unmetered(|| crate::syntax::parse_shared(source, file, self.profile.dialect()))?;
        // With constants declared, the compilation depends on them: no image fits.
        let unconstrained = self.heap.table(self.consts).len() == 0;
        let image = unconstrained.then(|| image::find(&ast, self.profile)).flatten();
        let proto = match image {
            Some(image) => image.load(&mut self.heap, self.consts),
            None => {
                let proto = self.compile_ast(&ast, file)?;
                if unconstrained {
                    image::keep(&ast, self.profile, &self.heap, self.consts, &proto);
                }
                proto
            }
        };
        self.note_compiled(&proto);
        Ok(self.make_closure(proto))
    }

    /// Compiles a parsed program into this VM's heap.
    fn compile_ast(&mut self, ast: &crate::syntax::Ast, file: &str) -> Result<Rc<Proto>, Error> {
        let map = &ast.source_map;
        let position_of = |off: u32| {
            let p = map.position(off);
            (p.line, p.file)
        };
        let env = CompileEnv {
            heap: &mut self.heap,
            consts: self.consts,
            profile: self.profile,
            source: file,
            position_of: &position_of,
        };
        Ok(compiler::compile(&ast.program, env)
            .map_err(|e| ParseError::new(map, e.message, e.span.hi as usize, Some(e.span)))?)
    }

    /// A closure for a freshly compiled main function.
    pub(crate) fn make_closure(&mut self, proto: Rc<Proto>) -> Value {
        Value::Closure(self.heap.alloc_closure(Closure {
            proto,
            outers: OuterList::default(),
            defaults: Box::new([]),
            env: None,
            root: self.root,
            base: None,
        }))
    }

    /// Compiles and runs a script with the root table as `this`.
    pub fn run_source(&mut self, source: &str, file: &str) -> Result<Value, Error> {
        let f = self.compile(source, file)?;
        let root = self.root_table();
        self.call(f, root, &[])
    }

    /// Calls a Squirrel (or native) function from Rust.
    pub fn call(&mut self, f: Value, this: Value, args: &[Value]) -> Result<Value, Error> {
        self.guarded(|vm| {
            vm.pending_trace = None;
            vm.error_notified = false;
            let r = vm.metered(|vm| vm.call_value(f, this, args));
            r.map_err(|fail| Error::Runtime(vm.runtime_error(fail)))
        })
    }

    /// Runs a host's entry into the VM. A panic inside (a bug of impish's, never a
    /// script's doing) becomes an [`Error::Internal`] and poisons the VM, whose state
    /// it may have left half-changed, so that one VM's bug cannot take down a host
    /// that runs many (a line, a test run). Calls from natives pass straight through:
    /// the outermost entry catches.
    pub(crate) fn guarded<T>(&mut self, f: impl FnOnce(&mut Vm) -> Result<T, Error>) -> Result<T, Error> {
        if let Some(why) = &self.poisoned {
            return Err(Error::Internal(why.clone()));
        }
        if self.native_depth > 0 || self.nested_runs > 0 {
            return f(self);
        }
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self))) {
            Ok(r) => r,
            Err(payload) => {
                let why = match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
                    (Some(s), _) => s.to_string(),
                    (_, Some(s)) => s.clone(),
                    _ => "a panic".to_string(),
                };
                self.poisoned = Some(why.clone());
                Err(Error::Internal(why))
            }
        }
    }

    pub(crate) fn runtime_error(&mut self, fail: Fail) -> RuntimeError {
        let value = match fail {
            Fail::Error(v) => v,
            Fail::Suspend(_) | Fail::Switch(_) => self.string(crate::interpreter::coroutine::CANNOT_SUSPEND),
        };
        let message = match value {
            Value::Str(s) => String::from_utf8_lossy(self.heap.str(s)).into_owned(),
            _ => "unknown".to_string(),
        };
        let described = self.describe(value);
        RuntimeError { message, value: described, stack: self.pending_trace.take().unwrap_or_default() }
    }

    /// A short rendering of a value for diagnostics (no metamethods are called).
    pub fn describe(&self, v: Value) -> String {
        match v {
            Value::Str(s) => String::from_utf8_lossy(self.heap.str(s)).into_owned(),
            other => String::from_utf8_lossy(&self.plain_string(other)).into_owned(),
        }
    }

    /// Calls `f` with `this` and `args`; for natives and metamethods.
    pub fn call_value(&mut self, f: Value, this: Value, args: &[Value]) -> Result<Value, Fail> {
        self.admit(f);
        self.admit(this);
        self.admit_all(args);
        self.call_own(f, this, args)
    }

    /// `call_value` for values the VM itself produced (metamethods, the callbacks of
    /// its own natives), which need no admission. Inlined, so a call site's fixed
    /// argument count copies its arguments without a `memcpy` call.
    #[inline(always)]
    pub(crate) fn call_own(&mut self, f: Value, this: Value, args: &[Value]) -> Result<Value, Fail> {
        let base = self.ex.top as usize;
        let n = args.len() + 1;
        self.ex.ensure(base + n + 1);
        self.ex.stack[base] = this;
        self.ex.stack[base + 1..base + n].copy_from_slice(args);
        let saved_top = self.ex.top;
        self.ex.top = (base + n) as u32;
        let r = self.call_at(f, base as u32, n as u32);
        self.ex.top = saved_top;
        reloaded(r)
    }

    /// Runs `body`, a native's walk of a container that calls `f` (with `this` and at
    /// most [`WALK_ARGS`] arguments) once per element, with the callback's stack set up
    /// once: room for its arguments, and `roots` slots beneath them that keep what the
    /// walk holds across a call rooted (a collection can run inside the callback) at
    /// the cost of a store, where `hold` would grow the held list for each element.
    pub(crate) fn walking<T>(
        &mut self,
        f: Value,
        this: Value,
        roots: u32,
        nargs: u32,
        body: impl FnOnce(&mut Vm, &Walk) -> Result<T, Fail>,
    ) -> Result<T, Fail> {
        debug_assert!(nargs as usize <= WALK_ARGS);
        let saved_top = self.ex.top;
        let base = saved_top + roots;
        self.ex.ensure(base as usize + WALK_ARGS + 2);
        self.ex.stack[saved_top as usize..base as usize].fill(Value::Null);
        self.ex.top = base;
        let walk = Walk { f, this, roots: saved_top, base, n: nargs + 1 };
        let r = body(self, &walk);
        self.ex.top = saved_top;
        r
    }

    /// One call of a walk's callback with `args` (the first `walk`'s count of them).
    #[inline(always)]
    pub(crate) fn walk_call<const K: usize>(&mut self, walk: &Walk, args: [Value; K]) -> Result<Value, Fail> {
        debug_assert!(K <= WALK_ARGS && walk.n as usize <= K + 1 && self.ex.top == walk.base);
        let b = walk.base as usize;
        // `walking` made room for every argument a walk passes.
        let slots = &mut self.ex.stack[b..b + 1 + K];
        slots[0] = walk.this;
        slots[1..].copy_from_slice(&args);
        self.ex.top = walk.base + walk.n;
        let r = self.call_at(walk.f, walk.base, walk.n);
        self.ex.top = walk.base;
        reloaded(r)
    }

    /// Keeps `v` rooted in the walk's root slot `i` until the walk ends.
    #[inline(always)]
    pub(crate) fn walk_root(&mut self, walk: &Walk, i: u32, v: Value) {
        debug_assert!(walk.roots + i < walk.base);
        self.ex.stack[(walk.roots + i) as usize] = v;
    }

    /// Calls `f` with the `n` arguments already at `stack[base..]` (`this` first). A
    /// script function's result is written word by word (see `run_from`): read it with
    /// `reloaded`.
    pub(crate) fn call_at(&mut self, f: Value, base: u32, n: u32) -> Result<Value, Fail> {
        // Script functions first, without the jump table (a comparator, a callback, a
        // metamethod are mostly plain functions).
        if let Value::Closure(c) = f {
            self.nesting_room()?;
            // The interpreter's own fast entry first, the general one otherwise.
            if self.enter_plain(c, base, n, base, FRAME_ENTRY).is_none() {
                if let Entered::Value(v) = self.enter_closure(c, base, n, base, FRAME_ENTRY)? {
                    return Ok(v);
                }
            }
            return self.run_nested_at(self.ex.frames.len() - 1, self.parked.len(), None);
        }
        self.call_other_at(f, base, n)
    }

    /// `call_at` for anything but a script function, out of line, so that the common
    /// case (a callback) tests one tag rather than entering a jump table.
    #[inline(never)]
    fn call_other_at(&mut self, f: Value, base: u32, n: u32) -> Result<Value, Fail> {
        match f {
            Value::Native(id) => match self.call_native(id, Args { base, count: n, func: Some(id) }) {
                // Suspending beneath a native or a metamethod; a thread's `call` from Rust.
                Err(Fail::Suspend(_)) => Err(self.error(crate::interpreter::coroutine::CANNOT_SUSPEND)),
                Err(Fail::Switch(t)) => self.run_thread(t),
                r => r,
            },
            Value::Class(c) => {
                let inst = self.instantiate(c)?;
                self.ex.stack[base as usize] = inst;
                if let Some(ctor) = self.constructor_of(c) {
                    self.call_at(ctor, base, n)?;
                }
                Ok(inst)
            }
            Value::Table(_) | Value::Instance(_) | Value::UserData(_) => match self.meta_of(f, Meta::Call) {
                Some(mm) => {
                    let mut args = vec![self.ex.stack[base as usize]];
                    for i in 1..n {
                        args.push(self.ex.stack[(base + i) as usize]);
                    }
                    self.call_own(mm, f, &args)
                }
                None => Err(self.call_error(f)),
            },
            other => Err(self.call_error(other)),
        }
    }

    /// Fails when the interpreter may not nest once more in Rust. Natives and
    /// metamethods calling scripts, and threads called from them, each run the
    /// interpreter again beneath the running one, on the Rust stack. Their number is
    /// bounded as the reference bounds it, and the stack they take by
    /// `NESTED_STACK_BUDGET` (a debug build's interpreter takes ~40 KB a run), so that
    /// even a 2 MB thread cannot overflow (tests/nested_runs.rs).
    #[inline(always)]
    pub(crate) fn nesting_room(&mut self) -> Result<(), Fail> {
        let here = stack_position();
        if self.nested_runs == 0 {
            self.nested_stack_base = here;
        } else if self.nested_runs >= MAX_NATIVE_DEPTH || here.abs_diff(self.nested_stack_base) > NESTED_STACK_BUDGET {
            return Err(self.native_stack_overflow());
        }
        Ok(())
    }

    /// The error of one nesting too many (natives or interpreter runs), kept out of
    /// the calls' inlined paths.
    #[cold]
    #[inline(never)]
    pub(super) fn native_stack_overflow(&mut self) -> Fail {
        self.error("Native stack overflow")
    }

    /// Runs the interpreter nested beneath the running one (see `nesting_room` and
    /// `run_from`). With `raise`, the run starts by raising that error where the running
    /// context stands (a thread woken by `wakeupthrow`). Inlined with `run_from`, so a
    /// callback's or a metamethod's run costs no extra calls.
    #[inline(always)]
    pub(crate) fn run_nested_at(&mut self, entry: usize, depth: usize, raise: Option<Value>) -> Result<Value, Fail> {
        self.nested_runs += 1;
        let r = match raise {
            Some(v) if !self.unwind(v, entry, depth) => Err(Fail::Error(self.unwound)),
            _ => self.run_from(entry, depth),
        };
        self.nested_runs -= 1;
        r
    }

    pub(crate) fn call_error(&mut self, f: Value) -> Fail {
        let t = f.type_of();
        self.error(format!("attempt to call '{t}'"))
    }

    /// The common script-to-script call, kept free of `Result` plumbing: exact arity,
    /// no varargs, not a generator, and stack room already there. A bound environment
    /// (`bindenv`, the imp's callbacks) becomes `this`, as in `enter_closure`.
    /// Pushes the frame and returns its prototype, or does nothing and returns `None`
    /// (the caller then takes `enter_closure`, which handles every case).
    #[inline(always)]
    pub(crate) fn enter_plain(
        &mut self,
        c: ClosureId,
        base: u32,
        nargs: u32,
        ret: u32,
        flags: u8,
    ) -> Option<NonNull<Proto>> {
        let cl = self.heap.closures.get_live(c.0);
        let p: &Proto = &cl.proto;
        let b = base as usize;
        let top = b + p.max_regs as usize;
        if nargs != p.plain_arity || top >= self.ex.stack.len() || self.ex.frames.len() >= self.max_frames {
            return None;
        }
        if let Some(env) = cl.env {
            self.ex.stack[b] = self.heap.weak_target(env);
        }
        // The callee's other registers are not cleared: see `ExecState::clear_dead`.
        let saved_top = self.ex.top;
        self.ex.top = top as u32;
        let trap_base = self.ex.traps.len() as u32;
        let frame = Frame::new(c, cl, base, ret, saved_top, trap_base, flags);
        let proto = frame.proto;
        self.ex.frames.push(frame);
        Some(proto)
    }

    /// Pushes a frame for closure `c` whose `this` and arguments are at `stack[base..]`.
    /// Generators are created instead of entered. The prototype's facts are read once
    /// up front (no reference count taken), and, as in `enter_plain`, the callee's
    /// other registers are not cleared (see `ExecState::clear_dead`).
    pub(crate) fn enter_closure(
        &mut self,
        c: ClosureId,
        base: u32,
        nargs: u32,
        ret: u32,
        flags: u8,
    ) -> Result<Entered, Fail> {
        let cl = self.heap.closure(c);
        let p: &Proto = &cl.proto;
        let (np, nd, max_regs, varargs, generator, env) =
            (p.nparams, p.ndefaults, p.max_regs, p.varargs, p.generator, cl.env);
        let b = base as usize;
        let mut nargs = nargs;
        if varargs {
            if nargs < np {
                return Err(self.error(format!("wrong number of parameters ({nargs} passed, at least {np} required)")));
            }
            let extra = self.ex.stack[b + np as usize..b + nargs as usize].to_vec();
            let arr = self.heap.alloc_array(extra);
            self.ex.ensure(b + np as usize + 1);
            self.ex.stack[b + np as usize] = Value::Array(arr);
            nargs = np + 1;
        } else if nargs != np {
            if nargs < np && np - nargs <= nd {
                self.ex.ensure(b + np as usize + 1);
                let first = (nd - (np - nargs)) as usize;
                let defaults = &self.heap.closure(c).defaults[first..];
                self.ex.stack[b + nargs as usize..b + np as usize].copy_from_slice(defaults);
                nargs = np;
            } else {
                return Err(self.error(format!("wrong number of parameters ({nargs} passed, {np} required)")));
            }
        }
        if let Some(env) = env {
            self.ex.stack[b] = self.heap.weak_target(env);
        }
        if generator {
            let proto = self.heap.closure(c).proto.clone();
            let gen = self.new_generator(c, base, nargs, &proto);
            return Ok(Entered::Value(gen));
        }
        if self.ex.frames.len() >= self.max_frames {
            return Err(self.error("stack overflow"));
        }
        let top = b + max_regs as usize;
        self.ex.ensure(top + 1);
        let saved_top = self.ex.top;
        self.ex.top = top as u32;
        let trap_base = self.ex.traps.len() as u32;
        let frame = Frame::new(c, self.heap.closure(c), base, ret, saved_top, trap_base, flags);
        self.ex.frames.push(frame);
        Ok(Entered::Frame)
    }

    /// A new instance of class `c` (no constructor call); locks the class.
    pub(crate) fn instantiate(&mut self, c: ClassId) -> Result<Value, Fail> {
        Ok(Value::Instance(self.heap.new_instance(c)))
    }

    pub(crate) fn constructor_of(&self, c: ClassId) -> Option<Value> {
        let class = self.heap.class(c);
        class.constructor.map(|i| class.methods[i].value)
    }

    // ----- errors and the call stack --------------------------------------------------

    /// The script call stack, innermost first, cut at [`MAX_TRACE`] frames.
    pub fn call_stack(&self) -> Vec<StackEntry> {
        let contexts = std::iter::once(&self.ex).chain(self.parked.iter().rev().map(|ex| &**ex));
        let frames = contexts.flat_map(|ex| ex.frames.iter().rev().map(move |f| (f, &ex.stack)));
        frames.take(MAX_TRACE).map(|(f, stack)| self.stack_entry(f, stack)).collect()
    }

    /// What the call stack shows of frame `f`, whose registers are in `stack`.
    pub(crate) fn stack_entry(&self, f: &Frame, stack: &[Value]) -> StackEntry {
        let p = f.proto();
        let name = match p.name {
            Value::Str(s) => String::from_utf8_lossy(self.heap.str(s)).into_owned(),
            _ => "unknown".to_string(),
        };
        let file = match p.file_at(f.pc().saturating_sub(1) as usize) {
            Value::Str(s) => String::from_utf8_lossy(self.heap.str(s)).into_owned(),
            _ => "unknown".to_string(),
        };
        let line = p.line_at(f.pc().saturating_sub(1) as usize);
        let mut locals = Vec::new();
        let pc = f.pc().saturating_sub(1);
        for l in p.locals.iter().rev() {
            if l.start_pc <= pc && pc < l.end_pc {
                let name = String::from_utf8_lossy(self.heap.str(l.name)).into_owned();
                if name.starts_with('@') {
                    continue;
                }
                let v = stack.get(f.base as usize + l.reg as usize).copied().unwrap_or(Value::Null);
                locals.push((name, crate::api::error::local_text(self, v)));
            }
        }
        StackEntry { function: name, file, line, locals }
    }

    /// A disassembly of a closure's bytecode.
    pub fn disassemble(&self, f: Value) -> Option<String> {
        let Value::Closure(c) = f else { return None };
        let proto = self.heap.closure(c).proto.clone();
        Some(crate::compiler::bytecode::disassemble(&proto, &|v| match v {
            Value::Str(s) => format!("{:?}", String::from_utf8_lossy(self.heap.str(s))),
            other => self.describe(other),
        }))
    }
}

/// The most arguments (besides `this`) a walk's callback is given: map's element,
/// index and array.
pub(crate) const WALK_ARGS: usize = 3;

/// A container walk's callback, set up by [`Vm::walking`].
pub(crate) struct Walk {
    f: Value,
    this: Value,
    /// The first root slot; the callback's `this` and arguments start at `base`.
    roots: u32,
    base: u32,
    /// Values passed, `this` included.
    n: u32,
}

/// Result of entering a closure: a frame to run, or an immediate value (generators).
pub(crate) enum Entered {
    Frame,
    Value(Value),
}
