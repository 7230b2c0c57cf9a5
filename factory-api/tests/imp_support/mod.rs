//! What the imp integration tests share: firmware in, an imp on virtual time, its log
//! as impCentral prints it (without the date: every run starts 2026-01-01).

#![allow(dead_code)] // each test file uses its own subset

use impish_factory::imp::identity::{Identity, ImpType};
use impish_factory::imp::{Firmware, Imp, ImpConfig};
use std::time::Duration;

pub fn firmware(name: &str, source: &str) -> Firmware {
    Firmware { name: name.into(), source: source.into() }
}

pub fn config(device: &str, agent: Option<&str>) -> ImpConfig {
    ImpConfig { agent: agent.map(|a| firmware("agent.nut", a)), ..ImpConfig::new(firmware("device.nut", device)) }
}

pub fn imp(device: &str, agent: Option<&str>) -> Imp {
    Imp::new(config(device, agent)).expect("compiles")
}

/// An imp of `imp_type` (an `nv` table needs one that keeps it: not the imp005).
pub fn imp_of(imp_type: ImpType, device: &str, agent: Option<&str>) -> Imp {
    let identity = Identity { imp_type, ..Identity::default() };
    Imp::new(ImpConfig { identity, ..config(device, agent) }).expect("compiles")
}

pub fn log_of(imp: &Imp) -> Vec<String> {
    imp.log().iter().map(|line| line.to_string().replacen("2026-01-01 00:", "", 1).replacen(" +00:00", "", 1)).collect()
}

pub fn run(device: &str, agent: Option<&str>, seconds: u64) -> Vec<String> {
    let mut imp = imp(device, agent);
    imp.run_for(Duration::from_secs(seconds));
    log_of(&imp)
}

pub fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}
