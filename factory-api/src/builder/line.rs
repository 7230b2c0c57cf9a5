//! Recognising what one source line is: a Builder directive, an `@` comment, a `#require`,
//! or text (possibly with `@{...}` inline expressions).
//!
//! Kept apart from execution so the syntax rules (which `@words` are directives, how `//`
//! comments after a directive are dropped, where `@{` ends) are testable line by line.

use super::expr::{self, Expr};

/// What a source line is.
#[derive(Debug, PartialEq)]
pub(super) enum Line<'a> {
    /// `@` followed by whitespace or the end of the line: dropped from the output.
    Comment,
    Directive(Directive),
    /// `#require "name:version"` (Electric Imp's library loader).
    Require {
        name: String,
        version: String,
    },
    Text(&'a str),
}

/// A directive with its (comment-stripped) argument.
#[derive(Debug, PartialEq)]
pub(super) enum Directive {
    Include {
        once: bool,
        expr: String,
    },
    Set {
        name: String,
        expr: String,
    },
    If(String),
    ElseIf(String),
    Else,
    EndIf,
    /// `@end`: closes whichever block is open.
    End,
    Error(String),
    Warning(String),
    /// `@macro`, `@while`, `@repeat` and their terminators, which impish does not implement.
    Unsupported(&'static str),
}

const UNSUPPORTED: [&str; 6] = ["macro", "endmacro", "while", "endwhile", "repeat", "endrepeat"];

/// Classifies one line (without its line terminator); `Err` is a syntax error message.
pub(super) fn classify(line: &str) -> Result<Line<'_>, String> {
    let trimmed = line.trim_start();
    if let Some(after_at) = trimmed.strip_prefix('@') {
        if after_at.is_empty() || after_at.starts_with(char::is_whitespace) {
            return Ok(Line::Comment);
        }
        let word_len = after_at.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after_at.len());
        let (word, rest) = after_at.split_at(word_len);
        if let Some(directive) = directive(word, strip_comments(rest).trim())? {
            return Ok(Line::Directive(directive));
        }
    }
    if let Some(rest) = trimmed.strip_prefix("#require") {
        if rest.starts_with(char::is_whitespace) {
            return require(rest.trim_start()).map(|(name, version)| Line::Require { name, version });
        }
    }
    Ok(Line::Text(line))
}

/// The directive `@word arg`, `None` if `word` is not a directive name (the line is text).
fn directive(word: &str, arg: &str) -> Result<Option<Directive>, String> {
    let nonempty = |d: fn(String) -> Directive| {
        if arg.is_empty() {
            Err(format!("Syntax error in @{word}"))
        } else {
            Ok(d(arg.to_string()))
        }
    };
    let empty = |d: Directive| if arg.is_empty() { Ok(d) } else { Err(format!("Syntax error in @{word}")) };
    Ok(Some(match word {
        "include" => {
            let (once, expr) = match arg.strip_prefix("once") {
                Some(rest) if rest.is_empty() || !rest.starts_with(expr::is_ident_part) => (true, rest.trim()),
                _ => (false, arg),
            };
            if expr.is_empty() {
                return Err("Syntax error in @include".into());
            }
            Directive::Include { once, expr: expr.to_string() }
        }
        "set" => {
            let name_len = arg.find(|c: char| !expr::is_ident_part(c)).unwrap_or(arg.len());
            let (name, value) = arg.split_at(name_len);
            let value = value.trim_start();
            let value = value.strip_prefix('=').unwrap_or(value).trim();
            if !name.starts_with(expr::is_ident_start) || value.is_empty() {
                return Err("Syntax error in @set".into());
            }
            Directive::Set { name: name.to_string(), expr: value.to_string() }
        }
        "if" => nonempty(Directive::If)?,
        "elseif" => nonempty(Directive::ElseIf)?,
        "else" => empty(Directive::Else)?,
        "endif" => empty(Directive::EndIf)?,
        "end" => empty(Directive::End)?,
        "error" => nonempty(Directive::Error)?,
        "warning" => nonempty(Directive::Warning)?,
        _ => match UNSUPPORTED.iter().find(|u| **u == word) {
            Some(name) => Directive::Unsupported(name),
            None => return Ok(None),
        },
    }))
}

/// Drops `//` and `/* */` comments that are outside string literals.
fn strip_comments(arg: &str) -> String {
    let mut out = String::with_capacity(arg.len());
    let mut chars = arg.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                out.push(c);
                if let Some(escaped) = chars.next() {
                    out.push(escaped);
                }
            }
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (None, '"' | '\'') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '/') if chars.peek() == Some(&'/') => break,
            (None, '/') if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

/// `"name:version"` of a `#require` line.
fn require(rest: &str) -> Result<(String, String), String> {
    let spec = rest
        .strip_prefix('"')
        .and_then(|s| s.split_once('"'))
        .map(|(spec, _)| spec)
        .ok_or_else(|| "Syntax error in #require: expected \"name:version\"".to_string())?;
    // Both parts become path components when the library is looked up.
    let plain = |s: &str| !s.is_empty() && !s.starts_with('.') && !s.contains(['/', '\\']);
    match spec.rsplit_once(':') {
        Some((name, version)) if plain(name.trim()) && plain(version.trim()) => {
            Ok((name.trim().to_string(), version.trim().to_string()))
        }
        _ => Err(format!("Syntax error in #require \"{spec}\": expected \"name:version\"")),
    }
}

/// A piece of a text line: literal text or an `@{...}` expression.
#[derive(Debug, PartialEq)]
pub(super) enum Piece<'a> {
    Text(&'a str),
    Expr(Expr),
}

/// Splits a text line at its `@{...}` expressions. An `@{` with no `}` after it is text,
/// as in Builder; one whose contents do not parse up to a `}` is a syntax error.
pub(super) fn split_inline(mut text: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut pieces = Vec::new();
    while let Some(start) = text.find("@{") {
        let body = &text[start + 2..];
        if !body.contains('}') {
            break;
        }
        let syntax_error = |detail: &str| format!("Syntax error in the inline instruction: {detail}");
        let (expr, used) = expr::parse_prefix(body).map_err(|e| syntax_error(&e))?;
        let Some(after) = body[used..].strip_prefix('}') else {
            return Err(syntax_error("expected \"}\""));
        };
        if start > 0 {
            pieces.push(Piece::Text(&text[..start]));
        }
        pieces.push(Piece::Expr(expr));
        text = after;
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(line: &str) -> Directive {
        match classify(line) {
            Ok(Line::Directive(d)) => d,
            other => panic!("{line:?} gave {other:?}"),
        }
    }

    #[test]
    fn directives() {
        assert_eq!(d("@include \"a.nut\""), Directive::Include { once: false, expr: "\"a.nut\"".into() });
        assert_eq!(d("  @include once 'a.nut' // why"), Directive::Include { once: true, expr: "'a.nut'".into() });
        assert_eq!(d("@include onceFile"), Directive::Include { once: false, expr: "onceFile".into() });
        assert_eq!(d("@set A 1"), Directive::Set { name: "A".into(), expr: "1".into() });
        assert_eq!(d("@set A = 'x' /* c */"), Directive::Set { name: "A".into(), expr: "'x'".into() });
        assert_eq!(d("@set $b=2"), Directive::Set { name: "$b".into(), expr: "2".into() });
        assert_eq!(d("@if(A)"), Directive::If("(A)".into()));
        assert_eq!(d("@elseif B == '//'"), Directive::ElseIf("B == '//'".into()));
        assert_eq!(d("@else // comment"), Directive::Else);
        assert_eq!(d("\t@endif"), Directive::EndIf);
        assert_eq!(d("@end"), Directive::End);
        assert_eq!(d("@error \"bad\""), Directive::Error("\"bad\"".into()));
        assert_eq!(d("@warning 'w'"), Directive::Warning("'w'".into()));
        assert_eq!(d("@macro m(a)"), Directive::Unsupported("macro"));
    }

    #[test]
    fn directive_syntax_errors() {
        for bad in ["@set", "@set A", "@set 1A 2", "@include", "@include once", "@if", "@else x", "@endif 1", "@error"]
        {
            assert!(classify(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn comments_and_text() {
        assert_eq!(classify("@ a comment").unwrap(), Line::Comment);
        assert_eq!(classify("  @").unwrap(), Line::Comment);
        assert_eq!(classify("@includes").unwrap(), Line::Text("@includes"));
        assert_eq!(classify("@\"verbatim\"").unwrap(), Line::Text("@\"verbatim\""));
        assert_eq!(classify("x = 1; // @include \"y\"").unwrap(), Line::Text("x = 1; // @include \"y\""));
    }

    #[test]
    fn require_lines() {
        assert_eq!(
            classify("#require \"Promise.lib.nut:4.0.0\" // promises").unwrap(),
            Line::Require { name: "Promise.lib.nut".into(), version: "4.0.0".into() }
        );
        assert!(classify("#require \"Promise.lib.nut\"").is_err());
        assert!(classify("#require Promise").is_err());
        assert!(classify("#require \"../x.nut:1.0\"").is_err());
        assert!(classify("#require \"x.nut:../1\"").is_err());
        assert_eq!(classify("#required").unwrap(), Line::Text("#required"));
    }

    #[test]
    fn inline_expressions() {
        let pieces = split_inline("a @{x} b @{'}'}!").unwrap();
        assert_eq!(pieces.len(), 5);
        assert_eq!(pieces[0], Piece::Text("a "));
        assert_eq!(pieces[1], Piece::Expr(Expr::Ident("x".into())));
        assert_eq!(pieces[3], Piece::Expr(Expr::Str("}".into())));
        assert_eq!(pieces[4], Piece::Text("!"));
        assert_eq!(split_inline("t = @{ no close").unwrap(), vec![Piece::Text("t = @{ no close")]);
        assert!(split_inline("@{1 +} x").is_err());
        assert!(split_inline("@{a b}").is_err());
        assert_eq!(split_inline("").unwrap(), vec![]);
    }
}
