//! Every imp type's `hardware` and `imp` tables are its table in `imp::imp_type`: the
//! same pins and buses, and the optional APIs exactly where its features say.

mod imp_support;
use imp_support::{imp_of, log_of, secs};
use impish_factory::imp::identity::ImpType;

/// Lists the pin and bus objects of `hardware`, sorted, then which optional calls exist.
const PROBE: &str = r#"
    local parts = [];
    foreach (name, object in hardware) {
        if (typeof object == "userdata" && name != "spiflash") parts.push(name);
    }
    parts.sort();
    server.log(parts.reduce(@(a, b) a + " " + b));
    local optional = [];
    foreach (name in ["spiflash", "voltage", "sampler", "usb"]) if (name in hardware) optional.push("hardware." + name);
    foreach (name in ["rssi", "getbssid", "getmacaddress", "scanwifinetworks", "getpowersave"]) {
        if (name in imp) optional.push("imp." + name);
    }
    server.log(optional.len() ? optional.reduce(@(a, b) a + " " + b) : "none");
"#;

#[test]
fn each_types_bindings_are_its_table() {
    for imp_type in ImpType::ALL {
        let spec = imp_type.spec();
        let mut parts: Vec<String> = spec.pins().collect();
        parts.extend(spec.i2c.iter().chain(spec.spi).chain(spec.uarts).map(|s| s.to_string()));
        parts.sort();
        let features = imp_type.features();
        let optional: Vec<&str> = [
            ("hardware.spiflash", features.spiflash),
            ("hardware.voltage", features.voltage),
            ("hardware.sampler", features.sampler),
            ("hardware.usb", features.usb),
            ("imp.rssi", features.wifi_legacy),
            ("imp.getbssid", features.wifi_legacy),
            ("imp.getmacaddress", features.wifi_legacy),
            ("imp.scanwifinetworks", features.wifi),
            ("imp.getpowersave", !features.cellular),
        ]
        .into_iter()
        .filter_map(|(name, has)| has.then_some(name))
        .collect();
        let mut imp = imp_of(imp_type, PROBE, None);
        imp.run_for(secs(1.0));
        let log = log_of(&imp);
        assert_eq!(log[0], format!("00:00.000 [Device] {}", parts.join(" ")), "{}", spec.name);
        assert_eq!(log[1], format!("00:00.000 [Device] {}", optional.join(" ")), "{}", spec.name);
    }
}
