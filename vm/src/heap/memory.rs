//! Byte-exact memory accounting: a global allocator that counts live bytes per thread.
//!
//! Objects grow behind the collector's back (an array's `push`, a table's rehash, a
//! blob's `writen`), so counting objects says little about bytes. Counting at the
//! allocator sees every byte, at the cost of one thread-local add per allocation. A VM
//! runs on one thread, and [`crate::interpreter::meter`] attributes a thread's bytes to the VM that
//! was running when they were allocated or freed.
//!
//! A program opts in by installing the allocator:
//!
//! ```
//! #[global_allocator]
//! static ALLOCATOR: impish_vm::memory::CountingAllocator = impish_vm::memory::CountingAllocator;
//! ```
//!
//! Without it, [`is_counting`] is false and memory limits cannot be enforced.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting this thread's live and peak bytes.
pub struct CountingAllocator;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    /// Net bytes allocated inside [`unmetered`] sections, and how deep they nest.
    static HOST: Cell<usize> = const { Cell::new(0) };
    static HOST_DEPTH: Cell<u32> = const { Cell::new(0) };
}

fn in_host_section() -> bool {
    HOST_DEPTH.try_with(|d| d.get() > 0).unwrap_or(false)
}

#[inline]
fn grew(bytes: usize) {
    // `try_with`: allocations made while the thread's locals are being torn down are
    // not counted, rather than aborting.
    let _ = LIVE.try_with(|live| {
        let now = live.get().wrapping_add(bytes);
        live.set(now);
        if now <= isize::MAX as usize {
            let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
        }
        let _ = COUNTING.try_with(|c| c.set(true));
    });
    if in_host_section() {
        let _ = HOST.try_with(|h| h.set(h.get().wrapping_add(bytes)));
    }
}

#[inline]
fn shrank(bytes: usize) {
    // Memory allocated on another thread and freed here wraps below zero; `live_bytes`
    // clamps, so such transfers never report absurd figures.
    let _ = LIVE.try_with(|live| live.set(live.get().wrapping_sub(bytes)));
    if in_host_section() {
        let _ = HOST.try_with(|h| h.set(h.get().wrapping_sub(bytes)));
    }
}

// SAFETY: every call forwards to `System` with the caller's layout; the counters are
// plain thread-locals that never allocate.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc`'s contract, which `System` shares.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc`'s contract, which `System` shares.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc`'s contract, which `System` shares.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc`'s contract, which `System` shares.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            shrank(layout.size());
            grew(new_size);
        }
        p
    }
}

/// Whether [`CountingAllocator`] is this program's global allocator (and has seen an
/// allocation on this thread).
pub fn is_counting() -> bool {
    COUNTING.try_with(Cell::get).unwrap_or(false)
}

/// The raw (wrapping) live count, for differences between two readings.
pub(crate) fn live_raw() -> usize {
    LIVE.try_with(Cell::get).unwrap_or(0)
}

/// Bytes allocated on this thread and not yet freed (0 when not counting).
pub fn live_bytes() -> usize {
    let live = live_raw();
    // See `shrank`: a net negative count means "nothing of ours is live".
    if live > isize::MAX as usize {
        0
    } else {
        live
    }
}

/// The highest [`live_bytes`] since the last [`reset_peak`].
pub fn peak_bytes() -> usize {
    PEAK.try_with(Cell::get).unwrap_or(0)
}

/// Starts a new peak measurement from the current live bytes.
pub fn reset_peak() {
    let now = live_bytes();
    let _ = PEAK.try_with(|peak| peak.set(now));
}

/// Runs `f` as the host's work, not the running script's: what it allocates (an imp's
/// log lines, a pin's recorded trace) does not count against a VM's memory.
pub fn unmetered<R>(f: impl FnOnce() -> R) -> R {
    let _ = HOST_DEPTH.try_with(|d| d.set(d.get() + 1));
    let r = f();
    let _ = HOST_DEPTH.try_with(|d| d.set(d.get() - 1));
    r
}

/// Net bytes allocated inside [`unmetered`] sections so far (wrapping: compare two
/// readings with `wrapping_sub`).
pub fn host_bytes() -> usize {
    HOST.try_with(Cell::get).unwrap_or(0)
}
