//! Recycled outer lists: the lists of closures the collector freed, kept by length for
//! the closures made next (see `Recycled`).

use crate::heap::recycle::Recycled;
use crate::heap::value::OuterId;

/// Closures with up to this many outers have their outer lists recycled.
const POOLED_OUTERS: usize = 8;

#[derive(Default)]
pub struct OuterPool {
    /// Entry `k` holds lists of length `k + 1`.
    by_len: [Recycled<Box<[OuterId]>>; POOLED_OUTERS],
}

impl OuterPool {
    /// A list for `n` outers, recycled when one is kept; its entries are stale, and the
    /// caller sets every one.
    #[inline]
    pub fn take(&mut self, n: usize) -> Box<[OuterId]> {
        match n.checked_sub(1).and_then(|k| self.by_len.get_mut(k)).and_then(Recycled::take) {
            Some(list) => list,
            None => vec![OuterId(0); n].into_boxed_slice(),
        }
    }

    /// Keeps the list of a freed closure (in a collection, before `trim`).
    #[inline]
    pub fn give(&mut self, list: Box<[OuterId]>) {
        if let Some(lists) = list.len().checked_sub(1).and_then(|k| self.by_len.get_mut(k)) {
            lists.give(list);
        }
    }

    /// Ends a cycle (see `Recycled::trim`).
    pub fn trim(&mut self) {
        self.by_len.iter_mut().for_each(Recycled::trim);
    }

    /// Bytes held in the kept lists.
    pub fn bytes(&self) -> usize {
        let ids: usize = self.by_len.iter().enumerate().map(|(k, l)| l.len() * (k + 1)).sum();
        ids * std::mem::size_of::<OuterId>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_kept_by_length() {
        let mut pool = OuterPool::default();
        let (a, b) = (pool.take(2), pool.take(3));
        pool.give(a);
        pool.give(b);
        pool.trim();
        assert_eq!(pool.bytes(), 5 * std::mem::size_of::<OuterId>());
        assert_eq!(pool.take(3).len(), 3);
        assert_eq!(pool.take(2).len(), 2);
        assert_eq!(pool.bytes(), 0);
    }

    #[test]
    fn long_and_empty_lists_are_not_kept() {
        let mut pool = OuterPool::default();
        assert_eq!(pool.take(POOLED_OUTERS + 1).len(), POOLED_OUTERS + 1);
        assert_eq!(pool.take(0).len(), 0);
        pool.give(vec![OuterId(0); POOLED_OUTERS + 1].into_boxed_slice());
        pool.give(Box::default());
        assert_eq!(pool.bytes(), 0);
    }
}
