//! Interned, immutable byte strings.
//!
//! Every string value is interned (as in the reference), so string equality is id
//! equality and a table lookup by string never hashes or compares contents. Interning
//! is the cost of making a string, so it is kept cheap: short bodies live inside their
//! arena slot (no allocation), the reference's hash is computed only when a string is
//! first used as a table key, and the collector rebuilds the intern table from the
//! survivors, so probes never wade through the dead.

use std::cell::Cell;

use crate::arena::Arena;
use crate::value::StrId;

/// Bodies up to this many bytes are stored inline.
const INLINE: usize = 22;

/// A string's bytes: inline when short, else one heap block.
enum Body {
    Inline { len: u8, data: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Body {
    #[inline]
    fn new(s: &[u8]) -> Body {
        if s.len() <= INLINE {
            let mut data = [0; INLINE];
            data[..s.len()].copy_from_slice(s);
            Body::Inline { len: s.len() as u8, data }
        } else {
            Body::Heap(s.into())
        }
    }

    #[inline(always)]
    fn bytes(&self) -> &[u8] {
        match self {
            Body::Inline { len, data } => &data[..*len as usize],
            Body::Heap(b) => b,
        }
    }
}

/// `SqStr::hash` before it is computed. A string whose real hash is this value is
/// simply rehashed on each use.
const UNHASHED: u64 = u64::MAX;

pub struct SqStr {
    body: Body,
    /// The reference's hash (decides table placement and so iteration order),
    /// computed on first use.
    hash: Cell<u64>,
}

impl SqStr {
    #[inline(always)]
    pub fn bytes(&self) -> &[u8] {
        self.body.bytes()
    }

    /// The reference's hash of the string.
    #[inline]
    pub fn hash(&self) -> u64 {
        match self.hash.get() {
            UNHASHED => {
                let h = hash_bytes(self.bytes());
                self.hash.set(h);
                h
            }
            h => h,
        }
    }
}

/// The reference's string hash (samples at most ~32 bytes of long strings).
/// Bytes are sign-extended through `char` to 16 bits, as the reference does.
pub fn hash_bytes(s: &[u8]) -> u64 {
    let l = s.len();
    let mut h = l as u64;
    let step = (l >> 5) + 1;
    let mut l1 = l;
    while l1 >= step {
        let c = (s[l1 - 1] as i8 as i16 as u16) as u64;
        h ^= (h << 5).wrapping_add(h >> 2).wrapping_add(c);
        l1 -= step;
    }
    h
}

/// A fast hash of every byte (FxHash-style, eight bytes per step).
fn intern_hash(s: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = s.len() as u64;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
    }
    // The table uses the high half (slot and tag): a final multiply spreads every
    // input bit into it, so similar strings ("key1", "key2", ...) scatter.
    h ^= h >> 32;
    h.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The intern table: open addressing (linear probing) over `(hash tag, id + 1)`
/// entries, so probing compares hashes without touching the strings themselves.
/// An entry of 0 is empty.
pub struct Strings {
    arena: Arena<SqStr>,
    slots: Vec<u64>,
    /// Entries holding a string.
    used: usize,
    /// Strings made since the last collection: the table is sized for as many again.
    made: usize,
}

const MIN_SLOTS: usize = 1024;
const TAG: u64 = 0xFFFF_FFFF_0000_0000;

impl Default for Strings {
    fn default() -> Self {
        Strings { arena: Arena::default(), slots: vec![0; MIN_SLOTS], used: 0, made: 0 }
    }
}

#[inline]
fn slot_entry(ihash: u64, id: u32) -> u64 {
    (ihash & TAG) | (id as u64 + 1)
}

/// The slot an entry's probe path starts from (before masking): its tag, so the
/// table can be re-laid without touching the strings.
#[inline]
fn home(entry: u64) -> usize {
    (entry >> 32) as usize
}

/// Moves the entries whose string `keep` accepts into a fresh table of `n` slots;
/// returns how many it moved.
fn rebuild(slots: &mut Vec<u64>, n: usize, keep: impl Fn(u32) -> bool) -> usize {
    let old = std::mem::replace(slots, vec![0; n]);
    let mask = n - 1;
    let mut used = 0;
    for e in old {
        if e != 0 && keep((e as u32).wrapping_sub(1)) {
            let mut i = home(e) & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = e;
            used += 1;
        }
    }
    used
}

impl Strings {
    #[inline]
    pub fn intern(&mut self, s: &[u8]) -> StrId {
        let ihash = intern_hash(s);
        match self.lookup(s, ihash) {
            Ok(id) => id,
            Err(slot) => self.insert_at(slot, Body::new(s), ihash),
        }
    }

    /// Interns bytes `range` of string `id` (slicing without an intermediate copy).
    pub fn intern_sub(&mut self, id: StrId, range: std::ops::Range<usize>) -> StrId {
        let bytes = &self.arena.get(id.0).bytes()[range];
        let ihash = intern_hash(bytes);
        match self.lookup(bytes, ihash) {
            Ok(found) => found,
            Err(slot) => {
                let body = Body::new(bytes);
                self.insert_at(slot, body, ihash)
            }
        }
    }

    /// The interned id of `s`, or the empty slot that ends its probe path.
    #[inline]
    fn lookup(&self, s: &[u8], ihash: u64) -> Result<StrId, usize> {
        let mask = self.slots.len() - 1;
        let tag = ihash & TAG;
        let mut i = home(ihash) & mask;
        loop {
            let e = self.slots[i];
            if e == 0 {
                return Err(i);
            }
            if e & TAG == tag {
                let id = (e as u32).wrapping_sub(1);
                if self.arena.get(id).bytes() == s {
                    return Ok(StrId(id));
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn insert_at(&mut self, slot: usize, body: Body, ihash: u64) -> StrId {
        let id = self.arena.insert(SqStr { body, hash: Cell::new(UNHASHED) });
        self.slots[slot] = slot_entry(ihash, id);
        self.used += 1;
        self.made += 1;
        if self.used * 2 > self.slots.len() {
            let n = self.slots.len() * 2;
            self.used = rebuild(&mut self.slots, n, |_| true);
        }
        StrId(id)
    }

    #[inline(always)]
    pub fn get(&self, id: StrId) -> &SqStr {
        self.arena.get(id.0)
    }

    #[inline(always)]
    pub fn bytes(&self, id: StrId) -> &[u8] {
        self.arena.get(id.0).bytes()
    }

    #[inline(always)]
    pub fn hash(&self, id: StrId) -> u64 {
        self.arena.get(id.0).hash()
    }

    pub fn mark(&mut self, id: StrId) {
        self.arena.mark(id.0);
    }

    /// Frees unmarked strings and rebuilds the intern table from the survivors, with
    /// room for as many new strings as the last cycle made, so a steady churn never
    /// grows it mid-cycle. Rebuilding costs no more than the marking that preceded it,
    /// where removing each dead entry would cost a random probe apiece.
    pub fn sweep(&mut self) {
        let arena = &self.arena;
        let n = ((arena.marked() + self.made) * 2).next_power_of_two().max(MIN_SLOTS);
        self.used = rebuild(&mut self.slots, n, |id| arena.is_marked(id));
        self.made = 0;
        self.arena.sweep(|_, _| {});
    }

    pub fn live(&self) -> usize {
        self.arena.live()
    }

    pub fn reusable_bytes(&self) -> usize {
        self.arena.reusable_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_idempotent() {
        let mut s = Strings::default();
        let a = s.intern(b"hello");
        let b = s.intern(b"hello");
        let c = s.intern(b"world");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(s.bytes(c), b"world");
    }

    #[test]
    fn many_strings_survive_resize() {
        let mut s = Strings::default();
        let ids: Vec<_> = (0..2000).map(|i| s.intern(format!("k{i}").as_bytes())).collect();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(s.intern(format!("k{i}").as_bytes()), *id);
        }
    }

    #[test]
    fn sweep_drops_unmarked() {
        let mut s = Strings::default();
        let a = s.intern(b"keep");
        s.intern(b"drop");
        s.mark(a);
        s.sweep();
        assert_eq!(s.live(), 1);
        assert_eq!(s.intern(b"keep"), a);
    }

    #[test]
    fn sweeps_keep_survivors_findable_and_freed_strings_gone() {
        let mut s = Strings::default();
        let long = vec![b'x'; 100];
        let ids: Vec<_> = (0..3000).map(|i| s.intern(format!("s{i}").as_bytes())).collect();
        let l = s.intern(&long);
        for (i, id) in ids.iter().enumerate() {
            if i % 3 == 0 {
                s.mark(*id);
            }
        }
        s.mark(l);
        s.sweep();
        assert_eq!(s.live(), 1001);
        for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
            assert_eq!(s.intern(format!("s{i}").as_bytes()), *id);
        }
        assert_eq!(s.intern(&long), l);
        assert_eq!(s.bytes(l), &long[..]);
        let fresh: Vec<_> = (0..5000).map(|i| s.intern(format!("t{i}").as_bytes())).collect();
        for (i, id) in fresh.iter().enumerate() {
            assert_eq!(s.bytes(*id), format!("t{i}").as_bytes());
        }
        assert_eq!(s.live(), 6001);
    }

    #[test]
    fn the_reference_hash_is_computed_on_demand() {
        let mut s = Strings::default();
        let id = s.intern(b"hello");
        assert_eq!(s.hash(id), hash_bytes(b"hello"));
        assert_eq!(s.hash(id), hash_bytes(b"hello"));
    }
}
