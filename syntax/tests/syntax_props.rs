//! Property tests of the front end: no input makes it panic, and operator precedence
//! is what the reference implements (a minimally parenthesised expression groups like
//! its fully parenthesised form).

use impish_syntax::token::Tok;
use impish_syntax::{layout, parse, sexpr, Dialect};
use proptest::prelude::*;

/// Pieces of Squirrel, so random programs get past the lexer and exercise the parser.
const VOCABULARY: &[&str] = &[
    "local",
    "function",
    "class",
    "extends",
    "if",
    "else",
    "while",
    "do",
    "for",
    "foreach",
    "in",
    "switch",
    "case",
    "default",
    "break",
    "continue",
    "return",
    "yield",
    "try",
    "catch",
    "throw",
    "const",
    "enum",
    "static",
    "constructor",
    "this",
    "base",
    "null",
    "true",
    "false",
    "delete",
    "clone",
    "typeof",
    "resume",
    "instanceof",
    "rawcall",
    "__LINE__",
    "__FILE__",
    "a",
    "b",
    "f",
    "0",
    "1",
    "0x1F",
    "1.5",
    "'c'",
    "\"s\"",
    "@\"v\"",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ";",
    ",",
    ".",
    "::",
    "...",
    "@",
    "?",
    ":",
    "=",
    "<-",
    "+=",
    "-",
    "+",
    "*",
    "/",
    "%",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "<=>",
    "&&",
    "||",
    "!",
    "~",
    "&",
    "|",
    "^",
    "<<",
    ">>",
    ">>>",
    "++",
    "--",
    "</",
    "/>",
    "\n",
    "\n",
    "#line 3\n",
    "/* c */",
    "// c\n",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(VOCABULARY), 0..60).prop_map(|words| words.join(" "))
}

/// A binary expression tree over names, with the reference's precedence levels.
#[derive(Clone, Debug)]
enum Tree {
    Leaf(char),
    Node(&'static str, Box<Tree>, Box<Tree>),
}

/// Operators by binding strength, weakest first (FEATURES.md §4).
const LEVELS: &[&[&str]] = &[
    &["||"],
    &["&&"],
    &["|"],
    &["^"],
    &["&"],
    &["==", "!=", "<=>"],
    &["<", "<=", ">", ">=", "in", "instanceof"],
    &["<<", ">>", ">>>"],
    &["+", "-"],
    &["*", "/", "%"],
];

fn level(op: &str) -> usize {
    LEVELS.iter().position(|ops| ops.contains(&op)).unwrap_or(0)
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop::sample::select(vec!['a', 'b', 'c', 'd']).prop_map(Tree::Leaf);
    leaf.prop_recursive(5, 32, 2, |inner| {
        let ops: Vec<&'static str> = LEVELS.iter().flat_map(|l| l.iter().copied()).collect();
        (prop::sample::select(ops), inner.clone(), inner)
            .prop_map(|(op, l, r)| Tree::Node(op, Box::new(l), Box::new(r)))
    })
}

fn full(t: &Tree) -> String {
    match t {
        Tree::Leaf(c) => c.to_string(),
        Tree::Node(op, l, r) => format!("({} {op} {})", full(l), full(r)),
    }
}

/// Parentheses only where precedence (all levels are left-associative) requires them.
fn minimal(t: &Tree) -> String {
    match t {
        Tree::Leaf(c) => c.to_string(),
        Tree::Node(op, l, r) => {
            let wrap = |child: &Tree, needs: fn(usize, usize) -> bool| match child {
                Tree::Node(child_op, ..) if needs(level(child_op), level(op)) => format!("({})", minimal(child)),
                _ => minimal(child),
            };
            format!("{} {op} {}", wrap(l, |c, p| c < p), wrap(r, |c, p| c <= p))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let source = String::from_utf8_lossy(&bytes);
        let _ = parse(&source, "fuzz.nut");
    }

    #[test]
    fn token_soup_never_panics(source in token_soup()) {
        if let Err(err) = parse(&source, "soup.nut") {
            prop_assert!(!err.message.is_empty());
            prop_assert!(err.position.line >= 1);
        }
    }

    #[test]
    fn laid_out_tokens_are_ordered_and_inside_the_source(source in token_soup()) {
        if let Ok((tokens, _)) = layout::tokens(&source, Dialect::Squirrel32) {
            for (lo, _, hi) in &tokens {
                prop_assert!(lo <= hi && *hi <= source.len());
            }
            for pair in tokens.windows(2) {
                let ((lo, tok, hi), (next_lo, ..)) = (&pair[0], &pair[1]);
                // A separator carries the span of the token it stands before.
                let end = if *tok == Tok::Sep { lo } else { hi };
                prop_assert!(next_lo >= end, "{:?} overlaps what follows", tok);
            }
        }
    }

    #[test]
    fn precedence_matches_the_reference(t in tree()) {
        let full = parse(&format!("x = {}", full(&t)), "p.nut").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let minimal = parse(&format!("x = {}", minimal(&t)), "p.nut").map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(sexpr::program(&full.program), sexpr::program(&minimal.program));
    }
}
