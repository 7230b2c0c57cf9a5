//! Templates: a VM set up once (libraries installed, its memory baseline taken), from
//! which new VMs are made by copying it. A factory line starts thousands of VMs with the
//! same libraries, and installing them (thousands of natives and names, dozens of
//! tables) cost more than most of what the firmware then did.
//!
//! A copy is the template's heap object for object under the same ids, so it goes on
//! exactly as the template would have: the same globals, table layouts (and so
//! `foreach` order), memory figures and collection pacing. Its objects are its own
//! (changing one changes no other VM); what copies share is immutable or shared on
//! purpose: the natives' code, type masks, user data's payloads (see
//! [`Vm::userdata_mut`]) and the host data (see [`Vm::set_host_data`]). A template
//! therefore holds no script functions (their prototypes carry their VM's caches).

use super::*;

/// A VM kept to be copied (see the module).
pub struct Template(Vm);

/// Why a VM cannot be a template: what it holds that a copy could not.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a VM holding {0} cannot be a template")]
pub struct NotATemplate(pub &'static str);

impl Template {
    /// `vm` as a template, unless it holds script functions (or generators, threads),
    /// native data on instances, values kept by [`Handle`](crate::Handle)s or native
    /// classes of the typed API, is profiling, or failed.
    pub fn new(vm: Vm) -> Result<Template, NotATemplate> {
        let refused = if let Some(what) = vm.heap.uncopyable() {
            Some(what)
        } else if vm.embed.roots.borrow().values().iter().any(|v| !v.is_null()) || !vm.embed.classes.is_empty() {
            Some("values kept by handles")
        } else if vm.profiling() {
            Some("a profile")
        } else if vm.poisoned.is_some() {
            Some("an internal error")
        } else {
            None
        };
        debug_assert!(vm.ex.frames.is_empty() && vm.parked.is_empty() && vm.held.is_empty(), "a VM owned is idle");
        match refused {
            Some(what) => Err(NotATemplate(what)),
            None => Ok(Template(vm)),
        }
    }

    /// A new VM, a copy of the template. It prints to stdout and stderr until told
    /// otherwise ([`Vm::set_output`]): output functions are not copied.
    pub fn vm(&self) -> Vm {
        let t = &self.0;
        let mut vm = Vm::assemble(t.heap.replica(), t.profile, [t.root, t.consts, t.registry], t.delegates, t.names);
        vm.pinned = t.pinned.clone();
        vm.host = t.host.clone();
        vm.error_handler = t.error_handler;
        vm.debug_hook = t.debug_hook;
        vm.budget = t.budget;
        vm.metering = t.metering;
        vm.countdown = t.countdown;
        vm.meter = t.meter.clone();
        vm.max_frames = t.max_frames;
        vm.member_edits = t.member_edits;
        vm.indexers = t.indexers.clone();
        vm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A VM with a small library: natives, a namespace table, a class, user data.
    fn with_library(profile: Profile) -> Vm {
        let mut vm = Vm::new(profile);
        vm.register("twice", |vm, args| Ok(Value::Int(args.int(vm, 1) * 2)), 2, Some(".i"));
        let lib = vm.new_table();
        for (name, n) in [("a", 1), ("b", 2), ("c", 3)] {
            let key = vm.string(name);
            vm.table_set(lib, key, Value::Int(n));
        }
        vm.register_in(
            lib,
            "size",
            |vm, args| Ok(Value::Int(vm.table_entries(args.this(vm)).map_or(0, Iterator::count) as i64)),
            1,
            None,
        );
        vm.set_global("lib", lib);
        let class = vm.new_empty_class();
        vm.class_set(class, "kind", Value::Int(7)).expect("a fresh class takes members");
        vm.set_global("Thing", class);
        let part = vm.new_userdata(41_i64, Some(lib));
        vm.set_global("part", part);
        vm.set_memory_baseline();
        vm
    }

    const SURVEY: &str = r#"
        foreach (k, v in getroottable()) print(k + ":" + typeof v + " ");
        foreach (k, v in lib) print(k + "=" + v + " ");
        print("\n" + twice(21) + " " + lib.size() + " " + Thing().kind + " " + part.a + " " + typeof part + "\n");
        local t = {}; for (local i = 0; i < 40; i++) t["k" + i] <- i; foreach (k, v in t) print(k);
    "#;

    #[test]
    fn a_copy_has_the_templates_globals_layout_and_behaviour() {
        for profile in [Profile::Squirrel, Profile::Imp] {
            let expected = with_library(profile).printed(SURVEY, "template.nut");
            let template = Template::new(with_library(profile)).expect("a library VM is a template");
            for _ in 0..2 {
                let mut copy = template.vm();
                assert_eq!(copy.printed(SURVEY, "template.nut"), expected);
            }
            assert!(expected.contains("twice:function") && expected.contains("42 4 7 1 userdata"), "{expected}");
        }
    }

    #[test]
    fn a_copys_memory_figures_are_the_templates() {
        // Room in an array and a class beyond their items, and garbage, as libraries leave.
        let with_room = |profile| {
            let mut vm = with_library(profile);
            vm.run_source("::spare <- []; spare.push(1); spare.push(2); spare.push(3); class Kept {}", "room.nut")
                .unwrap();
            vm.collect_garbage();
            let kept = vm.get_global("Kept").unwrap();
            vm.class_set(kept, "a", Value::Int(1)).unwrap();
            vm.set_memory_baseline();
            vm.new_table();
            vm
        };
        let program = "::held <- array(100); ::t <- {a = 1, b = [1, 2]}";
        let mut fresh = with_room(Profile::Imp);
        let mut copy = Template::new(with_room(Profile::Imp)).unwrap().vm();
        let footprint = |vm: &Vm| vm.heap.imp_footprint(&Default::default(), &Default::default());
        assert_eq!(footprint(&copy), footprint(&fresh));
        assert_eq!(copy.heap.reusable_bytes(), fresh.heap.reusable_bytes());
        for vm in [&mut fresh, &mut copy] {
            vm.run_source(program, "held.nut").unwrap();
            vm.collect_garbage();
        }
        assert!(copy.memory_in_use() > 1600);
        assert_eq!(copy.memory_in_use(), fresh.memory_in_use());
        assert_eq!(copy.heap.live_objects(), fresh.heap.live_objects());
        assert_eq!(copy.stats(0).gc_cycles, fresh.stats(0).gc_cycles);
    }

    #[test]
    fn copies_change_independently() {
        let template = Template::new(with_library(Profile::Squirrel)).unwrap();
        let mut first = template.vm();
        first.printed("lib.d <- 4; lib.e <- 5; delete lib.a; lib.b = 20; ::twice <- null; Thing.extra <- 1; delete getroottable().part", "template.nut");
        assert_eq!(
            first.printed("print(lib.len() + \" \" + lib.b + \" \" + (\"part\" in getroottable()))", "template.nut"),
            "5 20 false"
        );
        let mut second = template.vm();
        let untouched =
            "print(lib.len() + \" \" + lib.b + \" \" + twice(2) + \" \" + (\"extra\" in Thing) + \" \" + part.a)";
        assert_eq!(second.printed(untouched, "template.nut"), "4 2 4 false 1");
        // Collections in one copy free nothing another needs.
        first.collect_garbage();
        assert_eq!(template.vm().printed(untouched, "template.nut"), "4 2 4 false 1");
    }

    #[test]
    fn copies_have_their_own_host_data_and_read_shared_payloads() {
        let mut vm = with_library(Profile::Squirrel);
        vm.set_host_data("template");
        let part = vm.get_global("part").unwrap();
        let template = Template::new(vm).unwrap();
        let (mut first, second) = (template.vm(), template.vm());
        first.set_host_data("first");
        assert_eq!(first.host_data::<&str>(), Some(&"first"));
        assert_eq!(second.host_data::<&str>(), Some(&"template"));
        assert_eq!(first.userdata::<i64>(part), Some(&41));
        assert_eq!(first.userdata_mut::<i64>(part), None, "a shared payload is read-only");
        let own = first.new_userdata(1_i64, None);
        assert_eq!(first.userdata_mut::<i64>(own), Some(&mut 1));
    }

    #[test]
    fn a_vm_holding_script_functions_is_no_template() {
        let mut vm = with_library(Profile::Squirrel);
        vm.run_source("function f() { return 1 }", "f.nut").unwrap();
        assert_eq!(Template::new(vm).err(), Some(NotATemplate("script functions")));
        let vm = with_library(Profile::Squirrel);
        let handle = crate::Handle::new(&vm, vm.root_table()).unwrap();
        assert_eq!(Template::new(vm).err(), Some(NotATemplate("values kept by handles")));
        drop(handle);
    }
}
