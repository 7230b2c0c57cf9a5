//! A grammar-aware generator of Squirrel programs that print what they compute.
//!
//! Expressions are built by type (so most programs compile and most operations have
//! operands they accept) and every printed line is `TAG VALUE`, where the tag names the
//! production of the outermost expression (`k12:int.shl`): a differential mismatch is
//! grouped by that production. Risky expressions are printed inside `try`, so one error
//! does not hide the lines after it. Values are printed through the prelude's `dump`,
//! which never prints an address.
//!
//! `portable` restricts the imp profile's programs to what a stock 32-bit `sq` 3.2 is an
//! oracle for: the language, 32-bit integers and floats, and the library functions that
//! 3.0.4 and 3.2 share with the same behaviour (no `math` namespace, no table iteration
//! order, no `split`, no string `tointeger`, no 3.1/3.2 additions, no blob).

use fastrand::Rng;
use impish_vm::Profile;

/// What the generated program may use.
#[derive(Clone, Copy, Debug)]
pub struct Dialect {
    pub profile: Profile,
    /// Only what the 32-bit reference agrees on with the imp profile (see the module doc).
    pub portable: bool,
    /// Compared with the reference: nothing whose difference is deliberate
    /// (`tests/conformance-gaps.txt`: `%` by zero) or already known (a lambda as an
    /// operand, `call` on a suspended thread), so that a mismatch is news.
    pub compared: bool,
    /// Top-level statements: few make cheap cases (crash hunting), many amortise the
    /// reference's process start (comparing).
    pub statements: usize,
}

impl Dialect {
    fn squirrel(self) -> bool {
        self.profile == Profile::Squirrel
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ty {
    Int,
    Float,
    Str,
    Bool,
    Array,
    Table,
    Func,
    Inst,
}

const SCALARS: [Ty; 4] = [Ty::Int, Ty::Float, Ty::Str, Ty::Bool];
const ALL: [Ty; 8] = [Ty::Int, Ty::Float, Ty::Str, Ty::Bool, Ty::Array, Ty::Table, Ty::Func, Ty::Inst];

/// The prelude every generated program starts with: `dump` (a value as text, without
/// addresses), `p` (print a tagged value) and `pe` (print a tagged caught error).
fn prelude(d: Dialect) -> String {
    // Portable programs convert floats to integers only in range (and not NaN): the
    // imp saturates as ARM does, the 32-bit x86 `sq` does not.
    let toint = if d.portable { "function toint(f) { return f > -1e9 && f < 1e9 ? f.tointeger() : 0; }\n" } else { "" };
    // Table order is the profile's hash order; the 32-bit 3.2 `sq` hashes strings
    // differently from the imp (3.0), so portable programs print tables sorted.
    let table = if d.portable {
        "local ks = []; foreach (k, x in v) ks.push(k); ks.sort(kcmp);\n    \
         local s = \"{\"; foreach (i, k in ks) s += (i > 0 ? \",\" : \"\") + dump(k, n + 1) + \":\" + dump(v[k], n + 1);\n    \
         return s + \"}\";"
    } else {
        "local s = \"{\", i = 0; foreach (k, x in v) s += (i++ > 0 ? \",\" : \"\") + dump(k, n + 1) + \":\" + dump(x, n + 1);\n    \
         return s + \"}\";"
    };
    format!(
        "class Obj {{ function _tostring() {{ return \"Obj\"; }} function _cmp(o) {{ return 0; }} }}\n\
         function kcmp(a, b) {{ local ta = typeof a, tb = typeof b; if (ta != tb) return ta <=> tb; return a <=> b; }}\n\
         function dump(v, n = 0) {{\n  \
           if (v instanceof Obj) return \"<\" + v.tostring() + \">\";\n  \
           local t = typeof v;\n  \
           if (t == \"string\") return \"\\\"\" + v + \"\\\"\";\n  \
           if (t == \"integer\" || t == \"float\" || t == \"bool\" || t == \"null\") return \"\" + v;\n  \
           if (n > 5) return t;\n  \
           if (t == \"array\") {{ local s = \"[\"; foreach (i, x in v) s += (i > 0 ? \",\" : \"\") + dump(x, n + 1); return s + \"]\"; }}\n  \
           if (t == \"table\") {{\n    {table}\n  }}\n  \
           return t;\n\
         }}\n\
         {toint}function p(tag, v) {{ print(tag + \" \" + dump(v) + \"\\n\"); }}\n\
         function pe(tag, e) {{ print(tag + \" ! \" + dump(e) + \"\\n\"); }}\n"
    )
}

/// The length of the prelude `source` starts with (0 for a program of another kind).
pub fn prelude_len(source: &str) -> usize {
    const LAST: &str = "function pe(tag, e) {";
    match source.starts_with("class Obj ").then(|| source.find(LAST)).flatten() {
        Some(at) => source[at..].find('\n').map_or(source.len(), |n| at + n + 1),
        None => 0,
    }
}

/// The last line every generated program prints: a run that printed it ended without an
/// uncaught error (`sq` also reports errors that a script catches after they crossed a
/// native call, so its stderr alone does not say).
pub const END: &str = "END";

/// One generated program.
pub fn program(rng: &mut Rng, dialect: Dialect) -> String {
    let mut g = Gen {
        rng,
        d: dialect,
        out: prelude(dialect),
        indent: 0,
        scopes: vec![Vec::new()],
        barrier: 0,
        next: 0,
        kind: None,
        classes: Vec::new(),
        loops: 0,
        in_function: false,
    };
    let statements = dialect.statements / 4 + g.rng.usize(..dialect.statements);
    for _ in 0..statements {
        g.statement(3);
    }
    g.line(&format!("print(\"{END}\\n\");"));
    g.out
}

struct Var {
    name: String,
    ty: Ty,
    /// A loop counter: read, never assigned (the loop must end).
    counter: bool,
}

struct Gen<'r> {
    rng: &'r mut Rng,
    d: Dialect,
    out: String,
    indent: usize,
    scopes: Vec<Vec<Var>>,
    /// Scopes below this index are invisible (class methods do not see outer locals).
    barrier: usize,
    next: usize,
    /// The production of the outermost expression being generated (for print tags).
    kind: Option<&'static str>,
    classes: Vec<String>,
    loops: usize,
    in_function: bool,
}

const INT_SQ: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "3",
    "7",
    "10",
    "255",
    "256",
    "65535",
    "65536",
    "2147483647",
    "-2147483648",
    "2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "(-9223372036854775807-1)",
    "0x7fffffff",
    "0xffffffff",
    "0x7fffffffffffffff",
    "0x8000000000000000",
    "'a'",
    "'\\n'",
    "077",
];
const INT_IMP: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "3",
    "7",
    "10",
    "255",
    "256",
    "65535",
    "65536",
    "16777216",
    "2147483647",
    "(-2147483647-1)",
    "0x7fffffff",
    "0x80000000",
    "0xffffffff",
    "'a'",
    "'\\n'",
];
const FLOATS: &[&str] = &[
    "0.0",
    "1.0",
    "-1.5",
    "0.1",
    "0.5",
    "3.14159",
    "2.5e3",
    "1e10",
    "1e-10",
    "1e38",
    "3.4028235e38",
    "1e39",
    "-1e39",
    "123456789.0",
    "16777216.0",
    "16777217.0",
    "1e6",
    "1e-6",
    "100.0",
    "0.000123",
    "1.0e15",
    "1.5e16",
];
const STRINGS: &[&str] = &[
    "\"\"",
    "\"a\"",
    "\"abc\"",
    "\"Hello World\"",
    "\"x\\ny\"",
    "\"\\t\"",
    "\"\\x41B\"",
    "\"\\u00e9\"",
    "\"\u{fc}ber\"",
    "\"0\"",
    "\"12\"",
    "\"-5\"",
    "\"1.5\"",
    "\"0x1F\"",
    "\" pad \"",
    "\"%d\"",
    "\"a,b,,c\"",
    "@\"a\"\"b\"",
    "\"aaab\"",
    "\"null\"",
    "\"\\\\\"",
    "\"1e5\"",
];
const KEYS: &[&str] = &["a", "b", "x", "y", "v", "len", "key", "name", "n1", "constructor"];
const REGEXPS: &[&str] = &[
    "a+b",
    "^a",
    "b$",
    "(a)(b)?",
    "[a-c]+",
    "\\\\d+",
    "x*",
    ".",
    "\\\\w+\\\\s",
    "(",
    "[",
    "a{2,3}",
    "a|b",
    "\\\\bH",
    "(?:a)",
    "^$",
];
const FORMATS: &[&str] = &[
    "%d", "%5d", "%-5d|", "%x", "%X", "%o", "%c", "%s", "%10s|", "%.3f", "%e", "%g", "%5.1f", "%%", "%i", "%08.3f",
    "%+d",
];

impl Gen<'_> {
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.usize(..items.len())]
    }

    fn chance(&mut self, percent: u8) -> bool {
        self.rng.u8(..100) < percent
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn note(&mut self, kind: &'static str) {
        self.kind.get_or_insert(kind);
    }

    fn declare(&mut self, name: &str, ty: Ty) {
        self.scopes.last_mut().expect("a scope").push(Var { name: name.to_string(), ty, counter: false });
    }

    fn var_of(&mut self, ty: Ty) -> Option<String> {
        self.var_where(|v| v.ty == ty)
    }

    fn var_where(&mut self, keep: impl Fn(&Var) -> bool) -> Option<String> {
        let visible: Vec<&String> =
            self.scopes[self.barrier..].iter().flatten().filter(|v| keep(v)).map(|v| &v.name).collect();
        if visible.is_empty() {
            return None;
        }
        let i = self.rng.usize(..visible.len());
        Some(visible[i].clone())
    }

    fn block(&mut self, header: &str, body: impl FnOnce(&mut Self)) {
        self.line(&format!("{header} {{"));
        self.indent += 1;
        self.scopes.push(Vec::new());
        body(self);
        self.scopes.pop();
        self.indent -= 1;
        self.line("}");
    }

    fn body(&mut self, depth: u32) {
        for _ in 0..1 + self.rng.usize(..4) {
            self.statement(depth);
        }
    }

    // ----- expressions ----------------------------------------------------------------

    fn expr(&mut self, ty: Ty, depth: u32) -> String {
        if depth == 0 || self.chance(25) {
            return self.leaf(ty);
        }
        let d = depth - 1;
        match ty {
            Ty::Int => self.int_expr(d),
            Ty::Float => self.float_expr(d),
            Ty::Str => self.str_expr(d),
            Ty::Bool => self.bool_expr(d),
            Ty::Array => self.array_expr(d),
            Ty::Table => self.table_expr(d),
            Ty::Func => self.func_expr(d),
            Ty::Inst => self.inst_expr(d),
        }
    }

    fn any_scalar(&mut self, depth: u32) -> String {
        let ty = self.pick(&SCALARS);
        self.expr(ty, depth)
    }

    fn any(&mut self, depth: u32) -> String {
        let ty = self.pick(&ALL);
        self.expr(ty, depth)
    }

    fn leaf(&mut self, ty: Ty) -> String {
        if self.chance(50) {
            if let Some(v) = self.var_of(ty) {
                self.note("var");
                return v;
            }
        }
        self.note("lit");
        self.literal(ty)
    }

    fn int_literal(&mut self) -> String {
        let squirrel = self.d.squirrel();
        match self.rng.u8(..4) {
            0 if squirrel => self.rng.i64(..).to_string(),
            0 => self.rng.i32(..).to_string(),
            1 => self.rng.i32(-1000..1000).to_string(),
            _ => self.pick(if squirrel { INT_SQ } else { INT_IMP }).to_string(),
        }
    }

    fn literal(&mut self, ty: Ty) -> String {
        match ty {
            Ty::Int => self.int_literal(),
            Ty::Float => {
                if self.chance(30) {
                    format!("{:.3}", self.rng.f64() * 2000.0 - 1000.0)
                } else {
                    self.pick(FLOATS).to_string()
                }
            }
            Ty::Str => {
                let s = self.pick(STRINGS);
                if s.contains("\\u") && !self.d.squirrel() {
                    "\"e\"".into()
                } else {
                    s.into()
                }
            }
            Ty::Bool => self.pick(&["true", "false"]).into(),
            Ty::Array => "[]".into(),
            Ty::Table => "{}".into(),
            Ty::Func => self.lambda("@(x) x".into()),
            Ty::Inst => match self.classes.is_empty() {
                true => "Obj()".into(),
                false => {
                    let c = self.pick_class();
                    format!("{c}({})", self.int_literal())
                }
            },
        }
    }

    /// The right operand of `op`, kept where the reference is an oracle: when compared,
    /// no `%` by zero (sq 3.2 leaves a stale value, a documented deliberate difference);
    /// in portable programs, shift counts below 32 (the imp shifts as ARM does).
    fn operand(&self, op: &str, b: &str) -> String {
        match op {
            "%" if self.d.compared => format!("({b} || 1)"),
            "<<" | ">>" | ">>>" if self.d.portable => format!("({b} & 31)"),
            _ => b.to_string(),
        }
    }

    /// A lambda, in parentheses when compared (as an operand, `1 == @(x) x`, it is a
    /// known front-end gap).
    fn lambda(&self, text: String) -> String {
        if self.d.compared {
            format!("({text})")
        } else {
            text
        }
    }

    fn pick_class(&mut self) -> String {
        let i = self.rng.usize(..self.classes.len());
        self.classes[i].clone()
    }

    fn int_expr(&mut self, d: u32) -> String {
        const OPS: &[(&str, &str)] = &[
            ("+", "int.add"),
            ("-", "int.sub"),
            ("*", "int.mul"),
            ("/", "int.div"),
            ("%", "int.mod"),
            ("&", "int.and"),
            ("|", "int.or"),
            ("^", "int.xor"),
            ("<<", "int.shl"),
            (">>", "int.shr"),
            (">>>", "int.ushr"),
        ];
        match self.rng.u8(..16) {
            0..=5 => {
                let (op, kind) = self.pick(OPS);
                self.note(kind);
                let a = self.expr(Ty::Int, d);
                let b = self.expr(Ty::Int, d);
                format!("({a} {op} {})", self.operand(op, &b))
            }
            6 => {
                self.note("int.unary");
                let op = self.pick(&["-", "~", "- -", "~~"]);
                let a = self.expr(Ty::Int, d);
                format!("({op}({a}))")
            }
            7 => {
                self.note("cmp3");
                let ty = self.pick(&[Ty::Int, Ty::Float, Ty::Str]);
                let a = self.expr(ty, d);
                let b = self.expr(ty, d);
                format!("({a} <=> {b})")
            }
            8 => {
                self.note("len");
                let ty = self.pick(&[Ty::Str, Ty::Array, Ty::Table]);
                format!("({}).len()", self.expr(ty, d))
            }
            9 => {
                self.note("float.tointeger");
                if self.d.portable {
                    // Out-of-range conversions are the host's: the imp saturates, x86 does not.
                    format!("toint({})", self.expr(Ty::Float, d))
                } else {
                    format!("({}).tointeger()", self.expr(Ty::Float, d))
                }
            }
            10 => {
                self.note("str.index");
                let s = self.expr(Ty::Str, d);
                let i = self.expr(Ty::Int, d);
                format!("{s}[{i}]")
            }
            11 if !self.d.portable => {
                self.note("str.tointeger");
                format!("({}).tointeger()", self.expr(Ty::Str, d))
            }
            12 => {
                self.note("inst.v");
                format!("({}).v", self.expr(Ty::Inst, d))
            }
            13 => {
                self.note("int.ternary");
                let c = self.expr(Ty::Bool, d);
                let a = self.expr(Ty::Int, d);
                let b = self.expr(Ty::Int, d);
                format!("({c} ? {a} : {b})")
            }
            14 => {
                self.note("array.index");
                let a = self.expr(Ty::Array, d);
                let i = self.expr(Ty::Int, d);
                format!("{a}[{i}]")
            }
            _ => {
                self.note("int.conv");
                let m = self.pick(&["tointeger()", "tochar().len()", "tofloat().tointeger()"]);
                let x = self.expr(Ty::Int, d);
                match m {
                    // The imp's floats are single: a large integer rounds out of range.
                    "tofloat().tointeger()" if self.d.portable => format!("toint(({x}).tofloat())"),
                    _ => format!("({x}).{m}"),
                }
            }
        }
    }

    fn float_expr(&mut self, d: u32) -> String {
        const OPS: &[(&str, &str)] =
            &[("+", "float.add"), ("-", "float.sub"), ("*", "float.mul"), ("/", "float.div"), ("%", "float.mod")];
        match self.rng.u8(..8) {
            0..=3 => {
                let (op, kind) = self.pick(OPS);
                self.note(kind);
                let a = self.expr(Ty::Float, d);
                let b = if self.chance(30) { self.expr(Ty::Int, d) } else { self.expr(Ty::Float, d) };
                if self.chance(50) {
                    format!("({a} {op} {b})")
                } else {
                    format!("({b} {op} {a})")
                }
            }
            4 => {
                self.note("float.neg");
                format!("(-({}))", self.expr(Ty::Float, d))
            }
            5 => {
                self.note("int.tofloat");
                format!("({}).tofloat()", self.expr(Ty::Int, d))
            }
            6 if !self.d.portable => {
                self.note("math");
                let f =
                    self.pick(&["sqrt", "sin", "cos", "floor", "ceil", "fabs", "exp", "log", "log10", "tan", "atan"]);
                let ns = if self.d.squirrel() { "" } else { "math." };
                format!("{ns}{f}({})", self.expr(Ty::Float, d))
            }
            7 if !self.d.portable => {
                self.note("math2");
                let f = self.pick(&["pow", "atan2"]);
                let ns = if self.d.squirrel() { "" } else { "math." };
                format!("{ns}{f}({}, {})", self.expr(Ty::Float, d), self.expr(Ty::Float, d))
            }
            _ if !self.d.portable => {
                self.note("str.tofloat");
                format!("({}).tofloat()", self.expr(Ty::Str, d))
            }
            _ => self.leaf(Ty::Float),
        }
    }

    fn str_expr(&mut self, d: u32) -> String {
        match self.rng.u8(..14) {
            0..=2 => {
                self.note("str.concat");
                let a = self.expr(Ty::Str, d);
                let b = self.any_scalar(d);
                if self.chance(50) {
                    format!("({a} + {b})")
                } else {
                    format!("({b} + {a})")
                }
            }
            3 => {
                self.note("tostring");
                format!("({}).tostring()", self.any_scalar(d))
            }
            4 => {
                self.note("typeof");
                format!("(typeof {})", self.any(d))
            }
            5 => {
                self.note("str.slice");
                let s = self.expr(Ty::Str, d);
                let a = self.rng.i32(-4..5);
                if self.chance(50) {
                    format!("{s}.slice({a})")
                } else {
                    format!("{s}.slice({a}, {})", self.rng.i32(-4..6))
                }
            }
            6 => {
                self.note("str.case");
                let m = self.pick(&["toupper", "tolower"]);
                format!("({}).{m}()", self.expr(Ty::Str, d))
            }
            7 | 8 => self.format_expr(d),
            9 => {
                self.note("strip");
                let f = self.pick(&["strip", "lstrip", "rstrip"]);
                format!("{f}({})", self.expr(Ty::Str, d))
            }
            10 if !self.d.portable && self.d.squirrel() => {
                self.note("str.3_1");
                let m = self.pick(&["escape(", "STARTS", "ENDS"]);
                let s = self.expr(Ty::Str, d);
                match m {
                    "STARTS" => format!("({s}.startswith({}) + \"\")", self.expr(Ty::Str, d)),
                    "ENDS" => format!("({s}.endswith({}) + \"\")", self.expr(Ty::Str, d)),
                    _ => format!("escape({s})"),
                }
            }
            11 => {
                self.note("int.tochar");
                format!("({}).tochar()", self.expr(Ty::Int, d))
            }
            12 => {
                self.note("str.ternary");
                let c = self.expr(Ty::Bool, d);
                let a = self.expr(Ty::Str, d);
                let b = self.expr(Ty::Str, d);
                format!("({c} ? {a} : {b})")
            }
            _ => {
                self.note("call.str");
                let f = self.expr(Ty::Func, d);
                format!("dump({f}({}))", self.any_scalar(d))
            }
        }
    }

    fn format_expr(&mut self, d: u32) -> String {
        self.note("format");
        let mut fmt = String::new();
        let mut args = Vec::new();
        for _ in 0..1 + self.rng.usize(..3) {
            let spec = self.pick(FORMATS);
            fmt.push_str(spec);
            fmt.push(' ');
            let well_typed = self.chance(85);
            let ty = match spec.chars().last() {
                // A float for an integer is converted: the host's conversion (see `toint`).
                _ if !well_typed && self.d.portable => self.pick(&[Ty::Str, Ty::Bool]),
                _ if !well_typed => self.pick(&SCALARS),
                Some('d' | 'x' | 'X' | 'o' | 'c' | 'i') => Ty::Int,
                Some('f' | 'e' | 'g') => Ty::Float,
                Some('%') => continue,
                _ => Ty::Str,
            };
            args.push(self.expr(ty, d));
        }
        let mut call = format!("format(\"{fmt}\"");
        for a in args {
            call.push_str(", ");
            call.push_str(&a);
        }
        call + ")"
    }

    fn bool_expr(&mut self, d: u32) -> String {
        match self.rng.u8(..9) {
            0..=2 => {
                self.note("compare");
                let op = self.pick(&["<", "<=", ">", ">=", "==", "!="]);
                let ty = self.pick(&[Ty::Int, Ty::Float, Ty::Str, Ty::Int, Ty::Inst]);
                let a = self.expr(ty, d);
                let b = if self.chance(20) { self.any_scalar(d) } else { self.expr(ty, d) };
                format!("({a} {op} {b})")
            }
            3 => {
                self.note("logic");
                let op = self.pick(&["&&", "||"]);
                format!("({} {op} {})", self.expr(Ty::Bool, d), self.expr(Ty::Bool, d))
            }
            4 => {
                self.note("not");
                format!("(!{})", self.any(d))
            }
            5 => {
                self.note("in");
                let k = self.pick(KEYS);
                let key = if self.chance(50) { format!("\"{k}\"") } else { self.expr(Ty::Int, d) };
                let c = self.pick(&[Ty::Table, Ty::Array, Ty::Inst]);
                format!("({key} in {})", self.expr(c, d))
            }
            6 => {
                self.note("instanceof");
                let c = if self.classes.is_empty() { "Obj".to_string() } else { self.pick_class() };
                format!("({} instanceof {c})", self.expr(Ty::Inst, d))
            }
            7 => {
                self.note("regexp.match");
                let re = self.pick(REGEXPS);
                format!("regexp(\"{re}\").match({})", self.expr(Ty::Str, d))
            }
            _ => {
                self.note("eq.any");
                format!("({} == {})", self.any(d), self.any(d))
            }
        }
    }

    fn array_expr(&mut self, d: u32) -> String {
        match self.rng.u8(..10) {
            0..=2 => {
                self.note("array.lit");
                let items: Vec<String> = (0..self.rng.usize(..5)).map(|_| self.any(d)).collect();
                format!("[{}]", items.join(", "))
            }
            3 => {
                self.note("array.new");
                format!("array({}, {})", self.rng.i32(-1..6), self.any_scalar(d))
            }
            4 => {
                self.note("array.map");
                format!("({}).map({})", self.expr(Ty::Array, d), self.expr(Ty::Func, d))
            }
            5 => {
                self.note("array.filter");
                let body = self.bool_expr_of("x", d);
                format!("({}).filter(function(i, x) {{ return {body}; }})", self.expr(Ty::Array, d))
            }
            6 => {
                self.note("array.slice");
                format!("({}).slice({})", self.expr(Ty::Array, d), self.rng.i32(-3..4))
            }
            7 => {
                self.note("clone.array");
                format!("(clone {})", self.expr(Ty::Array, d))
            }
            8 => {
                self.note("regexp.capture");
                let re = self.pick(REGEXPS);
                format!("regexp(\"{re}\").capture({})", self.expr(Ty::Str, d))
            }
            _ if !self.d.portable => {
                self.note("split");
                format!("split({}, {})", self.expr(Ty::Str, d), self.pick(&["\",\"", "\"a\"", "\"\"", "\" ,\""]))
            }
            _ => self.leaf(Ty::Array),
        }
    }

    /// A boolean expression about the value named `x` (a callback's parameter).
    fn bool_expr_of(&mut self, x: &str, d: u32) -> String {
        let v = self.any_scalar(d);
        let op = self.pick(&["==", "!=", "<", ">"]);
        match self.rng.u8(..3) {
            0 => format!("(typeof {x} == \"integer\")"),
            1 => format!("({x} {op} {v})"),
            _ => format!("({x} != null)"),
        }
    }

    fn table_expr(&mut self, d: u32) -> String {
        match self.rng.u8(..5) {
            0..=2 => {
                self.note("table.lit");
                let mut slots = Vec::new();
                for _ in 0..self.rng.usize(..5) {
                    let v = self.any(d);
                    let slot = match self.rng.u8(..3) {
                        0 => format!("[{}] = {v}", self.expr(Ty::Int, d)),
                        1 => format!("[\"{}\"] = {v}", self.pick(KEYS)),
                        _ => format!("{} = {v}", self.fresh("k")),
                    };
                    slots.push(slot);
                }
                format!("{{{}}}", slots.join(", "))
            }
            3 => {
                self.note("clone.table");
                format!("(clone {})", self.expr(Ty::Table, d))
            }
            _ => {
                self.note("regexp.search");
                let re = self.pick(REGEXPS);
                format!("regexp(\"{re}\").search({})", self.expr(Ty::Str, d))
            }
        }
    }

    fn func_expr(&mut self, d: u32) -> String {
        self.note("func");
        // A callback's body may use the outer locals it captures.
        let x = self.fresh("x");
        self.scopes.push(vec![Var { name: x.clone(), ty: Ty::Int, counter: false }]);
        let body = self.any(d);
        self.scopes.pop();
        match self.rng.u8(..3) {
            0 => self.lambda(format!("@({x}) {body}")),
            1 => format!("function({x}) {{ return {body}; }}"),
            _ => format!("function({x}, ...) {{ return [{body}, vargv.len()]; }}"),
        }
    }

    fn inst_expr(&mut self, d: u32) -> String {
        if self.classes.is_empty() {
            return self.leaf(Ty::Inst);
        }
        match self.rng.u8(..5) {
            0 | 1 => {
                self.note("new");
                let c = self.pick_class();
                format!("{c}({})", self.expr(Ty::Int, d))
            }
            2 => {
                self.note("inst.add");
                let op = self.pick(&["+", "-", "*", "/", "%"]);
                format!("({} {op} {})", self.expr(Ty::Inst, d), self.expr(Ty::Inst, d))
            }
            3 => {
                self.note("inst.unm");
                format!("(-({}))", self.expr(Ty::Inst, d))
            }
            _ => {
                self.note("clone.inst");
                format!("(clone {})", self.expr(Ty::Inst, d))
            }
        }
    }

    // ----- statements -----------------------------------------------------------------

    /// Prints `expr` under a tag naming its production, inside `try`.
    fn print_expr(&mut self, expr: impl FnOnce(&mut Self) -> String) {
        self.kind = None;
        let e = expr(self);
        let kind = self.kind.take().unwrap_or("expr");
        let tag = format!("{}:{kind}", self.fresh("k"));
        self.line(&format!("try {{ p(\"{tag}\", {e}); }} catch (e) {{ pe(\"{tag}\", e); }}"));
    }

    fn statement(&mut self, depth: u32) {
        let nested = depth > 0;
        match self.rng.u8(..40) {
            0..=11 => self.print_expr(|g| g.any(3)),
            12..=15 => {
                let ty = self.pick(&ALL);
                let name = self.fresh("v");
                self.kind = None;
                let e = self.expr(ty, 2);
                // A failing initialiser must not abort the program: fall back to a literal.
                let lit = self.literal(ty);
                self.line(&format!("local {name} = {lit};"));
                self.line(&format!("try {{ {name} = {e}; }} catch (e) {{ pe(\"init.{name}\", e); }}"));
                self.declare(&name, ty);
            }
            16 => self.assign(),
            17 if nested => self.if_stmt(depth - 1),
            18 if nested => self.for_loop(depth - 1),
            19 if nested => self.while_loop(depth - 1),
            20 if nested => self.foreach(depth - 1),
            21 if nested => self.switch(depth - 1),
            22 if nested && !self.in_function => self.function_decl(depth - 1),
            23 if nested && self.scopes.len() == 1 => self.class_decl(),
            24 if nested && !self.in_function => self.generator(),
            25 if self.d.squirrel() && !self.d.portable => self.thread(),
            26 if nested => self.try_throw(depth - 1),
            27 => self.array_mutation(),
            28 => self.table_mutation(),
            29 if !self.d.portable => self.blob(),
            30 => self.deep_nesting(),
            31 if nested => self.closures_in_loop(),
            32 => self.sort(),
            33 => self.reduce(),
            34 if self.loops > 0 => {
                let c = self.guarded(Ty::Bool, 1);
                let jump = self.pick(&["break", "continue"]);
                self.line(&format!("if ({c}) {jump};"));
            }
            35 if self.in_function => {
                let e = self.any(2);
                let c = self.guarded(Ty::Bool, 1);
                self.line(&format!("if ({c}) return {e};"));
            }
            36 => self.print_expr(|g| g.expr(Ty::Int, 4)),
            37 => self.print_expr(|g| g.expr(Ty::Float, 3)),
            38 => self.print_expr(|g| g.format_expr(2)),
            39 => self.instance_ops(),
            _ => self.print_expr(|g| g.any(2)),
        }
    }

    fn assign(&mut self) {
        let ty = self.pick(&[Ty::Int, Ty::Str, Ty::Float, Ty::Int]);
        let Some(v) = self.var_where(|v| v.ty == ty && !v.counter) else { return };
        let e = self.expr(ty, 2);
        let op = match ty {
            Ty::Int => self.pick(&["=", "+=", "-=", "*=", "/=", "%="]),
            Ty::Float => self.pick(&["=", "+=", "*=", "/="]),
            _ => self.pick(&["=", "+="]),
        };
        let e = self.operand(op.trim_end_matches('='), &e);
        self.line(&format!("try {{ {v} {op} {e}; }} catch (e) {{ pe(\"assign\", e); }}"));
        if ty == Ty::Int && self.chance(50) {
            let inc = self.pick(&["++", "--"]);
            if self.chance(50) {
                self.print_expr(|g| {
                    g.note("incdec");
                    format!("{v}{inc}")
                });
            } else {
                self.print_expr(|g| {
                    g.note("incdec");
                    format!("{inc}{v}")
                });
            }
        }
    }

    /// Evaluates `expr` into a fresh local inside `try` (so that an error in a condition
    /// does not end the program) and returns the local's name.
    fn guarded(&mut self, ty: Ty, depth: u32) -> String {
        let name = self.fresh("s");
        let e = self.expr(ty, depth);
        let lit = self.literal(ty);
        self.line(&format!("local {name} = {lit};"));
        self.line(&format!("try {{ {name} = {e}; }} catch (e) {{ pe(\"guard.{name}\", e); }}"));
        name
    }

    fn if_stmt(&mut self, depth: u32) {
        let ty = self.pick(&ALL);
        let c = self.guarded(ty, 2);
        self.block(&format!("if ({c})"), |g| g.body(depth));
        if self.chance(50) {
            self.block("else", |g| g.body(depth));
        }
    }

    fn for_loop(&mut self, depth: u32) {
        let i = self.fresh("i");
        let n = self.rng.i32(0..5);
        self.loops += 1;
        self.block(&format!("for (local {i} = 0; {i} < {n}; {i}++)"), |g| {
            g.scopes.last_mut().expect("a scope").push(Var { name: i.clone(), ty: Ty::Int, counter: true });
            g.print_expr(|g| {
                g.note("loop.var");
                i.clone()
            });
            g.body(depth);
        });
        self.loops -= 1;
    }

    fn while_loop(&mut self, depth: u32) {
        let w = self.fresh("w");
        let n = self.rng.i32(0..4);
        self.line(&format!("local {w} = {n};"));
        self.loops += 1;
        if self.chance(50) {
            self.block(&format!("while ({w}-- > 0)"), |g| g.body(depth));
        } else {
            self.block("do", |g| g.body(depth));
            // `do { } while (c)` ends after the block; the closing brace takes the condition.
            self.out.truncate(self.out.len() - 1);
            self.out.push_str(&format!(" while ({w}-- > 0);\n"));
        }
        self.loops -= 1;
    }

    fn foreach(&mut self, depth: u32) {
        let (k, v) = (self.fresh("i"), self.fresh("x"));
        let ty = self.pick(&[Ty::Array, Ty::Str, Ty::Table, Ty::Inst]);
        let over = self.expr(ty, 2);
        self.loops += 1;
        let tag = format!("{}:foreach.{ty:?}", self.fresh("k"));
        if ty == Ty::Table && self.d.portable {
            // Iteration order is the hash's: portable programs only sum and count.
            let n = self.fresh("n");
            self.line(&format!("local {n} = 0;"));
            self.line(&format!(
                "try {{ foreach ({k}, {v} in {over}) {n} += (typeof {v} == \"integer\" ? {v} : 1); p(\"{tag}\", {n}); }} catch (e) {{ pe(\"{tag}\", e); }}"
            ));
        } else {
            self.block("try", |g| {
                g.block(&format!("foreach ({k}, {v} in {over})"), |g| {
                    g.line(&format!("p(\"{tag}\", [{k}, {v}]);"));
                    g.body(depth);
                });
            });
            self.line(&format!("catch (e) {{ pe(\"{tag}\", e); }}"));
        }
        self.loops -= 1;
    }

    fn switch(&mut self, depth: u32) {
        let e = self.guarded(Ty::Int, 2);
        // `continue` may not appear in a switch, even inside a loop.
        let loops = std::mem::take(&mut self.loops);
        self.line(&format!("switch ({e}) {{"));
        for _ in 0..1 + self.rng.usize(..4) {
            let c = self.pick(&["0", "1", "-1", "2", "7", "\"a\"", "2147483647", "null"]);
            self.line(&format!("case {c}:"));
            self.indent += 1;
            self.scopes.push(Vec::new());
            self.body(depth);
            if self.chance(70) {
                self.line("break;");
            }
            self.scopes.pop();
            self.indent -= 1;
        }
        if self.chance(60) {
            self.line("default:");
            self.indent += 1;
            self.scopes.push(Vec::new());
            self.body(depth);
            self.scopes.pop();
            self.indent -= 1;
        }
        self.line("}");
        self.loops = loops;
    }

    fn function_decl(&mut self, depth: u32) {
        let f = self.fresh("f");
        let (a, b) = (self.fresh("a"), self.fresh("b"));
        let default = self.int_literal();
        let header = if self.scopes.len() == 1 {
            format!("function {f}({a}, {b} = {default})")
        } else {
            format!("local {f} = function({a}, {b} = {default})")
        };
        let outer = self.in_function;
        self.in_function = true;
        let loops = std::mem::take(&mut self.loops);
        self.block(&header, |g| {
            g.declare(&a, Ty::Int);
            g.declare(&b, Ty::Int);
            g.body(depth);
            let r = g.any(2);
            g.line(&format!("return {r};"));
        });
        self.in_function = outer;
        self.loops = loops;
        for _ in 0..1 + self.rng.usize(..3) {
            let args = match self.rng.u8(..4) {
                0 => self.expr(Ty::Int, 2),
                1 => format!("{}, {}", self.expr(Ty::Int, 2), self.any(1)),
                2 => format!("{}, {}, {}", self.any(1), self.any(1), self.any(1)),
                _ => String::new(),
            };
            self.print_expr(|g| {
                g.note("call");
                format!("{f}({args})")
            });
        }
        self.print_expr(|g| {
            g.note("call.method");
            let how = g.pick(&["call(this, 1)", "pcall(this, 2, 3)", "acall([this, 4])", "bindenv({}).call(this, 5)"]);
            format!("{f}.{how}")
        });
    }

    fn class_decl(&mut self) {
        let c = self.fresh("C");
        let base = if !self.classes.is_empty() && self.chance(40) { Some(self.pick_class()) } else { None };
        let header = format!("class {c} extends {}", base.as_deref().unwrap_or("Obj"));
        let saved = self.barrier;
        self.barrier = self.scopes.len();
        self.block(&header, |g| {
            g.line("v = 0;");
            let s = g.literal(Ty::Int);
            g.line(&format!("static s = {s};"));
            match &base {
                Some(_) if g.chance(70) => g.line("constructor(x) { base.constructor(x + 1); }"),
                _ => g.line("constructor(x) { v = x; }"),
            }
            g.line("function get() { return v; }");
            if g.chance(80) {
                g.line(&format!("function _tostring() {{ return \"{c}:\" + v; }}"));
            }
            let arith = [("_add", "+"), ("_sub", "-"), ("_mul", "*"), ("_div", "/"), ("_modulo", "%")];
            for (meta, op) in arith {
                if g.chance(40) {
                    let o = g.operand(op, "(o instanceof Obj ? o.get() : o)");
                    g.line(&format!("function {meta}(o) {{ return {c}(v {op} {o}); }}"));
                }
            }
            if g.chance(50) {
                g.line("function _cmp(o) { return v <=> (o instanceof Obj ? o.get() : o); }");
            }
            if g.chance(40) {
                g.line(&format!("function _unm() {{ return {c}(-v); }}"));
            }
            if g.chance(40) {
                g.line("function _get(k) { if (typeof k == \"integer\") return k * 2; throw null; }");
            }
            if g.chance(30) {
                g.line("function _set(k, x) { throw \"set \" + k; }");
            }
            if g.chance(40) {
                g.line("function _call(env, x = 1) { return v + x; }");
            }
            if g.chance(30) {
                g.line("function _nexti(k) { if (k == null) return 0; if (k < 2) return k + 1; return null; }");
            }
            if g.chance(30) {
                g.line("function _cloned(o) { v = o.v + 100; }");
            }
            if g.chance(20) {
                g.line(&format!("function _typeof() {{ return \"{c}\"; }}"));
            }
        });
        self.barrier = saved;
        self.classes.push(c.clone());
        let o = self.fresh("o");
        let arg = self.expr(Ty::Int, 1);
        self.line(&format!("local {o} = {c}(0);"));
        self.line(&format!("try {{ {o} = {c}({arg}); }} catch (e) {{ pe(\"new.{c}\", e); }}"));
        self.declare(&o, Ty::Inst);
        self.print_expr(|g| {
            g.note("class.static");
            format!("{c}.s")
        });
    }

    fn instance_ops(&mut self) {
        let Some(o) = self.var_of(Ty::Inst) else { return self.print_expr(|g| g.expr(Ty::Inst, 2)) };
        match self.rng.u8(..6) {
            0 => self.print_expr(|g| {
                g.note("meta.get");
                let k = g.rng.u8(..3);
                format!("{o}[{k}]")
            }),
            1 => self.print_expr(|g| {
                g.note("meta.call");
                format!("{o}({})", g.rng.u8(..4))
            }),
            2 => self.print_expr(|g| {
                g.note("meta.cmp");
                let other = g.expr(Ty::Inst, 1);
                let op = g.pick(&["<", ">=", "<=>"]);
                format!("({o} {op} {other})")
            }),
            3 => self.print_expr(|g| {
                g.note("meta.set");
                format!("{o}.v = {}", g.expr(Ty::Int, 1))
            }),
            4 => self.print_expr(|g| {
                g.note("meta.typeof");
                format!("typeof {o}")
            }),
            _ => self.print_expr(|g| {
                g.note("meta.newslot");
                format!("{o}.nosuch")
            }),
        }
    }

    fn generator(&mut self) {
        let g_name = self.fresh("g");
        let n = self.fresh("n");
        let y = self.any(2);
        let r = self.any(1);
        self.line(&format!(
            "function {g_name}({n}) {{ for (local i = 0; i < {n}; i++) {{ yield [i, {y}]; }} return {r}; }}"
        ));
        let count = self.rng.i32(0..4);
        let tag = format!("{}:generator", self.fresh("k"));
        self.line(&format!(
            "try {{ foreach (i, x in {g_name}({count})) p(\"{tag}\", [i, x]); }} catch (e) {{ pe(\"{tag}\", e); }}"
        ));
        let gen = self.fresh("gen");
        let n = self.rng.i32(0..3);
        self.line(&format!("local {gen} = {g_name}({n});"));
        for _ in 0..1 + self.rng.usize(..4) {
            self.print_expr(|g| {
                g.note("resume");
                match g.rng.u8(..3) {
                    0 => format!("{gen}.getstatus()"),
                    _ => format!("resume {gen}"),
                }
            });
        }
    }

    /// A thread that suspends from its own function, from a function it calls, from a
    /// generator it resumes or iterates, or (an error) beneath a native's callback.
    fn thread(&mut self) {
        let t = self.fresh("th");
        let a = self.any(1);
        let body = match self.rng.usize(..5) {
            0 => "local b = suspend([a, x]); local c = suspend(b); return [c, a];",
            1 => "local f = function(v) { local w = suspend(v); return [w, suspend(w)]; }; local b = f([a, x]); return [b, a];",
            2 => "local g = (function(v) { yield suspend(v); yield suspend([v]); })([a, x]); local b = resume g; return [b, resume g];",
            3 => "local s = []; foreach (v in (function(v) { yield suspend(v); yield suspend(a); })(x)) s.append(v); return s;",
            _ => "return [a].map(function(v) { return suspend([v, x]); });",
        };
        self.line(&format!("local {t} = newthread(function(a) {{ local x = {a}; {body} }});"));
        let steps = ["call(1)", "wakeup(2)", "wakeup(3)", "getstatus()", "wakeup()", "call(4)"];
        for n in 0..1 + self.rng.usize(..5) {
            let mut step = self.pick(&steps);
            // `call` on a suspended thread: a known difference of message.
            if n > 0 && self.d.compared && step.starts_with("call") {
                step = "getstatus()";
            }
            self.print_expr(|g| {
                g.note("thread");
                format!("{t}.{step}")
            });
        }
    }

    fn try_throw(&mut self, depth: u32) {
        let tag = format!("{}:throw", self.fresh("k"));
        let thrown = self.any(2);
        self.block("try", |g| {
            g.body(depth);
            if g.chance(50) {
                g.line(&format!("throw {thrown};"));
            }
            g.body(depth);
        });
        let e = self.fresh("e");
        self.block(&format!("catch ({e})"), |g| {
            g.line(&format!("pe(\"{tag}\", {e});"));
            if g.chance(30) {
                g.line(&format!("try {{ throw {e}; }} catch (again) {{ pe(\"{tag}.again\", again); }}"));
            }
        });
    }

    fn array_mutation(&mut self) {
        let Some(a) = self.var_of(Ty::Array) else { return self.print_expr(|g| g.expr(Ty::Array, 3)) };
        let v = self.any(1);
        let i = self.rng.i32(-2..5);
        let op = match self.rng.u8(..12) {
            0 => format!("{a}.push({v})"),
            1 => format!("{a}.pop()"),
            2 => format!("{a}.insert({i}, {v})"),
            3 => format!("{a}.remove({i})"),
            4 => format!("{a}.resize({}, {v})", self.rng.i32(-1..7)),
            5 => format!("{a}.extend([{v}, {v}])"),
            6 => format!("{a}.append({v})"),
            7 => format!("{a}.reverse()"),
            8 => format!("{a}.clear()"),
            9 => format!("{a}.apply(@(x) [x])"),
            10 => format!("{a}[{i}] = {v}"),
            _ => format!("{a}.find({v})"),
        };
        let tag = format!("{}:array.mutate", self.fresh("k"));
        self.line(&format!("try {{ p(\"{tag}\", {op}); p(\"{tag}\", {a}); }} catch (e) {{ pe(\"{tag}\", e); }}"));
    }

    fn table_mutation(&mut self) {
        let Some(t) = self.var_of(Ty::Table) else { return self.print_expr(|g| g.expr(Ty::Table, 3)) };
        let k = self.pick(KEYS);
        let v = self.any(1);
        let op = match self.rng.u8(..9) {
            0 => format!("{t}.{k} <- {v}"),
            1 => format!("{t}.{k} = {v}"),
            2 => format!("delete {t}.{k}"),
            3 => format!("{t}.rawset(\"{k}\", {v})"),
            4 => format!("{t}.rawget(\"{k}\")"),
            5 => format!("{t}.setdelegate({{ {k} = {v}, _get = function(k) {{ return \"d:\" + k; }} }})"),
            6 => format!("{t}.{k}"),
            7 if !self.d.portable && self.d.squirrel() => format!("[{t}.keys().len(), {t}.values().len()]"),
            _ => format!("{t}.rawin(\"{k}\")"),
        };
        let tag = format!("{}:table.mutate", self.fresh("k"));
        self.line(&format!("try {{ p(\"{tag}\", {op}); p(\"{tag}\", {t}); }} catch (e) {{ pe(\"{tag}\", e); }}"));
    }

    fn blob(&mut self) {
        let b = self.fresh("bl");
        let tag = format!("{}:blob", self.fresh("k"));
        let n = self.expr(Ty::Int, 1);
        let ty = self.pick(&["'i'", "'s'", "'b'", "'c'", "'w'", "'f'", "'d'", "'l'", "'x'"]);
        let read = self.pick(&["'i'", "'s'", "'b'", "'c'", "'w'", "'f'", "'d'"]);
        let extra = if self.d.squirrel() { "len()" } else { "tostring().len()" };
        let size = self.rng.i32(-1..9);
        self.line(&format!(
            "try {{ local {b} = blob({size}); {b}.writen({n}, {ty}); {b}.seek(0); p(\"{tag}\", [{b}.len(), {b}.tell(), {b}.readn({read}), {b}.{extra}]); }} catch (e) {{ pe(\"{tag}\", e); }}"
        ));
    }

    fn deep_nesting(&mut self) {
        let depth = 1 + self.rng.usize(..60);
        match self.rng.u8(..4) {
            0 => self.print_expr(|g| {
                g.note("deep.paren");
                format!("{}1{}", "(".repeat(depth), " + 1)".repeat(depth))
            }),
            1 => self.print_expr(|g| {
                g.note("deep.array");
                format!("{}{}", "[".repeat(depth), "]".repeat(depth))
            }),
            2 => self.print_expr(|g| {
                g.note("deep.closure");
                format!("{}1{}", "(function() { return ".repeat(depth.min(20)), "; })()".repeat(depth.min(20)))
            }),
            _ => self.print_expr(|g| {
                g.note("deep.table");
                format!("{}1{}", "{a = ".repeat(depth), "}".repeat(depth))
            }),
        }
    }

    fn closures_in_loop(&mut self) {
        let fs = self.fresh("fs");
        let n = self.rng.i32(0..4);
        let tag = format!("{}:closure.loop", self.fresh("k"));
        let exit = if !self.d.portable && self.chance(40) { "if (i == 1) break;" } else { "" };
        self.line(&format!(
            "local {fs} = []; for (local i = 0; i < {n}; i++) {{ local j = i * 10; {fs}.push(function() {{ return [i, j++]; }}); {exit} }}"
        ));
        self.line(&format!("foreach (f in {fs}) {{ p(\"{tag}\", f()); p(\"{tag}\", f()); }}"));
    }

    fn sort(&mut self) {
        let items: Vec<String> = (0..self.rng.usize(..8)).map(|_| self.int_literal()).collect();
        let cmp = self.pick(&[
            "",
            "@(a, b) a <=> b",
            "@(a, b) b <=> a",
            "function(a, b) { return a > b ? 1 : a < b ? -1 : 0; }",
        ]);
        let tag = format!("{}:sort", self.fresh("k"));
        let a = self.fresh("s");
        self.line(&format!(
            "try {{ local {a} = [{}]; {a}.sort({cmp}); p(\"{tag}\", {a}); }} catch (e) {{ pe(\"{tag}\", e); }}",
            items.join(", ")
        ));
    }

    fn reduce(&mut self) {
        let a = self.expr(Ty::Array, 2);
        let tag = format!("{}:reduce", self.fresh("k"));
        let f = self.pick(&["@(a, b) a + b", "@(a, b) [a, b]", "function(a, b) { return a < b ? a : b; }"]);
        let init = if !self.d.portable && self.d.squirrel() && self.chance(40) { ", 0" } else { "" };
        self.line(&format!("try {{ p(\"{tag}\", ({a}).reduce({f}{init})); }} catch (e) {{ pe(\"{tag}\", e); }}"));
    }
}
