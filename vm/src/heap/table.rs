//! Squirrel tables: a chained scatter table placing keys as the reference does.
//!
//! Keys go where the reference puts them (same hash functions, the same
//! power-of-two node array, the same collision moves, free-node search and growth
//! rules), so `foreach` over a table visits keys in the reference's order. Real
//! libraries' tests depend on that order.

mod node_array;

pub(in crate::heap) use node_array::NodeArray;

use crate::heap::string::Strings;
use crate::heap::value::{StrId, TableId, UserDataId, Value};

const NONE: u32 = u32::MAX;
const MIN_SIZE: usize = 4;

/// A slot: a value and its key. The key is kept as its type tag and payload bits
/// (see `Key`) beside the chain link, so a node takes 32 bytes, and in a large table's
/// array (see `NodeArray`) it never straddles two cache lines: a lookup waits on one
/// memory load where the reference's 40-byte nodes need two for three nodes in eight.
#[derive(Clone, Copy)]
struct Node {
    val: Value,
    key_bits: u64,
    key_tag: u32,
    next: u32,
}

const EMPTY: Node = Node { val: Value::Null, key_bits: 0, key_tag: NULL_TAG, next: NONE };

const _: () = assert!(std::mem::size_of::<Node>() == 32);

/// `Value::tag` of null, the key of a free node.
const NULL_TAG: u32 = Value::Null.tag();

/// A key as a node holds it: two keys are the same key (`Value::raw_eq`) exactly when
/// their tags and bits are equal, so a chain compares every type of key alike. A
/// string's hash rides in the bits above its id (it is a function of the id, so
/// equality stays exact), so that placing keys again never looks strings up.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    tag: u32,
    bits: u64,
}

impl Key {
    const BOOL_TAG: u32 = Value::Bool(false).tag();
    const INT_TAG: u32 = Value::Int(0).tag();
    const FLOAT_TAG: u32 = Value::Float(0.0).tag();
    const STR_TAG: u32 = Value::Str(StrId(0)).tag();

    /// `v` as a key, a string's hash taken from `strings`.
    #[inline(always)]
    fn of(v: Value, strings: &Strings) -> Key {
        Key::with_str_hash(v, |id| strings.hash(id) as u32)
    }

    /// `v` as a key, a string's hash given by `str_hash`.
    #[inline(always)]
    fn with_str_hash(v: Value, str_hash: impl FnOnce(StrId) -> u32) -> Key {
        let bits = match v {
            Value::Null => 0,
            Value::Bool(b) => b as u64,
            Value::Int(i) => i as u64,
            Value::Float(f) => f.to_bits() as u64,
            Value::Str(id) => return Key::str(id, str_hash(id)),
            other => other.object_id().map_or(0, u64::from),
        };
        Key { tag: v.tag(), bits }
    }

    #[inline(always)]
    fn int(i: i64) -> Key {
        Key { tag: Key::INT_TAG, bits: i as u64 }
    }

    #[inline(always)]
    fn str(id: StrId, hash: u32) -> Key {
        Key { tag: Key::STR_TAG, bits: id.0 as u64 | (hash as u64) << 32 }
    }

    /// The key's hash, as the reference computes it for scalars and strings. Objects
    /// hash by identity (their arena id; the reference uses the address).
    #[inline(always)]
    fn hash(self) -> u32 {
        match self.tag {
            Key::STR_TAG => (self.bits >> 32) as u32,
            Key::BOOL_TAG | Key::INT_TAG => self.bits as u32,
            Key::FLOAT_TAG => f32::from_bits(self.bits as u32) as i64 as u32,
            _ => ((self.bits | (self.tag as u64) << 32).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 29) as u32,
        }
    }
}

impl Node {
    #[inline(always)]
    fn is_free(&self) -> bool {
        self.key_tag == NULL_TAG
    }

    #[inline(always)]
    fn holds(&self, key: Key) -> bool {
        self.key_tag == key.tag && self.key_bits == key.bits
    }

    /// Whether the key is string `id` (its hash unknown: the id alone decides).
    #[inline(always)]
    fn holds_str(&self, id: StrId) -> bool {
        self.key_tag == Key::STR_TAG && self.key_bits as u32 == id.0
    }

    #[inline(always)]
    fn set_key(&mut self, key: Key) {
        self.key_tag = key.tag;
        self.key_bits = key.bits;
    }

    #[inline(always)]
    fn packed_key(&self) -> Key {
        Key { tag: self.key_tag, bits: self.key_bits }
    }

    /// The key as a value (the inverse of `Key::of`).
    #[inline]
    fn key(&self) -> Value {
        debug_assert!(self.key_tag <= Value::UserData(UserDataId(0)).tag(), "a tag `Value::tag` gives");
        Value::from_tag(self.key_tag, self.key_bits)
    }
}

#[derive(Clone)]
pub struct Table {
    nodes: NodeArray<Node>,
    first_free: u32,
    used: u32,
    pub delegate: Option<TableId>,
}

/// A freed table's slot: no nodes, so a cached node index misses.
impl crate::heap::arena::Vacant for Table {
    fn vacant() -> Table {
        Table { nodes: NodeArray::empty(), first_free: 0, used: 0, delegate: None }
    }
}

/// Node arrays of the smallest size, kept from the tables the collector freed for the
/// tables made next. Most tables stay that small, and a fresh one then costs no
/// allocator call (the collector frees in bulk, so the allocator's own caches are cold
/// by the time the next tables are made).
#[derive(Default)]
pub struct SpareNodes(Vec<NodeArray<Node>>);

impl SpareNodes {
    /// A new empty table for about `hint` entries, on a spare node array if one fits.
    #[inline]
    pub fn table(&mut self, hint: usize) -> Table {
        let spare = if hint <= MIN_SIZE { self.0.pop() } else { None };
        if let Some(mut nodes) = spare {
            nodes.fill(EMPTY);
            return Table::on_nodes(nodes, None);
        }
        Table::with_capacity(hint)
    }

    /// A copy of `table` (of the smallest size), on a spare node array if one is left.
    #[inline]
    fn copy(&mut self, table: &Table) -> Table {
        debug_assert_eq!(table.nodes.len(), MIN_SIZE);
        match self.0.pop() {
            Some(mut nodes) => {
                nodes.copy_from_slice(&table.nodes);
                Table { nodes, ..*table }
            }
            None => table.clone(),
        }
    }

    /// Keeps the node array of a freed table if it has the smallest size.
    #[inline]
    pub fn keep(&mut self, table: Table) {
        if table.nodes.len() == MIN_SIZE {
            self.0.push(table.nodes);
        }
    }

    /// Frees the spares (the collector calls this before keeping the next ones).
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// How many spares are kept.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The bytes the spares and their list hold.
    pub fn bytes(&self) -> usize {
        self.0.capacity() * std::mem::size_of::<NodeArray<Node>>()
            + self.0.len() * MIN_SIZE * std::mem::size_of::<Node>()
    }
}

/// The layout of the last record a native made (a table of a few keys set in order,
/// as `Vm::new_table_from` makes them): the next record of the same keys copies its
/// nodes and sets the values, instead of placing each key again. Natives return many
/// records alike (a regexp capture's `{begin, end}` per group). The keys are strings
/// or numbers, which are laid out by value, so a copy is the table inserting them
/// makes; the collector drops the shape, as a string's id may be reused after it.
pub struct Shape {
    keys: Vec<Value>,
    /// A record of these keys (values left as the first record's).
    table: Table,
    /// The node holding each key.
    slots: Vec<usize>,
}

impl Shape {
    /// The shape of `table`, made by inserting `keys` in order; None unless they are
    /// distinct strings or numbers in a table of the smallest size.
    pub fn of(keys: impl Iterator<Item = Value>, table: &Table, strings: &Strings) -> Option<Shape> {
        let keys: Vec<Value> = keys.collect();
        let scalar = keys.iter().all(|k| matches!(k, Value::Str(_) | Value::Int(_) | Value::Bool(_) | Value::Float(_)));
        if !scalar || keys.len() != table.len() || table.nodes.len() != MIN_SIZE {
            return None;
        }
        let slots = keys.iter().map(|&k| table.locate(k, strings)).collect::<Option<_>>()?;
        Some(Shape { keys, table: table.clone(), slots })
    }

    /// A record of this shape holding `pairs`, or None when their keys differ from it.
    #[inline]
    pub fn record(&self, pairs: &[(Value, Value)], spare: &mut SpareNodes) -> Option<Table> {
        if !self.has_keys(pairs.iter().map(|p| p.0), pairs.len()) {
            return None;
        }
        Some(self.fill(pairs.iter().map(|p| p.1), spare))
    }

    /// Whether this is the shape of `n` keys `keys` set in order.
    #[inline]
    pub fn has_keys(&self, keys: impl Iterator<Item = Value>, n: usize) -> bool {
        n == self.keys.len() && keys.zip(&self.keys).all(|(k, s)| k.raw_eq(*s))
    }

    /// A record of this shape holding `values`, one per key in order.
    #[inline]
    pub fn fill(&self, values: impl Iterator<Item = Value>, spare: &mut SpareNodes) -> Table {
        let mut table = spare.copy(&self.table);
        for (v, &i) in values.zip(&self.slots) {
            table.nodes[i].val = v;
        }
        table
    }
}

impl Table {
    pub fn with_capacity(hint: usize) -> Table {
        let mut size = MIN_SIZE;
        while hint > size {
            size <<= 1;
        }
        Table::with_nodes(size, None)
    }

    fn with_nodes(size: usize, delegate: Option<TableId>) -> Table {
        Table::on_nodes(NodeArray::filled(size, EMPTY), delegate)
    }

    /// An empty table on `nodes`, which must all be empty.
    #[inline]
    fn on_nodes(nodes: NodeArray<Node>, delegate: Option<TableId>) -> Table {
        Table { first_free: (nodes.len() - 1) as u32, nodes, used: 0, delegate }
    }

    /// The nodes allocated (a power of two, as the reference sizes them).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// This table with each key and value passed through `f` (`None` when `f` refuses
    /// one), laid out as it is: for a renumbering that keeps every key's hash (a string
    /// for the same bytes), it is the table inserting the same keys in the same order
    /// makes.
    pub(crate) fn renumbered(&self, mut f: impl FnMut(Value) -> Option<Value>) -> Option<Table> {
        let mut t = self.clone();
        for node in t.nodes.iter_mut().filter(|n| !n.is_free()) {
            let hash = node.packed_key().hash();
            node.set_key(Key::with_str_hash(f(node.key())?, |_| hash));
            node.val = f(node.val)?;
        }
        Some(t)
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.used as usize
    }

    #[inline(always)]
    fn mask(&self) -> u32 {
        (self.nodes.len() - 1) as u32
    }

    /// The node holding `key` (never null), whose hash is `hash`: follows the
    /// collision chain from the key's main position.
    #[inline(always)]
    fn find(&self, key: Key, hash: u32) -> Option<usize> {
        let mut i = hash & self.mask();
        loop {
            let n = &self.nodes[i as usize];
            if n.holds(key) {
                return Some(i as usize);
            }
            i = n.next;
            if i == NONE {
                return None;
            }
        }
    }

    /// The node holding `key`, hashing it first; `None` for null.
    #[inline(always)]
    fn locate(&self, key: Value, strings: &Strings) -> Option<usize> {
        if key.is_null() {
            return None;
        }
        let key = Key::of(key, strings);
        self.find(key, key.hash())
    }

    /// Raw lookup (no delegates). `null` is never a key.
    #[inline(never)]
    pub fn get(&self, key: Value, strings: &Strings) -> Option<Value> {
        self.locate(key, strings).map(|i| self.nodes[i].val)
    }

    /// Raw lookup of an integer key, inlined into the interpreter's indexing.
    #[inline(always)]
    pub fn get_int(&self, k: i64) -> Option<Value> {
        self.find(Key::int(k), k as u32).map(|i| self.nodes[i].val)
    }

    /// Raw lookup of a string key, inlined into the interpreter's indexing.
    #[inline(always)]
    pub fn get_str(&self, k: StrId, strings: &Strings) -> Option<Value> {
        let key = Key::str(k, strings.hash(k) as u32);
        self.find(key, key.hash()).map(|i| self.nodes[i].val)
    }

    /// Overwrites the slot of an integer key; false if the key is absent.
    #[inline(always)]
    pub fn set_int(&mut self, k: i64, val: Value) -> bool {
        match self.find(Key::int(k), k as u32) {
            Some(i) => {
                self.nodes[i].val = val;
                true
            }
            None => false,
        }
    }

    /// Overwrites the slot of a string key; false if the key is absent.
    #[inline(always)]
    pub fn set_str(&mut self, k: StrId, val: Value, strings: &Strings) -> bool {
        let key = Key::str(k, strings.hash(k) as u32);
        match self.find(key, key.hash()) {
            Some(i) => {
                self.nodes[i].val = val;
                true
            }
            None => false,
        }
    }

    /// The node holding `key`, for inline caches (see `cache`).
    #[inline]
    pub fn node_of(&self, key: Value, strings: &Strings) -> Option<usize> {
        self.locate(key, strings)
    }

    /// The value in node `i` if that node still holds `key`.
    #[inline(always)]
    pub fn value_at(&self, i: usize, key: StrId) -> Option<Value> {
        match self.nodes.get(i) {
            Some(n) if n.holds_str(key) => Some(n.val),
            _ => None,
        }
    }

    /// Overwrites node `i` if that node still holds `key`.
    #[inline(always)]
    pub fn set_at(&mut self, i: usize, key: StrId, val: Value) -> bool {
        match self.slot_at(i, key) {
            Some(slot) => {
                *slot = val;
                true
            }
            None => false,
        }
    }

    /// The value slot of node `i` if that node still holds `key`.
    #[inline(always)]
    pub fn slot_at(&mut self, i: usize, key: StrId) -> Option<&mut Value> {
        match self.nodes.get_mut(i) {
            Some(n) if n.holds_str(key) => Some(&mut n.val),
            _ => None,
        }
    }

    /// Whether `key` has a slot (`in`). Out of line as `get` is, but answering a flag
    /// (no value to return through memory), integer and string keys on their own paths.
    #[inline(never)]
    pub fn contains(&self, key: Value, strings: &Strings) -> bool {
        match key {
            Value::Int(k) => self.find(Key::int(k), k as u32).is_some(),
            Value::Str(k) => {
                let key = Key::str(k, strings.hash(k) as u32);
                self.find(key, key.hash()).is_some()
            }
            _ => self.locate(key, strings).is_some(),
        }
    }

    /// Overwrites an existing slot; false if the key is absent.
    #[inline(never)]
    pub fn set(&mut self, key: Value, val: Value, strings: &Strings) -> bool {
        match self.locate(key, strings) {
            Some(i) => {
                self.nodes[i].val = val;
                true
            }
            None => false,
        }
    }

    /// Creates or overwrites a slot; true if it was created. The key must not be null.
    #[inline(never)]
    pub fn insert(&mut self, key: Value, val: Value, strings: &Strings) -> bool {
        let key = Key::of(key, strings);
        let h = key.hash();
        if let Some(i) = self.find(key, h) {
            self.nodes[i].val = val;
            return false;
        }
        self.insert_new(key, val, h);
        true
    }

    /// Adds `key`, which is absent, with hash `h`. Most keys land in a free main
    /// position while the free node stays free: the reference's placement then only
    /// fills that node, done here inline; the rest is `insert_placed`.
    #[inline(always)]
    fn insert_new(&mut self, key: Key, val: Value, h: u32) {
        let mp = (h & self.mask()) as usize;
        let ff = self.first_free as usize;
        if mp != ff && self.nodes[mp].is_free() && self.nodes[ff].is_free() && self.nodes[ff].next == NONE {
            let node = &mut self.nodes[mp];
            node.set_key(key);
            node.val = val;
            self.used += 1;
            return;
        }
        self.insert_placed(key, val, h);
    }

    /// `insert_new` in general: the reference's placement (a colliding node out of its
    /// main position moves to the free node, else the new key takes the free node),
    /// growing the node array when no node is free.
    #[inline(never)]
    fn insert_placed(&mut self, key: Key, val: Value, h: u32) {
        let mask = self.mask();
        let mut mp = h & mask;
        if !self.nodes[mp as usize].is_free() {
            let n = self.first_free;
            let mph = self.nodes[mp as usize].packed_key().hash() & mask;
            if mp > n && mph != mp {
                // The colliding node is out of its main position: move it to the free node.
                let mut other = mph;
                while self.nodes[other as usize].next != mp {
                    other = self.nodes[other as usize].next;
                }
                self.nodes[other as usize].next = n;
                self.nodes[n as usize] = self.nodes[mp as usize];
                self.nodes[mp as usize] = EMPTY;
            } else {
                self.nodes[n as usize].next = self.nodes[mp as usize].next;
                self.nodes[mp as usize].next = n;
                mp = n;
            }
        }
        self.nodes[mp as usize].set_key(key);
        loop {
            let ff = &self.nodes[self.first_free as usize];
            if ff.is_free() && ff.next == NONE {
                self.nodes[mp as usize].val = val;
                self.used += 1;
                return;
            }
            if self.first_free == 0 {
                break;
            }
            self.first_free -= 1;
        }
        // No free node left. As in the reference, the new key (without its value yet)
        // moves to the new array with the others, then receives its value.
        self.rehash(true);
        match self.find(key, h) {
            Some(i) => self.nodes[i].val = val,
            None => self.insert_placed(key, val, h),
        }
    }

    /// Resizes the node array as the reference does, placing the keys again.
    fn rehash(&mut self, force: bool) {
        let old_size = self.nodes.len().max(MIN_SIZE);
        let count = self.used as usize;
        let new_size = if count >= old_size - old_size / 4 {
            old_size * 2
        } else if count <= old_size / 4 && old_size > MIN_SIZE {
            old_size / 2
        } else if force {
            old_size
        } else {
            return;
        };
        let old = std::mem::replace(&mut self.nodes, NodeArray::filled(new_size, EMPTY));
        self.first_free = (new_size - 1) as u32;
        self.used = 0;
        for n in old.iter().filter(|n| !n.is_free()) {
            let key = n.packed_key();
            self.insert_new(key, n.val, key.hash());
        }
    }

    /// Removes a slot, returning its value.
    pub fn remove(&mut self, key: Value, strings: &Strings) -> Option<Value> {
        if key.is_null() {
            return None;
        }
        let i = self.locate(key, strings)?;
        let v = self.nodes[i].val;
        self.nodes[i].set_key(EMPTY.packed_key());
        self.nodes[i].val = Value::Null;
        self.used -= 1;
        self.rehash(false);
        Some(v)
    }

    pub fn clear(&mut self) {
        for n in self.nodes.iter_mut() {
            n.set_key(EMPTY.packed_key());
            n.val = Value::Null;
        }
        self.used = 0;
        self.rehash(true);
    }

    /// The first occupied node at or after `pos`: (next position, key, value).
    #[inline]
    pub fn next(&self, mut pos: usize) -> Option<(usize, Value, Value)> {
        while pos < self.nodes.len() {
            let n = &self.nodes[pos];
            if !n.is_free() {
                return Some((pos + 1, n.key(), n.val));
            }
            pos += 1;
        }
        None
    }

    /// The copy the reference's `clone` makes: a table of the same size that the
    /// entries are added to in iteration order. Its collisions, and so its iteration
    /// order, can differ from the original's.
    pub fn cloned(&self) -> Table {
        let mut copy = Table::with_capacity(self.nodes.len());
        copy.delegate = self.delegate;
        for n in self.nodes.iter().filter(|n| !n.is_free()) {
            let key = n.packed_key();
            copy.insert_new(key, n.val, key.hash());
        }
        copy
    }

    /// All (key, value) pairs in iteration order.
    pub fn entries(&self) -> impl Iterator<Item = (Value, Value)> + '_ {
        self.nodes.iter().filter(|n| !n.is_free()).map(|n| (n.key(), n.val))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::value::{ArrayId, ClassId, ClosureId, GeneratorId, InstanceId, NativeId, ThreadId, WeakRefId};

    fn keys(t: &Table) -> Vec<i64> {
        t.entries()
            .map(|(k, _)| match k {
                Value::Int(i) => i,
                _ => -1,
            })
            .collect()
    }

    #[test]
    fn insert_get_remove() {
        let s = Strings::default();
        let mut t = Table::with_capacity(0);
        for i in 0..100 {
            assert!(t.insert(Value::Int(i), Value::Int(i * 2), &s));
        }
        assert_eq!(t.len(), 100);
        for i in 0..100 {
            assert!(matches!(t.get(Value::Int(i), &s), Some(Value::Int(v)) if v == i * 2));
        }
        for i in (0..100).step_by(2) {
            assert!(t.remove(Value::Int(i), &s).is_some());
        }
        assert_eq!(t.len(), 50);
        assert!(t.get(Value::Int(2), &s).is_none());
        assert!(t.get(Value::Int(3), &s).is_some());
        assert!(!t.insert(Value::Int(3), Value::Null, &s));
    }

    #[test]
    fn mixed_keys_survive_growth_collisions_and_shrinking() {
        let mut s = Strings::default();
        let names: Vec<StrId> = (0..2000).map(|i| s.intern(format!("reg_{i}").as_bytes())).collect();
        let mut t = Table::with_capacity(0);
        for (i, &n) in names.iter().enumerate() {
            assert!(t.insert(Value::Str(n), Value::Int(i as i64), &s));
            assert!(t.insert(Value::Int(i as i64 * 13 + 4096), Value::Int(i as i64), &s));
        }
        for (i, &n) in names.iter().enumerate().filter(|(i, _)| i % 4 != 0) {
            assert!(matches!(t.remove(Value::Str(n), &s), Some(Value::Int(v)) if v == i as i64));
            assert!(t.remove(Value::Int(i as i64 * 13 + 4096), &s).is_some());
        }
        for (i, &n) in names.iter().enumerate() {
            let present = i % 4 == 0;
            assert_eq!(t.get_str(n, &s).is_some(), present);
            assert_eq!(t.get_int(i as i64 * 13 + 4096).is_some(), present);
            assert_eq!(t.set_str(n, Value::Null, &s), present);
        }
        assert_eq!(t.len(), t.entries().count());
    }

    #[test]
    fn a_table_on_a_spare_node_array_is_a_fresh_table() {
        let s = Strings::default();
        let mut spares = SpareNodes::default();
        let mut used = Table::with_capacity(0);
        for i in [7, 5, 9] {
            used.insert(Value::Int(i), Value::Int(i), &s);
        }
        spares.keep(used);
        let mut grown = Table::with_capacity(0);
        for i in 0..10 {
            grown.insert(Value::Int(i), Value::Null, &s);
        }
        spares.keep(grown);
        assert_eq!(spares.0.len(), 1, "only the smallest node arrays are kept");
        let mut reused = spares.table(2);
        assert!(spares.0.is_empty());
        assert_eq!((reused.len(), reused.entries().count()), (0, 0));
        assert!(reused.get_int(7).is_none());
        let mut fresh = Table::with_capacity(2);
        for i in [3, 1, 2, 4, 6] {
            reused.insert(Value::Int(i), Value::Null, &s);
            fresh.insert(Value::Int(i), Value::Null, &s);
        }
        assert_eq!(keys(&reused), keys(&fresh));
        spares.keep(Table::with_capacity(0));
        assert!(spares.table(8).node_count() >= 8);
        assert_eq!(spares.0.len(), 1, "a bigger table never takes a spare");
    }

    #[test]
    fn a_record_of_a_known_shape_is_the_table_its_keys_make() {
        let mut s = Strings::default();
        let (b, e) = (Value::Str(s.intern(b"begin")), Value::Str(s.intern(b"end")));
        let mut first = Table::with_capacity(2);
        first.insert(b, Value::Int(1), &s);
        first.insert(e, Value::Int(2), &s);
        let shape = Shape::of([b, e].into_iter(), &first, &s).expect("distinct string keys have a shape");
        let mut spares = SpareNodes::default();
        spares.keep(Table::with_capacity(0));
        for _ in 0..2 {
            let rec = shape.record(&[(b, Value::Int(5)), (e, Value::Int(6))], &mut spares).expect("same keys");
            let mut fresh = Table::with_capacity(2);
            fresh.insert(b, Value::Int(5), &s);
            fresh.insert(e, Value::Int(6), &s);
            let pairs =
                |t: &Table| t.entries().map(|(k, v)| (k.raw_eq(b), v.raw_eq(Value::Int(5)))).collect::<Vec<_>>();
            assert_eq!(pairs(&rec), pairs(&fresh));
            assert_eq!(rec.len(), 2);
            assert!(matches!(rec.get_str(s.intern(b"end"), &s), Some(Value::Int(6))));
        }
        assert!(shape.record(&[(e, Value::Int(5)), (b, Value::Int(6))], &mut spares).is_none(), "order differs");
        assert!(shape.record(&[(b, Value::Int(5))], &mut spares).is_none(), "fewer keys");
        let mut dup = Table::with_capacity(2);
        dup.insert(b, Value::Int(1), &s);
        assert!(Shape::of([b, b].into_iter(), &dup, &s).is_none(), "repeated keys have no shape");
    }

    /// One key of every type a table can hold, floats that compare equal but are
    /// different keys (as in the reference, which compares the raw bits) included.
    fn keys_of_every_type(s: &mut Strings) -> Vec<Value> {
        let mut keys = vec![
            Value::Bool(false),
            Value::Bool(true),
            Value::Int(-1),
            Value::Int(1 << 40),
            Value::Float(1.0),
            Value::Float(0.0),
            Value::Float(-0.0),
            Value::Float(f32::NAN),
            Value::Str(s.intern(b"reg")),
            Value::Table(TableId(3)),
            Value::Array(ArrayId(3)),
            Value::Closure(ClosureId(3)),
            Value::Native(NativeId(3)),
            Value::Class(ClassId(3)),
            Value::Instance(InstanceId(3)),
            Value::Generator(GeneratorId(3)),
            Value::Thread(ThreadId(3)),
            Value::WeakRef(WeakRefId(3)),
            Value::UserData(UserDataId(u32::MAX)),
        ];
        keys.extend((0..100).map(|i| Value::Int(i * 8)));
        keys
    }

    #[test]
    fn a_packed_key_is_the_key_it_was_made_from() {
        let mut s = Strings::default();
        let keys = keys_of_every_type(&mut s);
        for &a in &keys {
            let mut node = EMPTY;
            node.set_key(Key::of(a, &s));
            assert!(node.key().raw_eq(a) && !node.is_free());
            for &b in &keys {
                assert_eq!(node.holds(Key::of(b, &s)), a.raw_eq(b));
            }
        }
        assert!(EMPTY.is_free() && EMPTY.key().is_null());
    }

    #[test]
    fn keys_of_every_type_are_found_through_growth_and_shrinking() {
        let mut s = Strings::default();
        let keys = keys_of_every_type(&mut s);
        let mut t = Table::with_capacity(0);
        for (i, &k) in keys.iter().enumerate() {
            assert!(t.insert(k, Value::Int(i as i64), &s));
        }
        let copy = t.cloned();
        for (i, &k) in keys.iter().enumerate().skip(19) {
            assert!(matches!(t.remove(k, &s), Some(Value::Int(v)) if v == i as i64));
        }
        assert!(t.node_count() < copy.node_count(), "removing most keys shrinks the table");
        for (i, &k) in keys.iter().enumerate() {
            assert!(matches!(copy.get(k, &s), Some(Value::Int(v)) if v == i as i64));
            assert_eq!(t.get(k, &s).is_some(), i < 19);
        }
        let found: Vec<Value> = t.entries().map(|(k, _)| k).collect();
        assert_eq!(found.len(), 19);
        assert!(keys[..19].iter().all(|k| found.iter().any(|f| f.raw_eq(*k))));
    }

    #[test]
    fn small_int_keys_iterate_in_slot_order() {
        let s = Strings::default();
        let mut t = Table::with_capacity(0);
        for i in [3, 1, 2] {
            t.insert(Value::Int(i), Value::Null, &s);
        }
        assert_eq!(keys(&t), vec![1, 2, 3]);
    }
}
