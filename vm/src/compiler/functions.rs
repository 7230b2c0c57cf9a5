//! Function and class bodies: a nested `FuncState` per function, default values,
//! bound environments, class members and their attributes.

use super::*;

impl Compiler<'_> {
    pub(super) fn function(&mut self, f: &FunctionDef, dst: u8) -> CResult<()> {
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

    pub(super) fn class(&mut self, c: &ClassDef, dst: u8) -> CResult<()> {
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

    pub(super) fn attr_table(&mut self, entries: &[TableEntry]) -> CResult<u8> {
        let span = entries.first().map_or(Span::default(), |e| e.key.span);
        let r = self.alloc_reg(span)?;
        let e = Expr { kind: ExprKind::Table(entries.to_vec()), span };
        self.expr_to(&e, r)?;
        Ok(r)
    }
}
