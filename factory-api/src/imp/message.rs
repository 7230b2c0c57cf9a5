//! The data a device and its agent may send each other (and `nv` keeps through deep
//! sleep), serialised as the imp does it (Dev Center, "Squirrel Data Serialization"):
//! null, bool, integer, float, blob, safe strings (UTF-8 without NUL; other strings
//! travel as blobs), arrays, and tables whose keys are safe strings, nested. What else
//! a value holds is dropped without an error: table entries under other keys go, and
//! functions, classes and instances other than blobs arrive as null (a table keeps
//! the key: MessageManager's tests, which pass on imps, send `{data = function}` and
//! the receiver reads `payload["data"]`). A message leaves one VM as a `Message` (a
//! deep copy) and is rebuilt in the other, so the two never share objects. Only data
//! nested too deep (or cyclic) is refused.

use impish_stdlib::blob::Blob;
use impish_vm::{Fail, Value, Vm};

/// Deeper nesting than this is refused (it also stops cycles).
const MAX_DEPTH: usize = 32;

#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    Null,
    Bool(bool),
    Int(i64),
    Float(f32),
    Str(Vec<u8>),
    Blob(Vec<u8>),
    Array(Vec<Message>),
    /// Entries in the sender's iteration order.
    Table(Vec<(Message, Message)>),
}

/// A value as serialised: its message, and whether anything in it was dropped.
#[derive(Debug, PartialEq)]
pub struct Captured {
    pub message: Message,
    pub skipped: bool,
}

impl Message {
    /// A deep copy of `value` as the imp serialises it, or why it cannot be.
    pub fn capture(vm: &Vm, value: Value) -> Result<Captured, String> {
        let mut skipped = false;
        let message = capture(vm, value, 0, &mut skipped)?;
        Ok(Captured { message, skipped })
    }

    /// The message rebuilt as fresh values in `vm` (which must have the `blob` class).
    pub fn restore(&self, vm: &mut Vm) -> Result<Value, Fail> {
        Ok(match self {
            Message::Null => Value::Null,
            Message::Bool(b) => Value::Bool(*b),
            Message::Int(i) => Value::Int(*i),
            Message::Float(f) => Value::Float(*f),
            Message::Str(s) => vm.bytes(s),
            Message::Blob(bytes) => new_blob(vm, bytes)?,
            Message::Array(items) => {
                let items = items.iter().map(|m| m.restore(vm)).collect::<Result<_, _>>()?;
                vm.new_array(items)
            }
            Message::Table(entries) => {
                let table = vm.new_table();
                for (key, value) in entries {
                    let (key, value) = (key.restore(vm)?, value.restore(vm)?);
                    vm.table_set(table, key, value);
                }
                table
            }
        })
    }
}

/// A new `blob` holding `bytes` (the blob constructor is native, so no collection
/// runs while a caller holds unrooted values).
pub(crate) fn new_blob(vm: &mut Vm, bytes: &[u8]) -> Result<Value, Fail> {
    let class = vm.get_global("blob").unwrap_or_default();
    let root = vm.root_table();
    let blob = vm.call_value(class, root, &[])?;
    match vm.instance_data_mut::<Blob>(blob) {
        Some(b) => *b = Blob { data: bytes.to_vec(), pos: 0 },
        None => return Err(vm.error("the blob class is missing")),
    }
    Ok(blob)
}

/// The bytes of a string or a blob.
pub(crate) fn bytes_of(vm: &Vm, value: Value) -> Option<Vec<u8>> {
    match value {
        Value::Str(_) => vm.str_bytes(value).map(<[u8]>::to_vec),
        _ => vm.instance_data::<Blob>(value).map(|b| b.data.clone()),
    }
}

/// Whether the imp serialises `s` as a string (else as a blob): UTF-8 without NUL.
fn is_safe(s: &[u8]) -> bool {
    !s.contains(&0) && std::str::from_utf8(s).is_ok()
}

/// The message for `value`; null (and `skipped` set) for what cannot be serialised.
fn capture(vm: &Vm, value: Value, depth: usize, skipped: &mut bool) -> Result<Message, String> {
    if depth > MAX_DEPTH {
        return Err(format!("cannot serialise data nested more than {MAX_DEPTH} deep (or cyclic)"));
    }
    Ok(match vm.resolve(value) {
        Value::Null => Message::Null,
        Value::Bool(b) => Message::Bool(b),
        Value::Int(i) => Message::Int(i),
        Value::Float(f) => Message::Float(f),
        s @ Value::Str(_) => {
            let bytes = vm.str_bytes(s).unwrap_or_default().to_vec();
            if is_safe(&bytes) {
                Message::Str(bytes)
            } else {
                Message::Blob(bytes)
            }
        }
        a @ Value::Array(_) => Message::Array(
            vm.array_items(a)
                .unwrap_or_default()
                .iter()
                .map(|v| capture(vm, *v, depth + 1, skipped))
                .collect::<Result<_, _>>()?,
        ),
        t @ Value::Table(_) => {
            let mut entries = Vec::new();
            for (k, v) in vm.table_entries(t).into_iter().flatten() {
                match vm.str_bytes(k).filter(|k| is_safe(k)) {
                    Some(key) => entries.push((Message::Str(key.to_vec()), capture(vm, v, depth + 1, skipped)?)),
                    None => *skipped = true,
                }
            }
            Message::Table(entries)
        }
        blob @ Value::Instance(_) if vm.instance_data::<Blob>(blob).is_some() => {
            Message::Blob(bytes_of(vm, blob).unwrap_or_default())
        }
        _ => {
            *skipped = true;
            Message::Null
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use impish_vm::Profile;

    fn imp_vm() -> Vm {
        let mut vm = Vm::new(Profile::Imp);
        impish_stdlib::register(&mut vm);
        vm
    }

    #[test]
    fn nested_data_is_copied_not_shared() {
        let mut from = imp_vm();
        let source =
            "local b = blob(); b.writen(258, 'w'); return { a = [1, 2.5, \"x\", null, true], b = { c = -3 }, d = b }";
        let value = from.run_source(source, "t").expect("runs");
        let captured = Message::capture(&from, value).expect("serialisable");
        assert!(!captured.skipped);
        let mut to = imp_vm();
        let copy = captured.message.restore(&mut to).expect("restores");
        assert_eq!(Message::capture(&to, copy), Ok(captured));
    }

    /// Dev Center, "Squirrel Data Serialization": functions, classes and instances
    /// other than blobs, and entries whose key is not a safe string, are dropped
    /// without an error (its example of an unsafe key is "\x00\x01"); strings that
    /// are not safe travel as blobs. A dropped value arrives as null (see the module).
    #[test]
    fn what_cannot_be_serialised_is_dropped() {
        let mut vm = imp_vm();
        for (source, expected) in [
            ("return [1, function() {}, 2]", Message::Array(vec![Message::Int(1), Message::Null, Message::Int(2)])),
            ("class C {} return { c = C() }", Message::Table(vec![(Message::Str(b"c".to_vec()), Message::Null)])),
            ("return { [\"\\x00\\x01\"] = 1, [2] = 2, [3.5] = 3 }", Message::Table(vec![])),
            ("class C {} return C", Message::Null),
        ] {
            let value = vm.run_source(source, "t").expect("runs");
            assert_eq!(Message::capture(&vm, value), Ok(Captured { message: expected, skipped: true }), "{source}");
        }
        let value = vm.run_source("return [\"caf\\xc3\\xa9\", \"\\x00\\x01\", \"\\xff\"]", "t").expect("runs");
        let strings = Message::Array(vec![
            Message::Str("café".into()),
            Message::Blob(b"\x00\x01".to_vec()),
            Message::Blob(b"\xff".to_vec()),
        ]);
        assert_eq!(Message::capture(&vm, value), Ok(Captured { message: strings, skipped: false }));
        let value = vm.run_source("local t = {}; t.self <- t; return t", "t").expect("runs");
        let cyclic = "cannot serialise data nested more than 32 deep (or cyclic)".to_string();
        assert_eq!(Message::capture(&vm, value), Err(cyclic));
    }
}
