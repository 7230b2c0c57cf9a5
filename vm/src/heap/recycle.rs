//! Parts of freed objects (array buffers) kept for the objects made next,
//! so that objects made in a loop cost no allocator call: the collector frees garbage
//! in bursts, which the allocator then serves slowly (its per-size caches overflow).
//!
//! A kind keeps at most `KEPT_CYCLES` times as many parts as were asked for in the
//! busier of the last two cycles (between two collections): enough for a program
//! making objects at a steady rate, even when they die in bursts (promise.nut drops a
//! queue of a thousand callbacks at once) and its cycles differ in length (by up to 2.5
//! times there), and a small multiple of what it allocated lately.

/// How many cycles' worth of parts a kind keeps (see above).
const KEPT_CYCLES: usize = 2;

pub struct Recycled<T> {
    spare: Vec<T>,
    /// Parts asked for since the last collection, and in the cycle before.
    wanted: usize,
    wanted_before: usize,
}

impl<T> Default for Recycled<T> {
    fn default() -> Self {
        Recycled { spare: Vec::new(), wanted: 0, wanted_before: 0 }
    }
}

impl<T> Recycled<T> {
    /// A kept part, if there is one (counted as asked for either way).
    #[inline]
    pub fn take(&mut self) -> Option<T> {
        self.wanted += 1;
        self.spare.pop()
    }

    /// Keeps the part of a freed object (in a collection, before `trim`).
    #[inline]
    pub fn give(&mut self, part: T) {
        self.spare.push(part);
    }

    /// Ends a cycle (after the collection gave its freed parts): keeps at most
    /// `KEPT_CYCLES` times what the busier of this cycle and the last asked for.
    pub fn trim(&mut self) {
        self.spare.truncate(KEPT_CYCLES * self.wanted.max(self.wanted_before));
        self.wanted_before = std::mem::take(&mut self.wanted);
    }

    /// How many parts are kept.
    pub fn len(&self) -> usize {
        self.spare.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_keeps_a_few_cycles_worth_of_parts() {
        let mut parts = Recycled::default();
        for _ in 0..3 {
            assert_eq!(parts.take(), None);
        }
        for k in 0..3 * KEPT_CYCLES + 1 {
            parts.give(k);
        }
        parts.trim();
        assert_eq!(parts.len(), 3 * KEPT_CYCLES, "three asked for");
        assert!(parts.take().is_some());
        parts.trim();
        assert_eq!(parts.len(), 3 * KEPT_CYCLES - 1, "the cycle before asked for three");
        parts.trim();
        assert_eq!(parts.len(), KEPT_CYCLES, "the cycle before asked for one");
        parts.trim();
        assert_eq!(parts.len(), 0, "two cycles asked for none");
    }
}
