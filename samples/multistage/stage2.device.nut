// stage2.device.nut — DUT firmware for the last station of a two-stage line
// (teaching sample).
//
// Station 2 runs the final test once the sensor is fitted: the calibration station 1
// wrote must still be in flash, the sensor must answer with its ID and read a plausible
// temperature. Only here does the unit ask to be blessed; the production group then
// restarts it into the application firmware.

const SENSOR = 0xBE;            // temperature sensor, 8-bit I2C address
const SENSOR_ID_REG = "\x0F";
const SENSOR_ID = 0xBC;
const TEMP_REG = "\x2A";        // two bytes, little-endian, hundredths of a degree C
const CAL_ADDR = 0x0000;

i2c <- hardware.i2c0;

function testCalibration() {
    local flash = hardware.spiflash;
    flash.enable();
    local magic = flash.read(CAL_ADDR, 4).tostring();
    flash.disable();
    return magic == "CAL1" ? null : "no calibration from station 1";
}

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
    if (centi & 0x8000) centi -= 0x10000;
    local celsius = centi / 100.0;
    if (celsius < 15 || celsius > 40) return format("implausible temperature %.2f C", celsius);
    return null;
}

i2c.configure(CLOCK_SPEED_400_KHZ);

local failures = [];
foreach (step in [["calibration", testCalibration], ["sensor id", testSensorId],
                  ["temperature", testTemperature]]) {
    local failure = step[1]();
    if (failure != null) failures.append(step[0] + ": " + failure);
}
foreach (f in failures) server.error("test failed: " + f);

server.bless(failures.len() == 0, function(blessed) {
    if (blessed) imp.clearconfiguration();     // ship unconfigured
    server.log(blessed ? "Blessed" : "Not blessed");
    agent.send("dut.result", {
        deviceId = hardware.getdeviceid(),
        mac = imp.getmacaddress(),
        passed = blessed,
        failures = failures
    });
});
