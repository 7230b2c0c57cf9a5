//! Interned, immutable byte strings.
//!
//! Every string value is interned (as in the reference), so string equality is id
//! equality and a table lookup by string never hashes or compares contents. Interning
//! is the cost of making a string, so it is kept cheap: short bodies live inside their
//! arena slot (no allocation), the reference's hash is computed only when a string is
//! first used as a table key, and the collector drops dead strings from the intern
//! table in place instead of rebuilding it.

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
    /// A full-content hash for interning (the reference's samples long strings).
    ihash: u64,
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
    // A multiply leaves the low bits (the probe index) depending only on the low bits
    // of the input; fold the well-mixed high half down so similar strings ("key1",
    // "key2", ...) spread instead of forming long probe runs.
    h ^= h >> 32;
    h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 29)
}

/// The intern table: open addressing over `(hash tag, id + 1)` entries, so probing
/// compares hashes without touching the strings themselves. Freed strings leave
/// tombstones (an entry whose id part is 0), which insertions reuse.
pub struct Strings {
    arena: Arena<SqStr>,
    slots: Vec<u64>,
    /// Entries holding a string.
    used: usize,
    /// Tombstone entries.
    dead: usize,
}

const MIN_SLOTS: usize = 1024;
const TAG: u64 = 0xFFFF_FFFF_0000_0000;
const TOMBSTONE: u64 = TAG;

impl Default for Strings {
    fn default() -> Self {
        Strings { arena: Arena::default(), slots: vec![0; MIN_SLOTS], used: 0, dead: 0 }
    }
}

#[inline]
fn slot_entry(ihash: u64, id: u32) -> u64 {
    (ihash & TAG) | (id as u64 + 1)
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

    /// The interned id of `s`, or the slot where it belongs (the first tombstone on
    /// its probe path, else the empty slot that ends it).
    #[inline]
    fn lookup(&self, s: &[u8], ihash: u64) -> Result<StrId, usize> {
        let mask = self.slots.len() - 1;
        let tag = ihash & TAG;
        let mut i = ihash as usize & mask;
        let mut free = None;
        loop {
            let e = self.slots[i];
            if e == 0 {
                return Err(free.unwrap_or(i));
            }
            if e == TOMBSTONE {
                free.get_or_insert(i);
            } else if e & TAG == tag {
                let id = (e as u32).wrapping_sub(1);
                if self.arena.get(id).bytes() == s {
                    return Ok(StrId(id));
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn insert_at(&mut self, slot: usize, body: Body, ihash: u64) -> StrId {
        let id = self.arena.insert(SqStr { body, hash: Cell::new(UNHASHED), ihash });
        if self.slots[slot] == TOMBSTONE {
            self.dead -= 1;
        }
        self.slots[slot] = slot_entry(ihash, id);
        self.used += 1;
        if (self.used + self.dead) * 2 > self.slots.len() {
            // Grow when live strings fill a quarter; otherwise only clear tombstones.
            let n = if self.used * 4 > self.slots.len() { self.slots.len() * 2 } else { self.slots.len() };
            self.rebuild(n);
        }
        StrId(id)
    }

    /// Re-places every live string in a table of `n` slots.
    fn rebuild(&mut self, n: usize) {
        self.slots = vec![0; n];
        self.used = 0;
        self.dead = 0;
        let mask = n - 1;
        for id in self.arena.ids() {
            let ihash = self.arena.get(id).ihash;
            let mut i = ihash as usize & mask;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot_entry(ihash, id);
            self.used += 1;
        }
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

    /// Frees unmarked strings, leaving tombstones in the intern table. The table keeps
    /// its size (as the arena keeps its slots): a program that made many strings once
    /// will likely make as many again before the next collection.
    pub fn sweep(&mut self) {
        let slots = &mut self.slots;
        let mask = slots.len() - 1;
        let mut freed = 0;
        self.arena.sweep(|id, s| {
            let entry = slot_entry(s.ihash, id);
            let mut i = s.ihash as usize & mask;
            // Every live string has its entry on its probe path.
            while slots[i] != entry && slots[i] != 0 {
                i = (i + 1) & mask;
            }
            if slots[i] == entry {
                slots[i] = TOMBSTONE;
                freed += 1;
            }
        });
        self.used -= freed;
        self.dead += freed;
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
    fn tombstones_are_reused_and_lookups_probe_past_them() {
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
