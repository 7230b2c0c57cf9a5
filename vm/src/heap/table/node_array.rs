//! A hash array (a table's nodes, the intern table's slots), aligned to the node size
//! when it is large, and to a huge page when it is very large.
//!
//! A node is 32 bytes; at a 32-byte boundary it never straddles two cache lines, so a
//! lookup in a table too big for the cache waits on one memory load. `Vec` aligns only
//! to the type's alignment, and a 32-aligned type would make every small table an
//! aligned allocation, which costs the allocator about four times a plain one
//! (recursion.nut: +5% instructions) for nodes that share a line or two anyway. So the
//! alignment depends on the length, and this array allocates itself.
//!
//! An array of 2 MiB or more is placed on huge-page boundaries and the kernel is asked
//! to back it with huge pages (Linux's transparent huge pages, which are commonly
//! enabled on request only). Such an array is written whole when made and then read at
//! random: in 4 KiB pages every page costs a fault when filled (tables.nut took 12,100
//! faults, a fifth of its time in the kernel) and lookups miss the TLB; a huge page
//! faults once per 2 MiB.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

/// From this many nodes on, arrays are aligned to whole nodes.
const ALIGNED_FROM: usize = 64;

/// From this many bytes on (one huge page), arrays are aligned to huge pages and
/// advised to use them.
const HUGE_PAGE: usize = 2 << 20;

pub(in crate::heap) struct NodeArray<T: Copy> {
    ptr: NonNull<T>,
    len: usize,
}

impl<T: Copy> NodeArray<T> {
    /// An array of no nodes (a freed table's), which allocates nothing.
    pub(in crate::heap) const fn empty() -> Self {
        NodeArray { ptr: NonNull::dangling(), len: 0 }
    }

    /// `len` copies of `node`.
    pub(in crate::heap) fn filled(len: usize, node: T) -> Self {
        if len == 0 {
            return Self::empty();
        }
        let layout = Self::layout(len);
        // SAFETY: the layout's size is non-zero (`len > 0`, and a node is not zero-sized:
        // `layout` asserts it).
        let raw = unsafe { alloc(layout) }.cast::<T>();
        let Some(ptr) = NonNull::new(raw) else { handle_alloc_error(layout) };
        debug_assert_eq!(raw as usize % layout.align(), 0, "the allocator honours the layout");
        if layout.size() >= HUGE_PAGE {
            advise_huge_pages(raw.cast(), layout.size());
        }
        for i in 0..len {
            // SAFETY: `i < len`, inside the allocation just made for `len` nodes.
            unsafe { ptr.add(i).write(node) };
        }
        NodeArray { ptr, len }
    }

    /// The layout of an array of `len` nodes: a plain one while small, aligned to the
    /// node size (a power of two) from `ALIGNED_FROM` nodes on, and to a huge page
    /// from `HUGE_PAGE` bytes on. A pure function of `len`, so `drop` finds the layout
    /// `filled` used.
    fn layout(len: usize) -> Layout {
        let plain = Layout::array::<T>(len).expect("a node array fits the address space");
        debug_assert!(size_of::<T>() > 0 && size_of::<T>().is_power_of_two());
        if plain.size() >= HUGE_PAGE {
            plain.align_to(HUGE_PAGE).expect("a huge page is a power of two")
        } else if len >= ALIGNED_FROM {
            plain.align_to(size_of::<T>()).expect("a node's size is a power of two")
        } else {
            plain
        }
    }
}

/// Asks the kernel to back `len` bytes at `ptr` (an allocation aligned to a huge page)
/// with huge pages. Only advice: where they are unavailable nothing changes.
#[cfg(target_os = "linux")]
fn advise_huge_pages(ptr: *mut u8, len: usize) {
    debug_assert_eq!(ptr as usize % HUGE_PAGE, 0, "a huge-page array starts on a huge page");
    // SAFETY: the range is one allocation this array owns (page-aligned, as `madvise`
    // requires), and MADV_HUGEPAGE changes how its pages are backed, never what they
    // hold. The result is ignored: the advice may be refused.
    unsafe { libc::madvise(ptr.cast(), len, libc::MADV_HUGEPAGE) };
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_: *mut u8, _: usize) {}

impl<T: Copy> Deref for NodeArray<T> {
    type Target = [T];

    #[inline(always)]
    fn deref(&self) -> &[T] {
        // SAFETY: `ptr` holds `len` initialised nodes (`filled`), or is dangling and
        // aligned with `len == 0`; the array owns them, so no `&mut` aliases them.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Copy> DerefMut for NodeArray<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as in `deref`, and `&mut self` makes this the only reference.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Copy> Clone for NodeArray<T> {
    fn clone(&self) -> Self {
        let Some(&first) = self.first() else { return Self::empty() };
        let mut copy = Self::filled(self.len, first);
        copy.copy_from_slice(self);
        copy
    }
}

impl<T: Copy> Drop for NodeArray<T> {
    fn drop(&mut self) {
        if self.len > 0 {
            // SAFETY: `filled` allocated `ptr` with this layout (a function of `len`,
            // which never changes), and nodes are `Copy`, so there is nothing to drop.
            unsafe { dealloc(self.ptr.as_ptr().cast(), Self::layout(self.len)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_arrays_are_aligned_to_the_node_size_and_copies_are_equal() {
        #[derive(Clone, Copy, PartialEq, Debug)]
        struct Node([u64; 4]);
        let huge = HUGE_PAGE / size_of::<Node>();
        for len in [0, 1, 4, ALIGNED_FROM - 1, ALIGNED_FROM, 4096, 40_000, huge - 1, huge, 3 * huge] {
            let mut a = NodeArray::filled(len, Node([7; 4]));
            assert_eq!(a.len(), len);
            if len >= ALIGNED_FROM {
                assert_eq!(a.as_ptr() as usize % 32, 0, "{len} nodes");
            }
            if len >= huge {
                assert_eq!(a.as_ptr() as usize % HUGE_PAGE, 0, "{len} nodes");
            }
            if let Some(last) = a.last_mut() {
                last.0[3] = 9;
            }
            let b = a.clone();
            assert_eq!(&a[..], &b[..]);
            assert!(len == 0 || b[len - 1] == Node([7, 7, 7, 9]));
        }
    }
}
