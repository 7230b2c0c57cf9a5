//! Inline caches: one word per instruction remembering where a constant-key get or
//! set found its slot last time, so the next execution skips the hash lookup.
//!
//! Two kinds of entry. A table entry is a node index; it validates itself (the node
//! must still hold the same key), so table growth or id reuse can only cause a miss.
//! An instance entry is (class id, member ref); a member's ref never changes once the
//! member exists, but a class id can be reused after a collection, so the collector
//! clears the caches of every prototype it marks.
//!
//! A third kind serves a name read through `this` that is no member of the class, so it
//! resolves in the root table (a method calling a global class or function): (class id,
//! root node). It stays true until the class gains a member or the instance default
//! delegate an entry; the VM counts such edits, and a cache that sees the count change
//! forgets everything.

use std::cell::{Cell, OnceCell};

use crate::heap::object::MemberRef;
use crate::heap::value::{ClassId, StrId};

// An instance entry's high word is its kind's tag bits with the class id below them,
// so a hit is one compare of the high word with `kind | class`; its low word is the
// field index, method index or root node.
const INSTANCE: u64 = 1 << 63;
/// With `INSTANCE`: the name is no member of the class; the low word is a root node.
const VIA_ROOT: u64 = 1 << 62;
/// With `INSTANCE`: the low word is a method index (else a field index).
const METHOD: u64 = 1 << 61;
const CLASS_BITS: u32 = 29;
const FIELD_TAG: u32 = (INSTANCE >> 32) as u32;
const METHOD_TAG: u32 = ((INSTANCE | METHOD) >> 32) as u32;
const ROOT_TAG: u32 = ((INSTANCE | VIA_ROOT) >> 32) as u32;

pub struct InlineCache {
    slots: Box<[Cell<u64>]>,
    /// The VM's member-edit count when the `VIA_ROOT` entries were made.
    edits: Cell<u64>,
}

impl InlineCache {
    /// A cache for a prototype with `n` instructions.
    pub fn new(n: usize) -> InlineCache {
        InlineCache { slots: (0..n).map(|_| Cell::new(0)).collect(), edits: Cell::new(0) }
    }

    /// The cache word of the instruction at `pc`, for the interpreter's hit paths.
    ///
    /// # Safety
    /// `pc` must be an instruction of the prototype this cache belongs to (the cache
    /// has one word per instruction).
    #[inline(always)]
    pub unsafe fn word(&self, pc: usize) -> &CacheWord {
        debug_assert!(pc < self.slots.len());
        // SAFETY: as the caller guarantees; `CacheWord` is a transparent `Cell<u64>`.
        unsafe { &*(self.slots.get_unchecked(pc) as *const Cell<u64>).cast::<CacheWord>() }
    }

    /// The table node the instruction at `pc` found its key in last time.
    #[inline(always)]
    pub fn table_node(&self, pc: usize) -> Option<usize> {
        self.slots.get(pc).and_then(|c| table_node(c.get()))
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
        member(self.slots.get(pc)?.get(), class)
    }

    #[inline]
    pub fn set_member(&self, pc: usize, class: ClassId, r: MemberRef) {
        let (i, tag) = match r {
            MemberRef::Field(i) => (i, FIELD_TAG),
            MemberRef::Method(i) => (i, METHOD_TAG),
        };
        // Ids and indices that do not fit the packing are simply not cached.
        if let (Some(c), true) = (self.slots.get(pc), class.0 < 1 << CLASS_BITS && i <= u32::MAX as usize) {
            c.set(entry(tag, class, i as u32));
        }
    }

    /// The root-table node where the instruction at `pc` found a name that instances of
    /// `class` do not have, if no member edit happened since (`edits` is the VM's count).
    #[inline(always)]
    pub fn via_root(&self, pc: usize, class: ClassId, edits: u64) -> Option<usize> {
        let e = self.slots.get(pc)?.get();
        if (e >> 32) as u32 != ROOT_TAG | class.0 || self.edits.get() != edits {
            return None;
        }
        Some(e as u32 as usize)
    }

    pub fn set_via_root(&self, pc: usize, class: ClassId, node: usize, edits: u64) {
        if self.edits.get() != edits {
            self.clear();
            self.edits.set(edits);
        }
        if let (Some(c), true) = (self.slots.get(pc), class.0 < 1 << CLASS_BITS && node <= u32::MAX as usize) {
            c.set(entry(ROOT_TAG, class, node as u32));
        }
    }

    /// Forgets everything (class ids may be reused after a collection).
    pub fn clear(&self) {
        for c in self.slots.iter() {
            c.set(0);
        }
    }
}

/// One instruction's cache word, read by the interpreter's hit paths.
#[repr(transparent)]
pub struct CacheWord(Cell<u64>);

impl CacheWord {
    /// As `InlineCache::table_node`.
    #[inline(always)]
    pub fn table_node(&self) -> Option<usize> {
        table_node(self.0.get())
    }

    /// As `InlineCache::member`.
    #[inline(always)]
    pub fn member(&self, class: ClassId) -> Option<MemberRef> {
        member(self.0.get(), class)
    }
}

#[inline(always)]
fn table_node(e: u64) -> Option<usize> {
    (e != 0 && e & INSTANCE == 0).then(|| e as usize - 1)
}

#[inline(always)]
fn member(e: u64, class: ClassId) -> Option<MemberRef> {
    let (high, index) = ((e >> 32) as u32, e as u32 as usize);
    if high == FIELD_TAG | class.0 {
        Some(MemberRef::Field(index))
    } else if high == METHOD_TAG | class.0 {
        Some(MemberRef::Method(index))
    } else {
        None
    }
}

/// An instance entry of kind `tag` for `class` (which fits `CLASS_BITS`).
#[inline(always)]
fn entry(tag: u32, class: ClassId, low: u32) -> u64 {
    debug_assert!(class.0 < 1 << CLASS_BITS);
    u64::from(tag | class.0) << 32 | u64::from(low)
}

/// Members found by (class, name), for the sites whose inline cache sees several
/// classes (a base class's method run on instances of its subclasses, a loop over
/// mixed shapes): a direct-mapped memo, so such a site's miss is a probe instead of a
/// hash lookup in the class's members. Only members of locked classes are kept: a
/// member's ref never changes once its class has instances. Class and string ids may
/// be reused after a collection, which clears the memo. Made on first use: most VMs
/// (an imp's, a line's many) never need it.
#[derive(Default)]
pub struct MemberMemo {
    slots: OnceCell<Box<[MemoSlot]>>,
}

/// (`INSTANCE | class << 32 | name`, the ref as `METHOD | index`), empty as (0, 0).
type MemoSlot = Cell<(u64, u64)>;

const MEMO_SLOTS: usize = 256;

impl MemberMemo {
    /// The key word and slot of a member; the key word is unique for classes that fit
    /// `CLASS_BITS` (the only ones kept), and never (0, 0)'s.
    #[inline(always)]
    fn key(class: ClassId, name: StrId) -> (u64, usize) {
        let key = INSTANCE | u64::from(class.0 & ((1 << CLASS_BITS) - 1)) << 32 | u64::from(name.0);
        let slot = (class.0.wrapping_mul(0x9E37_79B1) ^ name.0).wrapping_mul(0x85EB_CA6B) >> 24;
        (key, slot as usize % MEMO_SLOTS)
    }

    /// The member `name` of `class` if the memo holds it.
    #[inline]
    pub fn get(&self, class: ClassId, name: StrId) -> Option<MemberRef> {
        let (key, slot) = Self::key(class, name);
        let (k, r) = self.slots.get()?[slot].get();
        if k != key || class.0 >= 1 << CLASS_BITS {
            return None;
        }
        let index = r as u32 as usize;
        Some(if r & METHOD != 0 { MemberRef::Method(index) } else { MemberRef::Field(index) })
    }

    /// Remembers member `r` of the locked class `class`.
    pub fn set(&self, class: ClassId, name: StrId, r: MemberRef) {
        let (key, slot) = Self::key(class, name);
        let r = match r {
            MemberRef::Field(i) => i as u64,
            MemberRef::Method(i) => METHOD | i as u64,
        };
        if class.0 < 1 << CLASS_BITS && r as u32 as u64 == r & !METHOD {
            let slots = self.slots.get_or_init(|| (0..MEMO_SLOTS).map(|_| Cell::new((0, 0))).collect());
            slots[slot].set((key, r));
        }
    }

    /// Forgets everything (at a collection).
    pub fn clear(&self) {
        for c in self.slots.get().into_iter().flat_map(|s| s.iter()) {
            c.set((0, 0));
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

    #[test]
    fn root_entries_are_distinct_from_members_and_die_with_a_member_edit() {
        let ic = InlineCache::new(2);
        ic.set_via_root(0, ClassId(3), 12, 0);
        ic.set_member(1, ClassId(3), MemberRef::Field(12));
        assert_eq!(ic.via_root(0, ClassId(3), 0), Some(12));
        assert_eq!(ic.member(0, ClassId(3)), None);
        assert_eq!(ic.table_node(0), None);
        assert_eq!(ic.via_root(1, ClassId(3), 0), None);
        assert_eq!(ic.via_root(0, ClassId(4), 0), None);
        assert_eq!(ic.via_root(0, ClassId(3), 1), None, "a member edit since");
        ic.set_via_root(0, ClassId(3), 5, 1);
        assert_eq!(ic.member(1, ClassId(3)), None, "the edit cleared the other entries");
        assert_eq!(ic.via_root(0, ClassId(3), 1), Some(5));
    }

    #[test]
    fn memo_entries_are_per_class_and_name_and_clear() {
        let memo = MemberMemo::default();
        memo.set(ClassId(3), StrId(7), MemberRef::Method(2));
        memo.set(ClassId(4), StrId(7), MemberRef::Field(1));
        assert_eq!(memo.get(ClassId(3), StrId(7)), Some(MemberRef::Method(2)));
        assert_eq!(memo.get(ClassId(4), StrId(7)), Some(MemberRef::Field(1)));
        assert_eq!(memo.get(ClassId(3), StrId(8)), None);
        memo.clear();
        assert_eq!(memo.get(ClassId(3), StrId(7)), None);
    }
}
