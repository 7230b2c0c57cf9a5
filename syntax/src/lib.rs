//! The front end: Squirrel source text to an AST, or a `ParseError` that says what
//! and where exactly as the reference compiler would.
//!
//! `token` lexes (logos), `layout` applies the newline rules, the generated LR parser
//! (`grammar.lalrpop`, lalrpop) builds the tree with `actions`, `source` maps offsets to
//! positions, and `error` turns parser failures into the reference's messages.

pub mod actions;
pub mod ast;
mod depth;
mod error;
pub mod layout;
pub mod sexpr;
pub mod source;
pub mod token;
mod walk;

#[allow(clippy::all, unused_parens, unused_imports)]
mod grammar {
    lalrpop_util::lalrpop_mod!(pub grammar, "/grammar.rs");
    pub use grammar::*;
}

pub use depth::deeper;
pub use depth::MAX_DEPTH;
pub use error::ParseError;
pub use source::{Position, SourceMap};
pub use token::Dialect;

/// A parsed program and the map from its spans to positions.
#[derive(Clone, Debug)]
pub struct Ast {
    pub program: ast::Program,
    pub source_map: SourceMap,
}

/// Parses one compilation unit of Squirrel 3.2; `file` names it in positions and
/// `__FILE__`.
pub fn parse(source: &str, file: &str) -> Result<Ast, ParseError> {
    parse_dialect(source, file, Dialect::Squirrel32)
}

/// Programs parsed last kept at most by `parse_shared`.
const PARSED_KEPT: usize = 32;

/// A program `parse_shared` parsed, and what it was parsed from.
struct Parsed {
    dialect: Dialect,
    file: String,
    source: String,
    ast: std::rc::Rc<Ast>,
}

thread_local! {
    /// The last programs parsed, most recent first.
    static PARSED: std::cell::RefCell<Vec<Parsed>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `parse_dialect`, remembering the last few programs: an embedder that starts many VMs
/// on the same source (a factory line restarts thousands of imps into the same
/// firmware) parses it once. Errors are not kept.
pub fn parse_shared(source: &str, file: &str, dialect: Dialect) -> Result<std::rc::Rc<Ast>, ParseError> {
    let hit = PARSED.with_borrow_mut(|kept| {
        let index = kept.iter().position(|p| p.dialect == dialect && p.file == file && p.source == source)?;
        let parsed = kept.remove(index);
        let ast = parsed.ast.clone();
        kept.insert(0, parsed);
        Some(ast)
    });
    if let Some(ast) = hit {
        return Ok(ast);
    }
    let ast = std::rc::Rc::new(parse_dialect(source, file, dialect)?);
    PARSED.with_borrow_mut(|kept| {
        let parsed = Parsed { dialect, file: file.to_string(), source: source.to_string(), ast: ast.clone() };
        kept.insert(0, parsed);
        kept.truncate(PARSED_KEPT);
    });
    Ok(ast)
}

/// Parses one compilation unit written for `dialect`. The reference lexer reads a NUL
/// byte as the end of its input, so the unit ends at the first one.
pub fn parse_dialect(source: &str, file: &str, dialect: Dialect) -> Result<Ast, ParseError> {
    let source = source.split('\0').next().unwrap_or_default();
    let (tokens, notes) = match layout::tokens(source, dialect) {
        Ok(laid_out) => laid_out,
        Err((lex, notes)) => {
            let map = SourceMap::new(source, file, notes);
            return Err(ParseError::new(&map, lex.message.into(), lex.offset, None));
        }
    };
    let source_map = SourceMap::new(source, file, notes);
    let context = actions::Context { map: &source_map, dialect };
    let parsed = grammar::ProgramParser::new().parse(&context, tokens.iter().cloned().map(Ok));
    match parsed {
        Ok(program) => {
            depth::check(&program).map_err(|span| {
                ParseError::new(&source_map, "nesting too deep".into(), span.lo as usize, Some(span))
            })?;
            Ok(Ast { program, source_map })
        }
        Err(err) => Err(error::from_lalrpop(&source_map, &tokens, source.len(), err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_program_is_parsed_once_and_errors_are_not_kept() {
        let first = parse_shared("local a = 1;", "a.nut", Dialect::Squirrel32).expect("parses");
        let again = parse_shared("local a = 1;", "a.nut", Dialect::Squirrel32).expect("parses");
        assert!(std::rc::Rc::ptr_eq(&first, &again));
        let other = parse_shared("local a = 1;", "b.nut", Dialect::Squirrel32).expect("parses");
        assert!(!std::rc::Rc::ptr_eq(&first, &other), "positions name the file: another file, another tree");
        assert!(parse_shared("local a = ;", "a.nut", Dialect::Squirrel32).is_err());
        assert!(parse_shared("local a = ;", "a.nut", Dialect::Squirrel32).is_err());
    }
}
