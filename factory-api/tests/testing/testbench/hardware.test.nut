// Every testbench call, acting on the simulated imp005's hardware.
class TestbenchTest extends ImpTestCase {
    edges = null;

    function testDrivenInputsCallTheirStateChangeCallback() {
        edges = [];
        hardware.pinC.configure(DIGITAL_IN_PULLUP, function() { edges.push(hardware.pinC.read()); }.bindenv(this));
        assertEqual(1, hardware.pinC.read(), "the pull-up holds it high");
        testbench.drive("pinC", 0);
        assertEqual(0, hardware.pinC.read(), "driven at once");
        return Promise(function(resolve, reject) {
            imp.wakeup(0.1, function() {
                testbench.drive("pinC", null);
                imp.wakeup(0.1, function() {
                    try {
                        assertDeepEqual([0, 1], edges);
                        resolve();
                    } catch (e) {
                        reject(e);
                    }
                }.bindenv(this));
            }.bindenv(this));
        }.bindenv(this));
    }

    function testAnalogLevelsAndOutputs() {
        hardware.pinA.configure(ANALOG_IN);
        testbench.drive("pinA", 0.5);
        assertEqual(32768, hardware.pinA.read());
        hardware.pinE.configure(DIGITAL_OUT, 1);
        assertEqual(1.0, testbench.level("pinE"));
        hardware.pinE.write(0);
        local trace = testbench.trace("pinE");
        assertEqual(0.0, trace.top()[1]);
        assertEqual(1.0, trace[trace.len() - 2][1]);
    }

    function testStuckPinsAndWires() {
        hardware.pinF.configure(DIGITAL_OUT, 0);
        hardware.pinG.configure(DIGITAL_IN);
        testbench.wire("pinF", "pinG");
        hardware.pinF.write(1);
        assertEqual(1, hardware.pinG.read(), "the wire carries pinF's level");
        testbench.stick("pinG", 0);
        assertEqual(0, hardware.pinG.read(), "a stuck pin ignores the wire");
        testbench.stick("pinG", null);
        assertEqual(1, hardware.pinG.read());
    }

    function testI2cPartsComeAndGo() {
        local i2c = hardware.i2c0;
        i2c.configure(CLOCK_SPEED_400_KHZ);
        assertEqual(null, i2c.read(0x40, "\x00", 1), "nothing there yet");
        testbench.i2cdevice("i2c0", 0x40, { [0x00] = 0x12, [0x01] = 0x34 });
        assertEqual("\x12\x34", i2c.read(0x40, "\x00", 2));
        i2c.write(0x40, "\x10\x99");
        assertEqual(0x99, testbench.i2cregister("i2c0", 0x40, 0x10), "what the firmware wrote");
        testbench.i2cregister("i2c0", 0x40, 0x01, 0x56);
        assertEqual("\x56", i2c.read(0x40, "\x01", 1), "a new reading");
        testbench.i2cdevice("i2c0", 0x40, null);
        assertEqual(null, i2c.read(0x40, "\x00", 1), "the part is gone");
    }

    function testFlashLoadsAndReadsWithoutErasing() {
        testbench.flashwrite(4094, "abcd");
        local back = testbench.flashread(4094, 4);
        assertEqual("abcd", back.tostring());
        local flash = hardware.spiflash;
        flash.enable();
        assertEqual("abcd", flash.read(4094, 4).tostring(), "the firmware sees it");
        flash.disable();
        assertThrowsError(function() { flash.read(0, 1); }, this);
    }

    function testInputLinesSetTheSurroundingsAndSpiPeripherals() {
        testbench.input("lightlevel 1200");
        assertEqual(1200, hardware.lightlevel());
        testbench.input("wifi \"Lab\" rssi -40 channel 11 open");
        local names = imp.scanwifinetworks().map(@(n) n.ssid);
        assertDeepEqual(["impish-lab", "Lab"], names);
        local spi = hardware.spi0;
        spi.configure(CLOCK_IDLE_LOW, 4000);
        testbench.input("spi0 receive \"\\x12\\x34\"");
        assertEqual("\x12\x34\xff", spi.writeread("\x9f\x00\x00"));
        assertEqual("\x9f\x00\x00", testbench.spisent("spi0").tostring());
        assertEqual("testbench.input: the input script acts on voltage, which this imp005 does not have",
            assertThrowsError(testbench.input, testbench, ["voltage 3.0"]));
        assertEqual("testbench.input: unknown action \"wiggle\" (expected press, set, stick, PIN analog, UART or SPI receive, network down, voltage, lightlevel, rssi, wifi, usb or http)",
            assertThrowsError(testbench.input, testbench, ["wiggle pinA"]));
        assertEqual("testbench.spisent: this imp has no SPI bus \"spi9\"", assertThrowsError(testbench.spisent, testbench, ["spi9"]));
        assertEqual("testbench.input: a network outage needs an input script (impish run --input)",
            assertThrowsError(testbench.input, testbench, ["network down for 5 s"]));
    }

    function testBadCallsNameTheProblem() {
        assertEqual("testbench.drive: this imp has no pin \"pinZZ\"", assertThrowsError(testbench.drive, testbench, ["pinZZ", 1]));
        assertEqual("testbench.drive: the level must be 0.0 to 1.0, or null", assertThrowsError(testbench.drive, testbench, ["pinA", 2]));
        assertEqual("testbench.i2cdevice: this imp has no I2C bus \"i2c99\"", assertThrowsError(testbench.i2cdevice, testbench, ["i2c99", 0x40, null]));
        assertEqual("testbench.i2cregister: no testbench device at 0x42 on i2c0", assertThrowsError(testbench.i2cregister, testbench, ["i2c0", 0x42, 0]));
        assertEqual("testbench.flashwrite: 0x3ffffe+4 is outside the 4194304-byte flash", assertThrowsError(testbench.flashwrite, testbench, [4194302, "abcd"]));
    }
}
