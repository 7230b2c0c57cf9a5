//! What the objects of a VM would take on an imp: the imp profile's memory accounting.
//!
//! impish's values are 16 bytes and its pointers 8, where the imp's Squirrel (3.0.4 on
//! a 32-bit ARM) has 8-byte object slots and 4-byte pointers, so the bytes impish
//! allocates run about three times what the same firmware holds on an imp. A memory
//! limit set to an imp's free memory must count the imp's bytes instead, so under the
//! imp profile the accounting walks the live objects and sums what each would take
//! there, by kind, with the sizes below.
//!
//! Structure sizes are `sizeof` of Squirrel 3.0.4's structures (the release the imp's
//! Squirrel is based on) built for a 32-bit target (`g++ -m32` over its headers, on a
//! scratch copy of the 3.0.4 release), the same for every structure here as 3.2's; how
//! each object allocates follows that source (a table's node array of at least four, a
//! string's bytes after its header, a closure's trailing outers and defaults, an
//! instance's trailing fields) [V for 3.0.4 on i386; the imp's 32-bit ARM lays out
//! these 4-byte-aligned structures alike (inferred), and Electric Imp's own changes to
//! them are unknown].
//! The imp's allocator is undocumented: each allocation is modelled as its size
//! rounded up to 8 bytes plus a 4-byte header, as in common embedded allocators [U].
//!
//! The compiled program is not in that memory. Electric Imp's engineers describe the
//! device's code as a packed bytecode image in its own "program storage" (128 kB on
//! the imp001/002, 256 kB on later imps; on-die flash, except on the imp005, which has
//! none and copies the image into a reserved part of its RAM), measured apart from free
//! memory, and string literals as counting against that storage [P: Electric Imp
//! forums, "Best practices to reduce program storage" and "SPI Flash - Code
//! Allocation"]. So function prototypes (instructions, constants, line and variable
//! tables) and the strings they name count nothing here (nor is the program storage
//! limit enforced); the closures, classes, tables and other objects the program makes
//! when it runs do. Real imp001s ran Electric Imp's LIS3DH and HTS221 test suites in
//! their 85 KB: counted so, impUnit, Promise, the library and the tests take about
//! 24 KB at their peak, where counting the code too ran out of memory before a test.
//! Not counted either, as the imp's free-memory figure already excludes them: the VM's
//! own stack and the platform's API objects (see `Vm::set_memory_baseline`).

use std::any::{Any, TypeId};
use std::collections::HashSet;
use std::rc::Rc;

use crate::compiler::bytecode::Proto;
use crate::heap::value::{StrId, Value};
use crate::heap::Heap;
use crate::interpreter::frame::ExecState;

/// An object slot (`SQObjectPtr`: type tag and value).
pub(crate) const VALUE: usize = 8;
const POINTER: usize = 4;

// `sizeof` of Squirrel 3.0.4's structures on a 32-bit build.
const STRING: usize = 32; // SQString, including the terminating NUL
const TABLE: usize = 44; // SQTable
const TABLE_NODE: usize = 20; // SQTable::_HashNode: key, value, next
const ARRAY: usize = 36; // SQArray
const CLOSURE: usize = 44; // SQClosure, then outers and default values
const NATIVE: usize = 64; // SQNativeClosure, then free variables
const OUTER: usize = 44; // SQOuter
const GENERATOR: usize = 104; // SQGenerator
const CALL_INFO: usize = 44; // SQVM::CallInfo, one per frame of a suspended stack
const THREAD: usize = 168; // SQVM
const CLASS: usize = 228; // SQClass, its 18 metamethod slots included
const CLASS_MEMBER: usize = 16; // SQClassMember: value and attributes
const INSTANCE: usize = 52; // SQInstance, its first field included
const USERDATA: usize = 40; // SQUserData
const WEAKREF: usize = 20; // SQWeakRef
/// A blob's stream object (`SQBlob`), the native data of every blob instance.
pub const BLOB: usize = 24;

/// Allocator granule and per-allocation header [U].
const GRANULE: usize = 8;
const HEADER: usize = 4;

/// The bound `Vm::reserve` relies on between two walks: no object costs the imp more
/// than this many times the bytes impish's heap grows by when it is made or grown
/// (checked per kind in tests/memory.rs; captured variables, at about 1.6, come
/// closest). The tighter it is, the less often a VM near its limit collects.
pub const GROWTH_RATIO: usize = 2;

/// One allocation of `n` bytes on the imp.
pub const fn block(n: usize) -> usize {
    n.next_multiple_of(GRANULE) + HEADER
}

/// How many imp bytes native data of one type takes (see `Vm::set_payload_size`).
pub(crate) type PayloadSize = Rc<dyn Fn(&dyn Any) -> usize>;

/// The imp sizes of the native data types that registered one. Data of other types
/// counts as nothing beyond the object holding it.
#[derive(Default, Clone)]
pub(crate) struct Payloads(Vec<(TypeId, PayloadSize)>);

impl Payloads {
    pub(crate) fn set<T: Any>(&mut self, size: fn(&T) -> usize) {
        let id = TypeId::of::<T>();
        self.0.retain(|(t, _)| *t != id);
        self.0.push((id, Rc::new(move |data| data.downcast_ref::<T>().map_or(0, size))));
    }

    fn size(&self, data: &dyn Any) -> usize {
        let id = data.type_id();
        self.0.iter().find(|(t, _)| *t == id).map_or(0, |(_, size)| size(data))
    }
}

fn table(nodes: usize) -> usize {
    block(TABLE) + block(TABLE_NODE * nodes)
}

/// A vector of `n` items of `size` bytes: one allocation, none when empty.
fn vector(n: usize, size: usize) -> usize {
    if n == 0 {
        0
    } else {
        block(n * size)
    }
}

/// A suspended stack: its slots and a call record per frame.
fn stack(ex: &ExecState) -> usize {
    vector(ex.live().len(), VALUE) + vector(ex.frames.len(), CALL_INFO)
}

/// A set of strings, one bit per string id: ids are dense arena indices, so building
/// and probing it costs a shift and a mask where a hash set hashes every id.
#[derive(Default, Clone)]
pub(crate) struct StrSet(Vec<u64>);

impl StrSet {
    pub(crate) fn insert(&mut self, id: StrId) {
        let (word, bit) = (id.0 as usize / 64, id.0 % 64);
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
    }

    pub(crate) fn contains(&self, id: StrId) -> bool {
        self.0.get(id.0 as usize / 64).is_some_and(|w| w & (1 << (id.0 % 64)) != 0)
    }
}

impl Extend<StrId> for StrSet {
    fn extend<I: IntoIterator<Item = StrId>>(&mut self, ids: I) {
        ids.into_iter().for_each(|id| self.insert(id));
    }
}

impl FromIterator<StrId> for StrSet {
    fn from_iter<I: IntoIterator<Item = StrId>>(ids: I) -> StrSet {
        let mut set = StrSet::default();
        set.extend(ids);
        set
    }
}

/// The strings a prototype names, which live in the program image with it: its
/// literals, its name and file, and its parameter and variable names.
fn program_strings(p: &Proto, into: &mut StrSet) {
    let values = [p.name, p.source].into_iter().chain(p.consts.iter().copied()).chain(p.files.iter().map(|f| f.1));
    into.extend(values.filter_map(|v| match v {
        Value::Str(s) => Some(s),
        _ => None,
    }));
    into.extend(p.params.iter().chain(&p.outer_names).copied().chain(p.locals.iter().map(|l| l.name)));
}

impl Heap {
    /// The strings held now: at the baseline, the platform's (see `imp_footprint`).
    pub(crate) fn held_strings(&self) -> StrSet {
        self.strings.lengths().map(|(id, _)| id).collect()
    }

    /// What every object in the heap would take on an imp: the reachable ones only
    /// right after a collection. A string the program names is program storage, unless
    /// it is one of `platform`'s (the API's names, counted in the baseline already).
    pub(crate) fn imp_footprint(&self, payloads: &Payloads, platform: &StrSet) -> usize {
        // The prototypes (each once; a prototype holds its nested ones) are program
        // storage, and so are the strings they name.
        let mut protos: HashSet<*const Proto> = HashSet::new();
        let mut program = StrSet::default();
        let mut pending: Vec<&Rc<Proto>> = Vec::new();
        let mut closures = 0;
        for c in self.closures.values() {
            closures += block(CLOSURE + VALUE * (c.outers.len() + c.defaults.len()));
            pending.push(&c.proto);
        }
        while let Some(p) = pending.pop() {
            if protos.insert(Rc::as_ptr(p)) {
                program_strings(p, &mut program);
                pending.extend(p.children.iter());
            }
        }
        // A string is its header and bytes, and a bucket of the string table.
        let strings: usize = self
            .strings
            .lengths()
            .filter(|&(id, _)| !program.contains(id) || platform.contains(id))
            .map(|(_, len)| block(STRING + len) + POINTER)
            .sum();
        let tables: usize = self.tables.values().map(|t| table(t.node_count())).sum();
        let arrays: usize = self.arrays.values().map(|a| block(ARRAY) + vector(a.capacity(), VALUE)).sum();
        let natives: usize = self
            .natives
            .values()
            .map(|n| block(NATIVE + VALUE * n.free.len()) + n.typemask.as_ref().map_or(0, |m| vector(m.len(), POINTER)))
            .sum();
        let classes: usize = self
            .classes
            .values()
            .map(|c| {
                block(CLASS)
                    + table(c.members.node_count())
                    + vector(c.fields.capacity(), CLASS_MEMBER)
                    + vector(c.methods.capacity(), CLASS_MEMBER)
            })
            .sum();
        let instances: usize = self
            .instances
            .values()
            .map(|i| {
                let data = i.user.as_deref().map_or(0, |d| payloads.size(d));
                block(INSTANCE + VALUE * i.fields.len().saturating_sub(1)) + data
            })
            .sum();
        let generators: usize =
            self.generators.values().map(|g| block(GENERATOR) + g.exec.as_deref().map_or(0, stack)).sum();
        let threads: usize = self.threads.values().map(|t| block(THREAD) + t.exec.as_deref().map_or(0, stack)).sum();
        let userdata: usize = self.userdata.values().map(|u| block(USERDATA) + payloads.size(&*u.data)).sum();
        let weakrefs = self.weakrefs.live() * block(WEAKREF);
        let outers = self.outers.live() * block(OUTER);
        strings
            + tables
            + arrays
            + closures
            + natives
            + classes
            + instances
            + generators
            + threads
            + userdata
            + weakrefs
            + outers
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::table::Table;

    #[test]
    fn allocations_round_to_the_granule_and_add_a_header() {
        assert_eq!(block(1), 12);
        assert_eq!(block(8), 12);
        assert_eq!(block(44), 52);
    }

    #[test]
    fn each_object_counts_what_the_imp_allocates_for_it() {
        let mut h = Heap::default();
        let empty = h.imp_footprint(&Payloads::default(), &StrSet::default());
        h.alloc_table(Table::with_capacity(0));
        let with_table = h.imp_footprint(&Payloads::default(), &StrSet::default());
        // The header, and the four nodes a new table starts with.
        assert_eq!(with_table - empty, 52 + 84);
        h.alloc_array(Vec::with_capacity(3));
        assert_eq!(h.imp_footprint(&Payloads::default(), &StrSet::default()) - with_table, 44 + 28);
        let before = h.imp_footprint(&Payloads::default(), &StrSet::default());
        h.intern(b"hello");
        assert_eq!(h.imp_footprint(&Payloads::default(), &StrSet::default()) - before, block(32 + 5) + 4);
    }

    #[test]
    fn native_data_counts_by_its_registered_size() {
        let mut h = Heap::default();
        let mut payloads = Payloads::default();
        h.alloc_userdata(crate::heap::object::UserData { data: Rc::new(7u32), delegate: None });
        let unknown = h.imp_footprint(&payloads, &StrSet::default());
        payloads.set::<u32>(|n| *n as usize * 100);
        assert_eq!(h.imp_footprint(&payloads, &StrSet::default()) - unknown, 700);
    }
}
