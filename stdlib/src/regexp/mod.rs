//! Squirrel's `regexp` class: the reference string library's own small regular
//! expression dialect, with its results.
//!
//! The reference engine is not a textbook backtracker, and scripts depend on what it
//! actually returns, so this engine reproduces its model rather than Perl's:
//!
//! * Each element matches once, at one place, and is never revisited. A repetition
//!   consumes items one at a time and stops as soon as the element after it could
//!   match (so `a*ab` cannot match `aaab` from 0 but does from 1); an alternation takes
//!   the first branch that matches on its own (`(a|ab)c` never matches `abc`).
//! * "Unbounded" repetition stops after 65536 items.
//! * A group records its first participation only, and the counter that decides which
//!   group may record next is reset when a group completes, so later groups can stay
//!   empty (`((a)(b))(c)` leaves group 4 at 0,0). Captures persist in the object across
//!   calls; a group this call never reached reports the previous call's values.
//! * Empty captures report `(0, 0)`. Searches try start positions before the end only,
//!   so an empty subject never matches; `^` is the search start.
//! * `\b` and `\B` are boundaries between white space and the rest, and look at the
//!   byte at and after the position. Classes are C's (`isalpha`...) in the C locale.
//! * Pattern and subject end at their first NUL byte, as C strings.
//! * `\m<open><close>` (undocumented) matches a balanced run.
//!
//! Unlike the reference, no input can crash or hang it: group nesting is bounded, and
//! a match runs under a step budget and a recursion bound, failing with [`MatchError`]
//! instead of running away.

pub mod class;
mod matcher;
mod parser;
#[cfg(test)]
mod tests;

use matcher::Matcher;
use parser::Parser;

/// The reference's compile errors (their `Display` is its message), plus our nesting
/// bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    #[error("expected paren")]
    ExpectedParen,
    #[error("letter expected")]
    LetterExpected,
    #[error("letter expected for argument of escape sequence")]
    EscapeExpected,
    #[error("balanced chars expected")]
    BalancedCharsExpected,
    #[error("open/close char can't be the same")]
    BalancedCharsSame,
    #[error("empty class")]
    EmptyClass,
    #[error("invalid range")]
    InvalidRange,
    #[error("number expected")]
    NumberExpected,
    #[error("overflow in numeric constant")]
    NumberOverflow,
    #[error(", or }} expected")]
    CommaOrBraceExpected,
    #[error("unexpected character")]
    UnexpectedCharacter,
    #[error("groups nested too deeply")]
    TooDeep,
}

/// Why a match gave up (the reference would run out of time or stack instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MatchError {
    #[error("regexp too complex: step budget exhausted")]
    StepBudget,
    #[error("regexp too complex: recursion too deep")]
    TooDeep,
}

/// Groups may nest this deep; matching recursion is bounded by [`MAX_DEPTH`].
const MAX_NESTING: usize = 200;
/// Bound on the matcher's recursion (nesting, and chains of repetitions each looking
/// ahead at the next).
const MAX_DEPTH: u32 = 1000;
/// Node visits allowed per call by default: far beyond any sane match on firmware
/// sized subjects, small enough to stop catastrophic patterns in well under a second.
pub const DEFAULT_STEP_BUDGET: u64 = 50_000_000;
/// "Unbounded" repetitions store this maximum, and then stop after `UNBOUNDED + 1`.
const UNBOUNDED: u16 = u16::MAX;

/// The length of `s` as a C string (up to its first NUL), found a word at a time by
/// `CStr`'s scan: subjects hold no NUL, so every byte is read, and a byte loop costs
/// about four instructions a byte.
fn c_len(s: &[u8]) -> usize {
    std::ffi::CStr::from_bytes_until_nul(s).map_or(s.len(), |c| c.to_bytes().len())
}

/// A compiled pattern, with the capture state the reference keeps between calls.
#[derive(Clone, Debug)]
pub struct Regexp {
    nodes: Vec<Node>,
    root: NodeId,
    captures: Vec<Capture>,
    step_budget: u64,
    /// Node visits the last call made.
    spent: u64,
    /// When known (see [`first_bytes`]): the bytes a match can begin with, so `search`
    /// can skip start positions where a match cannot begin.
    first_bytes: Option<ByteSet>,
    /// The pattern starts with `^`: a match can only begin where the search starts.
    anchored: bool,
}

type NodeId = u32;

#[derive(Clone, Debug)]
struct Node {
    kind: Kind,
    /// The element after this one in its sequence.
    next: Option<NodeId>,
}

#[derive(Clone, Debug)]
enum Kind {
    /// Any element that consumes one byte (a literal, `.`, a set `[...]`, a class
    /// `\d`...), compiled to the bytes it accepts: the matcher tests one bit.
    OneOf(ByteSet),
    Bol,
    Eol,
    Boundary {
        negated: bool,
    },
    Balanced {
        open: u8,
        close: u8,
    },
    /// `(...)` (capture index) or `(?:...)`; `body` heads a sequence.
    Group {
        capture: Option<usize>,
        body: NodeId,
    },
    Repeat {
        item: NodeId,
        min: u16,
        max: u16,
    },
    /// Sequences tried in order; the first that matches wins.
    Alt(Box<[NodeId]>),
}

/// The bytes at which the sequence headed by `id` can get past its first element, when
/// an attempt anywhere else fails at that element and leaves no trace (so skipping it
/// is the same as trying it): one-byte elements, alternations of such sequences,
/// non-capturing groups and repetitions of at least one of them. A capturing group
/// records where it was tried, so it ends the analysis.
fn first_bytes(nodes: &[Node], id: NodeId) -> Option<ByteSet> {
    match &nodes[id as usize].kind {
        &Kind::OneOf(set) => Some(set),
        &Kind::Group { capture: None, body } => first_bytes(nodes, body),
        &Kind::Repeat { item, min, .. } if min > 0 => first_bytes(nodes, item),
        Kind::Alt(branches) => {
            branches.iter().try_fold(ByteSet([0; 4]), |set, &b| Some(set.union(first_bytes(nodes, b)?)))
        }
        _ => None,
    }
}

/// A set of bytes, one bit each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn from_fn(accepts: impl Fn(u8) -> bool) -> ByteSet {
        let mut bits = [0u64; 4];
        for c in 0..=255u8 {
            if accepts(c) {
                bits[usize::from(c >> 6)] |= 1 << (c & 63);
            }
        }
        ByteSet(bits)
    }

    /// Just `c`.
    fn single(c: u8) -> ByteSet {
        let mut bits = [0u64; 4];
        bits[usize::from(c >> 6)] = 1 << (c & 63);
        ByteSet(bits)
    }

    /// Every byte.
    const ALL: ByteSet = ByteSet([u64::MAX; 4]);

    fn union(self, other: ByteSet) -> ByteSet {
        ByteSet(std::array::from_fn(|i| self.0[i] | other.0[i]))
    }

    #[inline(always)]
    fn contains(&self, c: u8) -> bool {
        self.0[usize::from(c >> 6)] & (1 << (c & 63)) != 0
    }
}

#[derive(Clone, Copy, Debug)]
enum SetItem {
    Byte(u8),
    /// Compared as C's signed `char`, as the reference does.
    Range(i8, i8),
    Class(Class),
}

#[derive(Clone, Copy, Debug)]
struct Class {
    kind: ClassKind,
    negated: bool,
}

#[derive(Clone, Copy, Debug)]
enum ClassKind {
    Alpha,
    Word,
    Space,
    Digit,
    HexDigit,
    Control,
    Punct,
    Lower,
    Upper,
}

/// A group's record: where it began and how long it ran (0 = report `(0, 0)`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Capture {
    begin: usize,
    len: usize,
}

impl Regexp {
    /// Compiles `pattern`, which ends at its first NUL byte.
    pub fn new(pattern: &[u8]) -> Result<Regexp, CompileError> {
        let mut parser = Parser { pat: pattern, pos: 0, nodes: Vec::new(), groups: 1 };
        let body = parser.alternation(0)?;
        if parser.peek() != 0 {
            return Err(CompileError::UnexpectedCharacter);
        }
        // Group 0, the whole match, wraps the pattern.
        let root = parser.push(Kind::Group { capture: Some(0), body });
        let first_bytes = first_bytes(&parser.nodes, body);
        let anchored = matches!(parser.nodes[body as usize].kind, Kind::Bol);
        Ok(Regexp {
            captures: vec![Capture::default(); parser.groups],
            nodes: parser.nodes,
            root,
            step_budget: DEFAULT_STEP_BUDGET,
            spent: 0,
            first_bytes,
            anchored,
        })
    }

    /// The number of groups, the whole match (group 0) included.
    pub fn subexpcount(&self) -> usize {
        self.captures.len()
    }

    /// Sets how many node visits one call may make before failing.
    pub fn set_step_budget(&mut self, steps: u64) {
        self.step_budget = steps;
    }

    /// How many node visits the last call made (all of its budget, if it ran out).
    pub fn steps_spent(&self) -> u64 {
        self.spent
    }

    /// Whether the pattern matches all of `text`.
    pub fn is_match(&mut self, text: &[u8]) -> Result<bool, MatchError> {
        let eol = c_len(text);
        let mut m = Matcher::new(&self.nodes, &mut self.captures, self.step_budget, text, 0, eol);
        let matched = m.node(self.root, 0, None).map(|end| end == Some(eol));
        self.spent = self.step_budget - m.steps;
        matched
    }

    /// The first match at or after `start`, as byte offsets into `text`. A `start`
    /// past the end finds nothing.
    pub fn search(&mut self, text: &[u8], start: usize) -> Result<Option<(usize, usize)>, MatchError> {
        self.spent = 0;
        let Some(rest) = text.get(start..) else {
            return Ok(None);
        };
        let eol = start + c_len(rest);
        let mut m = Matcher::new(&self.nodes, &mut self.captures, self.step_budget, text, start, eol);
        let found = m.search(self.root, self.first_bytes.as_ref(), self.anchored);
        self.spent = self.step_budget - m.steps;
        found
    }

    /// Like [`search`](Self::search), then every group's span (index 0 = the whole
    /// match), `(0, 0)` for empty ones.
    pub fn capture(&mut self, text: &[u8], start: usize) -> Result<Option<Vec<(usize, usize)>>, MatchError> {
        if self.search(text, start)?.is_none() {
            return Ok(None);
        }
        Ok(Some(self.spans().collect()))
    }

    /// Every group's span as the last call left it (index 0 = the whole match),
    /// `(0, 0)` for empty ones.
    pub fn spans(&self) -> impl ExactSizeIterator<Item = (usize, usize)> + '_ {
        self.captures.iter().map(|c| match c.len {
            0 => (0, 0),
            len => (c.begin, c.begin + len),
        })
    }
}
