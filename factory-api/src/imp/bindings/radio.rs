//! The device's network interfaces as firmware reads them, from the imp's surroundings
//! (`crate::hardware::ambient`) and its link to the server:
//! - `imp.net.info()` (api/imp/net/info): `interface` (an array of one table per
//!   interface), `active` (the index of the connected one; absent offline), `ipv4` (the
//!   active connection's; absent offline and on the impC001) and `lasterror` (absent
//!   while connected) [V]. Inside the interface tables, `type`, `macaddress` and, for
//!   WiFi, `ssid`, `rssi`, `bssid` and `channel` are our reading of the page [P]; the
//!   addresses are ours.
//! - `imp.rssi()`/`imp.getrssi()` (dBm, 0 when WiFi is not up), `imp.getbssid()` (12
//!   hex digits, 12 zeros when WiFi is off) [V]; removed on the impC001 [V].
//! - `imp.scanwifinetworks([callback])`: an array of `{ ssid, bssid, channel, rssi,
//!   open }` [V]; with a callback the scan runs in the background and a second scan
//!   meanwhile is an error [V]. A scan takes `SCAN_TIME` (ours); without a callback
//!   Squirrel waits for it, as `imp.sleep` waits.
//! - `imp.setpowersave(state)` / `imp.getpowersave()` (off by default) [V]; the impC001
//!   has no `getpowersave` [V]. Power save changes nothing else here.

use super::{child_table, method, table_of, Shape};
use crate::hardware::ambient::WifiNetwork;
use crate::imp::callbacks::{self, Kind};
use crate::imp::connection::{reason, State};
use crate::imp::shared::{Event, Shared, Side};
use impish_vm::{Value, Vm};
use std::time::Duration;

/// How long a WiFi scan takes. Ours: undocumented; real scans take seconds.
pub const SCAN_TIME: Duration = Duration::from_secs(2);

/// The registry key of a background scan's callback.
const SCAN_CALLBACK: &str = "scanwifinetworks";

pub(super) fn install(vm: &mut Vm, shape: &Shape, imp: Value) {
    let features = shape.imp_type.features();
    if features.wifi_legacy {
        for name in ["rssi", "getrssi"] {
            method(vm, imp, name, 1, ".", move |_, _, c| {
                let shared = c.shared.borrow();
                Ok(Value::Int(joined(&shared).map_or(0, |n| n.rssi).into()))
            });
        }
        method(vm, imp, "getbssid", 1, ".", move |vm, _, c| {
            let bssid = joined(&c.shared.borrow()).map_or_else(|| "0".repeat(12), |n| n.bssid.clone());
            Ok(vm.string(&bssid))
        });
    }
    if features.wifi {
        method(vm, imp, "scanwifinetworks", -1, ".c", move |vm, args, c| {
            let callback = if args.len() > 1 { args.get(vm, 1) } else { Value::Null };
            let mut shared = c.shared.borrow_mut();
            if shared.wifi_scanning {
                drop(shared);
                return Err(vm.error("scan already running in imp.scanwifinetworks(callback)"));
            }
            if callback.is_null() {
                let until = shared.now() + SCAN_TIME;
                shared.scheduler.advance_to(until);
                let networks = shared.ambient.networks.clone();
                drop(shared);
                return Ok(network_list(vm, &networks));
            }
            shared.wifi_scanning = true;
            let generation = shared.side(Side::Device).generation;
            shared.scheduler.after(SCAN_TIME.as_secs_f64(), Event::WifiScan { generation });
            drop(shared);
            let key = vm.string(SCAN_CALLBACK);
            callbacks::set(vm, Kind::Device, key, callback);
            Ok(Value::Null)
        });
    }
    method(vm, imp, "setpowersave", 2, ".b", move |vm, args, c| {
        c.shared.borrow_mut().powersave = matches!(args.get(vm, 1), Value::Bool(true));
        Ok(Value::Null)
    });
    if !features.cellular {
        method(vm, imp, "getpowersave", 1, ".", move |_, _, c| Ok(Value::Bool(c.shared.borrow().powersave)));
    }
    let net = child_table(vm, imp, "net");
    method(vm, net, "info", 1, ".", move |vm, _, c| Ok(net_info(vm, &c.shared.borrow())));
}

/// The network the device is on, while its WiFi link is up.
fn joined(shared: &Shared) -> Option<&WifiNetwork> {
    let wifi_up = shared.connection.state == State::Connected && shared.identity.imp_type.features().wifi;
    wifi_up.then(|| shared.ambient.joined()).flatten()
}

/// The finished background scan's callback and its argument.
pub(crate) fn scan_finished(vm: &mut Vm, networks: &[WifiNetwork]) -> Option<(Value, Value)> {
    let key = vm.string(SCAN_CALLBACK);
    let callback = callbacks::take(vm, Kind::Device, key)?;
    Some((callback, network_list(vm, networks)))
}

fn network_list(vm: &mut Vm, networks: &[WifiNetwork]) -> Value {
    let items = networks
        .iter()
        .map(|n| {
            let (ssid, bssid) = (vm.string(&n.ssid), vm.string(&n.bssid));
            let fields = [
                ("ssid", ssid),
                ("bssid", bssid),
                ("channel", Value::Int(n.channel.into())),
                ("rssi", Value::Int(n.rssi.into())),
                ("open", Value::Bool(n.open)),
            ];
            table_of(vm, &fields)
        })
        .collect();
    vm.new_array(items)
}

fn net_info(vm: &mut Vm, shared: &Shared) -> Value {
    let features = shared.identity.imp_type.features();
    let mac = shared.identity.mac().to_string();
    let mut interfaces = Vec::new();
    if features.wifi {
        // The configured network: the one firmware stored, else the one joined.
        let ssid = shared.network.wifi_ssid.clone().or_else(|| shared.ambient.joined().map(|n| n.ssid.clone()));
        let mut fields = vec![("type", vm.string("wifi")), ("macaddress", vm.string(&mac))];
        if let Some(ssid) = ssid {
            fields.push(("ssid", vm.string(&ssid)));
        }
        if let Some(network) = joined(shared) {
            fields.push(("rssi", Value::Int(network.rssi.into())));
            fields.push(("bssid", vm.string(&network.bssid)));
            fields.push(("channel", Value::Int(network.channel.into())));
        }
        interfaces.push(table_of(vm, &fields));
    }
    if features.ethernet {
        // Ours: the Ethernet MAC is the WiFi MAC plus one.
        let ethernet_mac = u64::from_str_radix(&mac, 16).map_or(mac.clone(), |m| format!("{:012x}", m + 1));
        let fields = [("type", vm.string("ethernet")), ("macaddress", vm.string(&ethernet_mac))];
        interfaces.push(table_of(vm, &fields));
    }
    if features.cellular {
        // Ours: a 15-digit IMEI from the MAC.
        let imei = format!("35{:013}", u64::from_str_radix(&mac, 16).unwrap_or(0) % 10_u64.pow(13));
        let fields = [("type", vm.string("cell")), ("imei", vm.string(&imei))];
        interfaces.push(table_of(vm, &fields));
    }
    let interface = vm.new_array(interfaces);
    let mut fields = vec![("interface", interface)];
    if shared.connection.state == State::Connected {
        fields.push(("active", Value::Int(0)));
        if !features.cellular {
            let dns = vm.string("192.168.1.1");
            let dnsserver = vm.new_array(vec![dns]);
            let ipv4 = [
                ("address", vm.string("192.168.1.42")),
                ("netmask", vm.string("255.255.255.0")),
                ("gateway", vm.string("192.168.1.1")),
                ("broadcast", vm.string("192.168.1.255")),
                ("dnsserver", dnsserver),
            ];
            fields.push(("ipv4", table_of(vm, &ipv4)));
        }
    } else {
        fields.push(("lasterror", Value::Int(reason::NOT_CONNECTED)));
    }
    table_of(vm, &fields)
}
