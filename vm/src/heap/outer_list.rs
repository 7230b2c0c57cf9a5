//! A closure's outers: the first few inside the closure itself, the rest (rare) in a
//! list of their own.
//!
//! Kept inline, the ids share the closure's cache lines: making a closure writes no
//! second block, a `GetOuter` follows no second pointer, and the collector marking a
//! closure reads nothing beside it. As a separate list (recycled from dead closures)
//! they cost promise.nut a cache miss where a closure was made and another where it was
//! marked: a fifth of its time.

use crate::heap::value::OuterId;

/// Outers kept in the closure. Five make the list 40 bytes; the benchmark programs'
/// closures capture at most five, most one or two.
const INLINE: usize = 5;

#[derive(Clone)]
pub struct OuterList {
    len: u32,
    inline: [OuterId; INLINE],
    /// Outers from `INLINE` on; empty (no allocation) for short lists.
    rest: Box<[OuterId]>,
}

/// No outers, and no allocation.
impl Default for OuterList {
    fn default() -> OuterList {
        OuterList::new(0)
    }
}

impl OuterList {
    /// A list of `n` outers, each to be `set`.
    #[inline(always)]
    pub fn new(n: usize) -> OuterList {
        let rest = if n > INLINE { vec![OuterId(0); n - INLINE].into_boxed_slice() } else { Box::default() };
        OuterList { len: n as u32, inline: [OuterId(0); INLINE], rest }
    }

    /// Sets outer `k`.
    #[inline(always)]
    pub fn set(&mut self, k: usize, id: OuterId) {
        debug_assert!(k < self.len(), "outer {k} of {}", self.len);
        if k < INLINE {
            self.inline[k] = id;
        } else {
            self.rest[k - INLINE] = id;
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Outer `k`. Callers pass the index of a bytecode operand, a constant per
    /// instruction, so the branch below always goes the same way at a given place.
    #[inline(always)]
    pub fn get(&self, k: usize) -> OuterId {
        debug_assert!(k < self.len(), "outer {k} of {}", self.len);
        if k < INLINE {
            self.inline[k]
        } else {
            self.rest[k - INLINE]
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = OuterId> + '_ {
        self.inline[..self.len().min(INLINE)].iter().chain(self.rest.iter()).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_fn(n: usize, id: impl Fn(usize) -> OuterId) -> OuterList {
        let mut list = OuterList::new(n);
        (0..n).for_each(|k| list.set(k, id(k)));
        list
    }

    fn ids(list: &OuterList) -> Vec<u32> {
        list.iter().map(|o| o.0).collect()
    }

    #[test]
    fn short_lists_stay_inline() {
        let list = from_fn(3, |k| OuterId(10 + k as u32));
        assert_eq!(list.len(), 3);
        assert_eq!(ids(&list), [10, 11, 12]);
        assert_eq!(list.get(2), OuterId(12));
        assert!(list.rest.is_empty());
        assert_eq!(ids(&OuterList::default()), Vec::<u32>::new());
    }

    #[test]
    fn long_lists_spill_past_the_inline_ones() {
        for n in [INLINE, INLINE + 1, 3 * INLINE] {
            let list = from_fn(n, |k| OuterId(k as u32 * 7));
            assert_eq!(list.len(), n);
            assert_eq!(ids(&list), (0..n as u32).map(|k| k * 7).collect::<Vec<_>>());
            assert_eq!((0..n).map(|k| list.get(k).0).collect::<Vec<_>>(), ids(&list));
            assert_eq!(list.rest.len(), n - INLINE);
        }
    }
}
