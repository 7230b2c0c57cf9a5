//! Squirrel's `format(fmt, ...)` and `printf(fmt, ...)`: the reference string library's
//! printf dialect, byte for byte.
//!
//! The reference checks each `%` spec itself (flags `- + space # 0`, at most two digits
//! of width and of precision, no `*`, no length modifiers), coerces the argument to the
//! conversion's type and then hands the spec to C's `sprintf`; scripts see both its
//! error texts and glibc's output. We parse the same dialect and render with
//! [`impish_vm::numfmt`]. Arguments come through an accessor, not the VM's value type,
//! so this module knows nothing of the heap.

use impish_vm::numfmt::{self, FloatStyle, Radix, Spec};
use impish_vm::Profile;

/// One argument as `format` sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FormatArg<'a> {
    Int(i64),
    /// A Squirrel float (f32) widened to f64.
    Float(f64),
    Bool(bool),
    Str(&'a [u8]),
    /// Any other type (null, table, ...): rejected by every conversion.
    Other,
}

/// Why `format` failed; `Display` is the reference's error text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("not enough parameters for the given format string")]
    NotEnoughParameters,
    #[error("invalid format")]
    InvalidFormat,
    #[error("width format too long")]
    WidthTooLong,
    #[error("precision format too long")]
    PrecisionTooLong,
    #[error("format too long")]
    FormatTooLong,
    #[error("string expected for the specified format")]
    StringExpected,
    #[error("integer expected for the specified format")]
    IntegerExpected,
    #[error("float expected for the specified format")]
    FloatExpected,
}

/// At most this many characters of flags, width, `.` and precision per spec.
const MAX_SPEC_LEN: usize = 20;
/// Width and precision take at most this many digits each.
const MAX_NUMBER_DIGITS: usize = 2;

/// Formats `args` by `fmt` with the reference build's 64-bit integers.
pub fn format(fmt: &[u8], args: &[FormatArg<'_>]) -> Result<Vec<u8>, FormatError> {
    let mut out = Vec::with_capacity(fmt.len() + 16);
    format_into(&mut out, fmt, Profile::Squirrel, |i| args.get(i).copied())?;
    Ok(out)
}

/// Appends `fmt` formatted to `out`, reading argument `i` (0-based, after the format
/// string) through `arg`, which answers `None` past the last argument. Extra arguments
/// are ignored, as in the reference. On error `out` may hold a partial result. The
/// profile's integer width decides how negative numbers look under `%u %o %x %X`, and
/// its float conversion how floats read for integer conversions.
pub fn format_into<'a>(
    out: &mut Vec<u8>,
    fmt: &[u8],
    profile: Profile,
    mut arg: impl FnMut(usize) -> Option<FormatArg<'a>>,
) -> Result<(), FormatError> {
    let mut n = 0;
    let mut next_arg = 0;
    while n < fmt.len() {
        let rest = &fmt[n..];
        let literal = rest.iter().position(|&c| c == b'%').unwrap_or(rest.len());
        out.extend_from_slice(&rest[..literal]);
        n += literal;
        if n >= fmt.len() {
            break;
        }
        if fmt.get(n + 1) == Some(&b'%') {
            out.push(b'%');
            n += 2;
            continue;
        }
        // The reference asks for the argument before it looks at the spec.
        let value = arg(next_arg).ok_or(FormatError::NotEnoughParameters)?;
        let (spec, conv_at) = parse_spec(fmt, n + 1)?;
        let conv = fmt.get(conv_at).copied().unwrap_or(0);
        convert(out, conv, &spec, value, profile)?;
        n = conv_at + 1;
        next_arg += 1;
    }
    Ok(())
}

/// Parses the flags, width and precision starting at `at`; returns them and the index
/// of the conversion character (which may be past the end).
fn parse_spec(fmt: &[u8], at: usize) -> Result<(Spec, usize), FormatError> {
    let byte = |i: usize| fmt.get(i).copied().unwrap_or(0);
    let (mut spec, mut i) = Spec::with_flags(fmt, at);
    let number = |i: &mut usize, too_long: FormatError| {
        let mut value = 0;
        let mut digits = 0;
        while byte(*i).is_ascii_digit() {
            if digits == MAX_NUMBER_DIGITS {
                return Err(too_long);
            }
            value = value * 10 + usize::from(byte(*i) - b'0');
            digits += 1;
            *i += 1;
        }
        Ok(value)
    };
    spec.width = number(&mut i, FormatError::WidthTooLong)?;
    if byte(i) == b'.' {
        i += 1;
        spec.precision = Some(number(&mut i, FormatError::PrecisionTooLong)?);
    }
    if i - at > MAX_SPEC_LEN {
        return Err(FormatError::FormatTooLong);
    }
    Ok((spec, i))
}

/// Renders one conversion of `value`, coercing it as the reference does: integer
/// conversions take ints, floats (truncated) and bools; float conversions take ints
/// and floats; `%s` takes only strings.
fn convert(
    out: &mut Vec<u8>,
    conv: u8,
    spec: &Spec,
    value: FormatArg<'_>,
    profile: Profile,
) -> Result<(), FormatError> {
    match conv {
        b's' => {
            let FormatArg::Str(s) = value else {
                return Err(FormatError::StringExpected);
            };
            // C's `%s` stops at the first NUL byte.
            let s = s.split(|&c| c == 0).next().unwrap_or_default();
            let s = &s[..spec.precision.map_or(s.len(), |p| p.min(s.len()))];
            pad_text(out, s, spec);
        }
        b'c' => {
            // `%c` prints the low byte of the C `int` it receives.
            let byte = int_arg(value, profile)? as u8;
            pad_text(out, &[byte], spec);
        }
        b'd' | b'i' => numfmt::write_int(out, int_arg(value, profile)?, spec),
        b'u' | b'o' | b'x' | b'X' => {
            let v = int_arg(value, profile)?;
            let bits = match profile {
                Profile::Imp => u64::from(v as u32),
                Profile::Squirrel => v as u64,
            };
            let radix = match conv {
                b'u' => Radix::Dec,
                b'o' => Radix::Oct,
                b'x' => Radix::Hex,
                _ => Radix::HexUpper,
            };
            numfmt::write_uint(out, bits, radix, spec);
        }
        b'f' | b'e' | b'E' | b'g' | b'G' => {
            let v = match value {
                FormatArg::Float(f) => f,
                // Squirrel converts to its f32 float first.
                FormatArg::Int(i) => f64::from(i as f32),
                _ => return Err(FormatError::FloatExpected),
            };
            let style = match conv {
                b'f' => FloatStyle::Fixed,
                b'e' | b'E' => FloatStyle::Exp,
                _ => FloatStyle::General,
            };
            numfmt::write_float(out, v, style, conv.is_ascii_uppercase(), spec);
        }
        _ => return Err(FormatError::InvalidFormat),
    }
    Ok(())
}

/// An integer conversion's argument at the profile's width; floats convert as the
/// profile's hardware does (see [`Profile::float_to_int`]).
fn int_arg(value: FormatArg<'_>, profile: Profile) -> Result<i64, FormatError> {
    match value {
        FormatArg::Int(i) => Ok(profile.wrap(i)),
        FormatArg::Bool(b) => Ok(i64::from(b)),
        // The value is a widened f32, so narrowing it back is exact.
        FormatArg::Float(f) => Ok(profile.float_to_int(f as f32)),
        _ => Err(FormatError::IntegerExpected),
    }
}

/// `%s` and `%c`: width pads with spaces (C ignores the `0` flag here).
fn pad_text(out: &mut Vec<u8>, text: &[u8], spec: &Spec) {
    let fill = spec.width.saturating_sub(text.len());
    if !spec.left {
        out.resize(out.len() + fill, b' ');
    }
    out.extend_from_slice(text);
    if spec.left {
        out.resize(out.len() + fill, b' ');
    }
}

#[cfg(test)]
mod tests {
    use super::FormatArg::*;
    use super::FormatError::*;
    use super::*;
    use proptest::prelude::*;

    /// A Squirrel float literal: parsed to f32, widened when formatted.
    fn float(v: f32) -> FormatArg<'static> {
        Float(f64::from(v))
    }

    type Case = (&'static [u8], &'static [FormatArg<'static>], Result<&'static [u8], FormatError>);

    /// Every expectation below is the reference interpreter's output for the same call.
    #[test]
    #[allow(clippy::approx_constant, clippy::excessive_precision)] // the probes' literals
    fn matches_the_reference() {
        let cases: &[Case] = &[
            (b"[%d] [%5d] [%-5d] [%05d] [%+d] [% d]", &[Int(42), Int(42), Int(42), Int(42), Int(42), Int(42)], Ok(b"[42] [   42] [42   ] [00042] [+42] [ 42]")),
            (b"[%i] [%d] [%u]", &[Int(-7), Int(-123), Int(7)], Ok(b"[-7] [-123] [7]")),
            (b"[%x] [%X] [%#x] [%04x] [%o] [%#o]", &[Int(255), Int(255), Int(255), Int(10), Int(8), Int(8)], Ok(b"[ff] [FF] [0xff] [000a] [10] [010]")),
            (b"[%c%c%c]", &[Int(83), Int(113), Int(33)], Ok(b"[Sq!]")),
            (b"[%s] [%8s] [%-8s] [%.3s] [%8.2s]", &[Str(b"str"), Str(b"right"), Str(b"left"), Str(b"truncate"), Str(b"ab")], Ok(b"[str] [   right] [left    ] [tru] [      ab]")),
            (b"[%f] [%.2f] [%8.3f] [%-8.1f] [%08.2f] [%+.1f]", &[Float(3.14159f32 as f64), Float(3.14159f32 as f64), Float(2.5f32 as f64), Float(2.5f32 as f64), Float(-1.5f32 as f64), Float(2.0f32 as f64)], Ok(b"[3.141590] [3.14] [   2.500] [2.5     ] [-0001.50] [+2.0]")),
            (b"[%e] [%.2e] [%E]", &[Float(12345.678f32 as f64), Float(0.000123f32 as f64), Float(1.0f32 as f64)], Ok(b"[1.234568e+04] [1.23e-04] [1.000000E+00]")),
            (b"[%g] [%g] [%g] [%g] [%G]", &[Float(0.5f32 as f64), Float(100.0f32 as f64), Float(1e10f32 as f64), Float(0.0001f32 as f64), Float(1e-10f32 as f64)], Ok(b"[0.5] [100] [1e+10] [0.0001] [1E-10]")),
            (b"100%% done, %d%%", &[Int(50)], Ok(b"100% done, 50%")),
            (b"%.1f %d", &[Int(3), Float(7.9f32 as f64)], Ok(b"3.0 7")),
            (b"plain text", &[], Ok(b"plain text")),
            (b"%d", &[Int(1), Int(2), Int(3)], Ok(b"1")),
            (b"%d", &[], Err(NotEnoughParameters)),
            (b"%s", &[Int(5)], Err(StringExpected)),
            (b"%d", &[Str(b"five")], Err(IntegerExpected)),
            (b"%f", &[Str(b"x")], Err(FloatExpected)),
            (b"%y", &[Int(1)], Err(InvalidFormat)),
            (b"%-10s|%10.2f|", &[Str(b"temp"), Float(21.456f32 as f64)], Ok(b"temp      |     21.46|")),
            (b"%d", &[Float(1e30f32 as f64)], Ok(b"-9223372036854775808")),
            (b"%d", &[Float(-1e30f32 as f64)], Ok(b"-9223372036854775808")),
            (b"%d", &[Float(3.99f32 as f64)], Ok(b"3")),
            (b"%d", &[Float(-3.99f32 as f64)], Ok(b"-3")),
            (b"%d", &[Float(0.5f32 as f64)], Ok(b"0")),
            (b"%d", &[Float(-0.5f32 as f64)], Ok(b"0")),
            (b"%d", &[Float(9.2233720368547758e18f32 as f64)], Ok(b"-9223372036854775808")),
            (b"%d", &[Float(-9.2233720368547758e18f32 as f64)], Ok(b"-9223372036854775808")),
            (b"%d", &[Float(2147483648.0f32 as f64)], Ok(b"2147483648")),
            (b"%d %d", &[Bool(true), Bool(false)], Ok(b"1 0")),
            (b"%f", &[Bool(true)], Err(FloatExpected)),
            (b"%s", &[Bool(true)], Err(StringExpected)),
            (b"%d", &[Other], Err(IntegerExpected)),
            (b"%s", &[Other], Err(StringExpected)),
            (b"%f", &[Other], Err(FloatExpected)),
            (b"%c", &[Other], Err(IntegerExpected)),
            (b"%x", &[Int(-1)], Ok(b"ffffffffffffffff")),
            (b"%x", &[Int(i64::MIN)], Ok(b"8000000000000000")),
            (b"%x", &[Int(9223372036854775807)], Ok(b"7fffffffffffffff")),
            (b"%x", &[Int(0)], Ok(b"0")),
            (b"%u", &[Int(-1)], Ok(b"18446744073709551615")),
            (b"%u", &[Int(i64::MIN)], Ok(b"9223372036854775808")),
            (b"%u", &[Int(9223372036854775807)], Ok(b"9223372036854775807")),
            (b"%u", &[Int(0)], Ok(b"0")),
            (b"%o", &[Int(-1)], Ok(b"1777777777777777777777")),
            (b"%o", &[Int(i64::MIN)], Ok(b"1000000000000000000000")),
            (b"%o", &[Int(9223372036854775807)], Ok(b"777777777777777777777")),
            (b"%o", &[Int(0)], Ok(b"0")),
            (b"%X", &[Int(-1)], Ok(b"FFFFFFFFFFFFFFFF")),
            (b"%X", &[Int(i64::MIN)], Ok(b"8000000000000000")),
            (b"%X", &[Int(9223372036854775807)], Ok(b"7FFFFFFFFFFFFFFF")),
            (b"%X", &[Int(0)], Ok(b"0")),
            (b"%#o", &[Int(-1)], Ok(b"01777777777777777777777")),
            (b"%#o", &[Int(i64::MIN)], Ok(b"01000000000000000000000")),
            (b"%#o", &[Int(9223372036854775807)], Ok(b"0777777777777777777777")),
            (b"%#o", &[Int(0)], Ok(b"0")),
            (b"%#x", &[Int(-1)], Ok(b"0xffffffffffffffff")),
            (b"%#x", &[Int(i64::MIN)], Ok(b"0x8000000000000000")),
            (b"%#x", &[Int(9223372036854775807)], Ok(b"0x7fffffffffffffff")),
            (b"%#x", &[Int(0)], Ok(b"0")),
            (b"%.3d", &[Int(-1)], Ok(b"-001")),
            (b"%.3d", &[Int(i64::MIN)], Ok(b"-9223372036854775808")),
            (b"%.3d", &[Int(9223372036854775807)], Ok(b"9223372036854775807")),
            (b"%.3d", &[Int(0)], Ok(b"000")),
            (b"%+d", &[Int(-1)], Ok(b"-1")),
            (b"%+d", &[Int(i64::MIN)], Ok(b"-9223372036854775808")),
            (b"%+d", &[Int(9223372036854775807)], Ok(b"+9223372036854775807")),
            (b"%+d", &[Int(0)], Ok(b"+0")),
            (b"%c", &[Int(321)], Ok(b"A")),
            (b"[%c]", &[Int(0)], Ok(b"[\x00]")),
            (b"%5c|%-5c|%05c|%.3c", &[Int(65), Int(65), Int(65), Int(65)], Ok(b"    A|A    |    A|A")),
            (b"%c", &[Float(66.9f32 as f64)], Ok(b"B")),
            (b"%c", &[Int(-1)], Ok(b"\xff")),
            (b"%c", &[Bool(true)], Ok(b"\x01")),
            (b"%05s|%+s|%#s|% s", &[Str(b"ab"), Str(b"ab"), Str(b"ab"), Str(b"ab")], Ok(b"   ab|ab|ab|ab")),
            (b"[%s]", &[Str(b"a\x00b")], Ok(b"[a]")),
            (b"[%5s]", &[Str(b"a\x00b")], Ok(b"[    a]")),
            (b"[%.0s]", &[Str(b"abc")], Ok(b"[]")),
            (b"%ld", &[Int(1)], Err(InvalidFormat)),
            (b"%hd", &[Int(1)], Err(InvalidFormat)),
            (b"%5%", &[Int(1)], Err(InvalidFormat)),
            (b"%", &[Int(1)], Err(InvalidFormat)),
            (b"abc%", &[Int(1)], Err(InvalidFormat)),
            (b"abc%", &[], Err(NotEnoughParameters)),
            (b"%.d|%.0d|%5.x|", &[Int(0), Int(0), Int(0)], Ok(b"||     |")),
            (b"%100d", &[Int(1)], Err(WidthTooLong)),
            (b"%.100f", &[Float(1.0f32 as f64)], Err(PrecisionTooLong)),
            (b"%99.99f", &[Float(1.0f32 as f64)], Ok(b"1.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")),
            (b"%123", &[Int(1)], Err(WidthTooLong)),
            (b"%.123", &[Int(1)], Err(PrecisionTooLong)),
            (b"%12.", &[Int(1)], Err(InvalidFormat)),
            (b"%1.1.1d", &[Int(1)], Err(InvalidFormat)),
            (b"%---------------d|", &[Int(1)], Ok(b"1|")),
            (b"%------------5.3f|", &[Float(1.0f32 as f64)], Ok(b"1.000|")),
            (b"%000000000000000d|", &[Int(7)], Ok(b"7|")),
            (b"%++++++++++12.34d|", &[Int(1)], Ok(b"+0000000000000000000000000000000001|")),
            (b"%------------------d|", &[Int(1)], Ok(b"1|")),
            (b"%---------------5.3f|", &[Float(1.0f32 as f64)], Ok(b"1.000|")),
            (b"%000000000000000000d|", &[Int(7)], Ok(b"7|")),
            (b"%+++++++++++++12.34d|", &[Int(1)], Ok(b"+0000000000000000000000000000000001|")),
            (b"%--------------------d|", &[Int(1)], Ok(b"1|")),
            (b"%-----------------5.3f|", &[Float(1.0f32 as f64)], Ok(b"1.000|")),
            (b"%00000000000000000000d|", &[Int(7)], Ok(b"7|")),
            (b"%+++++++++++++++12.34d|", &[Int(1)], Ok(b"+0000000000000000000000000000000001|")),
            (b"%---------------------d|", &[Int(1)], Err(FormatTooLong)),
            (b"%------------------5.3f|", &[Float(1.0f32 as f64)], Err(FormatTooLong)),
            (b"%000000000000000000000d|", &[Int(7)], Err(FormatTooLong)),
            (b"%++++++++++++++++12.34d|", &[Int(1)], Err(FormatTooLong)),
            (b"%-----------------------d|", &[Int(1)], Err(FormatTooLong)),
            (b"%--------------------5.3f|", &[Float(1.0f32 as f64)], Err(FormatTooLong)),
            (b"%00000000000000000000000d|", &[Int(7)], Err(FormatTooLong)),
            (b"%++++++++++++++++++12.34d|", &[Int(1)], Err(FormatTooLong)),
            (b"%f", &[Int(16777217)], Ok(b"16777216.000000")),
            (b"%g", &[Int(123456789)], Ok(b"1.23457e+08")),
            (b"%e", &[Int(0)], Ok(b"0.000000e+00")),
            (b"%g", &[Float(-0.0f32 as f64)], Ok(b"-0")),
            (b"%#g", &[Float(1.0f32 as f64)], Ok(b"1.00000")),
            (b"%#.0f", &[Float(3.0f32 as f64)], Ok(b"3.")),
            (b"%#.0e", &[Float(3.0f32 as f64)], Ok(b"3.e+00")),
            (b"%010.3f", &[Float(-1.5f32 as f64)], Ok(b"-00001.500")),
            (b"%+010.3e", &[Float(1.5f32 as f64)], Ok(b"+1.500e+00")),
            (b"%.3g", &[Float(0.0001234f32 as f64)], Ok(b"0.000123")),
            (b"%5.1s", &[Str(b"hello")], Ok(b"    h")),
            (b"%f|%f|%5f|%010f|%+f|%e|%G", &[Float(f64::INFINITY), Float(f64::NEG_INFINITY), Float(-f64::NAN), Float(f64::INFINITY), Float(f64::INFINITY), Float(f64::INFINITY), Float(f64::INFINITY)], Ok(b"inf|-inf| -nan|       inf|+inf|inf|INF")),
            (b"%05d|%-05d|%+05d|% 05d|%.5d|%08.5d|%#5o|%#08x|%#-8x|", &[Int(-42), Int(-42), Int(42), Int(42), Int(-42), Int(-42), Int(8), Int(255), Int(255)], Ok(b"-0042|-42  |+0042| 0042|-00042|  -00042|  010|0x0000ff|0xff    |")),
            (b"%99.99d|", &[Int(1)], Ok(b"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001|")),
            (b"%0-5d|", &[Int(1)], Ok(b"1    |")),
            (b"%-+ #0d|", &[Int(1)], Ok(b"+1|")),
            (b"%s%s", &[Str(b"a")], Err(NotEnoughParameters)),
            (b"%%%d", &[Int(3)], Ok(b"%3")),
            (b"%%", &[], Ok(b"%")),
            (b"%-%", &[Int(1)], Err(InvalidFormat)),
            (b"x%5", &[], Err(NotEnoughParameters)),
            (b"x%5", &[Int(3)], Err(InvalidFormat)),
            (b"%.1d|", &[Str(b"a")], Err(IntegerExpected)),
            (b"%s", &[Float(3.5f32 as f64)], Err(StringExpected)),
            (b"%d %y", &[Int(1)], Err(NotEnoughParameters)),
            (b"%d%d", &[Int(1)], Err(NotEnoughParameters)),
            (b"%g|%g|%g|%g|%g|%g", &[Float(1e-5f32 as f64), Float(123456.0f32 as f64), Float(1234567.0f32 as f64), Float(3.4028235e38f32 as f64), Float(1.4e-45f32 as f64), Float(0.1f32 as f64)], Ok(b"1e-05|123456|1.23457e+06|3.40282e+38|1.4013e-45|0.1")),
            (b"%.20f|%.15e|%.17g", &[Float(0.1f32 as f64), Float(0.1f32 as f64), Float(0.1f32 as f64)], Ok(b"0.10000000149011611938|1.000000014901161e-01|0.10000000149011612")),
            (b"%#.5g|%#g|%#.3g", &[Float(99999.95f32 as f64), Float(999999.5f32 as f64), Float(999.96f32 as f64)], Ok(b"1.e+05|1.e+06|1.e+03")),
            (b"%99.99e", &[Float(-3.0e38f32 as f64)], Ok(b"-3.000000005497755757778039942811452702720000000000000000000000000000000000000000000000000000000000000e+38")),
            (b"%99f|%-99f|", &[Float(1.0f32 as f64), Float(-1.0f32 as f64)], Ok(b"                                                                                           1.000000|-1.000000                                                                                          |")),
            (b"a\x00b%d\x00c", &[Int(5)], Ok(b"a\x00b5\x00c")),
            (b"%s=%d;%s=%.2f;%s=%x", &[Str(b"a"), Int(1), Str(b"b"), Float(2.5f32 as f64), Str(b"c"), Int(3054)], Ok(b"a=1;b=2.50;c=bee")),
            (b"%5s|%-5s|%5.1s|", &[Str(b""), Str(b""), Str(b"")], Ok(b"     |     |     |")),
            (b"%i|%i", &[Float(1e10f32 as f64), Float(-2.5f32 as f64)], Ok(b"10000000000|-2")),
            (b"%  +d|% +d|%+ d", &[Int(5), Int(5), Int(5)], Ok(b"+5|+5|+5")),
            (b"%#.0x|%#.0o|%#.1o|%#3o|%#03o", &[Int(0), Int(0), Int(0), Int(0), Int(0)], Ok(b"|0|0|  0|000")),
            (b"%c%c", &[Int(321), Int(549755813698)], Ok(b"AB")),
        ];
        for (fmt, args, want) in cases {
            let got = format(fmt, args);
            let want = want.map(<[u8]>::to_vec);
            assert_eq!(got, want, "{}", String::from_utf8_lossy(fmt));
        }
    }

    #[test]
    fn errors_display_the_reference_texts() {
        assert_eq!(format(b"%d", &[]).unwrap_err().to_string(), "not enough parameters for the given format string");
        assert_eq!(format(b"%s", &[Int(1)]).unwrap_err().to_string(), "string expected for the specified format");
        assert_eq!(format(b"%123d", &[Int(1)]).unwrap_err().to_string(), "width format too long");
    }

    #[test]
    fn imp_integers_are_32_bits() {
        let imp = |fmt: &[u8], arg: FormatArg<'static>| {
            let mut out = Vec::new();
            format_into(&mut out, fmt, Profile::Imp, |i| (i == 0).then_some(arg)).map(|()| out)
        };
        assert_eq!(imp(b"%x", Int(-1)), Ok(b"ffffffff".to_vec()));
        assert_eq!(imp(b"%u", Int(-2)), Ok(b"4294967294".to_vec()));
        assert_eq!(imp(b"%o", Int(-1)), Ok(b"37777777777".to_vec()));
        // The imp's ARM conversion saturates (the 32-bit x86 `sq` gives -2147483648).
        assert_eq!(imp(b"%d", float(3e9)), Ok(b"2147483647".to_vec()));
        assert_eq!(imp(b"%d", float(f32::NAN)), Ok(b"0".to_vec()));
        assert_eq!(imp(b"%d", float(-2.9)), Ok(b"-2".to_vec()));
        assert_eq!(imp(b"%c", Int(0x141)), Ok(b"A".to_vec()));
    }

    fn any_arg() -> impl Strategy<Value = FormatArg<'static>> {
        prop_oneof![
            any::<i64>().prop_map(Int),
            any::<f32>().prop_map(float),
            any::<f64>().prop_map(Float),
            any::<bool>().prop_map(Bool),
            prop::sample::select(vec![&b""[..], b"abc", b"a\0b", b"\xff\xfe"]).prop_map(Str),
            Just(Other),
        ]
    }

    proptest! {
        #[test]
        fn never_panics(fmt in prop::collection::vec(prop_oneof![
                3 => prop::sample::select(b"%%-+ #0.123456789dsfgeExXouicG*lz".to_vec()),
                1 => any::<u8>(),
            ], 0..40),
            args in prop::collection::vec(any_arg(), 0..6)) {
            match format(&fmt, &args) {
                // 99 columns of width plus 99 digits of precision bound every field.
                Ok(out) => prop_assert!(out.len() <= fmt.len() + args.len() * 512),
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}
