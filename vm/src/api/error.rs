//! Errors as the embedder sees them, and their rendering in the reference's style.

use crate::api::vm::Vm;
use crate::heap::value::Value;
use crate::syntax::ParseError;

/// One level of the Squirrel call stack at the point an error was raised.
#[derive(Clone, Debug, PartialEq)]
pub struct StackEntry {
    pub function: String,
    pub file: String,
    pub line: u32,
    /// Visible locals (name, rendered value), innermost scope first.
    pub locals: Vec<(String, String)>,
}

/// An uncaught runtime error: the message (or "unknown" for non-string throws), the
/// thrown value rendered, and the call stack innermost first.
///
/// It displays as its message; the alternate form (`{:#}`) adds the call stack, one
/// `at function() file:line` line per level.
#[derive(Clone, Debug, PartialEq)]
pub struct RuntimeError {
    pub message: String,
    pub value: String,
    pub stack: Vec<StackEntry>,
}

impl std::fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if f.alternate() {
            for level in &self.stack {
                write!(f, "\n    at {}() {}:{}", level.function, level.file, level.line)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for RuntimeError {}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Error {
    /// An error in the program text, found by the parser or the compiler: the
    /// reference's message and position, with the source line for a caret.
    #[error(transparent)]
    Compile(#[from] ParseError),
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// A bug of impish's own (a panic inside the VM), caught at the host's call: the
    /// VM that raised it refuses all later calls, and the host goes on.
    #[error("impish internal error: {0}")]
    Internal(String),
}

impl Error {
    /// What `sq` prints for this error: stderr text and stdout text.
    pub fn report(&self) -> (String, String) {
        match self {
            Error::Compile(e) => (format!("{}\n", e.reference_report()), format!("Error [{}]\n", e.message)),
            Error::Runtime(e) => (format_uncaught(e), String::new()),
            Error::Internal(_) => (format!("{self}\n"), String::new()),
        }
    }
}

/// The reference `sq` report of an uncaught runtime error.
pub fn format_uncaught(e: &RuntimeError) -> String {
    // The reference prints each piece through `%s`: a message stops at a NUL.
    let message = e.message.split('\0').next().unwrap_or_default();
    let mut s = format!("\nAN ERROR HAS OCCURRED [{message}]\n\nCALLSTACK\n");
    for f in &e.stack {
        s.push_str(&format!("*FUNCTION [{}()] {} line [{}]\n", f.function, f.file, f.line));
    }
    s.push_str("\nLOCALS\n");
    for f in e.stack.iter().take(10) {
        for (name, val) in &f.locals {
            s.push_str(&format!("[{name}] {val}\n"));
        }
    }
    s
}

/// A local's value as the reference's LOCALS section shows it.
pub(crate) fn local_text(vm: &Vm, v: Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::interpreter::ops::format_float_prec(f as f64, 14),
        Value::Str(_) => format!("\"{}\"", vm.describe(v)),
        Value::Bool(b) => b.to_string(),
        Value::Table(_) => "TABLE".into(),
        Value::Array(_) => "ARRAY".into(),
        Value::Closure(_) => "CLOSURE".into(),
        Value::Native(_) => "NATIVECLOSURE".into(),
        Value::Generator(_) => "GENERATOR".into(),
        Value::UserData(_) => "USERDATA".into(),
        Value::Thread(_) => "THREAD".into(),
        Value::Class(_) => "CLASS".into(),
        Value::Instance(_) => "INSTANCE".into(),
        Value::WeakRef(_) => "WEAKREF".into(),
    }
}
