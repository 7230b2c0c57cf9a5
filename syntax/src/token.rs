//! Tokens and the `logos` lexer that produces them.
//!
//! The lexer follows the reference lexer's rules exactly, including its quirks: a
//! number is any run of digits, dots and exponents (`1.2.3` reads as `1.2`), integer
//! literals wrap as unsigned 64-bit values, `'a'` is an integer, a block comment that
//! spans lines does not count as a newline, `#` starts a line comment. A comment
//! of the form `#line N "file"` is a position directive, collected for `SourceMap`.
//! Newlines are tokens here; `layout` turns them into statement separators.

use logos::{FilterResult, Logos};

/// A lexical error: the reference's message and the byte offset its lexer stood at.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LexError {
    pub message: &'static str,
    pub offset: usize,
    /// The offending character, for characters the reference passes on to its parser.
    pub unexpected: Option<char>,
}

impl LexError {
    fn at(message: &'static str, offset: usize) -> LexError {
        LexError { message, offset, unexpected: None }
    }

    fn from_lexer<'s>(lex: &mut logos::Lexer<'s, Tok<'s>>) -> LexError {
        let offset = lex.span().start;
        let c = lex.slice().chars().next().unwrap_or('\0');
        if c.is_control() {
            LexError::at("unexpected character(control)", offset)
        } else {
            LexError { message: "unexpected character", offset, unexpected: Some(c) }
        }
    }
}

/// `#line N "file"`: the line after the directive is line `line` of `file`.
#[derive(Clone, Debug, PartialEq)]
pub struct LineDirective {
    /// Byte offset where the next line starts.
    pub next_line_offset: usize,
    pub line: u32,
    pub file: Option<Box<str>>,
}

/// Which Squirrel the source is written for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    /// Squirrel 3.2, as the reference `sq`.
    #[default]
    Squirrel32,
    /// Electric Imp's Squirrel, based on 3.0.4: none of the 3.1/3.2 syntax (`\u`
    /// escapes, `rawcall`, `__LINE__`/`__FILE__`, bound-environment functions, post-call
    /// initializers).
    Imp,
}

/// The lexer's state besides its position: the dialect, and what it notes about positions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LexState {
    pub dialect: Dialect,
    pub notes: PositionNotes,
}

/// What the lexer learns about positions besides tokens.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PositionNotes {
    pub directives: Vec<LineDirective>,
    /// Offsets of newlines inside block comments and verbatim strings: the reference
    /// counts them as new lines but does not restart its column count after them.
    pub soft_newlines: Vec<usize>,
}

impl PositionNotes {
    fn note_soft_newlines(&mut self, start: usize, text: &[u8]) {
        let newlines = text.iter().enumerate().filter(|(_, &c)| c == b'\n');
        self.soft_newlines.extend(newlines.map(|(i, _)| start + i));
    }
}

/// A numeric literal's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    Int(i64),
    Float(f64),
}

#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(error(LexError, LexError::from_lexer))]
#[logos(extras = LexState)]
#[logos(skip r"[ \t\r]+")]
#[logos(skip(r"//[^\n]*", allow_greedy = true))]
pub enum Tok<'s> {
    #[token("\n")]
    Newline,
    #[regex(r"#[^\n]*", line_comment, allow_greedy = true)]
    #[token("/*", block_comment)]
    Comment,

    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident(&'s str),
    #[regex(r"[0-9]", number)]
    Num(Num),
    #[token("\"", |lex| string(lex, b'"'))]
    #[token("@\"", verbatim)]
    Str(Box<[u8]>),
    #[token("'", char_literal)]
    Char(i64),

    #[token("base")]
    Base,
    #[token("break")]
    Break,
    #[token("case")]
    Case,
    #[token("catch")]
    Catch,
    #[token("class")]
    Class,
    #[token("clone")]
    Clone,
    #[token("continue")]
    Continue,
    #[token("const")]
    Const,
    #[token("default")]
    Default,
    #[token("delete")]
    Delete,
    #[token("do")]
    Do,
    #[token("else")]
    Else,
    #[token("enum")]
    Enum,
    #[token("extends")]
    Extends,
    #[token("for")]
    For,
    #[token("foreach")]
    Foreach,
    #[token("function")]
    Function,
    #[token("if")]
    If,
    #[token("in")]
    In,
    #[token("local")]
    Local,
    #[token("null")]
    Null,
    #[token("resume")]
    Resume,
    #[token("return")]
    Return,
    #[token("switch")]
    Switch,
    #[token("this")]
    This,
    #[token("throw")]
    Throw,
    #[token("try")]
    Try,
    #[token("typeof")]
    Typeof,
    #[token("while")]
    While,
    #[token("yield")]
    Yield,
    #[token("constructor")]
    Constructor,
    #[token("instanceof")]
    Instanceof,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("static")]
    Static,
    #[token("__LINE__")]
    LineMacro,
    #[token("__FILE__")]
    FileMacro,
    #[token("rawcall")]
    Rawcall,

    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    /// `[`; the flag tells whether a newline came before it (a postfix `[` may not).
    #[token("[", |_| false)]
    LBracket(bool),
    #[token("]")]
    RBracket,
    #[token(";")]
    Semi,
    #[token(",")]
    Comma,
    #[token("?")]
    Question,
    #[token(":")]
    Colon,
    #[token("::")]
    DoubleColon,
    #[token(".")]
    Dot,
    #[token("..", two_dots)]
    DotDot,
    #[token("...")]
    Ellipsis,
    #[token("@")]
    At,
    #[token("=")]
    Assign,
    #[token("<-")]
    NewSlot,
    #[token("+=")]
    AddAssign,
    #[token("-=")]
    SubAssign,
    #[token("*=")]
    MulAssign,
    #[token("/=")]
    DivAssign,
    #[token("%=")]
    ModAssign,
    #[token("==")]
    Eq,
    #[token("!=")]
    Ne,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("<=>")]
    Cmp3,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("!")]
    Not,
    #[token("~")]
    Tilde,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
    #[token(">>>")]
    UShr,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("++")]
    PlusPlus,
    #[token("--")]
    MinusMinus,
    #[token("</")]
    AttrOpen,
    #[token("/>")]
    AttrClose,

    // Tokens made by `layout`, never by the lexer.
    /// A statement separator implied by a newline (or by a closing `}`).
    Sep,
    /// `else` right after a separator (`;`, newline or `}`), as `if` requires.
    ElseSep,
    /// `++` after a newline: it cannot be a postfix of the previous line.
    PlusPlusNl,
    /// `--` after a newline.
    MinusMinusNl,
    /// A character the reference lexer passes through as a token of its own.
    Unknown(char),
}

/// `..` is no token: the reference stops with this error.
fn two_dots<'s>(lex: &mut logos::Lexer<'s, Tok<'s>>) -> Result<(), LexError> {
    Err(LexError::at("invalid token '..'", lex.span().end))
}

/// `#...` comments; `#line N ["file"]` is kept as a position directive.
fn line_comment<'s>(lex: &mut logos::Lexer<'s, Tok<'s>>) -> logos::Skip {
    if let Some(directive) = parse_line_directive(lex.slice(), lex.span().end + 1) {
        lex.extras.notes.directives.push(directive);
    }
    logos::Skip
}

fn parse_line_directive(comment: &str, next_line_offset: usize) -> Option<LineDirective> {
    let rest = comment.strip_prefix("#line")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim();
    let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let line: u32 = rest[..digits_end].parse().ok()?;
    let file = rest[digits_end..].trim();
    let file = match file.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
        Some(name) => Some(name.into()),
        None if file.is_empty() => None,
        None => return None,
    };
    Some(LineDirective { next_line_offset, line, file })
}

fn block_comment<'s>(lex: &mut logos::Lexer<'s, Tok<'s>>) -> FilterResult<(), LexError> {
    match lex.remainder().find("*/") {
        Some(end) => {
            let start = lex.span().end;
            lex.extras.notes.note_soft_newlines(start, &lex.remainder().as_bytes()[..end]);
            lex.bump(end + 2);
            FilterResult::Skip
        }
        None => {
            lex.bump(lex.remainder().len());
            FilterResult::Error(LexError::at("missing \"*/\" in comment", lex.span().end))
        }
    }
}

/// Reads a number the way the reference does; the first digit is already matched.
fn number<'s>(lex: &mut logos::Lexer<'s, Tok<'s>>) -> Result<Num, LexError> {
    let start = lex.span().start;
    let first = lex.slice().as_bytes()[0];
    let rest = lex.remainder().as_bytes();
    let next = rest.first().copied().unwrap_or(0);
    if first == b'0' && (next == b'x' || next == b'X') {
        let digits = rest[1..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
        lex.bump(1 + digits);
        // As many digits as the integer has nibbles: 16, or 8 on the 32-bit imp.
        let max = if lex.extras.dialect == Dialect::Imp { 8 } else { 16 };
        if digits > max {
            return Err(LexError::at("too many digits for an Hex number", lex.span().end));
        }
        let value = rest[1..1 + digits].iter().fold(0u64, |acc, &c| acc.wrapping_mul(16).wrapping_add(hex_value(c)));
        return Ok(Num::Int(value as i64));
    }
    if first == b'0' && is_octal(next) {
        let digits = rest.iter().take_while(|&&c| is_octal(c)).count();
        lex.bump(digits);
        if rest.get(digits).is_some_and(u8::is_ascii_digit) {
            return Err(LexError::at("invalid octal number", start + 1 + digits));
        }
        let value = rest[..digits].iter().fold(0u64, |acc, &c| acc.wrapping_mul(8).wrapping_add(u64::from(c - b'0')));
        return Ok(Num::Int(value as i64));
    }
    // Decimal: any run of digits, dots and exponents (with an optional sign after `e`).
    let mut len = 0;
    let mut is_float = false;
    while let Some(&c) = rest.get(len) {
        match c {
            b'0'..=b'9' => len += 1,
            b'.' => {
                is_float = true;
                len += 1;
            }
            b'e' | b'E' => {
                is_float = true;
                len += 1;
                if matches!(rest.get(len), Some(b'+' | b'-')) {
                    len += 1;
                }
                if !rest.get(len).is_some_and(u8::is_ascii_digit) {
                    lex.bump(len);
                    return Err(LexError::at("exponent expected", start + 1 + len));
                }
            }
            _ => break,
        }
    }
    lex.bump(len);
    let text = lex.slice();
    if is_float {
        Ok(Num::Float(strtod_prefix(text)))
    } else {
        let value = text.bytes().fold(0u64, |acc, c| acc.wrapping_mul(10).wrapping_add(u64::from(c - b'0')));
        Ok(Num::Int(value as i64))
    }
}

fn is_octal(c: u8) -> bool {
    (b'0'..=b'7').contains(&c)
}

fn hex_value(c: u8) -> u64 {
    match c {
        b'0'..=b'9' => u64::from(c - b'0'),
        _ => u64::from((c | 0x20) - b'a' + 10),
    }
}

/// `strtod` on the longest valid prefix, as the reference does with `1.2.3` or `1e5e3`.
fn strtod_prefix(text: &str) -> f64 {
    let bytes = text.as_bytes();
    let mut end = bytes.iter().take_while(|c| c.is_ascii_digit()).count();
    if bytes.get(end) == Some(&b'.') {
        end += 1;
        end += bytes[end..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut exp = end + 1;
        if matches!(bytes.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        let digits = bytes[exp..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            end = exp + digits;
        }
    }
    let prefix = text[..end].trim_end_matches('.');
    prefix.parse().unwrap_or(0.0)
}

/// A `"..."` string; the opening quote is already matched.
fn string<'s>(lex: &mut logos::Lexer<'s, Tok<'s>>, delim: u8) -> Result<Box<[u8]>, LexError> {
    let body_start = lex.span().end;
    let src = lex.remainder().as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let result = loop {
        let Some(&c) = src.get(i) else {
            break Err(LexError::at("unfinished string", body_start + i));
        };
        match c {
            _ if c == delim => {
                i += 1;
                break Ok(());
            }
            b'\n' => break Err(LexError::at("newline in a constant", body_start + i)),
            b'\\' => match read_escape(src, i + 1, lex.extras.dialect, &mut out) {
                Ok(next) => i = next,
                Err((message, at)) => break Err(LexError::at(message, body_start + at)),
            },
            _ => {
                out.push(c);
                i += 1;
            }
        }
    };
    lex.bump(i);
    result.map(|()| out.into_boxed_slice())
}

/// Decodes the escape whose letter is at `src[i]`, returning the index after it.
fn read_escape(src: &[u8], i: usize, dialect: Dialect, out: &mut Vec<u8>) -> Result<usize, (&'static str, usize)> {
    let Some(&letter) = src.get(i) else {
        return Err(("unfinished string", i));
    };
    let simple = match letter {
        b't' => Some(b'\t'),
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b'v' => Some(0x0b),
        b'f' => Some(0x0c),
        b'0' => Some(0),
        b'\\' => Some(b'\\'),
        b'"' => Some(b'"'),
        b'\'' => Some(b'\''),
        _ => None,
    };
    if let Some(byte) = simple {
        out.push(byte);
        return Ok(i + 1);
    }
    let max_digits = match letter {
        b'x' => 2,
        // `\u` and `\U` came with Squirrel 3.1.
        b'u' if dialect == Dialect::Squirrel32 => 4,
        b'U' if dialect == Dialect::Squirrel32 => 8,
        _ => return Err(("unrecognised escaper char", i)),
    };
    let digits = src[i + 1..].iter().take(max_digits).take_while(|c| c.is_ascii_hexdigit()).count();
    if digits == 0 {
        return Err(("hexadecimal number expected", i + 1));
    }
    let value =
        src[i + 1..i + 1 + digits].iter().fold(0u32, |acc, &c| acc.wrapping_mul(16).wrapping_add(hex_value(c) as u32));
    if letter == b'x' {
        out.push(value as u8);
    } else {
        push_utf8(out, value);
    }
    Ok(i + 1 + digits)
}

/// UTF-8 encoding as the reference does it: code points past U+10FFFF add nothing.
fn push_utf8(out: &mut Vec<u8>, cp: u32) {
    match cp {
        0..=0x7f => out.push(cp as u8),
        0x80..=0x7ff => out.extend_from_slice(&[0xc0 | (cp >> 6) as u8, 0x80 | (cp & 0x3f) as u8]),
        0x800..=0xffff => {
            out.extend_from_slice(&[0xe0 | (cp >> 12) as u8, 0x80 | ((cp >> 6) & 0x3f) as u8, 0x80 | (cp & 0x3f) as u8])
        }
        0x10000..=0x10ffff => out.extend_from_slice(&[
            0xf0 | (cp >> 18) as u8,
            0x80 | ((cp >> 12) & 0x3f) as u8,
            0x80 | ((cp >> 6) & 0x3f) as u8,
            0x80 | (cp & 0x3f) as u8,
        ]),
        _ => {}
    }
}

/// `@"..."`: no escapes, newlines kept, `""` stands for one quote.
fn verbatim<'s>(lex: &mut logos::Lexer<'s, Tok<'s>>) -> Result<Box<[u8]>, LexError> {
    let body_start = lex.span().end;
    let src = lex.remainder().as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        match src.get(i) {
            None => {
                lex.extras.notes.note_soft_newlines(body_start, src);
                lex.bump(i);
                return Err(LexError::at("unfinished string", body_start + i));
            }
            Some(b'"') if src.get(i + 1) == Some(&b'"') => {
                out.push(b'"');
                i += 2;
            }
            Some(b'"') => {
                lex.extras.notes.note_soft_newlines(body_start, &src[..i]);
                lex.bump(i + 1);
                return Ok(out.into_boxed_slice());
            }
            Some(&c) => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// `'c'`: exactly one (possibly escaped) character, as an integer.
fn char_literal<'s>(lex: &mut logos::Lexer<'s, Tok<'s>>) -> Result<i64, LexError> {
    let bytes = string(lex, b'\'')?;
    match *bytes {
        [] => Err(LexError::at("empty constant", lex.span().end)),
        // As string bytes read (see `Profile::char_value`): signed for the reference on
        // x86, unsigned on the imp.
        [c] if lex.extras.dialect == Dialect::Imp => Ok(i64::from(c)),
        [c] => Ok(i64::from(c as i8)),
        _ => Err(LexError::at("constant too long", lex.span().end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(src: &str) -> Vec<Result<Tok<'_>, LexError>> {
        Tok::lexer(src).collect()
    }

    #[test]
    fn integers_wrap_and_bases() {
        assert_eq!(lex("0xFFFFFFFFFFFFFFFF"), vec![Ok(Tok::Num(Num::Int(-1)))]);
        assert_eq!(
            lex("0777 08 09"),
            vec![Ok(Tok::Num(Num::Int(511))), Ok(Tok::Num(Num::Int(8))), Ok(Tok::Num(Num::Int(9)))]
        );
        assert_eq!(lex("18446744073709551617"), vec![Ok(Tok::Num(Num::Int(1)))]);
    }

    #[test]
    fn float_quirks() {
        assert_eq!(
            lex("1.e2 5. 1.2.3"),
            vec![Ok(Tok::Num(Num::Float(100.0))), Ok(Tok::Num(Num::Float(5.0))), Ok(Tok::Num(Num::Float(1.2)))]
        );
        assert_eq!(lex("65.tochar"), vec![Ok(Tok::Num(Num::Float(65.0))), Ok(Tok::Ident("tochar"))]);
        assert_eq!(lex("1e").pop().and_then(Result::err).map(|e| e.message), Some("exponent expected"));
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(lex(r#""a\x414\u00e9""#), vec![Ok(Tok::Str(b"aA4\xc3\xa9".to_vec().into()))]);
        assert_eq!(lex("@\"a\"\"b\n\\n\""), vec![Ok(Tok::Str(b"a\"b\n\\n".to_vec().into()))]);
        assert_eq!(lex("'\\n'"), vec![Ok(Tok::Char(10))]);
        let err = lex("\"ab\ncd\"").remove(0).unwrap_err();
        assert_eq!((err.message, err.offset), ("newline in a constant", 3));
        let err = lex("\"\\q\"").remove(0).unwrap_err();
        assert_eq!(err.message, "unrecognised escaper char");
    }

    #[test]
    fn operators_longest_match() {
        assert_eq!(
            lex("<=> >>> <- </ /> :: ..."),
            vec![
                Ok(Tok::Cmp3),
                Ok(Tok::UShr),
                Ok(Tok::NewSlot),
                Ok(Tok::AttrOpen),
                Ok(Tok::AttrClose),
                Ok(Tok::DoubleColon),
                Ok(Tok::Ellipsis)
            ]
        );
    }

    #[test]
    fn comments_and_line_directives() {
        let mut lexer = Tok::lexer("a /* x\ny */ b # c\n#line 40 \"f.nut\"\nd");
        let toks: Vec<_> = lexer.by_ref().collect();
        assert_eq!(
            toks,
            vec![Ok(Tok::Ident("a")), Ok(Tok::Ident("b")), Ok(Tok::Newline), Ok(Tok::Newline), Ok(Tok::Ident("d"))]
        );
        assert_eq!(
            lexer.extras.notes.directives,
            vec![LineDirective { next_line_offset: 35, line: 40, file: Some("f.nut".into()) }]
        );
        assert_eq!(lexer.extras.notes.soft_newlines, vec![6]);
    }
}
