//! A bound on the depth of the tree, checked without recursion before any pass that
//! recurses over the tree (the compiler, constant folding, `--ast` printing) may see it.
//!
//! The reference compiler recurses as it parses and simply crashes on deep enough
//! input; a tree deeper than this bound is refused with "nesting too deep".

use super::ast::*;
use super::walk::by_ref::{children, Child};

/// Deeper trees are refused. A debug build's compiler takes up to 8 KB of Rust stack a
/// level (measured: `tests/deep_nesting.rs`), so this many levels fit in 1 MB, half the
/// stack a spawned thread gets by default.
pub const MAX_DEPTH: usize = 128;

/// Returns the span of the first node found past the limit, if any.
pub fn check(program: &Program) -> Result<(), Span> {
    let mut pending: Vec<(Child<'_>, usize)> = program.body.iter().map(|s| (Child::Stmt(s), 1)).collect();
    while let Some((node, depth)) = pending.pop() {
        if depth > MAX_DEPTH {
            return Err(match node {
                Child::Stmt(s) => s.span,
                Child::Expr(e) => e.span,
            });
        }
        children(node, &mut |child| pending.push((child, depth + 1)));
    }
    Ok(())
}
