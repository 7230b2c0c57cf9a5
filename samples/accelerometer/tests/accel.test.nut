// The motion logger against a simulated LIS3DH: `testbench.i2cdevice` puts a part with
// registers on the bus, `testbench.i2cregister` reads what the firmware wrote there and
// sets new readings, `testbench.drive` raises the part's interrupt line.

class AccelerometerTest extends ImpTestCase {

    function fitPart(registers) {
        testbench.i2cdevice("i2c0", 0x32, registers);
    }

    function register(number) {
        return testbench.i2cregister("i2c0", 0x32, number);
    }

    // A reading of `mg` milli-g on the axis whose low byte is at `low`.
    function setAxis(low, mg) {
        local raw = (mg << 4) & 0xFFFF;
        testbench.i2cregister("i2c0", 0x32, low, raw & 0xFF);
        testbench.i2cregister("i2c0", 0x32, low + 1, raw >> 8);
    }

    // A good part on the bus and the interrupt line low; impUnit's setUp runs once
    // per test case, so each test starts with this.
    function startGoodPart() {
        fitPart({ [0x0F] = 0x33 });
        testbench.drive("pinW", 0);
        return startAccelerometer();
    }

    function testConfiguresThePart() {
        assertEqual("", startGoodPart());
        assertEqual(0x27, register(0x20), "10 Hz, X, Y and Z on");
        assertEqual(0x10, register(0x22), "data ready on INT1");
        assertEqual(0x08, register(0x23), "2 g, high resolution");
    }

    function testReadsMilliG() {
        startGoodPart();
        setAxis(0x28, 1000);
        setAxis(0x2A, -250);
        setAxis(0x2C, -2048);
        assertDeepEqual({ x = 1000, y = -250, z = -2048 }, readAcceleration());
    }

    function testDataReadyInterruptTakesASample() {
        startGoodPart();
        lastSample = null;
        setAxis(0x28, 12);
        setAxis(0x2A, 0);
        setAxis(0x2C, 981);
        testbench.drive("pinW", 1);
        return Promise(function(resolve, reject) {
            imp.wakeup(0.1, function() {
                try {
                    assertDeepEqual({ x = 12, y = 0, z = 981 }, lastSample);
                    resolve();
                } catch (e) {
                    reject(e);
                }
            }.bindenv(this));
        }.bindenv(this));
    }

    function testAbsentPartIsReported() {
        fitPart(null);
        assertEqual("no accelerometer (i2c error -2)", startAccelerometer());
        assertEqual(null, readAcceleration());
    }

    function testWrongPartIsReported() {
        fitPart({ [0x0F] = 0xBC });
        assertEqual("part 0xBC is not a LIS3DH", startAccelerometer());
    }
}
