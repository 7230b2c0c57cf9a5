//! The base library: the global functions and constants every Squirrel VM has
//! (`print`, `assert`, `type`, `array`, root/const tables, `compilestring`, threads,
//! error handlers, stack introspection, version constants).

use crate::api::error::StackEntry;
use crate::api::vm::{Args, Fail, NativeEntry, Profile, Vm};
use crate::heap::object::*;
use crate::heap::string::c_str;
use crate::heap::value::*;

pub(crate) fn install(vm: &mut Vm) {
    let funcs: &[NativeEntry] = &[
        ("seterrorhandler", seterrorhandler, 2, None),
        ("setdebughook", setdebughook, 2, None),
        ("enabledebuginfo", dummy, 2, None),
        ("getstackinfos", getstackinfos, 2, Some(".n")),
        ("getroottable", getroottable, 1, None),
        ("setroottable", setroottable, 2, None),
        ("getconsttable", getconsttable, 1, None),
        ("setconsttable", setconsttable, 2, None),
        ("assert", assert, -2, None),
        ("print", print, 2, None),
        ("error", error, 2, None),
        ("compilestring", compilestring, -2, Some(".ss")),
        ("newthread", newthread, 2, Some(".c")),
        ("suspend", suspend, -1, None),
        ("array", array, -2, Some(".n")),
        ("type", type_, 2, None),
        ("callee", callee, 0, None),
        ("dummy", dummy, 0, None),
        ("collectgarbage", collectgarbage, 0, None),
        ("resurrectunreachable", dummy, 0, None),
    ];
    let root = vm.root_table();
    vm.register_all(root, funcs);
    let version = vm.string("Squirrel 3.2 stable");
    vm.set_global("_version_", version);
    vm.set_global("_versionnumber_", Value::Int(320));
    vm.set_global("_charsize_", Value::Int(1));
    let intsize = if vm.profile == Profile::Imp { 4 } else { 8 };
    vm.set_global("_intsize_", Value::Int(intsize));
    vm.set_global("_floatsize_", Value::Int(4));
}

/// The reference prints through `printf("%s")`, so output ends at a NUL byte.
fn print(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let s = vm.tostring(args.get(vm, 1))?;
    let bytes = c_str(vm.heap.str(s)).to_vec();
    vm.write_out(&bytes);
    Ok(Value::Null)
}

fn error(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let s = vm.tostring(args.get(vm, 1))?;
    let bytes = c_str(vm.heap.str(s)).to_vec();
    vm.write_err(&bytes);
    Ok(Value::Null)
}

fn assert(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    if args.get(vm, 1).truthy() {
        return Ok(Value::Null);
    }
    if args.len() > 2 {
        if let Value::Str(s) = args.get(vm, 2) {
            return Err(Fail::Error(Value::Str(s)));
        }
    }
    Err(vm.error("assertion failed"))
}

fn type_(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Ok(vm.type_name(args.get(vm, 1)))
}

fn array(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let n = vm.profile.integer_of(args.get(vm, 1)).unwrap_or(0); // the type mask admits only numbers
    if n < 0 {
        return Err(vm.error("size must be a number"));
    }
    let fill = args.get(vm, 2);
    vm.new_array_filled(usize::try_from(n).unwrap_or(usize::MAX), fill)
}

fn getroottable(vm: &mut Vm, _: Args) -> Result<Value, Fail> {
    Ok(vm.root_table())
}

fn setroottable(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let old = vm.root_table();
    match args.get(vm, 1) {
        Value::Table(t) => vm.root = t,
        // The reference also takes null, and crashes at the next global lookup.
        _ => return Err(vm.error("invalid type")),
    }
    Ok(old)
}

fn getconsttable(vm: &mut Vm, _: Args) -> Result<Value, Fail> {
    Ok(vm.const_table())
}

fn setconsttable(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let old = vm.const_table();
    match args.get(vm, 1) {
        Value::Table(t) => vm.consts = t,
        _ => return Err(vm.error("invalid type, expected table")),
    }
    Ok(old)
}

fn compilestring(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let Value::Str(src) = args.get(vm, 1) else { return Err(vm.error("wrong type")) };
    let name = match args.get(vm, 2) {
        Value::Str(s) => String::from_utf8_lossy(vm.heap.str(s)).into_owned(),
        _ => "unnamedbuffer".to_string(),
    };
    let text = String::from_utf8_lossy(vm.heap.str(src)).into_owned();
    match vm.compile(&text, &name) {
        Ok(f) => Ok(f),
        Err(crate::Error::Compile(e)) => Err(vm.error(e.message)),
        Err(e) => Err(vm.error(e.to_string())),
    }
}

fn newthread(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let f = args.get(vm, 1);
    let t = vm.heap.alloc_thread(Thread::new(f));
    Ok(Value::Thread(t))
}

/// `suspend(v)`: suspends with its last argument, or, given none, with its `this` (the
/// reference suspends with the top of its stack). Whether it may is the caller's to
/// decide (see `Fail::Suspend`).
fn suspend(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    Err(Fail::Suspend(args.get(vm, args.len().saturating_sub(1))))
}

fn callee(vm: &mut Vm, _: Args) -> Result<Value, Fail> {
    match vm.ex.frames.last() {
        Some(f) => Ok(Value::Closure(f.closure)),
        None => Err(vm.error("no closure in the calls stack")),
    }
}

fn dummy(_: &mut Vm, _: Args) -> Result<Value, Fail> {
    Ok(Value::Null)
}

fn collectgarbage(vm: &mut Vm, _: Args) -> Result<Value, Fail> {
    // Natives running beneath this one hold what they keep (`Vm::hold`).
    let freed = vm.collect_garbage();
    // The collection walked every live object and the stack: that work counts against
    // the instruction budget, or a script collecting in deep recursion runs unbounded.
    // Visiting an object costs about as much as several instructions.
    const INSTRUCTIONS_PER_OBJECT: u64 = 8;
    let walked = vm.heap.live_objects() + vm.ex.top as usize + freed;
    vm.charge(walked as u64 * INSTRUCTIONS_PER_OBJECT)?;
    Ok(Value::Int(freed as i64))
}

fn seterrorhandler(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    vm.error_handler = args.get(vm, 1);
    Ok(Value::Null)
}

fn setdebughook(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    vm.debug_hook = args.get(vm, 1);
    Ok(Value::Null)
}

fn getstackinfos(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let level = vm.profile.integer_of(args.get(vm, 1)).unwrap_or(0); // the type mask admits only numbers
    let unnamed = |function: &str, file: &str, line| StackEntry {
        function: function.into(),
        file: file.into(),
        line,
        locals: vec![],
    };
    let (entry, locals) = match level {
        // Level 0 is getstackinfos itself.
        0 => (unnamed("getstackinfos", "NATIVE", u32::MAX), vec![]),
        // The reference reads past the top of its call stack, whose cleared entries
        // show as an unknown function at line 0 without locals.
        ..0 => (unnamed("unknown", "unknown", 0), vec![]),
        _ => {
            let Some((f, stack)) = vm.running_frames().nth((level - 1) as usize) else { return Ok(Value::Null) };
            let (base, locals) = (f.base as usize, live_locals(f));
            let mut e = vm.stack_entry(f, stack);
            e.locals.clear();
            let values = locals.into_iter().map(|(name, reg)| (name, stack[base + reg as usize]));
            (e, values.collect())
        }
    };
    let t = stack_info_table(vm, &entry);
    let lt = vm.new_table();
    for (name, v) in locals {
        vm.table_set(lt, Value::Str(name), v);
    }
    let k = vm.string("locals");
    vm.table_set(t, k, lt);
    Ok(t)
}

fn live_locals(f: &crate::interpreter::frame::Frame) -> Vec<(StrId, u8)> {
    let pc = f.pc().saturating_sub(1);
    f.proto().locals.iter().filter(|l| l.start_pc <= pc && pc < l.end_pc).map(|l| (l.name, l.reg)).collect()
}

/// The table `getstackinfos` returns for one level.
pub(crate) fn stack_info_table(vm: &mut Vm, e: &StackEntry) -> Value {
    let t = vm.new_table();
    let line = if e.line == u32::MAX { -1 } else { e.line as i64 };
    let entries = [("func", vm.string(&e.function)), ("src", vm.string(&e.file)), ("line", Value::Int(line))];
    for (k, v) in entries {
        let k = vm.string(k);
        vm.table_set(t, k, v);
    }
    t
}

/// The reference's `str2num`: a float if the text has `.` or an exponent (decimal
/// only), else `strtol` in `base`; leading blanks and trailing junk are accepted.
pub(crate) fn str_to_num(s: &[u8], base: u32) -> Option<Value> {
    let is_float = s.iter().take_while(|c| **c != 0).any(|c| *c == b'.' || (base <= 13 && (*c == b'e' || *c == b'E')));
    if is_float {
        strtod(s).map(|f| Value::Float(f as f32))
    } else {
        strtol(s, base).map(Value::Int)
    }
}

fn skip_space(s: &[u8]) -> usize {
    s.iter().take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)).count()
}

/// C `strtol`: saturating, optional sign, `0x` prefix in base 16 (or base 0).
fn strtol(s: &[u8], base: u32) -> Option<i64> {
    let mut i = skip_space(s);
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let mut base = base;
    let has_hex_prefix = i + 1 < s.len() && s[i] == b'0' && (s[i + 1] | 0x20) == b'x';
    if (base == 16 || base == 0) && has_hex_prefix && s.get(i + 2).is_some_and(|c| (*c as char).is_ascii_hexdigit()) {
        i += 2;
        base = 16;
    } else if base == 0 {
        base = if s.get(i) == Some(&b'0') { 8 } else { 10 };
    }
    if !(2..=36).contains(&base) {
        return None;
    }
    let start = i;
    let mut v: i128 = 0;
    while let Some(d) = s.get(i).and_then(|c| (*c as char).to_digit(base)) {
        v = (v * base as i128 + d as i128).min(i64::MAX as i128 + 1);
        i += 1;
    }
    if i == start {
        return None;
    }
    let v = if neg { -v } else { v };
    Some(v.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
}

/// C `strtod` on the longest valid prefix: decimal, `inf`/`nan`, and hexadecimal
/// (`"0x1f1e5"` is 127461: the `e` that made `str_to_num` pick a float is a hex digit).
fn strtod(s: &[u8]) -> Option<f64> {
    let mut i = skip_space(s);
    let start = i;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        i += 1;
    }
    if let Some(v) = hex_float(&s[i..]) {
        return Some(if s[start] == b'-' { -v } else { v });
    }
    let digits = |i: &mut usize| {
        let b = *i;
        while s.get(*i).is_some_and(|c| c.is_ascii_digit()) {
            *i += 1;
        }
        *i - b
    };
    let mut n = digits(&mut i);
    if s.get(i) == Some(&b'.') {
        i += 1;
        n += digits(&mut i);
    }
    if n == 0 {
        let rest = String::from_utf8_lossy(&s[i..]).to_ascii_lowercase();
        let sign = if s.get(start) == Some(&b'-') { -1.0 } else { 1.0 };
        if rest.starts_with("inf") {
            return Some(sign * f64::INFINITY);
        }
        if rest.starts_with("nan") {
            return Some(f64::NAN);
        }
        return None;
    }
    if s.get(i).is_some_and(|c| *c == b'e' || *c == b'E') {
        let mut j = i + 1;
        if s.get(j).is_some_and(|c| *c == b'+' || *c == b'-') {
            j += 1;
        }
        if digits(&mut j) > 0 {
            i = j;
        }
    }
    std::str::from_utf8(&s[start..i]).ok()?.parse().ok()
}

/// The unsigned hexadecimal form `strtod` reads: `0x`, hex digits with an optional
/// `.` fraction (at least one digit), an optional binary exponent `p[+-]N`. `None`
/// when `s` does not start with one (then `0x` reads as a decimal 0).
fn hex_float(s: &[u8]) -> Option<f64> {
    if s.len() < 3 || s[0] != b'0' || (s[1] | 0x20) != b'x' {
        return None;
    }
    let hex = |c: Option<&u8>| c.and_then(|c| (*c as char).to_digit(16));
    let (mut i, mut mantissa, mut exp, mut digits) = (2, 0u64, 0i64, 0);
    let mut seen_point = false;
    loop {
        match s.get(i) {
            Some(b'.') if !seen_point => seen_point = true,
            c => match hex(c) {
                Some(d) => {
                    digits += 1;
                    // 15 digits (60 bits) hold more than a double's 53; later digits
                    // only scale, with a sticky bit so rounding stays correct.
                    if mantissa >> 56 == 0 {
                        mantissa = mantissa << 4 | u64::from(d);
                        exp -= if seen_point { 4 } else { 0 };
                    } else {
                        mantissa |= u64::from(d != 0);
                        exp += if seen_point { 0 } else { 4 };
                    }
                }
                None => break,
            },
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if s.get(i).is_some_and(|c| *c | 0x20 == b'p') {
        let mut j = i + 1;
        let neg = s.get(j) == Some(&b'-');
        if s.get(j).is_some_and(|c| *c == b'+' || *c == b'-') {
            j += 1;
        }
        let mut e = 0i64;
        let from = j;
        while let Some(d) = s.get(j).filter(|c| c.is_ascii_digit()) {
            e = (e * 10 + i64::from(d - b'0')).min(100_000);
            j += 1;
        }
        if j > from {
            exp += if neg { -e } else { e };
        }
    }
    // Scale in steps that stay exact (powers of two) until the result over- or underflows.
    let mut v = mantissa as f64;
    while exp != 0 && v != 0.0 && v.is_finite() {
        let step = exp.clamp(-1000, 1000);
        v *= 2f64.powi(step as i32);
        exp -= step;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_parsing_follows_c() {
        assert!(matches!(str_to_num(b"  42xyz", 10), Some(Value::Int(42))));
        assert!(matches!(str_to_num(b"3.9", 10), Some(Value::Float(f)) if (f - 3.9).abs() < 1e-6));
        assert!(matches!(str_to_num(b"ff", 16), Some(Value::Int(255))));
        assert!(matches!(str_to_num(b"0x1F", 16), Some(Value::Int(31))));
        assert!(str_to_num(b"abc", 10).is_none());
        assert!(matches!(str_to_num(b"-12", 10), Some(Value::Int(-12))));
        assert!(matches!(str_to_num(b"1e3", 10), Some(Value::Float(f)) if f == 1000.0));
    }
}
