//! Expressions into registers: literals and folded constants, names, operators (with
//! the left-operand and concatenation-chain forms), conditions compiled to jumps, and
//! calls.

use super::*;

impl Compiler<'_> {
    /// A constant index usable in a `b` operand for literal expressions.
    pub(super) fn small_const(&mut self, e: &Expr) -> Option<u8> {
        let v = self.literal(e)?;
        let k = self.konst(v);
        (k < 256).then_some(k as u8)
    }

    /// The value of a literal or folded constant expression.
    pub(super) fn literal(&mut self, e: &Expr) -> Option<Value> {
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
    pub(super) fn enum_member(&mut self, object: &Expr, name: &Ident) -> Option<Value> {
        let ExprKind::Ident(e) = &object.kind else { return None };
        let Resolved::Const(Value::Table(t)) = self.resolve(e) else { return None };
        let k = self.name_value(&name.name);
        self.env.heap.tables.get(t.0).get(k, &self.env.heap.strings)
    }

    pub(super) fn load_const(&mut self, v: Value, dst: u8) {
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

    pub(super) fn is_local_reg(&mut self, r: u8) -> bool {
        self.fs().locals.iter().any(|l| l.reg == r)
    }

    /// Evaluates `e` for its side effects only.
    pub(super) fn expr_effect(&mut self, e: &Expr) -> CResult<()> {
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
    pub(super) fn expr_any(&mut self, e: &Expr) -> CResult<u8> {
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
    pub(super) fn local_reg_of(&mut self, e: &Expr) -> Option<u8> {
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
    pub(super) fn expr_to(&mut self, e: &Expr, dst: u8) -> CResult<()> {
        let mark = self.top();
        deeper(|| self.expr_to_inner(e, dst))?;
        if self.top() > mark {
            self.free_to(mark);
        }
        Ok(())
    }

    pub(super) fn expr_to_inner(&mut self, e: &Expr, dst: u8) -> CResult<()> {
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
                Resolved::Outer(o) => self.get_outer(dst, o),
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
    pub(super) fn left_reg(&mut self, left: &Expr, dst: u8) -> CResult<u8> {
        if self.local_reg_of(left).is_some() || matches!(left.kind, ExprKind::This) || self.is_local_reg(dst) {
            return self.expr_any(left);
        }
        self.expr_to(left, dst)?;
        Ok(dst)
    }

    pub(super) fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, dst: u8) -> CResult<()> {
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
    pub(super) fn add_chain(&mut self, lhs: &Expr, rhs: &Expr, dst: u8) -> CResult<()> {
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
    pub(super) fn plain_operand(&mut self, e: &Expr) -> Option<(u8, u8, i32)> {
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
    pub(super) fn emit_binary(&mut self, rop: Op, kop: Option<Op>, dst: u8, l: u8, rhs: &Expr) -> CResult<()> {
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
    pub(super) fn bit_test<'e>(&mut self, e: &'e Expr) -> Option<(&'e Expr, u8)> {
        let ExprKind::Binary { op: BinaryOp::BitAnd, lhs, rhs } = &e.kind else { return None };
        if !matches!(self.literal(rhs), Some(Value::Int(_))) {
            return None;
        }
        Some((lhs, self.small_const(rhs)?))
    }

    /// Emits code that jumps when the truthiness of `e` equals `when`; returns the jumps.
    pub(super) fn cond_jump(&mut self, e: &Expr, when: bool) -> CResult<Vec<usize>> {
        deeper(|| self.cond_jump_inner(e, when))
    }

    pub(super) fn cond_jump_inner(&mut self, e: &Expr, when: bool) -> CResult<Vec<usize>> {
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
    pub(super) fn call_setup(&mut self, callee: &Expr, args: &[Expr], dst: Option<u8>, span: Span) -> CResult<u8> {
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
    pub(super) fn callee_value(&mut self, callee: &Expr, t: u8, span: Span) -> CResult<()> {
        self.expr_to(callee, t)?;
        let this = self.alloc_reg(span)?;
        self.emit(Op::Move, this, 0, 0, 0);
        Ok(())
    }
}
