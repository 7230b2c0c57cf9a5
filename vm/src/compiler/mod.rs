//! The bytecode compiler: AST → register bytecode.
//!
//! One `FuncState` per function being compiled, nested like the source. Registers are
//! allocated as a stack: `this` and the parameters first, then locals in declaration
//! order with temporaries above them. Names resolve local → outer (captured from an
//! enclosing function, shared by reference) → constant (folded at compile time from
//! the VM's const table) → `this.name` with a root-table fallback at run time.

pub(crate) mod bytecode;

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
        self.fs().code.len()
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

    // ----- statements -----------------------------------------------------------------

    fn stmts(&mut self, body: &[Stmt]) -> CResult<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> CResult<()> {
        deeper(|| self.stmt_inner(s))
    }

    fn stmt_inner(&mut self, s: &Stmt) -> CResult<()> {
        self.set_line(s.span);
        let mark = self.top();
        match &s.kind {
            StmtKind::Empty => {}
            StmtKind::Expr(e) => self.expr_effect(e)?,
            StmtKind::Local(vars) => self.locals(vars)?,
            StmtKind::LocalFunction { name, func } => {
                let r = self.alloc_reg(s.span)?;
                self.function(func, r)?;
                self.declare_local(&name.name, r);
                return Ok(());
            }
            StmtKind::Function { path, func } => self.function_stmt(path, func, s.span)?,
            StmtKind::Class { target, class } => self.class_stmt(target, class, s.span)?,
            StmtKind::Enum { name, members } => self.enum_decl(name, members),
            StmtKind::Const { name, value } => {
                let v = self.scalar(value);
                self.add_const(&name.name, v);
            }
            StmtKind::Block(body) => {
                let level = self.open_scope();
                self.stmts(body)?;
                self.close_scope(level);
            }
            StmtKind::If { cond, then, otherwise } => {
                let skip = self.cond_jump(cond, false)?;
                self.scoped_stmt(then)?;
                if let Some(e) = otherwise {
                    let over = self.emit(Op::Jmp, 0, 0, 0, 0);
                    self.patch_here(&skip);
                    self.scoped_stmt(e)?;
                    self.patch_here(&[over]);
                } else {
                    self.patch_here(&skip);
                }
            }
            StmtKind::While { cond, body } => {
                let to_cond = self.emit(Op::Jmp, 0, 0, 0, 0);
                let top = self.pc();
                self.push_loop(false);
                self.scoped_stmt(body)?;
                let cond_pc = self.pc();
                self.patch(to_cond, cond_pc);
                self.set_line(cond.span);
                let back = self.cond_jump(cond, true)?;
                for j in back {
                    self.patch(j, top);
                }
                self.pop_loop(cond_pc);
            }
            StmtKind::DoWhile { body, cond } => {
                let top = self.pc();
                self.push_loop(false);
                self.scoped_stmt(body)?;
                let cond_pc = self.pc();
                self.set_line(cond.span);
                let back = self.cond_jump(cond, true)?;
                for j in back {
                    self.patch(j, top);
                }
                self.pop_loop(cond_pc);
            }
            StmtKind::For { init, cond, step, body } => {
                let level = self.open_scope();
                match init {
                    Some(ForInit::Local(vars)) => self.locals(vars)?,
                    Some(ForInit::Expr(e)) => self.expr_effect(e)?,
                    None => {}
                }
                let to_cond = self.emit(Op::Jmp, 0, 0, 0, 0);
                let top = self.pc();
                self.push_loop(false);
                self.scoped_stmt(body)?;
                let step_pc = self.pc();
                if let Some(st) = step {
                    self.set_line(st.span);
                    self.expr_effect(st)?;
                }
                let cond_pc = self.pc();
                self.patch(to_cond, cond_pc);
                match cond {
                    Some(c) => {
                        self.set_line(c.span);
                        let back = self.cond_jump(c, true)?;
                        for j in back {
                            self.patch(j, top);
                        }
                    }
                    None => {
                        self.emit(Op::Jmp, 0, 0, 0, top as i32);
                    }
                }
                self.pop_loop(step_pc);
                self.close_scope(level);
            }
            StmtKind::Foreach { index, value, iterable, body } => {
                let level = self.open_scope();
                // A local is walked in place, as in the reference: a body that assigns
                // to it goes on walking the new value from the same position.
                let cont = self.expr_any(iterable)?;
                let state = self.alloc_reg(s.span)?;
                self.emit(Op::LoadNull, state, 1, 0, 0);
                let k = self.alloc_reg(s.span)?;
                let v = self.alloc_reg(s.span)?;
                self.declare_local(index.as_ref().map_or("@INDEX@", |i| &i.name), k);
                self.declare_local(&value.name, v);
                let top = self.emit(Op::Foreach, cont, state, 0, 0);
                self.push_loop(false);
                self.scoped_stmt(body)?;
                self.emit(Op::Jmp, 0, 0, 0, top as i32);
                let exit = self.pc();
                self.patch(top, exit);
                self.pop_loop(top);
                self.close_scope(level);
            }
            StmtKind::Switch { subject, cases, default } => self.switch(subject, cases, default.as_deref(), s.span)?,
            StmtKind::Return(e) => self.return_stmt(e.as_ref(), s.span)?,
            StmtKind::Yield(e) => {
                self.fs().generator = true;
                match e {
                    Some(e) => {
                        let r = self.expr_any(e)?;
                        self.emit(Op::Yield, r, 1, 0, 0);
                    }
                    None => {
                        self.emit(Op::Yield, 0, 0, 0, 0);
                    }
                }
            }
            StmtKind::Break => self.break_continue(true, s.span)?,
            StmtKind::Continue => self.break_continue(false, s.span)?,
            StmtKind::Throw(e) => {
                let r = self.expr_any(e)?;
                self.emit(Op::Throw, r, 0, 0, 0);
            }
            StmtKind::Try { body, catch_var, handler } => {
                let reg = self.top();
                self.alloc_reg(s.span)?;
                self.free_to(reg);
                let trap = self.emit(Op::PushTrap, reg, 0, 0, 0);
                self.fs().trap_depth += 1;
                self.scoped_stmt(body)?;
                self.fs().trap_depth -= 1;
                self.emit(Op::PopTrap, 0, 1, 0, 0);
                let over = self.emit(Op::Jmp, 0, 0, 0, 0);
                self.patch_here(&[trap]);
                let level = self.open_scope();
                let r = self.alloc_reg(s.span)?;
                debug_assert_eq!(r, reg);
                self.declare_local(&catch_var.name, r);
                self.scoped_stmt(handler)?;
                self.close_scope(level);
                self.patch_here(&[over]);
            }
        }
        if !matches!(s.kind, StmtKind::Local(_)) {
            self.free_to(mark);
        }
        Ok(())
    }

    /// A statement in its own scope (loop and branch bodies).
    fn scoped_stmt(&mut self, s: &Stmt) -> CResult<()> {
        let level = self.open_scope();
        self.stmt(s)?;
        self.close_scope(level);
        Ok(())
    }

    fn locals(&mut self, vars: &[crate::syntax::ast::LocalVar]) -> CResult<()> {
        for v in vars {
            let r = self.alloc_reg(v.name.span)?;
            match &v.init {
                Some(e) => self.expr_to(e, r)?,
                None => {
                    self.emit(Op::LoadNull, r, 1, 0, 0);
                }
            }
            self.declare_local(&v.name.name, r);
        }
        Ok(())
    }

    fn push_loop(&mut self, is_switch: bool) {
        let fs = self.fs();
        let reg = fs.free_reg as u8;
        let n = fs.locals.len();
        let td = fs.trap_depth;
        let (cont_reg, cont_nlocals) = if is_switch {
            fs.loops.iter().rev().find(|l| !l.is_switch).map_or((reg, n), |l| (l.cont_reg, l.cont_nlocals))
        } else {
            (reg, n)
        };
        fs.loops.push(Loop {
            is_switch,
            breaks: vec![],
            continues: vec![],
            break_reg: reg,
            break_nlocals: n,
            cont_reg,
            cont_nlocals,
            trap_depth: td,
        });
    }

    fn pop_loop(&mut self, continue_target: usize) {
        let l = self.fs().loops.pop().expect("loop context");
        self.patch_here(&l.breaks);
        if l.is_switch {
            // `continue` inside a switch belongs to the enclosing loop.
            if let Some(outer) = self.fs().loops.iter_mut().rev().find(|l| !l.is_switch) {
                outer.continues.extend(l.continues);
            }
        } else {
            for j in l.continues {
                self.patch(j, continue_target);
            }
        }
    }

    fn break_continue(&mut self, is_break: bool, span: Span) -> CResult<()> {
        let fs = self.fs();
        let target = if is_break { fs.loops.last() } else { fs.loops.iter().rev().find(|l| !l.is_switch) };
        let Some(l) = target else {
            return err(
                if is_break { "'break' has to be in a loop block" } else { "'continue' has to be in a loop block" },
                span,
            );
        };
        let traps = fs.trap_depth - l.trap_depth;
        let (reg, n) = if is_break { (l.break_reg, l.break_nlocals) } else { (l.cont_reg, l.cont_nlocals) };
        let has_locals = fs.locals.len() > n;
        if traps > 0 {
            self.emit(Op::PopTrap, 0, traps as u8, 0, 0);
        }
        if has_locals {
            self.emit(Op::Close, reg, 0, 0, 0);
        }
        let j = self.emit(Op::Jmp, 0, 0, 0, 0);
        let fs = self.fs();
        let l = if is_break { fs.loops.last_mut() } else { fs.loops.iter_mut().rev().find(|l| !l.is_switch) }
            .expect("checked above");
        if is_break {
            l.breaks.push(j);
        } else {
            l.continues.push(j);
        }
        Ok(())
    }

    fn switch(&mut self, subject: &Expr, cases: &[SwitchCase], default: Option<&[Stmt]>, span: Span) -> CResult<()> {
        let s = self.alloc_reg(span)?;
        self.expr_to(subject, s)?;
        self.push_loop(true);
        let mut fallthrough: Option<usize> = None;
        for case in cases {
            self.set_line(case.value.span);
            let mark = self.top();
            let skip = self.jump_unless_equal(s, &case.value)?;
            self.free_to(mark);
            if let Some(f) = fallthrough.take() {
                self.patch_here(&[f]);
            }
            let level = self.open_scope();
            self.stmts(&case.body)?;
            self.close_scope(level);
            fallthrough = Some(self.emit(Op::Jmp, 0, 0, 0, 0));
            self.patch_here(&[skip]);
        }
        if let Some(f) = fallthrough.take() {
            self.patch_here(&[f]);
        }
        if let Some(body) = default {
            let level = self.open_scope();
            self.stmts(body)?;
            self.close_scope(level);
        }
        self.pop_loop(0);
        Ok(())
    }

    /// Emits a jump taken when `R[s] != value`; returns it for patching.
    fn jump_unless_equal(&mut self, s: u8, value: &Expr) -> CResult<usize> {
        if let Some(k) = self.small_const(value) {
            return Ok(self.emit(Op::JEqK, s, k, 0, 0));
        }
        let r = self.expr_any(value)?;
        Ok(self.emit(Op::JEq, s, r, 0, 0))
    }

    fn return_stmt(&mut self, e: Option<&Expr>, span: Span) -> CResult<()> {
        let Some(e) = e else {
            self.emit(Op::Return, 0, 0, 0, 0);
            return Ok(());
        };
        let can_tail = self.fs().trap_depth == 0 && !self.fs().generator;
        if let (true, ExprKind::Call { callee, args }) = (can_tail, &e.kind) {
            let t = self.call_setup(callee, args, None, span)?;
            self.emit(Op::TailCall, 0, t, (args.len() + 1) as u8, 0);
            self.emit(Op::Return, t, 1, 0, 0);
            return Ok(());
        }
        let r = self.expr_any(e)?;
        self.emit(Op::Return, r, 1, 0, 0);
        Ok(())
    }

    fn scalar(&mut self, s: &Scalar) -> Value {
        match s {
            Scalar::Int(i) => Value::Int(self.env.profile.wrap(*i)),
            Scalar::Float(f) => Value::Float(*f as f32),
            Scalar::Str(b) => Value::Str(self.intern(b)),
            Scalar::Bool(b) => Value::Bool(*b),
        }
    }

    fn add_const(&mut self, name: &str, v: Value) {
        let k = self.name_value(name);
        let consts = self.env.consts;
        let heap = &mut *self.env.heap;
        heap.tables.get_mut(consts.0).insert(k, v, &heap.strings);
    }

    fn enum_decl(&mut self, name: &Ident, members: &[(Ident, Scalar)]) {
        let mut t = crate::heap::table::Table::with_capacity(members.len());
        for (m, s) in members {
            let k = self.name_value(&m.name);
            let v = self.scalar(s);
            t.insert(k, v, &self.env.heap.strings);
        }
        let t = self.env.heap.alloc_table(t);
        self.add_const(&name.name, Value::Table(t));
    }

    fn function_stmt(&mut self, path: &[Ident], func: &FunctionDef, span: Span) -> CResult<()> {
        let (last, prefix) = path.split_last().ok_or(CompileError { message: "expected 'IDENTIFIER'".into(), span })?;
        let obj = if prefix.is_empty() {
            0
        } else {
            let mut e = Expr { kind: ExprKind::Ident(prefix[0].name.clone()), span: prefix[0].span };
            for p in &prefix[1..] {
                e = Expr { kind: ExprKind::Field { object: Box::new(e), name: p.clone() }, span: p.span };
            }
            self.expr_any(&e)?
        };
        let k = self.alloc_reg(span)?;
        let kv = self.name_value(&last.name);
        self.load_const(kv, k);
        let f = self.alloc_reg(span)?;
        self.function(func, f)?;
        self.emit(Op::NewSlot, obj, k, f, 0);
        Ok(())
    }

    fn class_stmt(&mut self, target: &Expr, class: &ClassDef, span: Span) -> CResult<()> {
        let (obj, key) = match &target.kind {
            ExprKind::Ident(name) => {
                if let Resolved::Local(_) = self.resolve(name) {
                    return err("cannot create a class in a local with the syntax(class <local>)", target.span);
                }
                (0, name.clone())
            }
            ExprKind::Field { object, name } => (self.expr_any(object)?, name.name.clone()),
            ExprKind::Root(name) => {
                let r = self.alloc_reg(span)?;
                self.emit(Op::LoadRoot, r, 0, 0, 0);
                (r, name.clone())
            }
            _ => return err("invalid class name", target.span),
        };
        let k = self.alloc_reg(span)?;
        let kv = self.name_value(&key);
        self.load_const(kv, k);
        let c = self.alloc_reg(span)?;
        self.class(class, c)?;
        self.emit(Op::NewSlot, obj, k, c, 0);
        Ok(())
    }

    // ----- expressions ----------------------------------------------------------------

    /// A constant index usable in a `b` operand for literal expressions.
    fn small_const(&mut self, e: &Expr) -> Option<u8> {
        let v = self.literal(e)?;
        let k = self.konst(v);
        (k < 256).then_some(k as u8)
    }

    /// The value of a literal or folded constant expression.
    fn literal(&mut self, e: &Expr) -> Option<Value> {
        Some(match &e.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(self.env.profile.wrap(*i)),
            ExprKind::Float(f) => Value::Float(*f as f32),
            ExprKind::Str(s) => Value::Str(self.intern(s)),
            ExprKind::Ident(name) => match self.resolve(name) {
                Resolved::Const(v) => v,
                _ => return None,
            },
            ExprKind::Field { object, name } => self.enum_member(object, name)?,
            ExprKind::Unary { op: UnaryOp::Neg, operand } => match deeper(|| self.literal(operand))? {
                Value::Int(i) => Value::Int(self.env.profile.wrap(i.wrapping_neg())),
                Value::Float(f) => Value::Float(-f),
                _ => return None,
            },
            _ => return None,
        })
    }

    /// `E.A` where `E` is an enum (a table in the const table) is folded.
    fn enum_member(&mut self, object: &Expr, name: &Ident) -> Option<Value> {
        let ExprKind::Ident(e) = &object.kind else { return None };
        let Resolved::Const(Value::Table(t)) = self.resolve(e) else { return None };
        let k = self.name_value(&name.name);
        self.env.heap.tables.get(t.0).get(k, &self.env.heap.strings)
    }

    fn load_const(&mut self, v: Value, dst: u8) {
        match v {
            Value::Null => {
                self.emit(Op::LoadNull, dst, 1, 0, 0);
            }
            Value::Bool(b) => {
                self.emit(Op::LoadBool, dst, b as u8, 0, 0);
            }
            Value::Int(i) if i as i32 as i64 == i => {
                self.emit(Op::LoadInt, dst, 0, 0, i as i32);
            }
            v => {
                let k = self.konst(v);
                self.emit(Op::LoadK, dst, 0, 0, k as i32);
            }
        }
    }

    fn is_local_reg(&mut self, r: u8) -> bool {
        self.fs().locals.iter().any(|l| l.reg == r)
    }

    /// Evaluates `e` for its side effects only.
    fn expr_effect(&mut self, e: &Expr) -> CResult<()> {
        let mark = self.top();
        match &e.kind {
            ExprKind::Assign { op, target, value } => {
                self.assign(*op, target, value, None, e.span)?;
            }
            ExprKind::PreIncDec { delta, target } | ExprKind::PostIncDec { delta, target } => {
                self.incdec(*delta, target, false, None, e.span)?;
            }
            ExprKind::Comma(list) => {
                for x in list {
                    self.expr_effect(x)?;
                }
            }
            _ => {
                let r = self.alloc_reg(e.span)?;
                self.expr_to(e, r)?;
            }
        }
        self.free_to(mark);
        Ok(())
    }

    /// Evaluates `e` into some register: a local's own register when `e` names one.
    fn expr_any(&mut self, e: &Expr) -> CResult<u8> {
        if let Some(r) = self.local_reg_of(e) {
            return Ok(r);
        }
        if let ExprKind::This = e.kind {
            return Ok(0);
        }
        let r = self.alloc_reg(e.span)?;
        self.expr_to(e, r)?;
        Ok(r)
    }

    /// The register of `e` when it names a local variable.
    fn local_reg_of(&mut self, e: &Expr) -> Option<u8> {
        match &e.kind {
            ExprKind::Ident(name) => match self.resolve(name) {
                Resolved::Local(r) => Some(r),
                _ => None,
            },
            _ => None,
        }
    }

    /// Evaluates `e` into register `dst`. Temporaries above the current top are used and
    /// released; `dst` is written last unless it is a fresh register.
    fn expr_to(&mut self, e: &Expr, dst: u8) -> CResult<()> {
        let mark = self.top();
        deeper(|| self.expr_to_inner(e, dst))?;
        if self.top() > mark {
            self.free_to(mark);
        }
        Ok(())
    }

    fn expr_to_inner(&mut self, e: &Expr, dst: u8) -> CResult<()> {
        if let Some(v) = self.literal(e) {
            self.load_const(v, dst);
            return Ok(());
        }
        match &e.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) => {
                unreachable!("literals are handled above")
            }
            ExprKind::Ident(name) => match self.resolve(name) {
                Resolved::Local(r) => {
                    if r != dst {
                        self.emit(Op::Move, dst, r, 0, 0);
                    }
                }
                Resolved::Outer(o) => {
                    self.emit(Op::GetOuter, dst, o, 0, 0);
                }
                Resolved::Const(v) => self.load_const(v, dst),
                Resolved::Global => {
                    let k = self.name_value(name);
                    let k = self.konst(k);
                    self.emit(Op::GetK, dst, 0, 0, k as i32);
                }
            },
            ExprKind::This => {
                if dst != 0 {
                    self.emit(Op::Move, dst, 0, 0, 0);
                }
            }
            ExprKind::Base => {
                self.emit(Op::GetBase, dst, 0, 0, 0);
            }
            ExprKind::Root(name) => {
                let t = self.alloc_reg(e.span)?;
                self.emit(Op::LoadRoot, t, 0, 0, 0);
                let k = self.name_value(name);
                let k = self.konst(k);
                self.emit(Op::GetK, dst, t, 0, k as i32);
            }
            ExprKind::Field { object, name } => {
                let o = self.left_reg(object, dst)?;
                let k = self.name_value(&name.name);
                let k = self.konst(k);
                self.emit(Op::GetK, dst, o, 0, k as i32);
            }
            ExprKind::Index { object, index } => {
                let o = self.left_reg(object, dst)?;
                if let ExprKind::Str(s) = &index.kind {
                    let k = Value::Str(self.intern(s));
                    let k = self.konst(k);
                    self.emit(Op::GetK, dst, o, 0, k as i32);
                } else {
                    let i = self.expr_any(index)?;
                    self.emit(Op::Get, dst, o, i, 0);
                }
            }
            ExprKind::Call { callee, args } => {
                let t = self.call_setup(callee, args, Some(dst), e.span)?;
                self.emit(Op::Call, dst, t, (args.len() + 1) as u8, 0);
            }
            ExprKind::RawCall { args } => {
                let t = self.top();
                for a in args {
                    let r = self.alloc_reg(a.span)?;
                    self.expr_to(a, r)?;
                }
                if args.len() < 2 {
                    return err("rawcall requires at least 2 arguments", e.span);
                }
                self.emit(Op::Call, dst, t, (args.len() - 1) as u8, 0);
            }
            ExprKind::PostCallInit { call, entries } => {
                let t = self.alloc_reg(e.span)?;
                self.expr_to(call, t)?;
                for en in entries {
                    let mark = self.top();
                    let k = self.expr_any(&en.key)?;
                    let v = self.expr_any(&en.value)?;
                    self.emit(Op::Set, t, k, v, 0);
                    self.free_to(mark);
                }
                self.emit(Op::Move, dst, t, 0, 0);
            }
            ExprKind::Unary { op, operand } => {
                let r = self.expr_any(operand)?;
                let op = match op {
                    UnaryOp::Neg => Op::Neg,
                    UnaryOp::Not => Op::Not,
                    UnaryOp::BitNot => Op::BitNot,
                    UnaryOp::Typeof => Op::Typeof,
                    UnaryOp::Clone => Op::Clone,
                    UnaryOp::Resume => Op::Resume,
                };
                self.emit(op, dst, r, 0, 0);
            }
            ExprKind::Delete(target) => {
                let (o, k) = match &target.kind {
                    ExprKind::Field { object, name } => {
                        let o = self.left_reg(object, dst)?;
                        let k = self.alloc_reg(e.span)?;
                        let kv = self.name_value(&name.name);
                        self.load_const(kv, k);
                        (o, k)
                    }
                    ExprKind::Index { object, index } => (self.left_reg(object, dst)?, self.expr_any(index)?),
                    ExprKind::Root(name) => {
                        let o = self.alloc_reg(e.span)?;
                        self.emit(Op::LoadRoot, o, 0, 0, 0);
                        let k = self.alloc_reg(e.span)?;
                        let kv = self.name_value(name);
                        self.load_const(kv, k);
                        (o, k)
                    }
                    ExprKind::Ident(name) => match self.resolve(name) {
                        Resolved::Local(_) | Resolved::Outer(_) => {
                            return err("cannot delete an (outer) local", target.span)
                        }
                        _ => {
                            let k = self.alloc_reg(e.span)?;
                            let kv = self.name_value(name);
                            self.load_const(kv, k);
                            (0, k)
                        }
                    },
                    _ => return err("can't delete an expression", target.span),
                };
                self.emit(Op::Delete, dst, o, k, 0);
            }
            ExprKind::PreIncDec { delta, target } => {
                self.incdec(*delta, target, false, Some(dst), e.span)?;
            }
            ExprKind::PostIncDec { delta, target } => {
                self.incdec(*delta, target, true, Some(dst), e.span)?;
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, dst)?,
            ExprKind::And(l, r) | ExprKind::Or(l, r) => {
                let is_and = matches!(e.kind, ExprKind::And(..));
                let t = if self.is_local_reg(dst) { self.alloc_reg(e.span)? } else { dst };
                self.expr_to(l, t)?;
                let j = self.emit(if is_and { Op::JmpF } else { Op::JmpT }, t, 0, 0, 0);
                self.expr_to(r, t)?;
                self.patch_here(&[j]);
                if t != dst {
                    self.emit(Op::Move, dst, t, 0, 0);
                }
            }
            ExprKind::Ternary { cond, then, otherwise } => {
                let skip = self.cond_jump(cond, false)?;
                self.expr_to(then, dst)?;
                let over = self.emit(Op::Jmp, 0, 0, 0, 0);
                self.patch_here(&skip);
                self.expr_to(otherwise, dst)?;
                self.patch_here(&[over]);
            }
            ExprKind::Assign { op, target, value } => {
                self.assign(*op, target, value, Some(dst), e.span)?;
            }
            ExprKind::Comma(list) => {
                let (last, init) =
                    list.split_last().ok_or(CompileError { message: "expression expected".into(), span: e.span })?;
                for x in init {
                    self.expr_effect(x)?;
                }
                self.expr_to(last, dst)?;
            }
            ExprKind::Array(items) => {
                let t = if self.is_local_reg(dst) { self.alloc_reg(e.span)? } else { dst };
                self.emit(Op::NewArray, t, 0, 0, items.len() as i32);
                for it in items {
                    let mark = self.top();
                    let r = self.expr_any(it)?;
                    self.emit(Op::ArrayPush, t, r, 0, 0);
                    self.free_to(mark);
                }
                if t != dst {
                    self.emit(Op::Move, dst, t, 0, 0);
                }
            }
            ExprKind::Table(entries) => {
                let t = if self.is_local_reg(dst) { self.alloc_reg(e.span)? } else { dst };
                self.emit(Op::NewTable, t, 0, 0, entries.len() as i32);
                for en in entries {
                    let mark = self.top();
                    self.set_line(en.key.span);
                    let k = self.expr_any(&en.key)?;
                    let v = self.expr_any(&en.value)?;
                    self.emit(Op::NewSlot, t, k, v, 0);
                    self.free_to(mark);
                }
                if t != dst {
                    self.emit(Op::Move, dst, t, 0, 0);
                }
            }
            ExprKind::Function(f) => self.function(f, dst)?,
            ExprKind::Class(c) => {
                let t = if self.is_local_reg(dst) { self.alloc_reg(e.span)? } else { dst };
                self.class(c, t)?;
                if t != dst {
                    self.emit(Op::Move, dst, t, 0, 0);
                }
            }
        }
        Ok(())
    }

    /// The register of the left operand of an expression whose value goes to `dst`
    /// (`l + r`, `l.name`, `l[i]`): `dst` itself when it is a temporary, which holds
    /// nothing yet and is read by nothing else, so a left-associative chain
    /// (`a + b + c ...`, `x.y.z ...`) takes no register per link, as in the reference.
    fn left_reg(&mut self, left: &Expr, dst: u8) -> CResult<u8> {
        if self.local_reg_of(left).is_some() || matches!(left.kind, ExprKind::This) || self.is_local_reg(dst) {
            return self.expr_any(left);
        }
        self.expr_to(left, dst)?;
        Ok(dst)
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, dst: u8) -> CResult<()> {
        use BinaryOp as B;
        let (rr, kk) = match op {
            B::Add => (Op::Add, Some(Op::AddK)),
            B::Sub => (Op::Sub, Some(Op::SubK)),
            B::Mul => (Op::Mul, Some(Op::MulK)),
            B::Div => (Op::Div, Some(Op::DivK)),
            B::Mod => (Op::Mod, Some(Op::ModK)),
            B::BitAnd => (Op::BitAnd, Some(Op::BitAndK)),
            B::BitOr => (Op::BitOr, Some(Op::BitOrK)),
            B::BitXor => (Op::BitXor, Some(Op::BitXorK)),
            B::Shl => (Op::Shl, Some(Op::ShlK)),
            B::Shr => (Op::Shr, Some(Op::ShrK)),
            B::UShr => (Op::UShr, Some(Op::UShrK)),
            B::Eq => (Op::Eq, None),
            B::Ne => (Op::Ne, None),
            B::Lt => (Op::Lt, None),
            B::Le => (Op::Le, None),
            B::Gt => (Op::Gt, None),
            B::Ge => (Op::Ge, None),
            B::Cmp3 => (Op::Cmp3, None),
            B::In => (Op::In, None),
            B::InstanceOf => (Op::InstanceOf, None),
        };
        if op == B::Add && is_text_chain(lhs, rhs) {
            return self.add_chain(lhs, rhs, dst);
        }
        let l = self.left_reg(lhs, dst)?;
        self.emit_binary(rr, kk, dst, l, rhs)
    }

    /// `e1 + e2 + ... + en` (left-associated). Each operand that needs evaluating is
    /// evaluated where the reference does it, after the sums to its left; the
    /// operands after it that need none (locals, constants) are added by the same
    /// `Concat`, which reads each one when its `+` comes. So every `+` happens in the
    /// reference's order with the same metamethod calls and errors; only the
    /// intermediate strings of a run are never made.
    fn add_chain(&mut self, lhs: &Expr, rhs: &Expr, dst: u8) -> CResult<()> {
        let mut operands = vec![rhs];
        let mut first = lhs;
        while let ExprKind::Binary { op: BinaryOp::Add, lhs, rhs } = &first.kind {
            operands.push(rhs);
            first = lhs;
        }
        operands.reverse();
        let mut acc = self.expr_any(first)?;
        // The temporary holding the running sum between runs.
        let mut running = None;
        let mut k = 0;
        while k < operands.len() {
            let mut end = k + 1;
            while end < operands.len() && end - k < MAX_CONCAT && self.plain_operand(operands[end]).is_some() {
                end += 1;
            }
            let last = end == operands.len();
            let target = match (last, running) {
                (true, _) => dst,
                (false, Some(t)) => t,
                (false, None) => {
                    let t = self.alloc_reg(operands[k].span)?;
                    running = Some(t);
                    t
                }
            };
            if end - k == 1 {
                self.emit_binary(Op::Add, Some(Op::AddK), target, acc, operands[k])?;
            } else {
                let head = match self.plain_operand(operands[k]) {
                    Some(o) => o,
                    None => (0, self.expr_any(operands[k])?, 0),
                };
                let mut words = vec![head];
                for e in &operands[k + 1..end] {
                    words.extend(self.plain_operand(e));
                }
                self.emit(Op::Concat, target, acc, words.len() as u8, 0);
                for (a, b, d) in words {
                    self.emit(Op::Operand, a, b, 0, d);
                }
            }
            if !last {
                self.free_to(target + 1);
            }
            acc = target;
            k = end;
        }
        Ok(())
    }

    /// The `Operand` word (`a b d`) of an operand that needs no evaluation: a local's
    /// register or a constant.
    fn plain_operand(&mut self, e: &Expr) -> Option<(u8, u8, i32)> {
        if let Some(v) = self.literal(e) {
            return Some((1, 0, self.konst(v) as i32));
        }
        match &e.kind {
            ExprKind::Ident(name) => match self.resolve(name) {
                Resolved::Local(r) => Some((0, r, 0)),
                _ => None,
            },
            ExprKind::This => Some((0, 0, 0)),
            _ => None,
        }
    }

    /// `dst = l op rhs`: with an immediate or a constant operand when `rhs` is a literal
    /// the constant form `kop` takes, else with `rhs` in a register (`rop`).
    fn emit_binary(&mut self, rop: Op, kop: Option<Op>, dst: u8, l: u8, rhs: &Expr) -> CResult<()> {
        if let (Some(kop), Some(v)) = (kop, self.literal(rhs)) {
            if let Some(d) = immediate(kop, v) {
                self.emit(d.0, dst, l, 0, d.1);
                return Ok(());
            }
            if matches!(v, Value::Int(_) | Value::Float(_) | Value::Str(_)) {
                let k = self.konst(v);
                self.emit(kop, dst, l, 0, k as i32);
                return Ok(());
            }
        }
        let r = self.expr_any(rhs)?;
        self.emit(rop, dst, l, r, 0);
        Ok(())
    }

    /// `x & K` with an integer constant `K` among the first 256: a condition that one
    /// `JTestK` decides (`if (flags & MASK)`).
    fn bit_test<'e>(&mut self, e: &'e Expr) -> Option<(&'e Expr, u8)> {
        let ExprKind::Binary { op: BinaryOp::BitAnd, lhs, rhs } = &e.kind else { return None };
        if !matches!(self.literal(rhs), Some(Value::Int(_))) {
            return None;
        }
        Some((lhs, self.small_const(rhs)?))
    }

    /// Emits code that jumps when the truthiness of `e` equals `when`; returns the jumps.
    fn cond_jump(&mut self, e: &Expr, when: bool) -> CResult<Vec<usize>> {
        deeper(|| self.cond_jump_inner(e, when))
    }

    fn cond_jump_inner(&mut self, e: &Expr, when: bool) -> CResult<Vec<usize>> {
        if let Some(v) = self.literal(e) {
            return Ok(if v.truthy() == when { vec![self.emit(Op::Jmp, 0, 0, 0, 0)] } else { vec![] });
        }
        let mark = self.top();
        let jumps = match &e.kind {
            ExprKind::Unary { op: UnaryOp::Not, operand } => self.cond_jump(operand, !when)?,
            ExprKind::And(l, r) | ExprKind::Or(l, r) => {
                let is_and = matches!(e.kind, ExprKind::And(..));
                // `a && b` jumps on false as soon as `a` is false; on true only if both are.
                if is_and != when {
                    let mut js = self.cond_jump(l, when)?;
                    js.extend(self.cond_jump(r, when)?);
                    js
                } else {
                    let skip = self.cond_jump(l, !when)?;
                    let js = self.cond_jump(r, when)?;
                    self.patch_here(&skip);
                    js
                }
            }
            ExprKind::Binary { op, lhs, rhs }
                if matches!(
                    op,
                    BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
                ) =>
            {
                let sense = match op {
                    BinaryOp::Ne => !when,
                    _ => when,
                } as u8;
                let l = self.expr_any(lhs)?;
                if let Some(k) = self.small_const(rhs) {
                    let kop = match op {
                        BinaryOp::Eq | BinaryOp::Ne => Op::JEqK,
                        BinaryOp::Lt => Op::JLtK,
                        BinaryOp::Le => Op::JLeK,
                        BinaryOp::Gt => Op::JGtK,
                        _ => Op::JGeK,
                    };
                    vec![self.emit(kop, l, k, sense, 0)]
                } else {
                    let r = self.expr_any(rhs)?;
                    let op = match op {
                        BinaryOp::Eq | BinaryOp::Ne => Op::JEq,
                        BinaryOp::Lt => Op::JLt,
                        BinaryOp::Le => Op::JLe,
                        BinaryOp::Gt => Op::JGt,
                        _ => Op::JGe,
                    };
                    vec![self.emit(op, l, r, sense, 0)]
                }
            }
            _ => match self.bit_test(e) {
                Some((lhs, k)) => {
                    let l = self.expr_any(lhs)?;
                    vec![self.emit(Op::JTestK, l, k, when as u8, 0)]
                }
                None => {
                    let r = self.expr_any(e)?;
                    vec![self.emit(if when { Op::JmpT } else { Op::JmpF }, r, 0, 0, 0)]
                }
            },
        };
        self.free_to(mark);
        Ok(jumps)
    }

    /// Places callee, `this` and arguments in consecutive fresh registers; returns the
    /// callee register. The callee goes to `dst` when that is the newest temporary (the
    /// call's result replaces it), and a callee that must be evaluated is evaluated
    /// there before `this` is taken: so in a chain (`x.f(1).g(2)...`, `f()()...`) each
    /// call lays out its frame where the one it calls into did, as in the reference.
    fn call_setup(&mut self, callee: &Expr, args: &[Expr], dst: Option<u8>, span: Span) -> CResult<u8> {
        let t = match dst {
            Some(d) if d + 1 == self.top() && !self.is_local_reg(d) => d,
            _ => self.alloc_reg(span)?,
        };
        match &callee.kind {
            ExprKind::Field { object, name } => {
                let k = self.name_value(&name.name);
                let k = self.konst(k) as i32;
                if let Some(o) = self.local_reg_of(object) {
                    // A method of a local object: the function and `this` at once.
                    self.alloc_reg(span)?;
                    self.emit(Op::PrepCallK, t, o, 0, k);
                } else if matches!(object.kind, ExprKind::Base) {
                    let this = self.alloc_reg(span)?;
                    self.emit(Op::GetBase, this, 0, 0, 0);
                    self.emit(Op::GetK, t, this, 0, k);
                    self.emit(Op::Move, this, 0, 0, 0);
                } else if matches!(object.kind, ExprKind::Call { .. }) {
                    // A chained call (`x.f(1).g(2)`): the call before it runs where this
                    // one's function goes, so a chain of any length keeps its frame in place.
                    self.expr_to(object, t)?;
                    let this = self.alloc_reg(span)?;
                    self.emit(Op::Move, this, t, 0, 0);
                    self.emit(Op::GetK, t, this, 0, k);
                } else {
                    let this = self.alloc_reg(span)?;
                    self.expr_to(object, this)?;
                    self.emit(Op::GetK, t, this, 0, k);
                }
            }
            ExprKind::Index { object, index } => {
                let this = self.alloc_reg(span)?;
                if matches!(object.kind, ExprKind::Base) {
                    self.emit(Op::GetBase, this, 0, 0, 0);
                } else {
                    self.expr_to(object, this)?;
                }
                let i = self.expr_any(index)?;
                self.emit(Op::Get, t, this, i, 0);
                self.free_to(this + 1);
                if matches!(object.kind, ExprKind::Base) {
                    self.emit(Op::Move, this, 0, 0, 0);
                }
            }
            ExprKind::Root(name) => {
                let this = self.alloc_reg(span)?;
                self.emit(Op::LoadRoot, this, 0, 0, 0);
                let k = self.name_value(name);
                let k = self.konst(k);
                self.emit(Op::GetK, t, this, 0, k as i32);
            }
            ExprKind::Ident(name) => match self.resolve(name) {
                Resolved::Global => {
                    self.alloc_reg(span)?;
                    let k = self.name_value(name);
                    let k = self.konst(k);
                    self.emit(Op::PrepCallK, t, 0, 0, k as i32);
                }
                Resolved::Local(r) => {
                    self.alloc_reg(span)?;
                    self.emit(Op::PrepCall, t, r, 0, 0);
                }
                Resolved::Outer(o) => {
                    self.alloc_reg(span)?;
                    self.emit(Op::PrepCallOuter, t, o, 0, 0);
                }
                Resolved::Const(_) => self.callee_value(callee, t, span)?,
            },
            _ => self.callee_value(callee, t, span)?,
        }
        for a in args {
            let r = self.alloc_reg(a.span)?;
            self.expr_to(a, r)?;
        }
        if args.len() + 1 > 250 {
            return err("too many arguments", span);
        }
        Ok(t)
    }

    /// Any other callee (`f()()`, a constant) is evaluated where the function goes, `t`;
    /// `this` is the caller's.
    fn callee_value(&mut self, callee: &Expr, t: u8, span: Span) -> CResult<()> {
        self.expr_to(callee, t)?;
        let this = self.alloc_reg(span)?;
        self.emit(Op::Move, this, 0, 0, 0);
        Ok(())
    }

    fn assign(&mut self, op: AssignOp, target: &Expr, value: &Expr, dst: Option<u8>, span: Span) -> CResult<u8> {
        let arith = match op {
            AssignOp::Set | AssignOp::NewSlot => None,
            AssignOp::Add => Some(BinaryOp::Add),
            AssignOp::Sub => Some(BinaryOp::Sub),
            AssignOp::Mul => Some(BinaryOp::Mul),
            AssignOp::Div => Some(BinaryOp::Div),
            AssignOp::Mod => Some(BinaryOp::Mod),
        };
        match &target.kind {
            ExprKind::Ident(name) => match self.resolve(name) {
                Resolved::Local(r) => {
                    if op == AssignOp::NewSlot {
                        return err("can't 'create' a local slot", target.span);
                    }
                    match arith {
                        None => {
                            if self.needs_temp(value) {
                                let t = self.alloc_reg(span)?;
                                self.expr_to(value, t)?;
                                self.emit(Op::Move, r, t, 0, 0);
                            } else {
                                self.expr_to(value, r)?;
                            }
                        }
                        Some(b) => self.binary(b, target, value, r)?,
                    }
                    if let Some(d) = dst {
                        if d != r {
                            self.emit(Op::Move, d, r, 0, 0);
                        }
                    }
                    Ok(r)
                }
                Resolved::Outer(o) => {
                    if op == AssignOp::NewSlot {
                        return err("can't 'create' a local slot", target.span);
                    }
                    let v = self.value_reg(dst, span)?;
                    match arith {
                        None => self.expr_to(value, v)?,
                        Some(b) => self.binary(b, target, value, v)?,
                    }
                    self.emit(Op::SetOuter, o, v, 0, 0);
                    Ok(v)
                }
                Resolved::Const(_) => err("can't assign expression", target.span),
                Resolved::Global => {
                    let k = self.name_value(name);
                    self.slot_assign(op, arith, 0, SlotKey::Const(k), value, dst, span)
                }
            },
            _ => match self.slot_place(target)? {
                Some((o, k)) => self.slot_assign(op, arith, o, k, value, dst, span),
                None => err("can't assign expression", target.span),
            },
        }
    }

    /// The object register and key of a slot (`a.b`, `a[k]`, `::name`), evaluated into
    /// registers; `None` when `target` is not a slot.
    fn slot_place(&mut self, target: &Expr) -> CResult<Option<(u8, SlotKey)>> {
        Ok(Some(match &target.kind {
            ExprKind::Field { object, name } => {
                let o = self.expr_any(object)?;
                (o, SlotKey::Const(self.name_value(&name.name)))
            }
            ExprKind::Index { object, index } => {
                let o = self.expr_any(object)?;
                (o, SlotKey::Reg(self.expr_any(index)?))
            }
            ExprKind::Root(name) => {
                let o = self.alloc_reg(target.span)?;
                self.emit(Op::LoadRoot, o, 0, 0, 0);
                (o, SlotKey::Const(self.name_value(name)))
            }
            _ => return Ok(None),
        }))
    }

    /// Expressions that build their result in place must not target a live local.
    fn needs_temp(&self, e: &Expr) -> bool {
        matches!(e.kind, ExprKind::Array(_) | ExprKind::Table(_) | ExprKind::Class(_) | ExprKind::PostCallInit { .. })
    }

    fn value_reg(&mut self, dst: Option<u8>, span: Span) -> CResult<u8> {
        match dst {
            Some(d) if !self.is_local_reg(d) => Ok(d),
            _ => self.alloc_reg(span),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn slot_assign(
        &mut self,
        op: AssignOp,
        arith: Option<BinaryOp>,
        obj: u8,
        key: SlotKey,
        value: &Expr,
        dst: Option<u8>,
        span: Span,
    ) -> CResult<u8> {
        if dst.is_none() && matches!(op, AssignOp::Set | AssignOp::NewSlot) {
            // A statement: the value can be stored straight from a local's register.
            let k = match (op, key) {
                (AssignOp::NewSlot, _) => Some(self.key_reg(key, span)?),
                _ => None,
            };
            let v = self.expr_any(value)?;
            match k {
                Some(k) => {
                    self.emit(Op::NewSlot, obj, k, v, 0);
                }
                None => self.emit_set(obj, key, v),
            }
            return Ok(v);
        }
        let v = self.value_reg(dst, span)?;
        match op {
            AssignOp::NewSlot => {
                let k = self.key_reg(key, span)?;
                self.expr_to(value, v)?;
                self.emit(Op::NewSlot, obj, k, v, 0);
            }
            AssignOp::Set => {
                self.expr_to(value, v)?;
                self.emit_set(obj, key, v);
            }
            _ => {
                self.emit_get(v, obj, key);
                let b = arith.expect("compound assignment");
                self.binary_on_reg(b, v, value, v)?;
                self.emit_set(obj, key, v);
            }
        }
        if let Some(d) = dst {
            if d != v {
                self.emit(Op::Move, d, v, 0, 0);
            }
        }
        Ok(v)
    }

    /// `R[dst] = R[l] op value`.
    fn binary_on_reg(&mut self, op: BinaryOp, l: u8, value: &Expr, dst: u8) -> CResult<()> {
        let kop = match op {
            BinaryOp::Add => Op::AddK,
            BinaryOp::Sub => Op::SubK,
            BinaryOp::Mul => Op::MulK,
            BinaryOp::Div => Op::DivK,
            _ => Op::ModK,
        };
        let rop = match op {
            BinaryOp::Add => Op::Add,
            BinaryOp::Sub => Op::Sub,
            BinaryOp::Mul => Op::Mul,
            BinaryOp::Div => Op::Div,
            _ => Op::Mod,
        };
        self.emit_binary(rop, Some(kop), dst, l, value)
    }

    fn key_reg(&mut self, key: SlotKey, span: Span) -> CResult<u8> {
        Ok(match key {
            SlotKey::Reg(r) => r,
            SlotKey::Const(v) => {
                let r = self.alloc_reg(span)?;
                self.load_const(v, r);
                r
            }
        })
    }

    fn emit_get(&mut self, dst: u8, obj: u8, key: SlotKey) {
        match key {
            SlotKey::Reg(k) => self.emit(Op::Get, dst, obj, k, 0),
            SlotKey::Const(v) => {
                let k = self.konst(v);
                self.emit(Op::GetK, dst, obj, 0, k as i32)
            }
        };
    }

    fn emit_set(&mut self, obj: u8, key: SlotKey, v: u8) {
        match key {
            SlotKey::Reg(k) => self.emit(Op::Set, obj, k, v, 0),
            SlotKey::Const(kv) => {
                let k = self.konst(kv);
                self.emit(Op::SetK, obj, v, 0, k as i32)
            }
        };
    }

    fn incdec(&mut self, delta: i8, target: &Expr, post: bool, dst: Option<u8>, span: Span) -> CResult<()> {
        // The step is the immediate operand of `AddI`/`SubI`.
        let one = 1;
        let op = if delta > 0 { Op::AddI } else { Op::SubI };
        match &target.kind {
            ExprKind::Ident(name) => match self.resolve(name) {
                Resolved::Local(r) => {
                    match (dst, post) {
                        (Some(d), true) => {
                            self.emit(Op::Move, d, r, 0, 0);
                            self.emit(op, r, r, 0, one as i32);
                        }
                        (Some(d), false) => {
                            self.emit(op, r, r, 0, one as i32);
                            self.emit(Op::Move, d, r, 0, 0);
                        }
                        (None, _) => {
                            self.emit(op, r, r, 0, one as i32);
                        }
                    }
                    Ok(())
                }
                Resolved::Outer(o) => {
                    let t = self.alloc_reg(span)?;
                    self.emit(Op::GetOuter, t, o, 0, 0);
                    if let (Some(d), true) = (dst, post) {
                        self.emit(Op::Move, d, t, 0, 0);
                    }
                    self.emit(op, t, t, 0, one as i32);
                    self.emit(Op::SetOuter, o, t, 0, 0);
                    if let (Some(d), false) = (dst, post) {
                        self.emit(Op::Move, d, t, 0, 0);
                    }
                    Ok(())
                }
                Resolved::Const(_) => err(INCDEC_ERROR, span),
                Resolved::Global => {
                    let k = self.name_value(name);
                    self.slot_incdec(op, one, 0, SlotKey::Const(k), post, dst, span)
                }
            },
            _ => match self.slot_place(target)? {
                Some((o, k)) => self.slot_incdec(op, one, o, k, post, dst, span),
                None => err(INCDEC_ERROR, span),
            },
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn slot_incdec(
        &mut self,
        op: Op,
        one: u32,
        obj: u8,
        key: SlotKey,
        post: bool,
        dst: Option<u8>,
        span: Span,
    ) -> CResult<()> {
        let t = self.alloc_reg(span)?;
        self.emit_get(t, obj, key);
        if let (Some(d), true) = (dst, post) {
            self.emit(Op::Move, d, t, 0, 0);
        }
        self.emit(op, t, t, 0, one as i32);
        self.emit_set(obj, key, t);
        if let (Some(d), false) = (dst, post) {
            self.emit(Op::Move, d, t, 0, 0);
        }
        Ok(())
    }

    // ----- functions and classes ------------------------------------------------------

    fn function(&mut self, f: &FunctionDef, dst: u8) -> CResult<()> {
        // Environment and default values are evaluated here, in the enclosing function.
        let first = self.top();
        let mut flags = 0u8;
        if let Some(env) = &f.bound_env {
            let r = self.alloc_reg(env.span)?;
            self.expr_to(env, r)?;
            flags |= 1;
        }
        let mut ndefaults = 0;
        for p in &f.params {
            if let Some(d) = &p.default {
                let r = self.alloc_reg(d.span)?;
                self.expr_to(d, r)?;
                ndefaults += 1;
            }
        }
        let name = match &f.name {
            Some(n) => self.name_value(n),
            None => Value::Null,
        };
        self.funcs.push(FuncState::new(name));
        self.set_line(f.span);
        let this = self.intern(b"this");
        self.declare_param(this);
        for p in &f.params {
            let n = self.intern(p.name.name.as_bytes());
            self.declare_param(n);
        }
        let nparams = f.params.len() as u32 + 1;
        self.fs().nparams = nparams;
        self.fs().ndefaults = ndefaults;
        if f.varargs {
            let v = self.intern(b"vargv");
            self.declare_param(v);
            self.fs().varargs = true;
        }
        let body = match &f.body {
            FunctionBody::Stmt(s) => self.stmt(s),
            FunctionBody::Lambda(e) => {
                self.set_line(e.span);
                self.return_stmt(Some(e), e.span)
            }
        };
        if let Err(e) = body {
            self.funcs.pop();
            return Err(e);
        }
        self.emit(Op::Return, 0, 0, 0, 0);
        let fs = self.funcs.pop().expect("function state");
        let proto = self.finish(fs);
        let parent = self.fs();
        parent.children.push(Rc::new(proto));
        let idx = parent.children.len() - 1;
        self.emit(Op::Closure, dst, first, flags, idx as i32);
        self.free_to(first);
        Ok(())
    }

    fn class(&mut self, c: &ClassDef, dst: u8) -> CResult<()> {
        let mark = self.top();
        let base = match &c.base {
            Some(b) => self.expr_any(b)?,
            None => NO_REG,
        };
        let attrs = match &c.attributes {
            Some(a) => self.attr_table(a)?,
            None => NO_REG,
        };
        self.emit(Op::NewClass, dst, base, attrs, 0);
        self.free_to(mark);
        for m in &c.members {
            let mark = self.top();
            self.set_line(m.entry.key.span);
            let k = self.expr_any(&m.entry.key)?;
            let v = self.expr_any(&m.entry.value)?;
            let a = match &m.attributes {
                Some(a) => self.attr_table(a)? as i32 + 1,
                None => 0,
            };
            self.emit(Op::NewMember, dst, k, v, (a << 8) | m.is_static as i32);
            self.free_to(mark);
        }
        Ok(())
    }

    fn attr_table(&mut self, entries: &[TableEntry]) -> CResult<u8> {
        let span = entries.first().map_or(Span::default(), |e| e.key.span);
        let r = self.alloc_reg(span)?;
        let e = Expr { kind: ExprKind::Table(entries.to_vec()), span };
        self.expr_to(&e, r)?;
        Ok(r)
    }
}

#[derive(Clone, Copy)]
enum SlotKey {
    Reg(u8),
    Const(Value),
}
