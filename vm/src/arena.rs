//! A typed arena: objects of one kind addressed by `u32` ids, with a free list and
//! mark bits for the collector.
//!
//! Ids stay valid for as long as the object is reachable; the collector only frees
//! unmarked slots, so a live value never sees its id reused.

pub struct Arena<T> {
    slots: Vec<Option<T>>,
    marks: Vec<bool>,
    free: Vec<u32>,
    live: usize,
    /// Whether freed slots are given to new objects. Off under GC stress, so a stale id
    /// keeps naming an empty slot and its next use is caught.
    reuse: bool,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena { slots: Vec::new(), marks: Vec::new(), free: Vec::new(), live: 0, reuse: true }
    }
}

impl<T> Arena<T> {
    pub fn insert(&mut self, value: T) -> u32 {
        self.live += 1;
        if let Some(i) = self.free.pop() {
            self.slots[i as usize] = Some(value);
            i
        } else {
            self.slots.push(Some(value));
            self.marks.push(false);
            (self.slots.len() - 1) as u32
        }
    }

    #[inline(always)]
    pub fn get(&self, i: u32) -> &T {
        match self.slots.get(i as usize) {
            Some(Some(v)) => v,
            _ => dangling(),
        }
    }

    #[inline(always)]
    pub fn get_mut(&mut self, i: u32) -> &mut T {
        match self.slots.get_mut(i as usize) {
            Some(Some(v)) => v,
            _ => dangling(),
        }
    }

    /// Object `i`, for the interpreter's hottest reads of ids from registers: without
    /// the bounds check, which no id needs, but `None` for an empty slot, so a stale id
    /// (a value someone forgot to keep alive) sends the caller to its general path,
    /// whose checked read makes it a caught internal error: never a read of freed
    /// memory. Callers fold the `None` into the miss branch they have anyway.
    #[inline(always)]
    pub fn get_live(&self, i: u32) -> Option<&T> {
        debug_assert!(self.has_slot(i), "an id this arena never gave out");
        // SAFETY: ids are made only by `insert` (the id types' fields are private to the
        // crate), `slots` never shrinks, and the VM admits no value from elsewhere (see
        // `Heap::owns`), so every id it reads is in bounds.
        unsafe { self.slots.get_unchecked(i as usize) }.as_ref()
    }

    /// `get_live`, mutably.
    #[inline(always)]
    pub fn get_live_mut(&mut self, i: u32) -> Option<&mut T> {
        debug_assert!(self.has_slot(i), "an id this arena never gave out");
        // SAFETY: as for `get_live`.
        unsafe { self.slots.get_unchecked_mut(i as usize) }.as_mut()
    }

    /// Object `i` without the checks, for the interpreter's reads of what the running
    /// frame itself keeps alive (its closure, that closure's outers). Ids read from
    /// registers or containers go through the checked `get`: a stale id there is a
    /// caught internal error, never a read of freed memory.
    ///
    /// # Safety
    /// `i` must name a live object: one the collector has not freed.
    #[inline(always)]
    pub unsafe fn get_unchecked(&self, i: u32) -> &T {
        debug_assert!(self.try_get(i).is_some(), "access to a collected object");
        // SAFETY: the caller guarantees slot `i` exists and holds an object.
        unsafe { self.slots.get_unchecked(i as usize).as_ref().unwrap_unchecked() }
    }

    /// `get_unchecked`, mutably.
    ///
    /// # Safety
    /// As for `get_unchecked`.
    #[inline(always)]
    pub unsafe fn get_unchecked_mut(&mut self, i: u32) -> &mut T {
        debug_assert!(self.try_get(i).is_some(), "access to a collected object");
        // SAFETY: as for `get_unchecked`.
        unsafe { self.slots.get_unchecked_mut(i as usize).as_mut().unwrap_unchecked() }
    }

    /// Whether `i` is an id this arena gave out (its object may since be freed).
    #[inline]
    pub fn has_slot(&self, i: u32) -> bool {
        (i as usize) < self.slots.len()
    }

    pub fn try_get(&self, i: u32) -> Option<&T> {
        self.slots.get(i as usize).and_then(|s| s.as_ref())
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
    }

    /// Frees every unmarked object (calling `on_free` with its id and value first) and
    /// clears the marks of the survivors.
    pub fn sweep(&mut self, mut on_free: impl FnMut(u32, T)) {
        for i in 0..self.slots.len() {
            if self.marks[i] {
                self.marks[i] = false;
            } else if let Some(v) = self.slots[i].take() {
                self.live -= 1;
                if self.reuse {
                    self.free.push(i as u32);
                }
                on_free(i as u32, v);
            }
        }
    }

    pub fn live(&self) -> usize {
        self.live
    }

    /// Bytes held for objects that are not there: freed slots and spare capacity, which
    /// new objects reuse before the arena grows.
    pub fn reusable_bytes(&self) -> usize {
        let slot = std::mem::size_of::<Option<T>>() + std::mem::size_of::<bool>();
        (self.slots.capacity() - self.live) * slot + self.free.capacity() * std::mem::size_of::<u32>()
    }

    /// Ids of all live objects.
    pub fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots.iter().enumerate().filter(|(_, s)| s.is_some()).map(|(i, _)| i as u32)
    }
}

#[cold]
#[inline(never)]
fn dangling() -> ! {
    panic!("impish-vm internal error: access to a collected object")
}

#[cfg(test)]
mod tests {
    use super::*;

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
