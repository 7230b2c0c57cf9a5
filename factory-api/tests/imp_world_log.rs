//! An imp in a `World` also logs into the cloud backend's log for its device, as
//! impCentral keeps each device's log.

use impish_factory::cloud::{Code, DeviceId, GroupType, LogKind, NewAccount, NewGroup};
use impish_factory::imp::identity::{Identity, ImpType};
use impish_factory::world::World;
use std::time::Duration;

#[test]
fn log_lines_reach_the_cloud_log_of_their_device() {
    let mut world = World::default();
    let cloud = world.cloud_mut();
    let account = cloud.create_account(NewAccount::new("maker", "unbond-key")).expect("account");
    let product = cloud.create_product(account, "Logger").expect("product");
    let group = cloud.create_group(NewGroup::new(product, "dev", GroupType::Development)).expect("group");
    let code = Code {
        device: r#"imp.wakeup(1, function() { server.log("tick"); server.error("bad"); });"#.into(),
        agent: r#"server.log("agent up");"#.into(),
    };
    cloud.deploy(group, code.into(), Duration::ZERO).expect("deploy");
    let identity = Identity::from_mac(ImpType::Imp005, 0x0c2a_6900_0042);
    let device = DeviceId::new(&identity.device_id);
    world.add_imp("unit", identity, Some(group)).expect("imp");
    world.run_for(Duration::from_secs(2));
    let all = world.cloud().logs().expect("logs");
    let logs: Vec<(u128, LogKind, &str)> = all
        .iter()
        .filter(|entry| entry.device == device)
        .map(|entry| (entry.at.as_millis(), entry.kind, entry.message.as_str()))
        .collect();
    assert_eq!(
        logs,
        [
            (0, LogKind::Status, "Agent restarted: reload."),
            (0, LogKind::AgentLog, "agent up"),
            (0, LogKind::Status, "Device connected"),
            (1000, LogKind::ServerLog, "tick"),
            (1000, LogKind::ServerError, "bad"),
        ]
    );
}
