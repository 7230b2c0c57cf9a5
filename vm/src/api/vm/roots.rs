//! Keeping values alive: admitting values given from Rust, holding and pinning them,
//! and the collector's roots.

use super::*;
use crate::heap::value::*;
use crate::interpreter::frame::ExecState;

impl Vm {
    /// Checks that `v`, given to this VM from Rust, is one of its own values: a value
    /// of another VM would name objects this one does not have. A misuse of the API,
    /// so a panic (a caught internal error inside a call), never a wrong read.
    #[track_caller]
    pub(crate) fn admit(&self, v: Value) -> Value {
        assert!(self.heap.owns(v), "a value of another VM was given to this one");
        v
    }

    /// [`Vm::admit`] for several values.
    #[track_caller]
    pub(super) fn admit_all(&self, vs: &[Value]) {
        for &v in vs {
            self.admit(v);
        }
    }

    /// Keeps `v` alive until the running native returns. A collection may run inside
    /// any call back into the VM (`call_value`, metamethods, callbacks), so a native
    /// holds every value it keeps in Rust across such a call, unless the value is one
    /// of its arguments or stays reachable from them.
    pub fn hold(&mut self, v: Value) {
        self.held.push(self.admit(v));
    }

    /// [`Vm::hold`] for several values.
    pub fn hold_all(&mut self, vs: &[Value]) {
        self.admit_all(vs);
        self.held.extend_from_slice(vs);
    }

    /// Keeps `v` alive while Rust code outside any native (a host, an embedder) holds
    /// it, until [`Vm::unpin`].
    pub fn pin(&mut self, v: Value) {
        self.pinned.push(self.admit(v));
    }

    pub fn unpin(&mut self, v: Value) {
        if let Some(i) = self.pinned.iter().rposition(|p| p.raw_eq(v)) {
            self.pinned.swap_remove(i);
        }
    }

    /// A full collection now; returns the number of objects freed. Under a memory limit
    /// it also measures what is left in use (for the imp profile, a walk of the heap).
    pub fn collect_garbage(&mut self) -> usize {
        let freed = self.metered(|vm| {
            let start = std::time::Instant::now();
            let freed = vm.collect_unmetered();
            if vm.memory_limit().is_some() {
                // Under a limit the bytes a collection frees are worth more than the speed.
                vm.heap.release_spares();
            }
            vm.record_gc(start.elapsed());
            freed
        });
        if self.memory_limit().is_some() {
            self.measure();
        }
        freed
    }

    fn collect_unmetered(&mut self) -> usize {
        let mut roots = vec![
            Value::Table(self.root),
            Value::Table(self.consts),
            Value::Table(self.registry),
            self.error_handler,
            self.debug_hook,
        ];
        let d = &self.delegates;
        for t in
            [d.table, d.array, d.string, d.number, d.function, d.generator, d.thread, d.class, d.instance, d.weakref]
        {
            roots.push(Value::Table(t));
        }
        roots.extend(self.names.meta.iter().map(|s| Value::Str(*s)));
        roots.extend(self.names.types.iter().map(|s| Value::Str(*s)));
        roots.push(Value::Str(self.names.constructor));
        roots.extend(self.names.span.map(Value::Str));
        roots.extend_from_slice(&self.held);
        roots.extend_from_slice(&self.pinned);
        self.embed.push_roots(&mut roots);
        self.ex.clear_dead();
        for ex in self.parked.iter_mut() {
            ex.clear_dead();
        }
        let mut states: Vec<&ExecState> = vec![&self.ex];
        states.extend(self.parked.iter().map(|ex| &**ex));
        self.heap.collect(&roots, &states)
    }

    /// Collects if allocation pressure says so (natives below hold what they keep).
    #[inline]
    pub(crate) fn safepoint(&mut self) {
        if self.heap.wants_collection() {
            self.collect_garbage();
        }
    }
}
