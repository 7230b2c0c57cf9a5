//! impish-stdlib: the libraries Squirrel scripts and imp firmware call.

#![forbid(unsafe_code)]

pub mod format;
pub mod regexp;
pub mod regexp2;

mod natives;

pub mod blob;
pub mod imp;
pub mod math;
pub mod strings;
pub mod system;

use std::rc::Rc;

use impish_vm::{Profile, Vm};

/// Installs the standard libraries for the VM's profile, with the host's clock.
///
/// `squirrel`: everything as globals, as the reference `sq` registers them.
/// `imp`: the math functions in a `math` table, no 3.1/3.2 additions, no
/// `compilestring`/threads/root-table/error-handler functions, plus the imp's extras
/// (`blob.tostring`, hex `tointeger`, `crypto.equals`); see [`imp`].
pub fn register(vm: &mut Vm) {
    register_with_time(vm, Rc::new(system::HostTime::default()));
}

/// Like [`register`], with `time`, `date` and `clock` reading `source`.
pub fn register_with_time(vm: &mut Vm, source: Rc<dyn system::TimeSource>) {
    match vm.profile() {
        Profile::Squirrel => {
            let root = vm.root_table();
            math::install(vm, root);
        }
        Profile::Imp => {
            let table = vm.new_table();
            math::install(vm, table);
            vm.set_global("math", table);
        }
    }
    strings::install(vm);
    // A fresh class accepts every member, so defining the library classes cannot fail.
    regexp::class::install(vm).expect("the regexp class is defined");
    blob::install(vm).expect("the blob class is defined");
    system::install(vm, source);
    if vm.profile() == Profile::Imp {
        imp::install(vm);
    }
}
