//! A typed arena: objects of one kind addressed by `u32` ids, with a free list and
//! mark bits for the collector.
//!
//! Ids stay valid for as long as the object is reachable; the collector only frees
//! unmarked slots, so a live value never sees its id reused. A freed slot holds a
//! vacant object of its kind (see `Vacant`), so no read of a slot is ever a read of
//! freed memory.

/// The value a freed slot holds until its id is reused: an empty object of the kind
/// (no allocation), which every reader can read safely. A stale id (a value someone
/// forgot to keep alive) therefore never reads freed memory, even on the interpreter's
/// unchecked hot paths; the checked reads still refuse it.
pub trait Vacant {
    fn vacant() -> Self;
}

struct Slot<T> {
    used: bool,
    value: T,
}

pub struct Arena<T> {
    slots: Vec<Slot<T>>,
    marks: Vec<bool>,
    /// The free slots below `end`, highest first, so that new objects take the lowest
    /// and the live ones gather at the start of the arena.
    free: Vec<u32>,
    /// Slots from here on have held no object since the last sweep, which visits only
    /// the slots below: an arena keeps the size of its busiest cycle, and in a shorter
    /// one most of it is free (promise.nut: two thirds of the slots a sweep visited).
    end: usize,
    live: usize,
    /// Whether freed slots are given to new objects. Off under GC stress, so a stale id
    /// keeps naming a vacant slot and its next checked use is caught.
    reuse: bool,
    /// Set when the slots handed out reach `crowd_mark`, seven eighths of a large slot
    /// vector, with no freed slot left: the next growth would reallocate the vector
    /// whole, so the heap collects first, and the garbage's slots serve instead
    /// (recursion.nut: a round's garbage took the table arena past 32,768 slots, and
    /// its peak to 10.5 MB where the reference's is 10.1; it is 8.5 MB now). See
    /// `take_crowded`.
    crowded: bool,
    /// From where a slot handed out past the freed ones sets `crowded`; `usize::MAX`
    /// while the vector is small, or survivors fill three quarters of it (growing is
    /// then right, and collecting again would free little), or once it was set. Set
    /// again by each sweep and growth.
    crowd_mark: usize,
}

/// Slot vectors smaller than this grow without a collection first: their growth
/// costs little, and a small program should not collect for it (from 4,096 slots,
/// promise.nut ran 4.4% more instructions; from 16,384, 1.3%).
const CROWDED_FROM: usize = 16384;

/// `crowd_mark` for a slot vector of `capacity` holding `live` objects.
fn crowd_mark(capacity: usize, live: usize) -> usize {
    if capacity < CROWDED_FROM || live > capacity - capacity / 4 {
        return usize::MAX;
    }
    capacity - capacity / 8
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            slots: Vec::new(),
            marks: Vec::new(),
            free: Vec::new(),
            end: 0,
            live: 0,
            reuse: true,
            crowded: false,
            crowd_mark: usize::MAX,
        }
    }
}

impl<T: Vacant> Arena<T> {
    #[inline]
    pub fn insert(&mut self, value: T) -> u32 {
        self.live += 1;
        if let Some(i) = self.free_slot() {
            self.slots[i as usize] = Slot { used: true, value };
            i
        } else {
            let capacity = self.slots.capacity();
            self.slots.push(Slot { used: true, value });
            self.grown(capacity)
        }
    }

    /// After a push of a new slot onto a vector of `capacity` before: its id and mark,
    /// and the crowd mark of a vector that grew.
    #[inline(always)]
    fn grown(&mut self, capacity: usize) -> u32 {
        self.marks.push(false);
        self.end = self.slots.len();
        if self.slots.capacity() != capacity {
            self.crowd_mark = crowd_mark(self.slots.capacity(), self.live);
        }
        self.note_end();
        (self.end - 1) as u32
    }

    /// A slot past the freed ones was handed out: sets `crowded` if that is past the
    /// crowd mark, once until the next sweep or growth.
    #[inline(always)]
    fn note_end(&mut self) {
        if self.end >= self.crowd_mark {
            self.crowded = true;
            self.crowd_mark = usize::MAX;
        }
    }

    /// Whether the arena became crowded since the last call (see `crowded`).
    #[inline(always)]
    pub fn take_crowded(&mut self) -> bool {
        if !self.crowded {
            return false;
        }
        self.crowded = false;
        true
    }

    /// The lowest free slot, if the arena has one.
    #[inline(always)]
    fn free_slot(&mut self) -> Option<u32> {
        if let Some(i) = self.free.pop() {
            return Some(i);
        }
        if self.end < self.slots.len() {
            self.end += 1;
            self.note_end();
            return Some((self.end - 1) as u32);
        }
        None
    }

    /// `insert` for an object that `init` makes out of the vacant object of a free (or
    /// new) slot, in place: nothing is built elsewhere and moved in, and no vacant
    /// object is dropped. `init` must set every part that the vacant object does not
    /// already hold as the new object needs it.
    #[inline]
    pub fn insert_with(&mut self, init: impl FnOnce(&mut T)) -> u32 {
        self.live += 1;
        let i = match self.free_slot() {
            Some(i) => i,
            None => {
                let capacity = self.slots.capacity();
                self.slots.push(Slot { used: false, value: T::vacant() });
                self.grown(capacity)
            }
        };
        let slot = &mut self.slots[i as usize];
        slot.used = true;
        init(&mut slot.value);
        i
    }

    #[inline(always)]
    pub fn get(&self, i: u32) -> &T {
        match self.slots.get(i as usize) {
            Some(Slot { used: true, value }) => value,
            _ => dangling(),
        }
    }

    #[inline(always)]
    pub fn get_mut(&mut self, i: u32) -> &mut T {
        match self.slots.get_mut(i as usize) {
            Some(Slot { used: true, value }) => value,
            _ => dangling(),
        }
    }

    /// Object `i` without checks, for the interpreter's hottest reads (ids from
    /// registers, the running closure and its outers). A freed slot reads as its
    /// vacant object, which the hot paths' own checks (a cached node or field index, a
    /// prototype's arity) send to the general path, whose checked read refuses it.
    #[inline(always)]
    pub fn get_live(&self, i: u32) -> &T {
        debug_assert!(self.try_get(i).is_some(), "access to a collected object");
        // SAFETY: ids are made only by `insert` (the id types' fields are private to the
        // crate), `slots` never shrinks, and the VM admits no value from elsewhere (see
        // `Heap::owns`; tests/embedding_safety.rs), so every id it reads is in bounds.
        &unsafe { self.slots.get_unchecked(i as usize) }.value
    }

    /// `get_live`, mutably.
    #[inline(always)]
    pub fn get_live_mut(&mut self, i: u32) -> &mut T {
        debug_assert!(self.try_get(i).is_some(), "access to a collected object");
        // SAFETY: as for `get_live`.
        &mut unsafe { self.slots.get_unchecked_mut(i as usize) }.value
    }

    /// Whether `i` is an id this arena gave out (its object may since be freed).
    #[inline]
    pub fn has_slot(&self, i: u32) -> bool {
        (i as usize) < self.slots.len()
    }

    pub fn try_get(&self, i: u32) -> Option<&T> {
        self.slots.get(i as usize).filter(|s| s.used).map(|s| &s.value)
    }

    /// Sets the mark bit; returns true if it was not set before (first visit).
    #[inline]
    pub fn mark(&mut self, i: u32) -> bool {
        match self.marks.get_mut(i as usize) {
            Some(m) if !*m => {
                *m = true;
                true
            }
            _ => false,
        }
    }

    pub fn is_marked(&self, i: u32) -> bool {
        self.marks.get(i as usize).copied().unwrap_or(false)
    }

    /// Whether freed slots are reused (see the field).
    pub fn set_reuse(&mut self, reuse: bool) {
        self.reuse = reuse;
        if !reuse {
            self.free.clear();
            self.end = self.slots.len();
        }
    }

    /// Frees every unmarked object (calling `on_free` with its id and value first) and
    /// clears the marks of the survivors. The free slots above the last survivor become
    /// the new `end`'s, the others the free list.
    pub fn sweep(&mut self, mut on_free: impl FnMut(u32, T)) {
        // Only a stale id could have marked a slot at or past `end`, which is free.
        self.marks[self.end..].fill(false);
        self.free.clear();
        let mut end = 0;
        // Downwards, so the free list comes out highest first. Zipped, not indexed:
        // `marks` has one entry per slot.
        let visited = self.slots[..self.end].iter_mut().zip(&mut self.marks[..self.end]);
        for (i, (slot, mark)) in visited.enumerate().rev() {
            if *mark {
                *mark = false;
                end = end.max(i + 1);
                continue;
            }
            if slot.used {
                slot.used = false;
                let v = std::mem::replace(&mut slot.value, T::vacant());
                self.live -= 1;
                on_free(i as u32, v);
            }
            if end > 0 {
                self.free.push(i as u32);
            }
        }
        // Without reuse, no freed slot is given out again: new objects go past the last.
        if self.reuse {
            self.end = end;
        } else {
            self.free.clear();
        }
        self.crowd_mark = crowd_mark(self.slots.capacity(), self.live);
    }

    pub fn live(&self) -> usize {
        self.live
    }

    /// A copy with the same ids, free slots and room, each object copied by `copy` (see
    /// `Heap::replica`). Marks are clear between collections, so the copy's are too.
    pub fn replica(&self, copy: impl Fn(&T) -> T) -> Arena<T> {
        debug_assert!(!self.marks.contains(&true), "copied between collections");
        let mut slots = Vec::with_capacity(self.slots.capacity());
        slots.extend(
            self.slots.iter().map(|s| Slot { used: s.used, value: if s.used { copy(&s.value) } else { T::vacant() } }),
        );
        Arena {
            slots,
            marks: with_room(&self.marks),
            free: with_room(&self.free),
            end: self.end,
            live: self.live,
            reuse: self.reuse,
            crowded: self.crowded,
            crowd_mark: self.crowd_mark,
        }
    }

    /// Bytes held for objects that are not there: freed slots and spare capacity, which
    /// new objects reuse before the arena grows.
    pub fn reusable_bytes(&self) -> usize {
        let slot = std::mem::size_of::<Slot<T>>() + std::mem::size_of::<bool>();
        (self.slots.capacity() - self.live) * slot + self.free.capacity() * std::mem::size_of::<u32>()
    }

    /// Ids of all live objects.
    pub fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots.iter().enumerate().filter(|(_, s)| s.used).map(|(i, _)| i as u32)
    }

    /// All live objects.
    pub fn values(&self) -> impl Iterator<Item = &T> + '_ {
        self.slots.iter().filter(|s| s.used).map(|s| &s.value)
    }
}

/// `v` copied with as much room as `v` has: what a heap holds counts its objects' room
/// (the imp footprint an array's, memory limits an arena's spare slots).
pub(crate) fn with_room<T: Clone>(v: &Vec<T>) -> Vec<T> {
    let mut copy = Vec::with_capacity(v.capacity());
    copy.extend_from_slice(v);
    copy
}

#[cold]
#[inline(never)]
fn dangling() -> ! {
    panic!("impish-vm internal error: access to a collected object")
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Vacant for &'static str {
        fn vacant() -> Self {
            ""
        }
    }

    #[test]
    fn a_large_arena_is_crowded_before_it_reallocates() {
        let mut a = Arena::default();
        let mut crowded_at = vec![];
        for i in 0..4 * CROWDED_FROM {
            a.insert("x");
            if a.take_crowded() {
                crowded_at.push((i + 1, a.slots.capacity()));
            }
        }
        // Growing from empty: a collection is due once per capacity, at seven eighths.
        assert!(!crowded_at.is_empty());
        for &(len, capacity) in &crowded_at {
            assert!(capacity >= CROWDED_FROM);
            assert_eq!(len, capacity - capacity / 8);
        }
        let capacities: Vec<usize> = crowded_at.iter().map(|c| c.1).collect();
        assert!(capacities.windows(2).all(|w| w[0] < w[1]), "once per capacity: {capacities:?}");
        crowded_at.clear();
        // Half freed: the slots fill again, and at seven eighths a collection is due,
        // once, before the vector reallocates.
        let capacity = a.slots.capacity();
        (0..a.slots.len() as u32).step_by(2).for_each(|i| {
            a.mark(i);
        });
        a.sweep(|_, _| {});
        let mut n = 0;
        while a.slots.capacity() == capacity {
            a.insert("y");
            n += 1;
            if a.take_crowded() {
                crowded_at.push((n, a.slots.capacity()));
                assert!(a.free.is_empty(), "the freed slots were used first");
                assert!(a.end >= capacity - capacity / 8);
            }
        }
        assert_eq!(crowded_at, [(capacity / 2, capacity)], "once, at the first slot past the freed ones");
        assert!(!a.take_crowded(), "taken");
    }

    #[test]
    fn a_small_arena_is_never_crowded() {
        let mut a = Arena::default();
        for _ in 0..CROWDED_FROM / 2 {
            a.insert("x");
        }
        a.sweep(|_, _| {});
        for _ in 0..CROWDED_FROM / 2 {
            a.insert("y");
            assert!(!a.take_crowded());
        }
    }

    #[test]
    fn sweep_frees_unmarked_and_reuses_ids() {
        let mut a = Arena::default();
        let x = a.insert("x");
        let y = a.insert("y");
        a.mark(x);
        let mut freed = vec![];
        a.sweep(|i, v| freed.push((i, v)));
        assert_eq!(freed, vec![(y, "y")]);
        assert_eq!(*a.get(x), "x");
        assert_eq!(a.insert("z"), y);
        assert_eq!(a.live(), 2);
    }

    #[test]
    fn insert_with_starts_from_the_vacant_object_of_a_free_or_new_slot() {
        let mut a = Arena::default();
        let x = a.insert_with(|v: &mut &str| {
            assert_eq!(*v, "", "a new slot holds the vacant object");
            *v = "x";
        });
        a.sweep(|_, _| {});
        let y = a.insert_with(|v| {
            assert_eq!(*v, "", "a freed slot holds the vacant object");
            *v = "y";
        });
        assert_eq!(y, x, "the freed slot is reused");
        assert_eq!(*a.get(y), "y");
        assert_eq!(a.live(), 1);
    }

    #[test]
    fn a_freed_slot_holds_the_vacant_object() {
        let mut a = Arena::default();
        let x = a.insert("x");
        let mut freed = vec![];
        a.sweep(|_, v| freed.push(v));
        assert_eq!(freed, ["x"], "the object itself goes to on_free");
        assert_eq!(a.slots[x as usize].value, "", "its slot keeps the vacant one");
        assert!(!a.slots[x as usize].used);
    }

    #[test]
    fn without_reuse_a_freed_id_stays_empty() {
        let mut a = Arena::default();
        a.set_reuse(false);
        let x = a.insert("x");
        a.sweep(|_, _| {});
        let y = a.insert("y");
        assert_ne!(x, y);
        assert!(a.try_get(x).is_none());
        assert_eq!(*a.get(y), "y");
    }
}
