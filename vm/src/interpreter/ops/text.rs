//! Values as text: concatenation, `tostring`, `typeof`, and how numbers print.

use super::*;
use crate::api::vm::{Fail, Vm};
use crate::compiler::bytecode::{Instr, Proto};
use crate::heap::object::*;
use crate::heap::value::*;

/// C `printf("%g")` of a float (how Squirrel prints floats).
pub fn format_float(f: f64) -> String {
    let mut out = Vec::new();
    crate::library::numfmt::write_g(&mut out, f);
    String::from_utf8_lossy(&out).into_owned()
}

/// C `printf("%.<prec>g")` (error messages use 14 digits).
pub fn format_float_prec(f: f64, prec: usize) -> String {
    let mut out = Vec::new();
    let spec = crate::library::numfmt::Spec { precision: Some(prec), ..Default::default() };
    crate::library::numfmt::write_float(&mut out, f, crate::library::numfmt::FloatStyle::General, false, &spec);
    String::from_utf8_lossy(&out).into_owned()
}

impl Vm {
    /// String concatenation with `tostring` semantics on both sides. Only the result
    /// is interned (see `Text`).
    pub(crate) fn concat(&mut self, a: Value, b: Value) -> Result<Value, Fail> {
        let a = self.as_text(a)?;
        let b = self.as_text(b)?;
        let mut text = Text::new();
        text.push(self, a, b)?;
        text.push(self, b, Value::Null)?;
        Ok(Value::Str(text.finish(self)))
    }

    /// `first + x1 + x2 + ...` for `Op::Concat`: each `+` exactly as `arith` does it,
    /// left to right, and each operand read only when its `+` comes (a metamethod of
    /// an earlier step may assign a local it names). Once the running value is a
    /// string, the rest of the text is appended to it in one buffer, so only the final
    /// string is interned.
    pub(crate) fn concat_chain(
        &mut self,
        base: usize,
        first: Value,
        words: &[Instr],
        proto: &Proto,
    ) -> Result<Value, Fail> {
        let mut acc = first;
        // Whether the running value became a string (then its text is in `text`).
        let mut is_text = false;
        let mut text = Text::new();
        for w in words {
            let v = match w.a {
                0 => self.ex.stack[base + w.b as usize],
                _ => proto.consts.get(w.d as usize).copied().unwrap_or(Value::Null),
            };
            if is_text {
                // The running value is a string: `+` appends `v`'s text. Pushed apart
                // from the `_tostring` case: joined, the two ways built `v` on the stack
                // in halves and read it back whole (a failed store forward: strbuild.nut,
                // a fifth of this function's time).
                if v.may_have_metamethods() {
                    let v = self.as_text(v)?;
                    text.push(self, v, Value::Null)?;
                } else {
                    text.push(self, v, Value::Null)?;
                }
            } else if matches!(acc, Value::Str(_)) || matches!(v, Value::Str(_)) {
                let a = self.as_text(acc)?;
                let b = self.as_text(v)?;
                text.push(self, a, b)?;
                text.push(self, b, Value::Null)?;
                is_text = true;
            } else {
                acc = self.arith(ArithOp::Add, acc, v)?;
            }
        }
        Ok(if is_text { Value::Str(text.finish(self)) } else { acc })
    }

    /// Writes the text of `v` at `out[at..]` when it is a string or an integer that
    /// fits, and returns where it ends; None (leaving the rest to `push_plain`)
    /// otherwise. The common concatenations are built here, on the stack, without a
    /// `Vec` or `memcpy` call.
    #[inline(always)]
    fn put_short(&self, v: Value, out: &mut [u8; SHORT_TEXT], at: usize) -> Option<usize> {
        match v {
            Value::Str(s) => {
                let text = self.heap.strings.get(s);
                let end = at + text.bytes().len();
                // An inline body is copied whole (a fixed-size move, no length cases):
                // the bytes after `end` are overwritten or ignored.
                if let (Some(window), Some(dst)) = (text.inline_window(), out.get_mut(at..at + INLINE_WINDOW)) {
                    dst.copy_from_slice(window);
                    return Some(end);
                }
                let dst = out.get_mut(at..end)?;
                crate::heap::string::copy_short(dst, text.bytes());
                Some(end)
            }
            Value::Int(i) => {
                let end = at + int_len(i);
                write_int(out.get_mut(at..end)?, i);
                Some(end)
            }
            _ => None,
        }
    }

    /// `v` itself when its text needs no metamethod, else the string `_tostring` gives.
    #[inline]
    fn as_text(&mut self, v: Value) -> Result<Value, Fail> {
        match v.may_have_metamethods() {
            true => Ok(Value::Str(self.tostring(v)?)),
            false => Ok(v),
        }
    }

    // ----- conversions ----------------------------------------------------------------

    /// `tostring` semantics: numbers formatted, `_tostring` honoured.
    pub(crate) fn tostring(&mut self, v: Value) -> Result<StrId, Fail> {
        match v {
            Value::Str(s) => Ok(s),
            Value::Table(_) | Value::Instance(_) | Value::UserData(_) => {
                if let Some(mm) = self.meta_of(v, Meta::ToString) {
                    let r = self.call_own(mm, v, &[])?;
                    if let Value::Str(s) = r {
                        return Ok(s);
                    }
                    return self.tostring(r);
                }
                let s = self.plain_string(v);
                Ok(self.heap.intern(&s))
            }
            // Written on the stack, not in a `Vec` (`i.tostring()` in encoders is hot).
            Value::Int(i) => Ok(self.heap.intern(int_text(&mut [0; INT_TEXT], i))),
            _ => {
                let s = self.plain_string(v);
                Ok(self.heap.intern(&s))
            }
        }
    }

    /// The text of a value without calling metamethods.
    pub(crate) fn plain_string(&self, v: Value) -> Vec<u8> {
        let mut out = Vec::new();
        self.push_plain(v, &mut out);
        out
    }

    /// Checks a concatenation growing its buffer (of capacity `cap`) to `len` bytes,
    /// `keep` alive should the check collect: the text is copied once more when
    /// interned, and building a long text costs a budget instruction per 16 bytes.
    #[inline(never)]
    fn text_room(&mut self, len: usize, cap: usize, keep: [Value; 2]) -> Result<(), Fail> {
        let grow = len.saturating_sub(cap);
        self.charge((len / 16) as u64)?;
        self.reserve_keeping(len + grow, &keep)
    }

    /// Appends the text of a value without calling metamethods.
    pub(crate) fn push_plain(&self, v: Value, out: &mut Vec<u8>) {
        match v {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
            Value::Int(i) => push_int(out, i),
            Value::Float(f) => out.extend_from_slice(format_float(f as f64).as_bytes()),
            Value::Str(s) => out.extend_from_slice(self.heap.str(s)),
            other => {
                let id = other.object_id().unwrap_or(0) as u64;
                let addr = 0x5555_0000_0000u64 + ((other.tag() as u64) << 28) + id * 0x40;
                out.extend_from_slice(format!("({} : 0x{:016x})", other.type_of(), addr).as_bytes());
            }
        }
    }

    /// `typeof v` (honours `_typeof`).
    pub(crate) fn type_of_value(&mut self, v: Value) -> Result<Value, Fail> {
        if v.may_have_metamethods() {
            if let Some(mm) = self.meta_of(v, Meta::Typeof) {
                return self.call_own(mm, v, &[]);
            }
        }
        Ok(self.type_name(v))
    }

    /// The raw type name of `v` as an interned string.
    #[inline]
    pub(crate) fn type_name(&self, v: Value) -> Value {
        let i = match v.type_of() {
            Type::Null => 0,
            Type::Bool => 1,
            Type::Integer => 2,
            Type::Float => 3,
            Type::String => 4,
            Type::Table => 5,
            Type::Array => 6,
            Type::Function => 7,
            Type::Class => 8,
            Type::Instance => 9,
            Type::Generator => 10,
            Type::Thread => 11,
            Type::WeakRef => 12,
            Type::UserData => 13,
        };
        Value::Str(self.names.types[i])
    }
}

/// How many bytes `Vm::put_short` copies for an inline string.
const INLINE_WINDOW: usize = crate::heap::string::INLINE;

/// The longest concatenation `Vm::put_short` builds on the stack.
const SHORT_TEXT: usize = 64;

/// The text of a concatenation being built: on the stack while it is short and made
/// of strings and integers, else in the VM's scratch buffer.
struct Text {
    short: [u8; SHORT_TEXT],
    len: usize,
    long: Option<Vec<u8>>,
}

impl Text {
    #[inline(always)]
    fn new() -> Text {
        Text { short: [0; SHORT_TEXT], len: 0, long: None }
    }

    /// Appends the text of `v` (a value `as_text` returned: no metamethod left);
    /// `pending` is the operand still to come, kept alive should the memory check
    /// collect. The check runs only once the text outgrows the stack.
    #[inline(always)]
    fn push(&mut self, vm: &mut Vm, v: Value, pending: Value) -> Result<(), Fail> {
        let long = match &mut self.long {
            Some(long) => long,
            None => {
                if let Some(end) = vm.put_short(v, &mut self.short, self.len) {
                    self.len = end;
                    return Ok(());
                }
                let mut buf = std::mem::take(&mut vm.scratch);
                buf.clear();
                buf.extend_from_slice(&self.short[..self.len]);
                self.long.insert(buf)
            }
        };
        let Value::Str(s) = v else {
            vm.push_plain(v, long);
            return Ok(());
        };
        let n = vm.heap.str(s).len();
        // Within the buffer's capacity and off the budget, there is nothing to check.
        if n > long.capacity() - long.len() || vm.metering {
            if let Err(e) = vm.text_room(long.len() + n, long.capacity(), [v, pending]) {
                vm.scratch = self.long.take().unwrap_or_default();
                return Err(e);
            }
        }
        long.extend_from_slice(vm.heap.str(s));
        Ok(())
    }

    /// Interns the text (and gives the scratch buffer back). By reference, so the
    /// buffer is not copied to a new place first.
    #[inline(always)]
    fn finish(&mut self, vm: &mut Vm) -> StrId {
        match self.long.take() {
            None => vm.heap.intern(&self.short[..self.len]),
            Some(buf) => {
                let s = vm.heap.intern(&buf);
                vm.scratch = buf;
                s
            }
        }
    }
}

/// Appends the decimal text of `i` (no formatter machinery: concatenation is hot).
fn push_int(out: &mut Vec<u8>, i: i64) {
    out.extend_from_slice(int_text(&mut [0; INT_TEXT], i));
}

/// The decimal text of `i`, written at the start of `buf`.
#[inline(always)]
fn int_text(buf: &mut [u8; INT_TEXT], i: i64) -> &[u8] {
    let text = &mut buf[..int_len(i)];
    write_int(text, i);
    text
}

/// The longest decimal text of an `i64` (`i64::MIN`: a sign and 19 digits).
const INT_TEXT: usize = 20;

/// The length of the decimal text of `i`.
#[inline(always)]
fn int_len(i: i64) -> usize {
    (i < 0) as usize + decimal_len(i.unsigned_abs())
}

/// Writes the decimal text of `i` into `out`, which is `int_len(i)` long.
#[inline(always)]
fn write_int(out: &mut [u8], i: i64) {
    let digits = match out.split_first_mut() {
        Some((sign, rest)) if i < 0 => {
            *sign = b'-';
            rest
        }
        _ => out,
    };
    write_decimal(digits, i.unsigned_abs());
}

/// The number of decimal digits of `n`: estimated from its bit length (times
/// log10(2) ~ 1233/4096), then corrected by one comparison.
#[inline(always)]
fn decimal_len(n: u64) -> usize {
    // 0 counts as 1 (one digit).
    let n = n | 1;
    let bits = 64 - n.leading_zeros() as usize;
    let t = (bits * 1233) >> 12;
    t + 1 - (n < POW10[t]) as usize
}

/// 10^0 ... 10^19.
const POW10: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// "00", "01", ... "99": the digits of every value below 100.
const DIGIT_PAIRS: [u8; 200] = {
    let mut t = [0; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// Writes the decimal digits of `n` into `out`, which is `decimal_len(n)` long: two
/// digits per division.
#[inline(always)]
fn write_decimal(out: &mut [u8], mut n: u64) {
    let mut k = out.len();
    while n >= 100 && k >= 2 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        k -= 2;
        out[k..k + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if n >= 10 && k >= 2 {
        let pair = n as usize * 2;
        out[k - 2..k].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    } else if k >= 1 {
        out[k - 1] = b'0' + n as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_g() {
        assert_eq!(format_float(1.0), "1");
        assert_eq!(format_float(0.1f32 as f64), "0.1");
        assert_eq!(format_float(2.0 / 3.0), "0.666667");
        assert_eq!(format_float(1e20), "1e+20");
        assert_eq!(format_float(1234567.0), "1.23457e+06");
        assert_eq!(format_float(1e-5), "1e-05");
        assert_eq!(format_float(-0.0), "-0");
        assert_eq!(format_float(f64::INFINITY), "inf");
        assert_eq!(format_float(100000.0), "100000");
        assert_eq!(format_float(0.0001), "0.0001");
        assert_eq!(format_float_prec(1.23456, 14), "1.23456");
    }

    #[test]
    fn decimal_lengths() {
        let mut cases = vec![0, u64::MAX, u64::MAX / 10];
        for i in 0..20 {
            let p = 10u64.pow(i);
            cases.extend([p - 1, p, p + 1]);
        }
        for n in cases {
            assert_eq!(decimal_len(n), n.to_string().len(), "{n}");
        }
    }

    #[test]
    fn integer_text() {
        for i in [0, 7, -7, 9, 10, -10, 99, 100, 101, -999, 1000, 65536, 1234567890, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            push_int(&mut out, i);
            assert_eq!(out, i.to_string().into_bytes());
        }
    }
}
