//! Simulated devices behind `impish cloud serve`: devices assigned to a device group run
//! its current deployment on simulated imps, on real time, as devices would. They live
//! on a thread of their own with its own connection to the store (imps are not shared
//! between threads). The thread sleeps until an imp's next event is due or the server
//! says what devices run may have changed (an assignment, a deployment) and then reads
//! the store; it also reads it every `SAFETY_POLL`, for changes other processes make to
//! a shared store. The server sends it restarts and reads back whether each device and
//! agent is up.

mod clock;
mod fleet;

use crate::server::StoreOpener;
use fleet::Fleet;
use impish_factory::cloud::{DeviceId, GroupId};
use std::collections::BTreeMap;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the devices look at the store unasked.
const SAFETY_POLL: Duration = Duration::from_secs(1);

/// What the server tells the devices' thread.
enum Signal {
    /// Something devices run may have changed: read the store.
    Changed,
    Restart(Restart),
}

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
    signals: Sender<Signal>,
    presence: Arc<Mutex<BTreeMap<String, Presence>>>,
}

impl Devices {
    /// Starts the devices' thread on a store connection `open` makes.
    pub fn start(open: StoreOpener) -> Devices {
        let (signals, received) = channel();
        let presence = Arc::new(Mutex::new(BTreeMap::new()));
        let shown = presence.clone();
        std::thread::spawn(move || {
            let mut fleet = match open() {
                Ok(cloud) => Fleet::new(cloud),
                Err(e) => return eprintln!("impish cloud: no simulated devices: {e}"),
            };
            let mut read_at = None::<Instant>;
            loop {
                if read_at.is_none_or(|at| at.elapsed() >= SAFETY_POLL) {
                    // A store that fails now is asked again at the next poll.
                    let _ = fleet.reconcile();
                    read_at = Some(Instant::now());
                }
                fleet.run_to_now();
                *shown.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = fleet.presence();
                let poll = SAFETY_POLL.saturating_sub(read_at.map_or(Duration::ZERO, |at| at.elapsed()));
                match received.recv_timeout(fleet.next_due().map_or(poll, |due| due.min(poll))) {
                    Ok(Signal::Changed) => read_at = None,
                    Ok(Signal::Restart(restart)) => {
                        let _ = fleet.reconcile();
                        read_at = Some(Instant::now());
                        fleet.restart(&restart);
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        });
        Devices { signals, presence }
    }

    /// Tells the devices that what they run may have changed.
    pub fn changed(&self) {
        // The thread ends only with this handle, so the send cannot fail while we live.
        let _ = self.signals.send(Signal::Changed);
    }

    /// Restarts a device or a group's devices (those not running are left alone).
    pub fn restart(&self, restart: Restart) {
        let _ = self.signals.send(Signal::Restart(restart));
    }

    pub fn presence(&self, device: &DeviceId) -> Presence {
        let presence = self.presence.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        presence.get(&*device.0).copied().unwrap_or_default()
    }
}
