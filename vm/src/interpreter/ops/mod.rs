//! The semantics of Squirrel's operators on arbitrary values, which the interpreter
//! inlines for the common cases and falls back to: indexing with delegation and
//! metamethods, new slots and deletion (`access`), arithmetic and comparison
//! (`arith`), concatenation and conversion to string (`text`), `clone`, `in` and
//! `instanceof` (`objects`).

mod access;
mod arith;
mod objects;
mod text;

pub(crate) use arith::{float_order, mixed_order};
pub use text::format_float_prec;

use crate::api::vm::Profile;
use crate::heap::object::*;
use crate::heap::value::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl ArithOp {
    fn symbol(self) -> char {
        match self {
            ArithOp::Add => '+',
            ArithOp::Sub => '-',
            ArithOp::Mul => '*',
            ArithOp::Div => '/',
            ArithOp::Mod => '%',
        }
    }

    pub(crate) fn meta(self) -> Meta {
        match self {
            ArithOp::Add => Meta::Add,
            ArithOp::Sub => Meta::Sub,
            ArithOp::Mul => Meta::Mul,
            ArithOp::Div => Meta::Div,
            ArithOp::Mod => Meta::Modulo,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BitOp {
    And,
    Or,
    Xor,
    Shl,
    Shr,
    UShr,
}

/// An integer index from an integer or float key.
#[inline]
pub(crate) fn as_index(profile: Profile, key: Value) -> Option<i64> {
    match key {
        Value::Int(i) => Some(i),
        Value::Float(f) => Some(profile.float_to_int(f)),
        _ => None,
    }
}

#[inline]
pub(crate) fn as_f32(v: Value) -> f32 {
    match v {
        Value::Int(i) => i as f32,
        Value::Float(f) => f,
        _ => 0.0,
    }
}

/// An operand as sq's messages print it, `%.50s`: 50 bytes, here cut back to a
/// character boundary (where sq would split a UTF-8 sequence).
fn truncate50(s: &str) -> &str {
    let mut end = s.len().min(50);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A bitwise operation on integers, for the imp profile (`narrow`: 32-bit integers)
/// or stock Squirrel. A plain function, so the interpreter, which knows its profile
/// statically, pays for no profile test.
#[inline(always)]
pub(crate) fn int_bitwise(narrow: bool, op: BitOp, x: i64, y: i64) -> i64 {
    let r = match op {
        BitOp::And => x & y,
        BitOp::Or => x | y,
        BitOp::Xor => x ^ y,
        BitOp::Shl => x.wrapping_shl(y as u32),
        BitOp::Shr => x.wrapping_shr(y as u32),
        BitOp::UShr if narrow => ((x as u32).wrapping_shr(y as u32)) as i32 as i64,
        BitOp::UShr => ((x as u64).wrapping_shr(y as u32)) as i64,
    };
    if narrow {
        r as i32 as i64
    } else {
        r
    }
}
