//! Script callbacks the runtime holds (timers, pin handlers, message handlers, the idle
//! callback, bless and HTTP answers, the request handler) live in tables in the VM's registry: the collector keeps them alive, and
//! they vanish with the VM when Squirrel restarts. Rust keeps only their keys.

use impish_vm::{Value, Vm};

/// One table of callbacks per purpose.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// Keyed by callback id.
    Timer,
    /// Keyed by pin name.
    Pin,
    /// UART data callbacks, keyed by UART name.
    Uart,
    /// Keyed by message name.
    Handler,
    /// One entry, key 0.
    Idle,
    /// One-shot callbacks waiting for an answer (bless, HTTP), keyed by callback id.
    Pending,
    /// `http.onrequest`: one entry, key 0.
    Request,
    /// `sendasync` stream callbacks, keyed by the request's callback id.
    Stream,
    /// Connection callbacks by name: `connect` and `disconnect` (the agent's
    /// `device.onconnect`/`ondisconnect`), `unexpecteddisconnect` (the device's).
    Connection,
    /// `hardware.sampler`: its callback (key 0) and its array of buffers (key 1).
    Sampler,
    /// `hardware.usb.configure`'s event callback and `imp.scanwifinetworks`'s, by name.
    Device,
}

impl Kind {
    fn table_name(self) -> &'static str {
        match self {
            Kind::Timer => "impish.timers",
            Kind::Pin => "impish.pins",
            Kind::Uart => "impish.uarts",
            Kind::Handler => "impish.handlers",
            Kind::Idle => "impish.idle",
            Kind::Pending => "impish.pending",
            Kind::Request => "impish.onrequest",
            Kind::Stream => "impish.streams",
            Kind::Connection => "impish.connection",
            Kind::Sampler => "impish.sampler",
            Kind::Device => "impish.device",
        }
    }
}

fn table(vm: &mut Vm, kind: Kind) -> Value {
    let registry = vm.registry();
    let name = vm.string(kind.table_name());
    match vm.table_get(registry, name) {
        Some(table) => table,
        None => {
            let table = vm.new_table();
            vm.table_set(registry, name, table);
            table
        }
    }
}

/// Keeps `callback` under `key`; a null callback removes the entry.
pub(crate) fn set(vm: &mut Vm, kind: Kind, key: Value, callback: Value) {
    let table = table(vm, kind);
    if callback.is_null() {
        vm.table_remove(table, key);
    } else {
        vm.table_set(table, key, callback);
    }
}

pub(crate) fn get(vm: &mut Vm, kind: Kind, key: Value) -> Option<Value> {
    let table = table(vm, kind);
    vm.table_get(table, key)
}

/// Removes and returns the callback under `key`.
pub(crate) fn take(vm: &mut Vm, kind: Kind, key: Value) -> Option<Value> {
    let table = table(vm, kind);
    vm.table_remove(table, key)
}
