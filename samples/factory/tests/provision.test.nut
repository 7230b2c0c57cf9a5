// Provisioning (calibration into SPI flash) and the whole test run on good and faulty units.

class ProvisionTest extends ImpTestCase {

    function testCalibrationIsWrittenAndVerified() {
        testbench.flashwrite(0, "garbage from a previous run");
        assertEqual(null, provision());
        local id = hardware.getdeviceid();
        local cal = testbench.flashread(0, 4 + id.len() + 2);
        assertEqual("CAL1", cal.readstring(4));
        assertEqual(id, cal.readstring(id.len()));
        assertEqual(25, cal.readn('w'));
    }

    function testGoodUnitPassesEveryTest() {
        assertDeepEqual([], runTests());
    }

    function testFaultyUnitListsEveryFailureInOrder() {
        testbench.i2cdevice("i2c0", 0xBE, null);
        testbench.stick("pinB", 0);
        local failures = runTests();
        testbench.stick("pinB", null);
        testbench.i2cdevice("i2c0", 0xBE, goodSensor());
        assertDeepEqual([
            "sensor id: sensor does not answer (i2c error -2)",
            "temperature: no temperature reading",
            "loopback: pinB does not follow pinA (wrote 1)"
        ], failures);
    }

    // The firmware's tests take no time: a slow bench would show here.
    function testRunTakesNoTime() {
        local started = hardware.millis();
        runTests();
        assertLess(hardware.millis() - started, 5);
    }
}
