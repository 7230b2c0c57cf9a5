//! The string library's functions (`format`, `printf`, `strip`, `split`, `escape`,
//! ...): the reference's behaviour, C-string quirks included (several functions stop
//! at the first NUL byte because the reference walks C strings).

use impish_vm::{c_str, Args, Bytes, Fail, Profile, Value, Vm};

use crate::format::{format_into, FormatArg, FormatError};

/// A blank-stripping function: the part of the text it keeps.
type Strip = fn(&[u8]) -> &[u8];

/// `strip`, `lstrip`, `rstrip`.
const STRIPS: &[(&str, Strip)] = &[("strip", strip), ("lstrip", lstrip), ("rstrip", rstrip)];

/// Installs the functions as globals; the imp lacks the 3.1 additions (`escape`,
/// `startswith`, `endswith`) and `split`'s `skipempty`.
pub fn install(vm: &mut Vm) {
    let root = vm.root_table();
    vm.register_all(root, &[("format", format, -2, Some(".s")), ("printf", printf, -2, Some(".s"))]);
    for &(name, f) in STRIPS {
        vm.register_fn_in(root, name, move |Bytes(s): Bytes| Bytes(f(&s).to_vec()));
    }
    match vm.profile() {
        Profile::Squirrel => {
            vm.register_all(root, &[("split", split, -3, Some(".ssb"))]);
            vm.register_fn_in(root, "escape", |Bytes(s): Bytes| Bytes(escape_bytes(&s)));
            vm.register_fn_in(root, "startswith", |Bytes(s): Bytes, Bytes(prefix): Bytes| s.starts_with(&prefix));
            vm.register_fn_in(root, "endswith", |Bytes(s): Bytes, Bytes(suffix): Bytes| s.ends_with(&suffix));
        }
        Profile::Imp => vm.register_all(root, &[("split", split, 3, Some(".ss"))]),
    }
}

/// A script value as `format` sees it.
fn format_arg(vm: &Vm, v: Value) -> FormatArg<'_> {
    match v {
        Value::Int(i) => FormatArg::Int(i),
        Value::Float(f) => FormatArg::Float(f as f64),
        Value::Bool(b) => FormatArg::Bool(b),
        Value::Str(_) => FormatArg::Str(vm.str_bytes(v).unwrap_or_default()),
        _ => FormatArg::Other,
    }
}

/// Appends arguments 2.. formatted by the format string in argument 1 to `out`.
fn format_args(vm: &Vm, args: Args, out: &mut Vec<u8>) -> Result<(), FormatError> {
    let fmt = vm.str_bytes(args.get(vm, 1)).unwrap_or_default();
    format_into(out, fmt, vm.profile(), |i| {
        let at = i + 2;
        (at < args.len()).then(|| format_arg(vm, args.get(vm, at)))
    })
}

fn format(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    vm.build_string(|vm, out| format_args(vm, args, out)).map_err(|e| vm.error(e.to_string()))
}

fn printf(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let mut out = Vec::new();
    format_args(vm, args, &mut out).map_err(|e| vm.error(e.to_string()))?;
    // The reference prints through `%s`, so output ends at a NUL byte.
    vm.write_out(impish_vm::c_str(&out));
    Ok(Value::Null)
}

/// C `isspace` in the C locale.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Where the text starts after leading blanks; a NUL stops the scan.
fn strip_left(s: &[u8]) -> usize {
    s.iter().take_while(|&&c| c != 0 && is_space(c)).count()
}

/// Where the text ends before trailing blanks.
fn strip_right(s: &[u8]) -> usize {
    s.iter().rposition(|&c| !is_space(c)).map_or(0, |i| i + 1)
}

/// `strip`: the text without blanks at either end.
fn strip(s: &[u8]) -> &[u8] {
    s.get(strip_left(s)..strip_right(s)).unwrap_or_default()
}

/// `lstrip`: the text after leading blanks, taken as a C string (it ends at the
/// first NUL).
fn lstrip(s: &[u8]) -> &[u8] {
    c_str(&s[strip_left(s)..])
}

/// `rstrip`: the text before trailing blanks.
fn rstrip(s: &[u8]) -> &[u8] {
    &s[..strip_right(s)]
}

/// Any byte of the separators splits; empty fields are kept (unless `skipempty`)
/// except a trailing one; the text ends at its first NUL. The imp's is Squirrel 3.0's,
/// which tokenised with C `strtok`: no field is empty (`split("/a//b", "/")` is
/// `["a", "b"]`) and the separators end at their first NUL too.
fn split(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (subject, seps) = (args.get(vm, 1), vm.str_bytes(args.get(vm, 2)).unwrap_or_default());
    if seps.is_empty() {
        return Err(vm.error("empty separators string"));
    }
    let imp = vm.profile() == Profile::Imp;
    let mut is_sep = [false; 256];
    for &c in if imp { c_str(seps) } else { seps } {
        is_sep[usize::from(c)] = true;
    }
    let skip_empty = imp || (args.len() > 3 && args.get(vm, 3).truthy());
    let text = c_str(vm.str_bytes(subject).unwrap_or_default());
    let len = text.len();
    let most = text.iter().filter(|&&c| is_sep[usize::from(c)]).count() + 1;
    vm.reserve_values(most)?;
    let mut fields = Vec::with_capacity(most);
    let mut start = 0;
    while start <= len {
        // The fields are cut from the subject in place, its text read again after each
        // new string (which may move the string heap).
        let rest = vm.str_bytes(subject).and_then(|s| s.get(start..len)).unwrap_or_default();
        let end = rest.iter().position(|&c| is_sep[usize::from(c)]).map_or(len, |p| start + p);
        if end == len && start == len {
            break;
        }
        if !skip_empty || end != start {
            fields.extend(vm.substring(subject, start..end));
        }
        start = end + 1;
    }
    Ok(vm.new_array(fields))
}

/// Backslash escapes for `\ " '` and NUL; every other non-printable byte becomes
/// `\xHH`. Bytes above 0x7F are negative C chars, printed sign-extended
/// (`\xffffff80`), as the reference does.
pub fn escape_bytes(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for &c in s {
        match c {
            b'\\' | b'"' | b'\'' => out.extend_from_slice(&[b'\\', c]),
            0 => out.extend_from_slice(b"\\0"),
            0x20..=0x7e => out.push(c),
            _ => out.extend_from_slice(format!("\\x{:02x}", c as i8 as i32 as u32).as_bytes()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_follows_the_reference() {
        assert_eq!(escape_bytes(b"a\"b\\c'"), b"a\\\"b\\\\c\\'");
        assert_eq!(escape_bytes(b"\t\n"), b"\\x09\\x0a");
        assert_eq!(escape_bytes(b"\xff\x80\x00"), b"\\xffffffff\\xffffff80\\0");
    }

    #[test]
    fn strip_bounds() {
        assert_eq!((strip_left(b"  a "), strip_right(b"  a ")), (2, 3));
        assert_eq!((strip_left(b"   "), strip_right(b"   ")), (3, 0));
        assert_eq!(strip_left(b"\0 a"), 0);
    }
}
