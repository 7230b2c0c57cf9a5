//! The direct children of a tree node, by reference (`by_ref`) or mutably (`by_mut`),
//! for the passes that must not recurse on the Rust stack however deep the tree is:
//! the depth bound (`depth`) and dropping a tree (`Drop for Expr` and `Stmt`).

use super::ast::*;

/// Both visitors come from this one text, so they cannot disagree on what a child is.
macro_rules! visitors {
    ($($m:ident)?) => {
        /// A child of a node.
        pub enum Child<'a> {
            Expr(&'a $($m)? Expr),
            Stmt(&'a $($m)? Stmt),
        }

        /// Calls `push` on each direct child of `node`.
        pub fn children<'a>(node: Child<'a>, push: &mut dyn FnMut(Child<'a>)) {
            match node {
                Child::Stmt(s) => stmt_children(s, push),
                Child::Expr(e) => expr_children(e, push),
            }
        }

        fn stmt_children<'a>(s: &'a $($m)? Stmt, push: &mut dyn FnMut(Child<'a>)) {
            match & $($m)? s.kind {
                StmtKind::Empty
                | StmtKind::Break
                | StmtKind::Continue
                | StmtKind::Enum { .. }
                | StmtKind::Const { .. } => {}
                StmtKind::Expr(e) | StmtKind::Throw(e) => push(Child::Expr(e)),
                StmtKind::Return(e) | StmtKind::Yield(e) => optional(e, push),
                StmtKind::Local(vars) => locals(vars, push),
                StmtKind::LocalFunction { func, .. } | StmtKind::Function { func, .. } => function(func, push),
                StmtKind::Class { target, class: c } => {
                    push(Child::Expr(target));
                    class(c, push);
                }
                StmtKind::Block(body) => statements(body, push),
                StmtKind::If { cond, then, otherwise } => {
                    push(Child::Expr(cond));
                    push(Child::Stmt(then));
                    if let Some(s) = otherwise {
                        push(Child::Stmt(s));
                    }
                }
                StmtKind::While { cond, body } | StmtKind::DoWhile { body, cond } => {
                    push(Child::Expr(cond));
                    push(Child::Stmt(body));
                }
                StmtKind::For { init, cond, step, body } => {
                    match init {
                        Some(ForInit::Local(vars)) => locals(vars, push),
                        Some(ForInit::Expr(e)) => push(Child::Expr(e)),
                        None => {}
                    }
                    optional(cond, push);
                    optional(step, push);
                    push(Child::Stmt(body));
                }
                StmtKind::Foreach { iterable, body, .. } => {
                    push(Child::Expr(iterable));
                    push(Child::Stmt(body));
                }
                StmtKind::Switch { subject, cases, default } => {
                    push(Child::Expr(subject));
                    for case in cases {
                        push(Child::Expr(& $($m)? case.value));
                        statements(& $($m)? case.body, push);
                    }
                    if let Some(body) = default {
                        statements(body, push);
                    }
                }
                StmtKind::Try { body, handler, .. } => {
                    push(Child::Stmt(body));
                    push(Child::Stmt(handler));
                }
            }
        }

        fn expr_children<'a>(e: &'a $($m)? Expr, push: &mut dyn FnMut(Child<'a>)) {
            match & $($m)? e.kind {
                ExprKind::Null
                | ExprKind::Bool(_)
                | ExprKind::Int(_)
                | ExprKind::Float(_)
                | ExprKind::Str(_)
                | ExprKind::Ident(_)
                | ExprKind::This
                | ExprKind::Base
                | ExprKind::Root(_) => {}
                ExprKind::Field { object: inner, .. }
                | ExprKind::Unary { operand: inner, .. }
                | ExprKind::Delete(inner)
                | ExprKind::PreIncDec { target: inner, .. }
                | ExprKind::PostIncDec { target: inner, .. } => push(Child::Expr(inner)),
                ExprKind::Index { object: a, index: b }
                | ExprKind::Binary { lhs: a, rhs: b, .. }
                | ExprKind::And(a, b)
                | ExprKind::Or(a, b)
                | ExprKind::Assign { target: a, value: b, .. } => {
                    push(Child::Expr(a));
                    push(Child::Expr(b));
                }
                ExprKind::Ternary { cond, then, otherwise } => {
                    push(Child::Expr(cond));
                    push(Child::Expr(then));
                    push(Child::Expr(otherwise));
                }
                ExprKind::Call { callee, args } => {
                    push(Child::Expr(callee));
                    expressions(args, push);
                }
                ExprKind::RawCall { args } | ExprKind::Comma(args) | ExprKind::Array(args) => {
                    expressions(args, push)
                }
                ExprKind::PostCallInit { call, entries: init } => {
                    push(Child::Expr(call));
                    entries(init, push);
                }
                ExprKind::Table(list) => entries(list, push),
                ExprKind::Function(f) => function(f, push),
                ExprKind::Class(c) => class(c, push),
            }
        }

        fn optional<'a>(e: &'a $($m)? Option<Expr>, push: &mut dyn FnMut(Child<'a>)) {
            if let Some(e) = e {
                push(Child::Expr(e));
            }
        }

        fn expressions<'a>(list: &'a $($m)? [Expr], push: &mut dyn FnMut(Child<'a>)) {
            for e in list {
                push(Child::Expr(e));
            }
        }

        fn statements<'a>(list: &'a $($m)? [Stmt], push: &mut dyn FnMut(Child<'a>)) {
            for s in list {
                push(Child::Stmt(s));
            }
        }

        fn locals<'a>(vars: &'a $($m)? [LocalVar], push: &mut dyn FnMut(Child<'a>)) {
            for var in vars {
                optional(& $($m)? var.init, push);
            }
        }

        fn entries<'a>(list: &'a $($m)? [TableEntry], push: &mut dyn FnMut(Child<'a>)) {
            for entry in list {
                push(Child::Expr(& $($m)? entry.key));
                push(Child::Expr(& $($m)? entry.value));
            }
        }

        fn attributes<'a>(list: &'a $($m)? Option<Vec<TableEntry>>, push: &mut dyn FnMut(Child<'a>)) {
            if let Some(list) = list {
                entries(list, push);
            }
        }

        fn function<'a>(f: &'a $($m)? FunctionDef, push: &mut dyn FnMut(Child<'a>)) {
            for param in & $($m)? f.params {
                optional(& $($m)? param.default, push);
            }
            if let Some(env) = & $($m)? f.bound_env {
                push(Child::Expr(env));
            }
            match & $($m)? f.body {
                FunctionBody::Stmt(s) => push(Child::Stmt(s)),
                FunctionBody::Lambda(e) => push(Child::Expr(e)),
            }
        }

        fn class<'a>(c: &'a $($m)? ClassDef, push: &mut dyn FnMut(Child<'a>)) {
            if let Some(base) = & $($m)? c.base {
                push(Child::Expr(base));
            }
            attributes(& $($m)? c.attributes, push);
            for member in & $($m)? c.members {
                push(Child::Expr(& $($m)? member.entry.key));
                push(Child::Expr(& $($m)? member.entry.value));
                attributes(& $($m)? member.attributes, push);
            }
        }
    };
}

pub mod by_ref {
    use super::*;
    visitors!();
}

pub mod by_mut {
    use super::*;
    visitors!(mut);
}

/// A node taken out of the tree, to be dropped once its children are taken out too.
enum Detached {
    Expr(Expr),
    Stmt(Stmt),
}

/// Takes every descendant of `node` out of it, one level at a time onto a heap stack,
/// so that dropping each one recurses no deeper than its (now empty) children.
pub fn dismantle(node: by_mut::Child<'_>) {
    let mut pending = Vec::new();
    detach_children(node, &mut pending);
    while let Some(mut node) = pending.pop() {
        let child = match &mut node {
            Detached::Expr(e) => by_mut::Child::Expr(e),
            Detached::Stmt(s) => by_mut::Child::Stmt(s),
        };
        detach_children(child, &mut pending);
    }
}

fn detach_children(node: by_mut::Child<'_>, pending: &mut Vec<Detached>) {
    by_mut::children(node, &mut |child| match child {
        by_mut::Child::Expr(e) if !matches!(e.kind, ExprKind::Null) => {
            pending.push(Detached::Expr(std::mem::replace(e, Expr::PLACEHOLDER)))
        }
        by_mut::Child::Stmt(s) if !matches!(s.kind, StmtKind::Empty) => {
            pending.push(Detached::Stmt(std::mem::replace(s, Stmt::PLACEHOLDER)))
        }
        _ => {}
    });
}
