//! The pattern compiler: recursive descent over the reference's dialect into the node
//! arena a [`Regexp`](super::Regexp) matches with.

use super::*;

/// Recursive descent over the pattern, building the node arena. Like the reference,
/// it treats a NUL byte as the end wherever it looks for one; the one escape that
/// steps over a NUL (`[a-\` at the end) reads on into the bytes after it, as the
/// reference reads on in memory.
pub(super) struct Parser<'p> {
    pub(super) pat: &'p [u8],
    pub(super) pos: usize,
    pub(super) nodes: Vec<Node>,
    pub(super) groups: usize,
}

impl Parser<'_> {
    /// The current byte; 0 past the end, like the reference's C string.
    pub(super) fn peek(&self) -> u8 {
        self.pat.get(self.pos).copied().unwrap_or(0)
    }

    pub(super) fn bump(&mut self) -> u8 {
        let c = self.peek();
        self.pos += 1;
        c
    }

    pub(super) fn expect(&mut self, c: u8) -> Result<(), CompileError> {
        if self.bump() == c {
            Ok(())
        } else {
            Err(CompileError::ExpectedParen)
        }
    }

    pub(super) fn push(&mut self, kind: Kind) -> NodeId {
        self.nodes.push(Node { kind, next: None });
        (self.nodes.len() - 1) as NodeId
    }

    /// `seq | seq | ...`; each alternative may start with `^`.
    pub(super) fn alternation(&mut self, depth: usize) -> Result<NodeId, CompileError> {
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
    pub(super) fn sequence(&mut self, depth: usize) -> Result<NodeId, CompileError> {
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
    pub(super) fn element(&mut self, depth: usize) -> Result<NodeId, CompileError> {
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
                self.push(Kind::OneOf(ByteSet::ALL))
            }
            _ => {
                let kind = match self.atom_char(false)? {
                    Atom::Byte(c) => Kind::OneOf(ByteSet::single(c)),
                    Atom::Class(class) => Kind::OneOf(ByteSet::from_fn(|c| class.matches(c))),
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
    pub(super) fn quantifier(&mut self) -> Result<Option<(u16, u16)>, CompileError> {
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
    pub(super) fn number(&mut self) -> Result<u16, CompileError> {
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
    pub(super) fn set(&mut self) -> Result<Kind, CompileError> {
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
        Ok(Kind::OneOf(ByteSet::from_fn(|c| items.iter().any(|i| i.matches(c)) != negated)))
    }

    /// The end of a range: a printable byte or a backslash and any byte.
    pub(super) fn range_end(&mut self) -> Result<u8, CompileError> {
        match self.bump() {
            b'\\' => Ok(control_escape(self.bump())),
            c if is_print(c) => Ok(c),
            _ => Err(CompileError::LetterExpected),
        }
    }

    /// A literal byte or a backslash escape, in a set or not.
    pub(super) fn atom_char(&mut self, in_set: bool) -> Result<Atom, CompileError> {
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
pub(super) enum Atom {
    Byte(u8),
    Class(Class),
    Boundary { negated: bool },
    Balanced { open: u8, close: u8 },
}

impl Atom {
    /// Its meaning as a member of a set: `\m..` there matches nothing (and `\b` is
    /// the letter, so boundaries never get here).
    pub(super) fn set_item(self) -> Option<SetItem> {
        match self {
            Atom::Byte(c) => Some(SetItem::Byte(c)),
            Atom::Class(class) => Some(SetItem::Class(class)),
            Atom::Boundary { .. } | Atom::Balanced { .. } => None,
        }
    }
}

/// `\n \t \r \f \v` and their bytes; any other escaped byte is itself.
pub(super) fn control_escape(c: u8) -> u8 {
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
pub(super) fn class_of(c: u8) -> Option<Class> {
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
pub(super) fn is_print(c: u8) -> bool {
    (0x20..0x7f).contains(&c)
}

/// C's `isspace` in the C locale.
pub(super) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}
