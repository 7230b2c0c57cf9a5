//! The agent's persistent storage (api/server/save, api/server/load, Agent Data
//! Persistence, node/826): `server.save(table[, format])` keeps a table through agent
//! restarts and new code; `server.load()` returns the last one saved, or an empty table.
//! - the argument must be a table, or it throws [V];
//! - format 1 (JSON, the default) keeps only what JSON can hold: entries it cannot are
//!   left out and logged as an error, without throwing [V] (ours: an entry is left out
//!   whole when anything inside it cannot be encoded); the table comes back as JSON
//!   decodes it (integer keys as strings);
//! - format 2 (binary) also keeps blobs and strings with zero bytes [V]; its size is
//!   ours: each value's bytes plus 4 bytes of framing;
//! - more than 64 KB in the chosen format throws [V];
//! - it returns 0 on success: Agent Data Persistence says "0 indicates a successful
//!   write", while the `server.save` page says it returns nothing [P].

use super::{method, number};
use crate::cloud::LogKind;
use crate::imp::json;
use crate::imp::message::Message;
use impish_vm::{Value, Vm};

/// "The table can be no larger than 64KB in size."
pub const MAX_SAVED_BYTES: usize = 64 << 10;

const JSON: i64 = 1;
const BINARY: i64 = 2;

/// What `server.save` kept.
#[derive(Clone, Debug, PartialEq)]
pub enum Saved {
    Json(Vec<u8>),
    Binary(Message),
}

pub(super) fn install(vm: &mut Vm, server: Value) {
    method(vm, server, "save", -2, "..n", move |vm, args, c| {
        let data = args.get(vm, 1);
        let Some(entries) = vm.table_entries(data) else {
            return Err(vm.error("server.save: the data to save must be a table"));
        };
        let entries: Vec<(Value, Value)> = entries.collect();
        let format = if args.len() > 2 { number(args.get(vm, 2)).map_or(0, |f| f as i64) } else { JSON };
        let mut left_out = Vec::new();
        let saved = match format {
            JSON => {
                let kept = vm.new_table();
                for (key, value) in entries {
                    match json::encode(vm, value, true) {
                        Ok(_) => vm.table_set(kept, key, value),
                        Err(why) => left_out.push(format!("{}: {why}", vm.describe(key))),
                    }
                }
                let text = json::encode(vm, kept, true).map_err(|why| vm.error(format!("server.save: {why}")))?;
                Saved::Json(text)
            }
            BINARY => {
                let mut kept = Vec::new();
                for (key, value) in entries {
                    match (Message::capture(vm, key), Message::capture(vm, value)) {
                        (Ok(k), Ok(v)) if !k.skipped && !v.skipped => kept.push((k.message, v.message)),
                        (Err(why), _) | (_, Err(why)) => left_out.push(format!("{}: {why}", vm.describe(key))),
                        _ => left_out.push(format!("{}: cannot be serialised", vm.describe(key))),
                    }
                }
                Saved::Binary(Message::Table(kept))
            }
            _ => return Err(vm.error("server.save: the format must be 1 (JSON) or 2 (binary)")),
        };
        let size = match &saved {
            Saved::Json(text) => text.len(),
            Saved::Binary(message) => serialised_size(message),
        };
        if size > MAX_SAVED_BYTES {
            return Err(vm.error(format!("server.save: {size} bytes is more than {MAX_SAVED_BYTES}")));
        }
        let mut shared = c.shared.borrow_mut();
        for why in left_out {
            shared.log(LogKind::AgentError, format!("server.save: left out {why}"));
        }
        shared.saved = Some(saved);
        Ok(Value::Int(0))
    });
    method(vm, server, "load", 1, ".", move |vm, _, c| {
        let saved = c.shared.borrow().saved.clone();
        match saved {
            None => Ok(vm.new_table()),
            Some(Saved::Json(text)) => json::decode(vm, &text),
            Some(Saved::Binary(message)) => message.restore(vm),
        }
    });
}

/// The bytes a message takes in the binary format, and in `nv` (ours).
pub(crate) fn serialised_size(message: &Message) -> usize {
    const FRAMING: usize = 4;
    FRAMING
        + match message {
            Message::Null | Message::Bool(_) => 0,
            Message::Int(_) | Message::Float(_) => 4,
            Message::Str(bytes) | Message::Blob(bytes) => bytes.len(),
            Message::Array(items) => items.iter().map(serialised_size).sum(),
            Message::Table(entries) => entries.iter().map(|(k, v)| serialised_size(k) + serialised_size(v)).sum(),
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_serialised_size_counts_every_value() {
        let message = Message::Table(vec![(Message::Str(b"k".to_vec()), Message::Blob(vec![0; 10]))]);
        assert_eq!(serialised_size(&message), 4 + (4 + 1) + (4 + 10));
    }
}
