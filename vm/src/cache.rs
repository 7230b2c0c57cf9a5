//! Inline caches: one word per instruction remembering where a constant-key get or
//! set found its slot last time, so the next execution skips the hash lookup.
//!
//! Two kinds of entry. A table entry is a node index; it validates itself (the node
//! must still hold the same key), so table growth or id reuse can only cause a miss.
//! An instance entry is (class id, member ref); a member's ref never changes once the
//! member exists, but a class id can be reused after a collection, so the collector
//! clears the caches of every prototype it marks.

use std::cell::Cell;

use crate::object::MemberRef;
use crate::value::ClassId;

const INSTANCE: u64 = 1 << 63;

pub struct InlineCache {
    slots: Box<[Cell<u64>]>,
}

impl InlineCache {
    /// A cache for a prototype with `n` instructions.
    pub fn new(n: usize) -> InlineCache {
        InlineCache { slots: (0..n).map(|_| Cell::new(0)).collect() }
    }

    /// The table node the instruction at `pc` found its key in last time.
    #[inline(always)]
    pub fn table_node(&self, pc: usize) -> Option<usize> {
        match self.slots.get(pc).map(Cell::get) {
            Some(e) if e != 0 && e & INSTANCE == 0 => Some(e as usize - 1),
            _ => None,
        }
    }

    #[inline]
    pub fn set_table_node(&self, pc: usize, node: usize) {
        if let Some(c) = self.slots.get(pc) {
            c.set(node as u64 + 1);
        }
    }

    /// The member the instruction at `pc` resolved for instances of `class`.
    #[inline(always)]
    pub fn member(&self, pc: usize, class: ClassId) -> Option<MemberRef> {
        let e = self.slots.get(pc)?.get();
        if e & INSTANCE == 0 || (e >> 32) as u32 & 0x7FFF_FFFF != class.0 {
            return None;
        }
        let r = e as u32 as usize;
        Some(if r & 1 == 0 { MemberRef::Field(r >> 1) } else { MemberRef::Method(r >> 1) })
    }

    #[inline]
    pub fn set_member(&self, pc: usize, class: ClassId, r: MemberRef) {
        let (i, bit) = match r {
            MemberRef::Field(i) => (i, 0),
            MemberRef::Method(i) => (i, 1),
        };
        // Ids and indices that do not fit the packing are simply not cached.
        if let (Some(c), true) = (self.slots.get(pc), class.0 < 1 << 31 && i < 1 << 30) {
            c.set(INSTANCE | (class.0 as u64) << 32 | (i << 1 | bit) as u64);
        }
    }

    /// Forgets everything (class ids may be reused after a collection).
    pub fn clear(&self) {
        for c in self.slots.iter() {
            c.set(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_do_not_alias() {
        let ic = InlineCache::new(4);
        ic.set_table_node(0, 7);
        ic.set_member(1, ClassId(3), MemberRef::Method(5));
        ic.set_member(2, ClassId(3), MemberRef::Field(0));
        assert_eq!(ic.table_node(0), Some(7));
        assert_eq!(ic.member(0, ClassId(3)), None);
        assert_eq!(ic.table_node(1), None);
        assert_eq!(ic.member(1, ClassId(3)), Some(MemberRef::Method(5)));
        assert_eq!(ic.member(1, ClassId(4)), None);
        assert_eq!(ic.member(2, ClassId(3)), Some(MemberRef::Field(0)));
        ic.clear();
        assert_eq!(ic.table_node(0), None);
        assert_eq!(ic.table_node(9), None);
    }
}
