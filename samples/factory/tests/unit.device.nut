// unit.device.nut — the DUT firmware on a good simulated unit (the suite's deviceFile).
//
// `testbench` (impish test only) builds the unit before the firmware boots: the test
// jig's wire from pinA to pinB and a temperature sensor answering at 0xBE on i2c0 with
// its ID and 23.50 °C. Test cases then break parts of it to see the firmware's tests
// catch each fault.

const GOOD_CENTI_CELSIUS = 2350;

// The sensor as a good unit has it: WHO_AM_I and a plausible temperature.
function goodSensor() {
    return { [0x0F] = 0xBC, [0x2A] = GOOD_CENTI_CELSIUS & 0xFF, [0x2B] = GOOD_CENTI_CELSIUS >> 8 };
}

testbench.wire("pinA", "pinB");
testbench.i2cdevice("i2c0", 0xBE, goodSensor());

// The firmware: the sample's, unless the Builder variable DUT_FIRMWARE names another
// (factory-api's tests run these suites against deliberately broken copies).
@set DUT_FIRMWARE "../dut.device.nut"
@include DUT_FIRMWARE
