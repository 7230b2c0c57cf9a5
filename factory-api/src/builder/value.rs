//! Values of Builder expressions and their JavaScript conversions.
//!
//! Builder is written in JavaScript and its expressions follow JavaScript semantics (`+`
//! concatenates when either side is a string, `==` is loose, numbers print like
//! `String(n)`); reproducing those conversions keeps `@{...}` output identical to Builder's.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// A Builder expression value (also the type of `-D`-style predefined variables).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Value>),
    Object(BTreeMap<String, Value>),
    /// A built-in function, so that `f` in `x | f` and `S.trim` can be passed around.
    Function(Builtin),
}

/// Builder's built-in functions (`defined` is syntax, not a function).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Include,
    Escape,
    Base64,
    Min,
    Max,
    Abs,
    /// A JavaScript string method under the `S` namespace, e.g. `S.trim`.
    Str(StrMethod),
}

/// The JavaScript string methods Builder exposes as `S.<name>(string, ...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrMethod {
    Concat,
    EndsWith,
    Includes,
    Repeat,
    Split,
    StartsWith,
    Substr,
    Substring,
    ToLowerCase,
    ToUpperCase,
    Trim,
    TrimLeft,
    TrimRight,
}

impl StrMethod {
    pub(super) const ALL: [(&'static str, StrMethod); 13] = [
        ("concat", StrMethod::Concat),
        ("endsWith", StrMethod::EndsWith),
        ("includes", StrMethod::Includes),
        ("repeat", StrMethod::Repeat),
        ("split", StrMethod::Split),
        ("startsWith", StrMethod::StartsWith),
        ("substr", StrMethod::Substr),
        ("substring", StrMethod::Substring),
        ("toLowerCase", StrMethod::ToLowerCase),
        ("toUpperCase", StrMethod::ToUpperCase),
        ("trim", StrMethod::Trim),
        ("trimLeft", StrMethod::TrimLeft),
        ("trimRight", StrMethod::TrimRight),
    ];
}

impl Builtin {
    pub(super) fn name(self) -> &'static str {
        match self {
            Builtin::Include => "include",
            Builtin::Escape => "escape",
            Builtin::Base64 => "base64",
            Builtin::Min => "min",
            Builtin::Max => "max",
            Builtin::Abs => "abs",
            Builtin::Str(m) => StrMethod::ALL.iter().find(|(_, x)| *x == m).map_or("S", |(n, _)| n),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// `String(value)`: how `@{...}` prints a value.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(&number_to_string(*n)),
            Value::Str(s) => f.write_str(s),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    // Array.prototype.join prints null as the empty string.
                    if *item != Value::Null {
                        write!(f, "{item}")?;
                    }
                }
                Ok(())
            }
            Value::Object(_) => f.write_str("[object Object]"),
            Value::Function(b) => write!(f, "function {}() {{ [native code] }}", b.name()),
        }
    }
}

impl Value {
    /// JavaScript truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            Value::Array(_) | Value::Object(_) | Value::Function(_) => true,
        }
    }

    /// JavaScript `ToNumber`.
    pub fn to_number(&self) -> f64 {
        match self {
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Number(n) => *n,
            Value::Str(s) => string_to_number(s),
            Value::Array(_) => string_to_number(&self.to_string()),
            Value::Object(_) | Value::Function(_) => f64::NAN,
        }
    }

    /// JavaScript `ToPrimitive`: arrays, objects and functions become their string form.
    fn to_primitive(&self) -> Value {
        match self {
            Value::Array(_) | Value::Object(_) | Value::Function(_) => Value::Str(self.to_string()),
            other => other.clone(),
        }
    }

    fn is_compound(&self) -> bool {
        matches!(self, Value::Array(_) | Value::Object(_) | Value::Function(_))
    }

    /// JavaScript `==` (there is no `undefined`; distinct compound values are never equal).
    pub fn loose_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Null, _) | (_, Value::Null) => false,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Function(a), Value::Function(b)) => a == b,
            (a, b) if a.is_compound() && b.is_compound() => false,
            (Value::Bool(_), b) => Value::Number(self.to_number()).loose_eq(b),
            (a, Value::Bool(_)) => a.loose_eq(&Value::Number(other.to_number())),
            (a, b) if a.is_compound() => a.to_primitive().loose_eq(b),
            (a, b) if b.is_compound() => a.loose_eq(&b.to_primitive()),
            (a, b) => a.to_number() == b.to_number(),
        }
    }

    /// JavaScript relational comparison; `None` when either side is NaN.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self.to_primitive(), other.to_primitive()) {
            (Value::Str(a), Value::Str(b)) => Some(a.cmp(&b)),
            (a, b) => a.to_number().partial_cmp(&b.to_number()),
        }
    }

    /// JavaScript `+`.
    pub fn add(&self, other: &Value) -> Value {
        let (a, b) = (self.to_primitive(), other.to_primitive());
        if matches!(a, Value::Str(_)) || matches!(b, Value::Str(_)) {
            Value::Str(format!("{a}{b}"))
        } else {
            Value::Number(a.to_number() + b.to_number())
        }
    }
}

/// JavaScript `ToNumber` on a string: trimmed decimal, `0x` hex, `Infinity`, else NaN.
fn string_to_number(s: &str) -> f64 {
    let t = s.trim();
    if t.is_empty() {
        return 0.0;
    }
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            hex.chars().fold(0.0, |acc, c| acc * 16.0 + f64::from(c.to_digit(16).unwrap_or(0)))
        } else {
            f64::NAN
        };
    }
    let (sign, body) = match t.as_bytes()[0] {
        b'-' => (-1.0, &t[1..]),
        b'+' => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    if body == "Infinity" {
        return sign * f64::INFINITY;
    }
    let valid = body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && body.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    match body.parse::<f64>() {
        Ok(n) if valid => sign * n,
        _ => f64::NAN,
    }
}

/// JavaScript `Number.prototype.toString()`: shortest round-trip digits, exponent form
/// outside `[1e-6, 1e21)`.
pub(super) fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    let abs = n.abs();
    if (1e-6..1e21).contains(&abs) {
        return format!("{n}");
    }
    // Rust prints `1e21` / `1.5e-8`; JavaScript writes the exponent sign: `1e+21`.
    let s = format!("{n:e}");
    match s.split_once('e') {
        Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_javascript() {
        assert_eq!(Value::Number(56088.0).to_string(), "56088");
        assert_eq!(Value::Number(0.1 + 0.2).to_string(), "0.30000000000000004");
        assert_eq!(Value::Number(-0.0).to_string(), "0");
        assert_eq!(Value::Number(1e21).to_string(), "1e+21");
        assert_eq!(Value::Number(1e-7).to_string(), "1e-7");
        assert_eq!(Value::Number(1e-6).to_string(), "0.000001");
        assert_eq!(Value::Number(f64::NAN).to_string(), "NaN");
        assert_eq!(Value::Number(f64::NEG_INFINITY).to_string(), "-Infinity");
        assert_eq!(Value::Array(vec![1.0.into(), Value::Null, "x".into()]).to_string(), "1,,x");
        assert_eq!(Value::Object(BTreeMap::new()).to_string(), "[object Object]");
    }

    #[test]
    fn conversions() {
        assert_eq!(Value::from(" 12 ").to_number(), 12.0);
        assert_eq!(Value::from("0x1f").to_number(), 31.0);
        assert_eq!(Value::from("").to_number(), 0.0);
        assert_eq!(Value::from("-Infinity").to_number(), f64::NEG_INFINITY);
        assert!(Value::from("inf").to_number().is_nan());
        assert!(Value::from("1x").to_number().is_nan());
        assert_eq!(Value::Bool(true).to_number(), 1.0);
        assert_eq!(Value::Null.to_number(), 0.0);
        assert!(!Value::from("").truthy() && Value::from("0").truthy());
        assert!(!Value::Number(f64::NAN).truthy() && Value::Array(vec![]).truthy());
    }

    #[test]
    fn loose_equality() {
        assert!(Value::from("1").loose_eq(&Value::Number(1.0)));
        assert!(Value::Bool(true).loose_eq(&Value::from("1")));
        assert!(!Value::Null.loose_eq(&Value::Number(0.0)));
        assert!(Value::Null.loose_eq(&Value::Null));
        assert!(Value::Array(vec![1.0.into()]).loose_eq(&Value::from("1")));
        assert!(!Value::Number(f64::NAN).loose_eq(&Value::Number(f64::NAN)));
    }

    #[test]
    fn addition_and_comparison() {
        assert_eq!(Value::from("a").add(&Value::Number(1.0)), Value::from("a1"));
        assert_eq!(Value::Number(1.0).add(&Value::Bool(true)), Value::Number(2.0));
        assert_eq!(Value::Null.add(&Value::from("x")), Value::from("nullx"));
        assert_eq!(Value::from("b").compare(&Value::from("a")), Some(Ordering::Greater));
        assert_eq!(Value::from("10").compare(&Value::Number(9.0)), Some(Ordering::Greater));
        assert_eq!(Value::from("x").compare(&Value::Number(9.0)), None);
    }
}
