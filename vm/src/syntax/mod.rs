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

#[allow(clippy::all, unused_parens, unused_imports)]
mod grammar {
    lalrpop_util::lalrpop_mod!(pub grammar, "/syntax/grammar.rs");
    pub use grammar::*;
}

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

/// Parses one compilation unit written for `dialect`.
pub fn parse_dialect(source: &str, file: &str, dialect: Dialect) -> Result<Ast, ParseError> {
    let (tokens, notes) = match layout::tokens(source, dialect) {
        Ok(laid_out) => laid_out,
        Err((lex, notes)) => {
            let map = SourceMap::new(source, file, notes);
            return Err(ParseError::new(&map, lex.message.into(), lex.offset, None));
        }
    };
    let source_map = SourceMap::new(source, file, notes);
    let context = actions::Context { map: &source_map, dialect };
    let parsed = grammar::ProgramParser::new().parse(&context, tokens.into_iter().map(Ok));
    match parsed {
        Ok(program) => {
            depth::check(&program).map_err(|span| {
                ParseError::new(&source_map, "expression nested too deeply".into(), span.lo as usize, Some(span))
            })?;
            Ok(Ast { program, source_map })
        }
        Err(err) => Err(error::from_lalrpop(&source_map, source.len(), err)),
    }
}
