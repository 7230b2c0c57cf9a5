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

/// A compiled pattern, with the capture state the reference keeps between calls.
#[derive(Clone, Debug)]
pub struct Regexp {
    nodes: Vec<Node>,
    root: NodeId,
    captures: Vec<Capture>,
    step_budget: u64,
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
    Byte(u8),
    Any,
    Set {
        negated: bool,
        items: Box<[SetItem]>,
    },
    Class(Class),
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
    /// Compiles `pattern` (up to its first NUL byte).
    pub fn new(pattern: &[u8]) -> Result<Regexp, CompileError> {
        let end = pattern.iter().position(|&c| c == 0).unwrap_or(pattern.len());
        // Group 0, the whole match, wraps the pattern.
        let mut parser = Parser { pat: &pattern[..end], pos: 0, nodes: Vec::new(), groups: 1 };
        let body = parser.alternation(0)?;
        if parser.pos < parser.pat.len() {
            return Err(CompileError::UnexpectedCharacter);
        }
        let root = parser.push(Kind::Group { capture: Some(0), body });
        Ok(Regexp {
            captures: vec![Capture::default(); parser.groups],
            nodes: parser.nodes,
            root,
            step_budget: DEFAULT_STEP_BUDGET,
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

    /// Whether the pattern matches all of `text`.
    pub fn is_match(&mut self, text: &[u8]) -> Result<bool, MatchError> {
        let eol = text.iter().position(|&c| c == 0).unwrap_or(text.len());
        let root = self.root;
        let mut m = self.matcher(text, 0, eol);
        Ok(m.node(root, 0, None)? == Some(eol))
    }

    /// The first match at or after `start`, as byte offsets into `text`. A `start`
    /// past the end finds nothing.
    pub fn search(&mut self, text: &[u8], start: usize) -> Result<Option<(usize, usize)>, MatchError> {
        let Some(rest) = text.get(start..) else {
            return Ok(None);
        };
        let eol = start + rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
        let root = self.root;
        let mut m = self.matcher(text, start, eol);
        for begin in start..eol {
            m.next_group = 0;
            if let Some(end) = m.node(root, begin, None)? {
                return Ok(Some((begin, end)));
            }
        }
        Ok(None)
    }

    /// Like [`search`](Self::search), then every group's span (index 0 = the whole
    /// match), `(0, 0)` for empty ones.
    pub fn capture(&mut self, text: &[u8], start: usize) -> Result<Option<Vec<(usize, usize)>>, MatchError> {
        if self.search(text, start)?.is_none() {
            return Ok(None);
        }
        let spans = self.captures.iter().map(|c| match c.len {
            0 => (0, 0),
            len => (c.begin, c.begin + len),
        });
        Ok(Some(spans.collect()))
    }

    fn matcher<'a>(&'a mut self, text: &'a [u8], bol: usize, eol: usize) -> Matcher<'a> {
        Matcher {
            nodes: &self.nodes,
            captures: &mut self.captures,
            text,
            bol,
            eol,
            next_group: 0,
            steps: self.step_budget,
            depth: 0,
        }
    }
}

/// Recursive descent over the pattern, building the node arena.
struct Parser<'p> {
    pat: &'p [u8],
    pos: usize,
    nodes: Vec<Node>,
    groups: usize,
}

impl Parser<'_> {
    /// The current byte; 0 past the end, like the reference's C string.
    fn peek(&self) -> u8 {
        self.pat.get(self.pos).copied().unwrap_or(0)
    }

    fn bump(&mut self) -> u8 {
        let c = self.peek();
        self.pos += 1;
        c
    }

    fn expect(&mut self, c: u8) -> Result<(), CompileError> {
        if self.bump() == c {
            Ok(())
        } else {
            Err(CompileError::ExpectedParen)
        }
    }

    fn push(&mut self, kind: Kind) -> NodeId {
        self.nodes.push(Node { kind, next: None });
        (self.nodes.len() - 1) as NodeId
    }

    /// `seq | seq | ...`; each alternative may start with `^`.
    fn alternation(&mut self, depth: usize) -> Result<NodeId, CompileError> {
        let mut branches = vec![self.sequence(depth)?];
        while self.peek() == b'|' {
            self.pos += 1;
            branches.push(self.sequence(depth)?);
        }
        Ok(match branches[..] {
            [only] => only,
            _ => self.push(Kind::Alt(branches.into())),
        })
    }

    /// One or more elements, until `|`, `)`, a stray `*`/`+` or the end. The first
    /// element is required and may be any printable byte, even `)` or `|`.
    fn sequence(&mut self, depth: usize) -> Result<NodeId, CompileError> {
        let bol = (self.peek() == b'^').then(|| {
            self.pos += 1;
            self.push(Kind::Bol)
        });
        let first = self.element(depth)?;
        let mut last = first;
        while !matches!(self.peek(), b'|' | b')' | b'*' | b'+' | 0) {
            let e = self.element(depth)?;
            self.nodes[last as usize].next = Some(e);
            last = e;
        }
        Ok(match bol {
            Some(b) => {
                self.nodes[b as usize].next = Some(first);
                b
            }
            None => first,
        })
    }

    /// An atom and its optional quantifier.
    fn element(&mut self, depth: usize) -> Result<NodeId, CompileError> {
        let atom = match self.peek() {
            b'(' => {
                self.pos += 1;
                let capture = if self.peek() == b'?' {
                    self.pos += 1;
                    self.expect(b':')?;
                    None
                } else {
                    self.groups += 1;
                    Some(self.groups - 1)
                };
                if depth >= MAX_NESTING {
                    return Err(CompileError::TooDeep);
                }
                let body = self.alternation(depth + 1)?;
                self.expect(b')')?;
                self.push(Kind::Group { capture, body })
            }
            b'[' => {
                self.pos += 1;
                let set = self.set()?;
                self.expect(b']')?;
                self.push(set)
            }
            b'$' => {
                self.pos += 1;
                self.push(Kind::Eol)
            }
            b'.' => {
                self.pos += 1;
                self.push(Kind::Any)
            }
            _ => {
                let kind = match self.atom_char(false)? {
                    Atom::Byte(c) => Kind::Byte(c),
                    Atom::Class(class) => Kind::Class(class),
                    Atom::Boundary { negated } => Kind::Boundary { negated },
                    Atom::Balanced { open, close } => Kind::Balanced { open, close },
                };
                self.push(kind)
            }
        };
        Ok(match self.quantifier()? {
            Some((min, max)) => self.push(Kind::Repeat { item: atom, min, max }),
            None => atom,
        })
    }

    /// `*`, `+`, `?`, `{n}`, `{n,}` or `{n,m}` as (min, max), if one follows.
    fn quantifier(&mut self) -> Result<Option<(u16, u16)>, CompileError> {
        let bounds = match self.peek() {
            b'*' => (0, UNBOUNDED),
            b'+' => (1, UNBOUNDED),
            b'?' => (0, 1),
            b'{' => {
                self.pos += 1;
                if !self.peek().is_ascii_digit() {
                    return Err(CompileError::NumberExpected);
                }
                let min = self.number()?;
                return match self.bump() {
                    b'}' => Ok(Some((min, min))),
                    b',' => {
                        let max = if self.peek().is_ascii_digit() { self.number()? } else { UNBOUNDED };
                        self.expect(b'}')?;
                        Ok(Some((min, max)))
                    }
                    _ => Err(CompileError::CommaOrBraceExpected),
                };
            }
            _ => return Ok(None),
        };
        self.pos += 1;
        Ok(Some(bounds))
    }

    /// Up to nine decimal digits, truncated to 16 bits as the reference stores them.
    fn number(&mut self) -> Result<u16, CompileError> {
        let mut value: u64 = 0;
        let mut digits = 0;
        while self.peek().is_ascii_digit() {
            if digits == 9 {
                return Err(CompileError::NumberOverflow);
            }
            value = value * 10 + u64::from(self.bump() - b'0');
            digits += 1;
        }
        Ok(value as u16)
    }

    /// The inside of `[...]`, up to (not including) the closing `]`.
    fn set(&mut self) -> Result<Kind, CompileError> {
        let negated = self.peek() == b'^';
        if negated {
            self.pos += 1;
        }
        if self.peek() == b']' {
            return Err(CompileError::EmptyClass);
        }
        let mut items = Vec::new();
        // The latest atom, which a following `-` turns into a range's start.
        let mut pending: Option<Atom> = None;
        while self.peek() != b']' {
            match pending.take() {
                Some(start) if self.peek() == b'-' => {
                    self.pos += 1;
                    // The reference compares the start with the raw byte after the `-`
                    // (a backslash, for an escaped end), as signed chars; non-byte
                    // starts (classes, `\m`) always fail this test.
                    let lo = match start {
                        Atom::Byte(c) if c as i8 <= self.peek() as i8 => c,
                        _ => return Err(CompileError::InvalidRange),
                    };
                    let hi = self.range_end()?;
                    items.push(SetItem::Range(lo as i8, hi as i8));
                }
                previous => {
                    items.extend(previous.and_then(Atom::set_item));
                    pending = Some(self.atom_char(true)?);
                }
            }
        }
        items.extend(pending.and_then(Atom::set_item));
        Ok(Kind::Set { negated, items: items.into() })
    }

    /// The end of a range: a printable byte or a backslash and any byte.
    fn range_end(&mut self) -> Result<u8, CompileError> {
        match self.bump() {
            // A trailing backslash sends the reference past the pattern's end, where
            // it finds no letter.
            b'\\' if self.pos >= self.pat.len() => Err(CompileError::LetterExpected),
            b'\\' => Ok(control_escape(self.bump())),
            c if is_print(c) => Ok(c),
            _ => Err(CompileError::LetterExpected),
        }
    }

    /// A literal byte or a backslash escape, in a set or not.
    fn atom_char(&mut self, in_set: bool) -> Result<Atom, CompileError> {
        let c = self.bump();
        if c != b'\\' {
            return if is_print(c) { Ok(Atom::Byte(c)) } else { Err(CompileError::LetterExpected) };
        }
        let e = self.bump();
        Ok(match e {
            0 => return Err(CompileError::EscapeExpected),
            b'm' => {
                let (open, close) = (self.bump(), self.bump());
                if open == 0 || close == 0 {
                    return Err(CompileError::BalancedCharsExpected);
                }
                if open == close {
                    return Err(CompileError::BalancedCharsSame);
                }
                Atom::Balanced { open, close }
            }
            b'b' | b'B' if !in_set => Atom::Boundary { negated: e == b'B' },
            _ => match class_of(e) {
                Some(class) => Atom::Class(class),
                None => Atom::Byte(control_escape(e)),
            },
        })
    }
}

/// What one literal or escape denotes.
enum Atom {
    Byte(u8),
    Class(Class),
    Boundary { negated: bool },
    Balanced { open: u8, close: u8 },
}

impl Atom {
    /// Its meaning as a member of a set: `\m..` there matches nothing (and `\b` is
    /// the letter, so boundaries never get here).
    fn set_item(self) -> Option<SetItem> {
        match self {
            Atom::Byte(c) => Some(SetItem::Byte(c)),
            Atom::Class(class) => Some(SetItem::Class(class)),
            Atom::Boundary { .. } | Atom::Balanced { .. } => None,
        }
    }
}

/// `\n \t \r \f \v` and their bytes; any other escaped byte is itself.
fn control_escape(c: u8) -> u8 {
    match c {
        b'n' => b'\n',
        b't' => b'\t',
        b'r' => b'\r',
        b'f' => 0x0c,
        b'v' => 0x0b,
        _ => c,
    }
}

/// The class a letter after `\` names (`\l` and `\u` are undocumented extras).
fn class_of(c: u8) -> Option<Class> {
    let kind = match c.to_ascii_lowercase() {
        b'a' => ClassKind::Alpha,
        b'w' => ClassKind::Word,
        b's' => ClassKind::Space,
        b'd' => ClassKind::Digit,
        b'x' => ClassKind::HexDigit,
        b'c' => ClassKind::Control,
        b'p' => ClassKind::Punct,
        b'l' if c == b'l' => ClassKind::Lower,
        b'u' if c == b'u' => ClassKind::Upper,
        _ => return None,
    };
    let negated = c.is_ascii_uppercase() && !matches!(kind, ClassKind::Lower | ClassKind::Upper);
    Some(Class { kind, negated })
}

/// C's `isprint` in the C locale.
fn is_print(c: u8) -> bool {
    (0x20..0x7f).contains(&c)
}

/// C's `isspace` in the C locale.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

impl Class {
    fn matches(self, c: u8) -> bool {
        let hit = match self.kind {
            ClassKind::Alpha => c.is_ascii_alphabetic(),
            ClassKind::Word => c.is_ascii_alphanumeric() || c == b'_',
            ClassKind::Space => is_space(c),
            ClassKind::Digit => c.is_ascii_digit(),
            ClassKind::HexDigit => c.is_ascii_hexdigit(),
            ClassKind::Control => c < 0x20 || c == 0x7f,
            ClassKind::Punct => c.is_ascii_punctuation(),
            ClassKind::Lower => c.is_ascii_lowercase(),
            ClassKind::Upper => c.is_ascii_uppercase(),
        };
        hit != self.negated
    }
}

impl SetItem {
    fn matches(self, c: u8) -> bool {
        match self {
            SetItem::Byte(b) => b == c,
            SetItem::Range(lo, hi) => (lo..=hi).contains(&(c as i8)),
            SetItem::Class(class) => class.matches(c),
        }
    }
}

/// One call's matching state over `text[bol..eol]`.
struct Matcher<'a> {
    nodes: &'a [Node],
    captures: &'a mut [Capture],
    text: &'a [u8],
    bol: usize,
    eol: usize,
    /// The only group index allowed to record when entered (the reference's
    /// "current subexpression").
    next_group: usize,
    steps: u64,
    depth: u32,
}

impl Matcher<'_> {
    /// The byte at `i`; 0 at and past the end of the text, like the C string's NUL.
    fn byte(&self, i: usize) -> u8 {
        self.text.get(i).copied().unwrap_or(0)
    }

    fn next_of(&self, id: NodeId) -> Option<NodeId> {
        self.nodes[id as usize].next
    }

    /// Matches node `id` alone at `pos`; `follow` is what comes after it in the
    /// enclosing context (repetitions look ahead at it). Returns the end of the match.
    fn node(&mut self, id: NodeId, pos: usize, follow: Option<NodeId>) -> Result<Option<usize>, MatchError> {
        self.steps = self.steps.checked_sub(1).ok_or(MatchError::StepBudget)?;
        if self.depth >= MAX_DEPTH {
            return Err(MatchError::TooDeep);
        }
        self.depth += 1;
        let result = self.node_at(id, pos, follow);
        self.depth -= 1;
        result
    }

    fn node_at(&mut self, id: NodeId, pos: usize, follow: Option<NodeId>) -> Result<Option<usize>, MatchError> {
        let nodes = self.nodes;
        let c = self.byte(pos);
        // Consuming elements fail at the end of the text.
        let step = |ok: bool| (ok && pos < self.eol).then_some(pos + 1);
        Ok(match &nodes[id as usize].kind {
            &Kind::Byte(b) => step(c == b),
            Kind::Any => step(true),
            Kind::Set { negated, items } => step(items.iter().any(|i| i.matches(c)) != *negated),
            Kind::Class(class) => step(class.matches(c)),
            Kind::Bol => (pos == self.bol).then_some(pos),
            Kind::Eol => (pos == self.eol).then_some(pos),
            Kind::Boundary { negated } => {
                let boundary = (pos == self.bol && !is_space(c))
                    || (pos == self.eol && pos > 0 && !is_space(self.byte(pos - 1)))
                    || is_space(c) != is_space(self.byte(pos + 1));
                (boundary != *negated).then_some(pos)
            }
            &Kind::Balanced { open, close } => self.balanced(pos, open, close),
            &Kind::Group { capture, body } => self.group(capture, body, pos, follow)?,
            &Kind::Repeat { item, min, max } => self.repeat(id, item, min, max, pos, follow)?,
            Kind::Alt(branches) => {
                for &branch in branches.iter() {
                    if let Some(end) = self.branch(branch, pos)? {
                        return Ok(Some(end));
                    }
                }
                None
            }
        })
    }

    /// One alternative: its elements in turn, with nothing known to follow the last.
    fn branch(&mut self, head: NodeId, mut pos: usize) -> Result<Option<usize>, MatchError> {
        let mut cur = Some(head);
        while let Some(id) = cur {
            match self.node(id, pos, None)? {
                Some(end) => pos = end,
                None => return Ok(None),
            }
            cur = self.next_of(id);
        }
        Ok(Some(pos))
    }

    /// `open`, then bytes up to the `close` that balances it.
    fn balanced(&self, pos: usize, open: u8, close: u8) -> Option<usize> {
        if self.byte(pos) != open {
            return None;
        }
        let mut depth = 1usize;
        for i in pos + 1..self.eol {
            let c = self.text[i];
            if c == close {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            } else if c == open {
                depth += 1;
            }
        }
        None
    }

    /// A group's elements in turn, recording its span if it is the group whose turn
    /// it is.
    fn group(
        &mut self,
        capture: Option<usize>,
        body: NodeId,
        pos: usize,
        follow: Option<NodeId>,
    ) -> Result<Option<usize>, MatchError> {
        let recording = capture.filter(|&k| k == self.next_group);
        if let Some(k) = recording {
            self.captures[k].begin = pos;
            self.next_group += 1;
        }
        let resume = self.next_group;
        let mut cur = Some(body);
        let mut end = pos;
        while let Some(id) = cur {
            let next = self.next_of(id);
            match self.node(id, end, next.or(follow))? {
                Some(e) => end = e,
                None => {
                    // A failed group forgets its record but not the groups it passed.
                    if let Some(k) = recording {
                        self.captures[k] = Capture::default();
                    }
                    return Ok(None);
                }
            }
            cur = next;
        }
        self.next_group = resume;
        if let Some(k) = recording {
            let c = &mut self.captures[k];
            c.len = end - c.begin;
        }
        Ok(Some(end))
    }

    /// Takes `item` up to `max` times, stopping early once the element after the
    /// repetition matches where it stands and `min` is reached.
    fn repeat(
        &mut self,
        id: NodeId,
        item: NodeId,
        min: u16,
        max: u16,
        pos: usize,
        follow: Option<NodeId>,
    ) -> Result<Option<usize>, MatchError> {
        let limit = if max == UNBOUNDED { usize::from(UNBOUNDED) + 1 } else { usize::from(max) };
        let min = usize::from(min);
        let stop = self.next_of(id).or(follow);
        // The look-ahead skips a following repetition that may match nothing.
        let check = stop.filter(|&s| !matches!(self.nodes[s as usize].kind, Kind::Repeat { min: 0, .. }));
        let after_check = check.and_then(|s| self.next_of(s).or_else(|| follow.and_then(|f| self.next_of(f))));
        let mut count = 0;
        let mut end = pos;
        // After an iteration that consumed nothing: the state it left, to detect that
        // further iterations would repeat it exactly.
        let mut idle_state: Option<(usize, Vec<Capture>)> = None;
        while count < limit {
            let Some(e) = self.node(item, end, stop)? else {
                break;
            };
            let progressed = e != end;
            count += 1;
            end = e;
            let mut stop_matched = false;
            if let Some(s) = check {
                stop_matched = self.node(s, end, after_check)?.is_some();
                if stop_matched && count >= min {
                    break;
                }
            }
            if end >= self.eol {
                break;
            }
            if progressed {
                idle_state = None;
                continue;
            }
            // Matching depends only on the position and this state, so once an idle
            // iteration leaves the state as the previous one did, all the rest are
            // the same: settle the count at once instead of iterating up to 65536.
            match &idle_state {
                Some((group, caps)) if *group == self.next_group && caps[..] == *self.captures => {
                    count = if stop_matched { min.min(limit) } else { limit };
                    break;
                }
                _ => idle_state = Some((self.next_group, self.captures.to_vec())),
            }
        }
        Ok((count >= min).then_some(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Compiles, then `match`, `search` and `capture` on one object (captures carry
    /// over between the calls, as in the reference), summarised as the reference
    /// driver prints them: `C <error>` or `R <match> <search> <captures> <count>`.
    fn summary(pattern: &[u8], text: &[u8], start: usize) -> String {
        let mut re = match Regexp::new(pattern) {
            Ok(re) => re,
            Err(e) => return format!("C {e}"),
        };
        let run = |re: &mut Regexp| -> Result<String, MatchError> {
            let is_match = re.is_match(text)?;
            let found: String = match re.search(text, start)? {
                Some((b, e)) => format!("{b},{e}"),
                None => "null".into(),
            };
            let caps: String = match re.capture(text, start)? {
                Some(spans) => spans.iter().map(|(b, e)| format!("({b},{e})")).collect(),
                None => "null".into(),
            };
            Ok(format!("R {is_match} {found} {caps} {}", re.subexpcount()))
        };
        run(&mut re).unwrap_or_else(|e| format!("E {e}"))
    }

    /// Each expectation is the reference interpreter's output for the same calls.
    #[test]
    fn matches_the_reference() {
        let cases: &[(&[u8], &[u8], usize, &str)] = &[
            (b"a*ab", b"aaab", 0, "R false 1,4 (1,4) 1"),
            (b"((a)(b))(c)", b"abc", 0, "R true 0,3 (0,3)(0,2)(0,1)(1,2)(0,0) 5"),
            (b"(a)+", b"aaa", 0, "R true 0,3 (0,3)(0,1) 2"),
            (b"a{2,}(a)", b"aaaa", 0, "R false 0,3 (0,3)(1,2) 2"),
            (b"(a|ab)c", b"abc", 0, "R false null null 2"),
            (b"$", b"abc", 0, "R false null null 1"),
            (b"a*", b"", 0, "R true null null 1"),
            (b"a*", b"bbb", 0, "R false 0,0 (0,0) 1"),
            (b"^", b"abc", 0, "C letter expected"),
            (b"()", b"abc", 0, "C expected paren"),
            (b"(a|)", b"abc", 0, "C expected paren"),
            (b"a|", b"abc", 0, "C letter expected"),
            (b"*a", b"x*a", 0, "R false 1,3 (1,3) 1"),
            (b"a**", b"aa", 0, "C unexpected character"),
            (b"a*?", b"aa?", 0, "R true 0,3 (0,3) 1"),
            (b"a{2}*", b"aa", 0, "C unexpected character"),
            (b"[a-]", b"a", 0, "C invalid range"),
            (b"[-a]", b"-", 0, "R true 0,1 (0,1) 1"),
            (b"[+-]]", b",", 0, "R true 0,1 (0,1) 1"),
            (b"[+-]", b",", 0, "C letter expected"),
            (b"[]a]", b"a", 0, "C empty class"),
            (b"[^]", b"a", 0, "C empty class"),
            (b"[\\d-z]", b"a", 0, "C invalid range"),
            (b"[a-\\n]", b"a", 0, "C invalid range"),
            (b"[0-\\z]", b"a", 0, "R true 0,1 (0,1) 1"),
            (b"a{3,2}", b"aaa", 0, "R false null null 1"),
            (b"a{0}", b"aaa", 0, "R false 0,0 (0,0) 1"),
            (b"a{65536}", b"aaa", 0, "R false 0,0 (0,0) 1"),
            (b"a{1234567890}", b"aaa", 0, "C overflow in numeric constant"),
            (b"a{123456789}", b"aaa", 0, "R false null null 1"),
            (b"a{", b"aaa", 0, "C number expected"),
            (b"a{2", b"aaa", 0, "C , or } expected"),
            (b"a{2,", b"aaa", 0, "C expected paren"),
            (b"a{2,3", b"aaa", 0, "C expected paren"),
            (b"(?a)", b"aaa", 0, "C expected paren"),
            (b"(?:a", b"aaa", 0, "C expected paren"),
            (b"\\", b"aaa", 0, "C letter expected for argument of escape sequence"),
            (b"\\m", b"aaa", 0, "C balanced chars expected"),
            (b"\\ma", b"aaa", 0, "C balanced chars expected"),
            (b"\\maa", b"aaa", 0, "C open/close char can't be the same"),
            (b"\\m()", b"x(a(b)c)d", 0, "R false 1,8 (1,8) 1"),
            (b"\\bfoo\\b", b"a foo b", 0, "R false null null 1"),
            (b"\\b", b"a b", 0, "R false 0,0 (0,0) 1"),
            (b"\\B", b"ab", 0, "R false 1,1 (0,0) 1"),
            (b"x\\b", b"x ", 0, "R false 0,1 (0,1) 1"),
            (b"a b\\b", b"a b ", 0, "R false 0,3 (0,3) 1"),
            (b"[\\b]", b"b", 0, "R true 0,1 (0,1) 1"),
            (b"\\w+", b"ab_1!", 0, "R false 0,4 (0,4) 1"),
            (b"\\l+\\u+", b"abCD", 0, "R true 0,4 (0,4) 1"),
            (b"a.c", b"a\x0ac", 0, "R true 0,3 (0,3) 1"),
            (b"^a|^b", b"cb", 0, "R false null null 1"),
            (b"a|b|c", b"xc", 0, "R false 1,2 (1,2) 1"),
            (b"(a)|b", b"b", 0, "R true 0,1 (0,1)(0,0) 2"),
            (b"x(a*)*y", b"xy", 0, "R true 0,2 (0,2)(0,0) 2"),
            (b"(a*)*", b"b", 0, "R false 0,0 (0,0)(0,0) 2"),
            (b"(\\d+)-(\\d+)-(\\d+)", b"on 2024-01-15 at noon", 0, "R false 3,13 (3,13)(3,7)(8,10)(11,13) 4"),
            (b"[a-zA-Z]+", b"one, two; three", 0, "R false 0,3 (0,3) 1"),
            (b"^ab*c$", b"abbbc", 0, "R true 0,5 (0,5) 1"),
            (b"^ab*c$", b"ac", 0, "R true 0,2 (0,2) 1"),
            (b"^ab+c$", b"ac", 0, "R false null null 1"),
            (b"cat|dog", b"dog", 0, "R true 0,3 (0,3) 1"),
            (b"colou?r", b"color", 0, "R true 0,5 (0,5) 1"),
            (b"[0-9a-f]+", b"c0ffee", 0, "R true 0,6 (0,6) 1"),
            (b"x{2,3}", b"xx", 0, "R true 0,2 (0,2) 1"),
            (b"x{2,3}", b"xxxx", 0, "R false 0,3 (0,3) 1"),
            (b"x{2}", b"xx", 0, "R true 0,2 (0,2) 1"),
            (b"\\s+", b"a \x09 b", 0, "R false 1,4 (1,4) 1"),
            (b"\\D+", b"12ab34", 0, "R false 2,4 (2,4) 1"),
            (b"(?:ab)+", b"ababab", 0, "R true 0,6 (0,6) 1"),
            (b"a\\.c", b"abc", 0, "R false null null 1"),
            (b"(a)(b)?", b"a", 0, "R true 0,1 (0,1)(0,1)(0,0) 3"),
            (b"(", b"", 0, "C letter expected"),
            (b"(a)(b)?", b"ab", 0, "R true 0,2 (0,2)(0,1)(1,2) 3"),
            (b"(a)(b)?c", b"ac", 0, "R true 0,2 (0,2)(0,1)(0,0) 3"),
            (b"[\\x]", b"f", 0, "R true 0,1 (0,1) 1"),
            (b"[\\X]+", b"zz", 0, "R true 0,2 (0,2) 1"),
            (b"\\x+", b"0aFg", 0, "R false 0,3 (0,3) 1"),
            (b"\\c", b"\x01", 0, "R true 0,1 (0,1) 1"),
            (b"\\C+", b"ab\x01", 0, "R false 0,2 (0,2) 1"),
            (b"\\p+", b"!?,a", 0, "R false 0,3 (0,3) 1"),
            (b"\\P+", b"ab!", 0, "R false 0,2 (0,2) 1"),
            (b"\\a+", b"ab1", 0, "R false 0,2 (0,2) 1"),
            (b"\\A+", b"12a", 0, "R false 0,2 (0,2) 1"),
            (b"\\S+", b"ab cd", 0, "R false 0,2 (0,2) 1"),
            (b"\\W+", b"ab!@cd", 0, "R false 2,4 (2,4) 1"),
            (b"\\t\\n\\r\\f\\v", b"\x09\x0a\x0d\x0c\x0b", 0, "R true 0,5 (0,5) 1"),
            (b"\\e", b"e", 0, "R true 0,1 (0,1) 1"),
            (b"\\[", b"[", 0, "R true 0,1 (0,1) 1"),
            (b"\\\\", b"\\", 0, "R true 0,1 (0,1) 1"),
            (b"[\\]]", b"]", 0, "R true 0,1 (0,1) 1"),
            (b"[\\^a]", b"^", 0, "R true 0,1 (0,1) 1"),
            (b"[^abc]+", b"xyzabc", 0, "R false 0,3 (0,3) 1"),
            (b"[^\\d]+", b"ab12", 0, "R false 0,2 (0,2) 1"),
            (b"a|b|", b"a", 0, "C letter expected"),
            (b"|a", b"|a", 0, "R true 0,2 (0,2) 1"),
            (b"a||b", b"|b", 0, "R true 0,2 (0,2) 1"),
            (b"(|a)", b"|a", 0, "R true 0,2 (0,2)(0,2) 2"),
            (b")", b")", 0, "R true 0,1 (0,1) 1"),
            (b"a)", b"a", 0, "C unexpected character"),
            (b"(a))", b"a)", 0, "C unexpected character"),
            (b"^*", b"*", 0, "R true 0,1 (0,1) 1"),
            (b"$*", b"a", 0, "R false 0,0 (0,0) 1"),
            (b"a$b", b"a", 0, "R false null null 1"),
            (b"a^b", b"a^b", 0, "R true 0,3 (0,3) 1"),
            (b"((a))", b"a", 0, "R true 0,1 (0,1)(0,1)(0,1) 3"),
            (b"(a(b(c)))", b"abc", 0, "R true 0,3 (0,3)(0,3)(1,3)(2,3) 4"),
            (b"(a)(b)(c)", b"abc", 0, "R true 0,3 (0,3)(0,1)(1,2)(2,3) 4"),
            (b"(a)*(b)", b"aab", 0, "R true 0,3 (0,3)(0,1)(0,0) 3"),
            (b"(a|b)*c", b"abac", 0, "R true 0,4 (0,4)(0,1) 2"),
            (b"(ab|a)*c", b"abac", 0, "R true 0,4 (0,4)(0,2) 2"),
            (b"a+?", b"aa?", 0, "R true 0,3 (0,3) 1"),
            (b"a{1,3}b", b"aaaab", 0, "R false 1,5 (1,5) 1"),
            (b"a{,3}", b"a", 0, "C number expected"),
            (b"a{x}", b"a", 0, "C number expected"),
            (b"a{1x}", b"a", 0, "C , or } expected"),
            (b"a{1,x}", b"a", 0, "C expected paren"),
            (b"a{0,0}b", b"b", 0, "R true 0,1 (0,1) 1"),
            (b"a{65535}", b"a", 0, "R false null null 1"),
            (b"(a*)+", b"b", 0, "R false 0,0 (0,0)(0,0) 2"),
            (b"(a*)+b", b"aab", 0, "R true 0,3 (0,3)(0,2) 2"),
            (b"(a?)*b", b"aab", 0, "R true 0,3 (0,3)(0,1) 2"),
            (b"(a|b)+", b"abab", 0, "R true 0,4 (0,4)(0,1) 2"),
            (b"(\\s*)*x", b"  x", 0, "R true 0,3 (0,3)(0,2) 2"),
            (b".*", b"abc", 0, "R true 0,3 (0,3) 1"),
            (b".*c", b"abc", 0, "R true 0,3 (0,3) 1"),
            (b".*b", b"abcb", 0, "R false 0,2 (0,2) 1"),
            (b".+", b"", 0, "R false null null 1"),
            (b"a.*b.*c", b"axbxc", 0, "R true 0,5 (0,5) 1"),
            (b"(.*)(.*)", b"ab", 0, "R true 0,2 (0,2)(0,1)(1,2) 3"),
            (b"(.*)b", b"aab", 0, "R true 0,3 (0,3)(0,2) 2"),
            (b"x*", b"xxx", 0, "R true 0,3 (0,3) 1"),
            (b"[a-c]*d", b"abcd", 0, "R true 0,4 (0,4) 1"),
            (b"[a-c]+c", b"abcc", 0, "R false 0,3 (0,3) 1"),
            (b"\\d{2}", b"123", 0, "R false 0,2 (0,2) 1"),
            (b"\\d{2,}", b"1", 0, "R false null null 1"),
            (b"(\\d)+", b"123", 0, "R true 0,3 (0,3)(0,1) 2"),
            (b"(?:(a)|(b))+", b"ab", 0, "R true 0,2 (0,2)(0,0)(1,2) 3"),
            (b"(a)|(b)", b"b", 0, "R true 0,1 (0,1)(0,0)(0,1) 3"),
            (b"\\mab", b"aabbb", 0, "R false 0,4 (0,4) 1"),
            (b"\\m[]", b"[[]]", 0, "R true 0,4 (0,4) 1"),
            (b"[\\mab]", b"a", 0, "R false null null 1"),
            (b"[\\mab-z]", b"a", 0, "C invalid range"),
            (b"x\\m", b"x", 0, "C balanced chars expected"),
            (b"\\m\\x", b"x", 0, "R false null null 1"),
            (b"\\b\\w+\\b", b" hello world", 0, "R false 5,6 (5,6) 1"),
            (b"\\Bx", b"ax", 0, "R false 1,2 (1,2) 1"),
            (b"\\B", b"a  ", 0, "R false 1,1 (0,0) 1"),
            (b"a\\B", b"a  ", 0, "R false 0,1 (0,1) 1"),
            (b"\\b$", b"ab ", 0, "R false null null 1"),
            (b"^\\b", b" a", 0, "R false 0,0 (0,0) 1"),
            (b"[a-z", b"a", 0, "C letter expected"),
            (b"[a", b"a", 0, "C letter expected"),
            (b"[", b"a", 0, "C letter expected"),
            (b"[\\", b"a", 0, "C letter expected for argument of escape sequence"),
            (b"[a-\\", b"a", 0, "C invalid range"),
            (b"[!-\\", b"a", 0, "C letter expected"),
            (b"[!-\\]]", b"]", 0, "R true 0,1 (0,1) 1"),
            (b"[!-\\]", b"]", 0, "C letter expected"),
            (b"[z-a]", b"a", 0, "C invalid range"),
            (b"[a-a]", b"a", 0, "R true 0,1 (0,1) 1"),
            (b"[--/]", b".", 0, "R true 0,1 (0,1) 1"),
            (b"[a-c-e]", b"-", 0, "R true 0,1 (0,1) 1"),
            (b"[\\d]", b"5", 0, "R true 0,1 (0,1) 1"),
            (b"[\\s\\d]+", b" 1 2", 0, "R true 0,4 (0,4) 1"),
            (b"(?", b"a", 0, "C expected paren"),
            (b"(?:", b"a", 0, "C letter expected"),
            (b"(?:)", b"a", 0, "C expected paren"),
            (b"(?:a)", b"a", 0, "R true 0,1 (0,1) 1"),
            (b"a{2}{3}", b"aaaaaa", 0, "R false null null 1"),
            (b"a?b?c?", b"abc", 0, "R true 0,3 (0,3) 1"),
            (b"a?b?c?", b"x", 0, "R false 0,0 (0,0) 1"),
            (b"ab?c", b"ac", 0, "R true 0,2 (0,2) 1"),
            (b"a*b*c*d", b"d", 0, "R true 0,1 (0,1) 1"),
            (b"a+b+c+", b"aabbcc", 0, "R true 0,6 (0,6) 1"),
            (b"a+a+a+", b"aaa", 0, "R true 0,3 (0,3) 1"),
            (b"a+a+a+", b"aa", 0, "R false null null 1"),
            (b"(a+)+b", b"aaab", 0, "R true 0,4 (0,4)(0,3) 2"),
            (b"(a+|b+)+", b"aabb", 0, "R true 0,4 (0,4)(0,2) 2"),
            (b"((a)|(b))*", b"ab", 0, "R true 0,2 (0,2)(0,1)(0,0)(1,2) 4"),
            (b"(a)(?:b)(c)", b"abc", 0, "R true 0,3 (0,3)(0,1)(2,3) 3"),
            (b"a(?:b|c)+d", b"abcbd", 0, "R true 0,5 (0,5) 1"),
            (b"\x01", b"\x01", 0, "C letter expected"),
            (b"a\x00b", b"a", 0, "R true 0,1 (0,1) 1"),
            (b"a", b"ba\x00a", 0, "R false 1,2 (1,2) 1"),
            (b"a", b"b\x00a", 0, "R false null null 1"),
            (b"\xe9", b"\xe9", 0, "C letter expected"),
            (b"\\\xe9+", b"\xe9\xe9", 0, "R true 0,2 (0,2) 1"),
            (b"[\\\xe9]", b"\xe9", 0, "R true 0,1 (0,1) 1"),
            (b"[\\\xe9-\\\xf0]", b"\xea", 0, "R true 0,1 (0,1) 1"),
            (b"[a-\\\xe9]", b"a", 0, "C invalid range"),
            (b"[\\\xe9-z]", b"a", 0, "R true 0,1 (0,1) 1"),
            (b"\\w", b"\xe9", 0, "R false null null 1"),
            (b"\\W", b"\xe9", 0, "R true 0,1 (0,1) 1"),
            (b"\\S", b"\xe9", 0, "R true 0,1 (0,1) 1"),
            (b".", b"\xe9", 0, "R true 0,1 (0,1) 1"),
            (b"[^a]", b"\xe9", 0, "R true 0,1 (0,1) 1"),
            (b"\\P", b"\xe9", 0, "R true 0,1 (0,1) 1"),
            (b"\\C", b"\xe9", 0, "R true 0,1 (0,1) 1"),
            (b"\\X", b"\xe9", 0, "R true 0,1 (0,1) 1"),
            (b"\\A", b"\xe9", 0, "R true 0,1 (0,1) 1"),
            (b"\\D", b"\xe9", 0, "R true 0,1 (0,1) 1"),
            (b"[\\x01-\\x7f]", b"a", 0, "R true 0,1 (0,1) 1"),
            (b"a", b"aaa", 1, "R false 1,2 (1,2) 1"),
            (b"a", b"aaa", 3, "R false null null 1"),
            (b"^a", b"baa", 1, "R false 1,2 (1,2) 1"),
            (b"\\bb", b"abb", 1, "R false 1,2 (1,2) 1"),
            (b"(a)", b"xaxa", 2, "R false 3,4 (3,4)(3,4) 2"),
            (b"b", b"ab\x00b", 3, "R false 3,4 (3,4) 1"),
            (b"(b)|(c)", b"bcb", 0, "R false 0,1 (0,1)(0,1)(0,0) 3"),
            (b"(b)|(c)", b"bcb", 1, "R false 1,2 (1,2)(0,0)(1,2) 3"),
            (b"$", b"ab", 1, "R false null null 1"),
            (b"a*", b"ba", 1, "R false 1,2 (1,2) 1"),
            (b"\\B", b"a b", 1, "R false 2,2 (0,0) 1"),
        ];
        for &(pattern, text, start, want) in cases {
            let got = summary(pattern, text, start);
            assert_eq!(got, want, "{:?} on {:?}", pattern.escape_ascii().to_string(), text.escape_ascii().to_string());
        }
    }

    #[test]
    fn conformance_suite_expectations() {
        // std_regexp.nut
        let mut date = Regexp::new(br"(\d+)-(\d+)-(\d+)").unwrap();
        assert_eq!(date.is_match(b"2024-01-15"), Ok(true));
        assert_eq!(date.is_match(b"x2024-01-15"), Ok(false));
        assert_eq!(date.subexpcount(), 4);
        let src = b"on 2024-01-15 at noon";
        assert_eq!(date.search(src, 0), Ok(Some((3, 13))));
        assert_eq!(date.capture(src, 0), Ok(Some(vec![(3, 13), (3, 7), (8, 10), (11, 13)])));
        assert_eq!(date.search(b"no date here", 0), Ok(None));
        let mut word = Regexp::new(b"[a-zA-Z]+").unwrap();
        let (mut pos, mut found) = (0, Vec::new());
        while let Ok(Some((b, e))) = word.search(b"one, two; three", pos) {
            found.push((b, e));
            pos = e;
        }
        assert_eq!(found, [(0, 3), (5, 8), (10, 15)]);
        assert_eq!(Regexp::new(b"(").unwrap_err().to_string(), "letter expected");
    }

    #[test]
    fn captures_persist_between_calls() {
        // A tokenizer loop, as run by the reference: a branch not taken in this call
        // keeps (here: was reset by) earlier attempts.
        let mut re = Regexp::new(br"(\d+)|([a-z]+)").unwrap();
        let text = b"12 ab 34 cd";
        let mut pos = 0;
        let mut seen = Vec::new();
        while let Ok(Some(spans)) = re.capture(text, pos) {
            pos = spans[0].1;
            seen.push(spans);
        }
        assert_eq!(
            seen,
            [
                vec![(0, 2), (0, 2), (0, 0)],
                vec![(3, 5), (0, 0), (3, 5)],
                vec![(6, 8), (6, 8), (0, 0)],
                vec![(9, 11), (0, 0), (9, 11)],
            ]
        );
        let mut re = Regexp::new(b"(a)|b").unwrap();
        assert_eq!(re.capture(b"a", 0), Ok(Some(vec![(0, 1), (0, 1)])));
        assert_eq!(re.capture(b"b", 0), Ok(Some(vec![(0, 1), (0, 0)])));
        // "b|(a)": group 1 is never reached on "b", so the earlier record stays.
        let mut re = Regexp::new(b"b|(a)").unwrap();
        assert_eq!(re.capture(b"xab", 0), Ok(Some(vec![(1, 2), (1, 2)])));
        assert_eq!(re.capture(b"xab", 2), Ok(Some(vec![(2, 3), (1, 2)])));
    }

    #[test]
    fn out_of_range_starts_find_nothing() {
        let mut re = Regexp::new(b"a*").unwrap();
        assert_eq!(re.search(b"aa", 2), Ok(None));
        assert_eq!(re.search(b"aa", 3), Ok(None));
        assert_eq!(re.capture(b"aa", usize::MAX), Ok(None));
    }

    #[test]
    fn unbounded_repetition_stops_after_65536() {
        let text = vec![b'a'; 70_000];
        let mut re = Regexp::new(b"a*").unwrap();
        assert_eq!(re.search(&text, 0), Ok(Some((0, 65_536))));
        let mut re = Regexp::new(b"a{65535}").unwrap();
        assert_eq!(re.search(&text, 0), Ok(Some((0, 65_536))));
    }

    #[test]
    fn empty_iterations_settle_quickly() {
        // The reference loops 65536 times per level here; we settle at once.
        let mut re = Regexp::new(b"((a*)*)*b").unwrap();
        re.set_step_budget(100_000);
        assert_eq!(re.search(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxb", 0), Ok(Some((40, 41))));
    }

    #[test]
    fn runaway_matches_end_with_an_error() {
        // Each repetition looks ahead at the group after it, which repeats and looks
        // ahead in turn: exponential in the nesting.
        let mut re = Regexp::new(b"(a+(a+(a+(a+(a+(a+(a+(a+(a+(a+c))))))))))").unwrap();
        re.set_step_budget(5_000_000);
        let text = vec![b'a'; 60];
        let started = std::time::Instant::now();
        assert_eq!(re.search(&text, 0), Err(MatchError::StepBudget));
        assert!(started.elapsed().as_secs() < 30);
        // Chains of repetitions recurse through their look-aheads.
        let mut re = Regexp::new(&b"a+".repeat(3000)).unwrap();
        assert_eq!(re.search(&[b'a'; 3000], 0), Err(MatchError::TooDeep));
        let nested = [&b"(".repeat(500)[..], b"a", &b")".repeat(500)].concat();
        assert_eq!(Regexp::new(&nested).unwrap_err(), CompileError::TooDeep);
    }

    fn pattern_bytes() -> impl Strategy<Value = Vec<u8>> {
        let token = prop_oneof![
            4 => prop::sample::select(b"ab()[]^$.|*+?{},-:\\0123mdwsbB".to_vec()),
            1 => any::<u8>(),
        ];
        prop::collection::vec(token, 0..24)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn never_panics_and_always_ends(pattern in pattern_bytes(),
                text in prop::collection::vec(prop::sample::select(b"ab()- \0x1".to_vec()), 0..40),
                start in 0usize..45) {
            if let Ok(mut re) = Regexp::new(&pattern) {
                re.set_step_budget(200_000);
                let ok = |r: Result<(), MatchError>| r.is_ok() || r.is_err();
                prop_assert!(ok(re.is_match(&text).map(drop)));
                if let Ok(Some((b, e))) = re.search(&text, start) {
                    prop_assert!(start <= b && b <= e && e <= text.len());
                }
                if let Ok(Some(spans)) = re.capture(&text, start) {
                    prop_assert_eq!(spans.len(), re.subexpcount());
                    prop_assert!(spans.iter().all(|&(b, e)| b <= e && e <= text.len()));
                }
            }
        }
    }
}
