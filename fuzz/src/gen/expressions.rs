//! Expressions of each type: literals at their boundaries, operators, the string,
//! format, array, table, function and instance productions.

use super::*;

impl Gen<'_> {
    pub(super) fn expr(&mut self, ty: Ty, depth: u32) -> String {
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

    pub(super) fn any_scalar(&mut self, depth: u32) -> String {
        let ty = self.pick(&SCALARS);
        self.expr(ty, depth)
    }

    pub(super) fn any(&mut self, depth: u32) -> String {
        let ty = self.pick(&ALL);
        self.expr(ty, depth)
    }

    pub(super) fn leaf(&mut self, ty: Ty) -> String {
        if self.chance(50) {
            if let Some(v) = self.var_of(ty) {
                self.note("var");
                return v;
            }
        }
        self.note("lit");
        self.literal(ty)
    }

    pub(super) fn int_literal(&mut self) -> String {
        let squirrel = self.d.squirrel();
        match self.rng.u8(..4) {
            0 if squirrel => self.rng.i64(..).to_string(),
            0 => self.rng.i32(..).to_string(),
            1 => self.rng.i32(-1000..1000).to_string(),
            _ => self.pick(if squirrel { INT_SQ } else { INT_IMP }).to_string(),
        }
    }

    pub(super) fn literal(&mut self, ty: Ty) -> String {
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
                if (s.contains("\\u") && !self.d.squirrel()) || (self.d.portable && !s.is_ascii()) {
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
    pub(super) fn operand(&self, op: &str, b: &str) -> String {
        match op {
            "%" if self.d.compared => format!("({b} || 1)"),
            "<<" | ">>" | ">>>" if self.d.portable => format!("({b} & 31)"),
            _ => b.to_string(),
        }
    }

    /// A lambda, in parentheses when compared (as an operand, `1 == @(x) x`, it is a
    /// known front-end gap).
    pub(super) fn lambda(&self, text: String) -> String {
        if self.d.compared {
            format!("({text})")
        } else {
            text
        }
    }

    /// A ternary's condition: when compared, never a bare value, which sq 3.2's peephole
    /// fuses with a comparison just before it (`(x <=> 1) + (v ? 2 : 7)` jumps on the
    /// comparison and clobbers its result; a documented reference bug).
    fn condition(&self, c: &str) -> String {
        if self.d.compared {
            format!("!!({c})")
        } else {
            c.to_string()
        }
    }

    /// A libm result, when compared, cut to 1/4096: the reference `sq` is built with
    /// `-O2`, which narrows `(float)sin((double)x)` to `sinf(x)`, a last-place
    /// difference that `%`, `pow` or a cancellation can magnify (a documented build
    /// artefact); impish rounds the double result.
    fn coarse(&self, call: String) -> String {
        if self.d.compared {
            format!("(floor({call} * 4096.0) / 4096.0)")
        } else {
            call
        }
    }

    /// An integer operand of float arithmetic: in portable programs within 2^24 of
    /// zero, exact as a float, because the 32-bit x86 `sq` keeps such an operand in
    /// x87 extended precision where the imp rounds it to a float first (documented).
    fn exact_int(&mut self, d: u32) -> String {
        let i = self.expr(Ty::Int, d);
        if self.d.portable {
            format!("(({i}) & 0xffffff)")
        } else {
            i
        }
    }

    /// A computed table key: when compared, an integer or an error (`| 0`), because an
    /// object key (an expression typed integer may give an instance) hashes by its
    /// address in sq, so the squirrel profile's tables (printed in iteration order)
    /// would differ.
    fn key(&mut self, d: u32) -> String {
        let k = self.expr(Ty::Int, d);
        if self.d.compared {
            format!("(({k}) | 0)")
        } else {
            k
        }
    }

    pub(super) fn pick_class(&mut self) -> String {
        let i = self.rng.usize(..self.classes.len());
        self.classes[i].clone()
    }

    pub(super) fn int_expr(&mut self, d: u32) -> String {
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
                // Portable: of a string comparison only the sign (i386 glibc's strcmp
                // answers the byte difference on some paths, -1 or 1 on others).
                if ty == Ty::Str && self.d.portable {
                    format!("(({a} <=> {b}) <=> 0)")
                } else {
                    format!("({a} <=> {b})")
                }
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
                format!("({} ? {a} : {b})", self.condition(&c))
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
                    // An expression typed integer may give a float (a parameter).
                    "tointeger()" if self.d.portable => format!("toint({x})"),
                    _ => format!("({x}).{m}"),
                }
            }
        }
    }

    pub(super) fn float_expr(&mut self, d: u32) -> String {
        const OPS: &[(&str, &str)] =
            &[("+", "float.add"), ("-", "float.sub"), ("*", "float.mul"), ("/", "float.div"), ("%", "float.mod")];
        match self.rng.u8(..8) {
            0..=3 => {
                let (op, kind) = self.pick(OPS);
                self.note(kind);
                let a = self.expr(Ty::Float, d);
                let b = if self.chance(30) { self.exact_int(d) } else { self.expr(Ty::Float, d) };
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
                let call = format!("{ns}{f}({})", self.expr(Ty::Float, d));
                match f {
                    "sqrt" | "floor" | "ceil" | "fabs" => call,
                    _ => self.coarse(call),
                }
            }
            7 if !self.d.portable => {
                self.note("math2");
                let f = self.pick(&["pow", "atan2"]);
                let ns = if self.d.squirrel() { "" } else { "math." };
                let call = format!("{ns}{f}({}, {})", self.expr(Ty::Float, d), self.expr(Ty::Float, d));
                self.coarse(call)
            }
            _ if !self.d.portable => {
                self.note("str.tofloat");
                format!("({}).tofloat()", self.expr(Ty::Str, d))
            }
            _ => self.leaf(Ty::Float),
        }
    }

    pub(super) fn str_expr(&mut self, d: u32) -> String {
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
                    _ if self.d.compared => format!("escape({})", self.pick(ESCAPABLE)),
                    _ => format!("escape({s})"),
                }
            }
            11 => {
                self.note("int.tochar");
                let i = self.expr(Ty::Int, d);
                if self.d.portable {
                    format!("(({i}) & 127).tochar()")
                } else {
                    format!("({i}).tochar()")
                }
            }
            12 => {
                self.note("str.ternary");
                let c = self.expr(Ty::Bool, d);
                let a = self.expr(Ty::Str, d);
                let b = self.expr(Ty::Str, d);
                format!("({} ? {a} : {b})", self.condition(&c))
            }
            _ => {
                self.note("call.str");
                let f = self.expr(Ty::Func, d);
                format!("dump({f}({}))", self.any_scalar(d))
            }
        }
    }

    pub(super) fn format_expr(&mut self, d: u32) -> String {
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
            let arg = self.expr(ty, d);
            // Portable: no byte above 0x7F (the imp's chars are unsigned, x86's signed).
            args.push(if spec.ends_with('c') && self.d.portable { format!("(({arg}) & 127)") } else { arg });
        }
        let mut call = format!("format(\"{fmt}\"");
        for a in args {
            call.push_str(", ");
            call.push_str(&a);
        }
        call + ")"
    }

    pub(super) fn bool_expr(&mut self, d: u32) -> String {
        match self.rng.u8(..9) {
            0..=2 => {
                self.note("compare");
                let op = self.pick(&["<", "<=", ">", ">=", "==", "!="]);
                let ty = self.pick(&[Ty::Int, Ty::Float, Ty::Str, Ty::Int, Ty::Inst]);
                let a = self.expr(ty, d);
                // Portable: no integer against a float (x87 compares them exactly, the imp
                // rounds the integer to a float first; documented).
                let numeric = matches!(ty, Ty::Int | Ty::Float);
                let mixed = self.chance(20) && !(self.d.portable && numeric);
                let b = if mixed { self.any_scalar(d) } else { self.expr(ty, d) };
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

    pub(super) fn array_expr(&mut self, d: u32) -> String {
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
    pub(super) fn bool_expr_of(&mut self, x: &str, d: u32) -> String {
        let v = self.any_scalar(d);
        let op = self.pick(&["==", "!=", "<", ">"]);
        match self.rng.u8(..3) {
            0 => format!("(typeof {x} == \"integer\")"),
            1 => format!("({x} {op} {v})"),
            _ => format!("({x} != null)"),
        }
    }

    pub(super) fn table_expr(&mut self, d: u32) -> String {
        match self.rng.u8(..5) {
            0..=2 => {
                self.note("table.lit");
                let mut slots = Vec::new();
                for _ in 0..self.rng.usize(..5) {
                    let v = self.any(d);
                    let slot = match self.rng.u8(..3) {
                        0 => format!("[{}] = {v}", self.key(d)),
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

    pub(super) fn func_expr(&mut self, d: u32) -> String {
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

    pub(super) fn inst_expr(&mut self, d: u32) -> String {
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
}
