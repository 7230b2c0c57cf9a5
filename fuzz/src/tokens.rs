//! A lossless, forgiving Squirrel tokenizer: the pieces join back into the source, and
//! any input (even invalid UTF-8 turned lossy, unterminated strings) splits. The mutator
//! replaces and moves whole tokens; the minimiser deletes them.

const OPERATORS: &[&str] = &[
    ">>>=", "<=>", ">>>", "<<=", ">>=", "...", "==", "!=", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=",
    "%=", "|=", "&=", "^=", "<<", ">>", "<-", "::",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Space,
    Comment,
    Number,
    Str,
    Ident,
    Punct,
}

/// Splits `src` into tokens (whitespace and comments included).
pub fn tokenize(src: &str) -> Vec<(Kind, &str)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        let kind = if c.is_ascii_whitespace() {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            Kind::Space
        } else if c == b'#' || src[i..].starts_with("//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            Kind::Comment
        } else if src[i..].starts_with("/*") {
            i = src[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            Kind::Comment
        } else if c == b'"' || c == b'\'' || src[i..].starts_with("@\"") {
            let verbatim = c == b'@';
            let quote = if verbatim { b'"' } else { c };
            i += if verbatim { 2 } else { 1 };
            while i < b.len() {
                if b[i] == quote {
                    if verbatim && b.get(i + 1) == Some(&quote) {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += if b[i] == b'\\' && !verbatim { 2 } else { 1 };
            }
            Kind::Str
        } else if c.is_ascii_digit() {
            while i < b.len()
                && (b[i].is_ascii_alphanumeric()
                    || b[i] == b'.'
                    || ((b[i] == b'-' || b[i] == b'+') && matches!(b[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            Kind::Number
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            Kind::Ident
        } else {
            i += OPERATORS.iter().find(|op| src[i..].starts_with(*op)).map_or(1, |op| op.len());
            Kind::Punct
        };
        // Keep every piece on a character boundary.
        i = i.min(b.len());
        while !src.is_char_boundary(i) {
            i += 1;
        }
        out.push((kind, &src[start..i]));
    }
    out
}
