//! The `regexp` class scripts see: a native class whose instances carry a compiled
//! [`Regexp`], with the reference's methods and results (`{begin, end}` tables).

use impish_vm::{Args, Fail, Value, Vm};

use crate::natives::{int_arg, str_arg, Entry};
use crate::regexp::Regexp;

/// Installs the `regexp` class as a global.
pub fn install(vm: &mut Vm) -> Result<(), Fail> {
    let class = vm.new_empty_class();
    let methods: &[Entry] = &[
        ("constructor", constructor, 2, Some(".s")),
        ("search", search, -2, Some("xsn")),
        ("match", is_match, 2, Some("xs")),
        ("capture", capture, -2, Some("xsn")),
        ("subexpcount", subexpcount, 1, Some("x")),
        ("_typeof", type_of, 1, Some("x")),
    ];
    for &(name, f, n, mask) in methods {
        let native = vm.new_native(name, f, n, mask);
        vm.class_set(class, name, native)?;
    }
    vm.set_global("regexp", class);
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

/// The subject (argument 1) and the optional start offset (argument 2). A negative
/// start finds nothing (the reference would read before the string).
fn subject(vm: &Vm, args: Args) -> (Vec<u8>, Option<usize>) {
    let start = if args.len() > 2 { int_arg(vm, args, 2) } else { 0 };
    (str_arg(vm, args, 1), usize::try_from(start).ok())
}

/// `{begin = b, end = e}`.
fn span_table(vm: &mut Vm, (begin, end): (usize, usize)) -> Value {
    let t = vm.new_table();
    for (k, v) in [("begin", begin), ("end", end)] {
        let k = vm.string(k);
        vm.table_set(t, k, Value::Int(v as i64));
    }
    t
}

fn search(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (text, start) = subject(vm, args);
    let Some(start) = start else { return Ok(Value::Null) };
    match with_regexp(vm, args, |re| re.search(&text, start))? {
        Ok(Some(span)) => Ok(span_table(vm, span)),
        Ok(None) => Ok(Value::Null),
        Err(e) => Err(vm.error(e.to_string())),
    }
}

fn is_match(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let text = str_arg(vm, args, 1);
    match with_regexp(vm, args, |re| re.is_match(&text))? {
        Ok(m) => Ok(Value::Bool(m)),
        Err(e) => Err(vm.error(e.to_string())),
    }
}

fn capture(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let (text, start) = subject(vm, args);
    let Some(start) = start else { return Ok(Value::Null) };
    match with_regexp(vm, args, |re| re.capture(&text, start))? {
        Ok(Some(spans)) => {
            let items = spans.into_iter().map(|s| span_table(vm, s)).collect();
            Ok(vm.new_array(items))
        }
        Ok(None) => Ok(Value::Null),
        Err(e) => Err(vm.error(e.to_string())),
    }
}

fn subexpcount(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let n = with_regexp(vm, args, |re| re.subexpcount())?;
    Ok(Value::Int(n as i64))
}

fn type_of(vm: &mut Vm, _: Args) -> Result<Value, Fail> {
    Ok(vm.string("regexp"))
}
