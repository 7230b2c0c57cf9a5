//! An imp's memory: each imp type's free memory is the device's default limit, counted
//! in the imp's bytes, and `imp.getmemoryfree()` reports what is left of it. The
//! counting allocator is this test binary's global allocator, so limits are enforced.

use impish_factory::cloud::{Code, DeviceId, GroupType, NewAccount, NewDeployment, NewGroup};
use impish_factory::imp::identity::{Identity, ImpType};
use impish_factory::imp::{Imp, ImpConfig, Side};
use impish_factory::world::World;
use impish_vm::memory::CountingAllocator;
use std::rc::Rc;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

mod imp_support;
use imp_support::{config, log_of};

fn run_on(imp_type: ImpType, device: &str) -> Vec<String> {
    let mut config = config(device, None);
    config.identity = Identity { imp_type, ..Identity::default() };
    run_config(config)
}

fn run_config(config: ImpConfig) -> Vec<String> {
    let mut imp = Imp::new(config).expect("compiles");
    imp.run_for(Duration::from_secs(1));
    log_of(&imp)
}

/// The numbers a firmware logged after `label`, in order.
fn logged(log: &[String], label: &str) -> Vec<i64> {
    let values = log.iter().filter_map(|line| line.split_once(&format!("[Device] {label} ")));
    values.filter_map(|(_, n)| n.trim().parse().ok()).collect()
}

/// The Dev Center's example: filling an array with 1 KB blobs soon fills an imp.
const FILL: &str = r#"
    server.log("free " + imp.getmemoryfree());
    local kept = [];
    try {
        while (true) kept.push(blob(1024));
    } catch (e) {
        server.log("error " + (e == "out of memory" ? 1 : 0));
        server.log("kept " + kept.len());
    }
"#;

#[test]
fn each_imp_type_runs_out_of_memory_at_its_own_figure() {
    for (imp_type, kb) in [(ImpType::Imp002, 85), (ImpType::Imp004m, 184), (ImpType::Imp005, 1024)] {
        let log = run_on(imp_type, FILL);
        let (free, kept) = (logged(&log, "free"), logged(&log, "kept"));
        assert_eq!(logged(&log, "error"), [1], "{imp_type:?}: {log:?}");
        // The firmware's own code and strings take a little; each blob costs its 1 KB
        // buffer, its object and its slot in the array (which grows by doubling).
        let figure = kb * 1024;
        assert!(free[0] < figure && free[0] > figure - 4096, "{imp_type:?} starts with {free:?} of {figure}");
        assert!(kept[0] * 1024 < free[0] && kept[0] * 1200 > free[0], "{imp_type:?} kept {kept:?} KB of {free:?}");
    }
}

#[test]
fn getmemoryfree_falls_as_the_firmware_holds_more_and_rises_when_it_lets_go() {
    let log = run_on(
        ImpType::Imp002,
        r#"
        server.log("free " + imp.getmemoryfree());
        local a = array(1000);
        server.log("free " + imp.getmemoryfree());
        local t = {};
        for (local i = 0; i < 100; i++) t[i] <- i;
        server.log("free " + imp.getmemoryfree());
        a = null; t = null;
        server.log("free " + imp.getmemoryfree());
        "#,
    );
    let free = logged(&log, "free");
    assert_eq!(free.len(), 4, "{log:?}");
    // An array of 1000 slots is 8 KB on the imp (16 KB on a 64-bit host); a table of
    // 100 entries has 128 nodes of 20 bytes.
    assert!((8000..8400).contains(&(free[0] - free[1])), "{free:?}");
    assert!((2600..3200).contains(&(free[1] - free[2])), "{free:?}");
    assert!((free[0] - free[3]).abs() < 200, "{free:?}");
}

#[test]
fn a_given_limit_overrides_the_imp_types() {
    let mut config = config(FILL, None);
    config.setup_vm = Some(Rc::new(|side, vm: &mut impish_vm::Vm| {
        if side == Side::Device {
            vm.set_memory_limit(Some(20_000)).expect("counting");
        }
    }));
    let log = run_config(config);
    let (free, kept) = (logged(&log, "free"), logged(&log, "kept"));
    assert!(free[0] < 20_000 && kept[0] < 20, "{log:?}");
}

#[test]
fn imps_in_a_world_have_their_types_memory() {
    let mut world = World::default();
    let cloud = world.cloud_mut();
    let account = cloud.create_account(NewAccount::new("maker", "unbond-key")).expect("account");
    let product = cloud.create_product(account, "Filler").expect("product");
    let group = cloud.create_group(NewGroup::new(product, "dev", GroupType::Development)).expect("group");
    cloud
        .deploy(group, NewDeployment::from(Code { device: FILL.into(), agent: String::new().into() }), Duration::ZERO)
        .expect("deploy");
    let mut kept = Vec::new();
    for (mac, imp_type) in [(1, ImpType::Imp002), (2, ImpType::Imp004m)] {
        let identity = Identity::from_mac(imp_type, 0x0c2a_6900_0000 + mac);
        kept.push(DeviceId::new(&identity.device_id));
        world.add_imp(imp_type.name(), identity, Some(group)).expect("imp");
    }
    world.run_for(Duration::from_secs(1));
    let kept: Vec<i64> = kept
        .iter()
        .map(|device| {
            let logs = world.cloud().logs().expect("logs");
            let line = logs.iter().find(|e| e.device == *device && e.message.starts_with("kept "));
            line.and_then(|e| e.message["kept ".len()..].parse().ok()).unwrap_or(-1)
        })
        .collect();
    assert!((70..85).contains(&kept[0]) && (160..184).contains(&kept[1]), "{kept:?}");
}
