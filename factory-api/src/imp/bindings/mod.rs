//! The imp API as natives in one VM: the root constants, `imp`, `server`, messaging
//! (`agent` on the device, `device` on the agent), on the device `hardware` and the
//! factory calls, on the agent `http`.
//!
//! What is installed depends only on the VM's `Shape`, so the VMs of one shape are
//! copies of one template (`super::templates`) and share their natives. A native finds
//! its imp through the `Ctx` its VM keeps as host data (`attach`); none calls into
//! script, so a borrow of the shared state never spans script code.

pub(crate) mod constants;
mod factory;
mod hardware;
mod hash;
pub(crate) mod http;
mod imp;
mod messaging;
mod power;
mod radio;
pub(crate) mod sampler;
mod sensors;
mod server;
mod spi;
mod storage;
pub(crate) mod usb;

pub(crate) use imp::fill_config_params;
pub(crate) use radio::scan_finished;
pub(crate) use storage::{serialised_size, Saved};

use super::clock::VirtualTime;
use super::imp_type::{ImpSpec, ImpType};
use super::shared::{Shared, Side};
use impish_vm::{Args, Fail, Value, Vm};
use std::cell::RefCell;
use std::rc::Rc;

/// What a native needs: the imp's shared state and which VM it lives in.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub shared: Rc<RefCell<Shared>>,
    pub side: Side,
}

/// What the imp API installed in a VM depends on: the side and the imp type (whose
/// spec names the pins and buses, in the order `Board::new` lays them out).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Shape {
    pub side: Side,
    pub imp_type: ImpType,
}

impl Shape {
    /// The imp type's spec, for the names of its parts, without building a `Board`.
    fn spec(self) -> &'static ImpSpec {
        self.imp_type.spec()
    }
}

/// Installs the imp API of `shape` into a VM that has the standard library.
pub(crate) fn install(vm: &mut Vm, shape: &Shape) {
    constants::install(vm);
    imp::install(vm, shape);
    server::install(vm, shape);
    messaging::install(vm, shape);
    match shape.side {
        Side::Device => {
            hardware::install(vm, shape);
            let imp = vm.get_global("imp").unwrap_or_default();
            radio::install(vm, shape, imp);
            factory::install(vm);
            power::install(vm);
        }
        Side::Agent => {
            http::install(vm);
            let server = vm.get_global("server").unwrap_or_default();
            storage::install(vm, server);
            // A fresh class accepts every member, so defining it cannot fail.
            impish_stdlib::regexp2::install(vm).expect("the regexp2 class is defined");
        }
    }
}

/// Connects a VM with the imp API to its imp: its natives act on `ctx`, the time is
/// the imp's virtual time, and `print` writes to the imp's log.
pub(crate) fn attach(vm: &mut Vm, ctx: &Ctx) {
    vm.set_host_data(ctx.clone());
    let clock = VirtualTime(ctx.shared.clone(), ctx.side);
    impish_stdlib::system::set_time_source(vm, Rc::new(clock));
    server::print_to_log(vm, ctx);
}

/// Adds the native `f` to `table` as `name` (`nparams` and `typemask` as for
/// `Vm::new_native`); `f` gets the `Ctx` of the VM it is called in.
pub(crate) fn method(
    vm: &mut Vm,
    table: Value,
    name: &str,
    nparams: i32,
    typemask: &str,
    f: impl Fn(&mut Vm, Args, &Ctx) -> Result<Value, Fail> + 'static,
) {
    let native = move |vm: &mut Vm, args: Args| match vm.host_data::<Ctx>().cloned() {
        Some(ctx) => f(vm, args, &ctx),
        None => Err(vm.error("the imp API is not attached to an imp")),
    };
    let native = vm.new_native_with(name, Rc::new(native), nparams, Some(typemask), Vec::new());
    vm.set_native_in(table, native);
}

/// A new table set as `parent.name` (`hardware.sampler`, `imp.net`).
pub(crate) fn child_table(vm: &mut Vm, parent: Value, name: &str) -> Value {
    let table = vm.new_table();
    let key = vm.string(name);
    vm.table_set(parent, key, table);
    table
}

/// A new table of these fields.
pub(crate) fn table_of(vm: &mut Vm, fields: &[(&str, Value)]) -> Value {
    let table = vm.new_table();
    for &(name, value) in fields {
        let key = vm.string(name);
        vm.table_set(table, key, value);
    }
    table
}

/// A new table set as the global `name`.
pub(crate) fn global_table(vm: &mut Vm, name: &str) -> Value {
    let table = vm.new_table();
    vm.set_global(name, table);
    table
}

/// An integer or float argument as f64. A float is taken at its shortest decimal
/// form, as the script wrote it: the single-precision 0.1 is 0.100000001, which would
/// round a 0.1 s timer up to 0.11 s.
pub(crate) fn number(v: Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(i as f64),
        Value::Float(f) => Some(f.to_string().parse().unwrap_or(f64::from(f))),
        _ => None,
    }
}

/// A string argument's text (lossy), for names and log messages.
pub(crate) fn text(vm: &Vm, v: Value) -> String {
    vm.str_bytes(v).map_or_else(|| vm.describe(v), |b| String::from_utf8_lossy(b).into_owned())
}
