//! The agent's `regexp2` class (Dev Center, "regexp2"): regular expressions in Google
//! RE2's syntax, with `search`, `match` and `capture` giving what `regexp`'s give
//! (`{begin, end}` tables, a bool, an array of them). The `regex` crate follows RE2's
//! design and syntax (no backreferences or lookaround, linear time), so a pattern means
//! what it means on the imp. Its classes are ASCII, as RE2's `\w`, `\d`, `\s` are.

use impish_vm::{Args, Fail, NativeEntry, Value, Vm};
use regex::bytes::{Regex, RegexBuilder};

use crate::natives::str_arg;
use crate::regexp::class::{install_class, span_or_null, span_tables, start_arg};

/// The longest pattern the imp compiles (documented: 256 characters).
const MAX_PATTERN: usize = 256;

/// A compiled pattern: for searching, and anchored at both ends for `match`.
struct Regexp2 {
    search: Regex,
    whole: Regex,
}

/// Installs the `regexp2` class as a global (agents only, as on the imp).
pub fn install(vm: &mut Vm) -> Result<(), Fail> {
    let methods: &[NativeEntry] = &[
        ("constructor", constructor, 2, Some(".s")),
        ("search", search, -2, Some("xsn")),
        ("match", is_match, 2, Some("xs")),
        ("capture", capture, -2, Some("xsn")),
        ("_typeof", type_of, 1, Some("x")),
    ];
    install_class(vm, "regexp2", methods)
}

fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).unicode(false).build()
}

fn constructor(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let this = args.this(vm);
    if vm.instance_data::<Regexp2>(this).is_some() {
        return Err(vm.error("invalid regexp2 object"));
    }
    let pattern = str_arg(vm, args, 1);
    if pattern.len() > MAX_PATTERN {
        return Err(vm.error(format!("regexp2: pattern longer than {MAX_PATTERN} characters")));
    }
    let Ok(pattern) = String::from_utf8(pattern) else {
        return Err(vm.error("regexp2: pattern is not UTF-8"));
    };
    match compile(&pattern).and_then(|search| Ok(Regexp2 { search, whole: compile(&format!(r"\A(?:{pattern})\z"))? })) {
        Ok(re) => {
            vm.set_instance_data(this, Box::new(re));
            Ok(Value::Null)
        }
        // The crate's syntax errors draw the pattern with a caret above the reason:
        // the reason alone makes a one-line Squirrel error.
        Err(e) => Err(vm.error(format!("regexp2: {}", e.to_string().lines().last().unwrap_or_default()))),
    }
}

/// Runs `f` on the instance's compiled pattern.
fn with_regexp2<T>(vm: &mut Vm, args: Args, f: impl FnOnce(&Regexp2) -> T) -> Result<T, Fail> {
    match vm.instance_data::<Regexp2>(args.this(vm)) {
        Some(re) => Ok(f(re)),
        None => Err(vm.error("invalid type tag")),
    }
}

/// The subject and where to start in it; `None` for a start outside it.
fn text_from(vm: &Vm, args: Args) -> Option<(Vec<u8>, usize)> {
    let text = str_arg(vm, args, 1);
    start_arg(vm, args).filter(|&s| s <= text.len()).map(|s| (text, s))
}

fn search(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let Some((text, start)) = text_from(vm, args) else { return Ok(Value::Null) };
    let found = with_regexp2(vm, args, |re| re.search.find_at(&text, start).map(|m| (m.start(), m.end())))?;
    Ok(span_or_null(vm, found))
}

fn is_match(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let text = str_arg(vm, args, 1);
    with_regexp2(vm, args, |re| Value::Bool(re.whole.is_match(&text)))
}

/// The whole match then each group's span; a group that took no part is `{0, 0}`,
/// as `regexp.capture` reports it.
fn capture(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let Some((text, start)) = text_from(vm, args) else { return Ok(Value::Null) };
    let spans = with_regexp2(vm, args, |re| {
        let found = re.search.captures_at(&text, start)?;
        Some(found.iter().map(|g| g.map_or((0, 0), |m| (m.start(), m.end()))).collect::<Vec<_>>())
    })?;
    let Some(spans) = spans else { return Ok(Value::Null) };
    Ok(span_tables(vm, spans))
}

fn type_of(vm: &mut Vm, _: Args) -> Result<Value, Fail> {
    Ok(vm.string("regexp2"))
}
