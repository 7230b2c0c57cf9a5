//! A bound on the depth of the tree, checked without recursion.
//!
//! The compiler walks the tree recursively, and a tree of arbitrary depth would
//! overflow the Rust stack; bracket nesting is already bounded by `layout`, this bounds
//! chains that need no brackets (`- - - - x`, `a = b = c = ...`).

use super::ast::*;

/// Deeper trees are refused.
pub const MAX_DEPTH: usize = 600;

/// Returns the span of a node past the limit, if any.
pub fn check(program: &Program) -> Result<(), Span> {
    let mut stack: Vec<(Node<'_>, usize)> = program.body.iter().map(|s| (Node::Stmt(s), 1)).collect();
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(node.span());
        }
        node.for_each_child(|child| stack.push((child, depth + 1)));
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Node<'a> {
    Stmt(&'a Stmt),
    Expr(&'a Expr),
}

impl<'a> Node<'a> {
    fn span(self) -> Span {
        match self {
            Node::Stmt(s) => s.span,
            Node::Expr(e) => e.span,
        }
    }

    fn for_each_child(self, mut visit: impl FnMut(Node<'a>)) {
        let mut expr = |e: &'a Expr| visit(Node::Expr(e));
        match self {
            Node::Stmt(s) => stmt_children(s, &mut expr),
            Node::Expr(e) => expr_children(e, &mut expr),
        }
    }
}

/// Statements are visited through the expressions and statements they hold; nested
/// statements arrive wrapped as function bodies would, so one visitor serves both.
fn stmt_children<'a>(s: &'a Stmt, visit: &mut dyn FnMut(&'a Expr)) {
    let mut stmts: Vec<&'a Stmt> = vec![s];
    while let Some(s) = stmts.pop() {
        match &s.kind {
            StmtKind::Empty | StmtKind::Break | StmtKind::Continue => {}
            StmtKind::Expr(e) | StmtKind::Throw(e) => visit(e),
            StmtKind::Return(e) | StmtKind::Yield(e) => e.iter().for_each(&mut *visit),
            StmtKind::Local(vars) => vars.iter().filter_map(|v| v.init.as_ref()).for_each(&mut *visit),
            StmtKind::LocalFunction { func, .. } | StmtKind::Function { func, .. } => {
                function_children(func, visit, &mut stmts)
            }
            StmtKind::Class { target, class } => {
                visit(target);
                class_children(class, visit);
            }
            StmtKind::Enum { .. } | StmtKind::Const { .. } => {}
            StmtKind::Block(body) => stmts.extend(body),
            StmtKind::If { cond, then, otherwise } => {
                visit(cond);
                stmts.push(then);
                stmts.extend(otherwise.as_deref());
            }
            StmtKind::While { cond, body } | StmtKind::DoWhile { body, cond } => {
                visit(cond);
                stmts.push(body);
            }
            StmtKind::For { init, cond, step, body } => {
                match init {
                    Some(ForInit::Local(vars)) => {
                        vars.iter().filter_map(|v| v.init.as_ref()).for_each(&mut *visit)
                    }
                    Some(ForInit::Expr(e)) => visit(e),
                    None => {}
                }
                cond.iter().chain(step).for_each(&mut *visit);
                stmts.push(body);
            }
            StmtKind::Foreach { iterable, body, .. } => {
                visit(iterable);
                stmts.push(body);
            }
            StmtKind::Switch { subject, cases, default } => {
                visit(subject);
                for case in cases {
                    visit(&case.value);
                    stmts.extend(&case.body);
                }
                stmts.extend(default.iter().flatten());
            }
            StmtKind::Try { body, handler, .. } => {
                stmts.push(body);
                stmts.push(handler);
            }
        }
    }
}

fn function_children<'a>(f: &'a FunctionDef, visit: &mut dyn FnMut(&'a Expr), stmts: &mut Vec<&'a Stmt>) {
    f.params.iter().filter_map(|p| p.default.as_ref()).for_each(&mut *visit);
    f.bound_env.iter().for_each(|e| visit(e));
    match &f.body {
        FunctionBody::Stmt(s) => stmts.push(s),
        FunctionBody::Lambda(e) => visit(e),
    }
}

fn class_children<'a>(c: &'a ClassDef, visit: &mut dyn FnMut(&'a Expr)) {
    c.base.iter().for_each(&mut *visit);
    for entry in c.attributes.iter().flatten() {
        visit(&entry.key);
        visit(&entry.value);
    }
    for member in &c.members {
        visit(&member.entry.key);
        visit(&member.entry.value);
        for entry in member.attributes.iter().flatten() {
            visit(&entry.key);
            visit(&entry.value);
        }
    }
}

fn expr_children<'a>(e: &'a Expr, visit: &mut dyn FnMut(&'a Expr)) {
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
        ExprKind::Field { object, .. } => visit(object),
        ExprKind::Index { object, index } => {
            visit(object);
            visit(index);
        }
        ExprKind::Call { callee, args } => {
            visit(callee);
            args.iter().for_each(&mut *visit);
        }
        ExprKind::RawCall { args } | ExprKind::Comma(args) | ExprKind::Array(args) => {
            args.iter().for_each(&mut *visit)
        }
        ExprKind::PostCallInit { call, entries } => {
            visit(call);
            entries.iter().for_each(|t| {
                visit(&t.key);
                visit(&t.value);
            });
        }
        ExprKind::Table(entries) => entries.iter().for_each(|t| {
            visit(&t.key);
            visit(&t.value);
        }),
        ExprKind::Unary { operand, .. } => visit(operand),
        ExprKind::Delete(target)
        | ExprKind::PreIncDec { target, .. }
        | ExprKind::PostIncDec { target, .. } => visit(target),
        ExprKind::Binary { lhs, rhs, .. }
        | ExprKind::And(lhs, rhs)
        | ExprKind::Or(lhs, rhs)
        | ExprKind::Assign { target: lhs, value: rhs, .. } => {
            visit(lhs);
            visit(rhs);
        }
        ExprKind::Ternary { cond, then, otherwise } => {
            visit(cond);
            visit(then);
            visit(otherwise);
        }
        ExprKind::Function(f) => {
            // A function body's statements count as one level below the function.
            f.params.iter().filter_map(|p| p.default.as_ref()).for_each(&mut *visit);
            f.bound_env.iter().for_each(|e| visit(e));
            match &f.body {
                FunctionBody::Stmt(s) => stmt_children(s, visit),
                FunctionBody::Lambda(body) => visit(body),
            }
        }
        ExprKind::Class(c) => class_children(c, visit),
    }
}
