//! The matcher: one call's walk of the node arena over the subject, the reference's
//! once-only model, under a step budget and a recursion bound.

use super::parser::is_space;
use super::*;

impl Kind {
    /// Whether the element is matched in place (see [`Matcher::in_place_at`]): one
    /// byte, or a zero-width anchor.
    fn is_in_place(&self) -> bool {
        matches!(self, Kind::OneOf(_) | Kind::Bol | Kind::Eol | Kind::Boundary { .. })
    }
}

impl Class {
    pub(super) fn matches(self, c: u8) -> bool {
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
    pub(super) fn matches(self, c: u8) -> bool {
        match self {
            SetItem::Byte(b) => b == c,
            SetItem::Range(lo, hi) => (lo..=hi).contains(&(c as i8)),
            SetItem::Class(class) => class.matches(c),
        }
    }
}

/// One call's matching state over `text[bol..eol]`.
pub(super) struct Matcher<'a> {
    pub(super) nodes: &'a [Node],
    pub(super) captures: &'a mut [Capture],
    pub(super) text: &'a [u8],
    pub(super) bol: usize,
    pub(super) eol: usize,
    /// The only group index allowed to record when entered (the reference's
    /// "current subexpression").
    pub(super) next_group: usize,
    pub(super) steps: u64,
    pub(super) depth: u32,
}

impl<'a> Matcher<'a> {
    pub(super) fn new(
        nodes: &'a [Node],
        captures: &'a mut [Capture],
        steps: u64,
        text: &'a [u8],
        bol: usize,
        eol: usize,
    ) -> Self {
        Matcher { nodes, captures, text, bol, eol, next_group: 0, steps, depth: 0 }
    }

    /// The first match of `root` starting at `bol` or after, trying only the starts
    /// where `first_bytes` (if known) accepts the byte, and only `bol` when `anchored`
    /// (`^` fails everywhere else, leaving the same state as skipping).
    pub(super) fn search(
        &mut self,
        root: NodeId,
        first_bytes: Option<&ByteSet>,
        anchored: bool,
    ) -> Result<Option<(usize, usize)>, MatchError> {
        let last = if anchored { self.eol.min(self.bol + 1) } else { self.eol };
        for begin in self.bol..last {
            if first_bytes.is_some_and(|set| !set.contains(self.text[begin])) {
                continue;
            }
            self.next_group = 0;
            if let Some(end) = self.node(root, begin, None)? {
                return Ok(Some((begin, end)));
            }
        }
        // Every failed attempt, skipped ones included, leaves group 0 empty.
        if self.bol < self.eol {
            self.captures[0] = Capture::default();
        }
        Ok(None)
    }

    /// The byte at `i`; 0 at and past the end of the text, like the C string's NUL.
    pub(super) fn byte(&self, i: usize) -> u8 {
        self.text.get(i).copied().unwrap_or(0)
    }

    pub(super) fn next_of(&self, id: NodeId) -> Option<NodeId> {
        self.nodes[id as usize].next
    }

    /// Matches node `id` alone at `pos`; `follow` is what comes after it in the
    /// enclosing context (repetitions look ahead at it). Returns the end of the match.
    /// Inlined into the loops over sequences and repetitions, so an element matched in
    /// place costs no call.
    #[inline(always)]
    pub(super) fn node(&mut self, id: NodeId, pos: usize, follow: Option<NodeId>) -> Result<Option<usize>, MatchError> {
        self.steps = self.steps.checked_sub(1).ok_or(MatchError::StepBudget)?;
        if self.depth >= MAX_DEPTH {
            return Err(MatchError::TooDeep);
        }
        // Elements matched in place do not recurse.
        if let Some(end) = self.in_place_at(&self.nodes[id as usize].kind, pos) {
            return Ok(end);
        }
        self.depth += 1;
        let result = self.node_at(id, pos, follow);
        self.depth -= 1;
        result
    }

    #[inline(never)]
    pub(super) fn node_at(
        &mut self,
        id: NodeId,
        pos: usize,
        follow: Option<NodeId>,
    ) -> Result<Option<usize>, MatchError> {
        Ok(match &self.nodes[id as usize].kind {
            // Elements matched in place returned in `node`.
            Kind::OneOf(_) | Kind::Bol | Kind::Eol | Kind::Boundary { .. } => None,
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

    /// Whether `pos` is a `\b` boundary.
    fn boundary(&self, pos: usize) -> bool {
        let c = self.byte(pos);
        (pos == self.bol && !is_space(c))
            || (pos == self.eol && pos > 0 && !is_space(self.byte(pos - 1)))
            || is_space(c) != is_space(self.byte(pos + 1))
    }

    /// For elements matched in place, without recursion or state (one-byte elements
    /// and the zero-width anchors): the end of `kind`'s match at `pos`, if any.
    #[inline(always)]
    fn in_place_at(&self, kind: &Kind, pos: usize) -> Option<Option<usize>> {
        let zero_width = |hit: bool| Some(hit.then_some(pos));
        match *kind {
            Kind::Bol => zero_width(pos == self.bol),
            Kind::Eol => zero_width(pos == self.eol),
            Kind::Boundary { negated } => zero_width(self.boundary(pos) != negated),
            Kind::OneOf(ref set) => Some((pos < self.eol && set.contains(self.text[pos])).then_some(pos + 1)),
            _ => None,
        }
    }

    /// One alternative: its elements in turn, with nothing known to follow the last.
    pub(super) fn branch(&mut self, head: NodeId, mut pos: usize) -> Result<Option<usize>, MatchError> {
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
    pub(super) fn balanced(&self, pos: usize, open: u8, close: u8) -> Option<usize> {
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
    pub(super) fn group(
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
    pub(super) fn repeat(
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
        // The look-ahead, when there is none or it is matched in place.
        let byte_check = match check {
            None => Some(None),
            Some(s) => self.in_place(s).map(Some),
        };
        if let (Some(item), Some(check)) = (self.one_byte(item), byte_check) {
            return self.repeat_bytes(item, check, min, limit, pos);
        }
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

    /// Node `id`'s byte set if it is a one-byte element and would be matched without
    /// hitting the recursion bound.
    fn one_byte(&self, id: NodeId) -> Option<&'a ByteSet> {
        match &self.nodes[id as usize].kind {
            Kind::OneOf(set) if self.depth < MAX_DEPTH => Some(set),
            _ => None,
        }
    }

    /// Node `id`'s kind if it is matched in place (see [`in_place_at`](Self::in_place_at))
    /// and would be without hitting the recursion bound.
    fn in_place(&self, id: NodeId) -> Option<&'a Kind> {
        let kind = &self.nodes[id as usize].kind;
        (kind.is_in_place() && self.depth < MAX_DEPTH).then_some(kind)
    }

    /// [`repeat`](Self::repeat) of a one-byte item with a look-ahead matched in place
    /// (or none): the same steps, charged the same, without a call per byte, in a loop
    /// made for the look-ahead's kind.
    fn repeat_bytes(
        &mut self,
        item: &ByteSet,
        check: Option<&Kind>,
        min: usize,
        limit: usize,
        pos: usize,
    ) -> Result<Option<usize>, MatchError> {
        let (text, eol) = (self.text, self.eol);
        let mut steps = self.steps;
        let result = match check {
            None => scan(text, eol, &mut steps, item, None::<fn(usize) -> bool>, min, limit, pos),
            Some(Kind::OneOf(set)) => {
                scan(text, eol, &mut steps, item, Some(|at: usize| at < eol && set.contains(text[at])), min, limit, pos)
            }
            Some(Kind::Eol) => scan(text, eol, &mut steps, item, Some(|at: usize| at == eol), min, limit, pos),
            Some(kind) => {
                let this = &*self;
                let hit = |at: usize| this.in_place_at(kind, at).flatten().is_some();
                scan(text, eol, &mut steps, item, Some(hit), min, limit, pos)
            }
        };
        self.steps = steps;
        result
    }
}

/// The loop of [`Matcher::repeat_bytes`]: takes bytes of `item` from `pos` (each a
/// step), looking ahead with `check` after each (another step), up to `limit`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn scan(
    text: &[u8],
    eol: usize,
    steps: &mut u64,
    item: &ByteSet,
    check: Option<impl Fn(usize) -> bool>,
    min: usize,
    limit: usize,
    pos: usize,
) -> Result<Option<usize>, MatchError> {
    let (mut count, mut end) = (0, pos);
    while count < limit {
        *steps = steps.checked_sub(1).ok_or(MatchError::StepBudget)?;
        if end >= eol || !item.contains(text[end]) {
            break;
        }
        count += 1;
        end += 1;
        if let Some(check) = &check {
            *steps = steps.checked_sub(1).ok_or(MatchError::StepBudget)?;
            if check(end) && count >= min {
                break;
            }
        }
        if end >= eol {
            break;
        }
    }
    Ok((count >= min).then_some(end))
}
