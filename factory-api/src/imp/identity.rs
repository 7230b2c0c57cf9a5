//! Who an imp is: its type, device ID, MAC and agent URL, and the `imp.configparams`
//! the cloud hands its device and agent (which say whether it is a factory fixture, a
//! device under test, or neither — imp-api.md §1.5–1.6).

use crate::cloud::AGENT_URL_BASE;

/// The imp module, which decides the pin and bus names the board offers and the
/// memory free to Squirrel. The imp006 and impC001 are not modelled: their pin sets
/// are larger than the Dev Center pages read so far, and their free memory unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImpType {
    /// The original card: `pin1, 2, 5, 7, 8, 9`.
    Imp001,
    /// The imp001's pins plus `pin6` and `pinA`..`pinE`.
    Imp002,
    /// 23 pins, `pinA`..`pinY` without `I` and `O`.
    Imp003,
    /// 18 pins: `pinA`..`pinH`, `pinJ`..`pinN`, `pinP`..`pinS`, `pinW`.
    Imp004m,
    /// `pinA`..`pinY` and `pinXA`..`pinXD` (the impFactory fixture is an imp005).
    Imp005,
}

impl ImpType {
    pub const ALL: [ImpType; 5] =
        [ImpType::Imp001, ImpType::Imp002, ImpType::Imp003, ImpType::Imp004m, ImpType::Imp005];

    /// What `imp.info().type` reports.
    pub fn name(self) -> &'static str {
        match self {
            ImpType::Imp001 => "imp001",
            ImpType::Imp002 => "imp002",
            ImpType::Imp003 => "imp003",
            ImpType::Imp004m => "imp004m",
            ImpType::Imp005 => "imp005",
        }
    }

    pub fn from_name(name: &str) -> Option<ImpType> {
        ImpType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The names, for messages: "imp001, imp002, ... or imp005".
    pub fn names() -> String {
        let names: Vec<&str> = ImpType::ALL.iter().map(|t| t.name()).collect();
        format!("{} or {}", names[..names.len() - 1].join(", "), names[names.len() - 1])
    }

    /// The application RAM free to Squirrel on this imp, in bytes (a KB taken as 1024):
    /// the device's memory limit unless one is given, and what `imp.getmemoryfree()`
    /// counts down from. How sure each figure is (tags as in imp-api.md):
    ///
    /// | type    | free    | certainty and source |
    /// |---------|---------|----------------------|
    /// | imp001  | 85 KB   | [P] the imp002's: the imp002 specification calls the imp001 the same imp in a card form factor |
    /// | imp002  | 85 KB   | [V] Dev Center, "Transition from imp002 to imp004m": application RAM 85KB |
    /// | imp003  | 85 KB   | [U] no figure found; the imp002's assumed |
    /// | imp004m | 184 KB  | [V] the same page: application RAM 184KB |
    /// | imp005  | 1024 KB | [U] no figure found; its BCM43907 copies impOS and the code into on-die RAM (Electric Imp forum), so ours is a round guess |
    ///
    /// (impOS release 14's notes say code "usually starts with over 50kB of free RAM" on
    /// the imps of the time, the imp001's included.)
    pub fn free_memory(self) -> usize {
        match self {
            ImpType::Imp001 | ImpType::Imp002 | ImpType::Imp003 => 85 << 10,
            ImpType::Imp004m => 184 << 10,
            ImpType::Imp005 => 1 << 20,
        }
    }
}

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
