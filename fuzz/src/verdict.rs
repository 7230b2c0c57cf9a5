//! Failure signatures: one short line per root cause, so that findings group and the
//! minimiser keeps the failure it started with.
//!
//! - `panic AT: MESSAGE`: a Rust panic, by where it was raised;
//! - `abort SIGNAL: WHAT`: the process died (stack overflow, allocation failure);
//! - `hang`: a case outlived the wall-clock timeout (an exhausted budget is no hang);
//! - `mismatch PRODUCTION: OURS | REFERENCE`: the first differing printed line, by the
//!   production that printed it and the kind of each side: the type of a value, an
//!   error with its message (digits and quoted names folded), `<end>`, or `line P`
//!   (another production's line): never the value itself, so a root cause is one
//!   signature whatever the numbers;
//! - `mismatch compile: OURS | REFERENCE`: one side did not compile, or failed otherwise;
//! - `mismatch uncaught: OURS | REFERENCE`: same output, another uncaught error.

use crate::exec::{Limits, Outcome};
use crate::gen::END;
use impish_vm::runner::COMPILE_ERROR_STATUS;
use impish_vm::Profile;

/// Output with the addresses masked, in either case and wherever they are (a program
/// may `toupper` or `split` a `(table : 0x…)`): they differ from run to run. An address
/// is `0x0x` and hex digits (`sq` prints `0x%p`, which doubles the prefix on glibc) or
/// `0x` and 16 hex digits (impish).
fn without_addresses(out: &[u8]) -> String {
    let text = String::from_utf8_lossy(out);
    // ASCII lowercase keeps every byte offset.
    let lower = text.to_ascii_lowercase();
    let hex_run = |at: usize| lower[at..].find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(lower.len() - at);
    let mut s = String::with_capacity(text.len());
    let (mut from, mut scan) = (0, 0);
    while let Some(at) = lower[scan..].find("0x").map(|n| scan + n) {
        let digits = if lower[at + 2..].starts_with("0x") { at + 4 } else { at + 2 };
        let n = hex_run(digits);
        scan = at + 2;
        if n > 0 && (digits == at + 4 || n == 16) {
            s.push_str(&text[from..at]);
            s.push_str("ADDR");
            from = digits + n;
            scan = from;
        }
    }
    s.push_str(&text[from..]);
    s
}

/// Digits folded to `9`, whitespace runs to one space, cut to `max` characters: a line
/// as a pattern, so that the same bug with other numbers has the same signature.
pub fn shape(text: &str, max: usize) -> String {
    let mut s = String::new();
    let mut prev = ' ';
    for c in text.chars() {
        let c = match c {
            '0'..='9' => '9',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if !(c == prev && (c == '9' || c == ' ')) {
            s.push(c);
        }
        prev = c;
        if s.chars().count() >= max {
            break;
        }
    }
    s.trim().to_string()
}

/// The signature of a run that panicked.
pub fn panic_signature(outcome: &Outcome) -> Option<String> {
    outcome.panic.as_ref().map(|p| {
        let (place, message) = p.split_once(": ").unwrap_or((p, ""));
        format!("panic {place}: {}", shape(message, 60))
    })
}

/// The signature of a process that died, from its signal or status and its stderr.
pub fn abort_signature(status: Option<i32>, signal: Option<i32>, stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let why = text
        .lines()
        .find(|l| l.contains("overflowed its stack") || l.contains("memory allocation") || l.contains("fatal"))
        .map(|l| shape(l, 60))
        .unwrap_or_default();
    let how = match (signal, status) {
        (Some(6), _) => "SIGABRT".to_string(),
        (Some(11), _) => "SIGSEGV".to_string(),
        (Some(9), _) => "SIGKILL".to_string(),
        (Some(s), _) => format!("signal {s}"),
        (None, Some(c)) => format!("exit {c}"),
        (None, None) => "unknown".to_string(),
    };
    format!("abort {how}: {why}")
}

/// The production a generated program's tag names: `k12:int.shl` → `int.shl`, and
/// the caught errors of set-up statements, `init.v5`, `guard.s3`, `new.C2`, `assign`.
fn tagged(tag: &str) -> Option<&str> {
    match tag.split_once(':') {
        Some((k, kind)) if k.starts_with('k') => Some(kind),
        _ => match tag.split_once('.') {
            Some((kind @ ("init" | "guard" | "new"), _)) => Some(kind),
            _ => (tag == "assign").then_some(tag),
        },
    }
}

/// The production that printed a line (`line` for an untagged one).
fn production(line: &str) -> &str {
    tagged(tag(line)).unwrap_or("line")
}

/// The value part of a printed line (without its tag).
fn value(line: &str) -> &str {
    match line.split_once(' ') {
        Some((tag, rest)) if tagged(tag).is_some() => rest,
        _ => line,
    }
}

/// The tag of a printed line (`k12:int.shl`).
fn tag(line: &str) -> &str {
    line.split(' ').next().unwrap_or("")
}

/// A message as a pattern: quoted names folded to `'_'`, then [`shape`]d.
fn message_shape(message: &str) -> String {
    let mut folded = String::new();
    let mut parts = message.split('\'');
    folded.push_str(parts.next().unwrap_or(""));
    for (i, part) in parts.enumerate() {
        folded.push_str(if i % 2 == 0 { "'_" } else { "'" });
        if i % 2 == 1 {
            folded.push_str(part);
        }
    }
    shape(&folded, 50)
}

/// The kind of a value as `dump` prints it.
fn value_kind(v: &str) -> &'static str {
    match v.trim_end().chars().next() {
        Some('"') => "string",
        Some('[') => "array",
        Some('{') => "table",
        Some('<') => "instance",
        _ if v.parse::<i64>().is_ok() => "integer",
        _ if v.parse::<f64>().is_ok() || v.contains("nan") || v.contains("inf") => "float",
        _ => match v.trim_end() {
            "true" | "false" => "bool",
            "null" => "null",
            _ => "other",
        },
    }
}

/// What one side printed on the first differing line, as a kind (see the module doc).
fn side(line: Option<&str>, other: Option<&str>) -> String {
    let Some(line) = line.map(str::trim_end) else { return "<end>".into() };
    let what = match value(line).strip_prefix("! ") {
        Some(thrown) if thrown.starts_with('"') => format!("error {}", message_shape(thrown)),
        Some(thrown) => format!("error {}", value_kind(thrown)),
        None => value_kind(value(line)).into(),
    };
    match other {
        Some(o) if tag(o) != tag(line) => format!("line {} {what}", production(line)),
        _ => what,
    }
}

/// Errors of ours that are documented deliberate differences
/// (`tests/conformance-gaps.txt`, `[deliberate]`): sq 3.2's `%` does not raise.
const DELIBERATE: &[&str] = &["modulo by zero", "arith op % on between"];

/// The signature of a difference that `tests/conformance-gaps.txt` documents as
/// deliberate and [`compare`] can recognise only by the values.
const DELIBERATE_SIGNATURE: &str = "deliberate";

/// Whether a difference is a documented deliberate one (our side raised one of
/// [`DELIBERATE`], or [`compare`] saw one): not a finding.
pub fn deliberate(signature: &str) -> bool {
    let ours = signature.split_once(": ").and_then(|(_, rest)| rest.split(" | ").next()).unwrap_or("");
    signature == DELIBERATE_SIGNATURE
        || signature.starts_with("mismatch") && DELIBERATE.iter().any(|d| ours.contains(d))
}

/// Whether two differing lines differ only where the imp profile saturates an
/// out-of-range float→integer conversion as ARM does (2147483647, or -2147483648 below;
/// `format`'s `%x` 7fffffff, `%o` 17777777777) and the 32-bit x86 `sq` gives -2147483648 for all.
fn saturated(ours: &str, reference: &str) -> bool {
    let reference_way = ours
        .replace("2147483647", "-2147483648")
        .replace("--", "-")
        .replace("7fffffff", "80000000")
        .replace("7FFFFFFF", "80000000")
        .replace("17777777777", "20000000000");
    reference_way == reference
}

/// Whether two differing lines differ only in the sign of a NaN, which an operation on
/// NaNs leaves as the FPU does (x87, which the 32-bit `sq` uses, and ARM differ).
fn nan_sign(ours: &str, reference: &str) -> bool {
    ours.replace("-nan", "nan") == reference.replace("-nan", "nan")
}

/// Whether `ours` and the reference's output differ; `None` when they agree or when
/// the comparison means nothing (we stopped on a limit the reference does not have);
/// a documented deliberate difference is signed [`DELIBERATE_SIGNATURE`].
pub fn compare(profile: Profile, ours: &Outcome, reference: &Outcome, limits: &Limits) -> Option<String> {
    if ours.hit_limit(limits) {
        return None;
    }
    let compile = |o: &Outcome| o.status == COMPILE_ERROR_STATUS;
    if compile(ours) || compile(reference) {
        let message = |o: &Outcome| match o.error_line() {
            Some(l) if compile(o) => l.split_once(") : ").map_or(l.clone(), |(_, m)| m.to_string()),
            _ => "runs".to_string(),
        };
        let (l, r) = (message(ours), message(reference));
        return (l != r).then(|| format!("mismatch compile: {} | {}", shape(&l, 60), shape(&r, 60)));
    }
    let (a, b) = (without_addresses(&ours.stdout), without_addresses(&reference.stdout));
    if a != b {
        let (mut x, mut y) = (a.split_inclusive('\n'), b.split_inclusive('\n'));
        loop {
            match (x.next(), y.next()) {
                (Some(l), Some(r)) if l == r => continue,
                (Some(l), Some(r))
                    if profile == Profile::Imp && (saturated(l, r) || nan_sign(l, r))
                        || DELIBERATE.iter().any(|d| l.contains(d)) =>
                {
                    return Some(DELIBERATE_SIGNATURE.into());
                }
                (l, r) => {
                    let kind = production(r.or(l).unwrap_or(""));
                    return Some(format!("mismatch {kind}: {} | {}", side(l, r), side(r, l)));
                }
            }
        }
    }
    if a.ends_with(&format!("{END}\n")) {
        return None;
    }
    let (l, r) = (ours.error_line(), reference.error_line());
    (l != r).then(|| {
        format!(
            "mismatch uncaught: {} | {}",
            message_shape(l.as_deref().unwrap_or("none")),
            message_shape(r.as_deref().unwrap_or("none"))
        )
    })
}
