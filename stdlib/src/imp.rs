//! The imp profile's library set: Electric Imp ships Squirrel 3.0.4 with some base
//! functions removed, none of the 3.1/3.2 additions, its own `string.tointeger`
//! rules and a `crypto` table. This module turns the stock set into that one.
//!
//! Removed names are deleted outright, so using one fails exactly like any unknown
//! name ("the index 'compilestring' does not exist").

use impish_vm::{Args, Bytes, Fail, This, Type, Value, Vm};

use crate::blob::bytes_of;
use crate::natives::str_arg;

/// Base functions the imp does not have (imp-api.md §2.1).
const ABSENT_GLOBALS: &[&str] = &[
    "setroottable",
    "getconsttable",
    "setconsttable",
    "compilestring",
    "newthread",
    "suspend",
    "setdebughook",
    "seterrorhandler",
    "getstackinfos",
];

/// Default-delegate methods added after 3.0.4, or missing on the imp (`getinfos`).
const ABSENT_METHODS: &[(Type, &[&str])] = &[
    (Type::Table, &["keys", "values", "filter"]),
    (Type::Function, &["getroot", "setroot", "getinfos"]),
    (Type::Thread, &["wakeupthrow"]),
];

/// Methods whose extra parameters came after 3.0.4: (type, name, count, mask).
const NARROWED_METHODS: &[(Type, &str, i32, &str)] =
    &[(Type::String, "tolower", 1, "s"), (Type::String, "toupper", 1, "s"), (Type::Array, "reduce", 2, "ac")];

/// Applies the imp's differences to a VM that has the stock libraries installed.
pub fn install(vm: &mut Vm) {
    let root = vm.root_table();
    for name in ABSENT_GLOBALS {
        let k = vm.string(name);
        vm.table_remove(root, k);
    }
    for (ty, names) in ABSENT_METHODS {
        let Some(delegate) = vm.type_delegate(*ty) else { continue };
        for name in *names {
            let k = vm.string(name);
            vm.table_remove(delegate, k);
        }
    }
    for &(ty, name, nparams, mask) in NARROWED_METHODS {
        narrow(vm, ty, name, nparams, mask);
    }
    if let Some(string) = vm.type_delegate(Type::String) {
        vm.register_fn_in(string, "tointeger", |This(Bytes(s)): This<Bytes>| {
            imp_str_to_int(&s).ok_or("cannot convert the string")
        });
        vm.register_in(string, "find", string_find, -2, Some("s s n"));
    }
    let version = vm.string("Squirrel 3.0.4 stable");
    vm.set_global("_version_", version);
    vm.set_global("_versionnumber_", Value::Int(304));
    let crypto = vm.new_table();
    vm.register_in(crypto, "equals", crypto_equals, 3, Some(".s|x s|x"));
    vm.set_global("crypto", crypto);
}

/// The imp's `string.find(needle[, start])` is byte-exact, where stock Squirrel's is C
/// `strstr` (both strings end at their first NUL): SPIFlashFileSystem finds a free
/// page by searching its page map (bytes 0-3) for "\x00", and passes on imps.
fn string_find(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (text, needle) = (str_arg(vm, args, 0), str_arg(vm, args, 1));
    let start = if args.len() > 2 { args.int(vm, 2) } else { 0 };
    let Some(hay) = usize::try_from(start).ok().filter(|&s| s < text.len()).map(|s| &text[s..]) else {
        return Ok(Value::Null);
    };
    Ok(memchr::memmem::find(hay, &needle).map_or(Value::Null, |p| Value::Int(p as i64 + start)))
}

/// Re-registers a delegate method with a stricter parameter check, keeping its code.
fn narrow(vm: &mut Vm, ty: Type, name: &str, nparams: i32, mask: &str) {
    let Some(delegate) = vm.type_delegate(ty) else { return };
    let key = vm.string(name);
    let Some(old) = vm.table_get(delegate, key) else { return };
    if let Some(native) = vm.renative(old, name, nparams, Some(mask)) {
        vm.table_set(delegate, key, native);
    }
}

/// The imp's `string.tointeger()`: `0x` hex (more than 10 characters gives -1), a
/// float if there is a `.`, else a decimal prefix (`"2timesfour"` → 2), saturated to
/// 32 bits like the imp's C `long`; `None` if no number starts the text.
pub fn imp_str_to_int(s: &[u8]) -> Option<i64> {
    let text = &s[..s.iter().position(|&c| c == 0).unwrap_or(s.len())];
    let start = text.iter().take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)).count();
    let t = &text[start..];
    if t.len() > 2 && t[0] == b'0' && (t[1] | 0x20) == b'x' && t[2].is_ascii_hexdigit() {
        if text.len() > 10 {
            return Some(-1);
        }
        let digits = t[2..].iter().map_while(|c| (*c as char).to_digit(16));
        let v = digits.fold(0u32, |v, d| v.saturating_mul(16).saturating_add(d));
        return Some(v as i32 as i64);
    }
    if t.contains(&b'.') {
        return parse_float_prefix(t).map(|f| (f as f32) as i32 as i64);
    }
    let (neg, body) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let n = body.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return None;
    }
    let v = body[..n].iter().fold(0i64, |v, c| (v * 10 + (c - b'0') as i64).min(1 << 32));
    let v = if neg { -v } else { v };
    Some(v.clamp(i32::MIN as i64, i32::MAX as i64))
}

/// The decimal float at the start of `t` (sign, digits, `.`, digits, exponent), as
/// C's `strtod` reads it.
fn parse_float_prefix(t: &[u8]) -> Option<f64> {
    let digits = |i: usize| i + t[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut end = digits(usize::from(matches!(t.first(), Some(b'+' | b'-'))));
    if t.get(end) == Some(&b'.') {
        end = digits(end + 1);
    }
    if matches!(t.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(t.get(end + 1), Some(b'+' | b'-')));
        let exp_end = digits(end + 1 + sign);
        if exp_end > end + 1 + sign {
            end = exp_end;
        }
    }
    std::str::from_utf8(&t[..end]).ok()?.parse().ok()
}

/// `crypto.equals(a, b)`: whether two strings or blobs hold the same bytes, compared
/// without an early exit (its purpose on the imp is comparing secrets).
fn crypto_equals(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (Some(a), Some(b)) = (bytes_of(vm, args.get(vm, 1)), bytes_of(vm, args.get(vm, 2))) else {
        return Err(vm.error("string or blob expected"));
    };
    let same = a.len() == b.len() && a.iter().zip(&b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    Ok(Value::Bool(same))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tointeger_rules() {
        assert_eq!(imp_str_to_int(b"0xFF"), Some(255));
        assert_eq!(imp_str_to_int(b"0xffffffff"), Some(-1));
        assert_eq!(imp_str_to_int(b"0x123456789"), Some(-1));
        assert_eq!(imp_str_to_int(b"2timesfour"), Some(2));
        assert_eq!(imp_str_to_int(b"  -42"), Some(-42));
        assert_eq!(imp_str_to_int(b"3.9"), Some(3));
        assert_eq!(imp_str_to_int(b"-2.5e1x"), Some(-25));
        assert_eq!(imp_str_to_int(b".x"), None);
        assert_eq!(imp_str_to_int(b"99999999999"), Some(i32::MAX as i64));
        assert_eq!(imp_str_to_int(b"-99999999999"), Some(i32::MIN as i64));
        assert_eq!(imp_str_to_int(b"0x"), Some(0));
        assert_eq!(imp_str_to_int(b"abc"), None);
        assert_eq!(imp_str_to_int(b""), None);
    }
}
