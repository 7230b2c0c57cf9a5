//! Why a value did not convert, said the way the reference's natives say it.
//!
//! A conversion error knows what was wrong (the type, the range, the text) and where:
//! "parameter 2", "the result", "slot 'port'", with a path into nested containers
//! (`parameter 1[3]["name"]`). The innermost conversion says what was wrong; each
//! container and caller on the way out adds where.

use std::fmt;

use crate::api::error::{Error, RuntimeError};
use crate::api::vm::{Fail, Vm};
use crate::heap::value::Value;

use super::convert::TypeSet;

/// A value that could not be converted between Squirrel and Rust.
///
/// Its message follows the reference's type errors:
/// `parameter 1 has an invalid type 'string' ; expected: 'integer'`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvError {
    /// What the value was to the caller ("parameter 1", "the result"); `None` until a
    /// caller says (then "the value").
    subject: Option<String>,
    /// Where inside the subject, outermost first: `[1]["name"]`.
    path: String,
    problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Problem {
    Type { found: &'static str, expected: String },
    Value { found: String, expected: String },
    Foreign,
    Other(String),
}

impl ConvError {
    /// `value` is not of a type the conversion takes; `expected` names what it takes
    /// (Squirrel type names, `|`-separated, or a class name).
    pub fn invalid_type(value: Value, expected: impl fmt::Display) -> ConvError {
        let found = value.type_of().name();
        ConvError::new(Problem::Type { found, expected: expected.to_string() })
    }

    /// The value's type is right but the value is not: an integer out of a Rust type's
    /// range, bytes that are not UTF-8. `found` shows the value.
    pub fn invalid_value(found: impl fmt::Display, expected: impl fmt::Display) -> ConvError {
        ConvError::new(Problem::Value { found: found.to_string(), expected: expected.to_string() })
    }

    /// Any other reason, in the caller's words.
    pub fn other(message: impl fmt::Display) -> ConvError {
        ConvError::new(Problem::Other(message.to_string()))
    }

    /// A handle or value that belongs to another VM.
    pub(crate) fn foreign() -> ConvError {
        ConvError::new(Problem::Foreign)
    }

    /// A value of a type outside `types`.
    pub(crate) fn not_in(value: Value, types: TypeSet) -> ConvError {
        ConvError::invalid_type(value, types)
    }

    fn new(problem: Problem) -> ConvError {
        ConvError { subject: None, path: String::new(), problem }
    }

    /// Names what the value was, unless an inner conversion named it already.
    pub fn subject(mut self, subject: impl fmt::Display) -> ConvError {
        if self.subject.is_none() {
            self.subject = Some(subject.to_string());
        }
        self
    }

    /// The value was argument `i` of a native (0 is `this`).
    pub fn param(self, i: usize) -> ConvError {
        self.subject(format_args!("parameter {i}"))
    }

    /// The value was element `i` of an array.
    pub fn at_index(mut self, i: usize) -> ConvError {
        self.path.insert_str(0, &format!("[{i}]"));
        self
    }

    /// The value was stored under `key` in a table (the key or its value).
    pub fn at_key(mut self, vm: &Vm, key: Value) -> ConvError {
        self.path.insert_str(0, &format!("[{}]", key_text(vm, key)));
        self
    }

    /// True when the value had a type the conversion does not take.
    pub fn is_type_error(&self) -> bool {
        matches!(self.problem, Problem::Type { .. })
    }

    /// The error as a Squirrel runtime error (thrown by a native).
    pub(crate) fn fail(&self, vm: &mut Vm) -> Fail {
        vm.error(self.to_string())
    }
}

/// A table key as an error path shows it: strings quoted, numbers as they are.
fn key_text(vm: &Vm, key: Value) -> String {
    match key {
        Value::Str(_) => format!("{:?}", vm.describe(key)),
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => vm.describe(key),
        other => other.type_of().name().to_string(),
    }
}

impl fmt::Display for ConvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let subject = self.subject.as_deref().unwrap_or("the value");
        write!(f, "{subject}{}", self.path)?;
        match &self.problem {
            Problem::Type { found, expected } => write!(f, " has an invalid type '{found}' ; expected: '{expected}'"),
            Problem::Value { found, expected } => write!(f, " has an invalid value {found} ; expected: {expected}"),
            Problem::Foreign => f.write_str(" belongs to another VM"),
            Problem::Other(message) => write!(f, ": {message}"),
        }
    }
}

impl std::error::Error for ConvError {}

/// A runtime error raised at the boundary, before or after any script ran (so with no
/// Squirrel stack).
pub(crate) fn boundary_error(message: String) -> Error {
    Error::Runtime(RuntimeError { value: message.clone(), message, stack: Vec::new() })
}

/// A conversion failing at the boundary of a call from Rust is a runtime error with
/// no Squirrel stack (no script was running).
impl From<ConvError> for Error {
    fn from(e: ConvError) -> Error {
        boundary_error(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;

    #[test]
    fn messages_name_the_subject_and_the_path() {
        let mut vm = Vm::new(Profile::Squirrel);
        let e = ConvError::not_in(Value::Null, TypeSet::INTEGER);
        assert_eq!(e.to_string(), "the value has an invalid type 'null' ; expected: 'integer'");
        let key = vm.string("name");
        let e = ConvError::not_in(Value::Bool(true), TypeSet::STRING).at_key(&vm, key).at_index(2).param(1);
        assert_eq!(e.to_string(), "parameter 1[2][\"name\"] has an invalid type 'bool' ; expected: 'string'");
        let e = ConvError::invalid_value(300, "an integer in 0..=255").param(2).subject("ignored");
        assert_eq!(e.to_string(), "parameter 2 has an invalid value 300 ; expected: an integer in 0..=255");
        assert!(!e.is_type_error());
        assert_eq!(ConvError::foreign().subject("argument 1").to_string(), "argument 1 belongs to another VM");
    }

    #[test]
    fn a_conversion_error_is_a_runtime_error_without_a_stack() {
        let e: Error = ConvError::other("no").subject("the result").into();
        let Error::Runtime(r) = e else { panic!("a runtime error") };
        assert_eq!(r.message, "the result: no");
        assert!(r.stack.is_empty());
    }
}
