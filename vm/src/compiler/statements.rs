//! Statements: blocks and scopes, control flow and its jumps, loops and `switch`,
//! `return`, and the declarations (locals, functions, classes, enums, constants).

use super::*;

impl Compiler<'_> {
    pub(super) fn stmts(&mut self, body: &[Stmt]) -> CResult<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    pub(super) fn stmt(&mut self, s: &Stmt) -> CResult<()> {
        deeper(|| self.stmt_inner(s))
    }

    pub(super) fn stmt_inner(&mut self, s: &Stmt) -> CResult<()> {
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
                // The test is compiled twice, before the first pass and after the step,
                // so no jump enters the loop at its test and the step and the test can
                // be one instruction (`fuse_step`).
                let exits = match cond {
                    Some(c) => {
                        self.set_line(c.span);
                        self.cond_jump(c, false)?
                    }
                    None => vec![],
                };
                let top = self.pc();
                self.push_loop(false);
                self.scoped_stmt(body)?;
                let step_pc = self.pc();
                if let Some(st) = step {
                    self.set_line(st.span);
                    self.expr_effect(st)?;
                }
                match cond {
                    Some(c) => {
                        self.set_line(c.span);
                        let back = self.cond_jump(c, true)?;
                        for &j in &back {
                            self.patch(j, top);
                        }
                        if let [j] = back[..] {
                            self.fuse_step(step_pc, j);
                        }
                    }
                    None => {
                        self.emit(Op::Jmp, 0, 0, 0, top as i32);
                    }
                }
                self.pop_loop(step_pc);
                self.patch_here(&exits);
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
    pub(super) fn scoped_stmt(&mut self, s: &Stmt) -> CResult<()> {
        let level = self.open_scope();
        self.stmt(s)?;
        self.close_scope(level);
        Ok(())
    }

    pub(super) fn locals(&mut self, vars: &[crate::syntax::ast::LocalVar]) -> CResult<()> {
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

    /// A step that is one `AddI` on a register (`i++`, `i -= 2`) followed by the loop's
    /// test of that register against another operand, the jump `j` back to the top,
    /// become one `StepJ..` op.
    fn fuse_step(&mut self, step_pc: usize, j: usize) {
        let fs = self.fs();
        let (step, test) = (fs.code[step_pc], fs.code[j]);
        let Some(op) = test.op.with_step() else { return };
        let Ok(n) = i8::try_from(step.d) else { return };
        let tests_itself = test.b == test.a && !matches!(op, Op::StepJLtK | Op::StepJLeK | Op::StepJGtK | Op::StepJGeK);
        if j != step_pc + 1
            || j + 1 != fs.code.len()
            || step.op != Op::AddI
            || step.b != step.a
            || step.a != test.a
            || test.c != 1
            || tests_itself
        {
            return;
        }
        fs.code[step_pc] = Instr::new(op, test.a, test.b, n as u8, test.d);
        fs.code.pop();
        fs.lines.retain(|&(pc, _)| (pc as usize) < j);
        fs.files.retain(|(pc, _)| (*pc as usize) < j);
    }

    pub(super) fn push_loop(&mut self, is_switch: bool) {
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

    pub(super) fn pop_loop(&mut self, continue_target: usize) {
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

    pub(super) fn break_continue(&mut self, is_break: bool, span: Span) -> CResult<()> {
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

    pub(super) fn switch(
        &mut self,
        subject: &Expr,
        cases: &[SwitchCase],
        default: Option<&[Stmt]>,
        span: Span,
    ) -> CResult<()> {
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
    pub(super) fn jump_unless_equal(&mut self, s: u8, value: &Expr) -> CResult<usize> {
        if let Some(k) = self.small_const(value) {
            return Ok(self.emit(Op::JEqK, s, k, 0, 0));
        }
        let r = self.expr_any(value)?;
        Ok(self.emit(Op::JEq, s, r, 0, 0))
    }

    pub(super) fn return_stmt(&mut self, e: Option<&Expr>, span: Span) -> CResult<()> {
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

    pub(super) fn scalar(&mut self, s: &Scalar) -> Value {
        match s {
            Scalar::Int(i) => Value::Int(self.env.profile.wrap(*i)),
            Scalar::Float(f) => Value::Float(*f as f32),
            Scalar::Str(b) => Value::Str(self.intern(b)),
            Scalar::Bool(b) => Value::Bool(*b),
        }
    }

    pub(super) fn add_const(&mut self, name: &str, v: Value) {
        let k = self.name_value(name);
        let consts = self.env.consts;
        let heap = &mut *self.env.heap;
        heap.tables.get_mut(consts.0).insert(k, v, &heap.strings);
    }

    pub(super) fn enum_decl(&mut self, name: &Ident, members: &[(Ident, Scalar)]) {
        let mut t = crate::heap::table::Table::with_capacity(members.len());
        for (m, s) in members {
            let k = self.name_value(&m.name);
            let v = self.scalar(s);
            t.insert(k, v, &self.env.heap.strings);
        }
        let t = self.env.heap.alloc_table(t);
        self.add_const(&name.name, Value::Table(t));
    }

    pub(super) fn function_stmt(&mut self, path: &[Ident], func: &FunctionDef, span: Span) -> CResult<()> {
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

    pub(super) fn class_stmt(&mut self, target: &Expr, class: &ClassDef, span: Span) -> CResult<()> {
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
}
