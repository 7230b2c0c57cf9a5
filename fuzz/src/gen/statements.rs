//! Statements: printed results, assignments, control flow, declarations, classes,
//! generators and threads, library calls with callbacks, deep nesting.

use super::*;

impl Gen<'_> {
    /// Prints `expr` under a tag naming its production, inside `try`.
    pub(super) fn print_expr(&mut self, expr: impl FnOnce(&mut Self) -> String) {
        self.kind = None;
        let e = expr(self);
        let kind = self.kind.take().unwrap_or("expr");
        let tag = format!("{}:{kind}", self.fresh("k"));
        self.line(&format!("try {{ p(\"{tag}\", {e}); }} catch (e) {{ pe(\"{tag}\", e); }}"));
    }

    pub(super) fn statement(&mut self, depth: u32) {
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

    pub(super) fn assign(&mut self) {
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
    pub(super) fn guarded(&mut self, ty: Ty, depth: u32) -> String {
        let name = self.fresh("s");
        let e = self.expr(ty, depth);
        let lit = self.literal(ty);
        self.line(&format!("local {name} = {lit};"));
        self.line(&format!("try {{ {name} = {e}; }} catch (e) {{ pe(\"guard.{name}\", e); }}"));
        name
    }

    pub(super) fn if_stmt(&mut self, depth: u32) {
        let ty = self.pick(&ALL);
        let c = self.guarded(ty, 2);
        self.block(&format!("if ({c})"), |g| g.body(depth));
        if self.chance(50) {
            self.block("else", |g| g.body(depth));
        }
    }

    pub(super) fn for_loop(&mut self, depth: u32) {
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

    pub(super) fn while_loop(&mut self, depth: u32) {
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

    pub(super) fn foreach(&mut self, depth: u32) {
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

    pub(super) fn switch(&mut self, depth: u32) {
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

    pub(super) fn function_decl(&mut self, depth: u32) {
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

    pub(super) fn class_decl(&mut self) {
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
                // Compared, no `_modulo`: sq 3.2's `%` drops the failures inside it too
                // and goes on with a stale value (a documented reference bug).
                if g.chance(40) && !(meta == "_modulo" && g.d.compared) {
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

    pub(super) fn instance_ops(&mut self) {
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

    pub(super) fn generator(&mut self) {
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
    pub(super) fn thread(&mut self) {
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

    pub(super) fn try_throw(&mut self, depth: u32) {
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

    pub(super) fn array_mutation(&mut self) {
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

    pub(super) fn table_mutation(&mut self) {
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

    pub(super) fn blob(&mut self) {
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

    pub(super) fn deep_nesting(&mut self) {
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

    pub(super) fn closures_in_loop(&mut self) {
        let fs = self.fresh("fs");
        let n = self.rng.i32(0..4);
        let tag = format!("{}:closure.loop", self.fresh("k"));
        let exit = if !self.d.portable && self.chance(40) { "if (i == 1) break;" } else { "" };
        self.line(&format!(
            "local {fs} = []; for (local i = 0; i < {n}; i++) {{ local j = i * 10; {fs}.push(function() {{ return [i, j++]; }}); {exit} }}"
        ));
        self.line(&format!("foreach (f in {fs}) {{ p(\"{tag}\", f()); p(\"{tag}\", f()); }}"));
    }

    pub(super) fn sort(&mut self) {
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

    pub(super) fn reduce(&mut self) {
        let a = self.expr(Ty::Array, 2);
        let tag = format!("{}:reduce", self.fresh("k"));
        let f = self.pick(&["@(a, b) a + b", "@(a, b) [a, b]", "function(a, b) { return dump(a) < dump(b) ? a : b; }"]);
        let init = if !self.d.portable && self.d.squirrel() && self.chance(40) { ", 0" } else { "" };
        self.line(&format!("try {{ p(\"{tag}\", ({a}).reduce({f}{init})); }} catch (e) {{ pe(\"{tag}\", e); }}"));
    }
}
