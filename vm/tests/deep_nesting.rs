//! Programs nested near the depth the front end allows compile, print (`--ast`) and
//! run on a 2 MB thread, and deeper ones are a "nesting too deep" error, never a Rust stack
//! overflow: every recursive pass (compiler, constant folding, printing) grows its stack
//! on the heap as it needs and sees only trees the depth bound let through; dropping the
//! tree does not recurse.

use impish_vm::syntax::{parse, sexpr, MAX_DEPTH};
use impish_vm::{Profile, Vm};

/// Each shape nests its argument once more; `depth` of them around a leaf.
const SHAPES: &[(&str, &str, &str)] = &[
    ("arrays", "[", "]"),
    ("tables", "{a=", "}"),
    ("negation", "- ", ""),
    ("not", "!", ""),
    ("bitwise not", "~", ""),
    ("typeof", "typeof ", ""),
    ("assignments", "a = ", ""),
    ("right operands", "a + (", ")"),
    ("left operands", "", " + a"),
    ("comparisons", "", " < a"),
    ("logic", "a && (", ")"),
    ("ternaries", "a ? 1 : ", ""),
    ("ternary conditions", "(", " ? 1 : 2)"),
    ("calls", "f(", ")"),
    ("method chains", "", ".f(1)"),
    ("indexes", "", "[0]"),
    ("lambdas", "@() ", ""),
    ("functions", "function() { return ", " }"),
    ("clones", "clone ", ""),
];

/// Statement shapes, around `x = a;`.
const STATEMENTS: &[(&str, &str, &str)] = &[
    ("blocks", "{ ", " }"),
    ("ifs", "if (a) ", ""),
    ("else chains", "if (a) a = 1; else ", ""),
    ("whiles", "while (a) ", ""),
    ("fors", "for (;a;) ", ""),
    ("foreaches", "foreach (v in a) ", ""),
    ("try", "try { ", " } catch (e) {}"),
    ("switch", "switch (a) { case 1: ", " }"),
    ("functions", "function g() { ", " }"),
];

fn nest(open: &str, leaf: &str, close: &str, depth: usize) -> String {
    open.repeat(depth) + leaf + &close.repeat(depth)
}

/// A program nesting a shape the given number of times.
type Program = Box<dyn Fn(usize) -> String>;

/// Each shape by name, as a program.
fn shapes() -> Vec<(&'static str, Program)> {
    const PRELUDE: &str = "local a = 0, x = 0; local f = @(...) 0;\n";
    let mut out: Vec<(&'static str, Program)> = Vec::new();
    for &(name, open, close) in SHAPES {
        out.push((name, Box::new(move |depth| format!("{PRELUDE}x = {};", nest(open, "a", close, depth)))));
    }
    for &(name, open, close) in STATEMENTS {
        out.push((name, Box::new(move |depth| format!("{PRELUDE}{}", nest(open, "x = a;", close, depth)))));
    }
    out
}

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).expect("thread").join().expect("no panic");
}

#[test]
fn deep_programs_compile_print_and_run_on_a_2_mb_stack() {
    on_small_stack(|| {
        for (name, program) in shapes() {
            // A level of a shape is one to four levels of the tree.
            let source = program(MAX_DEPTH / 4);
            let ast = parse(&source, "t.nut").expect("parses");
            assert!(!sexpr::program(&ast.program).is_empty());
            let mut vm = Vm::new(Profile::Squirrel);
            if let Err(e) = vm.run_source(&source, "t.nut") {
                assert!(!e.to_string().contains("nesting"), "{name}: {e}");
            }
        }
    });
}

#[test]
fn deeper_programs_are_an_error_on_a_2_mb_stack() {
    on_small_stack(|| {
        for (name, program) in shapes() {
            let err = parse(&program(2 * MAX_DEPTH), "t.nut").expect_err(name);
            assert_eq!(err.message, "nesting too deep", "{name}");
        }
    });
}

#[test]
fn parentheses_do_not_deepen_the_tree() {
    on_small_stack(|| {
        let parens = "(".repeat(100_000) + "a" + &")".repeat(100_000);
        let ast = parse(&format!("local a = 1; local x = {parens};"), "t.nut").expect("parses");
        assert!(!sexpr::program(&ast.program).is_empty());
    });
}
