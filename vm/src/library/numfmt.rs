//! C `printf`-style number formatting, byte-exact with glibc.
//!
//! Squirrel turns floats into text with `printf("%g")` and its `format()` library
//! function hands whole conversion specs to `sprintf`, so scripts observe glibc's exact
//! output: `1e+20`, `1e-05`, `-0`, `-nan`, `0x0000ff`. This module reproduces those
//! conversions (`%d %u %o %x %X %f %e %E %g %G` with flags, width and precision)
//! without calling C. Decimal digits are correctly rounded, ties to even on the exact
//! binary value, as glibc rounds: short precisions of moderate numbers (`%g` of everyday
//! Squirrel floats) by exact integer arithmetic, the rest by Rust's exact formatter; this
//! module then lays them out as C does, including glibc's own quirks. Output goes
//! straight into a caller's `Vec<u8>`; digits wait in a stack buffer, so formatting a
//! number allocates nothing beyond growing that `Vec` (only precisions above 60-odd
//! digits spill to the heap).

use std::fmt::Write as _;

/// The flags, width and precision of one conversion (`%-+ #0W.Pc`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// `-`: pad on the right instead of the left.
    pub left: bool,
    /// `+`: always print a sign on signed conversions.
    pub plus: bool,
    /// ` `: print a space where a `+` would go.
    pub space: bool,
    /// `#`: the alternate form (`0x`, leading `0`, kept `.` and trailing zeros).
    pub alt: bool,
    /// `0`: pad with zeros after the sign instead of spaces before it.
    pub zero: bool,
    /// Minimum field width.
    pub width: usize,
    /// Digits after the point (`f`, `e`), significant digits (`g`) or minimum digits
    /// (integers); `None` when the spec has no `.`.
    pub precision: Option<usize>,
}

impl Spec {
    /// A spec with the flags (`-+ #0`) that start at `fmt[at..]`, and the index after
    /// them.
    pub fn with_flags(fmt: &[u8], at: usize) -> (Spec, usize) {
        let mut spec = Spec::default();
        let mut i = at;
        while let Some(&c) = fmt.get(i) {
            match c {
                b'-' => spec.left = true,
                b'+' => spec.plus = true,
                b' ' => spec.space = true,
                b'#' => spec.alt = true,
                b'0' => spec.zero = true,
                _ => break,
            }
            i += 1;
        }
        (spec, i)
    }
}

/// Which float conversion: `f`, `e` or `g`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatStyle {
    Fixed,
    Exp,
    General,
}

/// The radix (and letter case) of an unsigned conversion: `u`, `o`, `x`, `X`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Radix {
    Dec,
    Oct,
    Hex,
    HexUpper,
}

/// Beyond this many digits after the point every f64 is exact, so longer precisions
/// are produced by appending zeros instead of asking the formatter for them.
const EXACT_DIGITS: usize = 1100;

/// Writes `v` as C's `%g` (six significant digits): how Squirrel prints a float.
pub fn write_g(out: &mut Vec<u8>, v: f64) {
    write_float(out, v, FloatStyle::General, false, &Spec::default());
}

/// Writes `v` as C's `%f`/`%e`/`%g` (`%E`/`%G` with `upper`) under `spec`.
pub fn write_float(out: &mut Vec<u8>, v: f64, style: FloatStyle, upper: bool, spec: &Spec) {
    let start = out.len();
    out.extend_from_slice(sign_of(v.is_sign_negative(), spec));
    let body = out.len();
    if !v.is_finite() {
        let text: &[u8] = match (v.is_nan(), upper) {
            (true, false) => b"nan",
            (true, true) => b"NAN",
            (false, false) => b"inf",
            (false, true) => b"INF",
        };
        out.extend_from_slice(text);
        // C never zero-pads infinities and NaNs.
        pad(out, start, body, &Spec { zero: false, ..*spec });
        return;
    }
    let a = v.abs();
    let precision = spec.precision.unwrap_or(6);
    let mut digits = DigitBuf::new();
    match style {
        FloatStyle::Fixed => {
            if let Some(q) = round_fixed(a, precision) {
                let mut buf = [0u8; 22];
                let q = radix_digits(&mut buf, q, Radix::Dec);
                // The integer part (at least a 0), the point, zeros, the rest.
                let whole = q.len().saturating_sub(precision);
                out.extend_from_slice(if whole == 0 { b"0" } else { &q[..whole] });
                if precision > 0 {
                    out.push(b'.');
                    out.resize(out.len() + precision - (q.len() - whole), b'0');
                    out.extend_from_slice(&q[whole..]);
                }
            } else {
                // Rust's fixed notation is C's, digit for digit.
                let exact = precision.min(EXACT_DIGITS);
                write_rust(out, format_args!("{a:.exact$}"));
                out.resize(out.len() + precision - exact, b'0');
            }
            if spec.alt && precision == 0 {
                out.push(b'.');
            }
        }
        FloatStyle::Exp => {
            let exp = digits.round(a, precision.min(EXACT_DIGITS) + 1);
            let d = digits.as_slice();
            out.push(d[0]);
            if precision > 0 || spec.alt {
                out.push(b'.');
            }
            out.extend_from_slice(&d[1..]);
            out.resize(out.len() + precision + 1 - d.len(), b'0');
            push_exponent(out, exp, upper);
        }
        FloatStyle::General => {
            let p = precision.max(1);
            let exp = digits.round(a, p.min(EXACT_DIGITS + 1));
            let d = digits.as_slice();
            // Zeros past the exactly formatted digits, for huge precisions.
            let extra = p - d.len();
            if exp < -4 || exp >= p as i32 {
                out.push(d[0]);
                if spec.alt && exp == p as i32 && exact_exponent(a) < exp {
                    // glibc quirk: when rounding carries a `%#g` number out of fixed
                    // notation (99999.95 → 1.e+05), it keeps fixed notation's count of
                    // fraction digits, which is zero.
                    out.push(b'.');
                } else {
                    push_fraction(out, &d[1..], extra, spec.alt);
                }
                push_exponent(out, exp, upper);
            } else if exp >= 0 {
                let point = exp as usize + 1;
                out.extend_from_slice(&d[..point]);
                push_fraction(out, &d[point..], extra, spec.alt);
            } else {
                // 0.000ddd: the point, the zeros after it, then the significant digits.
                out.extend_from_slice(b"0.");
                out.resize(out.len() + (-exp - 1) as usize, b'0');
                let kept = if spec.alt { d.len() } else { trimmed_len(d) };
                out.extend_from_slice(&d[..kept]);
                if spec.alt {
                    out.resize(out.len() + extra, b'0');
                }
            }
        }
    }
    pad(out, start, body, spec);
}

/// Writes a signed integer as C's `%d`/`%i` under `spec`.
pub fn write_int(out: &mut Vec<u8>, v: i64, spec: &Spec) {
    let sign = sign_of(v < 0, spec);
    let mut buf = [0u8; 22];
    let digits = radix_digits(&mut buf, v.unsigned_abs(), Radix::Dec);
    write_digits(out, sign, b"", digits, spec);
}

/// Writes an unsigned integer as C's `%u`/`%o`/`%x`/`%X` under `spec`; callers pass
/// the value already reinterpreted at their integer width (`-1` as 32 or 64 ones).
pub fn write_uint(out: &mut Vec<u8>, v: u64, radix: Radix, spec: &Spec) {
    let mut buf = [0u8; 22];
    let digits = radix_digits(&mut buf, v, radix);
    // `#o` forces a leading zero digit, unless the precision already pads with zeros.
    let octal_zero = match spec.precision {
        _ if v == 0 => spec.precision == Some(0),
        Some(p) => p <= digits.len(),
        None => true,
    };
    let prefix: &[u8] = match radix {
        Radix::Hex if spec.alt && v != 0 => b"0x",
        Radix::HexUpper if spec.alt && v != 0 => b"0X",
        Radix::Oct if spec.alt && octal_zero => b"0",
        _ => b"",
    };
    write_digits(out, b"", prefix, digits, spec);
}

/// The sign a signed conversion prints: `-`, or what the `+`/` ` flags ask for.
fn sign_of(negative: bool, spec: &Spec) -> &'static [u8] {
    if negative {
        b"-"
    } else if spec.plus {
        b"+"
    } else if spec.space {
        b" "
    } else {
        b""
    }
}

/// Formats `v`'s digits into the end of `buf` and returns them (`0` → `"0"`).
fn radix_digits(buf: &mut [u8; 22], mut v: u64, radix: Radix) -> &[u8] {
    let (base, table): (u64, &[u8; 16]) = match radix {
        Radix::Dec => (10, b"0123456789abcdef"),
        Radix::Oct => (8, b"0123456789abcdef"),
        Radix::Hex => (16, b"0123456789abcdef"),
        Radix::HexUpper => (16, b"0123456789ABCDEF"),
    };
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = table[(v % base) as usize];
        v /= base;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Lays out an integer: precision gives minimum digits (precision 0 prints nothing for
/// zero) and turns off the `0` flag, as in C.
fn write_digits(out: &mut Vec<u8>, sign: &[u8], prefix: &[u8], digits: &[u8], spec: &Spec) {
    let (digits, min_digits, spec) = match spec.precision {
        Some(0) if digits == b"0" => (&b""[..], 0, Spec { zero: false, ..*spec }),
        Some(p) => (digits, p, Spec { zero: false, ..*spec }),
        None => (digits, 0, *spec),
    };
    let zeros = min_digits.saturating_sub(digits.len());
    let len = sign.len() + prefix.len() + zeros + digits.len();
    let fill = spec.width.saturating_sub(len);
    if !spec.left && !spec.zero {
        out.resize(out.len() + fill, b' ');
    }
    out.extend_from_slice(sign);
    out.extend_from_slice(prefix);
    if !spec.left && spec.zero {
        out.resize(out.len() + fill, b'0');
    }
    out.resize(out.len() + zeros, b'0');
    out.extend_from_slice(digits);
    if spec.left {
        out.resize(out.len() + fill, b' ');
    }
}

/// Appends Rust's formatting of `args` to `out`.
fn write_rust(out: &mut Vec<u8>, args: std::fmt::Arguments<'_>) {
    struct Sink<'a>(&'a mut Vec<u8>);
    impl std::fmt::Write for Sink<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.extend_from_slice(s.as_bytes());
            Ok(())
        }
    }
    // The sink never fails and float formatting has no other error.
    let _ = Sink(out).write_fmt(args);
}

/// The significant digits of one number, on the stack unless a long precision needs
/// more room.
struct DigitBuf {
    stack: [u8; 64],
    len: usize,
    /// Holds everything once the stack is outgrown (and is empty until then).
    heap: Vec<u8>,
}

impl DigitBuf {
    fn new() -> Self {
        DigitBuf { stack: [0; 64], len: 0, heap: Vec::new() }
    }

    fn as_slice(&self) -> &[u8] {
        if self.heap.is_empty() {
            &self.stack[..self.len]
        } else {
            &self.heap
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        if self.heap.is_empty() && self.len + bytes.len() <= self.stack.len() {
            self.stack[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
        } else {
            if self.heap.is_empty() {
                self.heap.extend_from_slice(&self.stack[..self.len]);
            }
            self.heap.extend_from_slice(bytes);
        }
    }

    /// Fills the buffer with finite, non-negative `a` rounded to `sig` significant
    /// digits; returns the decimal exponent of the first. Short precisions of moderate
    /// numbers take an exact integer path several times faster than Rust's formatter.
    fn round(&mut self, a: f64, sig: usize) -> i32 {
        if let Some((q, exp)) = round_significant(a, sig) {
            let mut buf = [0u8; 22];
            let q = radix_digits(&mut buf, q, Radix::Dec);
            self.push(q);
            // Only zero has fewer digits than asked for.
            for _ in q.len()..sig {
                self.push(b"0");
            }
            return exp;
        }
        let prec = sig - 1;
        // Writing to this buffer never fails, nor does float formatting.
        let _ = self.write_fmt(format_args!("{a:.prec$e}"));
        // Rust wrote `d.ddde-7`: keep the digits, return the exponent.
        let text = if self.heap.is_empty() { &mut self.stack[..self.len] } else { &mut self.heap[..] };
        let e = text.iter().position(|&c| c == b'e').unwrap_or(text.len());
        let (negative, magnitude) = match text.get(e + 1..) {
            Some([b'-', rest @ ..]) => (true, rest),
            rest => (false, rest.unwrap_or_default()),
        };
        let magnitude = magnitude.iter().fold(0i32, |n, &c| n * 10 + i32::from(c - b'0'));
        let exp = if negative { -magnitude } else { magnitude };
        let digits = if e > 1 {
            text.copy_within(2..e, 1);
            e - 1
        } else {
            e
        };
        if self.heap.is_empty() {
            self.len = digits;
        } else {
            self.heap.truncate(digits);
        }
        exp
    }
}

impl std::fmt::Write for DigitBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

/// Powers of ten up to the largest a u128 holds.
const POW10: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut i = 1;
    while i < t.len() {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `a` (finite, non-negative) rounded half-to-even to `p` significant digits, as the
/// digits and the decimal exponent of the first, when the exact arithmetic fits in
/// u128; `None` sends the caller to the general formatter.
fn round_significant(a: f64, p: usize) -> Option<(u64, i32)> {
    if a == 0.0 {
        return (p <= 17).then_some((0, 0));
    }
    if p > 17 {
        return None;
    }
    // a = m * 2^e exactly.
    let bits = a.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (m, e) = if biased == 0 { (fraction, -1074) } else { (fraction | 1 << 52, biased - 1075) };
    // floor(log10(a)) is this estimate or one more; the loop corrects it.
    let log2 = 63 - m.leading_zeros() as i32 + e;
    let mut exp = (f64::from(log2) * std::f64::consts::LOG10_2).floor() as i32;
    for _ in 0..3 {
        // q = a * 10^(p - 1 - exp) as the fraction num / den.
        let scale = p as i32 - 1 - exp;
        let (mut num, mut den) = (u128::from(m), 1u128);
        if scale >= 0 {
            num = num.checked_mul(*POW10.get(scale as usize)?)?;
        } else {
            den = *POW10.get(scale.unsigned_abs() as usize)?;
        }
        // Shift by 2^|e| only when no bit falls off the top.
        let shift = e.unsigned_abs();
        let target = if e >= 0 { &mut num } else { &mut den };
        if target.leading_zeros() <= shift {
            return None;
        }
        *target <<= shift;
        let q = num / den;
        if q >= POW10[p] {
            exp += 1;
            continue;
        }
        if q < POW10[p - 1] {
            exp -= 1;
            continue;
        }
        let rest = num - q * den;
        let mut q = q as u64;
        if rest > den - rest || (rest == den - rest && q % 2 == 1) {
            q += 1;
            if u128::from(q) == POW10[p] {
                q /= 10;
                exp += 1;
            }
        }
        return Some((q, exp));
    }
    None
}

/// `a` (finite, non-negative) times `10^p`, rounded half-to-even to an integer, when
/// the exact arithmetic fits in u128 and the result in u64: the digits of C's `%.pf`
/// without the point, several times faster than Rust's exact formatter.
fn round_fixed(a: f64, p: usize) -> Option<u64> {
    // a = m * 2^e exactly.
    let bits = a.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (m, e) = if biased == 0 { (fraction, -1074) } else { (fraction | 1 << 52, biased - 1075) };
    let num = u128::from(m).checked_mul(*POW10.get(p)?)?;
    let q = if e >= 0 {
        (num.leading_zeros() > e as u32).then(|| num << e)?
    } else {
        let k = e.unsigned_abs();
        if k >= 127 {
            return None;
        }
        let (q, rest, half) = (num >> k, num & ((1 << k) - 1), 1u128 << (k - 1));
        if rest > half || (rest == half && q % 2 == 1) {
            q + 1
        } else {
            q
        }
    };
    u64::try_from(q).ok()
}

/// The decimal exponent of `a`'s exact value, before any rounding (`99999.95` → 4).
fn exact_exponent(a: f64) -> i32 {
    // 767 significant digits hold any f64 exactly, so nothing rounds up.
    DigitBuf::new().round(a, 768)
}

/// Appends C's exponent: `e`, its sign, at least two digits.
fn push_exponent(out: &mut Vec<u8>, exp: i32, upper: bool) {
    out.push(if upper { b'E' } else { b'e' });
    out.push(if exp < 0 { b'-' } else { b'+' });
    let mag = exp.unsigned_abs();
    if mag < 10 {
        out.push(b'0');
    }
    let mut buf = [0u8; 22];
    out.extend_from_slice(radix_digits(&mut buf, u64::from(mag), Radix::Dec));
}

/// Appends the fraction of a `%g` number, `frac` plus `extra` zeros: without `#`,
/// trailing zeros and a bare point are dropped.
fn push_fraction(out: &mut Vec<u8>, frac: &[u8], extra: usize, alt: bool) {
    if alt {
        out.push(b'.');
        out.extend_from_slice(frac);
        out.resize(out.len() + extra, b'0');
    } else if trimmed_len(frac) > 0 {
        out.push(b'.');
        out.extend_from_slice(&frac[..trimmed_len(frac)]);
    }
}

/// The length of `digits` without its trailing zeros.
fn trimmed_len(digits: &[u8]) -> usize {
    digits.iter().rposition(|&c| c != b'0').map_or(0, |i| i + 1)
}

/// Pads the conversion written from `start` (its sign, then its body from `body`) to
/// the width: spaces before the sign, zeros after it (`0`), or spaces after all (`-`).
fn pad(out: &mut Vec<u8>, start: usize, body: usize, spec: &Spec) {
    let fill = spec.width.saturating_sub(out.len() - start);
    if fill == 0 {
        return;
    }
    if spec.left {
        out.resize(out.len() + fill, b' ');
        return;
    }
    let (at, byte) = if spec.zero { (body, b'0') } else { (start, b' ') };
    out.resize(out.len() + fill, byte);
    out[at..].rotate_right(fill);
    out[at..at + fill].fill(byte);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn g(v: f64) -> String {
        let mut out = Vec::new();
        write_g(&mut out, v);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Parses a C conversion like `%-08.3e` into our arguments (test helper only).
    fn parse(fmt: &str) -> (Spec, u8) {
        let b = fmt.as_bytes();
        let (mut spec, mut i) = Spec::with_flags(b, 1);
        let number = |i: &mut usize| {
            let mut n = 0;
            while let Some(d @ b'0'..=b'9') = b.get(*i) {
                n = n * 10 + usize::from(d - b'0');
                *i += 1;
            }
            n
        };
        spec.width = number(&mut i);
        if b.get(i) == Some(&b'.') {
            i += 1;
            spec.precision = Some(number(&mut i));
        }
        (spec, b[b.len() - 1])
    }

    fn float(fmt: &str, v: f64) -> String {
        let (spec, conv) = parse(fmt);
        let (style, upper) = match conv {
            b'f' => (FloatStyle::Fixed, false),
            b'e' => (FloatStyle::Exp, false),
            b'E' => (FloatStyle::Exp, true),
            b'g' => (FloatStyle::General, false),
            _ => (FloatStyle::General, true),
        };
        let mut out = b"<".to_vec();
        write_float(&mut out, v, style, upper, &spec);
        String::from_utf8_lossy(&out[1..]).into_owned()
    }

    fn int(fmt: &str, v: i64) -> String {
        let (spec, conv) = parse(fmt);
        let mut out = Vec::new();
        match conv {
            b'd' => write_int(&mut out, v, &spec),
            b'u' => write_uint(&mut out, v as u64, Radix::Dec, &spec),
            b'o' => write_uint(&mut out, v as u64, Radix::Oct, &spec),
            b'x' => write_uint(&mut out, v as u64, Radix::Hex, &spec),
            _ => write_uint(&mut out, v as u64, Radix::HexUpper, &spec),
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    #[allow(clippy::approx_constant, clippy::excessive_precision)] // the suite's literals
    fn g_matches_squirrel_float_printing() {
        // num_float_format.out, values as f32 widened like the VM does.
        let cases: &[(f32, &str)] = &[
            (1.0, "1"),
            (0.1, "0.1"),
            (0.5, "0.5"),
            (2.25, "2.25"),
            (100.0, "100"),
            (123456.0, "123456"),
            (1234567.0, "1.23457e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e20, "1e+20"),
            (1.5e-7, "1.5e-07"),
            (3.14159265, "3.14159"),
            (2.0 / 3.0, "0.666667"),
            (1e6, "1e+06"),
            (999999.0, "999999"),
            (-0.0, "-0"),
            (-1.25, "-1.25"),
            (0.1 + 0.2, "0.3"),
            (f32::INFINITY, "inf"),
            (f32::NEG_INFINITY, "-inf"),
            (9999995.0, "1e+07"),
            (0.0, "0"),
            (f32::MAX, "3.40282e+38"),
            (f32::MIN_POSITIVE, "1.17549e-38"),
            (1e-45, "1.4013e-45"),
        ];
        for &(v, want) in cases {
            assert_eq!(g(f64::from(v)), want, "{v:e}");
        }
        let nan = f64::from(f32::INFINITY - f32::INFINITY);
        assert_eq!(g(nan), if nan.is_sign_negative() { "-nan" } else { "nan" });
        assert_eq!(g(f64::NAN), "nan");
        assert_eq!(g(-f64::NAN), "-nan");
    }

    #[test]
    #[allow(clippy::approx_constant)] // the suite's literals
    fn conversions_match_the_reference_format_outputs() {
        // std_string_format.out and probes of the reference interpreter.
        let floats: &[(&str, f64, &str)] = &[
            ("%f", 3.14159, "3.141590"),
            ("%.2f", 3.14159, "3.14"),
            ("%8.3f", 2.5, "   2.500"),
            ("%-8.1f", 2.5, "2.5     "),
            ("%08.2f", -1.5, "-0001.50"),
            ("%+.1f", 2.0, "+2.0"),
            ("%e", 12345.678, "1.234568e+04"),
            ("%.2e", 0.000123, "1.23e-04"),
            ("%E", 1.0, "1.000000E+00"),
            ("%g", 0.5, "0.5"),
            ("%g", 100.0, "100"),
            ("%g", 1e10, "1e+10"),
            ("%g", 0.0001, "0.0001"),
            ("%G", 1e-10, "1E-10"),
            ("%.1f", 3.0, "3.0"),
            ("%.3f", 1.0 / 3.0, "0.333"),
            ("%.0f", 2.5, "2"),
            ("%5.1f", 9.87, "  9.9"),
            ("%10.2f", 1013.25, "   1013.25"),
            ("%#g", 1.0, "1.00000"),
            ("%#.0f", 3.0, "3."),
            ("%#.0e", 3.0, "3.e+00"),
            ("%010.3f", -1.5, "-00001.500"),
            ("%+010.3e", 1.5, "+1.500e+00"),
            ("%010f", f64::INFINITY, "       inf"),
            ("%+f", f64::INFINITY, "+inf"),
            ("%G", f64::INFINITY, "INF"),
            ("%5f", -f64::NAN, " -nan"),
            ("%.3g", 0.0001234, "0.000123"),
            ("%e", 0.0, "0.000000e+00"),
            ("%g", 1e30, "1e+30"),
            ("%f", 16777216.0, "16777216.000000"),
            ("%.3e", 1e-300, "1.000e-300"),
            ("%.0g", 0.5, "0.5"),
            ("%#.3g", 0.0001, "0.000100"),
            ("%.10g", 0.1f32 as f64, "0.1000000015"),
            ("%-+10.2g", 1234.0, "+1.2e+03  "),
            ("% g", 2.0, " 2"),
            // glibc's `%#g` keeps no fraction digits when rounding leaves fixed notation.
            ("%#.5g", 99999.95, "1.e+05"),
            ("%#g", 999999.5, "1.e+06"),
            ("%#.3g", 999.96, "1.e+03"),
            ("%#.5g", 100000.0, "1.0000e+05"),
            ("%#.4g", 999.96, "1000."),
            ("%#.3g", 0.000099999, "0.000100"),
        ];
        for &(fmt, v, want) in floats {
            assert_eq!(float(fmt, v), want, "{fmt} {v:e}");
        }
        let ints: &[(&str, i64, &str)] = &[
            ("%d", 42, "42"),
            ("%5d", 42, "   42"),
            ("%-5d", 42, "42   "),
            ("%05d", 42, "00042"),
            ("%+d", 42, "+42"),
            ("% d", 42, " 42"),
            ("%d", -123, "-123"),
            ("%x", 255, "ff"),
            ("%X", 255, "FF"),
            ("%#x", 255, "0xff"),
            ("%04x", 10, "000a"),
            ("%o", 8, "10"),
            ("%#o", 8, "010"),
            ("%x", -1, "ffffffffffffffff"),
            ("%u", -1, "18446744073709551615"),
            ("%o", -1, "1777777777777777777777"),
            ("%.0d", 0, ""),
            ("%#.0o", 0, "0"),
            ("%#x", 0, "0"),
            ("%#X", 255, "0XFF"),
            ("%+u", 5, "5"),
            ("% x", 5, "5"),
            ("%d", i64::MIN, "-9223372036854775808"),
            ("%05d", -42, "-0042"),
            ("%-05d", -42, "-42  "),
            ("%+05d", 42, "+0042"),
            ("% 05d", 42, " 0042"),
            ("%.5d", -42, "-00042"),
            ("%08.5d", -42, "  -00042"),
            ("%#5o", 8, "  010"),
            ("%#08x", 255, "0x0000ff"),
            ("%#-8x", 255, "0xff    "),
            ("%5.x", 0, "     "),
            ("%12.34d", 1, "0000000000000000000000000000000001"),
        ];
        for &(fmt, v, want) in ints {
            assert_eq!(int(fmt, v), want, "{fmt} {v}");
        }
    }

    #[test]
    fn huge_precisions_are_exact() {
        assert_eq!(float("%.1200f", 1.0).len(), 1202);
        let tiny = float("%.1200e", 5e-324);
        assert!(tiny.starts_with("4.940656458412465441765687928682213723650598026143247"));
        assert!(tiny.ends_with("000e-324"), "{tiny}");
        assert_eq!(float("%#.1200g", 1.5).len(), 1201);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8_000))]
        #[test]
        fn fast_rounding_agrees_with_rusts_exact_formatter(
            v in prop_oneof![any::<f32>().prop_map(f64::from), any::<f64>(), (0u32..100_000).prop_map(|m| f64::from(m) / 64.0)],
            p in 1usize..=17,
        ) {
            let a = v.abs();
            if let (true, Some((q, exp))) = (a.is_finite(), round_significant(a, p)) {
                let rust = format!("{a:.prec$e}", prec = p - 1);
                let (mantissa, rust_exp) = rust.split_once('e').unwrap_or_default();
                let fast = format!("{q:0p$}e{exp}");
                prop_assert_eq!(fast, format!("{}e{}", mantissa.replace('.', ""), rust_exp));
            }
        }

        #[test]
        fn fast_fixed_agrees_with_rusts_exact_formatter(
            v in prop_oneof![any::<f32>().prop_map(f64::from), any::<f64>(), (0u32..100_000).prop_map(|m| f64::from(m) / 64.0)],
            p in 0usize..=20,
        ) {
            let a = v.abs();
            if let (true, Some(q)) = (a.is_finite(), round_fixed(a, p)) {
                let rust = format!("{a:.p$}").replace('.', "");
                let rust = rust.trim_start_matches('0');
                prop_assert_eq!(q.to_string(), if rust.is_empty() { "0" } else { rust });
            }
        }
    }

    /// glibc itself is the oracle: the same conversion through `snprintf`.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    mod glibc {
        use super::*;
        use std::ffi::{c_char, c_int, CString};

        extern "C" {
            fn snprintf(buf: *mut c_char, n: usize, fmt: *const c_char, ...) -> c_int;
        }

        fn c_format(fmt: &str, arg: Arg) -> String {
            let cfmt = CString::new(fmt).unwrap_or_default();
            let mut buf = vec![0u8; 4096];
            // SAFETY: `buf` is writable for its length, `cfmt` is NUL-terminated and the
            // variadic argument has the type its conversion reads.
            let n = unsafe {
                let p = buf.as_mut_ptr().cast::<c_char>();
                match arg {
                    Arg::F(v) => snprintf(p, buf.len(), cfmt.as_ptr(), v),
                    Arg::I(v) => snprintf(p, buf.len(), cfmt.as_ptr(), v),
                }
            };
            buf.truncate(usize::try_from(n).unwrap_or(0).min(4095));
            String::from_utf8_lossy(&buf).into_owned()
        }

        #[derive(Clone, Copy, Debug)]
        enum Arg {
            F(f64),
            I(i64),
        }

        fn flags() -> impl Strategy<Value = String> {
            prop::collection::vec(prop::sample::select(vec!['-', '+', ' ', '#', '0']), 0..4)
                .prop_map(|v| v.into_iter().collect())
        }

        fn spec_text() -> impl Strategy<Value = String> {
            (flags(), prop::option::of(0usize..40), prop::option::of(prop_oneof![4 => 0usize..40, 1 => 40usize..130]))
                .prop_map(|(f, w, p)| {
                    let w = w.map(|w| w.to_string()).unwrap_or_default();
                    let p = p.map(|p| format!(".{p}")).unwrap_or_default();
                    format!("%{f}{w}{p}")
                })
        }

        fn any_float() -> impl Strategy<Value = f64> {
            prop_oneof![
                any::<f32>().prop_map(f64::from),
                any::<f64>(),
                (-20i32..20, 0u32..10_000).prop_map(|(e, m)| f64::from(m) * 10f64.powi(e)),
                (0u32..2000).prop_map(|m| f64::from(m) / 8.0),
                prop::sample::select(vec![
                    0.0,
                    -0.0,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::NAN,
                    -f64::NAN,
                    5e-324,
                    f64::MAX,
                    0.5,
                    9.5,
                    99999.95,
                    0.000099999
                ]),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(8_000))]
            #[test]
            fn floats_match_glibc(spec in spec_text(), conv in prop::sample::select(vec!['f', 'e', 'E', 'g', 'G']), v in any_float()) {
                let fmt = format!("{spec}{conv}");
                prop_assert_eq!(float(&fmt, v), c_format(&fmt, Arg::F(v)), "{} {:e}", fmt, v);
            }

            #[test]
            fn ints_match_glibc(spec in spec_text(), conv in prop::sample::select(vec!['d', 'u', 'o', 'x', 'X']), v in prop_oneof![any::<i64>(), -1000i64..1000]) {
                let ours = int(&format!("{spec}{conv}"), v);
                let cfmt = format!("{spec}ll{conv}");
                prop_assert_eq!(ours, c_format(&cfmt, Arg::I(v)), "{}", cfmt);
            }
        }
    }
}
