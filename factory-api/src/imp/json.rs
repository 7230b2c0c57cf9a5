//! `http.jsonencode` and `http.jsondecode`: Squirrel values to JSON text and back.
//!
//! Encoding walks the value in the VM's own iteration order, so object keys come out in
//! Squirrel table order, as on the imp (libraries' tests assert exact strings). Only
//! serialisable data encodes: null, bool, integer, float, string, array and table;
//! blobs, functions and other objects are refused (the docs say to base64 blobs first).
//! Floats print as Squirrel prints them (`%g`). Decoding builds fresh tables and
//! arrays; integers that do not fit the imp's 32 bits become floats.

use impish_stdlib::blob::Blob;
use impish_vm::numfmt::write_g;
use impish_vm::{Fail, Value, Vm};

/// Deeper nesting than this is refused (it also stops cycles).
const MAX_DEPTH: usize = 32;

/// The JSON text of `value`; `compact` leaves out the spaces after `:` and `,` and
/// inside brackets (the spaced layout is ours: the imp's exact one is undocumented).
pub fn encode(vm: &Vm, value: Value, compact: bool) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    write(vm, value, compact, 0, &mut out)?;
    Ok(out)
}

fn write(vm: &Vm, value: Value, compact: bool, depth: usize, out: &mut Vec<u8>) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("cannot encode data nested more than {MAX_DEPTH} deep (or cyclic)"));
    }
    let (open_space, separator, colon): (&[u8], &[u8], &[u8]) =
        if compact { (b"", b",", b":") } else { (b" ", b", ", b": ") };
    match vm.resolve(value) {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Float(f) if f.is_finite() => write_g(out, f64::from(f)),
        Value::Float(_) => return Err("cannot encode a float that is not finite".into()),
        s @ Value::Str(_) => write_string(vm.str_bytes(s).unwrap_or_default(), out),
        a @ Value::Array(_) => {
            out.push(b'[');
            for (i, item) in vm.array_items(a).unwrap_or_default().iter().enumerate() {
                out.extend_from_slice(if i == 0 { open_space } else { separator });
                write(vm, *item, compact, depth + 1, out)?;
            }
            out.extend_from_slice(open_space);
            out.push(b']');
        }
        t @ Value::Table(_) => {
            out.push(b'{');
            for (i, (key, item)) in vm.table_entries(t).into_iter().flatten().enumerate() {
                out.extend_from_slice(if i == 0 { open_space } else { separator });
                match key {
                    Value::Str(_) => write_string(vm.str_bytes(key).unwrap_or_default(), out),
                    // JSON keys are strings: other keys are written as their text.
                    other => write_string(vm.describe(other).as_bytes(), out),
                }
                out.extend_from_slice(colon);
                write(vm, item, compact, depth + 1, out)?;
            }
            out.extend_from_slice(open_space);
            out.push(b'}');
        }
        blob @ Value::Instance(_) if vm.instance_data::<Blob>(blob).is_some() => {
            return Err("cannot encode a blob (base64 it with http.base64encode first)".into())
        }
        other => return Err(format!("cannot encode a value of type {}", other.type_of().name())),
    }
    Ok(())
}

/// A JSON string: quotes, backslashes and control bytes escaped; other bytes as they are.
fn write_string(bytes: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in bytes {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            0..0x20 => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// The Squirrel value of JSON `text`.
pub fn decode(vm: &mut Vm, text: &[u8]) -> Result<Value, Fail> {
    match serde_json::from_slice::<serde_json::Value>(text) {
        Ok(json) => Ok(build(vm, &json)),
        Err(e) => Err(vm.error(format!("JSON parse error: {e}"))),
    }
}

fn build(vm: &mut Vm, json: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64().and_then(|i| i32::try_from(i).ok()) {
            Some(i) => Value::Int(i.into()),
            None => Value::Float(n.as_f64().unwrap_or(0.0) as f32),
        },
        J::String(s) => vm.string(s),
        J::Array(items) => {
            let items = items.iter().map(|item| build(vm, item)).collect();
            vm.new_array(items)
        }
        J::Object(entries) => {
            let table = vm.new_table();
            for (key, item) in entries {
                let (key, item) = (vm.string(key), build(vm, item));
                vm.table_set(table, key, item);
            }
            table
        }
    }
}
