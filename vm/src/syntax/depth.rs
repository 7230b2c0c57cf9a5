//! A bound on the depth of the tree, checked without recursion.
//!
//! The compiler walks the tree recursively, and a tree of arbitrary depth would
//! overflow the Rust stack. Bracket nesting is already bounded by `layout`; this
//! bounds what needs no brackets (`- - - - x`, `a = b = c = ...`, `if (a) if (b) ...`).

use super::ast::*;

/// Deeper trees are refused.
pub const MAX_DEPTH: usize = 600;

#[derive(Clone, Copy)]
enum Node<'a> {
    Stmt(&'a Stmt),
    Expr(&'a Expr),
}

/// Returns the span of the first node found past the limit, if any.
pub fn check(program: &Program) -> Result<(), Span> {
    let mut pending: Vec<(Node<'_>, usize)> = program.body.iter().map(|s| (Node::Stmt(s), 1)).collect();
    while let Some((node, depth)) = pending.pop() {
        let span = match node {
            Node::Stmt(s) => s.span,
            Node::Expr(e) => e.span,
        };
        if depth > MAX_DEPTH {
            return Err(span);
        }
        let mut push = |child| pending.push((child, depth + 1));
        match node {
            Node::Stmt(s) => stmt_children(s, &mut push),
            Node::Expr(e) => expr_children(e, &mut push),
        }
    }
    Ok(())
}

fn stmt_children<'a>(s: &'a Stmt, push: &mut dyn FnMut(Node<'a>)) {
    match &s.kind {
        StmtKind::Empty | StmtKind::Break | StmtKind::Continue | StmtKind::Enum { .. } | StmtKind::Const { .. } => {}
        StmtKind::Expr(e) | StmtKind::Throw(e) => push(Node::Expr(e)),
        StmtKind::Return(e) | StmtKind::Yield(e) => e.iter().for_each(|e| push(Node::Expr(e))),
        StmtKind::Local(vars) => locals(vars, push),
        StmtKind::LocalFunction { func, .. } | StmtKind::Function { func, .. } => function(func, push),
        StmtKind::Class { target, class: c } => {
            push(Node::Expr(target));
            class(c, push);
        }
        StmtKind::Block(body) => body.iter().for_each(|s| push(Node::Stmt(s))),
        StmtKind::If { cond, then, otherwise } => {
            push(Node::Expr(cond));
            push(Node::Stmt(then));
            otherwise.iter().for_each(|s| push(Node::Stmt(s)));
        }
        StmtKind::While { cond, body } | StmtKind::DoWhile { body, cond } => {
            push(Node::Expr(cond));
            push(Node::Stmt(body));
        }
        StmtKind::For { init, cond, step, body } => {
            match init {
                Some(ForInit::Local(vars)) => locals(vars, push),
                Some(ForInit::Expr(e)) => push(Node::Expr(e)),
                None => {}
            }
            cond.iter().chain(step).for_each(|e| push(Node::Expr(e)));
            push(Node::Stmt(body));
        }
        StmtKind::Foreach { iterable, body, .. } => {
            push(Node::Expr(iterable));
            push(Node::Stmt(body));
        }
        StmtKind::Switch { subject, cases, default } => {
            push(Node::Expr(subject));
            for case in cases {
                push(Node::Expr(&case.value));
                case.body.iter().for_each(|s| push(Node::Stmt(s)));
            }
            default.iter().flatten().for_each(|s| push(Node::Stmt(s)));
        }
        StmtKind::Try { body, handler, .. } => {
            push(Node::Stmt(body));
            push(Node::Stmt(handler));
        }
    }
}

fn expr_children<'a>(e: &'a Expr, push: &mut dyn FnMut(Node<'a>)) {
    match &e.kind {
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Ident(_)
        | ExprKind::This
        | ExprKind::Base
        | ExprKind::Root(_) => {}
        ExprKind::Field { object, .. } => push(Node::Expr(object)),
        ExprKind::Unary { operand: inner, .. }
        | ExprKind::Delete(inner)
        | ExprKind::PreIncDec { target: inner, .. }
        | ExprKind::PostIncDec { target: inner, .. } => push(Node::Expr(inner)),
        ExprKind::Index { object: a, index: b }
        | ExprKind::Binary { lhs: a, rhs: b, .. }
        | ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Assign { target: a, value: b, .. } => {
            push(Node::Expr(a));
            push(Node::Expr(b));
        }
        ExprKind::Ternary { cond, then, otherwise } => {
            [cond, then, otherwise].into_iter().for_each(|e| push(Node::Expr(e)))
        }
        ExprKind::Call { callee, args } => {
            push(Node::Expr(callee));
            args.iter().for_each(|e| push(Node::Expr(e)));
        }
        ExprKind::RawCall { args } | ExprKind::Comma(args) | ExprKind::Array(args) => {
            args.iter().for_each(|e| push(Node::Expr(e)))
        }
        ExprKind::PostCallInit { call, entries: init } => {
            push(Node::Expr(call));
            entries(init, push);
        }
        ExprKind::Table(list) => entries(list, push),
        ExprKind::Function(f) => function(f, push),
        ExprKind::Class(c) => class(c, push),
    }
}

fn locals<'a>(vars: &'a [LocalVar], push: &mut dyn FnMut(Node<'a>)) {
    vars.iter().filter_map(|v| v.init.as_ref()).for_each(|e| push(Node::Expr(e)));
}

fn entries<'a>(list: &'a [TableEntry], push: &mut dyn FnMut(Node<'a>)) {
    for entry in list {
        push(Node::Expr(&entry.key));
        push(Node::Expr(&entry.value));
    }
}

fn function<'a>(f: &'a FunctionDef, push: &mut dyn FnMut(Node<'a>)) {
    let defaults = f.params.iter().filter_map(|p| p.default.as_ref());
    defaults.chain(f.bound_env.as_deref()).for_each(|e| push(Node::Expr(e)));
    match &f.body {
        FunctionBody::Stmt(s) => push(Node::Stmt(s)),
        FunctionBody::Lambda(e) => push(Node::Expr(e)),
    }
}

fn class<'a>(c: &'a ClassDef, push: &mut dyn FnMut(Node<'a>)) {
    c.base.iter().for_each(|e| push(Node::Expr(e)));
    entries(c.attributes.as_deref().unwrap_or_default(), push);
    for member in &c.members {
        push(Node::Expr(&member.entry.key));
        push(Node::Expr(&member.entry.value));
        entries(member.attributes.as_deref().unwrap_or_default(), push);
    }
}
