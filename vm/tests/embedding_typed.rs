//! The typed embedding API end to end: conversions round-trip through scripts, errors
//! read like the reference's and keep the Squirrel stack, handles and native classes
//! stay sound under GC stress, closures keep their state.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use impish_vm::{
    Array, Bytes, ClassBuilder, Error, FromSquirrel, Function, Handle, IntoSquirrel, Profile, Rest, Table, This, Value,
    Vm,
};
use indexmap::IndexMap;
use proptest::prelude::*;

/// A VM with `id(x)`, a script function returning its argument.
fn vm_with_identity(profile: Profile) -> Vm {
    let mut vm = Vm::new(profile);
    vm.eval::<()>("function id(x) { return x }").expect("defines id");
    vm
}

/// `v` sent through a script and back.
fn through_script<T: IntoSquirrel + FromSquirrel>(vm: &mut Vm, v: T) -> Result<T, Error> {
    vm.call_fn("id", v)
}

fn runtime_message(r: Result<impl std::fmt::Debug, Error>) -> String {
    match r {
        Err(Error::Runtime(e)) => e.message,
        other => panic!("expected a runtime error, got {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn integers_round_trip_in_the_profiles_range(a in any::<i64>(), b in any::<i32>(), c in any::<u16>(), d in any::<i8>()) {
        let mut vm = vm_with_identity(Profile::Squirrel);
        prop_assert_eq!(through_script(&mut vm, a).ok(), Some(a));
        let mut imp = vm_with_identity(Profile::Imp);
        prop_assert_eq!(through_script(&mut imp, b).ok(), Some(b));
        prop_assert_eq!(through_script(&mut imp, c).ok(), Some(c));
        prop_assert_eq!(through_script(&mut imp, d).ok(), Some(d));
        let fits = i32::try_from(a).is_ok();
        prop_assert_eq!(through_script(&mut imp, a).is_ok(), fits);
    }

    #[test]
    fn narrowing_reads_are_range_checked(a in any::<i64>()) {
        let mut vm = vm_with_identity(Profile::Squirrel);
        let r: Result<u8, Error> = vm.call_fn("id", a);
        match u8::try_from(a) {
            Ok(byte) => prop_assert_eq!(r.ok(), Some(byte)),
            Err(_) => prop_assert_eq!(
                runtime_message(r),
                format!("the result has an invalid value {a} ; expected: an integer in 0..=255")
            ),
        }
    }

    #[test]
    fn strings_and_bytes_round_trip(s in ".*", b in proptest::collection::vec(any::<u8>(), 0..40)) {
        let mut vm = vm_with_identity(Profile::Squirrel);
        prop_assert_eq!(through_script(&mut vm, s.clone()).ok(), Some(s));
        prop_assert_eq!(through_script(&mut vm, Bytes(b.clone())).ok(), Some(Bytes(b)));
    }

    #[test]
    fn vectors_and_maps_round_trip(
        v in proptest::collection::vec(any::<i32>(), 0..30),
        h in proptest::collection::hash_map(".{0,8}", any::<i32>(), 0..20),
        t in proptest::collection::btree_map(any::<i64>(), proptest::option::of(".{0,4}"), 0..20),
    ) {
        let mut vm = vm_with_identity(Profile::Squirrel);
        prop_assert_eq!(through_script(&mut vm, v.clone()).ok(), Some(v));
        prop_assert_eq!(through_script(&mut vm, h.clone()).ok(), Some(h.clone()));
        // A slot may hold null: `None`s come back as they went.
        prop_assert_eq!(through_script(&mut vm, t.clone()).ok(), Some(t));
        let ordered: IndexMap<String, i32> = h.clone().into_iter().collect();
        let back: IndexMap<String, i32> = through_script(&mut vm, ordered).expect("converts");
        prop_assert_eq!(back.into_iter().collect::<HashMap<_, _>>(), h);
    }
}

#[test]
fn floats_bools_options_and_nested_containers_round_trip() {
    let mut vm = vm_with_identity(Profile::Squirrel);
    assert_eq!(through_script(&mut vm, 0.25f64).ok(), Some(0.25));
    assert_eq!(through_script(&mut vm, true).ok(), Some(true));
    assert_eq!(through_script(&mut vm, None::<i64>).ok(), Some(None));
    let nested: Vec<HashMap<String, Vec<Option<bool>>>> =
        vec![HashMap::from([("a".into(), vec![Some(true), None])]), HashMap::new()];
    assert_eq!(through_script(&mut vm, nested.clone()).ok(), Some(nested));
}

#[test]
fn typed_natives_check_arguments_like_the_reference() {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.register_fn("add", |a: i64, b: i64| a + b);
    vm.register_fn("byte", |b: u8| b);
    vm.register_fn("names", |n: Vec<String>| n.join(","));
    assert_eq!(vm.eval::<i64>("add(2, 3)").ok(), Some(5));
    let type_error = runtime_message(vm.eval::<i64>("add(1, \"x\")"));
    assert_eq!(type_error, "parameter 2 has an invalid type 'string' ; expected: 'integer'");
    assert_eq!(runtime_message(vm.eval::<i64>("add(1)")), "wrong number of parameters");
    let range = runtime_message(vm.eval::<i64>("byte(256)"));
    assert_eq!(range, "parameter 1 has an invalid value 256 ; expected: an integer in 0..=255");
    let nested = runtime_message(vm.eval::<String>("names([\"a\", 2])"));
    assert_eq!(nested, "parameter 1[1] has an invalid type 'integer' ; expected: 'string'");
    // The messages match what the reference says for its own natives' type masks.
    let reference = runtime_message(vm.eval::<String>("\"abc\".slice(\"x\")"));
    assert_eq!(reference, "parameter 1 has an invalid type 'string' ; expected: 'integer|float'");
}

#[test]
fn a_result_error_is_catchable_and_carries_the_stack() {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.register_fn("checked_div", |a: i64, b: i64| a.checked_div(b).ok_or("division by zero"));
    let caught = vm.eval::<String>("try { checked_div(1, 0) } catch (e) { return \"caught: \" + e }");
    assert_eq!(caught.ok().as_deref(), Some("caught: division by zero"));

    // `outer` keeps its frame (a `return inner(b)` would be a tail call).
    vm.run_source(
        "function inner(b) { return checked_div(10, b) }\nfunction outer(b) {\n  local r = inner(b)\n  return r\n}",
        "calc.nut",
    )
    .expect("defines the functions");
    let Err(Error::Runtime(e)) = vm.call_fn::<i64>("outer", 0) else { panic!("a runtime error") };
    let functions: Vec<&str> = e.stack.iter().map(|s| s.function.as_str()).collect();
    assert_eq!(functions, ["inner", "outer"]);
    assert_eq!(format!("{e}"), "division by zero");
    assert_eq!(format!("{e:#}"), "division by zero\n    at inner() calc.nut:1\n    at outer() calc.nut:3");
    let as_error = Error::Runtime(e);
    assert!(format!("{as_error:#}").ends_with("at outer() calc.nut:3"), "Error forwards the alternate form");
}

#[test]
fn a_wrong_result_type_names_the_result() {
    let mut vm = Vm::new(Profile::Squirrel);
    let message = runtime_message(vm.eval::<i64>("\"text\""));
    assert_eq!(message, "the result has an invalid type 'string' ; expected: 'integer'");
    assert_eq!(runtime_message(vm.eval::<i64>("missing()")), "the index 'missing' does not exist");
}

#[test]
fn closures_keep_their_state() {
    let mut vm = Vm::new(Profile::Squirrel);
    let calls = Rc::new(Cell::new(0));
    let seen = calls.clone();
    vm.register_fn("tick", move || {
        seen.set(seen.get() + 1);
        seen.get()
    });
    let log = Rc::new(RefCell::new(Vec::new()));
    let sink = log.clone();
    vm.register_fn("log", move |line: String| sink.borrow_mut().push(line));
    vm.eval::<()>("for (local i = 0; i < 3; i++) log(\"tick \" + tick())").expect("runs");
    assert_eq!(calls.get(), 3);
    assert_eq!(*log.borrow(), ["tick 1", "tick 2", "tick 3"]);
}

#[test]
fn natives_with_the_vm_call_back_into_scripts_re_entrantly() {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.set_gc_stress(true);
    // `map(items, f)`: calls back for each item, building a Rust vector of results.
    vm.register_fn("map", |vm: &mut Vm, items: Vec<Value>, f: Function| -> Result<Vec<String>, Error> {
        items.into_iter().map(|item| f.call::<String>(vm, item)).collect()
    });
    let nested = vm.eval::<Vec<String>>(
        "map([1, 2], function(x) { return map([x, x], @(y) \"<\" + y + \">\").reduce(@(a, b) a + b) })",
    );
    assert_eq!(nested.ok(), Some(vec!["<1><1>".to_string(), "<2><2>".to_string()]));
}

#[test]
fn this_and_rest_parameters() {
    let mut vm = Vm::new(Profile::Squirrel);
    let delegate = vm.type_delegate(impish_vm::Type::String).expect("strings have a delegate");
    vm.register_fn_in(delegate, "shout", |This(s): This<String>, marks: Option<usize>| {
        s.to_uppercase() + &"!".repeat(marks.unwrap_or(1))
    });
    assert_eq!(vm.eval::<String>("\"hey\".shout()").ok().as_deref(), Some("HEY!"));
    assert_eq!(vm.eval::<String>("\"hey\".shout(3)").ok().as_deref(), Some("HEY!!!"));
    vm.register_fn("sum", |first: i64, Rest(more): Rest<i64>| first + more.iter().sum::<i64>());
    assert_eq!(vm.eval::<i64>("sum(1, 2, 3, 4)").ok(), Some(10));
    assert_eq!(vm.call_fn::<i64>("sum", Rest(vec![5, 6])).ok(), Some(11));
    let e = runtime_message(vm.eval::<i64>("sum(1, 2, \"x\")"));
    assert_eq!(e, "parameter 3 has an invalid type 'string' ; expected: 'integer'");
}

#[test]
fn handles_survive_gc_stress_and_release_on_drop() {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.set_gc_stress(true);
    let callbacks: Vec<Function> = (0..20)
        .map(|i| vm.eval(&format!("function(x) {{ local t = {{ v = x + {i} }}; return t.v }}")).expect("a function"))
        .collect();
    let config: Table = vm.eval("{ port = 8080, hosts = [\"a\", \"b\"] }").expect("a table");
    let list = Array::new(&mut vm);
    for (i, f) in callbacks.iter().enumerate() {
        vm.eval::<()>("local junk = []; for (local i = 0; i < 50; i++) junk.push({ i = i })").expect("churns");
        assert_eq!(f.call::<i64>(&mut vm, 100).ok(), Some(100 + i as i64));
        list.push(&mut vm, format!("item {i}")).expect("pushes");
    }
    vm.collect_garbage();
    assert_eq!(config.get::<u16>(&mut vm, "port").ok(), Some(8080));
    assert_eq!(config.get::<Vec<String>>(&mut vm, "hosts").ok(), Some(vec!["a".into(), "b".into()]));
    assert_eq!(list.len(&vm).ok(), Some(20));
    assert_eq!(list.get::<String>(&vm, 19).ok().as_deref(), Some("item 19"));
    config.set(&mut vm, "port", 9090).expect("sets");
    assert_eq!(config.get::<i64>(&mut vm, "port").ok(), Some(9090));

    let before = vm.collect_garbage();
    drop(callbacks);
    drop(config);
    let freed = vm.collect_garbage();
    assert!(freed > before, "dropped handles let their values go ({freed} freed)");
}

#[test]
fn arguments_made_for_a_call_are_held_until_the_call_has_them() {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.set_gc_stress(true);
    vm.eval::<()>("function join(a, b, c) { collectgarbage(); return a.x + b.len() + c.len() }").expect("defines");
    let args = (HashMap::from([("x", 1)]), vec![1, 2], "abc".to_string());
    assert_eq!(vm.call_fn::<i64>("join", args).ok(), Some(6));
}

#[test]
fn a_handle_of_another_vm_is_refused_not_read() {
    let mut a = Vm::new(Profile::Squirrel);
    let mut b = Vm::new(Profile::Squirrel);
    let f: Function = a.eval("function() { return 1 }").expect("a function");
    let e = f.call::<i64>(&mut b, ()).unwrap_err();
    assert_eq!(e.to_string(), "the value belongs to another VM");
    let e = b.call_fn::<i64>("print", f.handle()).unwrap_err();
    assert_eq!(e.to_string(), "argument 1 belongs to another VM");
    let t: Table = a.eval("{}").expect("a table");
    assert_eq!(t.set(&mut b, "k", 1).map_err(|e| e.to_string()), Err("the value belongs to another VM".into()));
    assert_eq!(t.len(&b).map_err(|e| e.to_string()), Err("the value belongs to another VM".into()));
    assert_eq!(f.call::<i64>(&mut a, ()).ok(), Some(1), "the handle still works in its own VM");
}

/// A host object for the class tests; counts drops to see instances collected.
struct Meter {
    reading: f64,
    unit: String,
    drops: Rc<Cell<usize>>,
}

impl Drop for Meter {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
    }
}

fn meter_class(drops: Rc<Cell<usize>>) -> ClassBuilder<Meter> {
    ClassBuilder::<Meter>::new("Meter")
        .constructor(move |unit: String| {
            if unit.is_empty() {
                return Err("a unit is needed");
            }
            Ok(Meter { reading: 0.0, unit, drops: drops.clone() })
        })
        .method("add", |m: &mut Meter, amount: f64| {
            m.reading += amount;
            m.reading
        })
        .method("describe", |m: &Meter| format!("{} {}", m.reading, m.unit))
        .method("each_unit", |vm: &mut Vm, m: &Meter, f: Function| f.call::<()>(vm, m.unit.clone()))
        .method("poke", |vm: &mut Vm, _: &mut Meter, f: Function| f.call::<()>(vm, ()))
        .function("units", || vec!["kWh", "m3"])
        .getter("reading", |m: &Meter| m.reading)
        .setter("reading", |m: &mut Meter, v: f64| m.reading = v)
        .getter("unit", |m: &Meter| m.unit.clone())
}

#[test]
fn a_native_class_under_gc_stress() {
    let drops = Rc::new(Cell::new(0));
    let mut vm = Vm::new(Profile::Squirrel);
    vm.set_gc_stress(true);
    vm.register_class(meter_class(drops.clone())).expect("registers");
    let total = vm.eval::<f64>(
        "local sum = 0.0
         for (local i = 0; i < 50; i++) {
             local m = Meter(\"kWh\")
             m.add(i); m.reading = m.reading * 2
             sum += m.reading
         }
         return sum",
    );
    assert_eq!(total.ok(), Some(2450.0));
    vm.collect_garbage();
    assert_eq!(drops.get(), 50, "every collected instance dropped its Rust value");
    assert_eq!(vm.eval::<String>("typeof Meter(\"m3\")").ok().as_deref(), Some("Meter"));
    assert_eq!(vm.eval::<Vec<String>>("Meter.units()").ok(), Some(vec!["kWh".into(), "m3".into()]));
    assert_eq!(vm.eval::<String>("Meter(\"m3\").describe()").ok().as_deref(), Some("0 m3"));
    let derived = vm.eval::<f64>(
        "class Doubled extends Meter { function add(x) { return base.add(x * 2) } }
         local d = Doubled(\"W\"); d.add(4); return d.reading",
    );
    assert_eq!(derived.ok(), Some(8.0));
}

#[test]
fn native_class_errors_are_squirrel_errors() {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.register_class(meter_class(Rc::default())).expect("registers");
    let cases = [
        ("Meter(\"\")", "a unit is needed"),
        ("Meter(1)", "parameter 1 has an invalid type 'integer' ; expected: 'string'"),
        ("Meter(\"W\").unit = \"V\"", "the property 'unit' is read-only"),
        (
            "Meter(\"W\").reading = \"high\"",
            "property 'reading' has an invalid type 'string' ; expected: 'integer|float'",
        ),
        ("Meter(\"W\").nothing", "the index 'nothing' does not exist"),
        ("Meter.describe.call({})", "parameter 0 has an invalid type 'table' ; expected: 'instance'"),
        (
            "class Other {}; Meter.describe.call(Other())",
            "parameter 0 has an invalid type 'instance' ; expected: 'Meter'",
        ),
        (
            "class Lazy extends Meter { constructor() {} }; Lazy().describe()",
            "parameter 0: its 'Meter' constructor has not run",
        ),
        ("local m = Meter(\"W\"); m.constructor(\"V\")", "the 'Meter' instance is already constructed"),
        (
            "local m = Meter(\"W\"); m.poke(@() m.add(1))",
            "the 'Meter' instance is in use by a method that is still running",
        ),
    ];
    for (source, message) in cases {
        assert_eq!(runtime_message(vm.eval::<Value>(source)), message, "{source}");
    }
    // A shared borrow lets other readers in.
    let units = vm.eval::<String>(
        "local m = Meter(\"W\"); local seen = \"\"; m.each_unit(@(u) seen = m.describe() + \"/\" + u); return seen",
    );
    assert_eq!(units.ok().as_deref(), Some("0 W/W"));
}

#[test]
fn host_and_script_share_a_native_instance() {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.set_gc_stress(true);
    let drops = Rc::new(Cell::new(0));
    vm.register_class(meter_class(drops.clone())).expect("registers");
    let meter = Rc::new(RefCell::new(Meter { reading: 1.0, unit: "kWh".into(), drops: drops.clone() }));
    vm.globals().set(&mut vm, "main", meter.clone()).expect("sets the global");
    vm.eval::<()>("main.add(41)").expect("runs");
    assert_eq!(meter.borrow().reading, 42.0);
    let back: Rc<RefCell<Meter>> = vm.global("main").expect("the same instance");
    assert!(Rc::ptr_eq(&back, &meter));
    let e = vm.global::<Rc<RefCell<String>>>("main").unwrap_err();
    assert_eq!(e.to_string(), "global 'main' has an invalid type 'instance' ; expected: 'alloc::string::String'");
    let unregistered = Rc::new(RefCell::new(5u8)).into_squirrel(&mut vm).unwrap_err();
    assert_eq!(unregistered.to_string(), "the value: no class is registered for `u8`");

    vm.eval::<()>("main = null").expect("runs");
    vm.collect_garbage();
    assert_eq!(drops.get(), 0, "the host still holds the value");
    drop((back, meter));
    assert_eq!(drops.get(), 1);
}

#[test]
fn typed_calls_take_handles_values_and_names() {
    let mut vm = Vm::new(Profile::Squirrel);
    let f: Handle = vm.eval("@(a, b) a + b").expect("a function");
    assert_eq!(vm.call_fn::<i64>(&f, (1, 2)).ok(), Some(3));
    let raw = f.value(&vm).expect("own handle");
    assert_eq!(vm.call_fn::<i64>(raw, (3, 4)).ok(), Some(7));
    assert_eq!(vm.call_method::<i64>("abc", "len", ()).ok(), Some(3));
    let greeter: Table = vm.eval("{ name = \"imp\", hello = function(x) { return x + name } }").expect("a table");
    assert_eq!(vm.call_method::<String>(&greeter, "hello", "hi ").ok().as_deref(), Some("hi imp"));
}

/// A native value holding a handle: collected instances drop their handles (freeing
/// the slots mid-collection), live ones keep their callbacks alive.
#[test]
fn a_native_value_holding_handles_under_gc_stress() {
    struct Button {
        on_press: Option<Function>,
    }
    let mut vm = Vm::new(Profile::Squirrel);
    vm.set_gc_stress(true);
    let button = ClassBuilder::<Button>::new("Button")
        .constructor(|| Button { on_press: None })
        .method("onPress", |b: &mut Button, f: Function| b.on_press = Some(f))
        .method("press", |vm: &mut Vm, b: &Button, n: i64| match &b.on_press {
            Some(f) => f.call::<i64>(vm, n),
            None => Ok(0),
        });
    vm.register_class(button).expect("registers");
    let total = vm.eval::<i64>(
        "local kept = Button(), sum = 0
         kept.onPress(function(n) { local t = [n, n]; return t[0] + t[1] })
         for (local i = 0; i < 30; i++) {
             local b = Button(); b.onPress(@(n) n + i); sum += b.press(i)
             sum += kept.press(i)
         }
         return sum",
    );
    assert_eq!(total.ok(), Some(2 * 870));
    vm.collect_garbage();
}
