//! What the embedding API guarantees a Rust caller: values stay alive while held, a
//! panic inside the VM is an error of that VM only, and values of another VM are
//! refused instead of read.

use impish_vm::{Args, Error, Fail, Profile, Value, Vm};

fn panicking_native(_: &mut Vm, _: Args) -> Result<Value, Fail> {
    panic!("a bug in a native")
}

#[test]
fn a_panic_inside_the_vm_is_an_internal_error_and_poisons_only_that_vm() {
    let mut broken = Vm::new(Profile::Squirrel);
    broken.register("boom", panicking_native, 1, None);
    let first = broken.run_source("local x = 1; boom();", "boom.nut");
    assert!(matches!(&first, Err(Error::Internal(why)) if why.contains("a bug in a native")), "{first:?}");
    let again = broken.run_source("print(1)", "again.nut");
    assert!(matches!(again, Err(Error::Internal(_))), "a poisoned VM refuses later calls");

    let mut other = Vm::new(Profile::Squirrel);
    let r = other.run_source("return 6 * 7", "ok.nut").expect("another VM is unaffected");
    assert!(matches!(r, Value::Int(42)));
}

#[test]
fn a_value_of_another_vm_is_refused() {
    let mut a = Vm::new(Profile::Squirrel);
    for _ in 0..100 {
        a.new_table();
    }
    let foreign = a.new_table();
    let mut b = Vm::new(Profile::Squirrel);
    let f = b.compile("return function(t) { return t.len() }", "f.nut").expect("compiles");
    let root = b.root_table();
    let f = b.call(f, root, &[]).expect("returns the function");
    let r = b.call(f, root, &[foreign]);
    assert!(matches!(r, Err(Error::Internal(ref why)) if why.contains("another VM")), "{r:?}");
}

#[test]
fn pinned_values_survive_collections_and_unpinned_ones_are_freed() {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.set_gc_stress(true);
    let kept = vm.new_array(Vec::new());
    vm.pin(kept);
    let churn = vm.compile("for (local i = 0; i < 1000; i++) { local t = {a = i} }", "churn.nut").expect("compiles");
    vm.pin(churn);
    let root = vm.root_table();
    vm.call(churn, root, &[]).expect("runs");
    vm.collect_garbage();
    assert_eq!(vm.array_items(kept).map(<[Value]>::len), Some(0), "a pinned array is still readable");
    vm.unpin(kept);
    let freed = vm.collect_garbage();
    assert!(freed >= 1, "the unpinned array is collected");
}
