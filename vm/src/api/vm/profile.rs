//! Which Squirrel a VM implements: the stock language or the imp's.

use crate::heap::value::Value;

/// Which Squirrel the VM implements.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Profile {
    /// Stock Squirrel 3.2 as `sq` on a 64-bit host: 64-bit integers.
    Squirrel,
    /// Electric Imp: 32-bit integers that wrap.
    Imp,
}

impl Profile {
    /// Narrows an integer to the profile's width.
    #[inline(always)]
    pub fn wrap(self, i: i64) -> i64 {
        match self {
            Profile::Squirrel => i,
            Profile::Imp => i as i32 as i64,
        }
    }

    /// The integer a float converts to, as the profile's C cast `(SQInteger)f` gives it
    /// on its hardware (truncation toward zero within range). The reference on x86-64
    /// (`cvttss2si`) gives the most negative integer for NaN and out-of-range values
    /// (`(1e20).tointeger()` and `(-1e20).tointeger()` are both -2^63). The imp is an ARM
    /// part (Cortex-M3/M4F/R4 modules): VFP `VCVT` and libgcc's soft-float `__aeabi_f2iz`
    /// saturate to the 32-bit range and give 0 for NaN (Arm ARM, VCVT "FPToFixed"),
    /// which is Rust's `as i32`. The 32-bit x86 `sq` gives -2^31 for both instead; see
    /// `tests/conformance-gaps.txt`.
    #[inline]
    pub fn float_to_int(self, f: f32) -> i64 {
        match self {
            Profile::Squirrel if f.is_nan() || f.abs() >= -(i64::MIN as f32) => i64::MIN,
            Profile::Squirrel => f as i64,
            Profile::Imp => i64::from(f as i32),
        }
    }

    /// A number or bool as an integer, as the reference's `sq_getinteger` reads it (floats
    /// convert by [`Profile::float_to_int`], bools are 0/1); `None` for other types.
    pub fn integer_of(self, v: Value) -> Option<i64> {
        match v {
            Value::Int(i) => Some(i),
            Value::Float(f) => Some(self.float_to_int(f)),
            Value::Bool(b) => Some(i64::from(b)),
            _ => None,
        }
    }

    /// The integer a string's byte reads as: the reference on x86 has signed chars
    /// (`"\xBC"[0]` is -68); the imp, an ARM device, has unsigned ones (188), which
    /// is what firmware comparing I2C register bytes with `0xBC` relies on.
    #[inline]
    pub fn char_value(self, byte: u8) -> i64 {
        match self {
            Profile::Squirrel => i64::from(byte as i8),
            Profile::Imp => i64::from(byte),
        }
    }

    /// The syntax the profile's compiler accepts.
    pub fn dialect(self) -> crate::syntax::Dialect {
        match self {
            Profile::Squirrel => crate::syntax::Dialect::Squirrel32,
            Profile::Imp => crate::syntax::Dialect::Imp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_wraps_integers() {
        assert_eq!(Profile::Imp.wrap(0x1_0000_0001), 1);
        assert_eq!(Profile::Squirrel.wrap(0x1_0000_0001), 0x1_0000_0001);
    }
}
