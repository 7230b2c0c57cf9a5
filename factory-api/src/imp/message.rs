//! The data a device and its agent may send each other: null, bool, integer, float,
//! string, blob, array and table, nested. A message leaves one VM as a `Message` (a deep
//! copy) and is rebuilt in the other, so the two never share objects; anything else —
//! functions, classes, instances, cycles — is refused at the send as a Squirrel error.

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

impl Message {
    /// A deep copy of `value`, or why it cannot be sent.
    pub fn capture(vm: &Vm, value: Value) -> Result<Message, String> {
        capture(vm, value, 0)
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

fn capture(vm: &Vm, value: Value, depth: usize) -> Result<Message, String> {
    if depth > MAX_DEPTH {
        return Err(format!("cannot serialise data nested more than {MAX_DEPTH} deep (or cyclic)"));
    }
    Ok(match vm.resolve(value) {
        Value::Null => Message::Null,
        Value::Bool(b) => Message::Bool(b),
        Value::Int(i) => Message::Int(i),
        Value::Float(f) => Message::Float(f),
        s @ Value::Str(_) => Message::Str(vm.str_bytes(s).unwrap_or_default().to_vec()),
        a @ Value::Array(_) => Message::Array(
            vm.array_items(a)
                .unwrap_or_default()
                .iter()
                .map(|v| capture(vm, *v, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        t @ Value::Table(_) => Message::Table(
            vm.table_entries(t)
                .into_iter()
                .flatten()
                .map(|(k, v)| Ok((capture(vm, k, depth + 1)?, capture(vm, v, depth + 1)?)))
                .collect::<Result<_, String>>()?,
        ),
        blob @ Value::Instance(_) if vm.instance_data::<Blob>(blob).is_some() => {
            Message::Blob(bytes_of(vm, blob).unwrap_or_default())
        }
        other => return Err(format!("cannot serialise a value of type {}", other.type_of().name())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use impish_vm::Profile;

    #[test]
    fn nested_data_is_copied_not_shared() {
        let mut from = Vm::new(Profile::Imp);
        impish_stdlib::register(&mut from);
        let source =
            "local b = blob(); b.writen(258, 'w'); return { a = [1, 2.5, \"x\", null, true], b = { c = -3 }, d = b }";
        let value = from.run_source(source, "t").expect("runs");
        let message = Message::capture(&from, value).expect("serialisable");
        let mut to = Vm::new(Profile::Imp);
        impish_stdlib::register(&mut to);
        let copy = message.restore(&mut to).expect("restores");
        assert_eq!(Message::capture(&to, copy), Ok(message));
    }

    #[test]
    fn functions_instances_and_cycles_are_refused() {
        let mut vm = Vm::new(Profile::Imp);
        for (source, expected) in [
            ("return [function() {}]", "cannot serialise a value of type function"),
            ("class C {} return { c = C() }", "cannot serialise a value of type instance"),
            ("class C {} return C", "cannot serialise a value of type class"),
            ("local t = {}; t.self <- t; return t", "cannot serialise data nested more than 32 deep (or cyclic)"),
        ] {
            let value = vm.run_source(source, "t").expect("runs");
            assert_eq!(Message::capture(&vm, value), Err(expected.to_string()), "{source}");
        }
    }
}
