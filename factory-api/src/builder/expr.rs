//! Parser for Builder's expression language (the `jsep` subset Builder accepts).
//!
//! Builder evaluates `@if`, `@set`, `@include` and `@{...}` arguments as small JavaScript-like
//! expressions; this module turns their text into an [`Expr`] tree with Builder's precedence:
//! `?:` < `||` < `&&` < `|` (filter) < `== !=` < `< > <= >=` < `+ -` < `* / %` < unary < postfix.

/// Nesting bound so hostile input (`((((...`) cannot overflow the stack.
/// Left-deep chains (`a+b+c...`, `a.b.c...`) count too, as evaluation recurses over them.
const MAX_DEPTH: usize = 128;

/// A parsed Builder expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Ident(String),
    Array(Vec<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `||` and `&&` yield one of their operands, as in JavaScript.
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    /// `value | filter` or `value | filter(args)`: a call with `value` as first argument.
    Filter(Box<Expr>, Box<Expr>),
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `object.name` (computed = false) or `object[expr]`.
    Member(Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum UnaryOp {
    Plus,
    Minus,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum BinaryOp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    /// Operators and punctuation, longest match first.
    Punct(&'static str),
}

const PUNCTS: [&str; 22] = [
    "||", "&&", "==", "!=", "<=", ">=", "|", "<", ">", "+", "-", "*", "/", "%", "!", "?", ":", ".", ",", "(", ")", "[",
];

/// Parses the whole of `src` as one expression.
pub(super) fn parse(src: &str) -> Result<Expr, String> {
    let mut p = Parser::new(src);
    let expr = p.expression(0)?;
    // Builder's expression parser (jsep) reads `;` and `,` after an expression as
    // separators, so `@include "a.nut";` is one expression; a second one is an error.
    p.skip_ws();
    while p.src[p.pos..].starts_with([';', ',']) {
        p.pos += 1;
        p.skip_ws();
    }
    if p.pos < p.src.len() {
        return Err(format!("Syntax error: unexpected \"{}\"", p.rest_preview()));
    }
    Ok(expr)
}

/// Parses the longest expression at the start of `src`; returns it and the bytes consumed.
/// Used for `@{...}`, whose end is the first `}` that is not part of the expression.
pub(super) fn parse_prefix(src: &str) -> Result<(Expr, usize), String> {
    let mut p = Parser::new(src);
    let expr = p.expression(0)?;
    p.skip_ws();
    Ok((expr, p.pos))
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser { src, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn rest_preview(&self) -> String {
        self.rest().chars().take(16).collect()
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// Reads the next token without consuming it; returns it and its length in bytes.
    fn peek(&mut self) -> Result<Option<(Tok, usize)>, String> {
        self.skip_ws();
        let rest = self.rest();
        let Some(c) = rest.chars().next() else { return Ok(None) };
        if c.is_ascii_digit() || (c == '.' && rest[1..].starts_with(|d: char| d.is_ascii_digit())) {
            return lex_number(rest).map(Some);
        }
        if c == '"' || c == '\'' {
            return lex_string(rest, c).map(Some);
        }
        if is_ident_start(c) {
            let len = rest.find(|ch: char| !is_ident_part(ch)).unwrap_or(rest.len());
            return Ok(Some((Tok::Ident(rest[..len].to_string()), len)));
        }
        if rest.starts_with(']') {
            return Ok(Some((Tok::Punct("]"), 1)));
        }
        match PUNCTS.iter().find(|p| rest.starts_with(**p)) {
            Some(p) => Ok(Some((Tok::Punct(p), p.len()))),
            None => Ok(None),
        }
    }

    fn next(&mut self) -> Result<Option<Tok>, String> {
        Ok(self.peek()?.map(|(tok, len)| {
            self.pos += len;
            tok
        }))
    }

    fn eat(&mut self, punct: &str) -> Result<bool, String> {
        match self.peek()? {
            Some((Tok::Punct(p), len)) if p == punct => {
                self.pos += len;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn expect(&mut self, punct: &str) -> Result<(), String> {
        if self.eat(punct)? {
            Ok(())
        } else {
            Err(format!("Syntax error: expected \"{punct}\" at \"{}\"", self.rest_preview()))
        }
    }

    /// `test ? consequent : alternate` (right-associative) over binary expressions.
    fn expression(&mut self, depth: usize) -> Result<Expr, String> {
        let depth = deeper(depth)?;
        let test = self.binary(0, depth)?;
        if !self.eat("?")? {
            return Ok(test);
        }
        let consequent = self.expression(depth + 1)?;
        self.expect(":")?;
        let alternate = self.expression(depth + 1)?;
        Ok(Expr::Conditional(Box::new(test), Box::new(consequent), Box::new(alternate)))
    }

    /// Precedence climbing over Builder's binary operators (all left-associative).
    fn binary(&mut self, min_prec: u8, depth: usize) -> Result<Expr, String> {
        let mut left = self.unary(depth)?;
        let mut depth = depth;
        loop {
            let Some((Tok::Punct(p), len)) = self.peek()? else { return Ok(left) };
            let Some((prec, combine)) = binary_operator(p) else { return Ok(left) };
            if prec < min_prec {
                return Ok(left);
            }
            self.pos += len;
            depth = deeper(depth)?;
            let right = self.binary(prec + 1, depth)?;
            left = combine.node(left, right);
        }
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, String> {
        let depth = deeper(depth)?;
        let op = match self.peek()? {
            Some((Tok::Punct("-"), _)) => UnaryOp::Minus,
            Some((Tok::Punct("+"), _)) => UnaryOp::Plus,
            Some((Tok::Punct("!"), _)) => UnaryOp::Not,
            _ => return self.postfix(depth),
        };
        self.pos += 1;
        Ok(Expr::Unary(op, Box::new(self.unary(depth + 1)?)))
    }

    fn postfix(&mut self, depth: usize) -> Result<Expr, String> {
        let mut expr = self.primary(depth)?;
        let mut depth = depth;
        loop {
            depth = deeper(depth)?;
            if self.eat(".")? {
                match self.next()? {
                    Some(Tok::Ident(name)) => {
                        expr = Expr::Member(Box::new(expr), Box::new(Expr::Str(name)));
                    }
                    _ => return Err("Syntax error: expected a property name after \".\"".into()),
                }
            } else if self.eat("[")? {
                let property = self.expression(depth + 1)?;
                self.expect("]")?;
                expr = Expr::Member(Box::new(expr), Box::new(property));
            } else if self.eat("(")? {
                let args = self.list(")", depth + 1)?;
                expr = Expr::Call(Box::new(expr), args);
            } else {
                return Ok(expr);
            }
        }
    }

    /// Comma-separated expressions up to `close` (already past the opener).
    fn list(&mut self, close: &str, depth: usize) -> Result<Vec<Expr>, String> {
        let mut items = Vec::new();
        if self.eat(close)? {
            return Ok(items);
        }
        loop {
            items.push(self.expression(depth)?);
            if self.eat(close)? {
                return Ok(items);
            }
            self.expect(",")?;
        }
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, String> {
        let preview = self.rest_preview();
        match self.next()? {
            Some(Tok::Num(n)) => Ok(Expr::Number(n)),
            Some(Tok::Str(s)) => Ok(Expr::Str(s)),
            Some(Tok::Ident(name)) => Ok(match name.as_str() {
                "true" => Expr::Bool(true),
                "false" => Expr::Bool(false),
                "null" => Expr::Null,
                "this" => return Err("`this` keyword is not supported".into()),
                _ => Expr::Ident(name),
            }),
            Some(Tok::Punct("(")) => {
                let inner = self.expression(depth + 1)?;
                self.expect(")")?;
                Ok(inner)
            }
            Some(Tok::Punct("[")) => Ok(Expr::Array(self.list("]", depth + 1)?)),
            Some(_) => Err(format!("Syntax error: unexpected \"{preview}\"")),
            None if preview.is_empty() => Err("Syntax error: unexpected end of expression".into()),
            None => Err(format!("Syntax error: unexpected \"{preview}\"")),
        }
    }
}

/// One level deeper, or an error past [`MAX_DEPTH`].
fn deeper(depth: usize) -> Result<usize, String> {
    if depth >= MAX_DEPTH {
        Err("Syntax error: expression nested too deeply".into())
    } else {
        Ok(depth + 1)
    }
}

/// How a binary token combines its operands.
#[derive(Clone, Copy)]
enum Combine {
    Or,
    And,
    Filter,
    Op(BinaryOp),
}

/// Precedence and meaning of a binary operator token, `None` if `op` is not one.
fn binary_operator(op: &str) -> Option<(u8, Combine)> {
    Some(match op {
        "||" => (1, Combine::Or),
        "&&" => (2, Combine::And),
        "|" => (3, Combine::Filter),
        "==" => (4, Combine::Op(BinaryOp::Eq)),
        "!=" => (4, Combine::Op(BinaryOp::Ne)),
        "<" => (5, Combine::Op(BinaryOp::Lt)),
        ">" => (5, Combine::Op(BinaryOp::Gt)),
        "<=" => (5, Combine::Op(BinaryOp::Le)),
        ">=" => (5, Combine::Op(BinaryOp::Ge)),
        "+" => (6, Combine::Op(BinaryOp::Add)),
        "-" => (6, Combine::Op(BinaryOp::Sub)),
        "*" => (7, Combine::Op(BinaryOp::Mul)),
        "/" => (7, Combine::Op(BinaryOp::Div)),
        "%" => (7, Combine::Op(BinaryOp::Rem)),
        _ => return None,
    })
}

impl Combine {
    fn node(self, left: Expr, right: Expr) -> Expr {
        let (l, r) = (Box::new(left), Box::new(right));
        match self {
            Combine::Or => Expr::Or(l, r),
            Combine::And => Expr::And(l, r),
            Combine::Filter => Expr::Filter(l, r),
            Combine::Op(op) => Expr::Binary(op, l, r),
        }
    }
}

pub(super) fn is_ident_start(c: char) -> bool {
    c == '$' || c == '_' || c.is_ascii_alphabetic() || (c as u32) >= 128
}

pub(super) fn is_ident_part(c: char) -> bool {
    is_ident_start(c) || c.is_ascii_digit()
}

/// Decimal numbers with optional fraction and exponent (`1`, `1.5`, `.5`, `1E6`, `1e-6`).
fn lex_number(s: &str) -> Result<(Tok, usize), String> {
    let bytes = s.as_bytes();
    let digits = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut end = digits(0);
    if bytes.get(end) == Some(&b'.') {
        end = digits(end + 1);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut exp = end + 1;
        if matches!(bytes.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        let exp_end = digits(exp);
        if exp_end == exp {
            return Err(format!("Syntax error: expected exponent in \"{}\"", &s[..exp]));
        }
        end = exp_end;
    }
    if s[end..].starts_with(is_ident_start) {
        return Err(format!("Syntax error: variable names cannot start with a number ({})", &s[..end]));
    }
    s[..end]
        .parse::<f64>()
        .map(|n| (Tok::Num(n), end))
        .map_err(|_| format!("Syntax error: bad number \"{}\"", &s[..end]))
}

/// Quoted strings with JavaScript escapes; an unknown escape stands for the character itself.
fn lex_string(s: &str, quote: char) -> Result<(Tok, usize), String> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            c if c == quote => return Ok((Tok::Str(out), i + c.len_utf8())),
            '\\' => match chars.next() {
                Some((_, e)) => out.push(match e {
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'v' => '\u{b}',
                    '0' => '\0',
                    other => other,
                }),
                None => break,
            },
            c => out.push(c),
        }
    }
    Err(format!("Syntax error: unclosed quote after \"{}\"", s.chars().take(16).collect::<String>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(n: f64) -> Box<Expr> {
        Box::new(Expr::Number(n))
    }

    #[test]
    fn literals() {
        assert_eq!(parse("1.5").unwrap(), Expr::Number(1.5));
        assert_eq!(parse("1E6").unwrap(), Expr::Number(1e6));
        assert_eq!(parse("1e-6").unwrap(), Expr::Number(1e-6));
        assert_eq!(parse(".5").unwrap(), Expr::Number(0.5));
        assert_eq!(parse(r#""a\"b\n""#).unwrap(), Expr::Str("a\"b\n".into()));
        assert_eq!(parse("'x'").unwrap(), Expr::Str("x".into()));
        assert_eq!(parse("true").unwrap(), Expr::Bool(true));
        assert_eq!(parse("null").unwrap(), Expr::Null);
        assert_eq!(parse("$a_1").unwrap(), Expr::Ident("$a_1".into()));
        assert_eq!(parse("[1, 2]").unwrap(), Expr::Array(vec![Expr::Number(1.0), Expr::Number(2.0)]));
    }

    #[test]
    fn precedence_matches_builder() {
        assert_eq!(
            parse("1 + 2 * 3").unwrap(),
            Expr::Binary(BinaryOp::Add, num(1.0), Box::new(Expr::Binary(BinaryOp::Mul, num(2.0), num(3.0))))
        );
        assert_eq!(
            parse("1 - 2 - 3").unwrap(),
            Expr::Binary(BinaryOp::Sub, Box::new(Expr::Binary(BinaryOp::Sub, num(1.0), num(2.0))), num(3.0))
        );
        // `|` binds looser than `==`, tighter than `&&`.
        let Expr::And(_, right) = parse("a && b | f == c").unwrap() else { panic!() };
        assert!(matches!(*right, Expr::Filter(_, _)));
        let Expr::Conditional(..) = parse("a || b ? 1 : c ? 2 : 3").unwrap() else { panic!() };
    }

    #[test]
    fn postfix_and_unary() {
        assert_eq!(
            parse("-a.b").unwrap(),
            Expr::Unary(
                UnaryOp::Minus,
                Box::new(Expr::Member(Box::new(Expr::Ident("a".into())), Box::new(Expr::Str("b".into()))))
            )
        );
        assert!(matches!(parse("S.trim(' x ')").unwrap(), Expr::Call(_, ref args) if args.len() == 1));
        assert!(matches!(parse("([1, 2])[1]").unwrap(), Expr::Member(..)));
    }

    #[test]
    fn syntax_errors() {
        for bad in ["", "1 +", "(1", "'abc", "a b", "1a", "1e", "a.", "this", "f(1,", "@", "a ? b", "~a"] {
            assert!(parse(bad).is_err(), "{bad:?} should not parse");
        }
        let deep = "(".repeat(10_000);
        assert!(parse(&deep).is_err());
        assert!(parse(&"-".repeat(10_000)).is_err());
        assert!(parse("1+".repeat(10_000).trim_end_matches('+')).is_err());
        assert!(parse(&format!("a{}", ".b".repeat(10_000))).is_err());
        assert!(parse("1+".repeat(50).trim_end_matches('+')).is_ok());
    }

    #[test]
    fn separators_after_an_expression() {
        assert_eq!(parse("\"tests/global.nut\";").unwrap(), Expr::Str("tests/global.nut".into()));
        assert_eq!(parse("1 ; , ;").unwrap(), Expr::Number(1.0));
        assert!(parse("1; 2").is_err());
        assert!(parse(";").is_err());
    }

    #[test]
    fn prefix_stops_before_closing_brace() {
        let (expr, used) = parse_prefix("a + '}' } tail").unwrap();
        assert!(matches!(expr, Expr::Binary(BinaryOp::Add, ..)));
        assert_eq!(&"a + '}' } tail"[used..], "} tail");
    }
}
