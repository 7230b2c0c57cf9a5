//! The imp's surroundings as its sensors and radios read them: the supply voltage
//! (`hardware.voltage()`), the light on the BlinkUp sensor (`hardware.lightlevel()`),
//! the WiFi networks in range (`imp.scanwifinetworks()`, `imp.rssi()`, `imp.getbssid()`,
//! `imp.net.info()`) and the USB device plugged in (`hardware.usb`). Input scripts and
//! tests change them; nothing in the firmware can.
//!
//! The defaults are ours: a 3.3 V supply (what "the imp WiFi hardware requires", so
//! what `hardware.voltage()` reads "ought to remain close to"), mid-scale light, one
//! secured network the imp has joined, and no USB device.

/// A WiFi network in range. The first of `Ambient::networks` is the one the imp joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WifiNetwork {
    pub ssid: String,
    /// 12 lower-case hex digits, as `imp.getbssid()` returns.
    pub bssid: String,
    pub channel: u8,
    /// dBm: about -95 at the limit of range, up to about -11.
    pub rssi: i32,
    pub open: bool,
}

impl WifiNetwork {
    /// A network as the input script names it; unnamed fields take defaults (a
    /// secured network on channel 6 at -60 dBm, its BSSID derived from the SSID).
    pub fn named(ssid: &str) -> WifiNetwork {
        let hash = ssid.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b.into()));
        WifiNetwork {
            ssid: ssid.into(),
            bssid: format!("0c2a69{:06x}", hash & 0xff_ffff),
            channel: 6,
            rssi: -60,
            open: false,
        }
    }
}

/// A USB device on the imp's host port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsbDevice {
    pub vendor_id: u16,
    pub product_id: u16,
    pub product: String,
}

/// A change of the surroundings, at an input script's time.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Voltage(f32),
    LightLevel(u16),
    /// The joined network's signal strength.
    Rssi(i32),
    /// A network comes into range, or changes.
    Network(WifiNetwork),
    /// The network with this SSID goes out of range.
    NetworkGone(String),
    /// A USB device is plugged in, or (`None`) unplugged.
    Usb(Option<UsbDevice>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ambient {
    pub supply_voltage: f32,
    pub light_level: u16,
    pub networks: Vec<WifiNetwork>,
    pub usb: Option<UsbDevice>,
}

impl Default for Ambient {
    fn default() -> Ambient {
        Ambient {
            supply_voltage: 3.3,
            light_level: 0x8000,
            networks: vec![WifiNetwork::named("impish-lab")],
            usb: None,
        }
    }
}

impl Ambient {
    /// The network the imp joined, if it is in range.
    pub fn joined(&self) -> Option<&WifiNetwork> {
        self.networks.first()
    }

    pub fn apply(&mut self, change: Change) {
        match change {
            Change::Voltage(volts) => self.supply_voltage = volts,
            Change::LightLevel(level) => self.light_level = level,
            Change::Rssi(rssi) => {
                if let Some(joined) = self.networks.first_mut() {
                    joined.rssi = rssi;
                }
            }
            Change::Network(network) => match self.networks.iter_mut().find(|n| n.ssid == network.ssid) {
                Some(known) => *known = network,
                None => self.networks.push(network),
            },
            Change::NetworkGone(ssid) => self.networks.retain(|n| n.ssid != ssid),
            Change::Usb(device) => self.usb = device,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_update_the_surroundings() {
        let mut ambient = Ambient::default();
        assert_eq!(ambient.joined().map(|n| n.ssid.as_str()), Some("impish-lab"));
        ambient.apply(Change::Rssi(-80));
        ambient.apply(Change::Network(WifiNetwork { open: true, ..WifiNetwork::named("cafe") }));
        ambient.apply(Change::Network(WifiNetwork { channel: 11, ..WifiNetwork::named("cafe") }));
        assert_eq!(ambient.networks.len(), 2);
        assert_eq!((ambient.networks[0].rssi, ambient.networks[1].channel), (-80, 11));
        ambient.apply(Change::NetworkGone("impish-lab".into()));
        assert_eq!(ambient.joined().map(|n| n.ssid.as_str()), Some("cafe"));
        assert_eq!(WifiNetwork::named("cafe").bssid.len(), 12);
    }
}
