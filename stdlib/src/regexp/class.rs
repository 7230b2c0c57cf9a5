//! The `regexp` class scripts see: a native class whose instances carry a compiled
//! [`Regexp`], with the reference's methods and results (`{begin, end}` tables).

use impish_vm::{Args, Fail, NativeEntry, Value, Vm};

use crate::natives::str_arg;
use crate::regexp::{MatchError, Regexp, DEFAULT_STEP_BUDGET};

/// Installs the `regexp` class as a global.
pub fn install(vm: &mut Vm) -> Result<(), Fail> {
    let methods: &[NativeEntry] = &[
        ("constructor", constructor, 2, Some(".s")),
        ("search", search, -2, Some("xsn")),
        ("match", is_match, 2, Some("xs")),
        ("capture", capture, -2, Some("xsn")),
        ("subexpcount", subexpcount, 1, Some("x")),
        ("_typeof", type_of, 1, Some("x")),
    ];
    install_class(vm, "regexp", methods)
}

/// A native class with `methods`, set as the global `name` (`regexp`, `regexp2`).
pub(crate) fn install_class(vm: &mut Vm, name: &str, methods: &[NativeEntry]) -> Result<(), Fail> {
    let class = vm.new_empty_class();
    for &(method, f, n, mask) in methods {
        let native = vm.new_native(method, f, n, mask);
        vm.class_set(class, method, native)?;
    }
    vm.set_global(name, class);
    Ok(())
}

fn constructor(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let this = args.this(vm);
    if vm.instance_data::<Regexp>(this).is_some() {
        return Err(vm.error("invalid regexp object"));
    }
    match Regexp::new(&str_arg(vm, args, 1)) {
        Ok(re) => {
            vm.set_instance_data(this, Box::new(re));
            Ok(Value::Null)
        }
        Err(e) => Err(vm.error(e.to_string())),
    }
}

/// Runs `f` on the instance's compiled pattern.
fn with_regexp<T>(vm: &mut Vm, args: Args, f: impl FnOnce(&mut Regexp) -> T) -> Result<T, Fail> {
    let this = args.this(vm);
    match vm.instance_data_mut::<Regexp>(this) {
        Some(re) => Ok(f(re)),
        None => Err(vm.error("invalid type tag")),
    }
}

/// Runs a match of the subject (argument 1, read in place) on the instance's compiled
/// pattern with the steps it may take: the engine's own bound, or what is left of the
/// instruction budget if that is less. The steps taken are charged to the budget, so a
/// catastrophic pattern stops with the budget's error instead of running a second per
/// call under a budget that counts only bytecode. `f` also gets the regexp after the
/// match, to read its captures.
fn matching<T>(
    vm: &mut Vm,
    args: Args,
    f: impl FnOnce(&mut Regexp, &[u8]) -> Result<T, MatchError>,
) -> Result<T, Fail> {
    let steps = vm.budget_left().map_or(DEFAULT_STEP_BUDGET, |left| left.saturating_add(1).min(DEFAULT_STEP_BUDGET));
    let (this, text) = (args.this(vm), args.get(vm, 1));
    let Some((re, text)) = vm.instance_data_mut_with_str::<Regexp>(this, text) else {
        return Err(vm.error("invalid type tag"));
    };
    re.set_step_budget(steps);
    let result = f(re, text);
    let spent = re.steps_spent();
    vm.charge(spent)?;
    result.map_err(|e| vm.error(e.to_string()))
}

/// The optional start offset (argument 2). A negative start finds nothing (the
/// reference would read before the string).
pub(crate) fn start_arg(vm: &Vm, args: Args) -> Option<usize> {
    let start = if args.len() > 2 { args.int(vm, 2) } else { 0 };
    usize::try_from(start).ok()
}

/// `{begin, end}` for a search that found `span`, null for one that did not.
pub(crate) fn span_or_null(vm: &mut Vm, span: Option<(usize, usize)>) -> Value {
    match span {
        Some((begin, end)) => {
            let [begin_key, end_key] = vm.span_keys();
            vm.new_table_from(&[(begin_key, Value::Int(begin as i64)), (end_key, Value::Int(end as i64))])
        }
        None => Value::Null,
    }
}

/// `[{begin, end}, ...]`: a capture's result.
pub(crate) fn span_tables(vm: &mut Vm, spans: Vec<(usize, usize)>) -> Value {
    let rows = spans.into_iter().map(|(b, e)| [Value::Int(b as i64), Value::Int(e as i64)]);
    vm.new_record_array(vm.span_keys(), rows)
}

fn search(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let Some(start) = start_arg(vm, args) else { return Ok(Value::Null) };
    let found = matching(vm, args, |re, text| re.search(text, start))?;
    Ok(span_or_null(vm, found))
}

fn is_match(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    matching(vm, args, |re, text| re.is_match(text)).map(Value::Bool)
}

fn capture(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let Some(start) = start_arg(vm, args) else { return Ok(Value::Null) };
    match matching(vm, args, |re, text| Ok(re.search(text, start)?.map(|_| re.spans().collect())))? {
        Some(spans) => Ok(span_tables(vm, spans)),
        None => Ok(Value::Null),
    }
}

fn subexpcount(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let n = with_regexp(vm, args, |re| re.subexpcount())?;
    Ok(Value::Int(n as i64))
}

fn type_of(vm: &mut Vm, _: Args) -> Result<Value, Fail> {
    Ok(vm.string("regexp"))
}

#[cfg(test)]
mod tests {
    use impish_vm::{Profile, Vm};

    /// Nested repetitions that each look ahead at the rest: exponential in this engine
    /// (as in the reference), a second of matching per call at the engine's own bound.
    const CATASTROPHIC: &str = r#"local s = ""; for (local i = 0; i < 60; i++) s += "a";
        re <- regexp("(a+(a+(a+(a+(a+(a+(a+(a+(a+(a+c))))))))))"); subject <- s;"#;

    fn setup() -> Vm {
        let mut vm = Vm::new(Profile::Squirrel);
        crate::register(&mut vm);
        vm.run_source(CATASTROPHIC, "setup.nut").expect("runs");
        vm
    }

    fn outcome(vm: &mut Vm, call: &str) -> String {
        let r = vm.run_source(&format!("try {{ return {call}; }} catch (e) {{ return e; }}"), "call.nut");
        r.map(|v| vm.describe(v)).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn matching_is_charged_to_the_instruction_budget() {
        for call in ["re.match(subject)", "re.search(subject)", "re.capture(subject)", "re.search(subject, 3)"] {
            let mut vm = setup();
            vm.set_instruction_budget(Some(1_000_000));
            let started = std::time::Instant::now();
            assert_eq!(outcome(&mut vm, call), "instruction budget exceeded", "{call}");
            assert!(started.elapsed().as_secs() < 5, "{call} stopped at the budget");
        }
        // A match that ends is charged its steps.
        let mut vm = setup();
        vm.set_instruction_budget(Some(1_000_000));
        let before = vm.stats(0).instructions;
        assert_eq!(outcome(&mut vm, "regexp(\"a*b\").match(\"aaaaaaaaaab\")"), "true");
        assert!(vm.stats(0).instructions - before > 10, "{:?}", vm.stats(0));
    }
}
