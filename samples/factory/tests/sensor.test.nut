// The DUT's sensor tests (testSensorId, testTemperature) against good and faulty sensors.

class SensorTest extends ImpTestCase {

    // Each test starts from the good unit's sensor.
    function fitSensor(registers) {
        testbench.i2cdevice("i2c0", 0xBE, registers);
    }

    function setTemperature(centi) {
        local raw = centi & 0xFFFF;
        testbench.i2cregister("i2c0", 0xBE, 0x2A, raw & 0xFF);
        testbench.i2cregister("i2c0", 0xBE, 0x2B, raw >> 8);
    }

    function testGoodSensorPasses() {
        fitSensor(goodSensor());
        assertEqual(null, testSensorId());
        assertEqual(null, testTemperature());
    }

    function testAbsentSensorIsReported() {
        fitSensor(null);
        assertEqual("sensor does not answer (i2c error -2)", testSensorId());
        assertEqual("no temperature reading", testTemperature());
    }

    function testWrongPartIsReported() {
        local registers = goodSensor();
        registers[0x0F] = 0x33;
        fitSensor(registers);
        assertEqual("sensor id 0x33, expected 0xBC", testSensorId());
    }

    function testImplausibleTemperatures() {
        fitSensor(goodSensor());
        setTemperature(8500);
        assertEqual("implausible temperature 85.00 C", testTemperature());
        setTemperature(-500);
        assertEqual("implausible temperature -5.00 C", testTemperature());
        setTemperature(1500);
        assertEqual(null, testTemperature(), "15 C is the lowest plausible reading");
    }

    function tearDown() {
        fitSensor(goodSensor());
    }
}
