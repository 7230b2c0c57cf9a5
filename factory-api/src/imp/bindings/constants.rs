//! The imp's root constants. Where imp-api.md or the imp's documentation gives a value
//! (wake reasons, connection reasons, send errors) it is used; the imp does not
//! document the others, so these values are ours: distinct within each family and
//! stable, and firmware should only compare with the names.

use crate::hardware::spiflash;
use crate::imp::connection::{policy, reason, send_error};
use impish_vm::{Value, Vm};

/// `pin.configure` modes.
pub(crate) mod mode {
    pub const DIGITAL_IN: i64 = 1;
    pub const DIGITAL_IN_PULLUP: i64 = 2;
    pub const DIGITAL_IN_PULLDOWN: i64 = 3;
    pub const DIGITAL_IN_WAKEUP: i64 = 4;
    pub const DIGITAL_OUT: i64 = 5;
    pub const DIGITAL_OUT_OD: i64 = 6;
    pub const DIGITAL_OUT_OD_PULLUP: i64 = 7;
    pub const ANALOG_IN: i64 = 8;
    pub const ANALOG_OUT: i64 = 9;
    pub const PWM_OUT: i64 = 10;
}

/// `hardware.wakereason()` values, as documented.
pub(crate) mod wake {
    pub const POWER_ON: i32 = 0;
    pub const TIMER: i32 = 1;
    pub const PIN: i32 = 3;
    pub const NEW_SQUIRREL: i32 = 4;
    pub const SQUIRREL_ERROR: i32 = 5;
    pub const SNOOZE: i32 = 7;
    pub const HW_RESET: i32 = 8;
    pub const POWER_RESTORED: i32 = 11;
}

/// UART parity and flags.
pub(crate) mod uart {
    pub const PARITY_NONE: i64 = 0;
    pub const PARITY_EVEN: i64 = 1;
    pub const PARITY_ODD: i64 = 2;
}

/// `spi.configure` flags (bits of ours).
pub(crate) mod spi {
    pub const CLOCK_IDLE_LOW: i64 = 0;
    pub const CLOCK_IDLE_HIGH: i64 = 1;
    pub const CLOCK_2ND_EDGE: i64 = 2;
    pub const USE_CS_L: i64 = 4;
    pub const MSB_FIRST: i64 = 0;
    pub const LSB_FIRST: i64 = 8;
    pub const NO_SCLK: i64 = 16;
    pub const SIMPLEX_TX: i64 = 32;
    pub const SIMPLEX_RX: i64 = 64;
}

/// `hardware.usb` event types.
pub(crate) mod usb {
    pub const DEVICE_CONNECTED: i64 = 0;
    pub const DEVICE_DISCONNECTED: i64 = 1;
    pub const TRANSFER_COMPLETED: i64 = 2;
}

/// `imp.environment()` values.
pub(crate) mod environment {
    pub const MODULE: i64 = 1;
    pub const AGENT: i64 = 2;
}

/// `server.factoryblinkup` flags and `imp.clearconfiguration` actions.
pub(crate) mod factory {
    pub const BLINKUP_FAST: i64 = 1;
    pub const BLINKUP_ACTIVEHIGH: i64 = 2;
    pub const CONFIG_WIFI: i64 = 1;
    pub const CONFIG_STATIC_NETWORK: i64 = 2;
    pub const CONFIG_PROXY: i64 = 4;
    pub const CONFIG_ALL: i64 = 0xff;
}

const CONSTANTS: &[(&str, i64)] = &[
    ("DIGITAL_IN", mode::DIGITAL_IN),
    ("DIGITAL_IN_PULLUP", mode::DIGITAL_IN_PULLUP),
    ("DIGITAL_IN_PULLDOWN", mode::DIGITAL_IN_PULLDOWN),
    ("DIGITAL_IN_WAKEUP", mode::DIGITAL_IN_WAKEUP),
    ("DIGITAL_OUT", mode::DIGITAL_OUT),
    ("DIGITAL_OUT_OD", mode::DIGITAL_OUT_OD),
    ("DIGITAL_OUT_OD_PULLUP", mode::DIGITAL_OUT_OD_PULLUP),
    ("ANALOG_IN", mode::ANALOG_IN),
    ("ANALOG_OUT", mode::ANALOG_OUT),
    ("PWM_OUT", mode::PWM_OUT),
    ("WAKEREASON_POWER_ON", wake::POWER_ON as i64),
    ("WAKEREASON_TIMER", wake::TIMER as i64),
    ("WAKEREASON_SW_RESET", 2),
    ("WAKEREASON_PIN", wake::PIN as i64),
    ("WAKEREASON_NEW_SQUIRREL", wake::NEW_SQUIRREL as i64),
    ("WAKEREASON_SQUIRREL_ERROR", wake::SQUIRREL_ERROR as i64),
    ("WAKEREASON_NEW_FIRMWARE", 6),
    ("WAKEREASON_SNOOZE", wake::SNOOZE as i64),
    ("WAKEREASON_HW_RESET", wake::HW_RESET as i64),
    ("WAKEREASON_BLINKUP", 9),
    ("WAKEREASON_SW_RESTART", 10),
    ("WAKEREASON_POWER_RESTORED", wake::POWER_RESTORED as i64),
    // I2C speeds are their frequencies in Hz.
    ("CLOCK_SPEED_10_KHZ", 10_000),
    ("CLOCK_SPEED_50_KHZ", 50_000),
    ("CLOCK_SPEED_100_KHZ", 100_000),
    ("CLOCK_SPEED_400_KHZ", 400_000),
    ("PARITY_NONE", uart::PARITY_NONE),
    ("PARITY_EVEN", uart::PARITY_EVEN),
    ("PARITY_ODD", uart::PARITY_ODD),
    ("NO_CTSRTS", 1),
    ("NO_TX", 2),
    ("NO_RX", 4),
    ("SEND_ERROR_NOT_CONNECTED", send_error::NOT_CONNECTED),
    ("SEND_ERROR_TIMEOUT", 2),
    ("SEND_ERROR_DISCONNECTED", 3),
    ("SEND_ERROR_WOULDBLOCK", 4),
    ("SUSPEND_ON_ERROR", policy::SUSPEND_ON_ERROR),
    ("RETURN_ON_ERROR", policy::RETURN_ON_ERROR),
    ("RETURN_ON_ERROR_NO_DISCONNECT", policy::RETURN_ON_ERROR_NO_DISCONNECT),
    ("WAIT_TIL_SENT", 0),
    ("WAIT_FOR_ACK", 1),
    ("NOT_CONNECTED", reason::NOT_CONNECTED),
    ("NO_WIFI", 1),
    ("NO_LINK", 1),
    ("NO_IP_ADDRESS", 2),
    ("NOT_RESOLVED", 3),
    ("NO_SERVER", 4),
    ("SERVER_CONNECTED", reason::SERVER_CONNECTED),
    ("NO_PROXY", 6),
    ("NOT_AUTHORISED", 7),
    ("NO_TIMEOUT", super::http::NO_TIMEOUT as i64),
    ("CLOCK_IDLE_LOW", spi::CLOCK_IDLE_LOW),
    ("CLOCK_IDLE_HIGH", spi::CLOCK_IDLE_HIGH),
    ("CLOCK_2ND_EDGE", spi::CLOCK_2ND_EDGE),
    ("USE_CS_L", spi::USE_CS_L),
    ("MSB_FIRST", spi::MSB_FIRST),
    ("LSB_FIRST", spi::LSB_FIRST),
    ("NO_SCLK", spi::NO_SCLK),
    ("SIMPLEX_TX", spi::SIMPLEX_TX),
    ("SIMPLEX_RX", spi::SIMPLEX_RX),
    ("USB_DEVICE_CONNECTED", usb::DEVICE_CONNECTED),
    ("USB_DEVICE_DISCONNECTED", usb::DEVICE_DISCONNECTED),
    ("USB_TRANSFER_COMPLETED", usb::TRANSFER_COMPLETED),
    ("SPIFLASH_PREVERIFY", spiflash::PREVERIFY as i64),
    ("SPIFLASH_POSTVERIFY", spiflash::POSTVERIFY as i64),
    ("ENVIRONMENT_CARD", 0),
    ("ENVIRONMENT_MODULE", environment::MODULE),
    ("ENVIRONMENT_AGENT", environment::AGENT),
    ("BLINKUP_FAST", factory::BLINKUP_FAST),
    ("BLINKUP_ACTIVEHIGH", factory::BLINKUP_ACTIVEHIGH),
    ("CONFIG_WIFI", factory::CONFIG_WIFI),
    ("CONFIG_STATIC_NETWORK", factory::CONFIG_STATIC_NETWORK),
    ("CONFIG_PROXY", factory::CONFIG_PROXY),
    ("CONFIG_ALL", factory::CONFIG_ALL),
];

/// Root-table globals (not compile-time constants), so `"DIGITAL_OUT" in
/// getroottable()` works as on the imp.
pub(crate) fn install(vm: &mut Vm) {
    for &(name, value) in CONSTANTS {
        vm.set_global(name, Value::Int(value));
    }
}
