//! The bytecode compiler: AST → register bytecode.
//!
//! One `FuncState` per function being compiled, nested like the source. Registers are
//! allocated as a stack: `this` and the parameters first, then locals in declaration
//! order with temporaries above them. Names resolve local → outer (captured from an
//! enclosing function, shared by reference) → constant (folded at compile time from
//! the VM's const table) → `this.name` with a root-table fallback at run time.
//!
//! This file holds the compiler's state, register and scope plumbing and name
//! resolution; `statements`, `expressions`, `assignment` and `functions` compile each
//! kind of node, and `bytecode` is what they emit.

mod assignment;
pub(crate) mod bytecode;
mod expressions;
mod functions;
pub(crate) mod image;
mod statements;

use std::collections::HashMap;
use std::rc::Rc;

use crate::compiler::bytecode::{Instr, LocalInfo, Op, OuterSource, Proto};
use crate::heap::value::{StrId, TableId, Value};
use crate::heap::Heap;
use crate::syntax::actions::INCDEC_ERROR;
use crate::syntax::ast::*;
use crate::syntax::deeper;
use crate::Profile;

/// A compile error: the reference's message and where it was detected.
#[derive(Clone, Debug, PartialEq)]
pub struct CompileError {
    pub message: String,
    pub span: Span,
}

type CResult<T> = Result<T, CompileError>;

fn err<T>(message: &str, span: Span) -> CResult<T> {
    Err(CompileError { message: message.to_string(), span })
}

/// What the compiler needs from its environment.
pub struct CompileEnv<'a> {
    pub heap: &'a mut Heap,
    /// The VM's const table: `const` and `enum` declarations land here at compile time.
    pub consts: TableId,
    pub profile: Profile,
    pub source: &'a str,
    /// Maps a byte offset of the source to its line number and file (which `#line`
    /// directives may rename).
    pub position_of: &'a dyn Fn(u32) -> (u32, Rc<str>),
}

/// Compiles a whole program into the prototype of its `main` function.
pub fn compile(program: &Program, env: CompileEnv<'_>) -> CResult<Rc<Proto>> {
    let mut c = Compiler { env, funcs: Vec::new() };
    let main_name = c.intern(b"main");
    c.funcs.push(FuncState::new(Value::Str(main_name)));
    let this = c.intern(b"this");
    let vargv = c.intern(b"vargv");
    c.declare_param(this);
    c.declare_param(vargv);
    c.fs().nparams = 1;
    c.fs().varargs = true;
    for s in &program.body {
        c.stmt(s)?;
    }
    c.emit(Op::Return, 0, 0, 0, 0);
    let fs = c.funcs.pop().expect("main function state");
    Ok(Rc::new(c.finish(fs)))
}

#[derive(Clone, Copy)]
enum Resolved {
    Local(u8),
    Outer(u8),
    Const(Value),
    Global,
}

struct LocalVar {
    name: StrId,
    reg: u8,
    captured: bool,
    start_pc: u32,
}

struct Loop {
    is_switch: bool,
    breaks: Vec<usize>,
    continues: Vec<usize>,
    /// Register level and local count when the construct began (for break).
    break_reg: u8,
    break_nlocals: usize,
    /// Register level and local count at the body (for continue).
    cont_reg: u8,
    cont_nlocals: usize,
    trap_depth: u32,
}

struct FuncState {
    name: Value,
    code: Vec<Instr>,
    consts: Vec<Value>,
    const_map: HashMap<(u32, u64), u32>,
    children: Vec<Rc<Proto>>,
    locals: Vec<LocalVar>,
    debug_locals: Vec<LocalInfo>,
    /// Start index into `locals` of each open block scope.
    scopes: Vec<usize>,
    free_reg: u32,
    max_regs: u32,
    outers: Vec<(StrId, OuterSource)>,
    loops: Vec<Loop>,
    trap_depth: u32,
    lines: Vec<(u32, u32)>,
    line: u32,
    /// The file of the code being emitted, and where it changed (see `Proto::files`).
    file: Option<Rc<str>>,
    files: Vec<(u32, Rc<str>)>,
    params: Vec<StrId>,
    nparams: u32,
    varargs: bool,
    ndefaults: u32,
    generator: bool,
    /// The latest pc handed out by `pc()`: every jump target comes from there, so
    /// an instruction emitted at any other pc is reached only from the one before.
    label: usize,
}

impl FuncState {
    fn new(name: Value) -> FuncState {
        FuncState {
            name,
            code: Vec::new(),
            consts: Vec::new(),
            const_map: HashMap::new(),
            children: Vec::new(),
            locals: Vec::new(),
            debug_locals: Vec::new(),
            scopes: Vec::new(),
            free_reg: 0,
            max_regs: 1,
            outers: Vec::new(),
            loops: Vec::new(),
            trap_depth: 0,
            lines: Vec::new(),
            line: 0,
            file: None,
            files: Vec::new(),
            params: Vec::new(),
            nparams: 0,
            varargs: false,
            ndefaults: 0,
            generator: false,
            label: usize::MAX,
        }
    }
}

struct Compiler<'a> {
    env: CompileEnv<'a>,
    funcs: Vec<FuncState>,
}

const NO_REG: u8 = 255;

fn const_key(v: Value) -> (u32, u64) {
    let bits = match v {
        Value::Null => 0,
        Value::Bool(b) => b as u64,
        Value::Int(i) => i as u64,
        Value::Float(f) => f.to_bits() as u64,
        other => other.object_id().unwrap_or(0) as u64,
    };
    (v.tag(), bits)
}

/// The integer-immediate op and operand for `R[b] kop v`, when `v` fits one.
/// The most operands one `Concat` takes.
const MAX_CONCAT: usize = 32;

/// Whether a chain of `+` has a string literal among its operands: it builds text,
/// and is compiled with `Concat` (numeric sums keep the dispatch loop's inline adds).
fn is_text_chain(lhs: &Expr, rhs: &Expr) -> bool {
    let mut e = lhs;
    let mut text = matches!(rhs.kind, ExprKind::Str(_));
    while let ExprKind::Binary { op: BinaryOp::Add, lhs, rhs } = &e.kind {
        text |= matches!(rhs.kind, ExprKind::Str(_));
        e = lhs;
    }
    text || matches!(e.kind, ExprKind::Str(_))
}

fn immediate(kop: Op, v: Value) -> Option<(Op, i32)> {
    match v {
        Value::Int(n) => Some((kop.immediate_form()?, i32::try_from(n).ok()?)),
        _ => None,
    }
}

impl<'a> Compiler<'a> {
    // ----- plumbing -------------------------------------------------------------------

    fn fs(&mut self) -> &mut FuncState {
        self.funcs.last_mut().expect("a function is being compiled")
    }

    fn intern(&mut self, s: &[u8]) -> StrId {
        self.env.heap.intern(s)
    }

    fn name_value(&mut self, s: &str) -> Value {
        Value::Str(self.intern(s.as_bytes()))
    }

    fn set_line(&mut self, span: Span) {
        let (line, file) = (self.env.position_of)(span.lo);
        let fs = self.fs();
        fs.line = line;
        fs.file = Some(file);
    }

    fn pc(&mut self) -> usize {
        let fs = self.fs();
        fs.label = fs.code.len();
        fs.label
    }

    /// Reads outer `o` into `dst`. Straight after `SetOuter o v` (`seed = f(seed);
    /// return seed % n`), where no jump lands, the value is still in `v`: a `Move`,
    /// or nothing, instead of reading back the outer just written (which waits on
    /// that store).
    fn get_outer(&mut self, dst: u8, o: u8) {
        let fs = self.fs();
        if fs.label != fs.code.len() {
            if let Some(&Instr { op: Op::SetOuter, a, b: v, .. }) = fs.code.last() {
                if a == o {
                    if v != dst {
                        self.emit(Op::Move, dst, v, 0, 0);
                    }
                    return;
                }
            }
        }
        self.emit(Op::GetOuter, dst, o, 0, 0);
    }

    fn emit(&mut self, op: Op, a: u8, b: u8, c: u8, d: i32) -> usize {
        let fs = self.fs();
        let pc = fs.code.len();
        if fs.lines.last().map(|l| l.1) != Some(fs.line) {
            fs.lines.push((pc as u32, fs.line));
        }
        if let Some(file) = &fs.file {
            if fs.files.last().is_none_or(|f| f.1 != *file) {
                fs.files.push((pc as u32, file.clone()));
            }
        }
        fs.code.push(Instr::new(op, a, b, c, d));
        pc
    }

    fn patch(&mut self, at: usize, target: usize) {
        self.fs().code[at].d = target as i32;
    }

    fn patch_here(&mut self, list: &[usize]) {
        let here = self.pc();
        for &j in list {
            self.patch(j, here);
        }
    }

    fn konst(&mut self, v: Value) -> u32 {
        let key = const_key(v);
        let fs = self.fs();
        if let Some(&i) = fs.const_map.get(&key) {
            return i;
        }
        let i = fs.consts.len() as u32;
        fs.consts.push(v);
        fs.const_map.insert(key, i);
        i
    }

    fn alloc_reg(&mut self, span: Span) -> CResult<u8> {
        let fs = self.fs();
        if fs.free_reg >= 250 {
            return err("too many local variables or temporaries", span);
        }
        let r = fs.free_reg as u8;
        fs.free_reg += 1;
        if fs.free_reg > fs.max_regs {
            fs.max_regs = fs.free_reg;
        }
        Ok(r)
    }

    fn free_to(&mut self, r: u8) {
        self.fs().free_reg = r as u32;
    }

    fn top(&mut self) -> u8 {
        self.fs().free_reg as u8
    }

    fn declare_param(&mut self, name: StrId) {
        let fs = self.funcs.last_mut().expect("function");
        let reg = fs.free_reg as u8;
        fs.free_reg += 1;
        fs.max_regs = fs.max_regs.max(fs.free_reg);
        fs.params.push(name);
        fs.locals.push(LocalVar { name, reg, captured: false, start_pc: 0 });
    }

    /// Binds `name` to register `reg` (which must be the newest allocated register).
    fn declare_local(&mut self, name: &str, reg: u8) {
        let name = self.intern(name.as_bytes());
        let pc = self.pc() as u32;
        self.fs().locals.push(LocalVar { name, reg, captured: false, start_pc: pc });
    }

    fn open_scope(&mut self) -> (usize, u8) {
        let fs = self.fs();
        fs.scopes.push(fs.locals.len());
        (fs.locals.len(), fs.free_reg as u8)
    }

    fn close_scope(&mut self, level: (usize, u8)) {
        let pc = self.pc() as u32;
        let fs = self.fs();
        fs.scopes.pop();
        let captured = fs.locals[level.0..].iter().any(|l| l.captured);
        for l in fs.locals.drain(level.0..) {
            fs.debug_locals.push(LocalInfo { name: l.name, reg: l.reg, start_pc: l.start_pc, end_pc: pc });
        }
        fs.free_reg = level.1 as u32;
        if captured {
            self.emit(Op::Close, level.1, 0, 0, 0);
        }
    }

    fn finish(&mut self, fs: FuncState) -> Proto {
        let mut debug_locals = fs.debug_locals;
        let end = fs.code.len() as u32;
        for l in fs.locals {
            debug_locals.push(LocalInfo { name: l.name, reg: l.reg, start_pc: l.start_pc, end_pc: end });
        }
        let mut params = fs.params;
        if !fs.varargs && params.len() > fs.nparams as usize {
            params.truncate(fs.nparams as usize);
        }
        let ic = crate::interpreter::cache::InlineCache::new(fs.code.len());
        // Only code from other files than the one compiled needs a file table.
        let files = if fs.files.iter().all(|f| *f.1 == *self.env.source) {
            Vec::new()
        } else {
            fs.files.iter().map(|(pc, file)| (*pc, Value::Str(self.env.heap.intern(file.as_bytes())))).collect()
        };
        Proto {
            name: fs.name,
            source: Value::Str(self.env.heap.intern(self.env.source.as_bytes())),
            code: fs.code,
            consts: fs.consts,
            children: fs.children,
            params,
            nparams: fs.nparams,
            varargs: fs.varargs,
            ndefaults: fs.ndefaults,
            max_regs: fs.max_regs.max(fs.free_reg).max(1),
            outers: fs.outers.iter().map(|o| o.1).collect(),
            outer_names: fs.outers.iter().map(|o| o.0).collect(),
            lines: fs.lines,
            files,
            locals: debug_locals,
            generator: fs.generator,
            plain_arity: if fs.varargs || fs.generator { u32::MAX } else { fs.nparams },
            gc_epoch: Default::default(),
            executed: Default::default(),
            ic,
        }
    }

    // ----- name resolution ------------------------------------------------------------

    fn resolve(&mut self, name: &str) -> Resolved {
        let id = self.intern(name.as_bytes());
        let depth = self.funcs.len() - 1;
        if let Some(r) = self.find_local(depth, id) {
            return Resolved::Local(r);
        }
        if let Some(o) = self.find_outer(depth, id) {
            return Resolved::Outer(o);
        }
        let consts = self.env.consts;
        if let Some(v) = self.env.heap.tables.get(consts.0).get(Value::Str(id), &self.env.heap.strings) {
            return Resolved::Const(v);
        }
        Resolved::Global
    }

    fn find_local(&self, depth: usize, id: StrId) -> Option<u8> {
        self.funcs[depth].locals.iter().rev().find(|l| l.name == id).map(|l| l.reg)
    }

    fn find_outer(&mut self, depth: usize, id: StrId) -> Option<u8> {
        if let Some(i) = self.funcs[depth].outers.iter().position(|o| o.0 == id) {
            return Some(i as u8);
        }
        if depth == 0 {
            return None;
        }
        let parent = depth - 1;
        let src = if let Some(l) = self.funcs[parent].locals.iter_mut().rev().find(|l| l.name == id) {
            l.captured = true;
            OuterSource::Local(l.reg)
        } else {
            OuterSource::Outer(deeper(|| self.find_outer(parent, id))?)
        };
        let outers = &mut self.funcs[depth].outers;
        outers.push((id, src));
        Some((outers.len() - 1) as u8)
    }
}
