//! A table's node array, aligned to the node size when it is large.
//!
//! A node is 32 bytes; at a 32-byte boundary it never straddles two cache lines, so a
//! lookup in a table too big for the cache waits on one memory load. `Vec` aligns only
//! to the type's alignment, and a 32-aligned type would make every small table an
//! aligned allocation, which costs the allocator about four times a plain one
//! (recursion.nut: +5% instructions) for nodes that share a line or two anyway. So the
//! alignment depends on the length, and this array allocates itself.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

/// From this many nodes on, arrays are aligned to whole nodes.
const ALIGNED_FROM: usize = 64;

pub(super) struct NodeArray<T: Copy> {
    ptr: NonNull<T>,
    len: usize,
}

impl<T: Copy> NodeArray<T> {
    /// An array of no nodes (a freed table's), which allocates nothing.
    pub(super) const fn empty() -> Self {
        NodeArray { ptr: NonNull::dangling(), len: 0 }
    }

    /// `len` copies of `node`.
    pub(super) fn filled(len: usize, node: T) -> Self {
        if len == 0 {
            return Self::empty();
        }
        let layout = Self::layout(len);
        // SAFETY: the layout's size is non-zero (`len > 0`, and a node is not zero-sized:
        // `layout` asserts it).
        let raw = unsafe { alloc(layout) }.cast::<T>();
        let Some(ptr) = NonNull::new(raw) else { handle_alloc_error(layout) };
        debug_assert_eq!(raw as usize % layout.align(), 0, "the allocator honours the layout");
        for i in 0..len {
            // SAFETY: `i < len`, inside the allocation just made for `len` nodes.
            unsafe { ptr.add(i).write(node) };
        }
        NodeArray { ptr, len }
    }

    /// The layout of an array of `len` nodes: a plain one while small, aligned to the
    /// node size (a power of two) from `ALIGNED_FROM` nodes on. A pure function of
    /// `len`, so `drop` finds the layout `filled` used.
    fn layout(len: usize) -> Layout {
        let plain = Layout::array::<T>(len).expect("a node array fits the address space");
        debug_assert!(size_of::<T>() > 0 && size_of::<T>().is_power_of_two());
        if len >= ALIGNED_FROM {
            plain.align_to(size_of::<T>()).expect("a node's size is a power of two")
        } else {
            plain
        }
    }
}

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
        for len in [0, 1, 4, ALIGNED_FROM - 1, ALIGNED_FROM, 4096, 40_000] {
            let mut a = NodeArray::filled(len, Node([7; 4]));
            assert_eq!(a.len(), len);
            if len >= ALIGNED_FROM {
                assert_eq!(a.as_ptr() as usize % 32, 0, "{len} nodes");
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
