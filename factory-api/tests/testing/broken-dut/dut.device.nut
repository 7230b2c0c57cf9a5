// A deliberately broken copy of samples/factory/dut.device.nut: the sample suites in
// samples/factory/tests must catch each bug (factory-api/tests/testing.rs checks how).
// BUG 1: the wrong sensor ID. BUG 2: the temperature's sign is lost. BUG 3: the
// loop-back writes one level only. BUG 4: the calibration sector is not erased.
//
// dut.device.nut — factory firmware for a device under test (teaching sample).
//
// A DUT runs this after a fixture's factory BlinkUp has enrolled it into the DUT
// device group. It provisions the unit (calibration data into SPI flash), tests its
// hardware, asks the cloud to bless it, and reports to the fixture via its agent.
// Blessing moves the device to the production group; the application firmware takes
// over a couple of seconds after the bless callback.

const SENSOR = 0xBE;            // temperature sensor, 8-bit I2C address
const SENSOR_ID_REG = "\x0F";
const SENSOR_ID = 0xBD;        // BUG 1
const TEMP_REG = "\x2A";        // two bytes, little-endian, hundredths of a degree C
const CAL_ADDR = 0x0000;        // first flash sector holds calibration

LOOP_OUT <- hardware.pinA;      // the test jig wires pinA to pinB
LOOP_IN <- hardware.pinB;
i2c <- hardware.i2c0;

// Each test returns null when it passes, or a description of the failure.

function testSensorId() {
    local id = i2c.read(SENSOR, SENSOR_ID_REG, 1);
    if (id == null) return "sensor does not answer (i2c error " + i2c.readerror() + ")";
    if (id[0] != SENSOR_ID) return format("sensor id 0x%02X, expected 0x%02X", id[0], SENSOR_ID);
    return null;
}

function testTemperature() {
    local raw = i2c.read(SENSOR, TEMP_REG, 2);
    if (raw == null) return "no temperature reading";
    local centi = raw[0] | (raw[1] << 8);
    local celsius = centi / 100.0;
    if (celsius < 15 || celsius > 40) return format("implausible temperature %.2f C", celsius);
    return null;
}

function testLoopback() {
    foreach (level in [1]) {         // BUG 3
        LOOP_OUT.write(level);
        if (LOOP_IN.read() != level) return "pinB does not follow pinA (wrote " + level + ")";
    }
    return null;
}

// Calibration: a magic word, the device id and an offset, verified after writing.
function provision() {
    local cal = blob();
    cal.writestring("CAL1");
    cal.writestring(hardware.getdeviceid());
    cal.writen(25, 'w');
    local flash = hardware.spiflash;
    flash.enable();
    local result = flash.write(CAL_ADDR, cal, SPIFLASH_POSTVERIFY);
    local back = flash.read(CAL_ADDR, cal.len());
    flash.disable();
    if (result != 0 || back.tostring() != cal.tostring()) return "calibration did not verify";
    return null;
}

// In order: provisioning first, so a unit that cannot keep its calibration fails early.
function runTests() {
    local failures = [];
    foreach (step in [["provision", provision], ["sensor id", testSensorId],
                      ["temperature", testTemperature], ["loopback", testLoopback]]) {
        local failure = step[1]();
        if (failure != null) failures.append(step[0] + ": " + failure);
    }
    return failures;
}

function report(passed, failures) {
    agent.send("dut.result", {
        deviceId = hardware.getdeviceid(),
        mac = imp.getmacaddress(),
        passed = passed,
        failures = failures
    });
}

i2c.configure(CLOCK_SPEED_400_KHZ);
LOOP_OUT.configure(DIGITAL_OUT, 0);
LOOP_IN.configure(DIGITAL_IN);

local failures = runTests();
local passed = failures.len() == 0;
foreach (f in failures) server.error("test failed: " + f);

// bless always calls back, with true only when the cloud blessed the unit.
server.bless(passed, function(blessed) {
    if (blessed) {
        // Ship the unit unconfigured, so its first BlinkUp is the customer's.
        imp.clearconfiguration();
        server.log("Blessed");
    } else {
        server.log("Not blessed");
    }
    report(blessed, failures);
});
