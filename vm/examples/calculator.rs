//! A calculator: Rust functions registered as typed natives, expressions evaluated
//! with `Vm::eval`, the previous result kept as `ans`.
//!
//! ```text
//! cargo run -p impish-vm --example calculator -- "hypot(3, 4)" "ans * 2" "avg(1, 2, 3, 4)"
//! echo "sqrt(2)" | cargo run -p impish-vm --example calculator
//! ```
//!
//! The arithmetic is Squirrel's: integers divide as integers (`7 / 2` is 3, `7.0 / 2`
//! is 3.5) and floats are 32-bit.

use impish_vm::{Error, Profile, Rest, Vm};

/// A VM with the calculator's functions.
struct Calculator {
    vm: Vm,
}

impl Calculator {
    fn new() -> Calculator {
        let mut vm = Vm::new(Profile::Squirrel);
        // Each closure's parameter types are its arity and type checks: `sqrt("x")`
        // fails before the closure runs, with the reference's message.
        vm.register_fn("sqrt", |x: f64| if x < 0.0 { Err(format!("sqrt of {x}")) } else { Ok(x.sqrt()) });
        vm.register_fn("pow", f64::powf);
        vm.register_fn("hypot", f64::hypot);
        vm.register_fn("deg", f64::to_degrees);
        // Any number of arguments after the first.
        vm.register_fn("avg", |first: f64, Rest(more): Rest<f64>| {
            (first + more.iter().sum::<f64>()) / (1 + more.len()) as f64
        });
        // Integer division that reports a zero divisor as a catchable error.
        vm.register_fn("div", |a: i64, b: i64| a.checked_div(b).ok_or("integer division by zero"));
        let globals = vm.globals();
        globals.set(&mut vm, "PI", std::f64::consts::PI).expect("a number converts");
        globals.set(&mut vm, "ans", 0).expect("a number converts");
        Calculator { vm }
    }

    /// Evaluates one expression; its value is `ans` in the next one.
    fn evaluate(&mut self, expression: &str) -> Result<f32, Error> {
        let value: f32 = self.vm.eval(expression)?;
        self.vm.globals().set(&mut self.vm, "ans", value)?;
        Ok(value)
    }
}

fn main() {
    let mut calculator = Calculator::new();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lines: Box<dyn Iterator<Item = String>> = if args.is_empty() {
        Box::new(std::io::stdin().lines().map_while(Result::ok))
    } else {
        Box::new(args.into_iter())
    };
    for line in lines.filter(|l| !l.trim().is_empty()) {
        match calculator.evaluate(&line) {
            Ok(value) => println!("{value}"),
            // `{:#}` adds the Squirrel call stack to a runtime error.
            Err(e) => eprintln!("error: {e:#}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_with_native_functions_and_ans() {
        let mut c = Calculator::new();
        assert_eq!(c.evaluate("hypot(3, 4)").ok(), Some(5.0));
        assert_eq!(c.evaluate("ans * 2").ok(), Some(10.0));
        assert_eq!(c.evaluate("avg(1, 2, 3, 4)").ok(), Some(2.5));
        assert_eq!(c.evaluate("pow(2, 10) + div(7, 2)").ok(), Some(1027.0));
        assert_eq!(c.evaluate("deg(PI)").ok(), Some(180.0));
    }

    #[test]
    fn reports_errors_as_squirrel_does() {
        let mut c = Calculator::new();
        let message = |r: Result<f32, Error>| r.map_err(|e| e.to_string()).unwrap_err();
        assert_eq!(
            message(c.evaluate("sqrt(\"x\")")),
            "parameter 1 has an invalid type 'string' ; expected: 'integer|float'"
        );
        assert_eq!(message(c.evaluate("sqrt(-4)")), "sqrt of -4");
        assert_eq!(message(c.evaluate("div(1, 0)")), "integer division by zero");
        assert_eq!(
            message(c.evaluate("\"text\"")),
            "the result has an invalid type 'string' ; expected: 'integer|float'"
        );
        assert_eq!(c.evaluate("try { div(1, 0) } catch (e) { return -1 }").ok(), Some(-1.0), "errors are catchable");
    }
}
