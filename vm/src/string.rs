//! Interned, immutable byte strings with a cached hash.
//!
//! Every string value is interned (as in the reference), so string equality is id
//! equality and a table lookup by string never hashes or compares contents. The hash
//! is the reference's own string hash, which keeps table iteration order faithful.

use crate::arena::Arena;
use crate::value::StrId;

pub struct SqStr {
    pub bytes: Box<[u8]>,
    /// The reference's hash (decides table placement and so iteration order).
    pub hash: u64,
    /// A full-content hash for interning (the reference's samples long strings).
    ihash: u64,
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

/// The intern table: open addressing over `(hash tag, id + 1)` pairs, so probing
/// compares hashes without touching the strings themselves.
pub struct Strings {
    arena: Arena<SqStr>,
    slots: Vec<u64>,
    used: usize,
}

impl Default for Strings {
    fn default() -> Self {
        Strings { arena: Arena::default(), slots: vec![0; 1024], used: 0 }
    }
}

#[inline]
fn slot_entry(ihash: u64, id: u32) -> u64 {
    (ihash & 0xFFFF_FFFF_0000_0000) | (id as u64 + 1)
}

impl Strings {
    pub fn intern(&mut self, s: &[u8]) -> StrId {
        let ihash = intern_hash(s);
        match self.lookup(s, ihash) {
            Ok(id) => id,
            Err(slot) => self.insert_at(slot, s.into(), ihash),
        }
    }

    /// Interns bytes `range` of string `id` (slicing without an intermediate copy).
    pub fn intern_sub(&mut self, id: StrId, range: std::ops::Range<usize>) -> StrId {
        let bytes = &self.arena.get(id.0).bytes[range];
        let ihash = intern_hash(bytes);
        match self.lookup(bytes, ihash) {
            Ok(found) => found,
            Err(slot) => {
                let owned: Box<[u8]> = bytes.into();
                self.insert_at(slot, owned, ihash)
            }
        }
    }

    /// The interned id of `s`, or the free slot where it belongs.
    #[inline]
    fn lookup(&self, s: &[u8], ihash: u64) -> Result<StrId, usize> {
        let mask = self.slots.len() - 1;
        let tag = ihash & 0xFFFF_FFFF_0000_0000;
        let mut i = ihash as usize & mask;
        loop {
            let e = self.slots[i];
            if e == 0 {
                return Err(i);
            }
            if e & 0xFFFF_FFFF_0000_0000 == tag {
                let id = (e as u32).wrapping_sub(1);
                if &*self.arena.get(id).bytes == s {
                    return Ok(StrId(id));
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn insert_at(&mut self, slot: usize, bytes: Box<[u8]>, ihash: u64) -> StrId {
        let hash = hash_bytes(&bytes);
        let id = self.arena.insert(SqStr { bytes, hash, ihash });
        self.slots[slot] = slot_entry(ihash, id);
        self.used += 1;
        if self.used * 2 > self.slots.len() {
            self.rebuild(self.slots.len() * 2);
        }
        StrId(id)
    }

    /// Re-places every live string in a table of `n` slots.
    fn rebuild(&mut self, n: usize) {
        self.slots = vec![0; n];
        self.used = 0;
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
        &self.arena.get(id.0).bytes
    }

    #[inline(always)]
    pub fn hash(&self, id: StrId) -> u64 {
        self.arena.get(id.0).hash
    }

    pub fn mark(&mut self, id: StrId) {
        self.arena.mark(id.0);
    }

    /// Frees unmarked strings and drops them from the intern table.
    pub fn sweep(&mut self) {
        let mut any = false;
        self.arena.sweep(|_, _| any = true);
        if any {
            let mut n = 1024;
            while n < self.arena.live() * 4 {
                n *= 2;
            }
            self.rebuild(n);
        }
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
}
