//! How deep a tree the front end takes, and the Rust stack its recursive passes run on.
//!
//! The passes over a tree (the compiler, constant folding, `--ast` printing) recurse,
//! once a level. Long left-associative chains (`a + a + ...`, `x.f(1).f(1)...`, as
//! generated code writes them) are as deep as they are long, so the passes run their
//! recursion through [`deeper`], which continues on a new stack segment on the heap when
//! the current one runs low. The depth itself is bounded, checked without recursion
//! before any pass sees the tree: the reference compiles deeper programs until its C
//! stack overflows; a tree deeper than [`MAX_DEPTH`] is refused with "nesting too deep".

use super::ast::*;
use super::walk::by_ref::{children, Child};

/// Deeper trees are refused. A level takes up to 8 KB of stack in a debug build's
/// compiler and about 1 KB in a release build (`tests/deep_nesting.rs`), so the deepest
/// program borrows at most a few tens of MB of stack segments while it compiles.
pub const MAX_DEPTH: usize = 10_000;

/// Stack left below which [`deeper`] switches to a new segment: more than the deepest
/// frame between two calls of it.
const RED_ZONE: usize = 64 * 1024;

/// The size of each new segment.
const SEGMENT: usize = 2 * 1024 * 1024;

/// Runs one level of a recursive pass, on a fresh stack segment if little is left.
#[inline]
pub fn deeper<R>(level: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, level)
}

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
