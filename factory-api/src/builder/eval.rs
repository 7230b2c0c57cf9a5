//! Evaluation of Builder expressions and Builder's built-in functions.
//!
//! Evaluation needs the preprocessor for two things only — variable lookup and the
//! `include()` function — so those go through the [`Host`] trait and this module stays a
//! pure interpreter over [`Expr`] that can be tested on its own.

use std::collections::BTreeMap;

use super::error::BuilderError;
use super::expr::{BinaryOp, Expr, UnaryOp};
use super::value::{Builtin, StrMethod, Value};

/// Longest string an expression may build, so `S.repeat` or doubling `@set`s cannot
/// exhaust memory.
pub(super) const MAX_STRING: usize = 16 << 20;

/// What an expression can ask of the preprocessor.
pub(super) trait Host {
    /// A variable's value in Builder's lookup order, `None` when undefined.
    fn variable(&self, name: &str) -> Option<Value>;
    /// Whether `defined(name)` holds (the environment does not count).
    fn defined(&self, name: &str) -> bool;
    /// `include(path)`: the preprocessed text of a source, without its last newline.
    fn include(&mut self, path: &str) -> Result<String>;
}

/// An evaluation failure: a message the caller locates, or an error from a nested include
/// that already carries its own location.
#[derive(Debug)]
pub(super) enum EvalError {
    Message(String),
    Nested(Box<BuilderError>),
}

impl From<String> for EvalError {
    fn from(message: String) -> Self {
        EvalError::Message(message)
    }
}

impl From<&str> for EvalError {
    fn from(message: &str) -> Self {
        EvalError::Message(message.to_string())
    }
}

type Result<T> = std::result::Result<T, EvalError>;

/// The value of a built-in global (`include`, `min`, `S`, ...), if `name` is one.
pub(super) fn builtin_value(name: &str) -> Option<Value> {
    Some(Value::Function(match name {
        "include" => Builtin::Include,
        "escape" => Builtin::Escape,
        "base64" => Builtin::Base64,
        "min" => Builtin::Min,
        "max" => Builtin::Max,
        "abs" => Builtin::Abs,
        "S" => {
            let methods = StrMethod::ALL.iter().map(|(n, m)| (n.to_string(), Value::Function(Builtin::Str(*m))));
            return Some(Value::Object(methods.collect::<BTreeMap<_, _>>()));
        }
        _ => return None,
    }))
}

pub(super) fn eval(expr: &Expr, host: &mut dyn Host) -> Result<Value> {
    Ok(match expr {
        Expr::Null => Value::Null,
        Expr::Bool(b) => Value::Bool(*b),
        Expr::Number(n) => Value::Number(*n),
        Expr::Str(s) => Value::Str(s.clone()),
        Expr::Ident(name) => host.variable(name).unwrap_or(Value::Null),
        Expr::Array(items) => Value::Array(items.iter().map(|e| eval(e, host)).collect::<Result<_>>()?),
        Expr::Unary(op, operand) => {
            let v = eval(operand, host)?;
            match op {
                // Builder returns the operand of unary `+` unchanged (no number conversion).
                UnaryOp::Plus => v,
                UnaryOp::Minus => Value::Number(-v.to_number()),
                UnaryOp::Not => Value::Bool(!v.truthy()),
            }
        }
        // Builder evaluates both sides; short-circuiting only spares errors on the unused side.
        Expr::Or(l, r) => {
            let left = eval(l, host)?;
            if left.truthy() {
                left
            } else {
                eval(r, host)?
            }
        }
        Expr::And(l, r) => {
            let left = eval(l, host)?;
            if left.truthy() {
                eval(r, host)?
            } else {
                left
            }
        }
        Expr::Binary(op, l, r) => {
            let (left, right) = (eval(l, host)?, eval(r, host)?);
            binary(*op, &left, &right)?
        }
        Expr::Filter(value, filter) => match &**filter {
            Expr::Call(callee, args) => {
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push((**value).clone());
                all.extend(args.iter().cloned());
                call(callee, &all, host)?
            }
            callee => call(callee, std::slice::from_ref(&**value), host)?,
        },
        Expr::Conditional(test, yes, no) => {
            if eval(test, host)?.truthy() {
                eval(yes, host)?
            } else {
                eval(no, host)?
            }
        }
        Expr::Member(object, property) => {
            let object = eval(object, host)?;
            let property = eval(property, host)?;
            member(&object, &property)?
        }
        Expr::Call(callee, args) => call(callee, args, host)?,
    })
}

fn binary(op: BinaryOp, left: &Value, right: &Value) -> Result<Value> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let num = |f: fn(f64, f64) -> f64| Value::Number(f(left.to_number(), right.to_number()));
    let ord = left.compare(right);
    Ok(match op {
        BinaryOp::Add => {
            let sum = left.add(right);
            if matches!(&sum, Value::Str(s) if s.len() > MAX_STRING) {
                return Err("String too long".into());
            }
            sum
        }
        BinaryOp::Sub => num(|a, b| a - b),
        BinaryOp::Mul => num(|a, b| a * b),
        BinaryOp::Div | BinaryOp::Rem if *right == Value::Number(0.0) => {
            return Err("Division by zero".into());
        }
        BinaryOp::Div => num(|a, b| a / b),
        BinaryOp::Rem => num(|a, b| a % b),
        BinaryOp::Eq => Value::Bool(left.loose_eq(right)),
        BinaryOp::Ne => Value::Bool(!left.loose_eq(right)),
        BinaryOp::Lt => Value::Bool(ord == Some(Less)),
        BinaryOp::Gt => Value::Bool(ord == Some(Greater)),
        BinaryOp::Le => Value::Bool(matches!(ord, Some(Less | Equal))),
        BinaryOp::Ge => Value::Bool(matches!(ord, Some(Greater | Equal))),
    })
}

/// `object.property` / `object[property]` with Builder's error messages.
fn member(object: &Value, property: &Value) -> Result<Value> {
    let key = property.to_string();
    if !object.truthy() {
        return Err(format!("Owner of \"{key}\" property is undefined").into());
    }
    let found = match object {
        Value::Object(map) => map.get(&key).cloned(),
        Value::Array(items) if key == "length" => Some(Value::Number(items.len() as f64)),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i).cloned()),
        Value::Str(s) if key == "length" => Some(Value::Number(s.chars().count() as f64)),
        Value::Str(s) => key.parse::<usize>().ok().and_then(|i| s.chars().nth(i)).map(|c| Value::Str(c.into())),
        _ => return Err(format!("Cannot use 'in' operator to search for '{key}' in {object}").into()),
    };
    found.ok_or_else(|| format!("Property \"{key}\" is not defined").into())
}

fn call(callee: &Expr, args: &[Expr], host: &mut dyn Host) -> Result<Value> {
    if let Expr::Ident(name) = callee {
        if name == "defined" {
            return match args.first() {
                Some(Expr::Ident(var)) => Ok(Value::Bool(host.defined(var))),
                _ => Err("defined() can only be called with an identifier as an argument".into()),
            };
        }
    }
    let function = eval(callee, host)?;
    let args = args.iter().map(|a| eval(a, host)).collect::<Result<Vec<_>>>()?;
    match (function, callee) {
        (Value::Function(f), _) => call_builtin(f, &args, host),
        (_, Expr::Ident(name)) => Err(format!("Function \"{name}\" is not defined").into()),
        (Value::Str(name), _) => Err(format!("Function \"{name}\" is not defined").into()),
        _ => Err("Can't call a non-callable expression".into()),
    }
}

fn call_builtin(f: Builtin, args: &[Value], host: &mut dyn Host) -> Result<Value> {
    let Some(first) = args.first() else {
        return Err(format!("Wrong number of arguments for {}()", f.name()).into());
    };
    let numbers = || args.iter().map(Value::to_number);
    Ok(match f {
        Builtin::Include => match first {
            Value::Str(path) => Value::Str(host.include(path.trim())?),
            other => return Err(format!("include() expects a path, got \"{other}\"").into()),
        },
        Builtin::Escape => Value::Str(limit(escape(&first.to_string()))?),
        Builtin::Base64 => Value::Str(limit(base64(first.to_string().as_bytes()))?),
        // Math.min/max: NaN wins over any number.
        Builtin::Min => {
            Value::Number(
                numbers().fold(f64::INFINITY, |a, b| if a.is_nan() || b.is_nan() { f64::NAN } else { a.min(b) }),
            )
        }
        Builtin::Max => {
            Value::Number(
                numbers().fold(f64::NEG_INFINITY, |a, b| if a.is_nan() || b.is_nan() { f64::NAN } else { a.max(b) }),
            )
        }
        Builtin::Abs => Value::Number(first.to_number().abs()),
        Builtin::Str(method) => string_method(method, &first.to_string(), &args[1..])?,
    })
}

fn limit(s: String) -> Result<String> {
    if s.len() > MAX_STRING {
        Err("String too long".into())
    } else {
        Ok(s)
    }
}

/// Escapes `\b \f \n \r \t \ ' "` for embedding in a Squirrel string literal.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes)
}

/// JavaScript `ToIntegerOrInfinity` of an optional argument.
fn int_arg(args: &[Value], i: usize, default: f64) -> f64 {
    match args.get(i).map(Value::to_number) {
        None => default,
        Some(n) if n.is_nan() => 0.0,
        Some(n) => n.trunc(),
    }
}

/// Clamps a JavaScript index into `0..=len` (as `usize`, saturating).
fn clamp(n: f64, len: usize) -> usize {
    n.max(0.0).min(len as f64) as usize
}

/// `S.<method>(s, args...)` on code points (JavaScript counts UTF-16 units; they agree on
/// text without astral characters).
fn string_method(method: StrMethod, s: &str, args: &[Value]) -> Result<Value> {
    let chars: Vec<char> = s.chars().collect();
    let len = chars.len();
    let slice = |from: usize, to: usize| chars[from.min(to)..to].iter().collect::<String>();
    let arg_str = |i: usize| args.get(i).map(Value::to_string).unwrap_or_default();
    Ok(match method {
        StrMethod::Concat => {
            let joined = args.iter().fold(s.to_string(), |acc, a| acc + &a.to_string());
            Value::Str(limit(joined)?)
        }
        StrMethod::EndsWith => {
            let end = clamp(int_arg(args, 1, len as f64), len);
            Value::Bool(slice(0, end).ends_with(&arg_str(0)))
        }
        StrMethod::StartsWith => {
            let start = clamp(int_arg(args, 1, 0.0), len);
            Value::Bool(slice(start, len).starts_with(&arg_str(0)))
        }
        StrMethod::Includes => {
            let start = clamp(int_arg(args, 1, 0.0), len);
            Value::Bool(slice(start, len).contains(&arg_str(0)))
        }
        StrMethod::Repeat => {
            let n = int_arg(args, 0, 0.0);
            if n < 0.0 || n.is_infinite() {
                return Err("Invalid count value".into());
            }
            if n * s.len() as f64 > MAX_STRING as f64 {
                return Err("String too long".into());
            }
            Value::Str(s.repeat(n as usize))
        }
        StrMethod::Split => {
            let limit = match args.get(1) {
                None | Some(Value::Null) => usize::MAX,
                Some(v) => v.to_number().max(0.0).min(u32::MAX as f64) as usize,
            };
            let parts: Vec<Value> = match args.first() {
                None | Some(Value::Null) => vec![Value::Str(s.to_string())],
                Some(sep) => {
                    let sep = sep.to_string();
                    if sep.is_empty() {
                        chars.iter().map(|c| Value::Str(c.to_string())).collect()
                    } else {
                        s.split(sep.as_str()).map(Value::from).collect()
                    }
                }
            };
            Value::Array(parts.into_iter().take(limit).collect())
        }
        StrMethod::Substr => {
            let start = int_arg(args, 0, 0.0);
            let start = if start < 0.0 { clamp(len as f64 + start, len) } else { clamp(start, len) };
            let count = clamp(int_arg(args, 1, f64::INFINITY), len - start);
            Value::Str(slice(start, start + count))
        }
        StrMethod::Substring => {
            let a = clamp(int_arg(args, 0, 0.0), len);
            let b = clamp(int_arg(args, 1, len as f64), len);
            Value::Str(slice(a.min(b), a.max(b)))
        }
        StrMethod::ToLowerCase => Value::Str(s.to_lowercase()),
        StrMethod::ToUpperCase => Value::Str(s.to_uppercase()),
        StrMethod::Trim => Value::Str(s.trim().to_string()),
        StrMethod::TrimLeft => Value::Str(s.trim_start().to_string()),
        StrMethod::TrimRight => Value::Str(s.trim_end().to_string()),
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::expr::parse;
    use super::*;

    /// A host with fixed variables; `include` returns the path upper-cased.
    pub(in super::super) struct TestHost(pub BTreeMap<String, Value>);

    impl Host for TestHost {
        fn variable(&self, name: &str) -> Option<Value> {
            self.0.get(name).cloned().or_else(|| builtin_value(name))
        }
        fn defined(&self, name: &str) -> bool {
            self.variable(name).is_some()
        }
        fn include(&mut self, path: &str) -> Result<String> {
            Ok(path.to_uppercase())
        }
    }

    fn run(src: &str) -> std::result::Result<Value, String> {
        let mut host = TestHost([("x".to_string(), Value::Number(3.0)), ("s".into(), "abc".into())].into());
        let expr = parse(src)?;
        eval(&expr, &mut host).map_err(|e| match e {
            EvalError::Message(m) => m,
            EvalError::Nested(e) => e.to_string(),
        })
    }

    fn show(src: &str) -> String {
        match run(src) {
            Ok(v) => v.to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn arithmetic() {
        assert_eq!(show("123 * 456"), "56088");
        assert_eq!(show("1 + 2 * 3 - 4 / 2"), "5");
        assert_eq!(show("7 % 3"), "1");
        assert_eq!(show("-7 % 3"), "-1");
        assert_eq!(show("1 / 0"), "error: Division by zero");
        assert_eq!(show("1 % 0"), "error: Division by zero");
        assert_eq!(show("1 / 'a'"), "NaN");
        assert_eq!(show("-x"), "-3");
        assert_eq!(show("+'5'"), "5");
        assert_eq!(show("+'5' + 1"), "51");
        assert_eq!(show("'a' + 1 + 2"), "a12");
        assert_eq!(show("1 + 2 + 'a'"), "3a");
    }

    #[test]
    fn comparison_and_logic() {
        assert_eq!(show("x == 3"), "true");
        assert_eq!(show("x == '3'"), "true");
        assert_eq!(show("x != 3"), "false");
        assert_eq!(show("x < 4 && x > 2"), "true");
        assert_eq!(show("x <= 3 && x >= 3"), "true");
        assert_eq!(show("'b' > 'a'"), "true");
        assert_eq!(show("undefinedVar == null"), "true");
        assert_eq!(show("0 || 'fallback'"), "fallback");
        assert_eq!(show("'' && 1"), "");
        assert_eq!(show("!x"), "false");
        assert_eq!(show("!!s"), "true");
        assert_eq!(show("x > 2 ? 'big' : 'small'"), "big");
        assert_eq!(show("x > 5 ? 'big' : x > 1 ? 'mid' : 'small'"), "mid");
        // Short-circuit: the right side is not evaluated when it is not needed.
        assert_eq!(show("defined(nope) && nope.field"), "false");
    }

    #[test]
    fn members_and_arrays() {
        assert_eq!(show("([1, 2, 3])[1]"), "2");
        assert_eq!(show("[1, 2, 3].length"), "3");
        assert_eq!(show("s.length"), "3");
        assert_eq!(show("s[1]"), "b");
        assert_eq!(show("[1, 2][5]"), "error: Property \"5\" is not defined");
        assert_eq!(show("nope.field"), "error: Owner of \"field\" property is undefined");
        assert_eq!(show("x.field"), "error: Cannot use 'in' operator to search for 'field' in 3");
    }

    #[test]
    fn functions() {
        assert_eq!(show("min(1, 2, 3)"), "1");
        assert_eq!(show("max(1, '7', 3)"), "7");
        assert_eq!(show("max(1, 'q')"), "NaN");
        assert_eq!(show("abs(-2.5)"), "2.5");
        assert_eq!(show("min()"), "error: Wrong number of arguments for min()");
        assert_eq!(show("defined(x)"), "true");
        assert_eq!(show("defined(y)"), "false");
        assert_eq!(show("defined(min)"), "true");
        assert_eq!(show("defined('x')"), "error: defined() can only be called with an identifier as an argument");
        assert_eq!(show("escape('a\"b\\n')"), "a\\\"b\\n");
        assert_eq!(show("escape(\"q'\\t\\r\\n\")"), "q\\'\\t\\r\\n");
        assert_eq!(show("base64('hello')"), "aGVsbG8=");
        assert_eq!(show("base64('hi')"), "aGk=");
        assert_eq!(show("base64('abc')"), "YWJj");
        assert_eq!(show("include('a.txt')"), "A.TXT");
        assert_eq!(show("nosuch(1)"), "error: Function \"nosuch\" is not defined");
        assert_eq!(show("(1)(2)"), "error: Can't call a non-callable expression");
    }

    #[test]
    fn filters() {
        assert_eq!(show("'a\"' | escape"), "a\\\"");
        assert_eq!(show("include('f') | base64"), "Rg==");
        assert_eq!(show("' ab ' | S.trim"), "ab");
        assert_eq!(show("'ab' | S.repeat(3)"), "ababab");
        assert_eq!(show("-5 | abs"), "5");
    }

    #[test]
    fn string_methods() {
        assert_eq!(show("S.concat('a', 1, null)"), "a1null");
        assert_eq!(show("S.endsWith('hello', 'lo')"), "true");
        assert_eq!(show("S.endsWith('hello', 'l', 4)"), "true");
        assert_eq!(show("S.startsWith('hello', 'el', 1)"), "true");
        assert_eq!(show("S.includes('hello', 'll')"), "true");
        assert_eq!(show("S.split('a,b,c', ',')"), "a,b,c");
        assert_eq!(show("S.split('a,b,c', ',')[2]"), "c");
        assert_eq!(show("S.split('a,b,c', ',', 2).length"), "2");
        assert_eq!(show("S.split('abc', '').length"), "3");
        assert_eq!(show("S.substr('hello', 1, 3)"), "ell");
        assert_eq!(show("S.substr('hello', -3)"), "llo");
        assert_eq!(show("S.substring('hello', 4, 1)"), "ell");
        assert_eq!(show("S.toUpperCase('abc')"), "ABC");
        assert_eq!(show("S.toLowerCase('ABC')"), "abc");
        assert_eq!(show("S.trimLeft('  a ')"), "a ");
        assert_eq!(show("S.trimRight('  a ')"), "  a");
        assert_eq!(show("S.repeat('a', -1)"), "error: Invalid count value");
        assert_eq!(show("S.repeat('ab', 1e9)"), "error: String too long");
        assert_eq!(show("S.nope('a')"), "error: Property \"nope\" is not defined");
    }
}
