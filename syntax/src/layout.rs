//! Newline-sensitive layout: turns the lexer's tokens and newlines into the token
//! stream the LR grammar reads.
//!
//! Squirrel's reference compiler is a recursive-descent parser that looks at whether
//! a newline came before the current token. An LR grammar cannot, so this pass makes
//! those decisions explicit, following the reference's rules:
//! - A statement ends at `;`, `}`, end of input, or a newline before the next token.
//!   We insert a `Sep` token where a newline (or a closing `}`, after which the
//!   reference needs no separator either) follows a token that can end an expression
//!   and comes before a token that cannot continue one. Inside `(...)` and `[...]`
//!   newlines never separate anything.
//! - `++`/`--` after a newline start the next statement (`PlusPlusNl`), `[` after a
//!   newline may not index the previous line (the flag on `LBracket`).
//! - `return`/`yield` before a newline take no value.
//! - `if (c) a(); else b()` needs the separator before `else`: a separator followed
//!   by `else` becomes one `ElseSep` token, so the grammar needs only one token of
//!   lookahead to tell an `else` branch from the next statement.
//! - Headers (`if (...)`, `function f(...)`, `class A extends B`) may be followed by
//!   a newline before their body.

use super::token::{Dialect, LexError, LexState, Num, PositionNotes, Tok};
use logos::Logos;

/// A token with its byte span, as lalrpop consumes it.
pub type Spanned<'s> = (usize, Tok<'s>, usize);

/// Lexes `source` and lays it out for the parser; also returns what it noted about
/// positions. A lexical error comes with the notes gathered up to it.
pub fn tokens(source: &str, dialect: Dialect) -> Result<(Vec<Spanned<'_>>, PositionNotes), (LexError, PositionNotes)> {
    let mut lexer = Tok::lexer_with_extras(source, LexState { dialect, notes: PositionNotes::default() });
    let mut layout = Layout { dialect, ..Layout::default() };
    while let Some(token) = lexer.next() {
        let span = lexer.span();
        match token {
            Ok(Tok::Newline) => layout.newline = true,
            Ok(Tok::Char(c)) => layout.push(span.start, Tok::Num(Num::Int(c)), span.end),
            // Keywords that 3.0.4 does not have are names there.
            Ok(Tok::LineMacro | Tok::FileMacro | Tok::Rawcall) if dialect == Dialect::Imp => {
                layout.push(span.start, Tok::Ident(lexer.slice()), span.end)
            }
            Ok(tok) => layout.push(span.start, tok, span.end),
            Err(LexError { unexpected: Some(c), offset, .. }) => {
                layout.push(offset, Tok::Unknown(c), offset + c.len_utf8())
            }
            Err(err) => return Err((err, std::mem::take(&mut lexer.extras.notes))),
        }
    }
    Ok((layout.out, lexer.extras.notes))
}

#[derive(Clone, Copy, PartialEq)]
enum Bracket {
    /// `(`; a header (`if (`, `function f(` ...) ends no value at its `)`.
    Paren {
        header: Header,
    },
    Square,
    /// `{`; a function body ends no value at its `}`: a `[` after it starts a new
    /// entry or statement (`function f() {} [k] = 1` in a class) rather than an index.
    Brace {
        function_body: bool,
    },
}

#[derive(Clone, Copy, PartialEq)]
enum Header {
    None,
    /// `if (`, `while (`, `for (`, `foreach (`, `switch (`, `catch (`.
    Control,
    /// The parameter list of a function, lambda or method.
    Function,
}

#[derive(Default)]
struct Layout<'s> {
    dialect: Dialect,
    out: Vec<Spanned<'s>>,
    open: Vec<Bracket>,
    /// A newline was seen since the last token.
    newline: bool,
    /// The last token can end an expression or statement.
    prev_ends: bool,
    prev_is_rbrace: bool,
    /// The last `}` closed a function body.
    prev_closed_function: bool,
    /// The last `)` closed the parameter list of a function.
    prev_closed_parameters: bool,
    prev_is_rparen: bool,
    /// The last token was `return` or `yield`.
    prev_takes_optional_value: bool,
    /// The last `)` closed a header paren (so a `;` after it is an empty body).
    prev_closed_header: bool,
    /// The last `;` is an empty statement body (`if (c) ;`), not a separator.
    semi_is_body: bool,
    /// The last token is such a `;`: like the reference, which needs no separator after
    /// a statement ending in `;`, a statement may follow on the same line
    /// (`while (busy()) ; done();`).
    prev_is_empty_body: bool,
    /// `if`/`while`/`for`/`foreach`/`switch`/`catch` was seen: the next `(` is a header.
    control_header: bool,
    /// `function` (or `@`) was seen at this depth: the next `(` there is a header.
    function_header: Option<usize>,
    /// `class`/`enum` was seen at this depth: no separators until its `{`.
    declaration_header: Option<usize>,
    /// Depths of `do` statements still waiting for their `while (...)`, whose `)`
    /// ends the statement rather than opening a body.
    pending_do: Vec<usize>,
}

impl<'s> Layout<'s> {
    fn push(&mut self, lo: usize, tok: Tok<'s>, hi: usize) {
        let newline = std::mem::take(&mut self.newline);
        let tok = match tok {
            Tok::PlusPlus if newline => Tok::PlusPlusNl,
            Tok::MinusMinus if newline => Tok::MinusMinusNl,
            Tok::LBracket(_) => Tok::LBracket(newline),
            other => other,
        };
        if tok == Tok::Semi {
            self.semi_is_body =
                self.prev_closed_header || matches!(self.out.last(), Some((_, Tok::Else | Tok::ElseSep, _)));
        }
        if self.wants_separator(&tok, newline) {
            self.out.push((lo, Tok::Sep, hi));
        }
        self.prev_is_empty_body = tok == Tok::Semi && self.semi_is_body;
        self.track_brackets(&tok);
        let ends = self.ends_expression(&tok);
        self.prev_is_rbrace = tok == Tok::RBrace;
        self.prev_is_rparen = tok == Tok::RParen;
        self.prev_takes_optional_value = matches!(tok, Tok::Return | Tok::Yield);
        self.prev_ends = ends;
        if tok == Tok::Else {
            self.push_else(lo, hi);
        } else {
            self.out.push((lo, tok, hi));
        }
    }

    fn wants_separator(&self, tok: &Tok<'s>, newline: bool) -> bool {
        let in_statements = matches!(self.open.last(), None | Some(Bracket::Brace { .. }));
        if !in_statements || self.declaration_header == Some(self.open.len()) {
            return false;
        }
        if self.prev_takes_optional_value {
            return newline && !is_closer(tok);
        }
        if self.prev_is_empty_body {
            return !is_closer(tok) && *tok != Tok::Else;
        }
        let starts_entry = self.prev_closed_function && matches!(tok, Tok::LBracket(_));
        (newline || self.prev_is_rbrace) && self.prev_ends && (starts_entry || !self.continues(tok))
    }

    /// Tokens that continue the expression before them, newline or not.
    fn continues(&self, tok: &Tok<'s>) -> bool {
        use Tok::*;
        match tok {
            // After a call's `)`, `{` opens a post-call initializer (3.2); in 3.0.4 a
            // `{` on the next line is a block.
            LBrace => self.prev_is_rparen && (self.dialect == Dialect::Squirrel32 || self.prev_closed_header),
            Plus | Minus | Star | Slash | Percent | Eq | Ne | Lt | Le | Gt | Ge | Cmp3 | AndAnd | OrOr | Amp | Pipe
            | Caret | Shl | Shr | UShr | In | Instanceof | Assign | NewSlot | AddAssign | SubAssign | MulAssign
            | DivAssign | ModAssign | Question | Colon | Comma | Dot | LParen | LBracket(_) | PlusPlus | MinusMinus
            | Extends | AttrOpen | AttrClose | Catch => true,
            other => is_closer(other),
        }
    }

    fn ends_expression(&self, tok: &Tok<'s>) -> bool {
        use Tok::*;
        match tok {
            RParen => !self.prev_closed_header,
            Ident(_) | Num(_) | Str(_) | RBracket | RBrace | This | Null | True | False | Base | Constructor
            | LineMacro | FileMacro | PlusPlus | MinusMinus | Return | Yield | Break | Continue => true,
            _ => false,
        }
    }

    fn track_brackets(&mut self, tok: &Tok<'s>) {
        let depth = self.open.len();
        self.prev_closed_header = false;
        self.prev_closed_function = false;
        let after_parameters = std::mem::take(&mut self.prev_closed_parameters);
        match tok {
            Tok::LParen => {
                let header = if std::mem::take(&mut self.control_header) {
                    Header::Control
                } else if self.function_header == Some(depth) {
                    self.function_header = None;
                    Header::Function
                } else {
                    Header::None
                };
                self.open.push(Bracket::Paren { header });
            }
            Tok::LBracket(_) => self.open.push(Bracket::Square),
            Tok::LBrace => {
                // `class extends {} {}`: a `{` right after `extends` opens the base.
                let opens_base = matches!(self.out.last(), Some((_, Tok::Extends, _)));
                if self.declaration_header == Some(depth) && !opens_base {
                    self.declaration_header = None;
                }
                self.open.push(Bracket::Brace { function_body: after_parameters });
            }
            Tok::RParen => {
                let header = match self.open.pop() {
                    Some(Bracket::Paren { header }) => header,
                    _ => Header::None,
                };
                self.prev_closed_header = header != Header::None;
                self.prev_closed_parameters = header == Header::Function;
            }
            Tok::RBrace => {
                self.prev_closed_function = matches!(self.open.pop(), Some(Bracket::Brace { function_body: true }));
            }
            Tok::RBracket => {
                self.open.pop();
            }
            Tok::Do => self.pending_do.push(depth),
            Tok::While if self.pending_do.last() == Some(&depth) => {
                self.pending_do.pop();
            }
            Tok::If | Tok::While | Tok::For | Tok::Foreach | Tok::Switch | Tok::Catch => self.control_header = true,
            Tok::Function | Tok::At => self.function_header = Some(depth),
            // `constructor(` in a class or table body opens a method's parameters;
            // `base.constructor(` is a call.
            Tok::Constructor if !matches!(self.out.last(), Some((_, Tok::Dot, _))) => {
                self.function_header = Some(depth)
            }
            Tok::Class | Tok::Enum => self.declaration_header = Some(depth),
            _ => {}
        }
        // Only a name, `::` and `[env]` may come between `function` and its `(`.
        let still_naming = matches!(
            tok,
            Tok::Ident(_) | Tok::DoubleColon | Tok::LBracket(_) | Tok::Function | Tok::At | Tok::Constructor
        );
        if self.function_header == Some(depth) && !still_naming {
            self.function_header = None;
        }
    }

    /// `else` after a separator becomes `ElseSep`, absorbing that separator — unless the
    /// `;` is itself the (empty) body of the `if`, as in `if (c) ; else x()`.
    fn push_else(&mut self, lo: usize, hi: usize) {
        let separated = match self.out.last() {
            Some((_, Tok::Sep, _)) => {
                self.out.pop();
                true
            }
            Some((_, Tok::Semi, _)) => {
                if !self.semi_is_body {
                    self.out.pop();
                }
                true
            }
            _ => false,
        };
        self.out.push((lo, if separated { Tok::ElseSep } else { Tok::Else }, hi));
    }
}

fn is_closer(tok: &Tok<'_>) -> bool {
    matches!(tok, Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::Semi)
}
