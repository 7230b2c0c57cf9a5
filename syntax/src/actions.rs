//! Semantic actions the grammar calls: building nodes and the checks the reference
//! compiler makes while it parses ("can't assign expression", parameter rules, ...).

use super::ast::*;
use super::source::SourceMap;
use super::token::{Dialect, Num};
use lalrpop_util::ParseError;
use std::borrow::Cow;

/// What the grammar needs to know beyond the tokens: where `__LINE__` and `__FILE__`
/// are, and which syntax the dialect has.
pub struct Context<'s> {
    pub map: &'s SourceMap,
    pub dialect: Dialect,
}

impl Context<'_> {
    pub fn line_of(&self, offset: usize) -> u32 {
        self.map.position(offset as u32).line
    }

    pub fn file_of(&self, offset: usize) -> Box<[u8]> {
        self.map.position(offset as u32).file.as_bytes().into()
    }
}

/// An error found by an action, at the offset where the reference lexer stands then.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub message: Cow<'static, str>,
    pub offset: usize,
    /// The reference finds this error only once it has read the token after `offset`,
    /// so it reports the end of that token (which the action cannot see).
    pub after_next_token: bool,
}

/// An action's result; `T` is the parser's token type.
type Fallible<R, T> = Result<R, ParseError<usize, T, SyntaxError>>;

pub fn error<T>(message: &'static str, offset: usize) -> ParseError<usize, T, SyntaxError> {
    ParseError::User { error: SyntaxError { message: Cow::Borrowed(message), offset, after_next_token: false } }
}

pub fn stmt(lo: usize, hi: usize, kind: StmtKind) -> Stmt {
    Stmt { kind, span: Span::new(lo, hi) }
}

pub fn expr(lo: usize, hi: usize, kind: ExprKind) -> Expr {
    Expr { kind, span: Span::new(lo, hi) }
}

pub fn number(lo: usize, hi: usize, n: Num) -> Expr {
    expr(
        lo,
        hi,
        match n {
            Num::Int(i) => ExprKind::Int(i),
            Num::Float(f) => ExprKind::Float(f),
        },
    )
}

pub fn scalar_num(n: Num, negate: bool) -> Scalar {
    match (n, negate) {
        (Num::Int(i), false) => Scalar::Int(i),
        (Num::Int(i), true) => Scalar::Int(i.wrapping_neg()),
        (Num::Float(f), false) => Scalar::Float(f),
        (Num::Float(f), true) => Scalar::Float(-f),
    }
}

/// Implicit enum values count 0, 1, 2, ... over the members without an explicit value.
pub fn enum_values(members: Vec<(Ident, Option<Scalar>)>) -> Vec<(Ident, Scalar)> {
    let mut next = 0;
    members
        .into_iter()
        .map(|(name, value)| {
            let value = value.unwrap_or_else(|| {
                next += 1;
                Scalar::Int(next - 1)
            });
            (name, value)
        })
        .collect()
}

pub fn binary(lo: usize, hi: usize, op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    expr(lo, hi, ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) })
}

pub fn unary(lo: usize, hi: usize, op: UnaryOp, operand: Expr) -> Expr {
    expr(lo, hi, ExprKind::Unary { op, operand: Box::new(operand) })
}

pub fn comma(lo: usize, hi: usize, first: Expr, rest: Vec<Expr>) -> Expr {
    let mut all = Vec::with_capacity(rest.len() + 1);
    all.push(first);
    all.extend(rest);
    expr(lo, hi, ExprKind::Comma(all))
}

/// `(place)` is a value, not a place: `(a) = 1` is "can't assign expression". A
/// one-element comma expression evaluates to its element and is never assignable.
pub fn parenthesized(lo: usize, hi: usize, inner: Expr) -> Expr {
    if is_place(&inner) {
        expr(lo, hi, ExprKind::Comma(vec![inner]))
    } else {
        inner
    }
}

fn is_place(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Ident(_)
            | ExprKind::Field { .. }
            | ExprKind::Index { .. }
            | ExprKind::Root(_)
            | ExprKind::Base
            | ExprKind::This
    )
}

/// `++e`, `--e`, `e++`, `e--`: only a place can be stepped.
pub fn incdec<T>(lo: usize, hi: usize, delta: i8, target: Expr, post: bool) -> Fallible<Expr, T> {
    if !is_place(&target) {
        let error = SyntaxError { message: Cow::Borrowed(INCDEC_ERROR), offset: hi, after_next_token: true };
        return Err(ParseError::User { error });
    }
    let target = Box::new(target);
    Ok(expr(lo, hi, if post { ExprKind::PostIncDec { delta, target } } else { ExprKind::PreIncDec { delta, target } }))
}

/// The reference's message for stepping what is not a place (also a constant's name).
pub const INCDEC_ERROR: &str = "can't '++' or '--' an expression";

pub fn assign<T>(lo: usize, hi: usize, op: AssignOp, target: Expr, value: Expr, op_end: usize) -> Fallible<Expr, T> {
    match target.kind {
        ExprKind::Base => return Err(error("'base' cannot be modified", op_end)),
        _ if !is_place(&target) => return Err(error("can't assign expression", op_end)),
        _ => {}
    }
    Ok(expr(lo, hi, ExprKind::Assign { op, target: Box::new(target), value: Box::new(value) }))
}

/// `object[index]`; a `[` that starts a line cannot index the line before.
pub fn index<T>(
    lo: usize,
    hi: usize,
    object: Expr,
    (after_newline, bracket_at): (bool, usize),
    index: Expr,
) -> Fallible<Expr, T> {
    if after_newline {
        return Err(error("cannot break deref/or comma needed after [exp]=exp slot declaration", bracket_at + 1));
    }
    Ok(expr(lo, hi, ExprKind::Index { object: Box::new(object), index: Box::new(index) }))
}

pub fn rawcall<T>(lo: usize, hi: usize, args: Vec<Expr>) -> Fallible<Expr, T> {
    if args.len() < 2 {
        return Err(error("rawcall requires at least 2 parameters (callee and this)", hi));
    }
    Ok(expr(lo, hi, ExprKind::RawCall { args }))
}

/// Checks the parameter rules: once one has a default, all that follow need one, and
/// defaults exclude `...`.
pub fn params<T>(params: Vec<Param>, varargs_at: Option<usize>) -> Fallible<(Vec<Param>, bool), T> {
    let mut seen_default = false;
    for p in &params {
        match p.default {
            Some(_) => seen_default = true,
            None if seen_default => return Err(error("expected '='", p.name.span.hi as usize + 1)),
            None => {}
        }
    }
    if let Some(at) = varargs_at {
        if seen_default {
            return Err(error("function with default parameters cannot have variable number of parameters", at + 3));
        }
    }
    Ok((params, varargs_at.is_some()))
}

pub fn function(
    name: Option<&str>,
    bound_env: Option<Expr>,
    (params, varargs, body): (Vec<Param>, bool, Vec<Stmt>),
    lo: usize,
    hi: usize,
) -> FunctionDef {
    let body = stmt(lo, hi, StmtKind::Block(body));
    FunctionDef {
        name: name.map(Into::into),
        params,
        varargs,
        bound_env: bound_env.map(Box::new),
        body: FunctionBody::Stmt(Box::new(body)),
        span: Span::new(lo, hi),
    }
}

/// `function name() {}` or `constructor() {}` inside a table or class body.
pub fn method(
    name: Ident,
    bound_env: Option<Expr>,
    rest: (Vec<Param>, bool, Vec<Stmt>),
    lo: usize,
    hi: usize,
) -> TableEntry {
    let func = function(Some(&name.name), bound_env, rest, lo, hi);
    let key = Expr { kind: ExprKind::Str(name.name.as_bytes().into()), span: name.span };
    TableEntry { key, value: expr(lo, hi, ExprKind::Function(Box::new(func))) }
}

pub fn lambda(
    lo: usize,
    hi: usize,
    bound_env: Option<Expr>,
    (params, varargs): (Vec<Param>, bool),
    body: Expr,
) -> Expr {
    let func = FunctionDef {
        name: None,
        params,
        varargs,
        bound_env: bound_env.map(Box::new),
        body: FunctionBody::Lambda(Box::new(body)),
        span: Span::new(lo, hi),
    };
    expr(lo, hi, ExprKind::Function(Box::new(func)))
}

pub fn for_stmt(
    lo: usize,
    hi: usize,
    (init, cond, step): (Option<ForInit>, Option<Expr>, Option<Expr>),
    body: Stmt,
) -> Stmt {
    stmt(lo, hi, StmtKind::For { init, cond, step, body: Box::new(body) })
}

pub fn foreach_stmt(lo: usize, hi: usize, (index, value, iterable): (Option<Ident>, Ident, Expr), body: Stmt) -> Stmt {
    stmt(lo, hi, StmtKind::Foreach { index, value, iterable, body: Box::new(body) })
}

pub fn try_stmt(lo: usize, hi: usize, (body, catch_var): (Stmt, Ident), handler: Stmt) -> Stmt {
    stmt(lo, hi, StmtKind::Try { body: Box::new(body), catch_var, handler: Box::new(handler) })
}

/// `function[env](...)`: a 3.2 form; 3.0.4 expects the parameter list after `function`.
pub fn bound_env<T>(ctx: &Context<'_>, bracket_at: usize, env: Expr) -> Fallible<Expr, T> {
    match ctx.dialect {
        Dialect::Imp => Err(error("expected '('", bracket_at + 1)),
        Dialect::Squirrel32 => Ok(env),
    }
}

/// `call { slot = value }`: a 3.2 form; 3.0.4 ends the statement before the `{`.
pub fn post_call_init<T>(
    ctx: &Context<'_>,
    (lo, hi): (usize, usize),
    call: Expr,
    brace_at: usize,
    entries: Vec<TableEntry>,
) -> Fallible<Expr, T> {
    match ctx.dialect {
        Dialect::Imp => Err(error("end of statement expected (; or lf)", brace_at + 1)),
        Dialect::Squirrel32 => Ok(expr(lo, hi, ExprKind::PostCallInit { call: Box::new(call), entries })),
    }
}
