//! The simulated imps behind the server, kept in step with the store: every device in a
//! device group runs its group's current deployment in one `World`; a device that moves
//! to another group, or whose group gets a new deployment, restarts into the new code;
//! a device that leaves its group stops.
//!
//! Devices a factory BlinkUp enrolled (DUTs, blessed units) are left to the line that
//! made them: a line running against the same cloud simulates them, and running them
//! here too would ask the cloud to bless them twice.

use super::{clock, Presence, Restart};
use impish_factory::cloud::{CloudBackend, CloudError, DeploymentId, Device, DeviceId, GroupId, LogEntry, LogKind};
use impish_factory::imp::identity::{Identity, ImpType};
use impish_factory::world::{ImpId, World};
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::time::Duration;

/// What a device runs: its group's deployment, on an imp (none when its code did not
/// compile: it waits for the next deployment).
struct Running {
    imp: Option<ImpId>,
    code: (GroupId, Option<DeploymentId>),
}

pub struct Fleet {
    world: World,
    running: BTreeMap<DeviceId, Running>,
}

impl Fleet {
    /// A fleet over `cloud`, on real time, with no imps yet.
    pub fn new(cloud: Box<dyn CloudBackend>) -> Fleet {
        let mut world = World::new(cloud);
        world.set_cloud_epoch(clock::cloud_epoch());
        world.advance_to(clock::world_now());
        Fleet { world, running: BTreeMap::new() }
    }

    /// Starts, restarts and stops imps so each assigned device runs its group's code.
    pub fn reconcile(&mut self) -> Result<(), CloudError> {
        let mut wanted = BTreeMap::new();
        let mut groups = BTreeMap::new();
        for device in self.world.cloud().assigned_devices()? {
            let Some(group) = device.group.filter(|_| device.fixture.is_none()) else { continue };
            let deployment = match groups.entry(group) {
                Entry::Occupied(known) => *known.get(),
                Entry::Vacant(new) => *new.insert(self.world.cloud().group(group)?.current_deployment),
            };
            wanted.insert(device.id.clone(), (device, (group, deployment)));
        }
        let gone: Vec<DeviceId> = self.running.keys().filter(|id| !wanted.contains_key(*id)).cloned().collect();
        for id in gone {
            if let Some(imp) = self.running.remove(&id).and_then(|r| r.imp) {
                self.world.retire(imp);
            }
        }
        for (id, (device, code)) in wanted {
            match self.running.get(&id) {
                Some(running) if running.code == code => {}
                Some(Running { imp: Some(imp), .. }) => {
                    let imp = *imp;
                    self.restart_imp(&id, imp);
                    self.running.insert(id, Running { imp: Some(imp), code });
                }
                _ => {
                    let imp = self.boot(&device);
                    self.running.insert(id, Running { imp, code });
                }
            }
        }
        Ok(())
    }

    /// An imp for `device`, running its group's code; `None`, with the error in its
    /// log, when the code does not compile.
    fn boot(&mut self, device: &Device) -> Option<ImpId> {
        let imp_type = ImpType::from_name(&device.imp_type).unwrap_or(ImpType::Imp005);
        let identity = Identity { imp_type, device_id: device.id.to_string(), agent_url: device.agent_url.clone() };
        let name = if device.name.is_empty() { device.id.to_string() } else { device.name.clone() };
        match self.world.add_imp(&name, identity, device.group) {
            Ok(imp) => Some(imp),
            Err(e) => {
                self.log_error(&device.id, e.to_string());
                None
            }
        }
    }

    fn restart_imp(&mut self, device: &DeviceId, imp: ImpId) {
        if let Err(e) = self.world.restart(imp) {
            self.log_error(device, e.to_string());
        }
    }

    /// A line in the device's log (best effort, as every log line).
    fn log_error(&mut self, device: &DeviceId, message: String) {
        let at = self.world.now() + clock::cloud_epoch();
        let _ =
            self.world.cloud_mut().log(LogEntry { at, device: device.clone(), kind: LogKind::ServerError, message });
    }

    /// Restarts the devices `restart` names that run here.
    pub fn restart(&mut self, restart: &Restart) {
        let chosen: Vec<(DeviceId, ImpId)> = (self.running.iter())
            .filter(|(id, running)| match restart {
                Restart::Device(device) => *id.0 == **device,
                Restart::Group(group) => running.code.0 == *group,
            })
            .filter_map(|(id, running)| running.imp.map(|imp| (id.clone(), imp)))
            .collect();
        for (id, imp) in chosen {
            self.restart_imp(&id, imp);
        }
    }

    /// Runs every imp up to the real time now.
    pub fn run_to_now(&mut self) {
        let now = clock::world_now();
        self.world.run_until(Some(now));
        self.world.advance_to(now);
        // The lines are in the cloud already; the world need not keep them.
        self.world.take_log();
        self.world.take_milestones();
    }

    /// How long until an imp's next event is due (`None`: none has one).
    pub fn next_due(&mut self) -> Option<Duration> {
        self.world.next_time().map(|at| at.saturating_sub(clock::world_now()))
    }

    /// Whether each running device and its agent are up.
    pub fn presence(&self) -> BTreeMap<String, Presence> {
        let imps = self.running.iter().filter_map(|(id, r)| r.imp.map(|imp| (id, imp)));
        let presence = |imp: ImpId| {
            let imp = self.world.imp(imp);
            Presence { device_online: imp.device_connected(), agent_running: imp.agent_running() }
        };
        imps.map(|(id, imp)| (id.to_string(), presence(imp))).collect()
    }
}
