//! Assignments and `++`/`--`: to locals, outers, slots (`a.b`, `a[k]`, `::g`), with
//! the arithmetic forms (`+=` ...).

use super::*;

impl Compiler<'_> {
    pub(super) fn assign(
        &mut self,
        op: AssignOp,
        target: &Expr,
        value: &Expr,
        dst: Option<u8>,
        span: Span,
    ) -> CResult<u8> {
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
    pub(super) fn slot_place(&mut self, target: &Expr) -> CResult<Option<(u8, SlotKey)>> {
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
    pub(super) fn needs_temp(&self, e: &Expr) -> bool {
        matches!(e.kind, ExprKind::Array(_) | ExprKind::Table(_) | ExprKind::Class(_) | ExprKind::PostCallInit { .. })
    }

    pub(super) fn value_reg(&mut self, dst: Option<u8>, span: Span) -> CResult<u8> {
        match dst {
            Some(d) if !self.is_local_reg(d) => Ok(d),
            _ => self.alloc_reg(span),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn slot_assign(
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
    pub(super) fn binary_on_reg(&mut self, op: BinaryOp, l: u8, value: &Expr, dst: u8) -> CResult<()> {
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

    pub(super) fn key_reg(&mut self, key: SlotKey, span: Span) -> CResult<u8> {
        Ok(match key {
            SlotKey::Reg(r) => r,
            SlotKey::Const(v) => {
                let r = self.alloc_reg(span)?;
                self.load_const(v, r);
                r
            }
        })
    }

    pub(super) fn emit_get(&mut self, dst: u8, obj: u8, key: SlotKey) {
        match key {
            SlotKey::Reg(k) => self.emit(Op::Get, dst, obj, k, 0),
            SlotKey::Const(v) => {
                let k = self.konst(v);
                self.emit(Op::GetK, dst, obj, 0, k as i32)
            }
        };
    }

    pub(super) fn emit_set(&mut self, obj: u8, key: SlotKey, v: u8) {
        match key {
            SlotKey::Reg(k) => self.emit(Op::Set, obj, k, v, 0),
            SlotKey::Const(kv) => {
                let k = self.konst(kv);
                self.emit(Op::SetK, obj, v, 0, k as i32)
            }
        };
    }

    pub(super) fn incdec(&mut self, delta: i8, target: &Expr, post: bool, dst: Option<u8>, span: Span) -> CResult<()> {
        // `x--` adds -1, as sq does: a string gets "-1" appended, an instance's `_add`
        // is called with -1, an error names `+`.
        let step = i32::from(delta.signum());
        match &target.kind {
            ExprKind::Ident(name) => match self.resolve(name) {
                Resolved::Local(r) => {
                    match (dst, post) {
                        (Some(d), true) => {
                            self.emit(Op::Move, d, r, 0, 0);
                            self.emit(Op::AddI, r, r, 0, step);
                        }
                        (Some(d), false) => {
                            self.emit(Op::AddI, r, r, 0, step);
                            self.emit(Op::Move, d, r, 0, 0);
                        }
                        (None, _) => {
                            self.emit(Op::AddI, r, r, 0, step);
                        }
                    }
                    Ok(())
                }
                Resolved::Outer(o) => {
                    let t = self.alloc_reg(span)?;
                    self.get_outer(t, o);
                    if let (Some(d), true) = (dst, post) {
                        self.emit(Op::Move, d, t, 0, 0);
                    }
                    self.emit(Op::AddI, t, t, 0, step);
                    self.emit(Op::SetOuter, o, t, 0, 0);
                    if let (Some(d), false) = (dst, post) {
                        self.emit(Op::Move, d, t, 0, 0);
                    }
                    Ok(())
                }
                Resolved::Const(_) => err(INCDEC_ERROR, span),
                Resolved::Global => {
                    let k = self.name_value(name);
                    self.slot_incdec(step, 0, SlotKey::Const(k), post, dst, span)
                }
            },
            _ => match self.slot_place(target)? {
                Some((o, k)) => self.slot_incdec(step, o, k, post, dst, span),
                None => err(INCDEC_ERROR, span),
            },
        }
    }

    pub(super) fn slot_incdec(
        &mut self,
        step: i32,
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
        self.emit(Op::AddI, t, t, 0, step);
        self.emit_set(obj, key, t);
        if let (Some(d), false) = (dst, post) {
            self.emit(Op::Move, d, t, 0, 0);
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
pub(super) enum SlotKey {
    Reg(u8),
    Const(Value),
}
