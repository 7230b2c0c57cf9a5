//! Syntax errors with the reference compiler's messages and positions.
//!
//! The reference is a recursive-descent parser; our LR parser knows instead which
//! tokens it expected. `expected_message` maps that set back to what the reference says
//! at the same point: "end of statement expected (; or lf)" where a statement could
//! end, "expression expected" where an expression must start, "expected 'X'" where
//! one token is required. The reported position is the reference's cursor: just after
//! the offending token.

use super::actions::SyntaxError;
use super::ast::Span;
use super::layout::Spanned;
use super::source::{Position, SourceMap};
use super::token::Tok;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    /// The reference compiler's message text.
    pub message: String,
    /// Where the reference reports it (see `SourceMap::reference_position`).
    pub position: Position,
    /// The offending token, for the caret.
    pub span: Span,
    /// The source line the caret points into.
    pub source_line: String,
    /// 1-based column of the caret within `source_line`.
    pub caret_column: u32,
}

impl ParseError {
    /// An error at the reference cursor `offset`, pointing at `span` (or the cursor).
    pub fn new(map: &SourceMap, message: String, offset: usize, span: Option<Span>) -> ParseError {
        let span = span.unwrap_or(Span::new(offset.saturating_sub(1), offset));
        ParseError {
            message,
            position: map.reference_position(offset as u32),
            source_line: map.line_text(span.lo).to_string(),
            caret_column: map.position(span.lo).column,
            span,
        }
    }

    /// The error as the reference `sq` prints it on stderr.
    pub fn reference_report(&self) -> String {
        format!(
            "{} line = ({}) column = ({}) : error {}",
            self.position.file, self.position.line, self.position.column, self.message
        )
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Position { file, line, column } = &self.position;
        writeln!(f, "{file}:{line}:{column}: error: {}", self.message)?;
        let gutter = line.to_string().len();
        // A control character (a binary file's bytes) is shown as U+FFFD, not sent to
        // the terminal.
        let shown: String =
            self.source_line.chars().map(|c| if c.is_control() && c != '\t' { '\u{fffd}' } else { c }).collect();
        writeln!(f, "{line} | {shown}")?;
        let width = (self.span.hi - self.span.lo).clamp(1, 80) as usize;
        let pad = " ".repeat(self.caret_column.saturating_sub(1) as usize);
        write!(f, "{} | {pad}{}", " ".repeat(gutter), "^".repeat(width))
    }
}

type LalrpopError<'s> = lalrpop_util::ParseError<usize, Tok<'s>, SyntaxError>;

/// `tokens` are the parser's input, for the errors reported after the next token.
pub(super) fn from_lalrpop(
    map: &SourceMap,
    tokens: &[Spanned<'_>],
    source_len: usize,
    err: LalrpopError<'_>,
) -> ParseError {
    use lalrpop_util::ParseError as E;
    match err {
        E::User { error } if error.after_next_token => {
            let next = tokens.iter().find(|(lo, _, _)| *lo >= error.offset).map_or(source_len, |&(_, _, hi)| hi);
            ParseError::new(map, error.message.into_owned(), next, None)
        }
        E::User { error } => ParseError::new(map, error.message.into_owned(), error.offset, None),
        E::UnrecognizedEof { expected, .. } => ParseError::new(map, expected_message(&expected), source_len, None),
        E::UnrecognizedToken { token: (lo, _, hi), expected } => {
            ParseError::new(map, expected_message(&expected), hi, Some(Span::new(lo, hi)))
        }
        E::ExtraToken { token: (lo, _, hi) } => {
            ParseError::new(map, "end of statement expected (; or lf)".into(), hi, Some(Span::new(lo, hi)))
        }
        E::InvalidToken { location } => ParseError::new(map, "invalid token".into(), location + 1, None),
    }
}

/// The reference's message for a parser that expected one of `expected`.
fn expected_message(expected: &[String]) -> String {
    let names: Vec<&str> = expected.iter().map(|e| e.trim_matches('"')).collect();
    let has = |name: &str| names.contains(&name);
    // Keywords that close a statement's own syntax come before the separator check.
    for keyword in ["while", "catch"] {
        if has(keyword) {
            return format!("expected '{keyword}'");
        }
    }
    if has("ident") && has("num") {
        return "expression expected".into();
    }
    // Inside a table or class body the next entry starts with its name.
    if has("ident") {
        return "expected 'IDENTIFIER'".into();
    }
    if has("sep") {
        return "end of statement expected (; or lf)".into();
    }
    if has("string") {
        return "scalar expected : integer, float, or string".into();
    }
    if has("num") {
        return "scalar expected : integer, float".into();
    }
    const REQUIRED: [&str; 10] = [")", "]", "}", ";", ":", "=", "(", "{", "in", "/>"];
    match REQUIRED.iter().find(|name| has(name)) {
        Some(name) => format!("expected '{name}'"),
        None => "expression expected".into(),
    }
}
