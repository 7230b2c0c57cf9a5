//! Front-end golden tests: every shared program parses; the newline and grouping rules
//! render to the expected trees; malformed programs fail with the reference compiler's
//! message at its line and column (expected texts recorded from the reference `sq`).

use impish_syntax::{parse, parse_dialect, sexpr, Dialect};
use std::path::{Path, PathBuf};

fn project_dir(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative)
}

fn squirrel_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "nut"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_conformance_and_perf_program_parses() {
    let mut count = 0;
    for dir in ["tests/conformance", "benches/perf/programs"] {
        for path in squirrel_files(&project_dir(dir)) {
            let source = std::fs::read_to_string(&path).expect("readable program");
            if let Err(err) = parse(&source, &path.display().to_string()) {
                panic!("{err}");
            }
            count += 1;
        }
    }
    assert_eq!(count, 83, "75 conformance programs and 8 perf programs");
}

#[test]
fn every_sample_parses() {
    let samples = project_dir("samples");
    let mut count = 0;
    for entry in std::fs::read_dir(&samples).expect("samples/") {
        let Ok(entry) = entry else { continue };
        if entry.path().is_dir() {
            for path in squirrel_files(&entry.path()) {
                let source = std::fs::read_to_string(&path).expect("readable sample");
                if let Err(err) = parse(&source, &path.display().to_string()) {
                    panic!("{err}");
                }
                count += 1;
            }
        }
    }
    assert!(count >= 7, "the samples hold at least 7 programs, found {count}");
}

/// Each case: source, and its tree one line per statement.
const TREES: &[(&str, &str)] = &[
    ("local e = 10\n- 4", "(local e=(- 10 4))"),
    ("local r = f\n(21)", "(local r=(call f 21))"),
    ("return\nx", "(return)\nx"),
    ("return x\n", "(return x)"),
    ("x\n++y", "x\n(++x y)"),
    ("x++\ny", "(x++ x)\ny"),
    ("a\n.b()", "(call (. a b))"),
    ("if (c) a(); else b()", "(if c (call a) else (call b))"),
    ("if (c) a()\nelse b()", "(if c (call a) else (call b))"),
    ("if (c) {} else {} foo()", "(if c {} else {})\n(call foo)"),
    ("if (a) if (b) x(); else y()", "(if a (if b (call x) else (call y)))"),
    ("if (c) ; else x()", "(if c ; else (call x))"),
    ("if (c)\n  x()\nelse\n  y()", "(if c (call x) else (call y))"),
    ("do x() while (y)\nz()", "(do (call x) while y)\n(call z)"),
    ("do { x() }\nwhile (y)", "(do {(call x)} while y)"),
    ("while (a) b()\nc()", "(while a (call b))\n(call c)"),
    ("local t = {} foo()", "(local t={})\n(call foo)"),
    ("function f() {}\n[1, 2].len()", "(function f (fn () {}))\n(call (. [1 2] len))"),
    ("local t = {a = 1 b = 2, c = 3\n d = 4, \"e\": 5,}", "(local t={[\"a\"]=1 [\"b\"]=2 [\"c\"]=3 [\"d\"]=4 [\"e\"]=5})"),
    ("local a = [1 2 -3, (4) [5],]", "(local a=[1 (- 2 3) ([] 4 5)])"),
    ("f(a b, c\n d)", "(call f a b c d)"),
    ("f(a\n++b)", "(call f a (++x b))"),
    ("f() { a = 1, [\"b\"] = 2 }", "(init (call f) [\"a\"]=1 [\"b\"]=2)"),
    ("f()\n{ a = 1 }.a", "(. (init (call f) [\"a\"]=1) a)"),
    ("local x = 1\n{ local y = 2 }", "(local x=1)\n{(local y=2)}"),
    ("function a::b::c(x, y = 2) { return x }", "(function a::b::c (fn (x y=2) {(return x)}))"),
    ("function f[env](a,) {}", "(function f (fn [env] (a) {}))"),
    ("local function g(...) { return vargv }", "(local-function g (fn (...) {(return vargv)}))"),
    (
        "class A.B extends C </ x = 1 /> { static y = 2; </ z = 3 /> function f() {} constructor(a) {} [k] = 5 }",
        "(class (. A B) extends C </[\"x\"]=1/> {static [\"y\"]=2 </[\"z\"]=3/>[\"f\"]=(fn () {}) [\"constructor\"]=(fn (a) {}) [k]=5})",
    ),
    ("class A\n{\n x = 1\n y = 2\n}", "(class A {[\"x\"]=1 [\"y\"]=2})"),
    ("local C = class extends {} {}", "(local C=(class extends {} {}))"),
    ("P.constructor.call(p, 42)\nx", "(call (. (. P constructor) call) p 42)\nx"),
    ("base.constructor(a)\nx = 1", "(call (. base constructor) a)\n(= x 1)"),
    ("enum E { A, B = 5, C D = \"s\", E = -1.5 }", "(enum E A=0 B=5 C=1 D=\"s\" E=-1.5)"),
    ("const K = -7", "(const K -7)"),
    (
        "switch (x) { case 1: a(); case 2: b()\n break\n default: c() }",
        "(switch x (case 1 {(call a)}) (case 2 {(call b); break}) (default {(call c)}))",
    ),
    ("for (local i = 0, j = 1; i < 3; i++) foo(i)", "(for (local i=0 j=1) (< i 3) (x++ i) (call foo i))"),
    ("for (;;) {}", "(for _ _ _ {})"),
    ("foreach (k, v in t) print(k)", "(foreach k v in t (call print k))"),
    ("try { a() }\ncatch (e) { b() }", "(try {(call a)} catch e {(call b)})"),
    ("local f = @(a, b = 2) a + b", "(local f=(fn (a b=2) (+ a b)))"),
    ("x = a ? b : c ? d : e", "(= x (? a b (? c d e)))"),
    ("x = y = z", "(= x (= y z))"),
    ("a.b[c](d).e <- 5", "(<- (. (call ([] (. a b) c) d) e) 5)"),
    ("local v = -x.y++", "(local v=(neg (x++ (. x y))))"),
    ("print(typeof a == \"b\" && !c || d in e)", "(call print (|| (&& (== (typeof a) \"b\") (! c)) (in d e)))"),
    ("x = 1 << 2 + 3 & 4 ^ 5 | 6 <=> 7 >>> 1", "(= x (| (^ (& (<< 1 (+ 2 3)) 4) 5) (<=> 6 (>>> 7 1))))"),
    ("x = a instanceof B == c < d", "(= x (== (instanceof a B) (< c d)))"),
    ("::g <- function() {}", "(<- ::g (fn () {}))"),
    ("while (0) ; print(1)", "(while 0 ;)\n(call print 1)"),
    ("if (0) ; else ; print(3)", "(if 0 ; else ;)\n(call print 3)"),
    ("x += 1, y -= 2", "(, (+= x 1) (-= y 2))"),
    (
        "local s = @\"a\"\"b\" + 'c' + 0x1F + 017 + 1.5e2 + __LINE__ + __FILE__",
        "(local s=(+ (+ (+ (+ (+ (+ \"a\\\"b\" 99) 31) 15) 150.0) 1) \"t.nut\"))",
    ),
    ("rawcall(f, this, 1)", "(rawcall f this 1)"),
    ("delete t.x; clone a; resume g; base.f()", "(delete (. t x))\n(clone a)\n(resume g)\n(call (. base f))"),
    ("local x = 1; ; ; local y = 2", "(local x=1)\n(local y=2)"),
    ("/* a\nb */ x #c\n// d\ny", "x\ny"),
    ("yield\nyield 1", "(yield)\n(yield 1)"),
    ("throw \"e\"", "(throw \"e\")"),
];

#[test]
fn grouping_and_newline_rules() {
    for (source, expected) in TREES {
        let ast = parse(source, "t.nut").unwrap_or_else(|e| panic!("{source:?} should parse:\n{e}"));
        let tree = sexpr::program(&ast.program);
        assert_eq!(tree.trim_end(), *expected, "for {source:?}");
    }
}

/// Each case: a name, the source, and the reference's report of its error.
const ERRORS: &[(&str, &str, &str)] = &[
    ("two_statements_on_one_line", "print(1) print(2)", "t.nut line = (1) column = (14) : error end of statement expected (; or lf)"),
    ("statement_after_expression_on_second_line", "local a = 1\nlocal b = 2 b = 3", "t.nut line = (2) column = (14) : error end of statement expected (; or lf)"),
    ("bracket_after_newline_cannot_index", "local a = [1]\na\n[0]", "t.nut line = (3) column = (2) : error cannot break deref/or comma needed after [exp]=exp slot declaration"),
    ("bracket_after_newline_in_table", "local t = { a = 1\n  [\"b\"] = 2 }", "t.nut line = (2) column = (4) : error cannot break deref/or comma needed after [exp]=exp slot declaration"),
    ("else_on_the_same_line_needs_separator", "if (1) print(1) else print(2)", "t.nut line = (1) column = (20) : error end of statement expected (; or lf)"),
    ("do_body_then_semicolon", "do foo(); while (1)", "t.nut line = (1) column = (9) : error expected 'while'"),
    ("try_body_then_semicolon", "try foo(); catch (e) {}", "t.nut line = (1) column = (10) : error expected 'catch'"),
    ("case_needs_separator", "switch (1) { case 1: foo() case 2: bar() }", "t.nut line = (1) column = (31) : error end of statement expected (; or lf)"),
    ("class_members_are_not_comma_separated", "class A { x = 1, y = 2 }", "t.nut line = (1) column = (16) : error expected 'IDENTIFIER'"),
    ("assign_to_expression", "x = 1 = 2", "t.nut line = (1) column = (7) : error can't assign expression"),
    ("assign_to_parenthesized_name", "local a = 1\n(a) = 2", "t.nut line = (2) column = (6) : error can't assign expression"),
    ("assign_to_base", "base = 5", "t.nut line = (1) column = (6) : error 'base' cannot be modified"),
    ("trailing_comma_in_call", "foo(1, )", "t.nut line = (1) column = (8) : error expression expected, found ')'"),
    ("default_then_plain_parameter", "local f = function(a = 1, b) {}", "t.nut line = (1) column = (28) : error expected '='"),
    ("defaults_and_varargs", "local f = function(a = 1, ...) {}", "t.nut line = (1) column = (29) : error function with default parameters cannot have variable number of parameters"),
    ("rawcall_needs_callee_and_this", "local x = rawcall(f)", "t.nut line = (1) column = (20) : error rawcall requires at least 2 parameters (callee and this)"),
    ("missing_close_paren", "local x = (1 + 2", "t.nut line = (1) column = (16) : error expected ')'"),
    ("for_needs_semicolons", "for (local i = 0 i < 3; i++) {}", "t.nut line = (1) column = (18) : error expected ';'"),
    ("foreach_needs_in", "foreach (k v in t) {}", "t.nut line = (1) column = (12) : error expected 'in'"),
    ("enum_value_must_be_scalar", "enum E { A = x }", "t.nut line = (1) column = (14) : error scalar expected : integer, float, or string"),
    ("const_value_must_be_scalar", "const C = foo", "t.nut line = (1) column = (13) : error scalar expected : integer, float, or string"),
    ("local_needs_a_name", "local 5 = 3", "t.nut line = (1) column = (7) : error expected 'IDENTIFIER'"),
    ("parameter_needs_a_name", "function f( {", "t.nut line = (1) column = (13) : error expected 'IDENTIFIER'"),
    ("expression_cut_by_end_of_file", "local x = 1 +", "t.nut line = (1) column = (13) : error expression expected"),
    ("unclosed_array", "local x = [1, 2", "t.nut line = (1) column = (15) : error expression expected"),
    ("return_value_then_more", "return 5 6", "t.nut line = (1) column = (10) : error end of statement expected (; or lf)"),
    ("unknown_character", "local x = $", "t.nut line = (1) column = (11) : error expression expected"),
    ("statement_after_semicolon_line", "local x = 5;\n  local y = 6 7", "t.nut line = (2) column = (16) : error end of statement expected (; or lf)"),
    ("newline_in_string", "local s = \"abc\ndef\"", "t.nut line = (1) column = (14) : error newline in a constant"),
    ("unknown_escape", "local s = \"abc\\q\"", "t.nut line = (1) column = (15) : error unrecognised escaper char"),
    ("hex_escape_without_digits", "local x = \"\\x\"", "t.nut line = (1) column = (13) : error hexadecimal number expected"),
    ("unfinished_string", "local s = \"abc", "t.nut line = (1) column = (14) : error unfinished string"),
    ("unfinished_verbatim_string", "local s = @\"abc\n", "t.nut line = (2) column = (16) : error unfinished string"),
    ("empty_char_literal", "local c = ''", "t.nut line = (1) column = (12) : error empty constant"),
    ("char_literal_too_long", "local c = 'ab'", "t.nut line = (1) column = (14) : error constant too long"),
    ("hex_literal_too_long", "local x = 0x12345678901234567", "t.nut line = (1) column = (29) : error too many digits for an Hex number"),
    ("octal_literal_with_nine", "local x = 0779", "t.nut line = (1) column = (13) : error invalid octal number"),
    ("exponent_without_digits", "local x = 1e+", "t.nut line = (1) column = (13) : error exponent expected"),
    ("two_dots", "local x = 1 ..2", "t.nut line = (1) column = (14) : error invalid token '..'"),
    ("unterminated_block_comment", "/* unterminated", "t.nut line = (1) column = (15) : error missing \"*/\" in comment"),
    ("control_character", "local x = 1\n\u{1}", "t.nut line = (2) column = (1) : error unexpected character(control)"),
    ("decrement_a_number", "print(--1)", "t.nut line = (1) column = (10) : error can't '++' or '--' an expression"),
    ("increment_a_number_then_more", "local a = 1++    + 2", "t.nut line = (1) column = (18) : error can't '++' or '--' an expression"),
    ("decrement_then_a_name", "local a = --1 foo", "t.nut line = (1) column = (17) : error can't '++' or '--' an expression"),
    ("decrement_at_end_of_file", "print(--1", "t.nut line = (1) column = (9) : error can't '++' or '--' an expression"),
    ("error_on_third_line_column", "local a = 1\nlocal b = 2\n   foo(,)", "t.nut line = (3) column = (9) : error expression expected"),
];

#[test]
fn errors_match_the_reference_message_line_and_column() {
    let mut mismatches = Vec::new();
    for (name, source, expected) in ERRORS {
        match parse(source, "t.nut") {
            Ok(_) => mismatches.push(format!("{name}: parsed, expected {expected}")),
            Err(err) if err.reference_report() != *expected => {
                mismatches.push(format!("{name}:\n  got      {}\n  expected {expected}", err.reference_report()))
            }
            Err(_) => {}
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn line_directives_move_positions() {
    let source = "local a = 1\n#line 40 \"lib.nut\"\nlocal b = 2 3";
    let err = parse(source, "main.nut").expect_err("a syntax error on the renumbered line");
    assert_eq!((&*err.position.file, err.position.line), ("lib.nut", 40));
    let ast = parse("#line 7\nx <- __LINE__", "m.nut").expect("parses");
    assert_eq!(sexpr::program(&ast.program), "(<- x 7)\n");
}

#[test]
fn errors_render_with_a_caret_under_the_token() {
    let err = parse("local a = 1\nlocal b = 2 b = 3", "t.nut").expect_err("two statements");
    assert_eq!(
        err.to_string(),
        "t.nut:2:14: error: end of statement expected (; or lf)\n2 | local b = 2 b = 3\n  |             ^"
    );
}

/// The imp's Squirrel is 3.0.4: the 3.1/3.2 syntax is an error or means something else.
#[test]
fn the_imp_dialect_lacks_the_3_1_and_3_2_syntax() {
    let imp = |source: &str| parse_dialect(source, "t.nut", Dialect::Imp);
    let tree = |source: &str| imp(source).map(|ast| sexpr::program(&ast.program)).map_err(|e| e.reference_report());
    assert_eq!(tree("x = __LINE__ + rawcall(f, this)"), Ok("(= x (+ __LINE__ (call rawcall f this)))\n".into()));
    assert_eq!(tree("f()\n{ local a = 1 }"), Ok("(call f)\n{(local a=1)}\n".into()));
    assert_eq!(
        tree("f() { a = 1 }"),
        Err("t.nut line = (1) column = (5) : error end of statement expected (; or lf)".into())
    );
    assert_eq!(tree("local g = function[env]() {}"), Err("t.nut line = (1) column = (19) : error expected '('".into()));
    assert_eq!(
        tree("local s = \"\\u00e9\""),
        Err("t.nut line = (1) column = (12) : error unrecognised escaper char".into())
    );
    assert_eq!(tree("local s = \"\\x41\""), Ok("(local s=\"A\")\n".into()));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let arrays = "[".repeat(20_000) + &"]".repeat(20_000);
    let err = parse(&format!("local x = {arrays}"), "t.nut").expect_err("too deep");
    assert_eq!(err.message, "nesting too deep");
    let minus = "local x = ".to_string() + &"- ".repeat(20_000) + "1";
    let err = parse(&minus, "t.nut").expect_err("too deep");
    assert_eq!(err.message, "nesting too deep");
    let ifs = "if (a) ".repeat(20_000) + "x()";
    let err = parse(&ifs, "t.nut").expect_err("too deep");
    assert_eq!(err.message, "nesting too deep");
    let reasonable = "if (a) ".repeat(100) + "x()";
    assert!(parse(&reasonable, "t.nut").is_ok());
}
