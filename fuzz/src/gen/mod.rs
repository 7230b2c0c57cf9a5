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

mod expressions;
mod statements;

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
/// What `escape` gets when compared: printable ASCII and control characters, never a
/// lone character nor a byte above 0x7F (sq 3.2 formats those with a buffer too short
/// for `\\x%02x` of a sign-extended char: a documented reference bug).
const ESCAPABLE: &[&str] = &["\"a\\tb\"", "\"x\\ny\\r\"", "\"q\\\"t\\\\\"", "\"plain\"", "\"\\x01\\x7f\"", "\"\\0z\""];
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
}
