//! Simulated devices behind `impish cloud serve`: devices assigned to a device group run
//! its current deployment on simulated imps, on real time, as devices would. They live
//! on a thread of their own with its own connection to the store (imps are not shared
//! between threads), which polls the store for assignments and deployments; the server
//! sends it restarts and reads back whether each device and agent is up.

mod clock;
mod fleet;

use crate::server::StoreOpener;
use fleet::Fleet;
use impish_factory::cloud::{DeviceId, GroupId};
use std::collections::BTreeMap;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the devices look at the store and catch up with real time.
const TICK: Duration = Duration::from_millis(50);

/// A restart the API asked for (`impt device restart`, `impt dg restart`). Devices are
/// named by their id's text: `DeviceId`s stay on one thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Restart {
    Device(String),
    Group(GroupId),
}

/// Whether a device is connected and its agent running (`device_online`,
/// `agent_running`); both false for a device that runs nowhere.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Presence {
    pub device_online: bool,
    pub agent_running: bool,
}

/// The handle the server keeps: the devices run until it is dropped.
pub struct Devices {
    restarts: Sender<Restart>,
    presence: Arc<Mutex<BTreeMap<String, Presence>>>,
}

impl Devices {
    /// Starts the devices' thread on a store connection `open` makes.
    pub fn start(open: StoreOpener) -> Devices {
        let (restarts, requests) = channel();
        let presence = Arc::new(Mutex::new(BTreeMap::new()));
        let shown = presence.clone();
        std::thread::spawn(move || {
            let mut fleet = match open() {
                Ok(cloud) => Fleet::new(cloud),
                Err(e) => return eprintln!("impish cloud: no simulated devices: {e}"),
            };
            loop {
                // A store that fails now is asked again at the next tick.
                let _ = fleet.reconcile();
                fleet.run_to_now();
                *shown.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = fleet.presence();
                match requests.recv_timeout(TICK) {
                    Ok(restart) => {
                        let _ = fleet.reconcile();
                        fleet.restart(&restart);
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        });
        Devices { restarts, presence }
    }

    /// Restarts a device or a group's devices (those not running are left alone).
    pub fn restart(&self, restart: Restart) {
        // The thread ends only with this handle, so the send cannot fail while we live.
        let _ = self.restarts.send(restart);
    }

    pub fn presence(&self, device: &DeviceId) -> Presence {
        let presence = self.presence.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        presence.get(&*device.0).copied().unwrap_or_default()
    }
}
