// fixture.device.nut — firmware for an impFactory BlinkUp fixture (teaching sample).
//
// An operator places a device-under-test (DUT) in the fixture and presses the green
// button. The fixture then sends a *factory BlinkUp*: WiFi credentials and a single-use
// enrolment token, flashed through the BlinkUp LED. The DUT enrols with the cloud, runs
// its own test firmware and reports back through its agent to this fixture's agent,
// which forwards the result here: we show it on the fixture LEDs and print a label.
//
// Runs on: a fixture assigned to a factory (or pre-factory) device group.

const SSID = "FactoryNet";
const PASSWORD = "line-1-secret";
const BLINKUP_THROTTLE = 5;     // seconds after a BlinkUp before the button works again
const DEBOUNCE = 0.05;          // seconds a button level must hold to count

// impFactory (imp005) wiring.
LED_RED <- hardware.pinF;       // active high
LED_GREEN <- hardware.pinE;     // active high
BLINKUP_LED <- hardware.pinM;   // active high, hence BLINKUP_ACTIVEHIGH
BUTTON <- hardware.pinC;        // reads 1 while pressed
PRINTER <- hardware.uart0;      // label printer, 9600 8N1

local sendingBlinkUp = false;   // the throttle: one BlinkUp at a time
local debounceTimer = null;

// Sends one factory BlinkUp. Squirrel is suspended while the LED flashes, so nothing
// else runs until it is done; the throttle then keeps a bouncing finger from starting
// a second one straight away.
function sendBlinkUp() {
    sendingBlinkUp = true;
    LED_RED.write(0);
    server.log("Sending factory BlinkUp");
    server.factoryblinkup(SSID, PASSWORD, BLINKUP_LED, BLINKUP_FAST | BLINKUP_ACTIVEHIGH);
    imp.wakeup(BLINKUP_THROTTLE, function() {
        sendingBlinkUp = false;
    });
}

// The button's state-change callback runs on both edges. A mechanical button bounces,
// so act only on a level that is still there DEBOUNCE seconds later.
function buttonChanged() {
    if (debounceTimer != null) imp.cancelwakeup(debounceTimer);
    local level = BUTTON.read();
    debounceTimer = imp.wakeup(DEBOUNCE, function() {
        debounceTimer = null;
        if (BUTTON.read() != level) return;
        if (level == 1) {
            LED_GREEN.write(1);                 // pressed: acknowledge
        } else {
            LED_GREEN.write(0);                 // released: go
            if (sendingBlinkUp) {
                server.log("BlinkUp in progress, press ignored");
            } else {
                sendBlinkUp();
            }
        }
    });
}

// A pass lights green, a failure red; a passing unit gets its label.
function showResult(dut) {
    LED_GREEN.write(dut.passed ? 1 : 0);
    LED_RED.write(dut.passed ? 0 : 1);
    server.log(format("DUT %s %s", dut.deviceId, dut.passed ? "PASSED" : "FAILED"));
    if (dut.passed) {
        PRINTER.write(format("DEVICE %s\r\nMAC %s\r\n\x0c", dut.deviceId, dut.mac));
    }
}

agent.on("dut.result", showResult);

imp.enableblinkup(true);
LED_RED.configure(DIGITAL_OUT, 0);
LED_GREEN.configure(DIGITAL_OUT, 0);
BUTTON.configure(DIGITAL_IN, buttonChanged);
PRINTER.configure(9600, 8, PARITY_NONE, 1, NO_CTSRTS);
server.log("Fixture ready: " + hardware.getdeviceid());
