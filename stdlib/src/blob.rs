//! The `blob` class (a byte buffer with a read/write cursor, the reference's stream
//! methods included) and the global bit-casting helpers (`castf2i`, `swap4`, ...).
//!
//! Multi-byte values are little-endian, as on the reference's x86-64 host and on the
//! imp. The imp profile adds `blob.tostring()`, writes zeros for non-numbers in
//! `writen`, and has a 32-bit `'l'`.

use impish_vm::footprint;
use impish_vm::{Args, Fail, Indexer, NativeEntry, PlainNative, Profile, Value, Vm};

use crate::natives::{self, float_arg, int_value};

/// The largest size `blob(n)` and `resize(n)` accept: far beyond any imp's memory,
/// small enough that a script asking for absurd sizes gets an error, not an abort.
pub const MAX_SIZE: usize = 256 << 20;

/// A blob's state: its bytes (`len()` is their count) and the cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Blob {
    pub data: Vec<u8>,
    pub pos: usize,
}

impl Blob {
    /// A zero-filled blob; `None` past [`MAX_SIZE`] or if the memory cannot be had.
    pub fn zeroed(size: usize) -> Option<Blob> {
        if size > MAX_SIZE {
            return None;
        }
        let mut data = Vec::new();
        data.try_reserve_exact(size).ok()?;
        data.resize(size, 0);
        Some(Blob { data, pos: 0 })
    }

    /// Writes at the cursor, growing the blob as needed.
    pub fn write(&mut self, bytes: &[u8]) {
        let end = self.pos + bytes.len();
        if end > self.data.len() {
            self.data.resize(end, 0);
        }
        self.data[self.pos..end].copy_from_slice(bytes);
        self.pos = end;
    }

    /// Reads up to `n` bytes at the cursor.
    pub fn read(&mut self, n: usize) -> &[u8] {
        let start = self.pos;
        self.pos = (start + n).min(self.data.len());
        &self.data[start..self.pos]
    }

    /// Reads exactly `N` bytes, or fails (leaving the cursor at the end).
    fn read_exact<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.read(N).try_into().ok()
    }

    /// Moves the cursor; false (cursor unchanged) if the target is outside the data.
    pub fn seek(&mut self, offset: i64, origin: u8) -> bool {
        let base = match origin {
            b'b' => 0,
            b'c' => self.pos as i64,
            _ => self.data.len() as i64,
        };
        match base.checked_add(offset) {
            Some(p) if (0..=self.data.len() as i64).contains(&p) => {
                self.pos = p as usize;
                true
            }
            _ => false,
        }
    }

    /// Shrinking truncates (and pulls the cursor back); growing only reserves memory,
    /// so `len()` is unchanged until data is written. Negative sizes (and ones past
    /// [`MAX_SIZE`]) fail.
    pub fn resize(&mut self, n: i64) -> bool {
        let Some(n) = usize::try_from(n).ok().filter(|n| *n <= MAX_SIZE) else { return false };
        if n < self.data.len() {
            self.data.truncate(n);
            self.pos = self.pos.min(n);
        } else if self.data.try_reserve_exact(n - self.data.len()).is_err() {
            return false;
        }
        true
    }

    /// Reverses the byte order of each whole `N`-byte group.
    pub fn swap<const N: usize>(&mut self) {
        for chunk in self.data.chunks_exact_mut(N) {
            chunk.reverse();
        }
    }
}

/// The blob class's registry key: `readblob` instantiates it.
const CLASS_KEY: &str = "std_blob";

/// Installs the `blob` class and the global helpers.
pub fn install(vm: &mut Vm) -> Result<(), Fail> {
    // On the imp a blob is its stream object and a buffer of the bytes it has room for.
    vm.set_payload_size::<Blob>(|b| footprint::BLOB + footprint::block(b.data.capacity()));
    let class = vm.new_empty_class();
    let imp = vm.profile() == Profile::Imp;
    let writen_mask = if imp { "x.n" } else { "xnn" };
    let methods: &[NativeEntry] = &[
        ("constructor", constructor, -1, Some("xn")),
        ("resize", resize, 2, Some("xn")),
        ("swap2", swap2_method, 1, Some("x")),
        ("swap4", swap4_method, 1, Some("x")),
        ("_set", set, 3, Some("xnn")),
        ("_get", get, 2, Some("x.")),
        ("_typeof", type_of, 1, Some("x")),
        ("_nexti", nexti, 2, Some("x")),
        ("_cloned", cloned, 2, Some("xx")),
    ];
    // In the reference these come from the `stream` base class.
    let stream_methods: &[NativeEntry] = &[
        ("readblob", readblob, 2, Some("xn")),
        ("readn", readn, 2, Some("xn")),
        ("writeblob", writeblob, -2, Some("xx")),
        ("writen", writen, 3, Some(writen_mask)),
        ("seek", seek, -2, Some("xnn")),
        ("tell", tell, 1, Some("x")),
        ("len", len, 1, Some("x")),
        ("eos", eos, 1, Some("x")),
        ("flush", flush, 1, Some("x")),
    ];
    let imp_methods: &[NativeEntry] = &[
        ("tostring", tostring, 1, Some("x")),
        ("writestring", writestring, 2, Some("xs")),
        ("readstring", readstring, 2, Some("xn")),
    ];
    let extra = if imp { imp_methods } else { &[] };
    let stream = vm.new_empty_class();
    for &(name, f, n, mask) in stream_methods {
        let native = vm.new_plain_native_with(name, f, n, mask, vec![stream]);
        vm.class_set(stream, name, native)?;
        vm.class_set(class, name, native)?;
    }
    for &(name, f, n, mask) in methods.iter().chain(extra) {
        let native = vm.new_plain_native_with(name, f, n, mask, vec![class]);
        vm.class_set(class, name, native)?;
    }
    vm.set_indexer(class, Indexer { get: byte_at, set: store_byte });
    // `blob instanceof stream`, as in the reference; the imp has no `stream` global.
    vm.class_set_base(class, stream);
    if !imp {
        vm.set_global("stream", stream);
    }
    vm.set_global("blob", class);
    let registry = vm.registry();
    natives::set(vm, registry, CLASS_KEY, class);
    let root = vm.root_table();
    let globals: &[(&str, PlainNative)] =
        &[("casti2f", casti2f), ("castf2i", castf2i), ("swap2", swap2), ("swap4", swap4), ("swapfloat", swapfloat)];
    for &(name, f) in globals {
        vm.register_in(root, name, f, 2, Some(".n"));
    }
    Ok(())
}

/// Runs `f` on the blob behind `this`, or fails with the reference's complaint:
/// `invalid` for an instance of the native's class (its free value) without data
/// (`blob.instance()`, `stream()`), "invalid type tag" for anything else.
fn with_data<T>(vm: &mut Vm, args: Args, invalid: &str, f: impl FnOnce(&mut Blob) -> T) -> Result<T, Fail> {
    let this = args.this(vm);
    if let Some(b) = vm.instance_data_mut::<Blob>(this) {
        return Ok(f(b));
    }
    let class = args.free(vm, 0);
    let msg = if vm.is_instance_of(this, class) { invalid } else { "invalid type tag" };
    Err(vm.error(msg))
}

/// [`with_data`] for the blob's own methods.
fn with_blob<T>(vm: &mut Vm, args: Args, f: impl FnOnce(&mut Blob) -> T) -> Result<T, Fail> {
    with_data(vm, args, "the blob is invalid", f)
}

/// [`with_data`] for the methods the reference inherits from its `stream` class.
fn with_stream<T>(vm: &mut Vm, args: Args, f: impl FnOnce(&mut Blob) -> T) -> Result<T, Fail> {
    with_data(vm, args, "the stream is invalid", f)
}

/// A new blob instance holding `bytes`, for natives and embedders that return blobs.
pub fn new_blob(vm: &mut Vm, bytes: Vec<u8>) -> Result<Value, Fail> {
    let registry = vm.registry();
    let key = vm.string(CLASS_KEY);
    let class = vm.table_get(registry, key).unwrap_or(Value::Null);
    let root = vm.root_table();
    let inst = vm.call_value(class, root, &[])?;
    vm.set_instance_data(inst, Box::new(Blob { data: bytes, pos: 0 }));
    Ok(inst)
}

/// The bytes of a string or a blob value.
pub fn bytes_of(vm: &Vm, v: Value) -> Option<Vec<u8>> {
    match v {
        Value::Str(_) => vm.str_bytes(v).map(<[u8]>::to_vec),
        _ => vm.instance_data::<Blob>(v).map(|b| b.data.clone()),
    }
}

fn constructor(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let size = if args.len() == 2 { args.int(vm, 1) } else { 0 };
    if size < 0 {
        return Err(vm.error("cannot create blob with negative size"));
    }
    if size as u64 <= MAX_SIZE as u64 {
        vm.reserve(size as usize)?;
    }
    let Some(blob) = usize::try_from(size).ok().and_then(Blob::zeroed) else {
        return Err(vm.error("cannot create blob"));
    };
    let this = args.this(vm);
    vm.set_instance_data(this, Box::new(blob));
    Ok(Value::Null)
}

fn resize(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let n = args.int(vm, 1);
    let capacity = with_blob(vm, args, |b| b.data.capacity())?;
    if let Some(more) = usize::try_from(n).ok().filter(|n| *n <= MAX_SIZE).and_then(|n| n.checked_sub(capacity)) {
        vm.reserve(more)?;
    }
    if !with_blob(vm, args, |b| b.resize(n))? {
        return Err(vm.error("resize failed"));
    }
    Ok(Value::Null)
}

fn swap2_method(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    with_blob(vm, args, Blob::swap::<2>)?;
    Ok(Value::Null)
}

fn swap4_method(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    with_blob(vm, args, Blob::swap::<4>)?;
    Ok(Value::Null)
}

/// `b[i] = v` stores `v & 0xFF`.
fn set(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (idx, val) = (args.int(vm, 1), args.int(vm, 2));
    let stored = with_blob(vm, args, |b| match usize::try_from(idx).ok().and_then(|i| b.data.get_mut(i)) {
        Some(slot) => {
            *slot = val as u8;
            true
        }
        None => false,
    })?;
    if !stored {
        return Err(vm.error("index out of range"));
    }
    Ok(args.get(vm, 2))
}

/// `get`'s fast path: the byte at an index in range.
fn byte_at(data: &dyn std::any::Any, i: i64) -> Option<Value> {
    let blob = data.downcast_ref::<Blob>()?;
    blob.data.get(usize::try_from(i).ok()?).map(|&b| Value::Int(i64::from(b)))
}

/// `set`'s fast path: an integer stored at an index in range.
fn store_byte(data: &mut dyn std::any::Any, i: i64, v: Value) -> bool {
    let (Some(blob), Value::Int(v)) = (data.downcast_mut::<Blob>(), v) else { return false };
    match usize::try_from(i).ok().and_then(|i| blob.data.get_mut(i)) {
        Some(slot) => {
            *slot = v as u8;
            true
        }
        None => false,
    }
}

/// `b[i]`; a non-numeric key throws null, which the VM reports as a missing index.
fn get(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let key = args.get(vm, 1);
    let Some(idx) = (match key {
        Value::Int(_) | Value::Float(_) => vm.profile().integer_of(key),
        _ => None,
    }) else {
        return Err(Fail::Error(Value::Null));
    };
    match with_blob(vm, args, |b| usize::try_from(idx).ok().and_then(|i| b.data.get(i).copied()))? {
        Some(byte) => Ok(Value::Int(byte as i64)),
        None => Err(vm.error("index out of range")),
    }
}

fn type_of(vm: &mut Vm, _: Args) -> Result<Value, Fail> {
    Ok(vm.string("blob"))
}

/// Iteration: null → 0, then the next index while one remains.
fn nexti(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let prev = args.get(vm, 1);
    if prev.is_null() {
        return Ok(Value::Int(0));
    }
    let Some(idx) = vm.profile().integer_of(prev) else {
        return Err(vm.error("internal error (_nexti) wrong argument type"));
    };
    let len = with_blob(vm, args, |b| b.data.len())?;
    Ok(match idx.checked_add(1) {
        Some(next) if next < len as i64 => Value::Int(next),
        _ => Value::Null,
    })
}

/// `clone b`: the copy gets the original's bytes and a cursor at 0.
fn cloned(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let original = args.get(vm, 1);
    let Some(data) = vm.instance_data::<Blob>(original).map(|b| b.data.clone()) else {
        return Err(vm.error("invalid type tag"));
    };
    let this = args.this(vm);
    vm.set_instance_data(this, Box::new(Blob { data, pos: 0 }));
    Ok(Value::Null)
}

fn readblob(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let n = usize::try_from(args.int(vm, 1)).unwrap_or(0);
    let bytes = with_stream(vm, args, |b| b.read(n).to_vec())?;
    if bytes.is_empty() {
        return Err(vm.error("no data left to read"));
    }
    new_blob(vm, bytes)
}

fn readn(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let code = args.int(vm, 1);
    let wide = vm.profile() == Profile::Squirrel;
    let value = with_stream(vm, args, |b| -> Result<Option<Value>, ()> {
        let v = match u8::try_from(code).map_err(|_| ())? {
            b'l' if wide => b.read_exact().map(|x| Value::Int(i64::from_le_bytes(x))),
            b'l' | b'i' => b.read_exact().map(|x| Value::Int(i32::from_le_bytes(x) as i64)),
            b's' => b.read_exact().map(|x| Value::Int(i16::from_le_bytes(x) as i64)),
            b'w' => b.read_exact().map(|x| Value::Int(u16::from_le_bytes(x) as i64)),
            b'c' => b.read_exact().map(|x: [u8; 1]| Value::Int(x[0] as i8 as i64)),
            b'b' => b.read_exact().map(|x: [u8; 1]| Value::Int(x[0] as i64)),
            b'f' => b.read_exact().map(|x| Value::Float(f32::from_le_bytes(x))),
            b'd' => b.read_exact().map(|x| Value::Float(f64::from_le_bytes(x) as f32)),
            _ => return Err(()),
        };
        Ok(v)
    })?;
    match value {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(vm.error("io error")),
        Err(()) => Err(vm.error("invalid format")),
    }
}

/// Writes `bytes` at the stream's cursor, the blob's growth checked by `Vm::reserve`
/// before it reallocates.
fn write_at_cursor(vm: &mut Vm, args: Args, bytes: &[u8]) -> Result<(), Fail> {
    let new_capacity = with_stream(vm, args, |b| {
        let end = b.pos.saturating_add(bytes.len());
        // What `Vec::resize` will allocate: at least double the capacity.
        (end > b.data.capacity()).then(|| end.max(b.data.capacity().saturating_mul(2)))
    })?;
    if let Some(capacity) = new_capacity {
        vm.reserve(capacity)?;
    }
    with_stream(vm, args, |b| b.write(bytes))
}

fn writeblob(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let len = vm.instance_data::<Blob>(args.get(vm, 1)).map_or(0, |b| b.data.len());
    vm.reserve(len)?;
    let Some(bytes) = vm.instance_data::<Blob>(args.get(vm, 1)).map(|b| b.data.clone()) else {
        return Err(vm.error("invalid parameter"));
    };
    write_at_cursor(vm, args, &bytes)?;
    Ok(Value::Int(bytes.len() as i64))
}

/// The bytes `writen` stores for `v` under type code `code` (at most 8, kept in place
/// rather than allocated, since a writer calls it per value) and their number; `None`
/// for a bad code. Non-numbers (only the imp lets them through) count as zero.
fn encode(profile: Profile, v: Value, code: i64, wide: bool) -> Option<([u8; 8], usize)> {
    fn padded<const N: usize>(bytes: [u8; N]) -> ([u8; 8], usize) {
        let mut out = [0; 8];
        out[..N].copy_from_slice(&bytes);
        (out, N)
    }
    let i = profile.integer_of(v).unwrap_or(0);
    let f = crate::natives::float(v).unwrap_or(0.0);
    Some(match u8::try_from(code).ok()? {
        b'l' if wide => padded(i.to_le_bytes()),
        b'l' | b'i' => padded((i as i32).to_le_bytes()),
        b's' | b'w' => padded((i as u16).to_le_bytes()),
        b'c' | b'b' => padded([i as u8]),
        b'f' => padded(f.to_le_bytes()),
        b'd' => padded((f as f64).to_le_bytes()),
        _ => return None,
    })
}

fn writen(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let wide = vm.profile() == Profile::Squirrel;
    let Some((bytes, n)) = encode(vm.profile(), args.get(vm, 1), args.int(vm, 2), wide) else {
        return Err(vm.error("invalid format"));
    };
    write_at_cursor(vm, args, &bytes[..n])?;
    Ok(Value::Null)
}

fn seek(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let offset = args.int(vm, 1);
    let origin = if args.len() > 2 {
        match args.int(vm, 2) {
            o @ (0x62 | 0x63 | 0x65) => o as u8,
            _ => return Err(vm.error("invalid origin")),
        }
    } else {
        b'b'
    };
    let ok = with_stream(vm, args, |b| b.seek(offset, origin))?;
    Ok(Value::Int(if ok { 0 } else { -1 }))
}

fn tell(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let pos = with_stream(vm, args, |b| b.pos)?;
    Ok(Value::Int(pos as i64))
}

fn len(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let n = with_stream(vm, args, |b| b.data.len())?;
    Ok(Value::Int(n as i64))
}

fn eos(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let at_end = with_stream(vm, args, |b| b.pos == b.data.len())?;
    Ok(if at_end { Value::Int(1) } else { Value::Null })
}

/// Blobs have nothing to flush; the reference answers 1.
fn flush(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    with_stream(vm, args, |_| ())?;
    Ok(Value::Int(1))
}

/// The imp's `blob.tostring()`: the bytes as a string.
fn tostring(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    // A copy, then the string.
    let len = with_blob(vm, args, |b| b.data.len())?;
    vm.reserve(len.saturating_mul(2))?;
    let bytes = with_blob(vm, args, |b| b.data.clone())?;
    Ok(vm.bytes(&bytes))
}

/// The imp's `blob.writestring(s)`: the string's bytes at the cursor.
fn writestring(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let bytes = vm.str_bytes(args.get(vm, 1)).map(<[u8]>::to_vec).unwrap_or_default();
    write_at_cursor(vm, args, &bytes)?;
    Ok(Value::Null)
}

/// The imp's `blob.readstring(n)`: up to `n` bytes from the cursor, as a string.
fn readstring(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let n = usize::try_from(args.int(vm, 1)).unwrap_or(0);
    let bytes = with_blob(vm, args, |b| b.read(n).to_vec())?;
    Ok(vm.bytes(&bytes))
}

fn casti2f(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(Value::Float(f32::from_bits(args.int(vm, 1) as u32)))
}

/// The float's bits as an integer (zero-extended on 64-bit: the reference reads the
/// upper half from beyond the float, which is undefined).
fn castf2i(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(int_value(vm, float_arg(vm, args, 1).to_bits() as i64))
}

fn swap2(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(Value::Int((args.int(vm, 1) as u16).swap_bytes() as i64))
}

fn swap4(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(int_value(vm, (args.int(vm, 1) as u32).swap_bytes() as i64))
}

fn swapfloat(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(Value::Float(f32::from_bits(float_arg(vm, args, 1).to_bits().swap_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_grows_and_read_stops_at_the_end() {
        let mut b = Blob::zeroed(2).unwrap_or_default();
        assert!(b.seek(1, b'b'));
        b.write(&[1, 2, 3]);
        assert_eq!((b.data.as_slice(), b.pos), (&[0, 1, 2, 3][..], 4));
        assert!(b.seek(-2, b'e'));
        assert_eq!(b.read(10), &[2, 3]);
        assert_eq!(b.read_exact::<1>(), None);
    }

    #[test]
    fn seek_rejects_outside_targets() {
        let mut b = Blob::zeroed(4).unwrap_or_default();
        assert!(!b.seek(5, b'b') && !b.seek(-1, b'b') && !b.seek(1, b'e') && !b.seek(i64::MIN, b'c'));
        assert!(b.seek(-4, b'e') && b.pos == 0);
    }

    #[test]
    fn resize_truncates_or_only_reserves() {
        let mut b = Blob { data: vec![9, 8], pos: 2 };
        assert!(b.resize(10));
        assert_eq!(b.data.len(), 2);
        assert!(b.resize(1));
        assert_eq!((b.data.len(), b.pos), (1, 1));
        assert!(!b.resize(-1) && !b.resize(MAX_SIZE as i64 + 1));
        assert!(Blob::zeroed(MAX_SIZE + 1).is_none());
    }

    #[test]
    fn encoding_is_little_endian() {
        let bytes = |v, code, wide| encode(Profile::Squirrel, v, code as i64, wide).map(|(b, n)| b[..n].to_vec());
        assert_eq!(bytes(Value::Int(0x01020304), b'i', true), Some(vec![4, 3, 2, 1]));
        assert_eq!(bytes(Value::Int(-1), b'l', false), Some(vec![0xff; 4]));
        assert_eq!(bytes(Value::Int(-2), b'l', true), Some([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff].to_vec()));
        assert_eq!(bytes(Value::Null, b'w', false), Some(vec![0, 0]));
        assert_eq!(bytes(Value::Int(1), b'z', true), None);
    }

    #[test]
    fn swapping_leaves_a_partial_group() {
        let mut b = Blob { data: vec![1, 2, 3, 4, 5], pos: 0 };
        b.swap::<4>();
        assert_eq!(b.data, [4, 3, 2, 1, 5]);
        b.swap::<2>();
        assert_eq!(b.data, [3, 4, 1, 2, 5]);
    }
}
