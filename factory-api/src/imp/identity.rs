//! Who an imp is: its type, device ID, MAC and agent URL, and the `imp.configparams`
//! the cloud hands its device and agent (which say whether it is a factory fixture, a
//! device under test, or neither — imp-api.md §1.5–1.6).

pub use super::imp_type::ImpType;
use crate::cloud::AGENT_URL_BASE;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub imp_type: ImpType,
    /// 16 lower-case hex digits; the last 12 are the MAC.
    pub device_id: String,
    pub agent_url: String,
}

impl Identity {
    /// The identity of the imp with this 48-bit MAC (on Electric Imp's 0c2a69 OUI by
    /// default); the device ID's first four digits are fixed, the agent URL derived.
    pub fn from_mac(imp_type: ImpType, mac: u64) -> Identity {
        let device_id = format!("2300{:012x}", mac & 0xffff_ffff_ffff);
        let agent_url = format!("{AGENT_URL_BASE}{}", &device_id[4..]);
        Identity { imp_type, device_id, agent_url }
    }

    /// 12 lower-case hex digits, no separators, as `imp.getmacaddress()` returns.
    pub fn mac(&self) -> &str {
        &self.device_id[4..]
    }
}

impl Default for Identity {
    fn default() -> Identity {
        Identity::from_mac(ImpType::Imp005, 0x0c2a_6900_0001)
    }
}

/// The part an imp plays on a factory line, which fills its configparams.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Role {
    /// An ordinary device: no factory keys.
    #[default]
    Plain,
    /// A BlinkUp fixture.
    Fixture,
    /// A device under test, configured by this fixture.
    Dut { fixture: Identity },
}

/// A configparams value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    Bool(bool),
    Str(String),
}

/// One side's configparams, key by key.
pub type Params = Vec<(&'static str, Param)>;

/// The device's and the agent's `imp.configparams` (absent keys are absent: firmware
/// tests them with `in`).
pub fn config_params(identity: &Identity, role: &Role) -> (Params, Params) {
    let text = |s: &str| Param::Str(s.to_string());
    let mut device = Vec::new();
    let mut agent = vec![("deviceid", text(&identity.device_id))];
    let fixture = match role {
        Role::Plain => return (device, agent),
        Role::Fixture => identity,
        Role::Dut { fixture } => fixture,
    };
    device.push(("factory_imp_device_id", text(&fixture.device_id)));
    device.push(("factoryfirmware", Param::Bool(true)));
    device.push(("factory_imp", text(fixture.mac())));
    agent.push(("factory_imp_device_id", text(&fixture.device_id)));
    agent.push(("factoryfirmware", Param::Bool(true)));
    match role {
        Role::Fixture => device.push(("is_factory_fixture", Param::Bool(true))),
        Role::Dut { fixture } => agent.push(("factory_fixture_url", text(&fixture.agent_url))),
        Role::Plain => {}
    }
    (device, agent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_id_ends_with_the_mac() {
        let id = Identity::from_mac(ImpType::Imp005, 0x0c2a_6900_00ab);
        assert_eq!(id.device_id, "23000c2a690000ab");
        assert_eq!(id.mac(), "0c2a690000ab");
        assert_eq!(id.agent_url, "https://agent.electricimp.com/0c2a690000ab");
    }

    #[test]
    fn a_dut_learns_its_fixture() {
        let fixture = Identity::from_mac(ImpType::Imp005, 1);
        let dut = Identity::from_mac(ImpType::Imp005, 2);
        let (device, agent) = config_params(&dut, &Role::Dut { fixture: fixture.clone() });
        assert!(device.contains(&("factory_imp", Param::Str(fixture.mac().into()))));
        assert!(!device.iter().any(|(k, _)| *k == "is_factory_fixture"));
        assert!(agent.contains(&("factory_fixture_url", Param::Str(fixture.agent_url.clone()))));
        assert!(agent.contains(&("deviceid", Param::Str(dut.device_id.clone()))));
        let (device, agent) = config_params(&dut, &Role::Plain);
        assert!(device.is_empty());
        assert_eq!(agent.len(), 1);
    }
}
