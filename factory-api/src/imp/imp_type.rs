//! The seven imp types as data: each type's pins and buses as `hardware.*` names them,
//! its free memory, and which optional hardware APIs it has. The board, the bindings,
//! `impish run --type` and the line file's validation all read these tables, so a name
//! is valid in one exactly when it is in the others.
//!
//! Sources (Electric Imp Dev Center; tags as in imp-api.md: [V] read on the page,
//! [P] partly read or inferred from a page, [U] not found, ours):
//! - pins: the pin mux pages "The Functions Available From The impXXX's Pins" (node/851
//!   imp001, 855 imp002, 879 imp003, 841 imp004m, 898 imp005, 3131 imp006, 2866
//!   impC001) and the `pin` class page (node/2318), which counts them [V]. Where the two
//!   disagree the pin mux table wins: the imp005's table lists 27 pins (the class page
//!   says 28), the imp006's groups `A`–`W`, `XA`–`XW`, `YA`–`YN` make 55 (it says 54).
//!   The imp006's `X` and `Y` rows beyond `XH` were cut from the page as read: their
//!   letters are the class page's ranges without `I` and `O` [P]. The impC001's `Y` row
//!   was cut too: `YA`–`YU` without `I` and `O` gives the class page's 44 pins, and its
//!   bus names and the breakout HALs use only those [P].
//! - buses: the `i2c` (api/hardware/i2c), `spi` (api/hardware/spi) and `uart`
//!   (node/2314) class pages list every type's objects [V].
//! - free memory: see `ImpType::free_memory`.
//! - features: see `Features`.

use crate::hardware::ambient::Change;

/// The imp module, which decides the pin and bus names the board offers, the memory free
/// to Squirrel and which optional APIs exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImpType {
    Imp001,
    Imp002,
    Imp003,
    Imp004m,
    Imp005,
    Imp006,
    ImpC001,
}

/// The optional parts of the imp API, by whether this type has them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    /// `hardware.voltage()`: "not implemented on the imp005" (api/hardware/voltage) [V].
    pub voltage: bool,
    /// `hardware.spiflash`: "only available on the imp003 and above. It is not implemented
    /// on the imp001 or imp002" (api/hardware/spiflash) [V].
    pub spiflash: bool,
    /// `hardware.sampler`: "Not available on the imp004m, imp005 or imp006"
    /// (api/hardware/sampler/configure) [V]; the impC001 is not named, so it has it [P].
    pub sampler: bool,
    /// `nv` kept through deep sleep: the imp004m "does not yet provide nv support"
    /// (Device Data Persistence, node/743) and the imp005 "does not support deep sleep"
    /// (server.sleepfor) [V].
    pub nv: bool,
    /// `hardware.usb`: the imp005 (impOS 35 notes: "imp005 USB") and the impC001 (its
    /// pin mux: "a single USB host port", `usb AB`) [V]; no other type's page names USB.
    pub usb: bool,
    /// WiFi (`imp.scanwifinetworks`, a `wifi` interface in `imp.net.info()`): every type
    /// but the cellular impC001 [P: the imp006 pairs with a WiFi module in two of its
    /// three variants; ours always has one].
    pub wifi: bool,
    /// The WiFi-only calls `imp.rssi()`/`getrssi()`, `imp.getbssid()` and
    /// `imp.getmacaddress()`: "removed from versions of impOS running on the impC001" [V].
    pub wifi_legacy: bool,
    /// An Ethernet interface: "only the imp005 currently provides Ethernet support"
    /// (api/imp/net/info) [V].
    pub ethernet: bool,
    /// A cellular interface (the impC001) [V].
    pub cellular: bool,
}

impl Features {
    /// Whether an input script's change of the surroundings means anything to this
    /// type: a voltage needs `hardware.voltage()`, WiFi lines a WiFi radio, USB a port.
    pub fn accepts(&self, change: &Change) -> bool {
        match change {
            Change::Voltage(_) => self.voltage,
            Change::LightLevel(_) => true,
            Change::Rssi(_) | Change::Network(_) | Change::NetworkGone(_) => self.wifi,
            Change::Usb(_) => self.usb,
        }
    }
}

/// One imp type's table.
#[derive(Debug)]
pub struct ImpSpec {
    pub name: &'static str,
    /// Pin names in groups: a prefix and one character per pin (`("pinX", "ABCDE")`).
    pins: &'static [(&'static str, &'static str)],
    pub i2c: &'static [&'static str],
    pub spi: &'static [&'static str],
    pub uarts: &'static [&'static str],
    /// The UARTs with no transmit pin.
    pub receive_only: &'static [&'static str],
    /// The pins the module drives high (1.0) or low (0.0) until firmware configures them;
    /// the others float.
    pub unconfigured_drive: &'static [(&'static str, f32)],
    /// The pins `DIGITAL_IN_WAKEUP` may configure ("Wake An imp From Deep Sleep",
    /// node/3158) [V].
    pub wake_pins: &'static [&'static str],
    pub features: Features,
}

impl ImpSpec {
    /// Every pin's name, as `hardware.<name>`: `pin1`, `pinA`, `pinXA`.
    pub fn pins(&self) -> impl Iterator<Item = String> + '_ {
        self.pins.iter().flat_map(|(prefix, letters)| letters.chars().map(move |c| format!("{prefix}{c}")))
    }
}

const WIFI: Features = Features {
    voltage: true,
    spiflash: true,
    sampler: true,
    nv: true,
    usb: false,
    wifi: true,
    wifi_legacy: true,
    ethernet: false,
    cellular: false,
};

const IMP001: ImpSpec = ImpSpec {
    name: "imp001",
    // Pin 6 "is reserved for the ID chip" on the card.
    pins: &[("pin", "125789")],
    i2c: &["i2c12", "i2c89"],
    spi: &["spi189", "spi257"],
    uarts: &["uart12", "uart1289", "uart57"],
    receive_only: &[],
    unconfigured_drive: &[],
    wake_pins: &["pin1"],
    features: Features { spiflash: false, ..WIFI },
};

const IMP002: ImpSpec = ImpSpec {
    name: "imp002",
    pins: &[("pin", "1256789ABCDE")],
    i2c: &["i2c12", "i2c89"],
    spi: &["spi189", "spi257"],
    uarts: &["uart12", "uart1289", "uart57", "uart6E", "uartB"],
    // "there is no available transmit pin" (node/2314) [V].
    receive_only: &["uartB"],
    unconfigured_drive: &[],
    wake_pins: &["pin1"],
    features: Features { spiflash: false, ..WIFI },
};

const IMP003: ImpSpec = ImpSpec {
    name: "imp003",
    pins: &[("pin", "ABCDEFGHJKLMNPQRSTUVWXY")],
    i2c: &["i2cAB", "i2cFG"],
    spi: &["spiEBCA", "spiLGDK"],
    uarts: &["uartDM", "uartFG", "uartQRPW", "uartUVGD", "uartWJ"],
    receive_only: &[],
    unconfigured_drive: &[],
    wake_pins: &["pinW"],
    features: WIFI,
};

const IMP004M: ImpSpec = ImpSpec {
    name: "imp004m",
    pins: &[("pin", "ABCDEFGHJKLMNPQRSW")],
    i2c: &["i2cNM", "i2cQP"],
    spi: &["spiAHSR", "spiGJKL"],
    uarts: &["uartBCAW", "uartFGJH", "uartHJ", "uartQ"],
    receive_only: &[],
    unconfigured_drive: &[],
    wake_pins: &["pinW"],
    features: Features { sampler: false, nv: false, ..WIFI },
};

const IMP005: ImpSpec = ImpSpec {
    name: "imp005",
    pins: &[("pin", "ABCDEFGHJKLMNPQRSTUVWY"), ("pinX", "ABCDE")],
    // i2c0, spi0 and the UARTs are on dedicated pins, not GPIO.
    i2c: &["i2cJK", "i2c0"],
    spi: &["spiBCAD", "spi0"],
    uarts: &["uart0", "uart1", "uart2"],
    receive_only: &[],
    // "Unlike earlier imp types, the imp005 does not tristate (float) all of its IO pins at
    // start-up": B, D and K are driven high; A, E, F, G, J, Q, S, U and V low (node/898) [V].
    unconfigured_drive: &[
        ("pinB", 1.0),
        ("pinD", 1.0),
        ("pinK", 1.0),
        ("pinA", 0.0),
        ("pinE", 0.0),
        ("pinF", 0.0),
        ("pinG", 0.0),
        ("pinJ", 0.0),
        ("pinQ", 0.0),
        ("pinS", 0.0),
        ("pinU", 0.0),
        ("pinV", 0.0),
    ],
    wake_pins: &[],
    features: Features { voltage: false, sampler: false, nv: false, usb: true, ethernet: true, ..WIFI },
};

const IMP006: ImpSpec = ImpSpec {
    name: "imp006",
    pins: &[("pin", "ABCDEFGHJKLMNPQRSTUVW"), ("pinX", "ABCDEFGHJKLMNPQRSTUVW"), ("pinY", "ABCDEFGHJKLMN")],
    i2c: &["i2cJK", "i2cLM", "i2cTU"],
    spi: &["spiEFGH", "spiXABCD", "spiXPQRS", "spiXTUVW"],
    uarts: &["uartABCD", "uartPQRS", "uartXEFGH", "uartXJKLM", "uartYABCD", "uartYEFGH", "uartYJKLM"],
    receive_only: &[],
    unconfigured_drive: &[],
    wake_pins: &["pinV", "pinW"],
    features: Features { sampler: false, ..WIFI },
};

const IMPC001: ImpSpec = ImpSpec {
    name: "impC001",
    pins: &[("pin", "ABCDEFGHJKLMNPQRSTUVW"), ("pinX", "ABCD"), ("pinY", "ABCDEFGHJKLMNPQRSTU")],
    i2c: &["i2cJH", "i2cKL", "i2cXBA", "i2cXDC"],
    spi: &["spiDCAB", "spiPQRS", "spiEVMT", "spiYJTHU", "spiYRFES"],
    uarts: &["uartDCAB", "uartEVMT", "uartNU", "uartHJKL", "uartPQSR", "uartXBADC", "uartYABCD"],
    receive_only: &[],
    unconfigured_drive: &[],
    wake_pins: &["pinW"],
    features: Features { usb: true, wifi: false, wifi_legacy: false, cellular: true, ..WIFI },
};

impl ImpType {
    pub const ALL: [ImpType; 7] = [
        ImpType::Imp001,
        ImpType::Imp002,
        ImpType::Imp003,
        ImpType::Imp004m,
        ImpType::Imp005,
        ImpType::Imp006,
        ImpType::ImpC001,
    ];

    /// This type's table.
    pub fn spec(self) -> &'static ImpSpec {
        match self {
            ImpType::Imp001 => &IMP001,
            ImpType::Imp002 => &IMP002,
            ImpType::Imp003 => &IMP003,
            ImpType::Imp004m => &IMP004M,
            ImpType::Imp005 => &IMP005,
            ImpType::Imp006 => &IMP006,
            ImpType::ImpC001 => &IMPC001,
        }
    }

    /// What `imp.info().type` reports.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_name(name: &str) -> Option<ImpType> {
        ImpType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The names, for messages: "imp001, imp002, ... or impC001".
    pub fn names() -> String {
        let names: Vec<&str> = ImpType::ALL.iter().map(|t| t.name()).collect();
        format!("{} or {}", names[..names.len() - 1].join(", "), names[names.len() - 1])
    }

    pub fn features(self) -> Features {
        self.spec().features
    }

    /// The application RAM free to Squirrel on this imp, in bytes (a KB taken as 1024):
    /// the device's memory limit unless one is given, and what `imp.getmemoryfree()`
    /// counts down from. How sure each figure is:
    ///
    /// | type    | free    | certainty and source |
    /// |---------|---------|----------------------|
    /// | imp001  | 85 KB   | [P] the imp002's: the imp002 specification calls the imp001 the same imp in a card form factor |
    /// | imp002  | 85 KB   | [V] Dev Center, "Transition from imp002 to imp004m": application RAM 85KB |
    /// | imp003  | 85 KB   | [U] no figure found; the imp002's assumed |
    /// | imp004m | 184 KB  | [V] the same page: application RAM 184KB |
    /// | imp005  | 1024 KB | [U] no figure found; its BCM43907 copies impOS and the code into on-die RAM (Electric Imp forum), so ours is a round guess |
    /// | imp006  | 184 KB  | [U] no figure found; the imp004m's assumed (both are STM32F4 imps) |
    /// | impC001 | 184 KB  | [U] no figure found; the imp004m's assumed |
    ///
    /// (impOS release 14's notes say code "usually starts with over 50kB of free RAM" on
    /// the imps of the time, the imp001's included.)
    pub fn free_memory(self) -> usize {
        match self {
            ImpType::Imp001 | ImpType::Imp002 | ImpType::Imp003 => 85 << 10,
            ImpType::Imp004m | ImpType::Imp006 | ImpType::ImpC001 => 184 << 10,
            ImpType::Imp005 => 1 << 20,
        }
    }

    /// The bytes of SPI flash `hardware.spiflash.size()` reports: the part of the chip
    /// impOS leaves to Squirrel, with the smallest chip the module's design notes allow
    /// (api/hardware/spiflash, "Module-specific Notes"):
    ///
    /// | type    | user flash | certainty and source |
    /// |---------|------------|----------------------|
    /// | imp003  | 64 KB      | [V] "at least 512KB ... impOS takes seven-eighths of that (448KB), and the rest (64KB) is available to Squirrel" |
    /// | imp004m | 248 KB     | [V] "at least 1MB ... impOS takes up 776KB; the remainder is available to Squirrel" |
    /// | imp005, imp006, impC001 | 4 MB | [U] no figure found; a round guess |
    ///
    /// (0 for the imp001 and imp002, which have no `hardware.spiflash`.)
    pub fn spiflash_size(self) -> usize {
        match self {
            ImpType::Imp001 | ImpType::Imp002 => 0,
            ImpType::Imp003 => 64 << 10,
            ImpType::Imp004m => (1 << 20) - (776 << 10),
            ImpType::Imp005 | ImpType::Imp006 | ImpType::ImpC001 => 4 << 20,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pin counts of the pin mux tables (see the module's notes on the two the `pin`
    /// class page counts otherwise).
    #[test]
    fn each_type_has_its_pins() {
        let count = |t: ImpType| t.spec().pins().count();
        let counts: Vec<usize> = ImpType::ALL.into_iter().map(count).collect();
        assert_eq!(counts, [6, 12, 23, 18, 27, 55, 44]);
        let names: Vec<String> = ImpType::Imp005.spec().pins().collect();
        assert_eq!(names.first().map(String::as_str), Some("pinA"));
        assert!(names.contains(&"pinXE".to_string()) && !names.contains(&"pinX".to_string()));
    }

    #[test]
    fn bus_counts_match_the_pin_mux_pages() {
        // "seven UARTs, four SPI buses and three I²C buses" (imp006), "seven UARTs, five
        // SPI buses and four I²C buses" (impC001).
        let buses = |t: ImpType| (t.spec().uarts.len(), t.spec().spi.len(), t.spec().i2c.len());
        assert_eq!(buses(ImpType::Imp006), (7, 4, 3));
        assert_eq!(buses(ImpType::ImpC001), (7, 5, 4));
        assert_eq!(buses(ImpType::Imp002), (5, 2, 2));
    }

    /// A bus named after pins uses only pins of its type (`uartXEFGH` is on `pinXE` to
    /// `pinXH`: a leading `X` or `Y` prefixes every letter).
    #[test]
    fn bus_names_name_real_pins() {
        for imp in ImpType::ALL {
            let spec = imp.spec();
            let pins: Vec<String> = spec.pins().collect();
            for bus in spec.i2c.iter().chain(spec.spi).chain(spec.uarts) {
                let letters = ["i2c", "spi", "uart"].iter().find_map(|p| bus.strip_prefix(p)).unwrap_or(bus);
                if letters == "0" || letters == "1" || letters == "2" {
                    continue; // the imp005's dedicated uart0, i2c0, spi0
                }
                let (group, letters) = match letters.strip_prefix(['X', 'Y']) {
                    Some(rest) => (&letters[..1], rest),
                    None => ("", letters),
                };
                for c in letters.chars() {
                    let pin = format!("pin{group}{c}");
                    assert!(pins.contains(&pin), "{}: {bus} names {pin}", spec.name);
                }
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for imp in ImpType::ALL {
            assert_eq!(ImpType::from_name(imp.name()), Some(imp));
        }
        assert_eq!(ImpType::names(), "imp001, imp002, imp003, imp004m, imp005, imp006 or impC001");
    }
}
