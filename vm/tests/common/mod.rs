//! What the VM's test files share.

use std::cell::RefCell;
use std::rc::Rc;

use impish_vm::{Error, Vm};

/// Runs `source` as `test.nut`; returns what it printed on stdout (stderr is dropped)
/// and how it ended.
pub fn run(vm: &mut Vm, source: &str) -> (String, Result<(), Error>) {
    let out = Rc::new(RefCell::new(Vec::new()));
    let sink = out.clone();
    vm.set_output(Box::new(move |b| sink.borrow_mut().extend_from_slice(b)));
    vm.set_error_output(Box::new(|_| {}));
    let r = vm.run_source(source, "test.nut").map(|_| ());
    let text = String::from_utf8_lossy(&out.borrow()).into_owned();
    (text, r)
}
