//! Arithmetic and comparison on arbitrary operands.

use super::*;
use crate::api::vm::{Fail, Profile, Vm};
use crate::heap::object::*;
use crate::heap::string::c_str;
use crate::heap::value::*;

impl Vm {
    // ----- arithmetic -----------------------------------------------------------------

    /// `a op b` for every operand combination (the interpreter inlines int/int).
    pub(crate) fn arith(&mut self, op: ArithOp, a: Value, b: Value) -> Result<Value, Fail> {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => self.int_arith(op, x, y),
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                let (x, y) = (as_f32(a), as_f32(b));
                Ok(Value::Float(match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x * y,
                    ArithOp::Div => x / y,
                    ArithOp::Mod => (x as f64 % y as f64) as f32,
                }))
            }
            _ if op == ArithOp::Add && (matches!(a, Value::Str(_)) || matches!(b, Value::Str(_))) => self.concat(a, b),
            _ => {
                if let Some(mm) = self.meta_of(a, op.meta()) {
                    return self.call_own(mm, a, &[b]);
                }
                let (ta, tb) = (a.type_of(), b.type_of());
                Err(self.error(format!("arith op {} on between '{ta}' and '{tb}'", op.symbol())))
            }
        }
    }

    pub(crate) fn int_arith(&mut self, op: ArithOp, x: i64, y: i64) -> Result<Value, Fail> {
        let r = match op {
            ArithOp::Add => x.wrapping_add(y),
            ArithOp::Sub => x.wrapping_sub(y),
            ArithOp::Mul => x.wrapping_mul(y),
            ArithOp::Div => {
                if y == 0 {
                    return Err(self.error("division by zero"));
                }
                // MIN / -1 overflows. The reference's `/` on two integers divides
                // unchecked, and x86 `idiv` kills it with SIGFPE; we raise the error its
                // checked path (compound assignment to a slot) gives for a 32-bit MIN.
                let min = match self.profile {
                    Profile::Squirrel => i64::MIN,
                    Profile::Imp => i64::from(i32::MIN),
                };
                if y == -1 && x == min {
                    return Err(self.error("integer overflow"));
                }
                x.wrapping_div(y)
            }
            ArithOp::Mod => {
                if y == 0 {
                    return Err(self.error("modulo by zero"));
                }
                if y == -1 {
                    0
                } else {
                    x.wrapping_rem(y)
                }
            }
        };
        Ok(Value::Int(self.profile.wrap(r)))
    }

    pub(crate) fn bitwise(&mut self, op: BitOp, a: Value, b: Value) -> Result<Value, Fail> {
        let (Value::Int(x), Value::Int(y)) = (a, b) else {
            let (ta, tb) = (a.type_of(), b.type_of());
            return Err(self.error(format!("bitwise op between '{ta}' and '{tb}'")));
        };
        Ok(Value::Int(int_bitwise(self.profile == crate::Profile::Imp, op, x, y)))
    }

    pub(crate) fn negate(&mut self, a: Value) -> Result<Value, Fail> {
        match a {
            Value::Int(i) => Ok(Value::Int(self.profile.wrap(i.wrapping_neg()))),
            Value::Float(f) => Ok(Value::Float(-f)),
            _ => {
                if let Some(mm) = self.meta_of(a, Meta::Unm) {
                    return self.call_own(mm, a, &[]);
                }
                let t = a.type_of();
                Err(self.error(format!("attempt to negate a {t}")))
            }
        }
    }

    // ----- comparison -----------------------------------------------------------------

    /// `==`: numbers by value across int/float, everything else by identity.
    #[inline]
    pub(crate) fn equals(&self, a: Value, b: Value) -> bool {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Float(x), Value::Float(y)) => x == y,
            (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => x as f32 == y,
            _ => a.raw_eq(b),
        }
    }

    /// Three-way comparison for `< <= > >= <=>` (negative, zero, positive). As in the
    /// reference, two floats are equal only with the same bits and otherwise "greater"
    /// unless `<` holds, so `-0.0 > 0.0` and `0.0 > -0.0` are both true and NaN is
    /// greater than anything but itself.
    pub(crate) fn compare(&mut self, a: Value, b: Value) -> Result<i64, Fail> {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => Ok((x > y) as i64 - (x < y) as i64),
            (Value::Float(x), Value::Float(y)) => Ok(float_order(x, y)),
            (Value::Int(x), Value::Float(y)) => Ok(mixed_order(x as f32, y)),
            (Value::Float(x), Value::Int(y)) => Ok(mixed_order(x, y as f32)),
            (Value::Str(x), Value::Str(y)) => {
                if x == y {
                    return Ok(0);
                }
                let (p, q) = (self.heap.str(x), self.heap.str(y));
                Ok(strcmp(p, q, self.profile))
            }
            _ if a.type_of() == b.type_of() => {
                if a.raw_eq(b) {
                    return Ok(0);
                }
                if a.may_have_metamethods() {
                    if let Some(mm) = self.meta_of(a, Meta::Cmp) {
                        return match self.call_own(mm, a, &[b])? {
                            Value::Int(i) => Ok(i),
                            _ => Err(self.error("_cmp must return an integer")),
                        };
                    }
                }
                let (x, y) = (raw_bits(a), raw_bits(b));
                Ok(if x < y { -1 } else { 1 })
            }
            (Value::Null, _) => Ok(-1),
            (_, Value::Null) => Ok(1),
            _ => {
                let (x, y) = (self.print_obj_val(a), self.print_obj_val(b));
                Err(self.error(format!("comparison between '{}' and '{}'", truncate50(&x), truncate50(&y))))
            }
        }
    }
}

/// C `strcmp` on byte strings as the profile's reference answers it: both stop at the
/// first NUL; x86-64 glibc (the squirrel profile's `sq`) returns the difference of the
/// first differing bytes, unsigned (`"abc" <=> "ab"` is 99, `"\xff" <=> "a"` is 158);
/// i386 glibc (the 32-bit `sq` the imp profile follows) returns -1 or 1.
fn strcmp(a: &[u8], b: &[u8], profile: Profile) -> i64 {
    let (a, b) = (c_str(a), c_str(b));
    let at = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let diff = i64::from(a.get(at).copied().unwrap_or(0)) - i64::from(b.get(at).copied().unwrap_or(0));
    match profile {
        Profile::Squirrel => diff,
        Profile::Imp => diff.signum(),
    }
}

fn raw_bits(v: Value) -> u64 {
    match v {
        Value::Bool(b) => b as u64,
        other => other.object_id().unwrap_or(0) as u64,
    }
}

/// `compare` of two floats: equal only with the same bits, else below or above.
#[inline(always)]
pub(crate) fn float_order(x: f32, y: f32) -> i64 {
    if x.to_bits() == y.to_bits() {
        0
    } else if x < y {
        -1
    } else {
        1
    }
}

/// `compare` of an integer and a float, both as floats: equal by value (so `0 <=> -0.0`
/// is 0, unlike two floats), else below or above.
#[inline(always)]
pub(crate) fn mixed_order(x: f32, y: f32) -> i64 {
    if x == y {
        0
    } else if x < y {
        -1
    } else {
        1
    }
}
