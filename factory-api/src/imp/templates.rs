//! New VMs for imps, copied from one template per shape and thread: installing the
//! standard library and the imp API into every VM was most of what starting one cost,
//! and a line starts thousands (each unit's device and agent, at each restart).

use std::cell::RefCell;

use impish_vm::{Profile, Template, Vm};

use super::bindings::{self, Shape};
use super::shared::Side;

thread_local! {
    /// The shapes asked for on this thread, with their template from the second VM on.
    static TEMPLATES: RefCell<Vec<(Shape, Option<Template>)>> = const { RefCell::new(Vec::new()) };
}

/// A VM of `shape`, not yet attached to an imp (`bindings::attach`): the standard
/// library and the imp API installed, their memory made the platform's (the baseline)
/// and, on a device, the imp type's memory limit set. The first VM of a shape is
/// installed as such: a single imp (`impish run`) would pay for a template it never
/// copies.
pub(super) fn new_vm(shape: Shape) -> Vm {
    TEMPLATES.with_borrow_mut(|kept| match kept.iter_mut().find(|(s, _)| *s == shape) {
        None => {
            kept.push((shape, None));
            installed(shape)
        }
        Some((_, template)) => template
            // The imp API is natives, tables, classes and user data: all copied.
            .get_or_insert_with(|| Template::new(installed(shape)).expect("an installed VM is a template"))
            .vm(),
    })
}

/// A VM of `shape` set up from scratch.
fn installed(shape: Shape) -> Vm {
    let mut vm = Vm::new(Profile::Imp);
    impish_stdlib::register(&mut vm);
    bindings::install(&mut vm, &shape);
    // What the imp API holds is impOS's: the firmware's free memory is what is left.
    vm.set_memory_baseline();
    if shape.side == Side::Device {
        // Without the counting allocator (a library's own tests) the limit cannot
        // be enforced; `imp.getmemoryfree()` still counts down from the figure.
        let _ = vm.set_memory_limit(Some(shape.imp_type.free_memory()));
    }
    vm
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imp::imp_type::ImpType;
    use impish_vm::Value;

    /// Every global with its type, and the keys of each global table, in table order.
    fn survey(vm: &Vm) -> Vec<String> {
        let name = |v: Value| String::from_utf8_lossy(vm.str_bytes(v).unwrap_or_default()).into_owned();
        let mut lines = Vec::new();
        for (k, v) in vm.table_entries(vm.root_table()).expect("the root table") {
            lines.push(format!("{} {}", name(k), v.type_of()));
            if let Some(entries) = vm.table_entries(v) {
                lines.extend(entries.map(|(k, v)| format!("  {} {}", name(k), v.type_of())));
            }
        }
        lines
    }

    #[test]
    fn a_vm_from_the_template_is_a_freshly_installed_one() {
        for imp_type in [ImpType::Imp001, ImpType::Imp005, ImpType::ImpC001] {
            for side in [Side::Device, Side::Agent] {
                let shape = Shape { side, imp_type };
                let (mut fresh, first, second) = (installed(shape), new_vm(shape), new_vm(shape));
                assert!(survey(&fresh).len() > 100);
                // The memory beyond the baseline, with something in it (it cannot go below 0).
                fresh.new_array(vec![Value::Null; 10]);
                for mut copy in [first, second] {
                    assert_eq!(survey(&copy), survey(&fresh), "{imp_type:?} {side:?}");
                    copy.new_array(vec![Value::Null; 10]);
                    assert_eq!(copy.memory_in_use(), fresh.memory_in_use());
                    assert_eq!(copy.memory_limit(), fresh.memory_limit());
                }
            }
        }
    }
}
