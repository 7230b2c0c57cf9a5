//! Property tests of the interpreter: integer arithmetic agrees with two's-complement
//! wrapping arithmetic at the profile's width (64-bit for `squirrel`, 32-bit for `imp`),
//! and no generated program makes the VM panic or run away.

use impish_vm::{Profile, Vm};
use proptest::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Clone, Debug)]
enum Expr {
    Int(i64),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![(-1000i64..1000).prop_map(Expr::Int), any::<i32>().prop_map(|i| Expr::Int(i64::from(i)))];
    leaf.prop_recursive(6, 48, 2, |inner| {
        prop_oneof![
            (
                prop::sample::select(vec!["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"]),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, l, r)| Expr::Bin(op, Box::new(l), Box::new(r))),
            inner.prop_map(|e| Expr::Neg(Box::new(e))),
        ]
    })
}

fn source(e: &Expr) -> String {
    match e {
        Expr::Int(i) if *i < 0 => format!("({i})"),
        Expr::Int(i) => i.to_string(),
        Expr::Bin(op, l, r) => format!("({} {op} {})", source(l), source(r)),
        Expr::Neg(inner) => format!("(-{})", source(inner)),
    }
}

/// The expected value at `bits` width; `None` where the reference's result is undefined
/// (division by zero is an error we do not model here, `MIN / -1` crashes the reference,
/// shifts by the width or more are not tested by the suite either).
fn eval(e: &Expr, bits: u32) -> Option<i64> {
    let wrap = |v: i64| if bits == 32 { i64::from(v as i32) } else { v };
    Some(match e {
        Expr::Int(i) => wrap(*i),
        Expr::Neg(inner) => wrap(eval(inner, bits)?.wrapping_neg()),
        Expr::Bin(op, l, r) => {
            let (a, b) = (eval(l, bits)?, eval(r, bits)?);
            let min = if bits == 32 { i64::from(i32::MIN) } else { i64::MIN };
            match *op {
                "+" => wrap(a.wrapping_add(b)),
                "-" => wrap(a.wrapping_sub(b)),
                "*" => wrap(a.wrapping_mul(b)),
                "/" | "%" if b == 0 || (a == min && b == -1) => return None,
                "/" => wrap(a / b),
                "%" => wrap(a % b),
                "&" => a & b,
                "|" => a | b,
                "^" => a ^ b,
                "<<" | ">>" if !(0..i64::from(bits)).contains(&b) => return None,
                "<<" => wrap(a << b),
                ">>" => a >> b,
                _ => return None,
            }
        }
    })
}

/// Runs `program`, returning what it printed, or the error's text.
fn run(profile: Profile, program: &str) -> Result<String, String> {
    let mut vm = Vm::new(profile);
    let printed = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&printed);
    vm.set_output(Box::new(move |bytes: &[u8]| sink.borrow_mut().extend_from_slice(bytes)));
    vm.set_instruction_budget(Some(200_000));
    vm.run_source(program, "prop.nut").map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&printed.borrow()).into_owned();
    Ok(text)
}

/// Statements from a small vocabulary: loops, calls, closures, tables, errors.
fn program() -> impl Strategy<Value = String> {
    let statements = prop::sample::select(vec![
        "local a = [1, 2, 3]; a.append(a.len()); a[0] = a.top();",
        "local t = { x = 1 }; t.y <- t.x * 2; delete t.x;",
        "local s = \"\"; for (local i = 0; i < 10; i++) s += i;",
        "local f = function(n) { return n <= 1 ? 1 : n * callee()(n - 1) }; f(5);",
        "try { throw { code = 1 } } catch (e) { e.code++ }",
        "while (true) { break }",
        "local g = function() { yield 1; yield 2 }(); resume g;",
        "class C { v = 0; function inc() { return ++v } }; C().inc();",
        "local x = null; x.y;",
        "local r = 1 / 0;",
        "while (true) {}",
        "function deep(n) { return deep(n + 1) } deep(0);",
        "local u = {}; u.setdelegate({ _get = function(k) { return k } }); u.anything;",
        "foreach (k, v in { a = 1, b = [2] }) { local z = v }",
        "::G <- 1; ::G += \"s\";",
    ]);
    prop::collection::vec(statements, 1..8).prop_map(|s| s.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn integer_arithmetic_wraps_at_64_bits(e in expr()) {
        if let Some(expected) = eval(&e, 64) {
            prop_assert_eq!(run(Profile::Squirrel, &format!("print({})", source(&e))), Ok(expected.to_string()));
        }
    }

    #[test]
    fn integer_arithmetic_wraps_at_32_bits_on_the_imp(e in expr()) {
        if let Some(expected) = eval(&e, 32) {
            prop_assert_eq!(run(Profile::Imp, &format!("print({})", source(&e))), Ok(expected.to_string()));
        }
    }

    #[test]
    fn division_by_zero_is_a_squirrel_error(a in any::<i32>()) {
        let result = run(Profile::Squirrel, &format!("try {{ print({a} / 0) }} catch (e) {{ print(e) }}"));
        prop_assert_eq!(result, Ok("division by zero".to_string()));
    }
}

proptest! {
    // Fewer cases: some programs spin until the instruction budget stops them.
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn random_programs_end_with_a_result_or_an_error(p in program()) {
        // An infinite loop or recursion must end by the budget or "stack overflow".
        let _ = run(Profile::Squirrel, &p);
        let _ = run(Profile::Imp, &p);
    }
}
