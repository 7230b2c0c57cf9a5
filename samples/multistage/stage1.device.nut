// stage1.device.nut — DUT firmware for the first station of a two-stage line
// (teaching sample).
//
// Station 1 comes early in assembly, before the sensor board is fitted: it writes the
// unit's calibration to SPI flash and checks the test jig's loop-back. It reports to
// its fixture but never blesses: a unit is blessed once, at the last station, and
// blessing here would ship units that never saw the final test. A passing unit goes on
// to station 2, whose fixture BlinkUp enrols it into station 2's DUT group.

const CAL_ADDR = 0x0000;        // first flash sector holds calibration

LOOP_OUT <- hardware.pinA;      // the test jig wires pinA to pinB
LOOP_IN <- hardware.pinB;

// Calibration: a magic word, the device id and an offset, verified after writing.
// Station 2 checks that it is still there.
function provision() {
    local cal = blob();
    cal.writestring("CAL1");
    cal.writestring(hardware.getdeviceid());
    cal.writen(25, 'w');
    local flash = hardware.spiflash;
    flash.enable();
    flash.erasesector(CAL_ADDR);
    local result = flash.write(CAL_ADDR, cal, SPIFLASH_POSTVERIFY);
    flash.disable();
    return result == 0 ? null : "calibration did not verify";
}

function testLoopback() {
    foreach (level in [1, 0, 1]) {
        LOOP_OUT.write(level);
        if (LOOP_IN.read() != level) return "pinB does not follow pinA (wrote " + level + ")";
    }
    return null;
}

LOOP_OUT.configure(DIGITAL_OUT, 0);
LOOP_IN.configure(DIGITAL_IN);

local failures = [];
foreach (step in [["provision", provision], ["loopback", testLoopback]]) {
    local failure = step[1]();
    if (failure != null) failures.append(step[0] + ": " + failure);
}
foreach (f in failures) server.error("test failed: " + f);
server.log(failures.len() == 0 ? "Station 1 passed: on to station 2" : "Station 1 failed");

// No server.bless here. The DUT agent forwards this to the station's fixture agent.
agent.send("dut.result", {
    deviceId = hardware.getdeviceid(),
    mac = imp.getmacaddress(),
    passed = failures.len() == 0,
    failures = failures
});
