//! The abstract syntax tree: what the parser produces and the compiler consumes.
//!
//! The tree is deliberately close to the source: identifiers are not resolved
//! (local, free variable, constant or global is the compiler's business), and every
//! node keeps the byte span it came from so the compiler can report errors and emit
//! line information. Literal values are already decoded (escapes, number bases,
//! `__LINE__`, `__FILE__`, negative literals in `const`/`enum`).

/// A byte range in the parsed source; `SourceMap` turns it into file, line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub lo: u32,
    pub hi: u32,
}

impl Span {
    pub fn new(lo: usize, hi: usize) -> Span {
        Span { lo: lo as u32, hi: hi as u32 }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { lo: self.lo.min(other.lo), hi: self.hi.max(other.hi) }
    }
}

/// A name as written in the source, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: Box<str>,
    pub span: Span,
}

/// A parsed compilation unit: the body of the implicit `main` function.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

impl Stmt {
    /// What stands in a node's place once it is taken out of the tree.
    pub const PLACEHOLDER: Stmt = Stmt { kind: StmtKind::Empty, span: Span { lo: 0, hi: 0 } };
}

/// A tree of any depth drops without recursing on the Rust stack.
impl Drop for Stmt {
    fn drop(&mut self) {
        super::walk::dismantle(super::walk::by_mut::Child::Stmt(self));
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `;`
    Empty,
    /// An expression (or comma expression) evaluated for its effect.
    Expr(Expr),
    /// `local a = 1, b` — later initialisers see earlier names.
    Local(Vec<LocalVar>),
    /// `local function f() {}` — `f` is not visible inside its own body.
    LocalFunction {
        name: Ident,
        func: Box<FunctionDef>,
    },
    /// `function a::b::f() {}` — a new slot in `this` (or the path's last table).
    Function {
        path: Vec<Ident>,
        func: Box<FunctionDef>,
    },
    /// `class a.B extends C {}` — `target` is the slot expression that receives the class.
    Class {
        target: Expr,
        class: Box<ClassDef>,
    },
    /// `enum E { A, B = 5 }`; implicit values are already filled in.
    Enum {
        name: Ident,
        members: Vec<(Ident, Scalar)>,
    },
    /// `const NAME = scalar`
    Const {
        name: Ident,
        value: Scalar,
    },
    /// `{ ... }`, a new scope.
    Block(Vec<Stmt>),
    If {
        cond: Expr,
        then: Box<Stmt>,
        otherwise: Option<Box<Stmt>>,
    },
    While {
        cond: Expr,
        body: Box<Stmt>,
    },
    DoWhile {
        body: Box<Stmt>,
        cond: Expr,
    },
    For {
        init: Option<ForInit>,
        cond: Option<Expr>,
        step: Option<Expr>,
        body: Box<Stmt>,
    },
    Foreach {
        index: Option<Ident>,
        value: Ident,
        iterable: Expr,
        body: Box<Stmt>,
    },
    Switch {
        subject: Expr,
        cases: Vec<SwitchCase>,
        default: Option<Vec<Stmt>>,
    },
    Return(Option<Expr>),
    Yield(Option<Expr>),
    Break,
    Continue,
    Throw(Expr),
    Try {
        body: Box<Stmt>,
        catch_var: Ident,
        handler: Box<Stmt>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct LocalVar {
    pub name: Ident,
    pub init: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ForInit {
    Local(Vec<LocalVar>),
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SwitchCase {
    pub value: Expr,
    pub body: Vec<Stmt>,
}

/// A compile-time constant: the value of a `const` or an enum member.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Int(i64),
    Float(f64),
    Str(Box<[u8]>),
    Bool(bool),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    /// What stands in a node's place once it is taken out of the tree.
    pub const PLACEHOLDER: Expr = Expr { kind: ExprKind::Null, span: Span { lo: 0, hi: 0 } };
}

/// A tree of any depth drops without recursing on the Rust stack.
impl Drop for Expr {
    fn drop(&mut self) {
        super::walk::dismantle(super::walk::by_mut::Child::Expr(self));
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    /// Integer literals wrap as the reference lexes them (unsigned, 64-bit).
    Int(i64),
    /// Float literals as `strtod` reads them; the compiler narrows to the VM's float.
    Float(f64),
    /// String bytes after escape processing (may hold any byte, including `\0`).
    Str(Box<[u8]>),
    /// A bare name: local, free variable, constant, `this.name` or a root-table slot.
    Ident(Box<str>),
    This,
    /// `base` inside a method.
    Base,
    /// `::name`, a root-table slot.
    Root(Box<str>),
    /// `object.name`
    Field {
        object: Box<Expr>,
        name: Ident,
    },
    /// `object[index]`
    Index {
        object: Box<Expr>,
        index: Box<Expr>,
    },
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `rawcall(f, this, args...)`
    RawCall {
        args: Vec<Expr>,
    },
    /// The 3.2 post-call initializer `call { slot = value, ... }`.
    PostCallInit {
        call: Box<Expr>,
        entries: Vec<TableEntry>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    /// `delete target`
    Delete(Box<Expr>),
    /// `++x` / `--x`
    PreIncDec {
        delta: i8,
        target: Box<Expr>,
    },
    /// `x++` / `x--`
    PostIncDec {
        delta: i8,
        target: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `&&`, returning the deciding operand.
    And(Box<Expr>, Box<Expr>),
    /// `||`, returning the deciding operand.
    Or(Box<Expr>, Box<Expr>),
    Ternary {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `=`, `<-` and the compound assignments; `target` is an assignable expression.
    Assign {
        op: AssignOp,
        target: Box<Expr>,
        value: Box<Expr>,
    },
    /// `a, b, c` — evaluates all, yields the last.
    Comma(Vec<Expr>),
    Array(Vec<Expr>),
    Table(Vec<TableEntry>),
    Function(Box<FunctionDef>),
    Class(Box<ClassDef>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
    BitNot,
    Typeof,
    Clone,
    Resume,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `<=>`
    Cmp3,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    /// `>>>`
    UShr,
    In,
    InstanceOf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Set,
    /// `<-`
    NewSlot,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// One `key = value` of a table constructor, class body, attribute list or post-call
/// initializer. Named keys (`a = 1`, `function a() {}`, `"a": 1`) arrive as string keys.
#[derive(Clone, Debug, PartialEq)]
pub struct TableEntry {
    pub key: Expr,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    pub base: Option<Expr>,
    pub attributes: Option<Vec<TableEntry>>,
    pub members: Vec<ClassMember>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClassMember {
    pub entry: TableEntry,
    pub is_static: bool,
    pub attributes: Option<Vec<TableEntry>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    /// The name `getinfos()` reports: the declared name, or `None` for expressions.
    pub name: Option<Box<str>>,
    pub params: Vec<Param>,
    /// `...` ends the list: extra arguments arrive in `vargv`.
    pub varargs: bool,
    /// `function[env](){}`: the environment the closure is bound to when created.
    pub bound_env: Option<Box<Expr>>,
    pub body: FunctionBody,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Ident,
    /// Evaluated once, when the closure is created, in the enclosing scope.
    pub default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FunctionBody {
    Stmt(Box<Stmt>),
    /// A lambda `@(a) a + 1` returns its expression.
    Lambda(Box<Expr>),
}
