//! Interned, immutable byte strings.
//!
//! Every string value is interned (as in the reference), so string equality is id
//! equality and a table lookup by string never hashes or compares contents. Interning
//! is the cost of making a string, so it is kept cheap: short bodies live inside their
//! slot (no allocation), the reference's hash is computed only when a string is first
//! used as a table key, and the collector drops the dead from the intern table, so
//! probes never wade through them.

use std::cell::Cell;

use crate::heap::arena::with_room;
use crate::heap::table::NodeArray;
use crate::heap::value::StrId;

/// What C sees of a byte string: the bytes before the first NUL. The reference hands
/// strings to `strcmp` and to `printf("%s")` (print, error reports), which stop there.
pub fn c_str(s: &[u8]) -> &[u8] {
    s.iter().position(|&c| c == 0).map_or(s, |end| &s[..end])
}

/// Bodies up to this many bytes are stored inline.
pub(crate) const INLINE: usize = 22;

/// A string's bytes: inline when short, else the start of a heap block, all of it
/// but its last `spare` bytes (a block has a size class's size, see `Blocks`).
#[derive(Clone)]
enum Body {
    Inline { len: u8, data: [u8; INLINE] },
    Heap { spare: u8, block: Box<[u8]> },
}

impl Body {
    #[inline(always)]
    fn bytes(&self) -> &[u8] {
        match self {
            Body::Inline { len, data } => &data[..*len as usize],
            Body::Heap { spare, block } => &block[..block.len() - *spare as usize],
        }
    }
}

/// Blocks of long strings that died, kept for the long strings made next: a string
/// rebuilt over and over (`buf += piece`) then costs no allocator call. Blocks up to
/// `BLOCK_MAX` bytes come in multiples of `BLOCK_STEP` (so a block fits the strings
/// of a range of lengths); longer ones have the string's exact size and are not kept.
/// Each collection frees the blocks the last cycle left unused, so at most one
/// cycle's dead strings are held.
struct Blocks {
    /// `free[k]`: blocks of `k * BLOCK_STEP` bytes.
    free: [Vec<Box<[u8]>>; BLOCK_CLASSES],
    bytes: usize,
}

const BLOCK_STEP: usize = 32;
const BLOCK_MAX: usize = 1024;
const BLOCK_CLASSES: usize = BLOCK_MAX / BLOCK_STEP + 1;

impl Default for Blocks {
    fn default() -> Self {
        Blocks { free: std::array::from_fn(|_| Vec::new()), bytes: 0 }
    }
}

impl Blocks {
    /// A heap body holding `s` (longer than `INLINE`).
    #[inline(never)]
    fn body(&mut self, s: &[u8]) -> Body {
        let size = if s.len() <= BLOCK_MAX { s.len().next_multiple_of(BLOCK_STEP) } else { s.len() };
        let kept = if size <= BLOCK_MAX { self.free.get_mut(size / BLOCK_STEP).and_then(Vec::pop) } else { None };
        let block = match kept {
            Some(mut block) => {
                self.bytes -= size;
                block[..s.len()].copy_from_slice(s);
                block
            }
            None => {
                let mut v = Vec::with_capacity(size);
                v.extend_from_slice(s);
                v.resize(size, 0);
                v.into_boxed_slice()
            }
        };
        Body::Heap { spare: (size - s.len()) as u8, block }
    }

    /// Keeps a dead string's block for reuse (or frees it when it has no class).
    #[inline]
    fn put(&mut self, block: Box<[u8]>) {
        let size = block.len();
        if size > BLOCK_MAX || !size.is_multiple_of(BLOCK_STEP) {
            return;
        }
        if let Some(class) = self.free.get_mut(size / BLOCK_STEP) {
            class.push(block);
            self.bytes += size;
        }
    }

    /// Frees the blocks kept so far (the lists keep their room for the next cycle).
    fn clear(&mut self) {
        for class in &mut self.free {
            class.clear();
        }
        self.bytes = 0;
    }
}

/// Copies `src` into `dst` (of the same length) with at most two fixed-size moves
/// when it is short, where `copy_from_slice` of a variable length calls `memcpy`:
/// strings made by the interpreter are mostly a few bytes long.
#[inline(always)]
pub(crate) fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    let dst = &mut dst[..n];
    if n > 32 {
        dst.copy_from_slice(src);
    } else if n >= 16 {
        dst[..16].copy_from_slice(&src[..16]);
        dst[n - 16..].copy_from_slice(&src[n - 16..]);
    } else if n >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[n - 8..].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[n - 4..].copy_from_slice(&src[n - 4..]);
    } else {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *s;
        }
    }
}

/// `SqStr::hash` before it is computed. A string whose real hash is this value is
/// simply rehashed on each use.
const UNHASHED: u64 = u64::MAX;

#[derive(Clone)]
pub struct SqStr {
    body: Body,
    /// The reference's hash (decides table placement and so iteration order),
    /// computed on first use.
    hash: Cell<u64>,
}

impl SqStr {
    /// What a free slot holds: an empty inline body, which owns no memory.
    fn free() -> SqStr {
        SqStr { body: Body::Inline { len: 0, data: [0; INLINE] }, hash: Cell::new(UNHASHED) }
    }

    #[inline(always)]
    pub fn bytes(&self) -> &[u8] {
        self.body.bytes()
    }

    /// A short string's whole inline buffer (its bytes, then leftovers), for a copy
    /// of a fixed size; None for a long string.
    #[inline(always)]
    pub(crate) fn inline_window(&self) -> Option<&[u8; INLINE]> {
        match &self.body {
            Body::Inline { data, .. } => Some(data),
            Body::Heap { .. } => None,
        }
    }
}

/// Which Squirrel's string hash places a VM's table keys, and so decides the order
/// `foreach` visits them in: real libraries' tests assert that order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StringHash {
    /// Squirrel 3.2 on a 64-bit host (`sq`): hashes from the last byte, 64-bit
    /// arithmetic, bytes sign-extended (x86 `char`).
    #[default]
    Squirrel32,
    /// Squirrel 3.0/3.1 as on the imp: hashes from the first byte (3.2 reversed it,
    /// commit 8d57d60), 32-bit arithmetic (a 32-bit build's `SQHash`), bytes
    /// unsigned (ARM `char`, see `Profile::char_value`).
    Squirrel30,
}

impl StringHash {
    /// The hash of `s`. Both sample at most ~32 bytes of a long string: 3.2 every
    /// `step`-th byte from the end, 3.0 the first `len / step` bytes.
    pub fn hash(self, s: &[u8]) -> u64 {
        let l = s.len();
        match self {
            StringHash::Squirrel32 => {
                let step = (l >> 5) + 1;
                let mut h = l as u64;
                let mut l1 = l;
                while l1 >= step {
                    let c = (s[l1 - 1] as i8 as i16 as u16) as u64;
                    h ^= (h << 5).wrapping_add(h >> 2).wrapping_add(c);
                    l1 -= step;
                }
                h
            }
            StringHash::Squirrel30 => {
                let step = (l >> 5) | 1;
                let mut h = l as u32;
                for &c in &s[..l / step] {
                    h ^= (h << 5).wrapping_add(h >> 2).wrapping_add(c as u32);
                }
                h as u64
            }
        }
    }
}

/// A fast hash of every byte (FxHash-style, eight bytes per step). The bytes after
/// the last whole word are read as one more word (the string's last eight bytes, or
/// for a shorter string a word that still holds every byte), so a short string costs
/// one or two steps, not one per byte; equal strings read the same words.
fn intern_hash(s: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let n = s.len();
    let mut h = n as u64;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        h = step(h, word(c, 0));
    }
    if !chunks.remainder().is_empty() {
        let w = if n >= 8 {
            word(s, n - 8)
        } else if n >= 4 {
            half(s, 0) | half(s, n - 4) << 32
        } else {
            s[0] as u64 | (s[n / 2] as u64) << 8 | (s[n - 1] as u64) << 16
        };
        h = step(h, w);
    }
    // The table uses the high half (slot and tag): a final multiply spreads every
    // input bit into it, so similar strings ("key1", "key2", ...) scatter.
    h ^= h >> 32;
    h.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Whether `a` and `b` hold the same bytes. Most strings are a few bytes long: they
/// are compared in two overlapping loads of each (`==` on slices calls `memcmp`, whose
/// call and length dispatch cost more than the comparison).
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n > 16 {
        a == b
    } else if n >= 8 {
        word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8)
    } else if n >= 4 {
        half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4)
    } else {
        n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1])
    }
}

/// The eight bytes of `s` at `at` as a little-endian word (`at + 8 <= s.len()`).
#[inline(always)]
fn word(s: &[u8], at: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&s[at..at + 8]);
    u64::from_le_bytes(w)
}

/// The four bytes of `s` at `at` as a little-endian word (`at + 4 <= s.len()`).
#[inline(always)]
fn half(s: &[u8], at: usize) -> u64 {
    let mut w = [0; 4];
    w.copy_from_slice(&s[at..at + 4]);
    u32::from_le_bytes(w) as u64
}

/// The string slots. Which slots hold a string, and which strings the collector
/// reached, are bit sets, so a sweep works 64 slots at a time and never reads a dead
/// string; the few long strings (heap bodies) are listed apart, so the sweep frees
/// exactly those. Free slots are reused lowest first, so new strings fill whole cache
/// lines in address order.
#[derive(Default)]
struct Store {
    /// Always a whole number of 64-slot words; a free slot holds an inline body.
    strs: Vec<SqStr>,
    /// Bit `i`: slot `i` holds a string.
    used: Vec<u64>,
    /// Bit `i`: the running collection reached string `i`.
    marks: Vec<u64>,
    /// No word of `used` below this one has a free slot.
    cursor: usize,
    live: usize,
    /// The strings with heap bodies.
    long: Vec<u32>,
}

impl Store {
    /// A copy with the same room (see `Strings::replica`).
    fn replica(&self) -> Store {
        Store {
            strs: with_room(&self.strs),
            used: with_room(&self.used),
            marks: with_room(&self.marks),
            cursor: self.cursor,
            live: self.live,
            long: with_room(&self.long),
        }
    }

    /// Adds a short string (at most `INLINE` bytes), written straight into its slot.
    #[inline(always)]
    fn insert_short(&mut self, s: &[u8]) -> u32 {
        let id = self.alloc();
        let slot = &mut self.strs[id as usize];
        // A free slot holds an inline body (empty, or a dead short string's): only
        // its length and bytes are set.
        if let Body::Heap { .. } = slot.body {
            *slot = SqStr::free();
        }
        if let Body::Inline { len, data } = &mut slot.body {
            *len = s.len() as u8;
            copy_short(&mut data[..s.len()], s);
        }
        slot.hash.set(UNHASHED);
        id
    }

    /// Adds a long string (its heap body made by `Blocks::body`).
    fn insert_long(&mut self, body: Body) -> u32 {
        let id = self.alloc();
        self.long.push(id);
        self.strs[id as usize] = SqStr { body, hash: Cell::new(UNHASHED) };
        id
    }

    /// Claims the lowest free slot.
    #[inline(always)]
    fn alloc(&mut self) -> u32 {
        loop {
            match self.used.get_mut(self.cursor) {
                Some(word) if *word != u64::MAX => {
                    let bit = (!*word).trailing_zeros();
                    *word |= 1 << bit;
                    self.live += 1;
                    return (self.cursor * 64) as u32 + bit;
                }
                Some(_) => self.cursor += 1,
                None => self.grow(),
            }
        }
    }

    /// Adds 64 free slots.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        self.strs.extend((0..64).map(|_| SqStr::free()));
        self.used.push(0);
        self.marks.push(0);
    }

    #[inline(always)]
    fn get(&self, i: u32) -> &SqStr {
        debug_assert!(self.used[i as usize / 64] & 1 << (i % 64) != 0, "access to a collected string");
        match self.strs.get(i as usize) {
            Some(s) => s,
            None => dangling(),
        }
    }

    #[inline]
    fn mark(&mut self, i: u32) {
        if let Some(w) = self.marks.get_mut(i as usize / 64) {
            *w |= 1 << (i % 64);
        }
    }

    #[inline]
    fn is_marked(&self, i: u32) -> bool {
        self.marks.get(i as usize / 64).is_some_and(|w| w & 1 << (i % 64) != 0)
    }

    fn marked(&self) -> usize {
        self.marks.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The strings the running collection reached, with their ids.
    fn marked_strings(&self) -> impl Iterator<Item = (u32, &SqStr)> {
        self.marks.iter().enumerate().flat_map(move |(w, &bits)| {
            let mut bits = bits;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let i = (w * 64) as u32 + bits.trailing_zeros();
                    bits &= bits - 1;
                    i
                })
            })
            .map(|i| (i, self.get(i)))
        })
    }

    /// Frees the unmarked strings (keeping their heap blocks in `blocks`) and clears
    /// the marks.
    fn sweep(&mut self, blocks: &mut Blocks) {
        let mut live = 0;
        for (u, m) in self.used.iter_mut().zip(self.marks.iter_mut()) {
            *u &= *m;
            *m = 0;
            live += u.count_ones() as usize;
        }
        self.live = live;
        self.cursor = 0;
        // The long list keeps the living in order; most long strings die young, so
        // the loop is written out for the dead (`retain` would call a closure each).
        let mut kept = 0;
        for k in 0..self.long.len() {
            let i = self.long[k];
            if self.used[i as usize / 64] & 1 << (i % 64) != 0 {
                self.long[kept] = i;
                kept += 1;
            } else if let Body::Heap { block, .. } = std::mem::replace(&mut self.strs[i as usize], SqStr::free()).body {
                blocks.put(block);
            }
        }
        self.long.truncate(kept);
    }

    /// The id and length of each string held.
    fn lengths(&self) -> impl Iterator<Item = (StrId, usize)> + '_ {
        let held = |i: &usize| self.used[i / 64] & 1 << (i % 64) != 0;
        (0..self.strs.len()).filter(held).map(|i| (StrId(i as u32), self.strs[i].bytes().len()))
    }

    fn reusable_bytes(&self) -> usize {
        (self.strs.capacity() - self.live) * std::mem::size_of::<SqStr>()
            + (self.used.capacity() + self.marks.capacity()) * 8
            + self.long.capacity() * 4
    }
}

#[cold]
#[inline(never)]
fn dangling() -> ! {
    panic!("impish-vm internal error: access to a collected string")
}

/// The intern table: open addressing (linear probing) over `(hash tag, id + 1)`
/// entries, so probing compares hashes without touching the strings themselves.
/// An entry of 0 is empty.
pub struct Strings {
    store: Store,
    blocks: Blocks,
    /// A `NodeArray`, not a `Vec`: made by writing every slot, as placing entries
    /// would anyway (zeroed memory from the kernel faulted twice per page, once read
    /// and once written), and on huge pages once large.
    slots: NodeArray<u64>,
    /// Entries holding a string.
    used: usize,
    /// Strings made since the last collection: the table is sized for as many again.
    made: usize,
    /// The reference hash the strings' table placement follows.
    rule: StringHash,
}

const MIN_SLOTS: usize = 1024;
const TAG: u64 = 0xFFFF_FFFF_0000_0000;

impl Default for Strings {
    fn default() -> Self {
        Strings::new(StringHash::default())
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

#[inline]
fn entry_id(entry: u64) -> u32 {
    (entry as u32).wrapping_sub(1)
}

/// Moves the entries whose string `keep` accepts into a fresh table of `n` slots;
/// returns how many it moved.
fn rebuild(slots: &mut NodeArray<u64>, n: usize, keep: impl Fn(u32) -> bool) -> usize {
    let old = std::mem::replace(slots, NodeArray::filled(n, 0));
    let mask = n - 1;
    let mut used = 0;
    for &e in old.iter() {
        if e != 0 && keep(entry_id(e)) {
            place(slots, e, mask);
            used += 1;
        }
    }
    used
}

/// Puts entry `e` in the first free slot of its probe path.
#[inline]
fn place(slots: &mut [u64], e: u64, mask: usize) {
    let mut i = home(e) & mask;
    while slots[i] != 0 {
        i = (i + 1) & mask;
    }
    slots[i] = e;
}

/// Drops the entries whose string `keep` rejects, in place, in one pass that starts
/// after an empty slot (so no probe path wraps into the part not yet visited) and
/// moves each kept entry to the first free slot of its probe path: every entry stays
/// reachable from its home. Returns how many it kept.
fn purge(slots: &mut NodeArray<u64>, keep: impl Fn(u32) -> bool) -> usize {
    let mask = slots.len() - 1;
    let Some(start) = slots.iter().position(|&e| e == 0) else {
        // Not reached (the table is at most half full), but rebuilding is always right.
        let n = slots.len();
        return rebuild(slots, n, keep);
    };
    let mut used = 0;
    let mut visit = |slots: &mut [u64], i: usize| {
        let e = slots[i];
        if e != 0 {
            slots[i] = 0;
            if keep(entry_id(e)) {
                place(slots, e, mask);
                used += 1;
            }
        }
    };
    // The slots after `start`, then those up to it (two plain ranges: most slots are
    // empty, so the per-slot step is what a purge costs).
    for i in start + 1..slots.len() {
        visit(slots, i);
    }
    for i in 0..start + 1 {
        visit(slots, i);
    }
    used
}

impl Strings {
    /// An empty string table whose strings hash by `rule`.
    pub fn new(rule: StringHash) -> Strings {
        Strings {
            store: Store::default(),
            blocks: Blocks::default(),
            slots: NodeArray::filled(MIN_SLOTS, 0),
            used: 0,
            made: 0,
            rule,
        }
    }

    /// A copy holding the same strings under the same ids (see `Heap::replica`); the
    /// blocks kept for reuse are not copied.
    pub(crate) fn replica(&self) -> Strings {
        Strings {
            store: self.store.replica(),
            blocks: Blocks::default(),
            slots: self.slots.clone(),
            used: self.used,
            made: self.made,
            rule: self.rule,
        }
    }

    #[inline]
    pub fn intern(&mut self, s: &[u8]) -> StrId {
        let ihash = intern_hash(s);
        match self.lookup(s, ihash) {
            Ok(id) => id,
            Err(slot) => {
                let id = if s.len() <= INLINE {
                    self.store.insert_short(s)
                } else {
                    let body = self.blocks.body(s);
                    self.store.insert_long(body)
                };
                self.enter(slot, ihash, id)
            }
        }
    }

    /// Interns bytes `range` of string `id` (slicing without an intermediate copy).
    pub fn intern_sub(&mut self, id: StrId, range: std::ops::Range<usize>) -> StrId {
        let bytes = &self.store.get(id.0).bytes()[range];
        let ihash = intern_hash(bytes);
        match self.lookup(bytes, ihash) {
            Ok(found) => found,
            Err(slot) => {
                let new = if bytes.len() <= INLINE {
                    // Copied out first: the new string's slot may be in a block the
                    // store has yet to add.
                    let mut short = [0; INLINE];
                    let short = &mut short[..bytes.len()];
                    copy_short(short, bytes);
                    self.store.insert_short(short)
                } else {
                    let body = self.blocks.body(bytes);
                    self.store.insert_long(body)
                };
                self.enter(slot, ihash, new)
            }
        }
    }

    /// The interned id of `s`, or the empty slot that ends its probe path.
    #[inline(always)]
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
                let id = entry_id(e);
                if same_bytes(self.store.get(id).bytes(), s) {
                    return Ok(StrId(id));
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Enters new string `id` at `slot`, the end of its probe path. Inlined into
    /// `intern` and `intern_sub` (which are not inlined anywhere).
    #[inline(always)]
    fn enter(&mut self, slot: usize, ihash: u64, id: u32) -> StrId {
        self.slots[slot] = slot_entry(ihash, id);
        self.used += 1;
        self.made += 1;
        if self.used * 2 > self.slots.len() {
            self.grow_table();
        }
        StrId(id)
    }

    /// Doubles the intern table once it is half full.
    #[cold]
    #[inline(never)]
    fn grow_table(&mut self) {
        let n = self.slots.len() * 2;
        self.used = rebuild(&mut self.slots, n, |_| true);
    }

    #[inline(always)]
    pub fn get(&self, id: StrId) -> &SqStr {
        self.store.get(id.0)
    }

    #[inline(always)]
    pub fn bytes(&self, id: StrId) -> &[u8] {
        self.store.get(id.0).bytes()
    }

    /// The reference's hash of string `id` (by the table's rule).
    #[inline(always)]
    pub fn hash(&self, id: StrId) -> u64 {
        match self.store.get(id.0).hash.get() {
            UNHASHED => self.first_hash(id),
            h => h,
        }
    }

    /// Computes and keeps a string's hash: once per string, so kept out of the table
    /// lookups that inline `hash` (which then never read the rule).
    #[cold]
    #[inline(never)]
    fn first_hash(&self, id: StrId) -> u64 {
        let s = self.store.get(id.0);
        let h = self.rule.hash(s.bytes());
        s.hash.set(h);
        h
    }

    #[inline]
    pub fn mark(&mut self, id: StrId) {
        self.store.mark(id.0);
    }

    /// Frees unmarked strings and drops them from the intern table, which keeps room
    /// for as many new strings as the last cycle made, so a steady churn never grows
    /// it mid-cycle. When few strings survive (churn), the table is cleared and they
    /// are entered afresh, which costs per survivor, not per slot. Otherwise a table
    /// of the right size is purged in place (one pass, no new memory to fault in), or
    /// else rebuilt at the new size from the survivors.
    pub fn sweep(&mut self) {
        let store = &self.store;
        let marked = store.marked();
        let n = ((marked + self.made) * 2).next_power_of_two().max(MIN_SLOTS);
        self.used = if marked * 16 < self.slots.len() {
            if n == self.slots.len() {
                self.slots.fill(0);
            } else {
                self.slots = NodeArray::filled(n, 0);
            }
            for (id, s) in store.marked_strings() {
                place(&mut self.slots, slot_entry(intern_hash(s.bytes()), id), n - 1);
            }
            marked
        } else if n == self.slots.len() {
            purge(&mut self.slots, |id| store.is_marked(id))
        } else {
            rebuild(&mut self.slots, n, |id| store.is_marked(id))
        };
        self.made = 0;
        self.blocks.clear();
        self.store.sweep(&mut self.blocks);
    }

    pub fn live(&self) -> usize {
        self.store.live
    }

    /// The id and length of each string held.
    pub(crate) fn lengths(&self) -> impl Iterator<Item = (StrId, usize)> + '_ {
        self.store.lengths()
    }

    pub fn reusable_bytes(&self) -> usize {
        self.store.reusable_bytes() + self.blocks.bytes
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

    /// Interns `round`'s `n` strings (`r{round}-{i}`), with their texts.
    fn make(s: &mut Strings, round: usize, n: usize) -> Vec<(StrId, String)> {
        (0..n)
            .map(|i| {
                let text = format!("r{round}-{i}");
                (s.intern(text.as_bytes()), text)
            })
            .collect()
    }

    /// Collects keeping exactly `kept`, then checks each is still found by its text.
    fn sweep_keeping(s: &mut Strings, kept: &[&(StrId, String)]) {
        for (id, _) in kept {
            s.mark(*id);
        }
        s.sweep();
        assert_eq!(s.live(), kept.len());
        for (id, text) in kept {
            assert_eq!(s.intern(text.as_bytes()), *id);
            assert_eq!(s.bytes(*id), text.as_bytes());
        }
    }

    #[test]
    fn purging_in_place_keeps_displaced_survivors_findable() {
        let mut s = Strings::default();
        // Enough strings to fill long probe runs, then several cycles of churn at one
        // table size, each keeping every other string of the previous cycle.
        let mut kept: Vec<(StrId, String)> = Vec::new();
        for round in 0..6 {
            kept.extend(make(&mut s, round, 400).into_iter().step_by(2));
            sweep_keeping(&mut s, &kept.iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn freed_slots_are_reused_and_long_bodies_freed() {
        let mut s = Strings::default();
        let long = vec![b'y'; 64];
        let a = s.intern(b"a");
        let l = s.intern(&long);
        s.mark(a);
        s.sweep();
        assert_eq!(s.live(), 1);
        // The freed slot is the lowest free one, so the next string takes it.
        let b = s.intern(b"b");
        assert_eq!(b, l);
        assert_eq!(s.bytes(b), b"b");
        assert_eq!(s.bytes(a), b"a");
        let l2 = s.intern(&long);
        assert_eq!(s.bytes(l2), &long[..]);
        assert_eq!(s.live(), 3);
    }

    #[test]
    fn long_bodies_reuse_dead_blocks_and_keep_their_bytes() {
        assert_eq!(std::mem::size_of::<SqStr>(), 32);
        let mut s = Strings::default();
        let texts: Vec<Vec<u8>> = [23, 31, 32, 33, 64, 100, 1023, 1024, 1025, 5000]
            .iter()
            .map(|&n| (0..n).map(|i| (i * 7 % 251) as u8).collect())
            .collect();
        for round in 0..3u8 {
            let ids: Vec<_> = texts
                .iter()
                .map(|t| {
                    let mut t = t.clone();
                    t[0] = round;
                    (s.intern(&t), t)
                })
                .collect();
            for (id, t) in &ids {
                assert_eq!(s.bytes(*id), &t[..]);
                assert_eq!(s.intern(t), *id);
            }
            // Keep one, so a block of each size is both reused and left over.
            s.mark(ids[round as usize].0);
            s.sweep();
            assert_eq!(s.bytes(ids[round as usize].0), &ids[round as usize].1[..]);
            assert!(s.reusable_bytes() >= s.blocks.bytes);
        }
    }

    #[test]
    fn few_survivors_are_entered_afresh() {
        let mut s = Strings::default();
        for round in 0..4 {
            let made = make(&mut s, round, 5000);
            let kept: Vec<_> = made.iter().step_by(250).collect();
            sweep_keeping(&mut s, &kept);
            let dead = &made[1].1;
            let again = s.intern(dead.as_bytes());
            assert_eq!(s.bytes(again), dead.as_bytes());
            assert_eq!(s.live(), kept.len() + 1);
        }
    }

    #[test]
    fn same_bytes_compares_every_byte_of_every_length() {
        for n in 0..40usize {
            let a: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(same_bytes(&a, &a.clone()));
            for k in 0..n {
                let mut b = a.clone();
                b[k] ^= 0x20;
                assert!(!same_bytes(&a, &b), "length {n}, byte {k}");
            }
            assert!(!same_bytes(&a, &a[..n.saturating_sub(1)]) || n == 0);
        }
    }

    #[test]
    fn the_reference_hash_is_computed_on_demand() {
        for rule in [StringHash::Squirrel32, StringHash::Squirrel30] {
            let mut s = Strings::new(rule);
            let id = s.intern(b"hello");
            assert_eq!(s.hash(id), rule.hash(b"hello"));
            assert_eq!(s.hash(id), rule.hash(b"hello"));
        }
    }

    /// 3.0 hashes from the first byte, 3.2 from the last. The table order they give is
    /// checked against reference builds: 3.0's by stdlib/tests/imp/table_order_30, 3.2's
    /// by the conformance suite.
    #[test]
    fn the_two_hashes_start_from_opposite_ends() {
        // One step mixes a byte into the hash so far; 3.0 starts from the first byte.
        let step = |h: u32, c: u8| h ^ (h << 5).wrapping_add(h >> 2).wrapping_add(c as u32);
        assert_eq!(StringHash::Squirrel30.hash(b"ab"), step(step(2, b'a'), b'b') as u64);
        assert_eq!(StringHash::Squirrel32.hash(b"ab"), step(step(2, b'b'), b'a') as u64);
        // 3.0 samples the first len/step bytes of a long string: a change past them is not hashed.
        let long = [b'x'; 100];
        let mut changed = long;
        changed[99] = b'y';
        assert_eq!(StringHash::Squirrel30.hash(&long), StringHash::Squirrel30.hash(&changed));
        // Bytes above 0x7f: unsigned on the imp (ARM), sign-extended by 3.2 on x86.
        assert_eq!(StringHash::Squirrel30.hash(b"\xff"), step(1, 0xff) as u64);
        assert_eq!(StringHash::Squirrel32.hash(b"\xff"), 1 ^ ((1 << 5) + 0xffff), "0xff read as -1, then as u16");
    }
}
