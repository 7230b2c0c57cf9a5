//! A compact S-expression rendering (writing to a `String` cannot fail, hence the
//! ignored `write!` results) of the tree, for golden tests and
//! `impish check --ast`: it shows exactly how a program was grouped (`10\n- 4` is
//! `(- 10 4)`, `return\nx` is `(return)` then `x`) without the noise of spans.

use super::ast::*;
use super::depth::deeper;
use std::fmt::Write;

/// One line per top-level statement.
pub fn program(p: &Program) -> String {
    let mut out = String::new();
    for s in &p.body {
        stmt(&mut out, s);
        out.push('\n');
    }
    out
}

fn stmts(out: &mut String, body: &[Stmt]) {
    out.push('{');
    for (i, s) in body.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        stmt(out, s);
    }
    out.push('}');
}

fn opt_expr(out: &mut String, e: Option<&Expr>) {
    match e {
        Some(e) => expr(out, e),
        None => out.push('_'),
    }
}

fn locals(out: &mut String, vars: &[LocalVar]) {
    out.push_str("(local");
    for v in vars {
        let _ = write!(out, " {}", v.name.name);
        if let Some(init) = &v.init {
            out.push('=');
            expr(out, init);
        }
    }
    out.push(')');
}

fn scalar(out: &mut String, s: &Scalar) {
    let _ = match s {
        Scalar::Int(i) => write!(out, "{i}"),
        Scalar::Float(f) => write!(out, "{f:?}"),
        Scalar::Str(b) => write!(out, "\"{}\"", b.escape_ascii()),
        Scalar::Bool(b) => write!(out, "{b}"),
    };
}

fn stmt(out: &mut String, s: &Stmt) {
    deeper(|| stmt_inner(out, s))
}

fn stmt_inner(out: &mut String, s: &Stmt) {
    match &s.kind {
        StmtKind::Empty => out.push(';'),
        StmtKind::Expr(e) => expr(out, e),
        StmtKind::Local(vars) => locals(out, vars),
        StmtKind::LocalFunction { name, func } => {
            let _ = write!(out, "(local-function {} ", name.name);
            function(out, func);
            out.push(')');
        }
        StmtKind::Function { path, func } => {
            let names: Vec<&str> = path.iter().map(|i| &*i.name).collect();
            let _ = write!(out, "(function {} ", names.join("::"));
            function(out, func);
            out.push(')');
        }
        StmtKind::Class { target, class: c } => {
            out.push_str("(class ");
            expr(out, target);
            class(out, c);
            out.push(')');
        }
        StmtKind::Enum { name, members } => {
            let _ = write!(out, "(enum {}", name.name);
            for (n, v) in members {
                let _ = write!(out, " {}=", n.name);
                scalar(out, v);
            }
            out.push(')');
        }
        StmtKind::Const { name, value } => {
            let _ = write!(out, "(const {} ", name.name);
            scalar(out, value);
            out.push(')');
        }
        StmtKind::Block(body) => stmts(out, body),
        StmtKind::If { cond, then, otherwise } => {
            out.push_str("(if ");
            expr(out, cond);
            out.push(' ');
            stmt(out, then);
            if let Some(e) = otherwise {
                out.push_str(" else ");
                stmt(out, e);
            }
            out.push(')');
        }
        StmtKind::While { cond, body } => {
            out.push_str("(while ");
            expr(out, cond);
            out.push(' ');
            stmt(out, body);
            out.push(')');
        }
        StmtKind::DoWhile { body, cond } => {
            out.push_str("(do ");
            stmt(out, body);
            out.push_str(" while ");
            expr(out, cond);
            out.push(')');
        }
        StmtKind::For { init, cond, step, body } => {
            out.push_str("(for ");
            match init {
                Some(ForInit::Local(vars)) => locals(out, vars),
                Some(ForInit::Expr(e)) => expr(out, e),
                None => out.push('_'),
            }
            out.push(' ');
            opt_expr(out, cond.as_ref());
            out.push(' ');
            opt_expr(out, step.as_ref());
            out.push(' ');
            stmt(out, body);
            out.push(')');
        }
        StmtKind::Foreach { index, value, iterable, body } => {
            out.push_str("(foreach ");
            if let Some(i) = index {
                let _ = write!(out, "{} ", i.name);
            }
            let _ = write!(out, "{} in ", value.name);
            expr(out, iterable);
            out.push(' ');
            stmt(out, body);
            out.push(')');
        }
        StmtKind::Switch { subject, cases, default } => {
            out.push_str("(switch ");
            expr(out, subject);
            for case in cases {
                out.push_str(" (case ");
                expr(out, &case.value);
                out.push(' ');
                stmts(out, &case.body);
                out.push(')');
            }
            if let Some(d) = default {
                out.push_str(" (default ");
                stmts(out, d);
                out.push(')');
            }
            out.push(')');
        }
        StmtKind::Return(e) => keyword_with_value(out, "return", e.as_ref()),
        StmtKind::Yield(e) => keyword_with_value(out, "yield", e.as_ref()),
        StmtKind::Break => out.push_str("break"),
        StmtKind::Continue => out.push_str("continue"),
        StmtKind::Throw(e) => keyword_with_value(out, "throw", Some(e)),
        StmtKind::Try { body, catch_var, handler } => {
            out.push_str("(try ");
            stmt(out, body);
            let _ = write!(out, " catch {} ", catch_var.name);
            stmt(out, handler);
            out.push(')');
        }
    }
}

fn keyword_with_value(out: &mut String, keyword: &str, value: Option<&Expr>) {
    let _ = write!(out, "({keyword}");
    if let Some(e) = value {
        out.push(' ');
        expr(out, e);
    }
    out.push(')');
}

fn function(out: &mut String, f: &FunctionDef) {
    out.push_str("(fn");
    if let Some(env) = &f.bound_env {
        out.push_str(" [");
        expr(out, env);
        out.push(']');
    }
    out.push_str(" (");
    for (i, p) in f.params.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&p.name.name);
        if let Some(d) = &p.default {
            out.push('=');
            expr(out, d);
        }
    }
    if f.varargs {
        out.push_str(if f.params.is_empty() { "..." } else { " ..." });
    }
    out.push_str(") ");
    match &f.body {
        FunctionBody::Stmt(s) => stmt(out, s),
        FunctionBody::Lambda(e) => expr(out, e),
    }
    out.push(')');
}

fn class(out: &mut String, c: &ClassDef) {
    if let Some(base) = &c.base {
        out.push_str(" extends ");
        expr(out, base);
    }
    if let Some(attrs) = &c.attributes {
        out.push_str(" </");
        entries(out, attrs);
        out.push_str("/>");
    }
    out.push_str(" {");
    for (i, m) in c.members.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if let Some(attrs) = &m.attributes {
            out.push_str("</");
            entries(out, attrs);
            out.push_str("/>");
        }
        if m.is_static {
            out.push_str("static ");
        }
        entry(out, &m.entry);
    }
    out.push('}');
}

fn entries(out: &mut String, list: &[TableEntry]) {
    for (i, e) in list.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        entry(out, e);
    }
}

fn entry(out: &mut String, e: &TableEntry) {
    out.push('[');
    expr(out, &e.key);
    out.push_str("]=");
    expr(out, &e.value);
}

fn list(out: &mut String, head: &str, items: &[&Expr]) {
    let _ = write!(out, "({head}");
    for e in items {
        out.push(' ');
        expr(out, e);
    }
    out.push(')');
}

fn expr(out: &mut String, e: &Expr) {
    deeper(|| expr_inner(out, e))
}

fn expr_inner(out: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Null => out.push_str("null"),
        ExprKind::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        ExprKind::Int(i) => {
            let _ = write!(out, "{i}");
        }
        ExprKind::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        ExprKind::Str(s) => {
            let _ = write!(out, "\"{}\"", s.escape_ascii());
        }
        ExprKind::Ident(n) => out.push_str(n),
        ExprKind::This => out.push_str("this"),
        ExprKind::Base => out.push_str("base"),
        ExprKind::Root(n) => {
            let _ = write!(out, "::{n}");
        }
        ExprKind::Field { object, name } => {
            out.push_str("(. ");
            expr(out, object);
            let _ = write!(out, " {})", name.name);
        }
        ExprKind::Index { object, index } => list(out, "[]", &[object, index]),
        ExprKind::Call { callee, args } => {
            let items: Vec<&Expr> = std::iter::once(&**callee).chain(args).collect();
            list(out, "call", &items);
        }
        ExprKind::RawCall { args } => list(out, "rawcall", &args.iter().collect::<Vec<_>>()),
        ExprKind::PostCallInit { call, entries: init } => {
            out.push_str("(init ");
            expr(out, call);
            out.push(' ');
            entries(out, init);
            out.push(')');
        }
        ExprKind::Unary { op, operand } => {
            let head = match op {
                UnaryOp::Neg => "neg",
                UnaryOp::Not => "!",
                UnaryOp::BitNot => "~",
                UnaryOp::Typeof => "typeof",
                UnaryOp::Clone => "clone",
                UnaryOp::Resume => "resume",
            };
            list(out, head, &[operand]);
        }
        ExprKind::Delete(target) => list(out, "delete", &[target]),
        ExprKind::PreIncDec { delta, target } => list(out, if *delta > 0 { "++x" } else { "--x" }, &[target]),
        ExprKind::PostIncDec { delta, target } => list(out, if *delta > 0 { "x++" } else { "x--" }, &[target]),
        ExprKind::Binary { op, lhs, rhs } => list(out, binary_name(*op), &[lhs, rhs]),
        ExprKind::And(l, r) => list(out, "&&", &[l, r]),
        ExprKind::Or(l, r) => list(out, "||", &[l, r]),
        ExprKind::Ternary { cond, then, otherwise } => list(out, "?", &[cond, then, otherwise]),
        ExprKind::Assign { op, target, value } => {
            let head = match op {
                AssignOp::Set => "=",
                AssignOp::NewSlot => "<-",
                AssignOp::Add => "+=",
                AssignOp::Sub => "-=",
                AssignOp::Mul => "*=",
                AssignOp::Div => "/=",
                AssignOp::Mod => "%=",
            };
            list(out, head, &[target, value]);
        }
        ExprKind::Comma(items) => list(out, ",", &items.iter().collect::<Vec<_>>()),
        ExprKind::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                expr(out, item);
            }
            out.push(']');
        }
        ExprKind::Table(list) => {
            out.push('{');
            entries(out, list);
            out.push('}');
        }
        ExprKind::Function(f) => function(out, f),
        ExprKind::Class(c) => {
            out.push_str("(class");
            class(out, c);
            out.push(')');
        }
    }
}

fn binary_name(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
        BinaryOp::Eq => "==",
        BinaryOp::Ne => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::Cmp3 => "<=>",
        BinaryOp::BitAnd => "&",
        BinaryOp::BitOr => "|",
        BinaryOp::BitXor => "^",
        BinaryOp::Shl => "<<",
        BinaryOp::Shr => ">>",
        BinaryOp::UShr => ">>>",
        BinaryOp::In => "in",
        BinaryOp::InstanceOf => "instanceof",
    }
}
